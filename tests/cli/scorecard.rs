//! `kam scorecard` end to end on tests/data/score_*.csv, worked out by hand.
//!
//! As of 2024-12-31: current 12 months 2024-01-01..2024-12-31, previous 2023-01-01..2023-12-31.
//! O1 (2022 only) is outside the 24 months: not scored. Z9 (2025) is after as-of: ignored.
//!
//!        sales_12m  prev   gross_profit  margin  growth         active_months  orders_24m  largest_order_share
//!   K1   4000.00   1000    1600.00       0.40    3.0            4              5           1000/5000 = 0.2
//!   B1   5000.00      0    2000.00       0.40    empty          1              1           1.0
//!   L1   3000.00   2000     150.00       0.05    0.5            2              3           2000/5000 = 0.4
//!   S1    300.00    400     150.00       0.50   -0.25           3              4           400/700
//!   P1   3500.00   1000    1400.00       0.40    2.5            2              3           1750/4500
//! Company margin (12 months) = 5300 / 15800 = 0.335443; half of it = 0.167722.
//!
//! Percentile rank = (average rank - 1) / (n - 1) * 100 among the non-empty values, else 50:
//!   sales:        S1 0, L1 25, P1 50, K1 75, B1 100
//!   gross_profit: L1 = S1 (ranks 1,2 -> 1.5) 12.5, P1 50, K1 75, B1 100
//!   growth:       (n = 4) S1 0, L1 33.333, P1 66.667, K1 100; B1 empty -> 50
//!   regularity:   B1 0, L1 = P1 (ranks 2,3) 37.5, S1 75, K1 100
//!   payment:      avg days late (paid invoices, max(paid - due, 0)): K1 (0 + 5)/2 = 2.5, P1 70, L1 10, B1 0;
//!                 rank of -days late (n = 4): P1 0, L1 33.333, K1 66.667, B1 100, but B1 is over its
//!                 limit (open 3000.00 > 2000.00) -> 0; S1 has no invoices -> 50
//!   clv:          5 customers are too few to fit the models -> 50 for everyone
//! Score with the default weights 0.25, 0.20, 0.15, 0.15, 0.10, 0.15:
//!   K1 18.75 + 15 + 15 + 15 + 6.667 + 7.5 = 77.92  -> key (>= 70)
//!   B1 25 + 20 + 7.5 + 0 + 0 + 7.5        = 60.00  -> major (>= 50)
//!   P1 12.5 + 10 + 10 + 5.625 + 0 + 7.5   = 45.625 -> regular (>= 30)
//!   L1 6.25 + 2.5 + 5 + 5.625 + 3.333 + 7.5 = 30.21 -> regular
//!   S1 0 + 2.5 + 0 + 11.25 + 5 + 7.5      = 26.25  -> small
//! ABC with --thresholds 0.9,0.05 on the 12-month sales (total 15800, A while the sales before
//! are < 14220): B1 (0), K1 (5000), P1 (9000), L1 (12500) are A; S1 (15500) is C.
//! False key accounts among the large (class A or tier key):
//!   B1 one order holds 100% of its sales -> one-off bulk buyer; and over its limit
//!   L1 margin 5.0% < half of 33.5% -> low margin
//!   P1 70 days late on average > 30 -> pays late
//!   K1 none.

use crate::common::*;

struct Row {
    fields: Vec<String>,
}

fn parse(csv: &str) -> (Vec<String>, Vec<Row>) {
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines.map(|l| Row { fields: split_csv(l) }).collect();
    (header, rows)
}

/// Split a CSV line with optional double-quoted fields.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn get<'a>(header: &[String], row: &'a Row, name: &str) -> &'a str {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    &row.fields[i]
}

fn num(header: &[String], row: &Row, name: &str) -> f64 {
    get(header, row, name).parse().unwrap_or_else(|_| panic!("{name} = '{}'", get(header, row, name)))
}

fn scorecard(extra: &[&str]) -> Run {
    let orders = data("score_orders.csv");
    let mut args = vec!["scorecard", orders.as_str(), "--as-of", "2024-12-31", "--thresholds", "0.9,0.05", "--format", "csv"];
    args.extend_from_slice(extra);
    kam(&args)
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 0.006, "{what}: {a} != {b}");
}

#[test]
fn scorecard_by_hand_with_receivables() {
    let rec = data("score_receivables.csv");
    let cus = data("score_customers.csv");
    let run = scorecard(&["--receivables", &rec, "--customers", &cus]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, rows) = parse(&run.stdout);
    let ids: Vec<&str> = rows.iter().map(|r| get(&h, r, "customer_id")).collect();
    assert_eq!(ids, ["K1", "B1", "P1", "L1", "S1"], "{}", run.stdout);
    let expect = [
        // id, score, tier, class, sales, growth, gp, active, comps (sales, gp, growth, regularity, payment, clv)
        ("K1", 77.92, "key", "A", "4000.00", Some(3.0), "1600.00", 4, [75.0, 75.0, 100.0, 100.0, 66.667, 50.0]),
        ("B1", 60.0, "major", "A", "5000.00", None, "2000.00", 1, [100.0, 100.0, 50.0, 0.0, 0.0, 50.0]),
        ("P1", 45.625, "regular", "A", "3500.00", Some(2.5), "1400.00", 2, [50.0, 50.0, 66.667, 37.5, 0.0, 50.0]),
        ("L1", 30.21, "regular", "A", "3000.00", Some(0.5), "150.00", 2, [25.0, 12.5, 33.333, 37.5, 33.333, 50.0]),
        ("S1", 26.25, "small", "C", "300.00", Some(-0.25), "150.00", 3, [0.0, 12.5, 0.0, 75.0, 50.0, 50.0]),
    ];
    for (row, (id, score, tier, class, sales, growth, gp, active, comps)) in rows.iter().zip(expect) {
        assert_eq!(get(&h, row, "customer_id"), id);
        close(num(&h, row, "score"), score, &format!("{id} score"));
        assert_eq!(get(&h, row, "tier"), tier, "{id}");
        assert_eq!(get(&h, row, "class"), class, "{id}");
        assert_eq!(get(&h, row, "sales_12m"), sales, "{id}");
        assert_eq!(get(&h, row, "gross_profit_12m"), gp, "{id}");
        assert_eq!(num(&h, row, "active_months") as i64, active, "{id}");
        match growth {
            Some(g) => close(num(&h, row, "growth"), g, &format!("{id} growth")),
            None => assert_eq!(get(&h, row, "growth"), "", "{id} growth"),
        }
        for (c, v) in ["sales", "gross_profit", "growth", "regularity", "payment", "clv"].iter().zip(comps) {
            close(num(&h, row, &format!("score_{c}")), v, &format!("{id} score_{c}"));
        }
    }
    let name = |i: usize| get(&h, &rows[i], "customer_name").to_string();
    assert_eq!(name(0), "Key Co");
    let flags = |i: usize| (get(&h, &rows[i], "false_key_account").to_string(), get(&h, &rows[i], "flags").to_string());
    assert_eq!(flags(0), ("false".into(), "".into()));
    assert_eq!(
        flags(1),
        ("true".into(), "one-off bulk buyer: one order holds 100.0% of its 24-month sales (1 orders); over its credit limit (扒皮大户)".into())
    );
    assert_eq!(flags(2), ("true".into(), "pays late: 70.0 days on average (扒皮大户)".into()));
    assert_eq!(flags(3), ("true".into(), "low margin: 5.0% against the company's 33.5%".into()));
    assert_eq!(flags(4), ("false".into(), "".into()));
    close(num(&h, &rows[1], "avg_days_late"), 0.0, "B1 days late");
    assert_eq!(get(&h, &rows[1], "over_limit"), "true");
    assert_eq!(get(&h, &rows[4], "avg_days_late"), "", "S1 has no invoices");
    assert!(run.stderr.contains("CLV not available"), "{}", run.stderr);
}

#[test]
fn scorecard_without_receivables_is_neutral_on_payment() {
    let run = scorecard(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, rows) = parse(&run.stdout);
    for r in &rows {
        close(num(&h, r, "score_payment"), 50.0, "payment");
    }
    // K1 77.92 - 6.667 + 5 = 76.25; B1 60 + 5 = 65; P1 45.625 + 5 = 50.625 -> major
    let by_id = |id: &str| rows.iter().find(|r| get(&h, r, "customer_id") == id).unwrap();
    close(num(&h, by_id("K1"), "score"), 76.25, "K1");
    close(num(&h, by_id("B1"), "score"), 65.0, "B1");
    assert_eq!(get(&h, by_id("P1"), "tier"), "major");
    assert_eq!(get(&h, by_id("P1"), "flags"), "", "no receivables: late payment is not checked");
    assert!(get(&h, by_id("B1"), "flags").starts_with("one-off bulk buyer"));
    assert!(run.stderr.contains("no receivables"), "{}", run.stderr);
}

#[test]
fn scorecard_weights_and_tiers_options() {
    // Only sales counts: the score is the sales percentile. Tiers 90,60,20:
    // B1 100 key, K1 75 major, P1 50 regular, L1 25 regular, S1 0 small.
    let run = scorecard(&["--weights", "sales=2,gross_profit=0,growth=0,regularity=0,payment=0,clv=0", "--tiers", "90,60,20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, rows) = parse(&run.stdout);
    let got: Vec<(String, f64, String)> =
        rows.iter().map(|r| (get(&h, r, "customer_id").to_string(), num(&h, r, "score"), get(&h, r, "tier").to_string())).collect();
    let want = [("B1", 100.0, "key"), ("K1", 75.0, "major"), ("P1", 50.0, "regular"), ("L1", 25.0, "regular"), ("S1", 0.0, "small")];
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.2.as_str()), (w.0, w.2));
        close(g.1, w.1, w.0);
    }
}

#[test]
fn scorecard_config_section_and_bad_options() {
    let dir = tempdir();
    std::fs::write(dir.path().join("kam.toml"), "[scorecard]\nweights = \"sales=1,gross_profit=0,growth=0,regularity=0,payment=0,clv=0\"\ntiers = \"99,98,97\"\n").unwrap();
    let orders = data("score_orders.csv");
    let run = kam_in(Some(dir.path()), &["scorecard", &orders, "--as-of", "2024-12-31", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, rows) = parse(&run.stdout);
    assert_eq!(get(&h, &rows[0], "tier"), "key");
    assert_eq!(get(&h, &rows[1], "tier"), "small", "75 < 97");
    let bad = scorecard(&["--weights", "size=1"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown component 'size'"), "{}", bad.stderr);
    let bad = scorecard(&["--tiers", "30,50,70"]);
    assert_eq!(bad.code, 2);
    // Without --as-of: as of the last order date, said on stderr (docs/cli.md).
    let no_date = kam(&["scorecard", &orders]);
    assert_eq!(no_date.code, 0, "{}", no_date.stderr);
    assert!(no_date.stderr.contains("no --as-of: as of 2025-01-05, the last order date"), "{}", no_date.stderr);
}

// An order's lines interleaved with another's, and an order over two dates. As of 2024-12-31.
//   X1: O3 100.00 on 06-01 and 50.00 on 06-02 = 150.00; O1 10.00 + 30.00 = 40.00 and O2 20.00,
//       interleaved on 06-03. 3 orders; largest 150 / 210 = 0.714286; 1 active month (June).
//   Y1: YB 5.00 in March, YA 1.00 + 2.00 in June: 2 orders, largest 5 / 8 = 0.625; 2 active months.
#[test]
fn largest_order_is_summed_over_all_its_lines() {
    let dir = tempdir();
    let orders = write(
        dir.path(),
        "orders.csv",
        b"order_id,order_date,customer_id,amount,cost\nYB,2024-03-10,Y1,5.00,1.00\nO3,2024-06-01,X1,100.00,1.00\nO3,2024-06-02,X1,50.00,1.00\n\
          O1,2024-06-03,X1,10.00,1.00\nO2,2024-06-03,X1,20.00,1.00\nO1,2024-06-03,X1,30.00,1.00\nYA,2024-06-10,Y1,1.00,1.00\nYA,2024-06-10,Y1,2.00,1.00\n",
    );
    let run = kam(&["scorecard", orders.to_str().unwrap(), "--as-of", "2024-12-31", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, rows) = parse(&run.stdout);
    let row = |id: &str| rows.iter().find(|r| get(&h, r, "customer_id") == id).unwrap_or_else(|| panic!("no {id}"));
    assert_eq!(get(&h, row("X1"), "orders_24m"), "3");
    assert_eq!(get(&h, row("X1"), "largest_order_share"), "0.714286");
    assert_eq!(get(&h, row("X1"), "active_months"), "1");
    assert_eq!(get(&h, row("Y1"), "orders_24m"), "2");
    assert_eq!(get(&h, row("Y1"), "largest_order_share"), "0.625000");
    assert_eq!(get(&h, row("Y1"), "active_months"), "2");
}
