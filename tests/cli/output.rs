//! Output a person reads: names beside ids, numbers at their natural precision, tables
//! fitted to a terminal, --columns and --limit, CSV for Excel (--bom, --output-encoding).


use unicode_width::UnicodeWidthStr;

use crate::common::*;

/// The per-customer commands on sample-data, with --customers where the command takes it.
fn per_customer_runs() -> Vec<(&'static str, Vec<String>)> {
    let (orders, receivables, customers) = (sample("orders.csv"), sample("receivables.csv"), sample("customers.csv"));
    let as_of = ["--as-of".to_string(), "2024-12-31".to_string()];
    let with = |args: &[&str]| -> Vec<String> { args.iter().map(|a| a.to_string()).chain(as_of.clone()).collect() };
    vec![
        ("abc", vec!["abc".into(), orders.clone()]),
        ("rfm", with(&["rfm", &orders])),
        ("churn", with(&["churn", &orders, "--customers", &customers])),
        ("clv", with(&["clv", &orders, "--customers", &customers])),
        ("receivables", with(&["receivables", &receivables, "--customers", &customers])),
        ("credit", with(&["credit", &orders, "--receivables", &receivables, "--customers", &customers])),
        ("alerts", with(&["alerts", &orders, "--receivables", &receivables, "--customers", &customers])),
        ("scorecard", with(&["scorecard", &orders, "--receivables", &receivables, "--customers", &customers])),
    ]
}

#[test]
fn every_per_customer_output_has_the_name_beside_the_id() {
    for (command, args) in per_customer_runs() {
        let run = kam(&[args, vec!["-q".into(), "--format".into(), "csv".into()]].concat());
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        let rows = csv_rows(&run.stdout);
        let id = rows[0].iter().position(|h| h == "customer_id").unwrap_or_else(|| panic!("{command}: {:?}", rows[0]));
        assert_eq!(rows[0][id + 1], "customer_name", "{command}: {:?}", rows[0]);
        // C00013 is 东莞恒通实业有限公司 in customers.csv and in the orders.
        let c13 = rows.iter().find(|r| r[id] == "C00013").unwrap_or_else(|| panic!("{command}: no C00013"));
        assert_eq!(c13[id + 1], "东莞恒通实业有限公司", "{command}");
    }
    let products = kam(&["products", &sample("orders.csv"), "-q", "--format", "csv"]);
    let header = &csv_rows(&products.stdout)[0];
    assert_eq!(&header[..2], ["product_id", "product_name"]);
}

#[test]
fn the_customers_file_names_win_over_the_orders() {
    let dir = tempdir();
    let orders = write(
        dir.path(),
        "orders.csv",
        b"order_date,customer_id,customer_name,amount\n2024-06-01,K1,Old Name Ltd,100.00\n2024-06-02,K2,Kilo Corp,50.00\n",
    );
    let customers = write(dir.path(), "customers.csv", b"customer_id,name\nK1,New Name Ltd\n");
    let run = kam(&["churn", orders.to_str().unwrap(), "--customers", customers.to_str().unwrap(), "--as-of", "2024-06-30", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["K1", "K2"]);
    // K1 from the customers file; K2, which the file does not list, keeps the orders' name.
    assert_eq!(column(&run.stdout, "customer_name"), ["New Name Ltd", "Kilo Corp"]);
}

fn is_money(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    matches!(digits.split_once('.'), Some((int, cents)) if !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit())
        && cents.len() == 2 && cents.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn money_is_written_at_cents_and_counts_as_integers() {
    let runs = per_customer_runs();
    let money: &[(&str, &[&str])] = &[
        ("clv", &["sales", "gross_profit", "avg_order_value", "m", "expected_spend", "clv"]),
        ("credit", &["sales", "monthly_sales", "current_limit"]),
        ("scorecard", &["sales_12m", "gross_profit_12m", "clv"]),
        ("receivables", &["current", "open_total", "credit_limit", "credit_sales"]),
        ("churn", &["sales", "sales_prev", "sales_last_year"]),
        ("abc", &["sales", "cum_sales"]),
    ];
    for (command, columns) in money {
        let args = &runs.iter().find(|(c, _)| c == command).unwrap().1;
        let run = kam(&[args.clone(), vec!["-q".into(), "--format".into(), "csv".into()]].concat());
        for name in *columns {
            let values = column(&run.stdout, name);
            assert!(values.iter().any(|v| !v.is_empty()), "{command} {name} is empty");
            for v in values.iter().filter(|v| !v.is_empty()) {
                assert!(is_money(v), "{command} {name}: {v:?} is not money at cents");
            }
        }
    }
    let clv = &runs.iter().find(|(c, _)| *c == "clv").unwrap().1;
    let run = kam(&[clv.clone(), vec!["-q".into()]].concat());
    for v in column(&run.stdout, "orders").iter().chain(&column(&run.stdout, "x")) {
        assert!(v.parse::<u64>().is_ok(), "a count {v:?}");
    }
    let products = kam(&["products", &sample("orders.csv"), "-q"]);
    for v in column(&products.stdout, "quantity") {
        assert!(v.parse::<i64>().is_ok(), "sample quantities are whole, so written as integers: {v:?}");
    }
    // Scores have 2 decimals.
    let scorecard = &runs.iter().find(|(c, _)| *c == "scorecard").unwrap().1;
    let run = kam(&[scorecard.clone(), vec!["-q".into()]].concat());
    assert!(column(&run.stdout, "score").iter().all(|v| is_money(v)), "scores at 2 decimals");
}

#[test]
fn a_table_on_a_100_column_terminal_fits_and_says_what_it_hid() {
    let (orders, inventory) = (sample("orders.csv"), sample("inventory.csv"));
    let commands: [&[&str]; 4] = [
        &["products", &orders, "--inventory", &inventory],
        &["churn", &orders, "--as-of", "2024-12-31"],
        &["scorecard", &orders, "--as-of", "2024-12-31"],
        &["clv", &orders, "--as-of", "2024-12-31"],
    ];
    for args in commands {
        let Some(text) = on_terminal(100, args, false) else {
            eprintln!("skipped: no util-linux `script` to make a pseudo-terminal");
            return;
        };
        for line in text.lines() {
            assert!(line.width() <= 100, "{args:?}: a line {} wide:\n{line}", line.width());
        }
        assert!(text.contains("customer_name") || text.contains("product_name"), "{args:?}:\n{text}");
        assert!(text.contains("more columns:") && text.contains("(--format csv or --columns)"), "{args:?}:\n{text}");
        assert!(text.contains("more rows (--limit N, --all)"), "{args:?}:\n{text}");
    }
    // --limit on a terminal: exactly 5 rows, and the rest counted (300 customers in the sample).
    let text = on_terminal(100, &["abc", &orders, "--limit", "5"], false).unwrap();
    assert!(text.contains("… 295 more rows"), "{text}");
    assert!(text.contains("C00013"), "{text}");
    // A pipe is unchanged and complete: every row, every column.
    let piped = kam(&["churn", &orders, "--as-of", "2024-12-31", "-q"]);
    assert_eq!(csv_rows(&piped.stdout).len(), 301);
    assert_eq!(csv_rows(&piped.stdout)[0].len(), 23);
}

#[test]
fn columns_and_limit_pick_what_is_written_in_any_format() {
    let orders = sample("orders.csv");
    let run = kam(&["abc", &orders, "-q", "--columns", "class,customer_id,sales", "--limit", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "class,customer_id,sales\nA,C00013,10558053.43\nA,C00037,9610166.78\n");
    let ndjson = kam(&["abc", &orders, "-q", "--columns", "customer_id", "--limit", "1", "--format", "ndjson"]);
    assert_eq!(ndjson.stdout.trim(), r#"{"customer_id":"C00013"}"#);
    let unknown = kam(&["abc", &orders, "-q", "--columns", "customer_id,revenue"]);
    assert_bad_input(&unknown, &["no column 'revenue'", "customer_name, sales"]);
}

#[test]
fn csv_for_excel_with_a_bom_or_in_gbk() {
    let orders = sample("orders.csv");
    let plain = kam(&["abc", &orders, "-q", "--limit", "3"]);
    let bom = kam(&["abc", &orders, "-q", "--limit", "3", "--bom"]);
    assert_eq!(bom.raw_stdout, [b"\xEF\xBB\xBF".as_slice(), plain.raw_stdout.as_slice()].concat());
    let gbk = kam(&["abc", &orders, "-q", "--limit", "3", "--output-encoding", "gbk"]);
    let (decoded, _, errors) = encoding_rs::GBK.decode(&gbk.raw_stdout);
    assert!(!errors);
    assert_eq!(decoded, plain.stdout);
    assert_ne!(gbk.raw_stdout, plain.raw_stdout, "Chinese names are re-encoded");
    // Into a file too, atomically like every output.
    let dir = tempdir();
    let path = dir.path().join("abc.csv");
    let run = kam(&["abc", &orders, "-q", "--bom", "-o", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read(&path).unwrap().starts_with(b"\xEF\xBB\xBFrank,customer_id"));
    // Refused where it would be ignored, or cannot be done.
    assert_bad_input(&kam(&["abc", &orders, "-q", "--bom", "--format", "parquet"]), &["apply to CSV and TSV"]);
    assert_bad_input(&kam(&["abc", &orders, "-q", "--bom", "--output-encoding", "gbk"]), &["--bom"]);
    let emoji = write(dir.path(), "emoji.csv", "customer_id,customer_name,amount\nE1,Smile 😀 Ltd,1.00\n".as_bytes());
    assert_bad_input(&kam(&["abc", emoji.to_str().unwrap(), "-q", "--output-encoding", "gbk"]), &["U+1F600", "line 2"]);
}

#[test]
fn help_lists_the_input_columns_outputs_and_defaults() {
    for command in ["abc", "products", "clv", "churn", "receivables", "credit", "alerts", "scorecard", "rfm", "cohorts"] {
        let run = kam(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command}");
        for needle in ["Input columns", "(required)", "Main output columns", "docs/metrics.md", "Examples:"] {
            assert!(run.stdout.contains(needle), "{command} --help lacks {needle:?}");
        }
        assert!(!run.stdout.contains("SPEC"), "{command} --help cites the SPEC, which users do not have");
    }
    let abc = kam(&["abc", "--help"]).stdout;
    assert!(abc.contains("amount (required): ") && abc.contains("销售金额"), "{abc}");
    assert!(abc.contains("default 0.75,0.20"), "{abc}");
    let credit = kam(&["credit", "--help"]).stdout;
    assert!(credit.contains("[default: "), "{credit}");
}
