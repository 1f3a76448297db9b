//! `kam sql` end to end: columns from the FILE's header or --col, the file read by
//! DuckDB, every rendering parsed by sqlparser, and the options it refuses (exit 2).
//! The values themselves are checked on DuckDB and Spark by `make test-sql`.

use sqlparser::dialect::{AnsiDialect, Dialect, DuckDbDialect, PostgreSqlDialect, SparkSqlDialect};
use sqlparser::parser::Parser;

use crate::common::*;

fn sql(args: &[&str]) -> String {
    let mut all = vec!["sql"];
    all.extend_from_slice(args);
    let run = kam(&all);
    assert_eq!(run.code, 0, "kam {all:?}: {}", run.stderr);
    run.stdout
}

fn parses(dialect: &dyn Dialect, text: &str) {
    let statements = Parser::parse_sql(dialect, text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(statements.len(), 1, "{text}");
}

#[test]
fn duckdb_reads_the_file_itself() {
    let orders = sample("orders.csv");
    let text = sql(&["abc", &orders, "--dialect", "duckdb"]);
    let absolute = std::fs::canonicalize(&orders).unwrap().display().to_string();
    assert!(text.contains(&format!("read_csv('{absolute}', header = true, all_varchar = true, delim = ',')")), "{text}");
    assert!(text.contains("AS \"customer_id\""), "{text}");
    parses(&DuckDbDialect {}, &text);
}

#[test]
fn every_metric_parses_in_postgres_trino_and_spark() {
    let orders = sample("orders.csv");
    let receivables = sample("receivables.csv");
    let cases: [(&str, &String, &[&str]); 5] = [
        ("abc", &orders, &["--by", "product", "--from", "2024-01-01"]),
        ("products", &orders, &["--to", "2024-06-30"]),
        ("clv-summary", &orders, &["--as-of", "2024-09-30"]),
        ("clv-summary", &orders, &[]),
        ("receivables", &receivables, &["--as-of", "2024-06-30", "--buckets", "15,45"]),
    ];
    for (metric, file, extra) in cases {
        for (dialect, parser) in [
            ("postgres", &PostgreSqlDialect {} as &dyn Dialect),
            ("trino", &AnsiDialect {} as &dyn Dialect),
            ("spark", &SparkSqlDialect {} as &dyn Dialect),
        ] {
            let mut args = vec![metric, file.as_str(), "--dialect", dialect, "--table", "erp.lines"];
            args.extend_from_slice(extra);
            let text = sql(&args);
            parses(parser, &text);
        }
    }
}

#[test]
fn chinese_headers_are_resolved_by_kams_roles() {
    // The GBK export: 单据日期 order_date, 客户编码 customer_id, 无税金额 amount.
    let text = sql(&["clv-summary", &sample("orders_erp_gbk.csv"), "--encoding", "gbk", "--dialect", "spark", "--table", "t"]);
    for header in ["`单据日期`", "`客户编码`", "`无税金额`"] {
        assert!(text.contains(header), "{header}: {text}");
    }
    // DuckDB would read the GBK file itself, and it reads UTF-8 only: refused.
    let run = kam(&["sql", "abc", &sample("orders_erp_gbk.csv"), "--encoding", "gbk", "--dialect", "duckdb"]);
    assert_bad_input(&run, &["UTF-8"]);
}

#[test]
fn a_table_alone_takes_col_mappings_and_role_names() {
    let text = sql(&["abc", "--dialect", "trino", "--table", "hive.erp.orders", "--col", "amount=net_amount"]);
    assert!(text.contains("\"net_amount\""), "{text}");
    assert!(text.contains("\"customer_id\""), "{text}");
    assert!(text.contains("FROM \"hive\".\"erp\".\"orders\""), "{text}");
    // Optional roles not mapped are empty, not guessed: products without cost.
    let text = sql(&["products", "--dialect", "postgres", "--table", "orders"]);
    assert!(text.contains("CAST(NULL AS DECIMAL(38, 2)) AS \"cost\""), "{text}");
}

#[test]
fn money_scale_and_thresholds_reach_the_statement() {
    let text = sql(&["abc", &sample("orders.csv"), "--dialect", "duckdb", "--money-scale", "4", "--thresholds", "70%,25%"]);
    assert!(text.contains("DECIMAL(38, 4)"), "{text}");
    assert!(text.contains("[0-9]{1,4}"), "{text}");
    // 70% is the share 0.7: A is cum_sales before the item < 7/10 of the total.
    assert!(text.contains(" * 10 < \"__total\" * 7"), "{text}");
    assert!(text.contains(" * 100 < \"__total\" * 95"), "{text}");
}

#[test]
fn options_the_sql_cannot_honour_are_refused() {
    let orders = sample("orders.csv");
    let cases: [(&[&str], &str); 9] = [
        (&["sql", "clv-summary", &orders, "--dialect", "duckdb", "--from", "2024-01-01"], "--from and --to do not apply"),
        (&["sql", "products", &orders, "--dialect", "duckdb", "--by", "customer,product"], "only --by product"),
        (&["sql", "receivables", &sample("receivables.csv"), "--dialect", "duckdb"], "needs --as-of"),
        (&["sql", "abc", &orders, "--dialect", "postgres"], "give --table NAME"),
        (&["sql", "abc", "--dialect", "duckdb"], "needs FILE"),
        (&["sql", "abc", &orders, "--dialect", "duckdb", "--buckets", "30"], "--buckets does not apply"),
        (&["sql", "clv-summary", &orders, "--dialect", "duckdb", "--thresholds", "0.8,0.1"], "--thresholds does not apply"),
        (&["sql", "abc", &orders, "--dialect", "duckdb", "--by", "no_such_column"], "no column for no_such_column"),
        (&["sql", "abc", "-", "--dialect", "duckdb"], "cannot be stdin"),
    ];
    for (args, needle) in cases {
        let run = kam(args);
        assert_bad_input(&run, &[needle]);
        assert!(run.stdout.is_empty(), "no statement on a refusal: {}", run.stdout);
    }
    // Options of the file commands that have no meaning here are not accepted at all.
    let run = kam(&["sql", "receivables", &sample("receivables.csv"), "--dialect", "duckdb", "--as-of", "2024-06-30", "--total-assets", "5"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
