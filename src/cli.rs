//! Command-line definitions: one struct per command, shared option groups.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "kam",
    version,
    about = "Key-account management analytics for ERP exports (orders, inventory, receivables)",
    long_about = "kam reads CSV, Parquet or NDJSON exports of orders, inventory and receivables \
and tells you which customers and products matter, which are slipping away and where the money is at risk.\n\n\
Output goes to stdout: a table on a terminal, CSV in a pipe. Summaries and warnings go to stderr.\n\
Exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input.",
    after_help = "Examples:\n  kam abc sample-data/orders.csv\n  kam abc sample-data/orders.csv --by product --format markdown\n  kam schema sample-data/orders_erp_gbk.csv --encoding gbk\n  kam generate --orders 1000000 --out /tmp/big"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Pareto / ABC split of customers, products or any column (SPEC §2)
    #[command(after_help = "Examples:\n  kam abc orders.csv\n  kam abc orders.csv --by product --thresholds 0.8,0.15\n  kam abc 'exports/*.csv' --from 2024-01-01 --to 2024-06-30 --summary\n  kam abc orders.csv --format csv | kam abc - --by class")]
    Abc(AbcArgs),
    /// Show how kam reads a file: format, encoding, delimiter, columns, roles, types, first problems
    #[command(after_help = "Examples:\n  kam schema orders.csv\n  kam schema export.csv --encoding gbk --table orders")]
    Schema(SchemaArgs),
    /// Write a synthetic, realistic ERP data set (orders, inventory, receivables, customers, plan)
    #[command(after_help = "Examples:\n  kam generate --orders 5000 --seed 7 --out sample-data\n  kam generate --orders 10000000 --format parquet --out /tmp/bench")]
    Generate(GenerateArgs),
}

/// How input files are found and read.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input files: paths, globs ('data/*.csv') or '-' for stdin
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<String>,
    /// Input format when the extension does not tell (stdin defaults to csv)
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// CSV field delimiter (default: detected from the header line)
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Text encoding of CSV input
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
    /// Map a role to a column header, e.g. --col amount=金额 (repeatable)
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,
    /// Configuration file (default: kam.toml in the current directory, if any)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Force one date format (chrono syntax, e.g. %d.%m.%Y)
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,
    /// Decimal places kept for money; a value with more is an error, not rounded
    #[arg(long, value_name = "N")]
    pub money_scale: Option<usize>,
    /// Skip rows with unreadable values (counted on stderr) instead of stopping
    #[arg(long)]
    pub skip_bad_rows: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Tsv,
    Parquet,
    Ndjson,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// GBK / GB18030, common in Chinese ERP exports
    #[value(alias = "gb18030", alias = "gb2312")]
    Gbk,
}

/// The period analysed. Dates are inclusive, ISO (2024-06-30).
#[derive(Args, Debug, Clone, Default)]
pub struct PeriodArgs {
    /// First day of the period (inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the period (inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The date the run is "as of"; data after it is ignored (default for --to)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// Where and how results are written.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output format (default: table on a terminal, csv otherwise, or from -o's extension)
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write to FILE (atomically: a temporary file renamed at the end)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summaries or progress on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Ndjson,
    Parquet,
    Markdown,
}

#[derive(Args, Debug)]
pub struct AbcArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to classify: customer, product, or any column of the input
    #[arg(long, default_value = "customer", value_name = "KEY")]
    pub by: String,
    /// Class A and B shares of cumulative sales (C is the rest)
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<String>,
    /// Write the per-class summary instead of the per-item rows
    #[arg(long)]
    pub summary: bool,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Which table the file is (default: the one whose columns match best)
    #[arg(long, value_enum)]
    pub table: Option<TableKind>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Orders,
    Inventory,
    Receivables,
    Customers,
    Plan,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Number of order lines
    #[arg(long, default_value_t = 5000, value_name = "N")]
    pub orders: u64,
    /// Number of customers (default: scales with --orders)
    #[arg(long, value_name = "N")]
    pub customers: Option<u64>,
    /// Number of products (default: scales with --orders)
    #[arg(long, value_name = "N")]
    pub products: Option<u64>,
    /// Random seed: the same seed gives byte-identical files
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// First order date
    #[arg(long, default_value = "2023-01-01", value_name = "DATE")]
    pub start: String,
    /// Last order date (inclusive)
    #[arg(long, default_value = "2024-12-31", value_name = "DATE")]
    pub end: String,
    /// Output directory
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// File format of the tables
    #[arg(long, value_enum, default_value = "csv")]
    pub format: GenerateFormat,
    /// Also write orders_erp_gbk.csv: orders with Chinese ERP headers, GBK-encoded
    #[arg(long)]
    pub erp_export: bool,
    /// No progress bar
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenerateFormat {
    Csv,
    Parquet,
}
