//! Early warnings end to end (SPEC §5): receivables aging, credit limits, churn,
//! sales progress and `kam alerts`, on files whose results were worked out by hand.

use crate::common::*;

// tests/data/warn_receivables.csv as of 2024-06-30 (days past due = 2024-06-30 - due_date):
//   R1 I1   1000.00 - 400.00 paid 04-15            = 600.00  due 03-31, 91 days -> over_90
//   R1 I2    500.00 unpaid, due today              = 500.00  0 days  -> current
//   R1 I3    300.00 paid 300.00 on 07-05 (after as-of: still open) = 300.00, due 05-31, 30 days -> d1_30
//   R1 CN1   -50.00 credit note                     = -50.00  due 06-10, 20 days -> d1_30
//   R1: current 500, d1_30 250, over_90 600; open 1350.00; limit 1000.00 -> over by 350.00
//   R2 J1    200.00 paid 250.00 on 06-20 (overshoot) = -50.00 due 06-14, 16 days -> d1_30
//   R2 J2     80.00 paid 80.00, no paid_date (treated as paid) = 0.00, due 05-20, 41 days -> d31_60
//   R2 J3    120.55 unpaid                          = 120.55  due 05-10, 51 days -> d31_60
//   R2: d1_30 -50.00, d31_60 120.55; open 70.55; limit 500.00 -> not over, excess 0.00
//   R3 K1 invoiced 07-02, after as-of: ignored.  K2 0.10 due 04-30 (61 days) -> d61_90;
//   K3 0.20 due 05-01 (60 days) -> d31_60.  R3: open 0.30, no limit (empty).
//   Total: current 500.00, d1_30 200.00, d31_60 120.75, d61_90 0.10, over_90 600.00 = 1420.85
//     = 1350.00 + 70.55 + 0.30.
// DSO over the default 90 days 2024-04-02..2024-06-30 with credit sales = invoices dated in it:
//   R1 500 + 300 - 50 = 750.00 (I1 is from March); DSO 1350 / 750 * 90 = 162.
//   R2 200 + 80 + 120.55 = 400.55; DSO 70.55 / 400.55 * 90 = 15.851954.
//   R3 K3 only (04-02, the first day; K2 is 04-01): 0.20; DSO 0.30 / 0.20 * 90 = 135.
//   Total 1150.75; DSO 1420.85 / 1150.75 * 90 = 111.124484.
// Company line: 1420.85 / 5000 = 0.28417 > 0.20 -> warning; / 10000 = 0.142085 -> no warning.

fn receivables(extra: &[&str]) -> Run {
    let rec = data("warn_receivables.csv");
    let cus = data("warn_customers.csv");
    let mut args = vec!["receivables", rec.as_str(), "--customers", cus.as_str(), "--as-of", "2024-06-30", "--format", "csv"];
    args.extend_from_slice(extra);
    kam(&args)
}

#[test]
fn receivables_aging_by_hand() {
    let run = receivables(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["R1", "R2", "R3", "Total"]);
    assert_eq!(column(out, "current"), ["500.00", "0.00", "0.00", "500.00"]);
    assert_eq!(column(out, "d1_30"), ["250.00", "-50.00", "0.00", "200.00"]);
    assert_eq!(column(out, "d31_60"), ["0.00", "120.55", "0.20", "120.75"]);
    assert_eq!(column(out, "d61_90"), ["0.00", "0.00", "0.10", "0.10"]);
    assert_eq!(column(out, "over_90"), ["600.00", "0.00", "0.00", "600.00"]);
    assert_eq!(column(out, "open_total"), ["1350.00", "70.55", "0.30", "1420.85"]);
    assert_eq!(column(out, "open_invoices"), ["4", "2", "2", "8"]);
    assert_eq!(column(out, "max_days_past_due"), ["91", "51", "61", "91"]);
}

#[test]
fn receivables_credit_limit_and_excess() {
    let run = receivables(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "credit_limit"), ["1000.00", "500.00", "", ""]);
    assert_eq!(column(out, "over_limit"), ["true", "false", "", ""]);
    assert_eq!(column(out, "excess"), ["350.00", "0.00", "", "350.00"]);
    assert!(run.stderr.contains("1 customer(s) over their credit limit"), "{}", run.stderr);
}

#[test]
fn receivables_dso_from_invoices_in_the_period() {
    let run = receivables(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "credit_sales"), ["750.00", "400.55", "0.20", "1150.75"]);
    assert_eq!(column(&run.stdout, "dso"), ["162.000000", "15.851954", "135.000000", "111.124484"]);
    assert!(run.stderr.contains("2024-04-02 to 2024-06-30 (90 days)"), "{}", run.stderr);
}

#[test]
fn receivables_dso_from_orders_and_custom_period() {
    // warn_orders.csv, May 2024 (31 days): R1 has no May orders -> DSO empty; R2 100.00 on 05-20 ->
    // 70.55 / 100 * 31 = 21.8705; R3 none. Total 100.00 -> 1420.85 / 100 * 31 = 440.4635.
    let orders = data("warn_orders.csv");
    let run = receivables(&["--from", "2024-05-01", "--to", "2024-05-31", "--orders", &orders]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let credit = column(&run.stdout, "credit_sales");
    let dso = column(&run.stdout, "dso");
    let customers = column(&run.stdout, "customer_id");
    let at = |c: &str| customers.iter().position(|x| x == c).unwrap();
    assert_eq!(credit[at("R2")], "100.00");
    assert_eq!(dso[at("R2")], "21.870500");
    assert_eq!(dso[at("R1")], "");
    assert_eq!(dso[at("Total")], "440.463500");
    assert!(run.stderr.contains("order lines"), "{}", run.stderr);
}

#[test]
fn receivables_company_warning_line() {
    let run = receivables(&["--total-assets", "5000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "assets_share"), ["", "", "", "0.284170"]);
    assert_eq!(column(&run.stdout, "over_warning_line"), ["", "", "", "true"]);
    assert!(run.stderr.contains("28.4% of total assets 5000, above the warning line of 20%"), "{}", run.stderr);
    let fine = receivables(&["--total-assets", "10,000.00"]);
    assert_eq!(fine.code, 0, "{}", fine.stderr);
    assert_eq!(column(&fine.stdout, "over_warning_line"), ["", "", "", "false"]);
    assert!(!fine.stderr.contains("warning line"), "{}", fine.stderr);
    // Exactly on the line is not above it: 1420.85 / 7104.25 = 0.20.
    let edge = receivables(&["--total-assets", "7104.25"]);
    assert_eq!(column(&edge.stdout, "over_warning_line"), ["", "", "", "false"]);
}

#[test]
fn receivables_custom_buckets_still_add_up() {
    // Edges 15,45: R1 I1 91 -> over_45 600; I2 current 500; I3 30 -> d16_45 300; CN1 20 -> d16_45 -50.
    let run = receivables(&["--buckets", "15,45"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = csv_rows(&run.stdout);
    assert_eq!(&rows[0][..6], ["customer_id", "customer_name", "current", "d1_15", "d16_45", "over_45"]);
    assert_eq!(&rows[1][..7], ["R1", "Rong Trading", "500.00", "0.00", "250.00", "600.00", "1350.00"]);
    // R2: J1 16 days -> d16_45 -50; J3 51 -> over_45 120.55.  R3: 60 and 61 days -> over_45 0.30.
    assert_eq!(&rows[4][..7], ["Total", "", "500.00", "0.00", "200.00", "720.85", "1420.85"]);
}

#[test]
fn receivables_with_open_amount_column() {
    // An export with open_amount instead of paid_amount: payment = amount - open.
    // X1 100.00 open 40.00 paid 05-01 -> 40.00; X2 100.00 open 0.00 paid 07-10 (after as-of) -> 100.00.
    let dir = tempdir();
    let p = write(
        dir.path(),
        "open.csv",
        "客户编码,发票号,开票日期,到期日,应收金额,余额,回款日期\n\
         X,X1,2024-04-01,2024-05-01,100.00,40.00,2024-05-01\n\
         X,X2,2024-06-01,2024-07-01,100.00,0.00,2024-07-10\n"
            .as_bytes(),
    );
    let run = kam(&["receivables", p.to_str().unwrap(), "--as-of", "2024-06-30", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "open_total"), ["140.00", "140.00"]);
    assert_eq!(column(&run.stdout, "current"), ["100.00", "100.00"]);
    assert_eq!(column(&run.stdout, "d31_60"), ["40.00", "40.00"]);
}

#[test]
fn receivables_bad_due_date_names_file_row_and_column() {
    let dir = tempdir();
    let p = write(
        dir.path(),
        "bad_due.csv",
        b"customer_id,invoice_id,invoice_date,due_date,amount\nA,1,2024-01-01,2024-01-31,5.00\nA,2,2024-01-02,31/02/2024,6.00\n",
    );
    let run = kam(&["receivables", p.to_str().unwrap(), "--as-of", "2024-06-30"]);
    assert_bad_input(&run, &["bad_due.csv", "row 2", "line 3", "due_date", "31/02/2024"]);
}

#[test]
fn receivables_as_of_and_bad_options() {
    // Without --as-of, as of the last invoice date (kam receivables reads no orders).
    let run = kam(&["receivables", &data("warn_receivables.csv")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("no --as-of: as of 2024-07-02, the last invoice date in the data"), "{}", run.stderr);
    let run = kam(&["receivables", &data("warn_receivables.csv"), "--as-of", "2024-06-30", "--buckets", "60,30"]);
    assert_bad_input(&run, &["--buckets"]);
    let run = kam(&["receivables", &data("warn_receivables.csv"), "--as-of", "2024-06-30", "--to", "2024-07-31"]);
    assert_bad_input(&run, &["--to 2024-07-31 is after --as-of 2024-06-30"]);
}

// tests/data/warn_orders.csv as of 2024-06-30; gaps are days between distinct order dates.
//   A1 monthly on the 10th, 2023-06..2024-06 (two lines on 2024-06-10 = one date): 13 dates, gaps
//      30 31 31 30 31 30 31 31 29 30... sorted 29,30x4,31x7 -> median 31. Last 06-10: 20 days <= 2 x 31 -> active.
//   B1 01-05, 02-04, 03-05: gaps 30, 30 -> 30. Last 03-05: 26 + 30 + 31 + 30 = 117 days > 60 -> at_risk.
//   C1 2023-10-01, 11-01, 12-01: gaps 31, 30 -> 30.5. 30 + 31 + 29 + 31 + 30 + 31 + 30 = 212 days > 180 -> churned.
//   F1 1st and 15th of Jan..May, then 06-15: gaps 14 x5, 15, 16, 17, 17, 31 -> median (14 + 15) / 2 = 14.5;
//      15 days <= 29 -> active.
//   S1 one order 04-01 and R2 one order 05-20 use the company-wide median of all 26 gaps:
//      14 x5, 15, 16, 17, 17, 29, 30 x7, 31 x9 -> 13th and 14th are 30 -> 30.
//      S1: 90 days > 60 -> at_risk.  R2: 41 days <= 60 -> active.
//   The A1 line dated 2024-07-02 is after as-of: ignored.
#[test]
fn churn_status_by_hand() {
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["A1", "B1", "C1", "F1", "R2", "S1"]);
    assert_eq!(column(out, "orders"), ["13", "3", "3", "11", "1", "1"]);
    assert_eq!(column(out, "days_since_last"), ["20", "117", "212", "15", "41", "90"]);
    assert_eq!(column(out, "typical_gap"), ["31.000000", "30.000000", "30.500000", "14.500000", "30.000000", "30.000000"]);
    assert_eq!(column(out, "gap_source"), ["own", "own", "own", "own", "company", "company"]);
    assert_eq!(column(out, "status"), ["active", "at_risk", "churned", "active", "active", "at_risk"]);
    let reasons = column(out, "reason");
    assert_eq!(reasons[2], "no order for 212 days (> 180 days)");
    assert_eq!(reasons[5], "90 days since the last order > 2 x typical gap 30.0 days (company)");
    assert!(run.stderr.contains("3 active, 2 at risk, 1 churned"), "{}", run.stderr);
}

#[test]
fn churn_thresholds_are_options() {
    // --gap-multiple 4: B1 117 <= 120 -> active; S1 90 <= 120 -> active.  --churn-days 100: B1 117 > 100 -> churned.
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--gap-multiple", "4", "--format", "csv", "-q"]);
    assert_eq!(column(&run.stdout, "status"), ["active", "active", "churned", "active", "active", "active"]);
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--churn-days", "100", "--format", "csv", "-q"]);
    assert_eq!(column(&run.stdout, "status"), ["active", "churned", "churned", "active", "active", "at_risk"]);
}

// Sales progress, period = June 2024 (calendar month of as-of), previous = May 2024, last year = June 2023.
//   A1 June 400 + 300 = 700.00; May 1000.00; June 2023 1000.00 -> -30% both: drops (> 20%).
//      Plan (warn_plan.csv) June 1000.00 -> -30%: below plan. Orders: 1 this month; 12 months of history
//      (2023-06..2024-05) with 12 orders -> 1.0 per month: not down.
//   B1 nothing in any window: no drop (no base); plan 500.00 -> -100%: below plan. 3 orders in 5 months
//      (Jan..May) = 0.6 per month, 0 now < 0.6 x 0.8 -> frequency down.
//   F1 June 200.00 = May 200.00 -> 0%; plan 300.00 -> -33.3%: below plan; 10 orders in 5 months = 2.0,
//      1 now < 1.6 -> frequency down.
//   R2 May 100.00, June 0 -> -100%: drop vs previous. C1, S1: no sales in the windows.
#[test]
fn sales_progress_flags_by_hand() {
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--plan", &data("warn_plan.csv"), "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "sales"), ["700.00", "0.00", "0.00", "200.00", "0.00", "0.00"]);
    assert_eq!(column(out, "sales_prev"), ["1000.00", "0.00", "0.00", "200.00", "100.00", "0.00"]);
    assert_eq!(column(out, "sales_last_year"), ["1000.00", "0.00", "0.00", "0.00", "0.00", "0.00"]);
    assert_eq!(column(out, "change_prev"), ["-0.300000", "", "", "0.000000", "-1.000000", ""]);
    assert_eq!(column(out, "plan"), ["1000.00", "500.00", "", "300.00", "", ""]);
    assert_eq!(column(out, "plan_gap"), ["-0.300000", "-1.000000", "", "-0.333333", "", ""]);
    assert_eq!(column(out, "drop_vs_prev"), ["true", "false", "false", "false", "true", "false"]);
    assert_eq!(column(out, "drop_vs_last_year"), ["true", "false", "false", "false", "false", "false"]);
    assert_eq!(column(out, "below_plan"), ["true", "true", "false", "true", "false", "false"]);
    assert_eq!(column(out, "orders_period"), ["1", "0", "0", "1", "0", "0"]);
    assert_eq!(column(out, "orders_avg")[..4], ["1.000000", "0.600000", "0.375000", "2.000000"]);
    assert_eq!(column(out, "frequency_down")[..4], ["false", "true", "true", "true"]);
    // A drop of exactly the threshold is not flagged: with --drop 30% A1's -30% is not "more than 30%".
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--drop", "30%", "--format", "csv", "-q"]);
    assert_eq!(column(&run.stdout, "drop_vs_prev")[0], "false");
}

// Distinct orders when an order's lines are not together or span two dates. As of
// 2024-06-30, period June 2024.
//   X1: O3 on 05-31 and 06-01; O1, O2, O1 interleaved on 06-03. Orders {O1, O2, O3} = 3;
//       in June O3, O1, O2 = 3; before June O3 = 1, over 1 month of history (May) = 1.0.
//       Dates 05-31, 06-01, 06-03: gaps 1, 2 -> 1.5. Sales June 50 + 10 + 20 + 30 = 110.00, May 100.00.
//   Y1: YB on 04-10, YA's two lines on 06-10: 2 orders, 1 in June, 1 before over 2 months = 0.5; gap 61.
#[test]
fn orders_are_distinct_order_ids_wherever_their_lines_are() {
    let dir = tempdir();
    let orders = write(
        dir.path(),
        "orders.csv",
        b"order_id,order_date,customer_id,amount\nYB,2024-04-10,Y1,5.00\nO3,2024-05-31,X1,100.00\nO3,2024-06-01,X1,50.00\n\
          O1,2024-06-03,X1,10.00\nO2,2024-06-03,X1,20.00\nO1,2024-06-03,X1,30.00\nYA,2024-06-10,Y1,1.00\nYA,2024-06-10,Y1,2.00\n",
    );
    let run = kam(&["churn", orders.to_str().unwrap(), "--as-of", "2024-06-30", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["X1", "Y1"]);
    assert_eq!(column(out, "orders"), ["3", "2"]);
    assert_eq!(column(out, "orders_period"), ["3", "1"]);
    assert_eq!(column(out, "orders_avg"), ["1.000000", "0.500000"]);
    assert_eq!(column(out, "typical_gap"), ["1.500000", "61.000000"]);
    assert_eq!(column(out, "first_order"), ["2024-05-31", "2024-04-10"]);
    assert_eq!(column(out, "last_order"), ["2024-06-03", "2024-06-10"]);
    assert_eq!(column(out, "sales"), ["110.00", "3.00"]);
    assert_eq!(column(out, "sales_prev"), ["100.00", "0.00"]);
}

#[test]
fn plan_is_prorated_for_a_month_to_date_period() {
    // As of 2024-06-15: June to date. A1 June 700.00 (06-10); plan 1000.00 x 15/30 = 500.00 -> +40%.
    // F1: 06-15 is inside: 200.00 vs 300 x 0.5 = 150.00. Previous window 2024-05-01..05-15: A1 1000, F1 200.
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-15", "--plan", &data("warn_plan.csv"), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "plan")[0], "500.00");
    assert_eq!(column(out, "plan_gap")[0], "0.400000");
    assert_eq!(column(out, "sales_prev")[..1], ["1000.00"]);
    assert!(run.stderr.contains("month to date"), "{}", run.stderr);
}

#[test]
fn churn_bad_input() {
    // One --as-of rule (docs/cli.md): without it, as of the last order date, said on stderr.
    let run = kam(&["churn", &data("warn_orders.csv")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("no --as-of: as of 2024-07-02, the last order date in the data"), "{}", run.stderr);
    let dir = tempdir();
    let p = write(dir.path(), "o.csv", b"order_date,customer_id,product_id,amount\n2024-01-01,A,P,5\n2024-13-01,A,P,5\n");
    let run = kam(&["churn", p.to_str().unwrap(), "--as-of", "2024-06-30"]);
    assert_bad_input(&run, &["o.csv", "row 2", "order_date", "2024-13-01"]);
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--drop", "abc"]);
    assert_bad_input(&run, &["--drop"]);
    let run = kam(&["churn", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--from", "2024-01-01"]);
    assert_bad_input(&run, &["--from/--to", "--period-months"]);
}

// Credit, tests/data/warn_credit_*.csv, sales 2024-04-02..2024-06-30 (90 days): monthly = sales / 90 x 30.
//   KA 4000 + 2000 = 6000 (the 07-01 line is after as-of), KL 3000, KB 1000 + 500 = 1500, KC 300,
//   KD 150 (its 04-01 line is before --from). Total 10950. ABC: KA 0 -> A; KL 6000/10950 = .548 -> A;
//   KB 9000/10950 = .822 -> B; KC .959 -> C; KD .986 -> C.  Monthly 2000, 1000, 500, 100, 50.
//   Days late (paid on or before as-of, positive invoices): KA 05-03 - 05-01 = 2 -> avg 2 <= 10: x1 -> unlimited.
//   KL 30 and 10 -> avg 20 (the credit note L3 does not count): x0.5, A loses unlimited: 1000 x 2 x 0.5 = 1000.
//   KB paid 5 days early -> 0 (B3 paid 07-05, after as-of, does not count): x1 -> 500 x 2 = 1000; was 800: +200.
//   KC no paid invoices -> x1 -> 100 x 0.5 = 50.  KD 05-15 - 03-01 = 75 days > 60 -> cash only, 0.
#[test]
fn credit_limits_by_hand() {
    let run = credit(&data("warn_credit_receivables.csv"), &["--customers", &data("warn_credit_customers.csv")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["KA", "KL", "KB", "KC", "KD"]);
    assert_eq!(column(out, "class"), ["A", "A", "B", "C", "C"]);
    assert_eq!(column(out, "sales"), ["6000.00", "3000.00", "1500.00", "300.00", "150.00"]);
    assert_eq!(column(out, "paid_invoices"), ["1", "2", "1", "0", "1"]);
    assert_eq!(column(out, "avg_days_late"), ["2.000000", "20.000000", "0.000000", "", "75.000000"]);
    assert_eq!(column(out, "suggested_limit"), ["", "1000.00", "1000.00", "50.00", "0.00"]);
    assert_eq!(column(out, "current_limit"), ["5000.00", "2000.00", "800.00", "", ""]);
    assert_eq!(column(out, "change"), ["", "-1000.00", "200.00", "", ""]);
    assert_eq!(column(out, "policy"), ["unlimited", "capped (A, late payer)", "capped, review", "small", "cash only"]);
    assert_eq!(column(out, "review_by"), ["", "2024-09-28", "2024-09-28", "", ""]);
    assert!(column(out, "reason")[1].contains("20.0 days late on average -> x0.5"), "{out}");
}

/// `kam credit` of warn_credit_orders.csv and `receivables` from 2024-04-02 as of
/// 2024-06-30, as CSV, with `extra` options.
fn credit(receivables: &str, extra: &[&str]) -> Run {
    let orders = data("warn_credit_orders.csv");
    let mut args = vec!["credit", &orders, "--receivables", receivables, "--from", "2024-04-02", "--as-of", "2024-06-30", "--format", "csv"];
    args.extend_from_slice(extra);
    kam(&args)
}

// Credit reads the receivables' required roles and paid_date only: a totals row marked
// in the invoice column is still found and dropped, its stated total checked against
// the invoices' sum (8,550.00 = 4000 + 1000 + 1000 - 100 + 1000 + 1000 + 500 + 150),
// and the limits are those of the clean file (credit_limits_by_hand).
#[test]
fn credit_drops_a_receivables_totals_row_marked_in_the_invoice_column() {
    let dir = tempdir();
    let clean = std::fs::read_to_string(data("warn_credit_receivables.csv")).unwrap();
    let with_total = format!("{clean},合计,,,8550.00,,\n");
    let p = write(dir.path(), "receivables.csv", with_total.as_bytes());
    let (run, expected) = (credit(p.to_str().unwrap(), &[]), credit(&data("warn_credit_receivables.csv"), &[]));
    assert_eq!((run.code, expected.code), (0, 0), "{}", run.stderr);
    assert_eq!(run.stdout, expected.stdout);
    assert_eq!(column(&run.stdout, "paid_invoices"), ["1", "2", "1", "0", "1"]);
    assert!(run.stderr.contains("'合计' at row 9 (line 10); their amounts sum to 8,550.00"), "{}", run.stderr);
    assert!(!run.stderr.contains("check the export"), "{}", run.stderr);
}

#[test]
fn credit_parameters_are_options() {
    // --b-months 3 --grace-days 25: KL avg 20 <= 25 -> no reduction -> A unlimited; KB 500 x 3 = 1500.
    // --cash-days 80: KD 75 -> x0.5 -> 50 x 0.5 x 0.5 = 12.5 -> 12 (whole units, half to even).
    let run = credit(&data("warn_credit_receivables.csv"), &["--b-months", "3", "--grace-days", "25", "--cash-days", "80", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "suggested_limit"), ["", "", "1500.00", "50.00", "12.00"]);
    assert_eq!(column(&run.stdout, "current_limit"), ["", "", "", "", ""]);
}

#[test]
fn credit_needs_receivables_and_sane_options() {
    let run = kam(&["credit", &data("warn_credit_orders.csv")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--receivables"), "{}", run.stderr);
    let run = kam(&["credit", &data("warn_credit_orders.csv"), "--receivables", &data("warn_credit_receivables.csv"), "--late-factor", "2"]);
    assert_bad_input(&run, &["--late-factor"]);
}

// kam alerts over warn_orders.csv + warn_plan.csv + warn_receivables.csv + warn_customers.csv,
// as of 2024-06-30, total assets 5000 (the figures are worked out above):
//   critical: C1 churned (212 > 180 days); R1 over its limit (1350.00 > 1000.00 by 350.00);
//             Total: 1420.85 / 5000 = 28.4% > 20%.
//   warning:  churn_risk B1 (117 > 2 x 30 = 60) and S1 (90 > 60, company gap);
//             sales_vs_plan A1 -30.0%, B1 -100.0%, F1 -33.3%; sales_vs_previous A1 -30.0%, R2 -100.0%;
//             sales_vs_last_year A1 -30.0%; aging_overdue R1 600.00 over 90 days (oldest 91).
//   info:     order_frequency B1 (0 < 0.6 x 0.8 = 0.48), F1 (1 < 1.6), R2 (0 < 0.8), S1 (0 < 0.4);
//             C1 is churned, so its frequency drop is not repeated.
fn alerts(extra: &[&str]) -> Run {
    let (orders, plan, rec, cus) = (data("warn_orders.csv"), data("warn_plan.csv"), data("warn_receivables.csv"), data("warn_customers.csv"));
    let mut args = vec![
        "alerts", orders.as_str(), "--plan", plan.as_str(), "--receivables", rec.as_str(), "--customers", cus.as_str(),
        "--as-of", "2024-06-30", "--total-assets", "5000", "--format", "csv",
    ];
    args.extend_from_slice(extra);
    kam(&args)
}

#[test]
fn alerts_report_every_kind() {
    let run = alerts(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    // r[1] is customer_name (warn_customers.csv names R1 and R2).
    let rows: Vec<String> = csv_rows(out)[1..].iter().map(|r| format!("{} {} {}", r[0], r[2], r[3])).collect();
    assert_eq!(
        rows,
        [
            "C1 churned critical",
            "R1 over_credit_limit critical",
            "Total assets_warning_line critical",
            "B1 churn_risk warning",
            "S1 churn_risk warning",
            "A1 sales_vs_plan warning",
            "B1 sales_vs_plan warning",
            "F1 sales_vs_plan warning",
            "A1 sales_vs_previous warning",
            "R2 sales_vs_previous warning",
            "A1 sales_vs_last_year warning",
            "R1 aging_overdue warning",
            "B1 order_frequency info",
            "F1 order_frequency info",
            "R2 order_frequency info",
            "S1 order_frequency info",
        ]
    );
    let figure = column(out, "figure");
    let threshold = column(out, "threshold");
    assert_eq!((figure[0].as_str(), threshold[0].as_str()), ("212 days", "180 days"));
    assert_eq!((figure[1].as_str(), threshold[1].as_str()), ("1350.00", "1000.00"));
    assert_eq!((figure[2].as_str(), threshold[2].as_str()), ("28.4%", "20%"));
    assert_eq!((figure[3].as_str(), threshold[3].as_str()), ("117 days", "60.0 days"));
    assert_eq!((figure[7].as_str(), threshold[7].as_str()), ("-33.3%", "-20%"));
    assert_eq!((figure[11].as_str(), threshold[11].as_str()), ("600.00", "> 90 days past due"));
    assert_eq!((figure[13].as_str(), threshold[13].as_str()), ("1 orders", "< 1.6 orders"));
    let reason = column(out, "reason");
    assert_eq!(reason[1], "open receivables 1350.00 > credit limit 1000.00 by 350.00");
    assert_eq!(reason[11], "600.00 open more than 90 days past due (oldest 91 days)");
    assert!(run.stderr.contains("3 critical, 9 warning, 4 info"), "{}", run.stderr);
}

#[test]
fn alerts_fail_on_exits_3_after_writing_the_report() {
    let dir = tempdir();
    let out = dir.path().join("alerts.csv");
    let run = alerts(&["--fail-on", "critical", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("3 alert(s) at or above 'critical'"), "{}", run.stderr);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(column(&written, "kind").len(), 16);
    assert_eq!(alerts(&["--fail-on", "info", "-q"]).code, 3);
    // Default: never fail.
    assert_eq!(alerts(&["-q"]).code, 0);
    // Without receivables and with a generous churn rule only warnings and info remain:
    // --churn-days 365 -> C1 becomes at_risk (212 > 61 = 2 x 30.5), nothing is critical.
    let orders = data("warn_orders.csv");
    let run = kam(&["alerts", &orders, "--as-of", "2024-06-30", "--churn-days", "365", "--fail-on", "critical", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("critical"), "{}", run.stdout);
    assert!(run.stdout.contains("C1,churn_risk,warning"), "{}", run.stdout);
    assert!(run.stderr.contains("No --receivables"), "{}", run.stderr);
    let run = kam(&["alerts", &orders, "--as-of", "2024-06-30", "--churn-days", "365", "--fail-on", "warning", "-q"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
}

#[test]
fn alerts_bad_input_is_exit_2_not_3() {
    let dir = tempdir();
    let p = write(
        dir.path(),
        "ar.csv",
        b"customer_id,invoice_id,invoice_date,due_date,amount\nA,1,2024-01-01,2024-01-31,5.00\nA,2,2024-01-02,soon,6.00\n",
    );
    let run = kam(&["alerts", &data("warn_orders.csv"), "--receivables", p.to_str().unwrap(), "--as-of", "2024-06-30", "--fail-on", "info"]);
    assert_bad_input(&run, &["ar.csv", "row 2", "due_date", "soon"]);
    let run = kam(&["alerts", &data("warn_orders.csv"), "--as-of", "2024-06-30", "--total-assets", "5000"]);
    assert_bad_input(&run, &["--receivables"]);
}

// P(alive) churn rule (`--params`), as of 2024-06-30, with the CDNOW BG/NBD values in weeks
// r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and
//   P(alive) = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)) for x > 0, 1 for x = 0.
//   P1 orders 01-01, 01-08, 01-15: x = 2, t_x = 14 / 7 = 2 weeks, T = 181 days = 25.857143 weeks.
//      (4.414 + 25.857143) / (4.414 + 2) = 4.719542; ^2.243 = 32.475615; a / (b + 1) = 0.231465;
//      0.231465 * 32.475615 = 7.516977; P = 1 / 8.516977 = 0.117413 < 0.20 -> churned
//      (days rule: 167 days <= 180, > 2 x 7 -> only at_risk).
//   Q1 orders 06-01, 06-15: x = 1, t_x = 2 weeks, T = 29 / 7 = 4.142857 weeks.
//      (4.414 + 4.142857) / 6.414 = 1.334091; ^1.243 = 1.430887; a / b = 0.326876;
//      0.326876 * 1.430887 = 0.467722; P = 1 / 1.467722 = 0.681328 -> active (15 days <= 2 x 14).
//   Z1 one order 06-20: x = 0 -> P = 1; company gap median(7, 7, 14) = 7, 10 days <= 14 -> active.
const P_ALIVE_ORDERS: &str = "order_date,customer_id,amount\n2024-01-01,P1,10.00\n2024-01-08,P1,10.00\n2024-01-15,P1,10.00\n\
2024-06-01,Q1,20.00\n2024-06-15,Q1,20.00\n2024-06-20,Z1,5.00\n";
const CDNOW_PARAMS: &str = r#"{"format": "kam-clv-params", "version": 1, "time_unit": "weeks", "as_of": "1997-09-30", "customers": 2357,
"bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4, "customers": 2357},
"gamma_gamma": {"p": 6.25, "q": 3.74, "v": 15.44, "log_likelihood": -4000.0, "customers": 946}}"#;

#[test]
fn churn_by_p_alive_by_hand() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", P_ALIVE_ORDERS.as_bytes()).display().to_string();
    let params = write(dir.path(), "clv-model.json", CDNOW_PARAMS.as_bytes()).display().to_string();
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--params", &params, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["P1", "Q1", "Z1"]);
    let p: Vec<f64> = column(out, "p_alive").iter().map(|v| v.parse().unwrap()).collect();
    for (got, want) in p.iter().zip([0.117413, 0.681328, 1.0]) {
        assert!((got - want).abs() < 1e-6, "p_alive {got} vs {want}: {out}");
    }
    assert_eq!(column(out, "status"), ["churned", "active", "active"]);
    assert_eq!(column(out, "reason")[0], "P(alive) 0.12 < 0.20");
    // p_alive sits right after reason.
    let header = &csv_rows(out)[0];
    let at = header.iter().position(|h| h == "reason").unwrap();
    assert_eq!(header[at + 1], "p_alive");

    // --min-p-alive 0.1: 0.117 is not below it -> the days rule's at_risk again.
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--params", &params, "--min-p-alive", "0.1", "--format", "csv", "-q"]);
    assert_eq!(column(&run.stdout, "status"), ["at_risk", "active", "active"]);
    // --min-p-alive 0.7: Q1 0.681 < 0.70 -> churned too.
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--params", &params, "--min-p-alive", "0.7", "--format", "csv", "-q"]);
    assert_eq!(column(&run.stdout, "status"), ["churned", "churned", "active"]);
    assert_eq!(column(&run.stdout, "reason")[1], "P(alive) 0.68 < 0.70");

    // Without --params: no p_alive column, days rule only.
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--format", "csv", "-q"]);
    assert!(!csv_rows(&run.stdout)[0].iter().any(|h| h == "p_alive"), "{}", run.stdout);
    assert_eq!(column(&run.stdout, "status"), ["at_risk", "active", "active"]);

    // kam alerts takes the same options: the churned alert shows P(alive) against the bound.
    let run = kam(&["alerts", &orders, "--as-of", "2024-06-30", "--params", &params, "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<String> = csv_rows(&run.stdout)[1..].iter().map(|r| r.join("|")).collect();
    assert!(rows.contains(&"P1|churned|critical|P(alive) 0.12|P(alive) 0.20|P(alive) 0.12 < 0.20".to_string()), "{rows:?}");

    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--min-p-alive", "0.3"]);
    // A usage error from clap, before any file is read.
    assert_bad_input(&run, &["--params <FILE>"]);
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--params", &params, "--min-p-alive", "1.5"]);
    assert_bad_input(&run, &["--min-p-alive"]);
    let bad = write(dir.path(), "bad.json", b"{}").display().to_string();
    let run = kam(&["churn", &orders, "--as-of", "2024-06-30", "--params", &bad]);
    assert_bad_input(&run, &["--params"]);
}

// Sales-expense warning (销售费用预警), as of 2024-06-30: rows of period 2024-06 summed by
// customer_id / salesperson; spend > budget is a warning, more than 20% over is critical.
//   A1 Wang 7,000.00 + 5,000.00 = 12,000.00 vs 6,000.00 + 4,000.00 = 10,000.00: +20.0%, not more -> warning.
//   B1 Li 12,100.00 vs 10,000.00: +21.0% -> critical.
//   C1 Li 500.00 vs 800.00: under budget -> no alert; its May row (9,000.00 vs 100.00) is another month.
//   D1 Zhao "202406" 100.50 vs 100.00: +0.5% -> warning.
const EXPENSES: &str = "期间,客户编码,业务员,费用金额,预算\n2024-06,A1,Wang,7000.00,6000.00\n2024-06,A1,Wang,5000.00,4000.00\n\
2024-06,B1,Li,12100.00,10000.00\n2024-06,C1,Li,500.00,800.00\n2024-05,C1,Li,9000.00,100.00\n202406,D1,Zhao,100.50,100.00\n";

fn expense_rows(orders: &str, expenses: &str) -> Vec<String> {
    let run = kam(&["alerts", orders, "--as-of", "2024-06-30", "--expenses", expenses, "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    csv_rows(&run.stdout)[1..].iter().filter(|r| r[1] == "sales_expense").map(|r| r.join("|")).collect()
}

#[test]
fn sales_expense_alerts_by_hand() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", P_ALIVE_ORDERS.as_bytes()).display().to_string();
    let expenses = write(dir.path(), "expenses.csv", EXPENSES.as_bytes()).display().to_string();
    assert_eq!(
        expense_rows(&orders, &expenses),
        [
            "B1|sales_expense|critical|12,100.00|10,000.00|spend 12,100.00 over budget 10,000.00 (+21.0%)",
            "A1|sales_expense|warning|12,000.00|10,000.00|spend 12,000.00 over budget 10,000.00 (+20.0%)",
            "D1|sales_expense|warning|100.50|100.00|spend 100.50 over budget 100.00 (+0.5%)",
        ]
    );
    // No customer, salesperson or region: one company row (Total) for the month.
    //   June 600.00 + 500.00 = 1,100.00 vs 500.00 + 500.00 = 1,000.00: +10.0% -> warning; May is ignored.
    let company = write(dir.path(), "company.csv", b"month,spend,budget\n2024-06,600.00,500.00\n2024-06,500.00,500.00\n2024-05,5000.00,1.00\n");
    assert_eq!(
        expense_rows(&orders, &company.display().to_string()),
        ["Total|sales_expense|warning|1,100.00|1,000.00|spend 1,100.00 over budget 1,000.00 (+10.0%)"]
    );
    // By region only: the alert is named by the region.  North 300.00 vs 200.00: +50.0% -> critical.
    let regions = write(dir.path(), "regions.csv", b"period,amount,budget,region\n2024-06,300.00,200.00,North\n2024-06,100.00,200.00,South\n");
    assert_eq!(
        expense_rows(&orders, &regions.display().to_string()),
        ["North|sales_expense|critical|300.00|200.00|spend 300.00 over budget 200.00 (+50.0%)"]
    );
    // The budget is required.
    let bad = write(dir.path(), "bad.csv", b"period,amount\n2024-06,1.00\n").display().to_string();
    let run = kam(&["alerts", &orders, "--as-of", "2024-06-30", "--expenses", &bad]);
    assert_bad_input(&run, &["budget"]);
}
