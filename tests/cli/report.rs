//! `kam report` end to end on the committed sample-data/ for 2024-12.

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLES: [&str; 12] =
    ["abc", "abc_summary", "products", "clv", "churn", "receivables", "alerts", "scorecard", "movers", "cohorts", "top_movers", "at_risk"];

fn report_args(out: &Path, orders: &str) -> Vec<String> {
    let (inv, rec, cus, plan) = (sample("inventory.csv"), sample("receivables.csv"), sample("customers.csv"), sample("plan.csv"));
    [
        "report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", orders, "--inventory", &inv,
        "--receivables", &rec, "--customers", &cus, "--plan", &plan, "--total-assets", "5000000",
    ]
    .map(String::from)
    .to_vec()
}

fn report(out: &Path, orders: &str) -> Run {
    kam(&report_args(out, orders))
}

/// Every file of a directory with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

fn sample_report() -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let out = dir.path().join("2024-12");
    let run = report(&out, &sample("orders.csv"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, out)
}

fn csv_column(text: &str, name: &str) -> Vec<String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    // the columns read here come before any free text, so a plain split is enough
    lines.map(|l| l.split(',').nth(i).unwrap_or("").to_string()).collect()
}

/// Exact cents of a money text such as 123.45 or -0.50.
fn cents(text: &str) -> i64 {
    let (neg, t) = text.strip_prefix('-').map_or((false, text), |t| (true, t));
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    let v = whole.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}")[..2].parse::<i64>().unwrap();
    if neg { -v } else { v }
}

#[test]
fn report_writes_every_file_and_the_tables_reconcile() {
    let (_dir, out) = sample_report();
    let got = files(&out);
    for t in TABLES {
        for ext in ["csv", "parquet"] {
            let name = format!("{t}.{ext}");
            assert!(got.get(&name).is_some_and(|b| !b.is_empty()), "{name} missing; files: {:?}", got.keys());
        }
    }
    assert!(got.contains_key("report.xlsx") && got.contains_key("report.html"));
    assert_eq!(got.len(), TABLES.len() * 2 + 2, "{:?}", got.keys());
    // no temporary or old directory is left beside the report
    let siblings: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(siblings.len(), 1, "{siblings:?}");

    // ABC: the class sales add up to the total, and the items to the summary's Total line;
    // the month's total equals the December order lines summed from orders.csv.
    let abc = String::from_utf8(got["abc.csv"].clone()).unwrap();
    let summary = String::from_utf8(got["abc_summary.csv"].clone()).unwrap();
    let classes = csv_column(&summary, "class");
    let sales: Vec<i64> = csv_column(&summary, "sales").iter().map(|s| cents(s)).collect();
    assert_eq!(classes, ["A", "B", "C", "Total"]);
    assert_eq!(sales[0] + sales[1] + sales[2], sales[3]);
    let item_sales: i64 = csv_column(&abc, "sales").iter().map(|s| cents(s)).sum();
    assert_eq!(item_sales, sales[3]);
    let orders = std::fs::read_to_string(sample("orders.csv")).unwrap();
    let december: i64 = orders
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1].starts_with("2024-12"))
        .map(|f| cents(f[10]))
        .sum();
    assert_eq!(sales[3], december);

    // Receivables: the Total line's buckets add up to its open total.
    let rec = String::from_utf8(got["receivables.csv"].clone()).unwrap();
    let last = |c: &str| cents(csv_column(&rec, c).last().unwrap());
    let buckets = ["current", "d1_30", "d31_60", "d61_90", "over_90"].iter().map(|b| last(b)).sum::<i64>();
    assert_eq!(buckets, last("open_total"));
    assert_eq!(csv_column(&rec, "customer_id").last().unwrap(), "Total");

    // Scorecard: one row per customer with orders in 2023-2024, tiers from the known set.
    let score = String::from_utf8(got["scorecard.csv"].clone()).unwrap();
    let tiers = csv_column(&score, "tier");
    assert!(!tiers.is_empty());
    assert!(tiers.iter().all(|t| ["key", "major", "regular", "small"].contains(&t.as_str())), "{tiers:?}");
    let html = String::from_utf8(got["report.html"].clone()).unwrap();
    assert!(html.contains("<svg") && html.contains("Pareto") && html.contains("Receivables aging"));
    assert!(!html.contains("https://"), "no links to the network");
    assert!(!html.contains("<script") && !html.contains("<link"), "self-contained");
}

#[test]
fn report_twice_gives_identical_tables() {
    let (_dir, out) = sample_report();
    let first = files(&out);
    let run = report(&out, &sample("orders.csv"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let second = files(&out);
    for (name, bytes) in &first {
        if name.ends_with(".csv") || name.ends_with(".parquet") {
            assert!(second.get(name) == Some(bytes), "{name} differs between two runs");
        }
    }
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
}

/// The report sums the orders by runs of lines (pipelines::orders): an order whose lines
/// are apart is several rows, which every table adds up and counts as one. The sample's
/// lines dealt into two halves, even lines then odd ones, part the lines of its orders.
#[test]
fn report_of_orders_whose_lines_are_apart_gives_the_same_tables() {
    let (dir, in_order) = sample_report();
    let text = std::fs::read_to_string(sample("orders.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let dealt: Vec<&str> = body.iter().step_by(2).chain(body.iter().skip(1).step_by(2)).copied().collect();
    let apart = write(dir.path(), "apart.csv", format!("{header}\n{}\n", dealt.join("\n")).as_bytes());
    let out = dir.path().join("apart");
    let run = report(&out, apart.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (expected, got) = (files(&in_order), files(&out));
    for (name, bytes) in &expected {
        if name.ends_with(".csv") || name.ends_with(".parquet") {
            assert!(got.get(name) == Some(bytes), "{name} differs when the lines of the orders are apart");
        }
    }
}

#[test]
fn failing_report_leaves_the_previous_directory_untouched() {
    let (dir, out) = sample_report();
    let before = files(&out);
    let corrupt = dir.path().join("orders.csv");
    let mut text = std::fs::read_to_string(sample("orders.csv")).unwrap();
    text = text.replacen("2024-12-", "2024-13-", 1);
    std::fs::write(&corrupt, text).unwrap();
    let run = report(&out, corrupt.to_str().unwrap());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("orders.csv"), "{}", run.stderr);
    assert!(before == files(&out), "the previous report changed");
    let siblings: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(siblings.len(), 2, "only the report and the corrupt input: {siblings:?}");
}

/// `zcat orders.csv.gz | kam report --orders - ...`: the report reads its orders three
/// times; stdin is copied once to a temporary file, removed at the end.
#[test]
fn report_reads_its_orders_from_stdin_like_from_a_file() {
    let (_dir, from_file) = sample_report();
    let dir = tempdir();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let out = dir.path().join("r");
    let args = report_args(&out, "-");
    let orders = std::fs::read(sample("orders.csv")).unwrap();
    let run = kam_stdin_env(&args, &orders, &[("TMPDIR", tmp.to_str().unwrap())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (piped, expected) = (files(&out), files(&from_file));
    assert_eq!(piped.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (name, bytes) in &expected {
        if name.ends_with(".csv") || name.ends_with(".parquet") {
            assert!(piped.get(name) == Some(bytes), "{name} differs from the report on the file");
        }
    }
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the copy of stdin is removed");
}

#[test]
fn report_refuses_stdin_for_two_inputs_before_reading_anything() {
    let dir = tempdir();
    let out = dir.path().join("r");
    // Nothing is written to stdin: kam stops before reading it.
    let run = kam_stdin(&["report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", "-", "--receivables", "-", "-q"], b"");
    assert_bad_input(&run, &["'-' (stdin) can be one input", "as files"]);
    assert!(!out.exists(), "no report directory");
}

#[test]
fn report_xlsx_has_a_sheet_per_table() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let (_dir, out) = sample_report();
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    // the summary first, then the tables (the page's two lists last)
    let mut sheets = vec!["summary".to_string()];
    sheets.extend(TABLES.map(String::from));
    assert_eq!(book.sheet_names(), sheets);
    let summary = book.worksheet_range("abc_summary").unwrap();
    assert_eq!(summary.get((0, 0)), Some(&Data::String("class".into())));
    assert_eq!(summary.get((4, 0)), Some(&Data::String("Total".into())));
    let csv = std::fs::read_to_string(out.join("abc_summary.csv")).unwrap();
    let total = csv_column(&csv, "sales")[3].clone();
    match summary.get((4, 3)) {
        Some(Data::Float(v)) => assert_eq!((v * 100.0).round() as i64, cents(&total)),
        other => panic!("Total sales in the workbook: {other:?}"),
    }
}

/// Chromium from PATH or /usr/bin/chromium; None if absent.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(out) = Command::new("sh").args(["-c", &format!("command -v {name}")]).output() {
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && !p.is_empty() {
                return Some(PathBuf::from(p));
            }
        }
    }
    let p = PathBuf::from("/usr/bin/chromium");
    p.exists().then_some(p)
}

#[test]
fn report_html_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED report_html_renders_in_headless_chromium: chromium not found (apt-get install chromium; .ci/run installs it)");
        return;
    };
    let (dir, out) = sample_report();
    let profile = dir.path().join("chromium-profile");
    let url = format!("file://{}", out.join("report.html").display());
    let flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];
    let user_data = format!("--user-data-dir={}", profile.display());
    let dom = Command::new(&browser).args(flags).arg(&user_data).args(["--dump-dom", &url]).output().expect("run chromium");
    let text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.status.success(), "chromium failed: {}", String::from_utf8_lossy(&dom.stderr));
    // Two charts, each an <svg> with drawn paths or lines and axis text.
    assert!(text.matches("<svg").count() >= 2, "{}", &text[..text.len().min(2000)]);
    assert!(text.contains("<polyline") || text.contains("<path"), "no chart lines in the DOM");
    assert!(text.contains("<rect"), "no bars in the DOM");
    assert!(text.contains("cumulative share of sales (%)") && text.contains("open amount"), "axis titles missing");
    assert!(text.contains("over_90") && text.contains("A cut-off 75%"), "axis labels or legend missing");
    // A screenshot that is not blank: the PNG of a page with charts is large.
    let png = dir.path().join("shot.png");
    let shot = Command::new(&browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", dir.path().join("chromium-profile-2").display()))
        .args(["--window-size=1200,1800", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(bytes.len() > 20_000, "the screenshot looks blank ({} bytes)", bytes.len());
}

#[test]
fn report_reads_its_inputs_from_kam_toml() {
    let dir = tempdir();
    let toml = format!("[report]\norders = [\"{}\"]\n", sample("orders.csv"));
    std::fs::write(dir.path().join("kam.toml"), toml).unwrap();
    let run = kam_in(Some(dir.path()), &["report", "--period", "2024-06", "--out", "r", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = files(&dir.path().join("r"));
    assert!(got.contains_key("scorecard.csv") && !got.contains_key("receivables.csv"), "{:?}", got.keys());
    let html = String::from_utf8(got["report.html"].clone()).unwrap();
    assert!(html.contains("No receivables given"));
    let bad = kam_in(Some(dir.path()), &["report", "--period", "2024-6x", "--out", "r"]);
    assert_eq!(bad.code, 2);
}

// ---- issue #22 items 4 and 5: the report in the data's language, its headline and workbook

/// A small order file with Chinese headers. Sales by month, worked out by hand:
/// 2023-12: 甲 5,000 + 乙 3,000 = 8,000 (cost 6,000: gross profit 2,000, margin 25.0%)
/// 2024-11: 甲 6,000 + 乙 4,000 = 10,000 (cost 7,500: gross profit 2,500, margin 25.0%)
/// 2024-12: 甲 9,000 + 丙 3,000 = 12,000 (cost 8,400: gross profit 3,600, margin 30.0%)
const ZH_ORDERS: &str = "订单号,订单日期,客户编码,客户名称,产品编码,产品名称,金额,成本
SO1,2023-12-05,K1,甲公司,P1,空调,5000.00,3750.00
SO2,2023-12-06,K2,乙公司,P2,冰箱,3000.00,2250.00
SO3,2024-11-05,K1,甲公司,P1,空调,6000.00,4500.00
SO4,2024-11-06,K2,乙公司,P2,冰箱,4000.00,3000.00
SO5,2024-12-05,K1,甲公司,P1,空调,9000.00,6300.00
SO6,2024-12-06,K3,丙公司,P2,冰箱,3000.00,2100.00
";

/// The same lines with English headers.
fn en_orders() -> String {
    ZH_ORDERS.replacen("订单号,订单日期,客户编码,客户名称,产品编码,产品名称,金额,成本", "order_id,order_date,customer_id,customer_name,product_id,product_name,amount,cost", 1)
}

/// Run `kam report --period PERIOD` on `orders` (written to a file) with `extra` options.
fn small_report(orders: &str, period: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let file = write(dir.path(), "orders.csv", orders.as_bytes());
    let out = dir.path().join("r");
    let mut args = vec!["report", "--period", period, "--out", out.to_str().unwrap(), "--orders", file.to_str().unwrap(), "-q"];
    args.extend(extra);
    let run = kam_in(Some(dir.path()), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, out)
}

/// The cells (tags stripped) of the headline row whose first cell is `label`.
fn headline_row(html: &str, label: &str) -> Vec<String> {
    let table = &html[html.find("id=\"headline-table\"").expect("a headline table")..];
    let start = table.find(&format!("<tr><td>{label}</td>")).unwrap_or_else(|| panic!("no headline row {label}"));
    let row = &table[start..start + table[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            inner.replace("<b>", "").replace("</b>", "")
        })
        .collect()
}

#[test]
fn report_zh_headline_compares_with_last_month_and_last_year() {
    let (_dir, out) = small_report(ZH_ORDERS, "2024-12", &["--lang", "zh"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("环比") && html.contains("同比"));
    // 12,000 against 10,000 is +20.0%; against 8,000 a year earlier +50.0%.
    assert_eq!(headline_row(&html, "销售额"), ["销售额", "12,000.00", "10,000.00", "+20.0%", "8,000.00", "+50.0%"]);
    // Gross profit 3,600 against 2,500 (+44.0%) and 2,000 (+80.0%).
    assert_eq!(headline_row(&html, "毛利"), ["毛利", "3,600.00", "2,500.00", "+44.0%", "2,000.00", "+80.0%"]);
    // The margin 30.0% against 25.0% both times: 5 points up, not a % of a %.
    assert_eq!(headline_row(&html, "毛利率"), ["毛利率", "30.0%", "25.0%", "+5.0个百分点", "25.0%", "+5.0个百分点"]);
    // Two customers each month: no change.
    assert_eq!(headline_row(&html, "活跃客户数"), ["活跃客户数", "2", "2", "0.0%", "2", "0.0%"]);
    // Movers against 2024-11: 甲 +3,000 (6,000 -> 9,000, +50.0%) and 丙 +3,000 (new: no %),
    // 乙 -4,000 (-100.0%).
    let movers = &html[html.find("id=\"top-movers\"").unwrap()..html.find("id=\"products\"").unwrap()];
    let up = &movers[..movers.find("下降最多").unwrap()];
    let down = &movers[movers.find("下降最多").unwrap()..];
    assert!(up.find("甲公司").unwrap() < up.find("丙公司").unwrap(), "equal rises by customer id");
    assert!(up.contains("<td class=\"num up\">3,000.00</td><td class=\"num\">50.0%</td>"), "{up}");
    assert!(down.contains("乙公司") && down.contains("-4,000.00") && down.contains("-100.0%"), "{down}");
    assert!(!down.contains("甲公司"));
    // every section has a caption
    for id in ["headline", "top-movers", "products", "churn", "pareto", "aging", "warnings", "scorecard", "cohorts"] {
        let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
        let section = &html[at..at + html[at..].find("<h2").unwrap_or(html.len() - at)];
        assert!(section.contains("class=\"caption\""), "section {id} has no caption");
    }
}

#[test]
fn report_headline_says_dash_when_the_comparison_month_has_no_data() {
    // 2024-11 against 2024-10 and 2023-11: neither has order lines.
    let (_dir, out) = small_report(ZH_ORDERS, "2024-11", &["--lang", "zh"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(headline_row(&html, "销售额"), ["销售额", "10,000.00", "—", "—", "—", "—"]);
    assert!(!html.contains("inf%") && !html.contains("NaN"));
}

#[test]
fn report_language_follows_the_headers_the_option_and_kam_toml() {
    // Chinese headers (客户编码, 金额 …) and no --lang: zh.
    let (_d1, zh) = small_report(ZH_ORDERS, "2024-12", &[]);
    let html = std::fs::read_to_string(zh.join("report.html")).unwrap();
    assert!(html.contains("核心指标") && html.contains("<th>客户编码</th>"), "zh by default");
    // English headers: en; --lang en on Chinese headers: en.
    for (orders, extra) in [(en_orders(), vec![]), (ZH_ORDERS.to_string(), vec!["--lang", "en"])] {
        let (_d, out) = small_report(&orders, "2024-12", &extra);
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(html.contains("<html lang=\"en\">") && html.contains("vs previous month (环比)") && html.contains("Top movers"), "{extra:?}");
        assert_eq!(headline_row(&html, "Sales"), ["Sales", "12,000.00", "10,000.00", "+20.0%", "8,000.00", "+50.0%"]);
        assert!(!html.contains("核心指标"));
    }
    // kam.toml [report] lang = "en" over the Chinese headers; a bad value is refused.
    let dir = tempdir();
    write(dir.path(), "orders.csv", ZH_ORDERS.as_bytes());
    write(dir.path(), "kam.toml", b"[report]\norders = [\"orders.csv\"]\nlang = \"en\"\n");
    let run = kam_in(Some(dir.path()), &["report", "--period", "2024-12", "--out", "r", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(dir.path().join("r/report.html")).unwrap().contains("<html lang=\"en\">"));
    write(dir.path(), "kam.toml", b"[report]\norders = [\"orders.csv\"]\nlang = \"fr\"\n");
    let bad = kam_in(Some(dir.path()), &["report", "--period", "2024-12", "--out", "r", "-q"]);
    assert_bad_input(&bad, &["[report] lang", "zh or en"]);
}

#[test]
fn report_zh_csv_has_a_bom_and_english_columns() {
    let (_d1, zh) = small_report(ZH_ORDERS, "2024-12", &["--lang", "zh"]);
    let (_d2, en) = small_report(ZH_ORDERS, "2024-12", &["--lang", "en"]);
    for name in ["abc.csv", "alerts.csv", "churn.csv"] {
        let z = std::fs::read(zh.join(name)).unwrap();
        let e = std::fs::read(en.join(name)).unwrap();
        assert_eq!(&z[..3], b"\xEF\xBB\xBF", "{name}: UTF-8 BOM for Excel on Chinese Windows");
        assert_eq!(&z[3..], &e[..], "{name}: the same columns and rows in both languages");
        assert_ne!(&e[..3], b"\xEF\xBB\xBF");
    }
    let abc = std::fs::read_to_string(en.join("abc.csv")).unwrap();
    assert!(abc.starts_with("rank,customer_id,customer_name,sales,"), "{abc}");
    // zh by default (from the headers) leaves the CSV bytes as they were: no BOM.
    let (_d3, auto) = small_report(ZH_ORDERS, "2024-12", &[]);
    assert_eq!(std::fs::read(auto.join("abc.csv")).unwrap(), std::fs::read(en.join("abc.csv")).unwrap());
}

/// The XML of one part of an XLSX file (a zip archive).
fn xlsx_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(part).unwrap_or_else(|_| panic!("no {part}")).read_to_string(&mut text).unwrap();
    text
}

/// The width of column `n` (1-based) in a sheet's XML: `<col min="A" max="B" width="W"`
/// with A <= n <= B. The writer stores Excel's width, the one set plus 0.71 of padding.
fn col_width(sheet: &str, n: usize) -> f64 {
    let attr = |tag: &str, name: &str| -> String {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].to_string()
    };
    sheet
        .split("<col ")
        .skip(1)
        .map(|tag| &tag[..tag.find("/>").unwrap()])
        .find(|tag| attr(tag, "min").parse::<usize>().unwrap() <= n && n <= attr(tag, "max").parse::<usize>().unwrap())
        .map(|tag| attr(tag, "width").parse::<f64>().unwrap() - 0.7109375)
        .unwrap_or_else(|| panic!("no width for column {n}"))
}

#[test]
fn report_xlsx_summary_first_with_formats_filters_and_widths() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let (_dir, out) = small_report(ZH_ORDERS, "2024-12", &["--lang", "zh"]);
    let path = out.join("report.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "汇总", "{names:?}");
    assert!(names.contains(&"预警".to_string()) && names.contains(&"客户ABC".to_string()), "{names:?}");
    let summary = book.worksheet_range("汇总").unwrap();
    assert_eq!(summary.get((0, 0)), Some(&Data::String("指标".into())));
    assert_eq!(summary.get((1, 0)), Some(&Data::String("销售额".into())));
    // numbers as numbers: 12,000 this month, 10,000 before, +20% and +50% as ratios
    assert_eq!(summary.get((1, 1)), Some(&Data::Float(12000.0)));
    assert_eq!(summary.get((1, 2)), Some(&Data::Float(10000.0)));
    assert_eq!(summary.get((1, 3)), Some(&Data::Float(0.2)));
    assert_eq!(summary.get((1, 5)), Some(&Data::Float(0.5)));
    let styles = book.worksheet_style("汇总").unwrap();
    let code = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.number_format.clone()).map(|f| f.format_code);
    assert_eq!(code(1, 1).as_deref(), Some("#,##0.00"), "money format");
    assert_eq!(code(1, 3).as_deref(), Some("+0.0%;-0.0%;0.0%"), "change as a percentage");
    // The customers' ABC: headers in Chinese, money and share formats.
    let abc = book.worksheet_range("客户ABC").unwrap();
    assert_eq!(abc.get((0, 1)), Some(&Data::String("客户编码".into())));
    assert_eq!(abc.get((0, 3)), Some(&Data::String("销售额".into())));
    assert_eq!(abc.get((1, 3)), Some(&Data::Float(9000.0)));
    let abc_styles = book.worksheet_style("客户ABC").unwrap();
    let abc_code = |c: u32| abc_styles.get((1, c)).and_then(|s| s.number_format.clone()).map(|f| f.format_code);
    assert_eq!(abc_code(3).as_deref(), Some("#,##0.00"), "sales");
    assert_eq!(abc_code(5).as_deref(), Some("0.0%"), "share");
    // The alerts: figure a number, its unit beside it.
    let alerts = book.worksheet_range("预警").unwrap();
    let header: Vec<String> = (0..alerts.width()).map(|c| alerts.get((0, c)).map(|d| d.to_string()).unwrap_or_default()).collect();
    let fig = header.iter().position(|h| h == "数值").expect("a figure column");
    assert_eq!(header[fig + 1], "单位", "{header:?}");
    for r in 1..alerts.height() {
        assert!(matches!(alerts.get((r, fig)), Some(Data::Float(_)) | None), "row {r}: {:?}", alerts.get((r, fig)));
    }
    // Every sheet: an autofilter, a frozen header, column widths; CJK counted twice.
    let workbook_xml = xlsx_part(&path, "xl/workbook.xml");
    let count = names.len();
    for i in 1..=count {
        let sheet = xlsx_part(&path, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("<autoFilter ref=\""), "sheet {i} has no autofilter");
        assert!(sheet.contains("state=\"frozen\""), "sheet {i} has no frozen header");
        assert!(sheet.contains("<col "), "sheet {i} has no column widths");
    }
    assert!(workbook_xml.contains("_xlnm._FilterDatabase"), "autofilters are defined names");
    // Widths are the widest text plus 2, a CJK character counting 2: 排名 (4) over "1" -> 6;
    // 客户编码 (8) over "K1" -> 10; 客户名称 (8) over 甲公司 (6) -> 10.
    let abc_xml = xlsx_part(&path, "xl/worksheets/sheet2.xml");
    assert_eq!(col_width(&abc_xml, 1), 6.0);
    assert_eq!(col_width(&abc_xml, 2), 10.0);
    assert_eq!(col_width(&abc_xml, 3), 10.0);
}

/// `--format xlsx` shares the report workbook's autofilter.
#[test]
fn format_xlsx_has_an_autofilter_and_a_frozen_header() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", en_orders().as_bytes());
    let out = dir.path().join("abc.xlsx");
    let run = kam(&["abc", orders.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sheet = xlsx_part(&out, "xl/worksheets/sheet1.xml");
    // abc of 3 customers: a header and 3 rows, 8 columns (A to H)
    assert!(sheet.contains("<autoFilter ref=\"A1:H4\"/>"), "{sheet}");
    assert!(sheet.contains("state=\"frozen\""));
    // Shares (share, cum_share) in a percent format, money with separators and cents.
    let styles = xlsx_part(&out, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.00%\"") && styles.contains("formatCode=\"#,##0.00\""), "{styles}");
}

/// A GBK export (read from its first lines only) with Chinese headers is zh by default too.
#[test]
fn report_language_from_gbk_headers() {
    let (gbk, _, _) = encoding_rs::GBK.encode(ZH_ORDERS);
    let dir = tempdir();
    let file = write(dir.path(), "orders.csv", &gbk);
    let out = dir.path().join("r");
    let run = kam(&["report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", file.to_str().unwrap(), "--encoding", "gbk", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert_eq!(headline_row(&html, "销售额"), ["销售额", "12,000.00", "10,000.00", "+20.0%", "8,000.00", "+50.0%"]);
}

/// The warnings on the page are by money at stake, worked out by hand on the small file
/// plus 丁公司 (K4), whose only order, 20,000 on 2023-06-10, makes it churned:
/// K4 churned: a year of sales up to its last order = 20,000;
/// K2 sales_vs_previous: 4,000 in 2024-11, nothing in 2024-12 = 4,000 short;
/// K2 sales_vs_last_year: 3,000 in 2023-12 = 3,000 short; K2 order_frequency: no amount, last.
#[test]
fn report_warnings_are_sorted_by_money_at_stake() {
    let orders = format!("{ZH_ORDERS}SO7,2023-06-10,K4,丁公司,P1,空调,20000.00,15000.00\n");
    let (_dir, out) = small_report(&orders, "2024-12", &["--lang", "en"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let warnings = &html[html.find("id=\"warnings\"").unwrap()..html.find("id=\"scorecard\"").unwrap()];
    let rows: Vec<&str> = warnings.split("<tr class=").skip(1).collect();
    let expected = [
        ("churned", "K4", "20,000.00"),
        ("sales_vs_previous", "K2", "4,000.00"),
        ("sales_vs_last_year", "K2", "3,000.00"),
        ("order_frequency", "K2", ""),
    ];
    assert_eq!(rows.len(), expected.len(), "{warnings}");
    for (row, (kind, customer, stake)) in rows.iter().zip(expected) {
        assert!(row.contains(&format!("<td>{kind}</td>")) && row.contains(&format!(">{customer}</td>")), "{row}");
        assert!(row.contains(&format!("<td class=\"num\">{stake}</td>")), "{kind}: {row}");
    }
    // and in the churned list, with its name and the same amount at stake
    let lost = &html[html.find("id=\"churn\"").unwrap()..html.find("id=\"pareto\"").unwrap()];
    assert!(lost.contains("丁公司") && lost.contains("20,000.00"), "{lost}");
    // the workbook's alerts sheet is in the same order
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let alerts = book.worksheet_range("alerts").unwrap();
    let header: Vec<String> = (0..alerts.width()).map(|c| alerts.get((0, c)).map(|d| d.to_string()).unwrap_or_default()).collect();
    let stake = header.iter().position(|h| h == "at_stake").expect("at_stake");
    assert_eq!(alerts.get((1, stake)), Some(&Data::Float(20000.0)));
    assert_eq!(alerts.get((2, stake)), Some(&Data::Float(4000.0)));
}

#[test]
fn report_refuses_an_unknown_language() {
    let run = kam(&["report", "--period", "2024-12", "--out", "/nonexistent/r", "--orders", "x.csv", "--lang", "fr"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fr") && run.stderr.contains("zh"), "{}", run.stderr);
}

#[test]
fn report_shows_its_stages_on_a_terminal_and_nothing_with_q() {
    let dir = tempdir();
    let out = dir.path().join("2024-12");
    let args = report_args(&out, &sample("orders.csv"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(shown) = on_terminal(120, &args, true) else {
        eprintln!("skipped: no util-linux `script` to make a pseudo-terminal");
        return;
    };
    // The first stage, reading the orders (a bar moved by the streamed read), is drawn
    // at once; the line is cleared before the summary.
    assert!(shown.contains("reading the order lines"), "{shown}");
    assert!(shown.contains("Report 2024-12 (as of 2024-12-31) written to"), "{shown}");
    let quiet = on_terminal(120, &[args.as_slice(), &["-q"]].concat(), true).unwrap();
    assert_eq!(quiet.trim(), "", "-q on a terminal prints nothing");
    // Without a terminal (cron, the other tests) no progress is drawn: the golden stderr.
    let run = report(&dir.path().join("piped"), &sample("orders.csv"));
    assert!(!run.stderr.contains("reading the order lines"));
}

/// The report sums the orders per order and day before churn, CLV and the scorecard
/// (pipelines::orders::order_days); the commands read the lines. Both must agree on a
/// file with what that summing could get wrong: an order over two days, an order with
/// a line without cost, a first line without a name and names that change.
#[test]
fn report_tables_equal_the_commands_on_orders_that_span_days_and_lack_costs() {
    let dir = tempdir();
    let orders = write(
        dir.path(),
        "orders.csv",
        "order_id,order_date,customer_id,customer_name,product_id,amount,cost\n\
         O1,2024-11-05,C1,,P1,100.00,60.00\n\
         O1,2024-11-05,C1,Acme,P2,50.00,\n\
         O2,2024-11-20,C2,Beta,P1,200.00,120.00\n\
         O3,2024-12-01,C1,Acme Old,P1,30.00,10.00\n\
         O3,2024-12-02,C1,Acme,P2,20.00,5.00\n\
         O4,2024-12-10,C2,Gamma,P1,80.00,40.00\n\
         O5,2024-06-10,C3,Delta,P1,500.00,300.00\n\
         O6,2024-07-10,C3,Delta,P1,400.00,250.00\n\
         O7,2024-10-01,C4,,P1,10.00,5.00\n\
         O8,2024-10-02,C4,First,P1,10.00,5.00\n\
         O7,2024-10-01,C4,Later,P2,10.00,5.00\n"
            .as_bytes(),
    );
    let o = orders.to_str().unwrap();
    let out = dir.path().join("2024-12");
    let run = kam(&["report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", o, "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (table, command) in [("churn", "churn"), ("scorecard", "scorecard")] {
        let alone = kam(&[command, o, "--as-of", "2024-12-31", "-q", "--format", "csv"]);
        assert_eq!(alone.code, 0, "{}", alone.stderr);
        let in_report = std::fs::read_to_string(out.join(format!("{table}.csv"))).unwrap();
        assert_eq!(in_report, alone.stdout, "{table}");
    }
    // By hand: C1 has two orders (O3 spans two days), three order days, and the name of
    // its first named line; its gross profit is unknown (a line of O1 has no cost).
    let churn = std::fs::read_to_string(out.join("churn.csv")).unwrap();
    let rows = csv_rows(&churn);
    let at = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let c1 = rows.iter().find(|r| r[0] == "C1").unwrap();
    assert_eq!((c1[at("customer_name")].as_str(), c1[at("orders")].as_str()), ("Acme", "2"));
    assert_eq!((c1[at("first_order")].as_str(), c1[at("last_order")].as_str()), ("2024-11-05", "2024-12-02"));
    let c2 = rows.iter().find(|r| r[0] == "C2").unwrap();
    assert_eq!(c2[at("customer_name")], "Beta");
    // C4's order O7 comes first, but its named line comes after O8's.
    let c4 = rows.iter().find(|r| r[0] == "C4").unwrap();
    assert_eq!((c4[at("customer_name")].as_str(), c4[at("orders")].as_str()), ("First", "2"));
}

/// More customers than a sheet holds: the workbook's sheets are cut to 10,000 rows and
/// say so, and the CSV files keep every row.
#[test]
fn report_cuts_long_sheets_and_says_so() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempdir();
    let data = dir.path().join("data");
    let gen = kam(&["generate", "--orders", "30000", "--customers", "12000", "--seed", "2", "--out", data.to_str().unwrap(), "-q"]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let out = dir.path().join("r");
    let orders = data.join("orders.csv");
    let run = kam(&["report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", orders.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let churn_rows = std::fs::read_to_string(out.join("churn.csv")).unwrap().lines().count() - 1;
    assert!(churn_rows > 10_000, "{churn_rows} customers");
    let note = run.stderr.lines().find(|l| l.contains("sheets are cut to 10,000 rows")).expect("a note on the cut");
    let with_comma = format!("{},{:03}", churn_rows / 1000, churn_rows % 1000); // 10,000 to 999,999
    assert!(note.contains(&format!("churn (of {with_comma})")), "{note}");
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let churn = book.worksheet_range("churn").unwrap();
    assert_eq!(churn.height(), 10_001, "header and 10,000 rows");
    let summary = book.worksheet_range("summary").unwrap();
    let said = summary.rows().flatten().any(|c| c.to_string().contains("churn.csv and churn.parquet have every row"));
    assert!(said, "the summary sheet names the cut");
}

/// The report reads the orders for several sections; a 合计 row is dropped from each
/// read, and said once. The tables are those of the file without it.
#[test]
fn report_says_a_dropped_totals_row_once_and_its_tables_are_the_clean_ones() {
    let dir = tempdir();
    let mut text = std::fs::read_to_string(sample("orders.csv")).unwrap();
    text.push_str("合计,,,,,,,,,,,\n");
    let orders = write(dir.path(), "orders.csv", text.as_bytes());
    let out = dir.path().join("r");
    let run = report(&out, orders.to_str().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("dropped 1 row(s) that are not data").count(), 1, "{}", run.stderr);
    // The row has no amount: a "sum to 0" would read as a checked figure.
    assert!(run.stderr.contains("none of them has an amount"), "{}", run.stderr);
    let (_clean_dir, clean) = sample_report();
    for table in TABLES {
        let name = format!("{table}.csv");
        assert_eq!(std::fs::read(out.join(&name)).unwrap(), std::fs::read(clean.join(&name)).unwrap(), "{name}");
    }
}
