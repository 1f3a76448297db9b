//! Non-data rows: totals and subtotals (合计, 小计, Total, ...), repeated header rows
//! (page breaks) and footers (第1页, 打印日期, 制表人) in a key or date column. They
//! are never data: the thorough load drops them before values are read, and
//! says how many there were and what they summed to, checking a stated grand total.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::roles::{fold, Kind, Role};
use super::values::{money, text};

/// What was dropped from one file.
#[derive(Default)]
pub struct Dropped {
    /// Index of every kept row in the file's rows.
    pub kept: Vec<usize>,
    pub rows: usize,
    /// The first dropped row's index and what marked it.
    pub first: Option<(usize, String)>,
    /// The dropped rows' amounts that could be read, summed, and how many there were.
    pub sum: Decimal,
    pub amounts: usize,
    /// The last grand total's amount (合计, 总计, Total, Grand total; not a subtotal).
    pub grand_total: Option<(usize, Decimal)>,
}

fn cell(column: &Column, i: usize) -> Option<String> {
    match column.get(i).ok()? {
        AnyValue::Null => None,
        v => Some(v.get_str().map_or_else(|| v.to_string(), str::to_string)),
    }
}

fn is_grand_total(s: &str) -> bool {
    let f = fold(s);
    !(f.starts_with("小计") || f.starts_with("小計") || f.starts_with("sub")) && text::is_non_data(s.trim())
        && !f.starts_with('第') && ["合计", "合計", "总计", "總計", "总合计", "total", "grandtotal", "totals"].iter().any(|m| f.trim_end_matches([':', '：']) == *m || f.starts_with(m))
}

/// The column whose amounts a dropped row is summed by: `amount` (orders, receivables),
/// else the table's first money role (planned_amount in a plan).
pub fn money_column(roles: &[(Role, String)]) -> Option<&str> {
    let money = || roles.iter().find(|(r, _)| r.kind == Kind::Money);
    roles.iter().find(|(r, _)| r.name == "amount").or_else(money).map(|(r, _)| r.name.as_ref())
}

/// The non-data rows of `raw` (columns named by role, `headers` their headers in the
/// file), and the kept rows' indices.
pub fn find(raw: &DataFrame, roles: &[(Role, String)], money_scale: usize, decimal_comma: bool) -> Dropped {
    let mut dropped = Dropped::default();
    let columns: Vec<(&Role, &str, &Column)> = roles.iter().filter_map(|(r, h)| Some((r, h.as_str(), raw.column(&r.name).ok()?))).collect();
    let amount = money_column(roles).and_then(|name| raw.column(name).ok());
    for i in 0..raw.height() {
        let cells: Vec<Option<String>> = columns.iter().map(|(_, _, c)| cell(c, i)).collect();
        let marker = columns.iter().zip(&cells).find_map(|((role, _, _), value)| {
            let v = value.as_deref()?.trim();
            (matches!(role.kind, Kind::Text | Kind::Date | Kind::Month) && text::is_non_data(v)).then(|| v.to_string())
        });
        let repeated_header = cells.iter().filter(|c| c.is_some()).count() >= 2
            && columns.iter().zip(&cells).all(|((_, header, _), v)| v.as_deref().is_none_or(|v| fold(v) == fold(header)));
        // A row with no value at all is left to the value readers: a blank line inside
        // a CSV may be a broken record, and is reported (docs/reliability.md).
        let why = match (marker, repeated_header) {
            (Some(m), _) => m,
            (None, true) => "a repeated header row".to_string(),
            _ => {
                dropped.kept.push(i);
                continue;
            }
        };
        dropped.rows += 1;
        let value = amount.and_then(|a| cell(a, i)).and_then(|t| money::thorough_amount(&t, money_scale, decimal_comma)).map(|u| Decimal::from_i128_with_scale(u, money_scale as u32));
        if let Some(v) = value {
            dropped.sum += v;
            dropped.amounts += 1;
            if is_grand_total(&why) {
                dropped.grand_total = Some((i, v));
            }
        }
        dropped.first.get_or_insert((i, why));
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::roles::ORDERS;

    #[test]
    fn totals_headers_and_empty_rows_are_dropped_and_summed() {
        let raw = df!(
            "customer_id" => [Some("C1"), Some("小计"), Some("客户编码"), None, Some("合计"), Some("C2")],
            "amount" => [Some("10.00"), Some("10.00"), Some("金额"), None, Some("1,010.00"), Some("1000")],
        )
        .unwrap();
        let role = |n: &str| ORDERS.iter().find(|r| r.name == n).unwrap().clone();
        let found = vec![(role("customer_id"), "客户编码".to_string()), (role("amount"), "金额".to_string())];
        let d = find(&raw, &found, 2, false);
        assert_eq!(d.kept, [0, 3, 5]);
        assert_eq!(d.rows, 3);
        // 10.00 (小计) + 1,010.00 (合计) = 1,020.00; the repeated header has no amount.
        assert_eq!(d.sum.to_string(), "1020.00");
        assert_eq!(d.grand_total.map(|(i, v)| (i, v.to_string())), Some((4, "1010.00".to_string())));
    }
}
