//! `kam clv` end to end: a hand-computed summary, a fit on generated data,
//! fits that cannot be made, the margin rule and the calibration check.

use crate::common::*;

use std::path::Path;

// Order lines (order_id, date, customer, amount, cost); as-of 2024-03-31 unless said otherwise.
//   A: O1 01-01 100.00/60 + 50.00/30, O2 01-15 80.00/50, O3 01-15 20.00/10 (same day: one purchase),
//      O4 02-12 40.00/20, O10 04-10 500.00/100 (after as-of: ignored)
//   B: O5 01-08 200.00/120
//   C: O6 01-01 30.00/20, O7 03-04 -10.00/-6.00 (a return: a purchase day with negative spend)
//   D: O8 02-05 99.99/50.00, O9 03-25 33.33 without cost
//   F: O11 03-10 60.00/40.00
const HAND: &str = "order_id,order_date,customer_id,product_id,amount,cost
O1,2024-01-01,A,P1,100.00,60.00
O1,2024-01-01,A,P2,50.00,30.00
O2,2024-01-15,A,P1,80.00,50.00
O3,2024-01-15,A,P2,20.00,10.00
O4,2024-02-12,A,P1,40.00,20.00
O10,2024-04-10,A,P1,500.00,100.00
O5,2024-01-08,B,P1,200.00,120.00
O6,2024-01-01,C,P1,30.00,20.00
O7,2024-03-04,C,P1,-10.00,-6.00
O8,2024-02-05,D,P2,99.99,50.00
O9,2024-03-25,D,P2,33.33,
O11,2024-03-10,F,P1,60.00,40.00
";

// The published CDNOW parameters (Fader, Hardie & Lee), saved as a params file.
const PARAMS: &str = r#"{
  "format": "kam-clv-params",
  "version": 1,
  "time_unit": "weeks",
  "as_of": "1997-09-30",
  "customers": 2357,
  "bgnbd": { "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4, "customers": 2357 },
  "gamma_gamma": { "p": 6.25, "q": 3.74, "v": 15.44, "log_likelihood": -4055.9, "customers": 946 }
}
"#;

fn by_customer(out: &str, name: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = column(out, "customer_id").into_iter().zip(column(out, name)).collect();
    pairs.sort();
    pairs
}

fn values(out: &str, name: &str) -> Vec<String> {
    by_customer(out, name).into_iter().map(|(_, v)| v).collect()
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn summary_columns_by_hand_with_saved_params() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", HAND.as_bytes());
    let params = write(dir.path(), "cdnow.json", PARAMS.as_bytes());
    let run = kam(&["clv", path(&orders), "--as-of", "2024-03-31", "--params", path(&params), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    // Rows in customer order A B C D F:
    // A: first 01-01, last 02-12; tenure 90 days (31 + 29 + 30, 2024 is a leap year); orders O1-O4 = 4;
    //    sales 150 + 80 + 20 + 40 = 290.00; profit 40 + 20 + 30 + 10 + 20 = 120.00; avg 290 / 4 = 72.50;
    //    purchase days 01-01, 01-15, 02-12 -> x 2; t_x 42 / 7 = 6; T 90 / 7 = 12.857143;
    //    m = repeat days' spend (100 + 40) / 2 = 70.
    // B: one order 01-08: tenure 83, x 0, t_x 0, T 83 / 7 = 11.857143, m empty.
    // C: 01-01 and the return 03-04: orders 2, sales 20.00, profit 10 - 4 = 6.00, avg 10.00;
    //    x 1, t_x 63 / 7 = 9, T 12.857143, m = -10 (left out of the Gamma-Gamma fit, taken as 0).
    // D: 02-05 and 03-25: tenure 55, sales 133.32, avg 66.66; a line without cost -> profit empty;
    //    x 1, t_x 49 / 7 = 7, T 55 / 7 = 7.857143, m 33.33.
    // F: 03-10: tenure 21, T 3.
    assert_eq!(values(out, "first_order"), ["2024-01-01", "2024-01-08", "2024-01-01", "2024-02-05", "2024-03-10"]);
    assert_eq!(values(out, "last_order"), ["2024-02-12", "2024-01-08", "2024-03-04", "2024-03-25", "2024-03-10"]);
    assert_eq!(values(out, "tenure_days"), ["90", "83", "90", "55", "21"]);
    assert_eq!(values(out, "orders"), ["4", "1", "2", "2", "1"]);
    assert_eq!(values(out, "sales"), ["290.00", "200.00", "20.00", "133.32", "60.00"]);
    assert_eq!(values(out, "gross_profit"), ["120.00", "80.00", "6.00", "", "20.00"]);
    assert_eq!(values(out, "avg_order_value"), ["72.50", "200.00", "10.00", "66.66", "60.00"]);
    assert_eq!(values(out, "x"), ["2", "0", "1", "1", "0"]);
    assert_eq!(values(out, "t_x"), ["6.000000", "0.000000", "9.000000", "7.000000", "0.000000"]);
    assert_eq!(values(out, "T"), ["12.857143", "11.857143", "12.857143", "7.857143", "3.000000"]);
    // m is money: written at cents.
    assert_eq!(values(out, "m"), ["70.00", "", "-10.00", "33.33", ""]);
    // Predictions with the CDNOW parameters, computed with mpmath (40 digits) from the formulas in docs/clv.md:
    // P(alive) = 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)); spend = (pv + pxm) / (px + q - 1) with m -> 0 for C;
    // margin from the data = (669.99 - 394.00) / 669.99 over the lines with cost (D's 33.33 has none).
    assert_eq!(values(out, "p_alive"), ["0.581424", "1.000000", "0.690834", "0.736561", "1.000000"]);
    // Money predictions are written at cents: 63.746719 -> 63.75 and so on.
    assert_eq!(values(out, "expected_spend"), ["63.75", "35.22", "10.73", "33.91", "35.22"]);
    let expected_purchases = [2.51645445624, 0.571571085224, 1.74910285407, 2.37666313142, 1.02387387921];
    let clv = [63.1682931871, 7.9115325881, 7.38781411692, 31.7455653248, 14.2045495449];
    for (got, want) in values(out, "expected_purchases").iter().zip(expected_purchases) {
        assert!((number(got) - want).abs() < 2e-6, "expected_purchases {got} vs {want}");
    }
    let at_cents: Vec<String> = clv.iter().map(|c| format!("{c:.2}")).collect();
    assert_eq!(values(out, "clv"), at_cents);
    // Sorted by clv, largest first.
    assert_eq!(column(out, "customer_id"), ["A", "D", "F", "B", "C"]);
    assert!(run.stderr.contains("Margin 0.4119"), "{}", run.stderr);
    assert!(run.stderr.contains("1 lines without cost"), "{}", run.stderr);
    assert!(run.stderr.contains("r = 0.243000"), "{}", run.stderr);

    // Without --as-of the calibration ends at the last order date, 2024-04-10: A's O10 counts,
    // F's T = 31 / 7 = 4.428571, A has 3 repeat purchase days.
    let run = kam(&["clv", path(&orders), "--params", path(&params), "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(values(&run.stdout, "T")[4], "4.428571");
    assert_eq!(values(&run.stdout, "x")[0], "3");
    assert_eq!(run.stderr, "");
}

#[test]
fn generated_data_fits_and_saved_params_reproduce_the_output() {
    let dir = tempdir();
    let data = dir.path().join("data");
    let gen = kam(&["generate", "--orders", "20000", "--seed", "3", "--out", path(&data), "-q"]);
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    let orders = data.join("orders.csv");
    let params = dir.path().join("model.json");
    let fit = kam(&["clv", path(&orders), "--params-out", path(&params), "--format", "csv"]);
    assert_eq!(fit.code, 0, "{}", fit.stderr);
    for needle in ["BG/NBD (purchases): r = ", "log-likelihood", "Gamma-Gamma (spend per purchase): p = ", "Margin "] {
        assert!(fit.stderr.contains(needle), "stderr lacks {needle:?}: {}", fit.stderr);
    }
    let out = &fit.stdout;
    let p_alive = column(out, "p_alive");
    assert!(p_alive.len() > 1000, "{} customers", p_alive.len());
    assert!(p_alive.iter().all(|p| (0.0..=1.0).contains(&number(p))));
    let clv: Vec<f64> = column(out, "clv").iter().map(|c| number(c)).collect();
    assert!(clv.iter().all(|c| c.is_finite()));
    assert!(clv.windows(2).all(|w| w[0] >= w[1]), "sorted by clv descending");
    for c in ["expected_purchases", "expected_spend"] {
        assert!(column(out, c).iter().all(|v| number(v).is_finite() && number(v) >= 0.0), "{c}");
    }

    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&params).unwrap()).unwrap();
    assert_eq!(saved["format"], "kam-clv-params");
    assert_eq!(saved["time_unit"], "weeks");
    assert_eq!(saved["as_of"], "2024-12-31");
    assert_eq!(saved["customers"].as_u64(), Some(p_alive.len() as u64));
    for key in ["r", "alpha", "a", "b", "log_likelihood"] {
        assert!(saved["bgnbd"][key].is_f64(), "bgnbd.{key}");
    }
    for key in ["p", "q", "v", "log_likelihood"] {
        assert!(saved["gamma_gamma"][key].is_f64(), "gamma_gamma.{key}");
    }

    // A later run with the saved model skips the fit and writes the same bytes.
    let again = kam(&["clv", path(&orders), "--params", path(&params), "--format", "csv"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("Using the models in"), "{}", again.stderr);
    assert!(!again.stderr.contains("Fitted on"), "{}", again.stderr);
    assert!(again.raw_stdout == fit.raw_stdout, "output differs with --params");
}

#[test]
fn calibration_check_on_generated_data() {
    // The committed sample (kam generate, 5,000 lines): 20,000 fresh lines took a
    // minute of the test run in the dev build and checked nothing more.
    let orders = std::path::PathBuf::from(sample("orders.csv"));
    // Customers known at 2024-06-30: those with a first order on or before it (no margin needed here).
    let history = kam(&["clv", path(&orders), "--margin", "0.2", "--format", "csv", "-q"]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    let known = column(&history.stdout, "first_order").iter().filter(|d| d.as_str() <= "2024-06-30").count();
    let run = kam(&["clv", path(&orders), "--calibration-end", "2024-06-30", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let groups = column(&run.stdout, "calibration_repeat_purchases");
    assert_eq!(groups.last().map(String::as_str), Some("Total"));
    assert_eq!(groups[groups.len() - 2], "7+");
    let customers: Vec<usize> = column(&run.stdout, "customers").iter().map(|c| c.parse().unwrap()).collect();
    assert_eq!(customers[customers.len() - 1], known);
    assert_eq!(customers[..customers.len() - 1].iter().sum::<usize>(), known);
    assert!(run.stderr.contains("Calibration check"), "{}", run.stderr);
    // --customers would add names to a table without customer rows: refused, not ignored.
    let named = kam(&["clv", path(&orders), "--calibration-end", "2024-06-30", "--customers", &sample("customers.csv")]);
    assert_bad_input(&named, &["--calibration-end writes the calibration check", "drop --customers"]);
}

#[test]
fn data_that_cannot_be_fitted_exit_1() {
    let dir = tempdir();
    // One customer.
    let one = write(dir.path(), "one.csv", b"order_date,customer_id,amount\n2024-01-01,K,10\n2024-02-01,K,20\n");
    let run = kam(&["clv", path(&one), "--margin", "0.3"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot fit the CLV models"), "{}", run.stderr);
    assert!(run.stderr.contains("too few customers") && run.stderr.contains("at least 10"), "{}", run.stderr);
    // Twelve customers, nobody buys twice (two lines on one day are one purchase).
    let mut text = String::from("order_date,customer_id,amount\n");
    for i in 0..12 {
        text.push_str(&format!("2024-01-{:02},K{i},10\n2024-01-{:02},K{i},5\n", i + 1, i + 1));
    }
    let none = write(dir.path(), "none.csv", text.as_bytes());
    let run = kam(&["clv", path(&none), "--margin", "30%"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("none of the 12 customers made a repeat purchase"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn no_cost_and_no_margin_is_bad_input() {
    let dir = tempdir();
    let orders = write(dir.path(), "o.csv", b"order_date,customer_id,amount\n2024-01-01,K,10\n2024-02-01,K,20\n");
    let run = kam(&["clv", path(&orders)]);
    assert_bad_input(&run, &["no cost column", "--margin"]);
    let run = kam(&["clv", path(&orders), "--margin", "1.5"]);
    assert_bad_input(&run, &["--margin"]);
    let run = kam(&["clv", path(&orders), "--margin", "0.3", "--from", "2024-01-01"]);
    assert_bad_input(&run, &["--from"]);
    let bad = write(dir.path(), "bad.json", b"{\"format\": \"something else\"}");
    let run = kam(&["clv", path(&orders), "--margin", "0.3", "--params", path(&bad)]);
    assert_bad_input(&run, &["bad.json"]);
}

#[test]
fn calibration_check_by_hand() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", HAND.as_bytes());
    let params = write(dir.path(), "cdnow.json", PARAMS.as_bytes());
    let run = kam(&[
        "clv", path(&orders), "--calibration-end", "2024-02-15", "--as-of", "2024-03-31",
        "--params", path(&params), "--format", "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Known at 2024-02-15: A, B, C, D (F's first order is 03-10; A's 04-10 line is after as-of).
    // Calibration x: A 2 (01-01, 01-15, 02-12); B 0; C 0 (its return is on 03-04); D 0.
    // Holdout purchases (02-16 to 03-31): A 0, B 0, C 1, D 1.
    // Group 0: B, C, D -> 3 customers, actual 2/3; group 2: A -> actual 0; total 4, actual 2/4.
    // Predicted over 45 days = 6.43 weeks (mpmath, CDNOW parameters): A 0.9350634695;
    // B, C, D mean 0.1705373639; all four 0.3616688903.
    let out = &run.stdout;
    assert_eq!(column(out, "calibration_repeat_purchases"), ["0", "2", "Total"]);
    assert_eq!(column(out, "customers"), ["3", "1", "4"]);
    assert_eq!(column(out, "actual_holdout_purchases"), ["0.666667", "0.000000", "0.500000"]);
    let predicted: Vec<f64> = column(out, "predicted_holdout_purchases").iter().map(|v| number(v)).collect();
    for (got, want) in predicted.iter().zip([0.1705373639, 0.9350634695, 0.3616688903]) {
        assert!((got - want).abs() < 2e-6, "predicted {got} vs {want}");
    }
    assert!(run.stderr.contains("The 4 customers known at 2024-02-15 made 2 purchases"), "{}", run.stderr);
}

#[test]
fn summary_input_with_lifetimes_column_names() {
    // tests/data/cdnow_summary.csv has lifetimes' names: customer_id, frequency, recency, T, monetary_value.
    let dir = tempdir();
    let params = dir.path().join("model.json");
    let run = kam(&["clv", "--summary", &data("cdnow_summary.csv"), "--margin", "0.3", "--params-out", path(&params), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id").len(), 2357);
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&params).unwrap()).unwrap();
    // lifetimes 0.11.3 BetaGeoFitter on the same file (run outside the project): coefficients and
    // se(coef) of its summary.
    for (name, coef, se) in [
        ("r", 0.242_592_928_279_821_8, 0.012_557_320_698_193_191),
        ("alpha", 4.413_532_265_271_819, 0.378_221_457_043_927_23),
        ("a", 0.792_885_966_440_688_2, 0.185_719_071_912_120_1),
        ("b", 2.425_752_382_625_86, 0.705_345_343_533_247_7),
    ] {
        let got = saved["bgnbd"][name].as_f64().unwrap();
        assert!((got / coef - 1.0).abs() < 1e-3, "{name} {got} vs {coef}");
        let got_se = saved["bgnbd"]["standard_errors"][name].as_f64().unwrap();
        assert!((got_se / se - 1.0).abs() < 1e-2, "se {name} {got_se} vs {se}");
    }
    assert_eq!(saved["model"], "bgnbd");
    // Without --margin there is no way to value the purchases: bad input.
    let run = kam(&["clv", "--summary", &data("cdnow_summary.csv")]);
    assert_bad_input(&run, &["--margin"]);
    // A summary with t_x > T is bad input, naming the row.
    let bad = write(dir.path(), "bad.csv", b"x,t_x,T\n1,5,4\n");
    let run = kam(&["clv", "--summary", path(&bad), "--margin", "0.3"]);
    assert_bad_input(&run, &["t_x > T"]);
}

#[test]
fn pareto_nbd_on_cdnow_matches_lifetimes() {
    // lifetimes' test values for the CDNOW sample: r 0.553, alpha 10.578, s 0.606, beta 11.669.
    let dir = tempdir();
    let params = dir.path().join("model.json");
    let run = kam(&[
        "clv", "--summary", &data("cdnow_summary.csv"), "--margin", "0.3", "--model", "pareto-nbd",
        "--params-out", path(&params), "-q", "--format", "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&params).unwrap()).unwrap();
    assert_eq!(saved["model"], "pareto-nbd");
    for (name, want) in [("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669)] {
        let got = saved["pareto_nbd"][name].as_f64().unwrap();
        assert!((got - want).abs() < 1.5e-3, "{name} {got} vs {want}");
    }
    // The saved Pareto/NBD model is used again by --params.
    let again = kam(&["clv", "--summary", &data("cdnow_summary.csv"), "--margin", "0.3", "--params", path(&params), "--format", "csv"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.raw_stdout == run.raw_stdout);
}

/// The margin's note counts lines without cost, though kam clv sums the orders by runs of
/// lines: the sample with the cost of its first three lines (all of order SO0000001)
/// blanked. The sales and gross profit of the lines with cost are summed here in cents.
#[test]
fn margin_note_counts_the_lines_without_cost() {
    let dir = tempdir();
    let text = std::fs::read_to_string(sample("orders.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for line in &mut lines[1..4] {
        assert!(line.starts_with("SO0000001,"), "{line}");
        let cut = line.rfind(',').unwrap();
        line.truncate(cut + 1);
    }
    let cents = |v: &str| -> i64 { (v.parse::<f64>().unwrap() * 100.0).round() as i64 };
    let (mut sales, mut profit) = (0i64, 0i64);
    for line in &lines[1..] {
        let f: Vec<&str> = line.split(',').collect();
        let (date, amount, cost) = (f[1], f[f.len() - 2], f[f.len() - 1]);
        if date <= "2024-12-31" && !cost.is_empty() {
            sales += cents(amount);
            profit += cents(amount) - cents(cost);
        }
    }
    let file = write(dir.path(), "orders.csv", format!("{}\n", lines.join("\n")).as_bytes());
    let out = dir.path().join("clv.csv");
    let run = kam(&["clv", path(&file), "--as-of", "2024-12-31", "-o", path(&out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let money = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let want = format!(
        "gross profit {} / sales {} of the order lines up to 2024-12-31; 3 lines without cost left out",
        money(profit),
        money(sales)
    );
    assert!(run.stderr.contains(&want), "{want}\n{}", run.stderr);
}
