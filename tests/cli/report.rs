//! `kam report` end to end on the committed sample-data/ for 2024-12.

use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLES: [&str; 10] = ["abc", "abc_summary", "products", "clv", "churn", "receivables", "alerts", "scorecard", "movers", "cohorts"];

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
    assert_eq!(book.sheet_names(), TABLES.map(String::from).to_vec());
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
