//! orders_erp_gbk.csv: the generated orders as a Chinese ERP would export them, to
//! show off the column mapping and GBK reading.

use std::path::Path;

use crate::output::{with_thousands, write_atomically};

/// Orders as a Chinese ERP would export them: Chinese headers, 2024/3/5 dates,
/// thousands separators in amounts, GBK-encoded. Shows off the column mapping.
pub fn write_erp_export(orders: &Path, target: &Path) -> anyhow::Result<()> {
    const HEADERS: [(&str, &str); 12] = [
        ("order_id", "单据编号"),
        ("order_date", "单据日期"),
        ("customer_id", "客户编码"),
        ("customer_name", "客户名称"),
        ("product_id", "存货编码"),
        ("product_name", "存货名称"),
        ("region", "地区"),
        ("channel", "渠道"),
        ("salesperson", "业务员"),
        ("quantity", "数量"),
        ("amount", "无税金额"),
        ("cost", "成本金额"),
    ];
    let mut reader = csv::Reader::from_path(orders)?;
    let headers = reader.headers()?.clone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let renamed: Vec<&str> = headers
        .iter()
        .map(|h| HEADERS.iter().find(|(en, _)| *en == h).map_or(h, |(_, zh)| *zh))
        .collect();
    writer.write_record(&renamed)?;
    for record in reader.records() {
        let record = record?;
        let fields: Vec<String> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| match h {
                "order_date" => slash_date(v),
                "amount" => with_thousands(v),
                _ => v.to_string(),
            })
            .collect();
        writer.write_record(&fields)?;
    }
    let text = String::from_utf8(writer.into_inner()?)?;
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    anyhow::ensure!(!unmappable, "the ERP export has characters GBK cannot hold");
    write_atomically(target, |w| Ok(w.write_all(&gbk)?))
}

/// 2024-03-05 -> 2024/3/5
fn slash_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{y}/{}/{}", m.trim_start_matches('0'), d.trim_start_matches('0')),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erp_notations() {
        assert_eq!(slash_date("2024-03-05"), "2024/3/5");
        assert_eq!(slash_date("2024-12-31"), "2024/12/31");
    }
}
