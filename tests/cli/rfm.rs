//! `kam rfm` end to end on ten customers whose scores and segments were worked out by hand.
//!
//! As of 2024-12-31. Each customer orders once a week, going back from its last order:
//!
//!   id   last order  recency  order days x amount        monetary
//!   C01  2024-12-30     1     10 x 100.00                1000.00
//!   C02  2024-12-28     3      1 x  20.00                  20.00
//!   C03  2024-12-23     8      7 x 100.00, and -50.00     650.00  (a return on its last day:
//!                                                                  still 7 order days)
//!   C04  2024-12-16    15      4 x  62.50                 250.00
//!   C05  2024-12-01    30      4 x 105.00                 420.00
//!   C06  2024-11-01    60      6 x  70.00                 420.00  (tie with C05)
//!   C07  2024-10-02    90      2 x  75.00                 150.00
//!   C08  2024-08-03   150      8 x 100.00                 800.00
//!   C09  2024-06-14   200      3 x  40.00                 120.00
//!   C10  2024-03-06   300      1 x  10.00                  10.00  (and 5000.00 on 2025-01-05,
//!                                                                  after as-of: ignored)
//!
//! n = 10, N = 5 bins: score = floor((r - 1) × 5 / 10) + 1, so ranks 1-2 -> 1, 3-4 -> 2,
//! 5-6 -> 3, 7-8 -> 4, 9-10 -> 5; equal values share the average of their ranks.
//!   recency, ranked descending (300 is rank 1): C10 1, C09 2, C08 3, C07 4, C06 5, C05 6,
//!     C04 7, C03 8, C02 9, C01 10 -> R: C10 1, C09 1, C08 2, C07 2, C06 3, C05 3, C04 4, C03 4,
//!     C02 5, C01 5
//!   frequency: 1 (C02, C10) ranks 1,2 -> 1.5 -> floor(0.25) + 1 = 1; 2 C07 3 -> 2; 3 C09 4 -> 2;
//!     4 (C04, C05) ranks 5,6 -> 5.5 -> floor(2.25) + 1 = 3; 6 C06 7 -> 4; 7 C03 8 -> 4;
//!     8 C08 9 -> 5; 10 C01 10 -> 5
//!   monetary: 10 C10 1 -> 1; 20 C02 2 -> 1; 120 C09 3 -> 2; 150 C07 4 -> 2; 250 C04 5 -> 3;
//!     420 (C05, C06) ranks 6,7 -> 6.5 -> floor(2.75) + 1 = 3 (the tie: rank 7 alone would be 4);
//!     650 C03 8 -> 4; 800 C08 9 -> 5; 1000 C01 10 -> 5
//!
//!   id   R F M  FM    segment (first matching rule)
//!   C01  5 5 5  5     Champions (R >= 4, FM >= 4)
//!   C02  5 1 1  1     New Customers (R = 5, FM <= 1.5)
//!   C03  4 4 4  4     Champions
//!   C04  4 3 3  3     Loyal Customers (R >= 3, FM >= 3; FM < 4 is not Champions)
//!   C05  3 3 3  3     Loyal Customers
//!   C06  3 4 3  3.5   Loyal Customers
//!   C07  2 2 2  2     Need Attention (R = 2, FM >= 2)
//!   C08  2 5 5  5     At Risk (R <= 2, FM >= 3; Can't Lose Them needs R = 1)
//!   C09  1 2 2  2     Hibernating (R = 1, FM >= 1.5)
//!   C10  1 1 1  1     Lost
//!
//! Sorted by monetary descending, then id: C01, C08, C03, C05, C06 (420 each), C04, C07,
//! C09, C02, C10.

use chrono::{Duration, NaiveDate};

use crate::common::*;

/// (id, last order, order days, amount each)
const CUSTOMERS: [(&str, &str, i64, &str); 10] = [
    ("C01", "2024-12-30", 10, "100.00"),
    ("C02", "2024-12-28", 1, "20.00"),
    ("C03", "2024-12-23", 7, "100.00"),
    ("C04", "2024-12-16", 4, "62.50"),
    ("C05", "2024-12-01", 4, "105.00"),
    ("C06", "2024-11-01", 6, "70.00"),
    ("C07", "2024-10-02", 2, "75.00"),
    ("C08", "2024-08-03", 8, "100.00"),
    ("C09", "2024-06-14", 3, "40.00"),
    ("C10", "2024-03-06", 1, "10.00"),
];

fn orders() -> String {
    let mut csv = String::from("order_date,customer_id,customer_name,amount\n");
    for (id, last, days, each) in CUSTOMERS {
        let last = NaiveDate::parse_from_str(last, "%Y-%m-%d").unwrap();
        for week in 0..days {
            csv.push_str(&format!("{},{id},Name {id},{each}\n", last - Duration::days(7 * week)));
        }
    }
    csv.push_str("2024-12-23,C03,Name C03,-50.00\n2025-01-05,C10,Name C10,5000.00\n");
    csv
}

fn rfm(extra: &[&str]) -> (tempfile::TempDir, Run) {
    let dir = tempdir();
    let file = write(dir.path(), "orders.csv", orders().as_bytes());
    let mut args = vec!["rfm", file.to_str().unwrap(), "--as-of", "2024-12-31", "--format", "csv"];
    args.extend_from_slice(extra);
    let run = kam(&args);
    (dir, run)
}

#[test]
fn ten_customers_by_hand() {
    let (_dir, run) = rfm(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    let header = &csv_rows(out)[0];
    let expected_header = [
        "customer_id", "customer_name", "last_order", "recency_days", "frequency", "monetary", "r_score", "f_score",
        "m_score", "rfm", "segment",
    ];
    assert_eq!(header, &expected_header);
    assert_eq!(column(out, "customer_id"), ["C01", "C08", "C03", "C05", "C06", "C04", "C07", "C09", "C02", "C10"]);
    assert_eq!(column(out, "recency_days"), ["1", "150", "8", "30", "60", "15", "90", "200", "3", "300"]);
    assert_eq!(column(out, "frequency"), ["10", "8", "7", "4", "6", "4", "2", "3", "1", "1"]);
    assert_eq!(
        column(out, "monetary"),
        ["1000.00", "800.00", "650.00", "420.00", "420.00", "250.00", "150.00", "120.00", "20.00", "10.00"]
    );
    assert_eq!(column(out, "rfm"), ["555", "255", "444", "333", "343", "433", "222", "122", "511", "111"]);
    assert_eq!(
        column(out, "segment"),
        [
            "Champions", "At Risk", "Champions", "Loyal Customers", "Loyal Customers", "Loyal Customers",
            "Need Attention", "Hibernating", "New Customers", "Lost",
        ]
    );
    assert_eq!(column(out, "last_order")[9], "2024-03-06", "the order after as-of is ignored");
    // Stderr: customers per segment, every segment in rule order.
    let count = |segment: &str| -> String {
        let line = run.stderr.lines().find(|l| l.contains(&format!(" {segment} "))).unwrap_or_else(|| panic!("{}", run.stderr));
        line.split('┆').nth(2).unwrap().trim().to_string()
    };
    assert_eq!(count("Champions"), "2");
    assert_eq!(count("Loyal Customers"), "3");
    assert_eq!(count("Can't Lose Them"), "0");
    assert_eq!(count("Lost"), "1");
}

#[test]
fn a_window_counts_only_its_days_and_zh_names_segments() {
    // --window 100: 2024-09-23 to 2024-12-31. C08 (last order 2024-08-03) has no order day and
    // no sales in it, but keeps its recency; C01's ten weeks (from 2024-10-28) are all inside.
    let (_dir, run) = rfm(&["--window", "100", "--lang", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(row("C08")[3..6], ["150", "0", "0.00"]);
    assert_eq!(row("C01")[3..6], ["1", "10", "1000.00"]);
    assert_eq!(row("C01")[10], "重要价值客户");
    assert_eq!(row("C10")[10], "流失客户");
    assert!(run.stderr.contains("2024-09-23 to 2024-12-31"), "{}", run.stderr);
}

#[test]
fn bins_are_checked_and_as_of_defaults_to_the_last_order() {
    let (_dir, run) = rfm(&["--bins", "11"]);
    assert_bad_input(&run, &["--bins"]);
    let dir = tempdir();
    let file = write(dir.path(), "o.csv", b"order_date,customer_id,amount\n2024-06-01,A,10.00\n2024-06-30,B,5.00\n");
    let run = kam(&["rfm", file.to_str().unwrap(), "--bins", "2", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("as of 2024-06-30, the last order date"), "{}", run.stderr);
    // Two customers, two bins: score = floor((r - 1) × 2 / 2) + 1.
    //   A: 29 days, 1 order day, 10.00; B: 0 days, 1 order day, 5.00.
    //   recency (descending): A rank 1 -> 1, B rank 2 -> 2; frequency tie: ranks 1,2 -> 1.5 -> 1 both;
    //   monetary: B rank 1 -> 1, A rank 2 -> 2. A "112", B "211".
    //   On the 1-5 scale (s' = 1 + (s - 1) × 4): A R' 1, FM' (1 + 5) / 2 = 3 -> At Risk;
    //   B R' 5, FM' 1 -> New Customers.
    assert_eq!(column(&run.stdout, "rfm"), ["112", "211"]);
    assert_eq!(column(&run.stdout, "segment"), ["At Risk", "New Customers"]);
}
