//! What moved and why (#21): ABC migration, ABC-XYZ and cohorts, on small files whose
//! answers are worked out by hand in the comments.

use crate::common::{assert_bad_input, column, csv_rows, kam, tempdir, write};

// January: W 800, X 150, Y 50 (total 1000). A holds the first 75%: W (0 before it < 750)
// is A; X (800 before it, < 950) is B; Y (950 before it) is C.
// February: X 800, W 150, Z 50: X A, W B, Z C. So X B->A up, W A->B down, Z new, Y lost.
const TWO_MONTHS: &[u8] = b"order_date,customer_id,product_id,amount\n\
2024-01-03,W,P,800.00\n2024-01-04,X,P,150.00\n2024-01-05,Y,P,50.00\n\
2024-02-03,X,P,800.00\n2024-02-04,W,P,150.00\n2024-02-05,Z,P,50.00\n";

#[test]
fn abc_migration_up_down_new_and_lost() {
    let dir = tempdir();
    let f = write(dir.path(), "o.csv", TWO_MONTHS);
    let args = ["abc", f.to_str().unwrap(), "--from", "2024-02-01", "--to", "2024-02-29", "--compare", "2024-01-01..2024-01-31", "--format", "csv"];
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["X", "W", "Z", "Y"]);
    assert_eq!(column(&run.stdout, "class"), ["A", "B", "C", ""]);
    assert_eq!(column(&run.stdout, "prev_class"), ["B", "A", "", "C"]);
    assert_eq!(column(&run.stdout, "sales"), ["800.00", "150.00", "50.00", "0.00"]);
    assert_eq!(column(&run.stdout, "prev_sales"), ["150.00", "800.00", "0.00", "50.00"]);
    assert_eq!(column(&run.stdout, "sales_change"), ["650.00", "-650.00", "50.00", "-50.00"]);
    assert_eq!(column(&run.stdout, "change"), ["up", "down", "new", "lost"]);
    // The transition matrix: one row per (from, to) that occurs.
    let mut summary = args.to_vec();
    summary.push("--summary");
    let run = kam(&summary);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<String> = csv_rows(&run.stdout)[1..].iter().map(|r| r.join(",")).collect();
    assert_eq!(rows, ["A,B,1,150.00,800.00", "B,A,1,800.00,150.00", "C,lost,1,0.00,50.00", "new,C,1,50.00,0.00"]);
    // The compared period may not overlap the current one.
    let run = kam(&["abc", f.to_str().unwrap(), "--from", "2024-01-15", "--to", "2024-02-29", "--compare", "2024-01-01..2024-01-31"]);
    assert_bad_input(&run, &["overlaps"]);
}

/// 2024, twelve months: S sells 10 units every month; T 4 and 16 in turn; U 120 units
/// once, in June, at half the price.
fn xyz_orders() -> Vec<u8> {
    let mut text = String::from("order_date,customer_id,product_id,quantity,amount\n");
    for m in 1..=12 {
        text.push_str(&format!("2024-{m:02}-10,C1,S,10,10.00\n"));
        let t = if m % 2 == 1 { 4 } else { 16 };
        text.push_str(&format!("2024-{m:02}-11,C1,T,{t},{t}.00\n"));
    }
    text.push_str("2024-06-12,C2,U,120,60.00\n");
    text.into_bytes()
}

#[test]
fn abc_xyz_steady_alternating_and_once() {
    let dir = tempdir();
    let f = write(dir.path(), "o.csv", &xyz_orders());
    let run = kam(&["products", f.to_str().unwrap(), "--from", "2024-01-01", "--to", "2024-12-31", "--xyz", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    let h = &rows[0];
    let at = |id: &str, c: &str| {
        let r = rows.iter().find(|r| r[h.iter().position(|x| x == "product_id").unwrap()] == id).unwrap();
        r[h.iter().position(|x| x == c).unwrap()].clone()
    };
    // S: 10 every month, mean 10, sd 0: cv 0, X.
    assert_eq!(at("S", "cv").parse::<f64>().unwrap(), 0.0);
    // T: 4, 16, ...: mean 10, population sd 6: cv 0.6, Y.
    assert!((at("T", "cv").parse::<f64>().unwrap() - 0.6).abs() < 1e-6);
    // U: 120 in one month of 12: mean 10, E[d²] = 14400 / 12 = 1200, sd = √1100: cv √11.
    assert!((at("U", "cv").parse::<f64>().unwrap() - 11f64.sqrt()).abs() < 1e-6);
    assert_eq!([at("S", "xyz_class"), at("T", "xyz_class"), at("U", "xyz_class")], ["X", "Y", "Z"]);
    // Sales S 120, T 120, U 60 of 300: S A (0 < 225), T A (120 < 225), U B (240 < 285).
    assert_eq!([at("S", "abc_xyz"), at("T", "abc_xyz"), at("U", "abc_xyz")], ["AX", "AY", "BZ"]);
    // --interval needs --per customer or --xyz; --xyz-limits moves the lines.
    let run = kam(&["products", f.to_str().unwrap(), "--interval", "year"]);
    assert_bad_input(&run, &["--interval"]);
    let run = kam(&["products", f.to_str().unwrap(), "--from", "2024-01-01", "--to", "2024-12-31", "--xyz", "--xyz-limits", "0.7,4", "--format", "csv"]);
    assert_eq!(column(&run.stdout, "xyz_class"), ["X", "X", "Y"]);
}

#[test]
fn cohorts_keep_three_two_and_one() {
    let dir = tempdir();
    // January cohort A, B, C: February A and B order again, March A alone. D starts in February.
    let f = write(
        dir.path(),
        "o.csv",
        b"order_date,customer_id,product_id,amount\n2024-01-05,A,P,100.00\n2024-01-06,B,P,50.00\n2024-01-07,C,P,30.00\n\
2024-02-05,A,P,100.00\n2024-02-06,B,P,40.00\n2024-02-10,D,P,20.00\n2024-03-05,A,P,80.00\n",
    );
    let run = kam(&["cohorts", f.to_str().unwrap(), "--as-of", "2024-03-31", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<String> = csv_rows(&run.stdout).iter().map(|r| r.join(",")).collect();
    // 3/3, 2/3, 1/3; D's cohort: 1/1, then 0 in March, and April has not happened.
    assert_eq!(rows, ["cohort,customers,m0,m1,m2", "2024-01,3,1.000000,0.666667,0.333333", "2024-02,1,1.000000,0.000000,"]);
    // By sales: January 180, February 140, March 80: 1, 140/180, 80/180.
    let run = kam(&["cohorts", f.to_str().unwrap(), "--as-of", "2024-03-31", "--value", "sales", "--format", "csv"]);
    assert_eq!(csv_rows(&run.stdout)[1], ["2024-01", "3", "1.000000", "0.777778", "0.444444"]);
}

#[test]
fn the_report_lists_the_movers_by_sales_at_stake() {
    let dir = tempdir();
    let f = write(dir.path(), "o.csv", TWO_MONTHS);
    let out = dir.path().join("r");
    let run = kam(&["report", "--period", "2024-02", "--out", out.to_str().unwrap(), "--orders", f.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let movers = std::fs::read_to_string(out.join("movers.csv")).unwrap();
    // |sales_change|: X 650, W 650 (rank 1 before rank 2), Z 50, Y 50 (lost, no rank, last).
    assert_eq!(column(&movers, "customer_id"), ["X", "W", "Z", "Y"]);
    assert_eq!(column(&movers, "change"), ["up", "down", "new", "lost"]);
    let cohorts = std::fs::read_to_string(out.join("cohorts.csv")).unwrap();
    // January: W, X, Y; February: W and X again (2/3). February: Z.
    assert_eq!(csv_rows(&cohorts)[1..], [vec!["2024-01", "3", "1.000000", "0.666667"], vec!["2024-02", "1", "1.000000", ""]]);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("id=\"movers\"") && page.contains("id=\"cohorts\""));
}
