//! Real ERP exports, shaped like Kingdee, Yonyou, SAP, Odoo and ERPNext ones and
//! built here: title rows, two-row headers, subtotals and 合计, date cells and serial
//! dates, numbers stored as text, an extra sheet. Each must give the ABC of the clean
//! CSV of the same lines, to the cent.
//!
//! The lines (date, customer, product, amount):
//!   2024-01-05 C001 P1 1200.00 | 2024-01-09 C002 P2 300.50 | 2024-01-15 C001 P2 800.00
//!   2024-02-02 C003 P1  120.00 | 2024-02-10 C002 P1 700.00 | 2024-02-20 C004 P3  50.00
//! Per customer: C001 1200 + 800 = 2000.00; C002 300.50 + 700 = 1000.50; C003 120.00;
//! C004 50.00; total 3170.50. Share of sales before each, in rank order: C001 0,
//! C002 2000 / 3170.50 = 0.6308 (< 0.75: A), C003 3000.50 / 3170.50 = 0.9464 (< 0.95: B),
//! C004 3120.50 / 3170.50 = 0.9842 (C). Class sums: A 3000.50, B 120.00, C 50.00.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::common::*;

const LINES: [(&str, &str, &str, &str); 6] = [
    ("2024-01-05", "C001", "P1", "1200.00"),
    ("2024-01-09", "C002", "P2", "300.50"),
    ("2024-01-15", "C001", "P2", "800.00"),
    ("2024-02-02", "C003", "P1", "120.00"),
    ("2024-02-10", "C002", "P1", "700.00"),
    ("2024-02-20", "C004", "P3", "50.00"),
];

/// Excel serial days of the lines' dates: 45292 is 2024-01-01 (1900 system), so
/// 2024-01-05 is 45296, and 2024-02-02 is 45292 + 31 + 1 = 45324.
const SERIALS: [f64; 6] = [45296.0, 45300.0, 45306.0, 45324.0, 45332.0, 45342.0];

fn clean_csv(dir: &Path) -> String {
    let mut text = String::from("order_date,customer_id,product_id,amount\n");
    for (d, c, p, a) in LINES {
        text.push_str(&format!("{d},{c},{p},{a}\n"));
    }
    write(dir, "clean.csv", text.as_bytes()).display().to_string()
}

fn abc_of(file: &str, extra: &[&str]) -> (String, String) {
    let mut args = vec!["abc", file, "--format", "csv"];
    args.extend_from_slice(extra);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    (run.stdout, run.stderr)
}

/// Class sums of an ABC table: (A, B, C).
fn class_sums(table: &str) -> (String, String, String) {
    let classes = column(table, "class");
    let sales = column(table, "sales");
    let sum = |k: &str| {
        let cents: i64 = classes.iter().zip(&sales).filter(|(c, _)| *c == k).map(|(_, s)| (s.parse::<f64>().unwrap() * 100.0).round() as i64).sum();
        format!("{}.{:02}", cents / 100, cents % 100)
    };
    (sum("A"), sum("B"), sum("C"))
}

fn assert_same_abc(file: &str, extra: &[&str], dir: &Path) -> String {
    let (table, stderr) = abc_of(file, extra);
    assert_eq!(class_sums(&table), ("3000.50".into(), "120.00".into(), "50.00".into()), "{file}\n{table}\n{stderr}");
    assert_eq!(table, abc_of(&clean_csv(dir), &[]).0, "{file}");
    stderr
}

#[test]
fn kingdee_xlsx_with_title_rows_subtotals_a_total_and_date_cells() {
    let dir = tempdir();
    let path = dir.path().join("销售订单明细表.xlsx");
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // An extra sheet in front, with no header kam knows: skipped.
    book.add_worksheet().set_name("封面").unwrap().write_string(0, 0, "金蝶K/3 销售报表").unwrap();
    let sheet = book.add_worksheet().set_name("明细").unwrap();
    sheet.write_string(0, 0, "销售订单明细表").unwrap();
    sheet.write_string(1, 0, "日期：2024-01-01 至 2024-02-29").unwrap();
    for (c, h) in ["日期", "单据编号", "客户编码", "物料编码", "数量", "金额"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let mut row = 3;
    let mut month_sum = 0.0;
    for (i, (d, c, p, a)) in LINES.iter().enumerate() {
        let (y, m, day) = (d[0..4].parse().unwrap(), d[5..7].parse().unwrap(), d[8..10].parse().unwrap());
        sheet.write_datetime_with_format(row, 0, ExcelDateTime::from_ymd(y, m, day).unwrap(), &date).unwrap();
        sheet.write_string(row, 1, format!("XSDD{i:04}")).unwrap();
        sheet.write_string(row, 2, *c).unwrap();
        sheet.write_string(row, 3, *p).unwrap();
        sheet.write_number(row, 4, 1.0).unwrap();
        sheet.write_number(row, 5, a.parse::<f64>().unwrap()).unwrap();
        month_sum += a.parse::<f64>().unwrap();
        row += 1;
        if i == 2 || i == 5 {
            // Subtotals per month: January 1200 + 300.50 + 800 = 2300.50, February 870.00.
            sheet.write_string(row, 1, "小计").unwrap();
            sheet.write_number(row, 5, month_sum).unwrap();
            month_sum = 0.0;
            row += 1;
        }
    }
    sheet.write_string(row, 0, "合计").unwrap();
    sheet.write_number(row, 5, 3170.5).unwrap();
    book.save(&path).unwrap();
    let stderr = assert_same_abc(path.to_str().unwrap(), &[], dir.path());
    // Dropped: 2 subtotals and the 合计 row, 2300.50 + 870.00 + 3170.50 = 6341.00.
    assert!(stderr.contains("dropped 3 row(s)") && stderr.contains("6,341.00"), "{stderr}");
    assert!(stderr.contains("add up to the file's stated total"), "{stderr}");
}

#[test]
fn yonyou_xls_that_is_xlsx_with_a_two_row_header_serial_dates_and_text_amounts() {
    let dir = tempdir();
    let path = dir.path().join("销售明细.xls");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "销售发货单列表").unwrap();
    // Two-row header: 本币 over 无税金额 and 税额 (merged parent cell).
    for (c, h) in ["单据日期", "客户编码", "存货编码"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    sheet.merge_range(1, 3, 1, 4, "本币", &Format::new()).unwrap();
    sheet.write_string(2, 3, "无税金额").unwrap();
    sheet.write_string(2, 4, "税额").unwrap();
    for (i, ((_, c, p, a), serial)) in LINES.iter().zip(SERIALS).enumerate() {
        let row = 3 + i as u32;
        sheet.write_number(row, 0, serial).unwrap();
        sheet.write_string(row, 1, *c).unwrap();
        sheet.write_string(row, 2, *p).unwrap();
        // Stored as text, with thousands separators: 1,200.00.
        let text = if a.len() > 6 { format!("{},{}", &a[..a.len() - 6], &a[a.len() - 6..]) } else { a.to_string() };
        sheet.write_string(row, 3, text).unwrap();
        sheet.write_string(row, 4, "0.00").unwrap();
    }
    sheet.write_string(9, 0, "合 计").unwrap();
    sheet.write_string(9, 3, "3,170.50").unwrap();
    book.save(&path).unwrap();
    let stderr = assert_same_abc(path.to_str().unwrap(), &[], dir.path());
    assert!(stderr.contains("dropped 1 row(s)") && stderr.contains("3,170.50"), "{stderr}");
}

#[test]
fn sap_csv_with_semicolons_decimal_commas_day_first_dates_and_a_total() {
    let dir = tempdir();
    let mut text = String::from("Sales Document List\n\nPosting Date;Customer;Material;Net Amount\n");
    for (d, c, p, a) in LINES {
        // 2024-01-15 -> 15.01.2024; 1200.00 -> 1.200,00
        let (whole, cents) = a.split_once('.').unwrap();
        let whole = if whole.len() > 3 { format!("{}.{}", &whole[..whole.len() - 3], &whole[whole.len() - 3..]) } else { whole.to_string() };
        text.push_str(&format!("{}.{}.{};{c};{p};{whole},{cents}\n", &d[8..10], &d[5..7], &d[0..4]));
    }
    text.push_str(";Total;;3.170,50\n");
    let path = write(dir.path(), "sap.csv", text.as_bytes());
    let stderr = assert_same_abc(path.to_str().unwrap(), &[], dir.path());
    assert!(stderr.contains("dropped 1 row(s)"), "{stderr}");
}

/// Windows exports end lines with CRLF. The title rows above the header, the blank
/// row and the 合计 row are skipped as in an LF file, and a bad value is placed on its
/// own line: 2024-02-02 is the fourth data line, line 8 below the header on line 4.
#[test]
fn crlf_csv_with_title_rows_a_blank_row_and_a_total() {
    let dir = tempdir();
    let mut text = String::from("销售订单明细表\r\n日期：2024-01-01 至 2024-02-29\r\n\r\n单据日期,客户编码,存货编码,金额\r\n");
    for (d, c, p, a) in LINES {
        text.push_str(&format!("{d},{c},{p},{a}\r\n"));
    }
    text.push_str("合计,,,3170.50\r\n");
    let path = write(dir.path(), "kingdee.csv", text.as_bytes());
    let stderr = assert_same_abc(path.to_str().unwrap(), &[], dir.path());
    assert!(stderr.contains("dropped 1 row(s)") && stderr.contains("(line 11)"), "{stderr}");
    let bad = write(dir.path(), "bad.csv", text.replace("2024-02-02", "2024-13-02").as_bytes());
    assert_bad_input(&kam(&["abc", bad.to_str().unwrap()]), &["row 4 (line 8)", "2024-13-02"]);
}

#[test]
fn odoo_csv_with_datetimes_and_one_currency() {
    let dir = tempdir();
    let mut text = String::from("Order Reference,Order Date,Customer,Product,Net Amount,Currency\n");
    for (i, (d, c, p, a)) in LINES.iter().enumerate() {
        text.push_str(&format!("S{i:05},{d} 10:11:12,{c},{p},{a},EUR\n"));
    }
    let path = write(dir.path(), "odoo.csv", text.as_bytes());
    assert_same_abc(path.to_str().unwrap(), &[], dir.path());
}

#[test]
fn erpnext_csv_with_a_repeated_header_and_a_total_row() {
    let dir = tempdir();
    let header = "Posting Date,Customer,Item Code,Net Amount\n";
    let mut text = String::from(header);
    for (i, (d, c, p, a)) in LINES.iter().enumerate() {
        if i == 3 {
            text.push_str(header);
        }
        text.push_str(&format!("{d},{c},{p},{a}\n"));
    }
    text.push_str("Total,,,3170.50\n");
    let path = write(dir.path(), "erpnext.csv", text.as_bytes());
    let stderr = assert_same_abc(path.to_str().unwrap(), &[], dir.path());
    assert!(stderr.contains("dropped 2 row(s)"), "{stderr}");
}

#[test]
fn several_currencies_stop_unless_one_is_kept_or_converted() {
    let dir = tempdir();
    let path = write(dir.path(), "fx.csv", b"order_date,customer_id,amount,currency\n2024-01-02,C1,100.00,CNY\n2024-01-03,C2,10.00,USD\n");
    let run = kam(&["abc", path.to_str().unwrap(), "--format", "csv"]);
    assert_bad_input(&run, &["CNY (1 lines)", "USD (1 lines)", "--currency", "--fx"]);
    let (table, _) = abc_of(path.to_str().unwrap(), &["--currency", "CNY"]);
    assert_eq!(column(&table, "sales"), ["100.00"]);
    let rates = write(dir.path(), "rates.csv", b"currency,rate\nCNY,1\nUSD,7.1234\n");
    // 10.00 USD * 7.1234 = 71.234 -> 71.23 (half to even at 2 places); CNY 100.00 * 1.
    let (table, _) = abc_of(path.to_str().unwrap(), &["--fx", rates.to_str().unwrap()]);
    assert_eq!(column(&table, "sales"), ["100.00", "71.23"]);
}

#[test]
fn overlapping_exports_stop_unless_deduplicated() {
    let dir = tempdir();
    write(dir.path(), "jan.csv", b"order_date,customer_id,amount\n2024-01-30,C1,100.00\n2024-01-31,C2,50.00\n");
    write(dir.path(), "feb.csv", b"order_date,customer_id,amount\n2024-01-31,C2,50.00\n2024-02-01,C1,25.00\n");
    let glob = format!("{}/*.csv", dir.path().display());
    let run = kam(&["abc", &glob, "--format", "csv"]);
    assert_bad_input(&run, &["jan.csv", "1 line(s) are copies", "amount 50.00", "--dedupe"]);
    // Kept: C1 100.00 + 25.00 = 125.00, C2 50.00 once.
    let (table, stderr) = abc_of(&glob, &["--dedupe"]);
    assert_eq!(column(&table, "sales"), ["125.00", "50.00"]);
    assert!(stderr.contains("dropped by --dedupe"), "{stderr}");
}

#[test]
fn unknown_roles_and_undated_rows_are_refused() {
    let dir = tempdir();
    let path = write(dir.path(), "o.csv", b"order_date,customer_id,amount\n2024-01-02,C1,5.00\n,C2,7.00\n0000-01-01,C3,1.00\n");
    let p = path.to_str().unwrap();
    assert_bad_input(&kam(&["abc", p, "--col", "amout=amount"]), &["'amout' is not a role", "Did you mean 'amount'?"]);
    assert_bad_input(&kam(&["abc", p, "--col", "profit=Profit"]), &["'profit' is not a role"]);
    assert_bad_input(&kam(&["abc", p]), &["row 2 (line 3)", "order_date is empty", "[2 rows"]);
    let run = kam(&["abc", p, "--skip-bad-rows", "--format", "csv"]);
    assert_eq!(column(&run.stdout, "sales"), ["5.00"], "{}", run.stderr);
}

/// Found by fuzzing the value readers: in a file whose dates were all ISO, the fast
/// pass read the placeholder 0000-01-01 as a day of year 0 and the line was counted.
#[test]
fn a_placeholder_date_is_refused_in_a_file_of_iso_dates() {
    let dir = tempdir();
    let path = write(dir.path(), "o.csv", b"order_date,customer_id,amount\n2024-01-02,C1,5.00\n0000-01-01,C3,1.00\n");
    let p = path.to_str().unwrap();
    assert_bad_input(&kam(&["abc", p]), &["row 2 (line 3)", "'0000-01-01' is not a day an order was placed", "1900 to 2199"]);
    let (table, _) = abc_of(p, &["--skip-bad-rows"]);
    assert_eq!(column(&table, "sales"), ["5.00"]);
}

/// Found by fuzzing the value readers: with --decimal-comma, 1.500 was 1.5 when every
/// amount of the file was plain and 1500 when another one (2,250) needed the thorough pass.
#[test]
fn with_a_decimal_comma_a_point_groups_thousands_on_every_row() {
    let dir = tempdir();
    let plain = write(dir.path(), "plain.csv", b"order_date,customer_id,amount\n2024-01-02,C1,1.500\n2024-01-03,C2,2\n");
    let mixed = write(dir.path(), "mixed.csv", b"order_date,customer_id,amount\n2024-01-02,C1,1.500\n2024-01-03,C2,\"2,250\"\n");
    let (table, _) = abc_of(plain.to_str().unwrap(), &["--decimal-comma", "--money-scale", "3"]);
    assert_eq!(column(&table, "sales"), ["1500.000", "2.000"]);
    let (table, _) = abc_of(mixed.to_str().unwrap(), &["--decimal-comma", "--money-scale", "3"]);
    assert_eq!(column(&table, "sales"), ["1500.000", "2.250"]);
}

#[test]
fn an_xlsx_output_is_a_workbook_with_numbers_and_dates() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempdir();
    let out = dir.path().join("abc.xlsx");
    let run = kam(&["abc", &clean_csv(dir.path()), "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let range = book.worksheet_range("kam").unwrap();
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let sales = header.iter().position(|h| h == "sales").unwrap();
    // C001's sales, 2000.00, as a number, not text.
    assert_eq!(range.rows().nth(1).unwrap()[sales], Data::Float(2000.0));
}

#[test]
fn an_html_table_saved_as_xls_is_explained() {
    let dir = tempdir();
    let path = write(dir.path(), "export.xls", b"<html><body><table><tr><td>x</td></tr></table></body></html>");
    assert_bad_input(&kam(&["abc", path.to_str().unwrap()]), &["HTML table", "save it as .xlsx"]);
}
