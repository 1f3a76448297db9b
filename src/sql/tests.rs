//! Every metric in every dialect parses as one query with sqlparser's dialect for that
//! engine (Trino, which sqlparser lacks, with the ANSI one). The values are checked on
//! real engines by tests/sql/parity.py (DuckDB, Spark); PostgreSQL and Trino are not
//! run here, so their renderings are held to their grammar and to the shape below.

use chrono::NaiveDate;
use sqlparser::ast::Statement;
use sqlparser::dialect::{AnsiDialect, DuckDbDialect, PostgreSqlDialect, SparkSqlDialect};
use sqlparser::parser::Parser;

use super::lines::{self, Column, Source};
use super::{abc, clv_summary, products, receivables, Dialect, Type};
use crate::metrics::abc::Thresholds;
use crate::metrics::receivables::Buckets;

const ALL: [Dialect; 4] = [Dialect::DuckDb, Dialect::Postgres, Dialect::Spark, Dialect::Trino];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn parse(d: Dialect, sql: &str) -> Vec<Statement> {
    let parsed = match d {
        Dialect::DuckDb => Parser::parse_sql(&DuckDbDialect {}, sql),
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::Spark => Parser::parse_sql(&SparkSqlDialect {}, sql),
        Dialect::Trino => Parser::parse_sql(&AnsiDialect {}, sql),
    };
    parsed.unwrap_or_else(|e| panic!("{} rendering does not parse: {e}\n{sql}", d.name()))
}

fn one_query(d: Dialect, sql: &str) {
    let statements = parse(d, sql);
    assert_eq!(statements.len(), 1, "{sql}");
    assert!(matches!(statements[0], Statement::Query(_)), "{sql}");
}

/// The lines step over a table with these (role, header, type, required) columns.
fn table_lines(d: Dialect, columns: &[(&str, Option<&str>, Type, bool)]) -> String {
    let columns: Vec<Column> = columns.iter().map(|(r, h, t, req)| Column::new(r, h.map(str::to_string), *t, *req)).collect();
    lines::select(d, &Source::Table("sales.order_lines".into()), &columns)
}

fn abc_spec() -> abc::Spec {
    abc::Spec {
        key: "customer_id".into(),
        key_out: "customer_id".into(),
        thresholds: "0.8,0.15".parse::<Thresholds>().unwrap(),
        from: Some(date("2024-01-01")),
        to: Some(date("2024-06-30")),
        money_scale: 2,
    }
}

fn abc_sql(d: Dialect) -> String {
    let lines = table_lines(
        d,
        &[
            ("customer_id", Some("客户编码"), Type::Text, true),
            ("amount", Some("net amount"), Type::Money(2), true),
            ("order_date", Some("order_date"), Type::Date, true),
        ],
    );
    abc::render(d, lines, &abc_spec())
}

#[test]
fn abc_parses_in_every_dialect() {
    for d in ALL {
        let sql = abc_sql(d);
        one_query(d, &sql);
        // kam's boundary rule on exact decimals: before × 10 < total × 8 (A = 0.8), then
        // before × 100 < total × 95 (A + B = 0.95).
        let total = d.ident("__total");
        assert!(sql.contains(&format!(" * 10 < {total} * 8 THEN 'A'")), "{sql}");
        assert!(sql.contains(&format!(" * 100 < {total} * 95 THEN 'B'")), "{sql}");
        assert!(sql.contains("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"), "{sql}");
        assert!(sql.contains("DATE '2024-01-01'") && sql.contains("DATE '2024-06-30'"), "{sql}");
    }
}

#[test]
fn postgres_orders_text_by_code_point_and_has_a_failing_cast_for_empty_values() {
    let sql = abc_sql(Dialect::Postgres);
    assert!(sql.contains("\"customer_id\" COLLATE \"C\""), "{sql}");
    assert!(sql.contains("CAST(CAST(concat('kam sql: column \"客户编码\" (customer_id)"), "{sql}");
    assert!(sql.contains("DOUBLE PRECISION"), "{sql}");
    let spark = abc_sql(Dialect::Spark);
    assert!(spark.contains("raise_error('kam sql: "), "{spark}");
    assert!(spark.contains("`net amount`"), "{spark}");
    let trino = abc_sql(Dialect::Trino);
    assert!(trino.contains("fail('kam sql: "), "{trino}");
}

#[test]
fn products_parses_in_every_dialect() {
    for d in ALL {
        let spec = products::Spec { thresholds: Thresholds::default(), from: None, to: Some(date("2024-12-31")), money_scale: 3 };
        let lines = table_lines(
            d,
            &[
                ("product_id", Some("sku"), Type::Text, true),
                ("amount", Some("amount"), Type::Money(3), true),
                ("quantity", None, Type::Double, false),
                ("cost", Some("cogs"), Type::Money(3), false),
                ("order_date", Some("order_date"), Type::Date, true),
            ],
        );
        let sql = products::render(d, lines, &spec);
        one_query(d, &sql);
        assert!(sql.contains("DECIMAL(38, 3)"), "{sql}");
        assert!(sql.contains("CASE WHEN COUNT("), "{sql}");
    }
}

#[test]
fn clv_summary_parses_in_every_dialect() {
    for d in ALL {
        for as_of in [Some(date("2024-09-30")), None] {
            let spec = clv_summary::Spec { as_of, money_scale: 2 };
            let lines = table_lines(
                d,
                &[
                    ("customer_id", Some("customer_id"), Type::Text, true),
                    ("order_date", Some("order_date"), Type::Date, true),
                    ("amount", Some("amount"), Type::Money(2), true),
                ],
            );
            let sql = clv_summary::render(d, lines, &spec);
            one_query(d, &sql);
            // T keeps its upper case: quoted, since PostgreSQL folds bare names to lower case.
            assert!(sql.contains(&format!("AS {}", d.ident("T"))), "{sql}");
            assert!(sql.contains("7.0"), "{sql}");
        }
    }
    let trino = clv_summary::render(Dialect::Trino, "  SELECT 1".into(), &clv_summary::Spec { as_of: Some(date("2024-09-30")), money_scale: 2 });
    assert!(trino.contains("date_diff('day', \"first_day\", DATE '2024-09-30')"), "{trino}");
    let pg = clv_summary::render(Dialect::Postgres, "  SELECT 1".into(), &clv_summary::Spec { as_of: None, money_scale: 2 });
    assert!(pg.contains("((SELECT MAX(\"order_date\") FROM lines) - \"first_day\")"), "{pg}");
}

#[test]
fn receivables_parses_in_every_dialect() {
    for d in ALL {
        let spec = receivables::Spec {
            as_of: date("2024-06-30"),
            buckets: "15,45".parse::<Buckets>().unwrap(),
            dso_from: date("2024-04-02"),
            dso_to: date("2024-06-30"),
            dso_days: 90,
            money_scale: 2,
        };
        let lines = table_lines(
            d,
            &[
                ("customer_id", Some("customer_id"), Type::Text, true),
                ("invoice_id", Some("invoice_id"), Type::Text, true),
                ("invoice_date", Some("invoice_date"), Type::Date, true),
                ("due_date", Some("due_date"), Type::Date, true),
                ("amount", Some("amount"), Type::Money(2), true),
                ("paid_amount", Some("paid"), Type::Money(2), false),
                ("open_amount", None, Type::Money(2), false),
                ("paid_date", Some("paid_date"), Type::Date, false),
            ],
        );
        let sql = receivables::render(d, lines, &spec);
        one_query(d, &sql);
        for label in ["current", "d1_15", "d16_45", "over_45"] {
            assert!(sql.contains(&format!("AS {}", d.ident(label))), "{label}: {sql}");
        }
        assert!(sql.contains("'Total'"), "{sql}");
    }
}

#[test]
fn duckdb_reads_a_csv_file_with_checked_values() {
    let columns = [
        Column::new("customer_id", Some("customer_id".into()), Type::Text, true),
        Column::new("amount", Some("amount".into()), Type::Money(2), true),
    ];
    let lines = lines::select(Dialect::DuckDb, &Source::Csv { path: "/data/o'rders.csv".into(), delimiter: b',' }, &columns);
    let sql = abc::render(Dialect::DuckDb, lines, &abc::Spec { from: None, to: None, ..abc_spec() });
    one_query(Dialect::DuckDb, &sql);
    assert!(sql.contains("read_csv('/data/o''rders.csv', header = true, all_varchar = true, delim = ',')"), "{sql}");
    assert!(!sql.contains("WHERE"), "no period, no filter: {sql}");
}
