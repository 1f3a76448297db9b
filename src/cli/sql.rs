//! `kam sql`'s options (see src/commands/sql.rs and docs/scale.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::{PeriodArgs, ReadArgs};
use crate::metrics::abc::Thresholds;
use crate::metrics::receivables::Buckets;
use crate::tables::Encoding;
use crate::values::{ColumnMapping, Delimiter, Key, MoneyScale, Scoped};

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
    #[arg(long = "col", value_name = "[TABLE:]ROLE=HEADER")]
    pub columns: Vec<Scoped<ColumnMapping>>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// abc: what to classify (customer, product or any column); products: only product
    #[arg(long, value_name = "KEY")]
    pub by: Option<Key>,
    /// abc and products: class A and B shares of cumulative sales
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<Thresholds>,
    /// receivables: upper edges of the past-due buckets in days (default 30,60,90)
    #[arg(long, value_name = "DAYS")]
    pub buckets: Option<Buckets>,
    /// Decimal places of money (default 2): the DECIMAL(38, N) the statement computes in
    #[arg(long, value_name = "[TABLE:]N")]
    pub money_scale: Vec<Scoped<MoneyScale>>,
    /// FILE's CSV field delimiter (default: detected from the header line)
    #[arg(long, value_name = "[TABLE:]CHAR")]
    pub delimiter: Vec<Scoped<Delimiter>>,
    /// FILE's text encoding: utf8 or gbk
    #[arg(long, value_name = "[TABLE:]ENC")]
    pub encoding: Vec<Scoped<Encoding>>,
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

impl SqlArgs {
    /// kam's reading options for FILE: the few that shape the SQL (the others cannot be honoured).
    pub fn read_args(&self) -> ReadArgs {
        ReadArgs {
            columns: self.columns.clone(),
            encoding: self.encoding.clone(),
            delimiter: self.delimiter.clone(),
            money_scale: self.money_scale.clone(),
            config: self.config.clone(),
            ..ReadArgs::default()
        }
    }
}
