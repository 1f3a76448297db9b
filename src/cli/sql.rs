//! `kam sql`'s options (see src/commands/sql.rs and docs/scale.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Encoding, PeriodArgs};

/// `kam sql`: the metric, the engine and where the rows are.
#[derive(Args, Debug)]
pub struct SqlArgs {
    /// The metric rendered
    #[arg(value_enum)]
    pub metric: SqlMetric,
    /// A file whose header names the columns; with --dialect duckdb and no --table, also the data read
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// The SQL engine the statement is written for
    #[arg(long, value_enum)]
    pub dialect: SqlDialect,
    /// The table (or view) the statement reads, e.g. sales.order_lines
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Map a role to a column, e.g. --col amount=net_amount (repeatable)
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// abc: what to classify (customer, product or any column); products: only product
    #[arg(long, value_name = "KEY")]
    pub by: Option<String>,
    /// abc and products: class A and B shares of cumulative sales
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<String>,
    /// receivables: upper edges of the past-due buckets in days (default 30,60,90)
    #[arg(long, value_name = "DAYS")]
    pub buckets: Option<String>,
    /// Decimal places of money (default 2): the DECIMAL(38, N) the statement computes in
    #[arg(long, value_name = "N")]
    pub money_scale: Option<usize>,
    /// FILE's CSV field delimiter (default: detected from the header line)
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// FILE's text encoding
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
    /// Configuration file (default: kam.toml in the current directory, if any)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlMetric {
    /// kam abc: rank, sales, cum_sales, share, cum_share, class per item
    Abc,
    /// kam products without inventory: sums, margin and class per product
    Products,
    /// kam clv's model inputs per customer: x, t_x, T, m in weeks (for kam clv --summary)
    ClvSummary,
    /// kam receivables without limits: aging buckets, open totals and DSO per customer
    Receivables,
}

impl SqlMetric {
    pub fn name(self) -> &'static str {
        match self {
            SqlMetric::Abc => "abc",
            SqlMetric::Products => "products",
            SqlMetric::ClvSummary => "clv-summary",
            SqlMetric::Receivables => "receivables",
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlDialect {
    Duckdb,
    Postgres,
    Spark,
    Trino,
}
