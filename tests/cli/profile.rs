//! `kam profile` end to end on a small data set worked out by hand.
//!
//! As of 2024-06-30; the 24 months shown are 2022-07 to 2024-06. Customer K1's lines:
//!   2022-06-10  P1  300.00 (cost 180.00)   before the 24 months: lifetime only
//!   2024-03-15  P1 1000.00 (cost 600.00)
//!   2024-05-20  P2  500.00 (cost 200.00)
//!   2024-05-25  P1 -100.00 (cost -60.00)   a return
//!   2024-07-02  P1  999.00                 after as-of: ignored
//! Monthly: 2024-03 1,000.00; 2024-05 500 - 100 = 400.00; every other month 0.00.
//! Total of the 24 months 1,400.00; lifetime 1,700.00.
//! Gross margin (24 months): cost 600 + 200 - 60 = 740, gross profit 660 / 1400 = 47.1%.
//! Top products: P1 900.00 (64.3% of 1400, margin 360 / 900 = 40.0%), P2 500.00 (35.7%, 60.0%).
//! ABC by quarter (all customers, A while the sales before are < 75% of the total):
//!   2024-Q1: K1 alone, rank 1 of 1, A.
//!   2024-Q2: K2 2000, K1 400, K3 50 (total 2450): K1 starts at 2000 / 2450 = 81.6% -> B, rank 2 of 3.
//! Receivables of K1 as of 2024-06-30:
//!   I1 1000.00 due 2024-05-16, unpaid: 15 + 30 = 45 days past due -> d31_60
//!   I2  500.00 due 2024-07-19: not yet due -> current
//!   I3  300.00 due 2024-02-09, paid 2024-02-20 -> not open
//!   open total 1,500.00 against the credit limit 1,200.00: over by 300.00 (an over_credit_limit alert).

use crate::common::*;

const ORDERS: &str = "order_date,customer_id,customer_name,product_id,product_name,amount,cost
2022-06-10,K1,Kunde Eins,P1,Widget,300.00,180.00
2024-03-15,K1,Kunde Eins,P1,Widget,1000.00,600.00
2024-05-20,K1,Kunde Eins,P2,Gadget,500.00,200.00
2024-05-25,K1,Kunde Eins,P1,Widget,-100.00,-60.00
2024-07-02,K1,Kunde Eins,P1,Widget,999.00,500.00
2024-04-10,K2,Zwei,P1,Widget,2000.00,1500.00
2024-06-05,K3,Drei,P2,Gadget,50.00,30.00
";

const RECEIVABLES: &str = "customer_id,invoice_id,invoice_date,due_date,amount,paid_amount,paid_date
K1,I1,2024-03-15,2024-05-16,1000.00,,
K1,I2,2024-05-20,2024-07-19,500.00,,
K1,I3,2024-01-10,2024-02-09,300.00,300.00,2024-02-20
K2,I4,2024-04-10,2024-05-10,2000.00,2000.00,2024-05-09
";

const CUSTOMERS: &str = "customer_id,name,segment,credit_limit
K1,Kunde & Eins GmbH,Großhandel,1200.00
K2,Zwei AG,Einzelhandel,5000.00
";

struct Files {
    dir: tempfile::TempDir,
    orders: String,
    receivables: String,
    customers: String,
}

fn files() -> Files {
    let dir = tempdir();
    let path = |name: &str, text: &str| write(dir.path(), name, text.as_bytes()).display().to_string();
    let (orders, receivables, customers) = (path("o.csv", ORDERS), path("ar.csv", RECEIVABLES), path("c.csv", CUSTOMERS));
    Files { dir, orders, receivables, customers }
}

fn profile(f: &Files, extra: &[&str]) -> Run {
    let mut args = vec![
        "profile", f.orders.as_str(), "--customer", "K1", "--receivables", f.receivables.as_str(),
        "--customers", f.customers.as_str(), "--as-of", "2024-06-30",
    ];
    args.extend_from_slice(extra);
    kam(&args)
}

/// The cells of the text table row that starts with `first`.
fn row(text: &str, first: &str) -> Vec<String> {
    let line = text.lines().find(|l| l.trim_start().trim_start_matches('│').trim().starts_with(first)).unwrap_or_else(|| panic!("no row {first}:\n{text}"));
    line.trim().trim_matches('│').split('┆').map(|c| c.trim().to_string()).collect()
}

#[test]
fn the_text_page_has_the_hand_worked_figures() {
    let f = files();
    let run = profile(&f, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = &run.stdout;
    assert!(page.lines().all(|l| l.chars().count() <= 100), "a line over 100 columns:\n{page}");
    for needle in [
        "Customer K1 Kunde & Eins GmbH, as of 2024-06-30",
        "Großhandel",
        "lifetime sales  1,700.00",
        "Monthly sales, 2022-07 to 2024-06",
        "total, 24 months  1,400.00",
        "best month        1,000.00 in 2024-03",
        "47.1% (gross profit 660.00 on sales 1,400.00)",
        "credit limit       1,200.00",
        "over limit         yes, by 300.00",
        "max days past due  45",
        "over_credit_limit",
    ] {
        assert!(page.contains(needle), "no {needle:?} in:\n{page}");
    }
    assert_eq!(row(page, "2024-01"), ["2024-01", "0.00", "2024-02", "0.00", "2024-03", "1,000.00"]);
    assert_eq!(row(page, "2024-04"), ["2024-04", "0.00", "2024-05", "400.00", "2024-06", "0.00"]);
    assert_eq!(row(page, "2024-Q1"), ["2024-Q1", "1,000.00", "1 of 1", "A"]);
    assert_eq!(row(page, "2024-Q2"), ["2024-Q2", "400.00", "2 of 3", "B"]);
    assert_eq!(row(page, "2023-Q4"), ["2023-Q4", "0.00", "", "-"]);
    assert_eq!(row(page, "P1"), ["P1", "Widget", "900.00", "64.3%", "40.0%"]);
    assert_eq!(row(page, "P2"), ["P2", "Gadget", "500.00", "35.7%", "60.0%"]);
    // current, d1_30, d31_60, d61_90, over_90, open_total
    assert_eq!(row(page, "500.00"), ["500.00", "0.00", "1,000.00", "0.00", "0.00", "1,500.00"]);
}

#[test]
fn the_html_page_is_self_contained_and_escaped() {
    let f = files();
    let out = f.dir.path().join("k1.html");
    let run = profile(&f, &["-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("Kunde &amp; Eins GmbH") && !html.contains("Kunde & Eins"), "{html}");
    assert!(html.contains("<svg") && html.contains("<figcaption>Net sales per month, 2022-07 to 2024-06"), "{html}");
    assert!(html.contains("<title>2024-03: 1,000.00</title>") && html.contains("<title>2024-05: 400.00</title>"), "{html}");
    for cell in ["1,400.00", "1,700.00", "1,000.00", "1,500.00", "2 of 3"] {
        assert!(html.contains(&format!(">{cell}<")), "no cell {cell} in {html}");
    }
    assert!(!html.contains("<script") && !html.contains(" src="), "the page loads nothing");
}

#[test]
fn an_unknown_customer_is_a_usage_error_with_a_hint() {
    let f = files();
    let run = kam(&["profile", f.orders.as_str(), "--customer", "K9", "--as-of", "2024-06-30"]);
    assert_bad_input(&run, &["--customer K9", "Did you mean 'K1'?"]);
    let run = kam(&["profile", f.orders.as_str(), "--customer", "NOBODY-AT-ALL", "--as-of", "2024-06-30"]);
    assert_bad_input(&run, &["The orders have 3 customers"]);
    // Without receivables the page still shows the orders' sections, and says what is missing.
    let run = kam(&["profile", f.orders.as_str(), "--customer", "K1", "--as-of", "2024-06-30", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Kunde Eins (from the orders)") && run.stdout.contains("No --receivables"), "{}", run.stdout);
}
