//! The settings layer (#17, docs/cli.md): per-table options addressed `TABLE:VALUE`,
//! kam.toml sections per table, typed values checked before any file is read, one
//! month reader, one --as-of rule, and the defaults table.

use crate::common::{assert_bad_input, column, kam, kam_in, sample, tempdir, write};

const ORDERS: &[u8] = b"order_date,customer_id,product_id,amount\n\
2024-01-15,A,P1,600.00\n2024-02-15,A,P1,400.00\n2024-03-10,A,P1,500.00\n2024-03-20,B,P2,100.00\n";

/// Receivables whose amount column is called inv_amt, which kam does not recognise.
const AR_INV_AMT: &[u8] = b"customer_id,invoice_id,invoice_date,due_date,inv_amt,paid_amount,paid_date\n\
A,I1,2024-01-15,2024-02-14,600.00,600.00,2024-02-20\nB,I2,2024-03-20,2024-04-19,100.00,,\n";

#[test]
fn report_reads_the_gbk_export_with_encoding_gbk() {
    let dir = tempdir();
    let (gbk, utf8) = (dir.path().join("gbk"), dir.path().join("utf8"));
    let run = kam(&["report", "--period", "2024-12", "--out", gbk.to_str().unwrap(), "--orders", &sample("orders_erp_gbk.csv"), "--encoding", "gbk", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The GBK export holds the same order lines as orders.csv: the same month's ABC.
    let run = kam(&["report", "--period", "2024-12", "--out", utf8.to_str().unwrap(), "--orders", &sample("orders.csv"), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |d: &std::path::Path| std::fs::read_to_string(d.join("abc_summary.csv")).unwrap();
    assert_eq!(read(&gbk), read(&utf8));
    // Without --encoding, the error's advice is an option kam report takes.
    let run = kam(&["report", "--period", "2024-12", "--out", dir.path().join("x").to_str().unwrap(), "--orders", &sample("orders_erp_gbk.csv")]);
    assert_bad_input(&run, &["orders_erp_gbk.csv", "pass --encoding gbk"]);
}

#[test]
fn report_takes_every_input_option() {
    let dir = tempdir();
    let orders = write(dir.path(), "o.csv", b"Datum;Kunde;Artikel;Umsatz\n2024-12-01;A;P;1,50\n2024-12-02;B;P;2,25\n");
    let out = dir.path().join("r");
    let args = [
        "report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", orders.to_str().unwrap(),
        "--col", "order_date=Datum", "--col", "customer_id=Kunde", "--col", "product_id=Artikel", "--col", "amount=Umsatz",
        "--delimiter", ";", "--decimal-comma", "--money-scale", "3", "--date-format", "%Y-%m-%d", "--skip-bad-rows", "-q",
    ];
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let abc = std::fs::read_to_string(out.join("abc.csv")).unwrap();
    // 2.25 + 1.50 = 3.75 at the money scale 3.
    assert_eq!(column(&abc, "sales"), ["2.250", "1.500"]);
}

#[test]
fn a_table_prefix_maps_a_column_of_that_table_only() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", ORDERS);
    let ar = write(dir.path(), "ar.csv", AR_INV_AMT);
    let (o, a) = (orders.to_str().unwrap(), ar.to_str().unwrap());
    // The receivables lack an amount column kam knows: the advice names their table.
    let run = kam(&["credit", o, "--receivables", a, "--as-of", "2024-03-31"]);
    assert_bad_input(&run, &["ar.csv", "--col receivables:amount=HEADER", "[columns.receivables]"]);
    // Following it works, and the orders are read as before.
    let run = kam(&["credit", o, "--receivables", a, "--as-of", "2024-03-31", "--col", "receivables:amount=inv_amt", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["A", "B"]);
    // Without a table, --col is for the main input (the orders), which has no inv_amt.
    let run = kam(&["credit", o, "--receivables", a, "--as-of", "2024-03-31", "--col", "amount=inv_amt"]);
    assert_bad_input(&run, &["orders.csv", "inv_amt"]);
    // The same mapping from kam.toml's [columns.receivables].
    write(dir.path(), "kam.toml", b"[columns.receivables]\namount = \"inv_amt\"\n");
    let run = kam_in(Some(dir.path()), &["credit", "orders.csv", "--receivables", "ar.csv", "--as-of", "2024-03-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn per_table_encoding_from_the_command_line_and_kam_toml() {
    let dir = tempdir();
    // GBK customers (客户编码, 信用额度) beside UTF-8 receivables.
    let customers = gbk_bytes("客户编码,信用额度\nA,1000.00\nB,50.00\n");
    write(dir.path(), "customers.csv", &customers);
    write(dir.path(), "ar.csv", b"customer_id,invoice_id,invoice_date,due_date,amount\nA,I1,2024-03-01,2024-03-31,600.00\nB,I2,2024-03-20,2024-04-19,100.00\n");
    let base = ["receivables", "ar.csv", "--customers", "customers.csv", "--as-of", "2024-03-31", "--format", "csv"];
    let run = kam_in(Some(dir.path()), &base);
    assert_bad_input(&run, &["customers.csv", "--encoding gbk"]);
    let mut args = base.to_vec();
    args.extend(["--encoding", "customers:gbk"]);
    let run = kam_in(Some(dir.path()), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // B's 100.00 is over its 50.00 limit.
    assert_eq!(column(&run.stdout, "over_limit")[..2], ["false", "true"]);
    write(dir.path(), "kam.toml", b"[input.customers]\nencoding = \"gbk\"\n");
    let run = kam_in(Some(dir.path()), &base);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The command line wins over kam.toml.
    let mut args = base.to_vec();
    args.extend(["--encoding", "customers:utf8"]);
    assert_eq!(kam_in(Some(dir.path()), &args).code, 2);
    // A wrong value in kam.toml names the section and key.
    write(dir.path(), "kam.toml", b"[input.customers]\nencoding = \"latin1\"\n");
    assert_bad_input(&kam_in(Some(dir.path()), &base), &["kam.toml [input.customers] encoding", "latin1"]);
}

/// `text` in GBK (the few characters used here), built by hand so the test needs no encoder:
/// 客 BF CD, 户 BB A7, 编 B1 E0, 码 C2 EB, 信 D0 C5, 用 D3 C3, 额 B6 EE, 度 B6 C8.
fn gbk_bytes(text: &str) -> Vec<u8> {
    let table = [('客', [0xBF, 0xCD]), ('户', [0xBB, 0xA7]), ('编', [0xB1, 0xE0]), ('码', [0xC2, 0xEB]), ('信', [0xD0, 0xC5]), ('用', [0xD3, 0xC3]), ('额', [0xB6, 0xEE]), ('度', [0xB6, 0xC8])];
    let mut out = vec![];
    for ch in text.chars() {
        match table.iter().find(|(c, _)| *c == ch) {
            Some((_, bytes)) => out.extend(bytes),
            None => out.push(ch as u8),
        }
    }
    out
}

#[test]
fn every_spelling_of_a_plan_month_matches_in_churn_and_products() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", ORDERS);
    let o = orders.to_str().unwrap();
    // A's plan for March 2024 is 1000.00; as of 2024-03-31 the whole month is in the window.
    for period in ["2024-03", "2024-3", "202403", "2024年3月", "2024/03"] {
        let plan = write(dir.path(), "plan.csv", format!("customer_id,period,planned_amount\nA,{period},1000.00\n").as_bytes());
        let run = kam(&["churn", o, "--as-of", "2024-03-31", "--plan", plan.to_str().unwrap(), "--format", "csv"]);
        assert_eq!(run.code, 0, "{period}: {}", run.stderr);
        assert_eq!(column(&run.stdout, "plan")[0], "1000.00", "{period}");
        // Sales 500.00 against 1000.00: 50% below plan, more than the 20% drop.
        assert_eq!(column(&run.stdout, "below_plan")[0], "true", "{period}");
        let run = kam(&["products", o, "--per", "customer", "--plan", plan.to_str().unwrap(), "--format", "csv"]);
        assert_eq!(run.code, 0, "{period}: {}", run.stderr);
        let planned: Vec<String> = column(&run.stdout, "planned_amount").into_iter().filter(|p| !p.is_empty()).collect();
        assert_eq!(planned, ["1000.00"], "{period}");
    }
    // Anything else is exit 2 with file, row and column, in churn as in products.
    let plan = write(dir.path(), "plan.csv", b"customer_id,period,planned_amount\nA,2024-03,1000.00\nB,Q1 2024,5.00\n");
    for command in [vec!["churn", o, "--as-of", "2024-03-31"], vec!["products", o, "--per", "customer"]] {
        let mut args = command.clone();
        args.extend(["--plan", plan.to_str().unwrap()]);
        assert_bad_input(&kam(&args), &["plan.csv", "row 2", "period", "Q1 2024", "YYYY-MM"]);
    }
}

/// A plan's 合计 row is summed by its planned amounts, and checked against the rows kept:
/// 1000.00 + 250.50 = 1250.50.
#[test]
fn a_plan_totals_row_is_dropped_and_its_planned_amount_checked() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", ORDERS);
    let plan = write(dir.path(), "plan.csv", "customer_id,period,planned_amount\nA,2024-03,1000.00\nB,2024-03,250.50\n合计,,\"1,250.50\"\n".as_bytes());
    let run = kam(&["churn", orders.to_str().unwrap(), "--as-of", "2024-03-31", "--plan", plan.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("plan.csv: dropped 1 row(s)") && run.stderr.contains("their amounts sum to 1,250.50"), "{}", run.stderr);
    assert!(run.stderr.contains("add up to the file's stated total"), "{}", run.stderr);
}

#[test]
fn bad_values_are_usage_errors_before_any_file_is_read() {
    // The file does not exist: an error about the value proves it was checked first.
    for (args, needle) in [
        (vec!["abc", "missing.csv", "--thresholds", "0.9,0.2"], "--thresholds"),
        (vec!["abc", "missing.csv", "--col", "amount"], "ROLE=HEADER"),
        (vec!["abc", "missing.csv", "--encoding", "receivables:latin1"], "latin1"),
        (vec!["abc", "missing.csv", "--money-scale", "13"], "--money-scale"),
        (vec!["churn", "missing.csv", "--drop", "1.5"], "--drop"),
        (vec!["churn", "missing.csv", "--as-of", "30.06.2024"], "--as-of"),
        (vec!["receivables", "missing.csv", "--buckets", "60,30"], "--buckets"),
        (vec!["scorecard", "missing.csv", "--weights", "size=1"], "unknown component 'size'"),
        (vec!["credit", "missing.csv", "--receivables", "r.csv", "--late-factor", "2"], "--late-factor"),
        (vec!["clv", "missing.csv", "--horizon", "0"], "--horizon"),
        (vec!["report", "--period", "2024-13", "--out", "x", "--orders", "missing.csv"], "--period"),
    ] {
        let run = kam(&args);
        assert_bad_input(&run, &[needle]);
        assert!(!run.stderr.contains("missing.csv"), "{args:?}: {}", run.stderr);
    }
    // `--by` is read one way: Product, product and product_id are the products.
    let orders = sample("orders.csv");
    let by = |key: &str| kam(&["abc", &orders, "--by", key, "--summary", "--format", "csv", "-q"]).stdout;
    assert_eq!(by("Product"), by("product_id"));
    assert_eq!(by("Product"), by("product"));
}

#[test]
fn without_as_of_every_command_says_which_day_it_is_as_of() {
    let dir = tempdir();
    let orders = write(dir.path(), "orders.csv", ORDERS);
    for command in ["churn", "clv", "scorecard", "alerts"] {
        let mut args = vec![command, orders.to_str().unwrap(), "--format", "csv"];
        if command == "clv" {
            args.extend(["--margin", "0.3"]);
        }
        let run = kam(&args);
        // clv may not be able to fit four customers' worth of data; the note comes first.
        assert!(run.stderr.contains("no --as-of: as of 2024-03-20, the last order date in the data"), "{command}: {}", run.stderr);
    }
}

#[test]
fn docs_list_every_default_as_the_code_has_it() {
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md")).unwrap();
    let section = doc.split("## Defaults").nth(1).expect("docs/cli.md has a Defaults section");
    let listed: Vec<(String, String)> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| option") && !l.starts_with("|---"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].trim_matches('`').to_string(), cells[1].to_string())
        })
        .collect();
    let code: Vec<(String, String)> = kam::defaults::all().into_iter().map(|(o, d)| (o.to_string(), d)).collect();
    assert_eq!(listed, code, "docs/cli.md's Defaults table and src/defaults.rs differ");
}

#[test]
fn the_report_takes_the_options_its_errors_suggest() {
    let dir = tempdir();
    let orders = write(dir.path(), "o.csv", b"order_date,customer_id,product_id,quantity,amount\n2024-12-02,A,P,2,20.00\n2024-12-03,B,P,1,10.00\n");
    let stock = write(dir.path(), "inv.csv", b"snapshot_date,product_id,quantity,value\n2024-11-30,P,10,50.00\n2024-12-31,P,7,35.00\n");
    let out = dir.path().join("r");
    let mut args = vec!["report", "--period", "2024-12", "--out", out.to_str().unwrap(), "--orders", orders.to_str().unwrap(), "--inventory", stock.to_str().unwrap(), "-q"];
    // The inventory has value, so turnover is on the cost basis, and the orders have no cost.
    let run = kam(&args);
    assert_bad_input(&run, &["cost column in the orders", "--basis sales or --basis quantity"]);
    args.extend(["--basis", "quantity"]);
    let run = kam(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Quantity basis: 3 units sold / average of 10 and 7 units = 3 / 8.5.
    let products = std::fs::read_to_string(out.join("products.csv")).unwrap();
    let turnover: f64 = column(&products, "turnover")[0].parse().unwrap();
    assert!((turnover - 3.0 / 8.5).abs() < 1e-6, "{turnover}");
}
