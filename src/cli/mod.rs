//! Command-line definitions: one struct per command, shared option groups.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::defaults;
use crate::engine::Groups;
use crate::metrics::abc::Thresholds;
use crate::metrics::xyz::CvLimits;
use crate::metrics::receivables::Buckets;
use crate::metrics::scorecard::{Tiers, Weights};
use crate::tables::TableKind;
use crate::values::{self, Amount, ColumnMapping, Day, DayRange, Key, Month, Share};

// The shared option groups, and kam sql's options, live in their own files.
mod common;
mod help;
mod sql;
pub use common::{InputArgs, PeriodArgs, ReadArgs};
pub use crate::output::{OutputArgs, OutputFormat};
pub use sql::{SqlArgs, SqlDialect, SqlMetric};

#[derive(Parser, Debug)]
#[command(
    name = "kam",
    version,
    about = "Key-account management analytics for ERP exports (orders, inventory, receivables)",
    long_about = "kam reads CSV, Parquet or NDJSON exports of orders, inventory and receivables \
and tells you which customers and products matter, which are slipping away and where the money is at risk.\n\n\
Output goes to stdout: a table on a terminal, CSV in a pipe. Summaries and warnings go to stderr.\n\
Exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input, 3 `kam alerts --fail-on` found warnings.",
    after_help = "Examples:\n  kam abc sample-data/orders.csv\n  kam abc sample-data/orders.csv --by product --format markdown\n  kam schema sample-data/orders_erp_gbk.csv --encoding gbk\n  kam generate --orders 1000000 --out /tmp/big"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Pareto / ABC split of customers, products or any column
    #[command(after_help = help::after_help("abc"))]
    Abc(AbcArgs),
    /// Products: margin, inventory turnover, cross ratio and contribution ratio
    #[command(after_help = help::after_help("products"))]
    Products(ProductsArgs),
    /// Customer lifetime value: BG/NBD and Gamma-Gamma fitted on the order history
    #[command(after_help = help::after_help("clv"))]
    Clv(ClvArgs),
    /// Show how kam reads a file: format, encoding, delimiter, columns, roles, types, first problems
    #[command(after_help = "Examples:\n  kam schema orders.csv\n  kam schema export.csv --encoding gbk --table orders")]
    Schema(SchemaArgs),
    /// Write a synthetic, realistic ERP data set (orders, inventory, receivables, customers, plan)
    #[command(after_help = "Examples:\n  kam generate --orders 5000 --seed 7 --out sample-data\n  kam generate --orders 10000000 --format parquet --out /tmp/bench")]
    Generate(GenerateArgs),
    /// Receivables aging by customer, credit limits, DSO and the company warning line
    #[command(after_help = help::after_help("receivables"))]
    Receivables(ReceivablesArgs),
    /// Churn status (active / at_risk / churned) and sales-progress flags per customer
    #[command(after_help = help::after_help("churn"))]
    Churn(ChurnArgs),
    /// Suggested credit limits from ABC class and payment history (对信用额度的确定)
    #[command(after_help = help::after_help("credit"))]
    Credit(CreditArgs),
    /// Every early warning in one report: churn, sales progress, credit limit, aging, assets line
    #[command(after_help = help::after_help("alerts"))]
    Alerts(AlertsArgs),
    /// Key-account scorecard: weighted score, tier and false-key-account flags per customer
    #[command(after_help = help::after_help("scorecard"))]
    Scorecard(ScorecardArgs),
    /// Monthly report: every table as CSV, Parquet and XLSX, and report.html with charts, in one directory
    #[command(after_help = "Examples:\n  kam report --period 2024-12 --out reports/2024-12 --orders orders.csv\n  kam report --period 2024-12 --out reports/2024-12 --orders orders.csv --inventory inventory.csv \\\n      --receivables receivables.csv --customers customers.csv --plan plan.csv --total-assets 5000000\n\nInputs may also come from a [report] section in kam.toml. The directory is replaced atomically.\nExit codes: 0 ok, 1 the run failed, 2 bad input (the previous report is left untouched).")]
    Report(ReportArgs),
    /// Print one SQL statement that computes a metric in a warehouse (DuckDB, PostgreSQL, Spark, Trino)
    #[command(after_help = "Examples:\n  kam sql abc orders.csv --dialect duckdb | duckdb\n  kam sql abc orders.csv --dialect spark --table sales.order_lines --by product\n  kam sql clv-summary --dialect trino --table hive.erp.orders --col amount=net_amount --as-of 2024-12-31\n  kam sql receivables receivables.csv --dialect postgres --table ar --as-of 2024-06-30\n\nFILE's header names the columns (kam's role resolution); with --dialect duckdb and no --table the statement reads FILE itself.\nSee docs/scale.md.")]
    Sql(SqlArgs),
    /// Cohorts: customers by the month of their first order, and the share of each cohort ordering in each month after
    #[command(after_help = help::after_help("cohorts"))]
    Cohorts(CohortsArgs),
    /// RFM: recency, frequency and monetary scores and the eleven customer segments
    #[command(after_help = help::after_help("rfm"))]
    Rfm(RfmArgs),
    /// One customer's page: identity, monthly sales, class history, products, RFM, P(alive), receivables, alerts
    #[command(after_help = "Examples:\n  kam profile orders.csv --customer C00224\n  kam profile orders.csv --customer C00224 --receivables receivables.csv --customers customers.csv --as-of 2024-12-31\n  kam profile orders.csv --customer C00224 --format html -o C00224.html\n\nExit codes: 0 ok, 2 bad input (e.g. a customer id that is not in the orders).")]
    Profile(ProfileArgs),
}

impl Command {
    /// What the command groups its rows by, for the engine's tuning (src/engine.rs).
    pub fn groups(&self) -> Groups {
        match self {
            Command::Abc(args) if args.by == Key::Product => Groups::Products,
            Command::Products(args) if args.per.is_none() && args.by == [Key::Product] => Groups::Products,
            _ => Groups::Customers,
        }
    }
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
    pub by: Key,
    /// Class A and B shares of cumulative sales (C is the rest; default 0.75,0.20)
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<Thresholds>,
    /// Write the per-class summary instead of the per-item rows (with --compare: the transitions between classes)
    #[arg(long)]
    pub summary: bool,
    /// Compare with the classes of this period: adds prev_class, prev_sales, sales_change and change (up, down, same, new, lost)
    #[arg(long, value_name = "FROM..TO")]
    pub compare: Option<DayRange>,
}

#[derive(Args, Debug)]
pub struct ProductsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Inventory snapshot files (snapshot_date, product_id, quantity and/or value), read with
    /// the same --delimiter, --encoding, --date-format and --money-scale as the orders
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub inventory: Vec<String>,
    /// The same as --col inventory:ROLE=HEADER (the earlier spelling)
    #[arg(long = "inventory-col", value_name = "ROLE=HEADER", hide = true)]
    pub inventory_columns: Vec<ColumnMapping>,
    /// Turnover basis (default: cost when the inventory has value, else quantity)
    #[arg(long, value_enum)]
    pub basis: Option<TurnoverBasis>,
    /// Average inventory: (opening + closing) / 2, or the mean of all snapshots in the period
    #[arg(long, value_enum, default_value = "ends")]
    pub avg: AverageInventory,
    /// 'product', or 'customer,product' for one row per customer and product with the stock the customer holds
    #[arg(long, value_name = "KEYS", default_value = "product", value_delimiter = ',')]
    pub by: Vec<Key>,
    /// Sort by this output column: numbers descending, text and dates ascending (default: contribution_ratio)
    #[arg(long, value_name = "COLUMN")]
    pub sort: Option<String>,
    /// ABC class thresholds A,B (as in kam abc; default 0.75,0.20)
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<Thresholds>,
    /// Instead of products: each customer's sales per --interval, share of the company and plan
    #[arg(long, value_enum, conflicts_with_all = ["inventory", "basis", "by"])]
    pub per: Option<PerWhat>,
    /// Period length for --per customer and --xyz (default month)
    #[arg(long, value_enum)]
    pub interval: Option<PerInterval>,
    /// ABC-XYZ: add cv (variation of demand per --interval), xyz_class and abc_xyz (e.g. AX)
    #[arg(long, conflicts_with = "per")]
    pub xyz: bool,
    /// With --xyz: X below the first cv, Y below the second, Z above (default 0.5,1.0)
    #[arg(long, value_name = "X,Y", requires = "xyz")]
    pub xyz_limits: Option<CvLimits>,
    /// Plan files (customer_id, period YYYY-MM, planned_amount) for --per customer
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "per")]
    pub plan: Vec<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnoverBasis {
    /// quantity sold / average units in stock
    Quantity,
    /// cost of goods sold / average inventory value at cost
    Cost,
    /// net sales / average inventory value (the seed's formula)
    Sales,
}

impl TurnoverBasis {
    pub fn basis(self) -> crate::metrics::products::Basis {
        use crate::metrics::products::Basis;
        match self {
            TurnoverBasis::Quantity => Basis::Quantity,
            TurnoverBasis::Cost => Basis::Cost,
            TurnoverBasis::Sales => Basis::Sales,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AverageInventory {
    /// (opening + closing) / 2
    Ends,
    /// mean of the snapshots dated in the period
    All,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerWhat {
    Customer,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerInterval {
    Month,
    Year,
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
    pub start: Day,
    /// Last order date (inclusive)
    #[arg(long, default_value = "2024-12-31", value_name = "DATE")]
    pub end: Day,
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

#[derive(Args, Debug)]
pub struct ReceivablesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Customers file: names (客户名称) beside the ids, and credit_limit (信用额度)
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// Order files: DSO credit sales come from order lines instead of invoices
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub orders: Vec<String>,
    /// Upper edges of the past-due buckets in days (current, 1-30, 31-60, 61-90, >90)
    #[arg(long, value_name = "DAYS", default_value = defaults::BUCKETS)]
    pub buckets: Buckets,
    /// Total assets: open receivables above --warning-line of it is the company warning
    #[arg(long, value_name = "AMOUNT")]
    pub total_assets: Option<Amount>,
    /// The company warning line as a share of total assets (赊销警戒线)
    #[arg(long, value_name = "SHARE", default_value = defaults::WARNING_LINE)]
    pub warning_line: Share,
}

/// Rules of the churn and sales-progress warnings (shared by `churn` and `alerts`).
#[derive(Args, Debug, Clone)]
pub struct ChurnOptions {
    /// Plan file (customer_id, period YYYY-MM, planned_amount) for the below-plan flag
    #[arg(long, value_name = "FILE")]
    pub plan: Option<String>,
    /// at_risk when days since the last order exceed this multiple of the typical gap
    #[arg(long, value_name = "K", default_value = defaults::GAP_MULTIPLE, value_parser = values::positive)]
    pub gap_multiple: f64,
    /// churned when there has been no order for more than this many days
    #[arg(long, value_name = "DAYS", default_value = defaults::CHURN_DAYS, value_parser = clap::value_parser!(i32).range(1..))]
    pub churn_days: i32,
    /// A sales or order-frequency drop larger than this share is flagged (0.20 or 20%)
    #[arg(long, value_name = "SHARE", default_value = defaults::DROP, value_parser = values::share_below_one)]
    pub drop: Share,
    /// Length of the compared period in calendar months, ending with the month of --as-of
    #[arg(long, value_name = "N", default_value = defaults::PERIOD_MONTHS, value_parser = clap::value_parser!(u32).range(1..=12))]
    pub period_months: u32,
    /// BG/NBD params file written by `kam clv --params-out`: adds p_alive and the P(alive) churn rule
    #[arg(long, value_name = "FILE")]
    pub params: Option<String>,
    /// With --params: churned when P(alive) is below this (default 0.2)
    #[arg(long, value_name = "P", value_parser = values::probability, requires = "params")]
    pub min_p_alive: Option<f64>,
}

impl ChurnOptions {
    /// The rules with every option at its default (the report's churn section).
    pub fn defaults() -> ChurnOptions {
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            rules: ChurnOptions,
        }
        Defaults::parse_from(["kam"]).rules
    }
}

#[derive(Args, Debug)]
pub struct ChurnArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: ChurnOptions,
    /// Customers file: the names (客户名称) shown beside the ids; else the orders' customer_name
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
}

#[derive(Args, Debug)]
pub struct CreditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Receivables files: the payment history (days late of paid invoices)
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub receivables: Vec<String>,
    /// Customers file: names beside the ids, and the current credit_limit beside the suggestion
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// Class A and B shares of cumulative sales, as in `kam abc` (default 0.75,0.20)
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<Thresholds>,
    /// Class B limit in months of average sales
    #[arg(long, value_name = "MONTHS", default_value = defaults::B_MONTHS, value_parser = values::non_negative)]
    pub b_months: f64,
    /// Class C limit in months of average sales
    #[arg(long, value_name = "MONTHS", default_value = defaults::C_MONTHS, value_parser = values::non_negative)]
    pub c_months: f64,
    /// No reduction while invoices are paid at most this many days late on average
    #[arg(long, value_name = "DAYS", default_value = defaults::GRACE_DAYS, value_parser = values::non_negative)]
    pub grace_days: f64,
    /// Limit multiplier for late payers (A customers then lose "unlimited")
    #[arg(long, value_name = "FACTOR", default_value = defaults::LATE_FACTOR, value_parser = values::fraction)]
    pub late_factor: f64,
    /// More days late than this on average: no credit (cash only)
    #[arg(long, value_name = "DAYS", default_value = defaults::CASH_DAYS, value_parser = values::non_negative)]
    pub cash_days: f64,
    /// B limits are reviewed after this many days (review_by column)
    #[arg(long, value_name = "DAYS", default_value = defaults::REVIEW_DAYS)]
    pub review_days: i64,
}

/// The lowest alert severity that makes `kam alerts` exit with code 3.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Never,
    Info,
    Warning,
    Critical,
}

#[derive(Args, Debug)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: ChurnOptions,
    /// Receivables files: adds credit-limit, aging and assets-line warnings
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub receivables: Vec<String>,
    /// Customers file: names beside the ids, and credit_limit per customer (with --receivables)
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// Upper edges of the past-due buckets in days; money in the oldest bucket is an alert
    #[arg(long, value_name = "DAYS", default_value = defaults::BUCKETS)]
    pub buckets: Buckets,
    /// Total assets, for the company warning line on open receivables
    #[arg(long, value_name = "AMOUNT")]
    pub total_assets: Option<Amount>,
    /// The company warning line as a share of total assets (赊销警戒线)
    #[arg(long, value_name = "SHARE", default_value = defaults::WARNING_LINE)]
    pub warning_line: Share,
    /// Exit with code 3 when an alert at or above this severity exists (after writing the report)
    #[arg(long, value_enum, default_value = "never", value_name = "LEVEL")]
    pub fail_on: FailOn,
    /// Sales-expense file (period YYYY-MM, amount, budget; optional customer_id, salesperson, region):
    /// spend over budget in the month of --as-of is a sales_expense alert (销售费用预警)
    #[arg(long, value_name = "FILE")]
    pub expenses: Option<String>,
}

#[derive(Args, Debug)]
// With --summary the order files are not needed.
#[command(mut_arg("inputs", |a| a.required(false).required_unless_present("summary")))]
pub struct ClvArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Forecast horizon of expected_purchases and clv, in months
    #[arg(long, value_name = "MONTHS", default_value = defaults::HORIZON_MONTHS, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub horizon: u32,
    /// Annual discount rate for clv (0.10 or 10%)
    #[arg(long, value_name = "RATE", default_value = defaults::DISCOUNT)]
    pub discount: Share,
    /// Profit margin on sales (0.3 or 30%); default: gross profit / sales from the cost column
    #[arg(long, value_name = "SHARE")]
    pub margin: Option<Share>,
    /// Fit on orders up to DATE, then compare predicted with actual purchases after it (to --as-of)
    #[arg(long, value_name = "DATE")]
    pub calibration_end: Option<Day>,
    /// Use the model parameters saved with --params-out instead of fitting
    #[arg(long, value_name = "FILE", conflicts_with = "params_out")]
    pub params: Option<PathBuf>,
    /// Save the fitted parameters and log-likelihoods as JSON
    #[arg(long, value_name = "FILE")]
    pub params_out: Option<PathBuf>,
    /// Purchase model: bgnbd (BG/NBD), pareto-nbd (Pareto/NBD) or mbg-nbd (MBG/NBD)
    #[arg(long, value_enum, default_value_t = ClvModel::Bgnbd)]
    pub model: ClvModel,
    /// Read one row per customer instead of order lines (CSV; then no FILE): x = repeat
    /// purchases (purchase days after the first), t_x = weeks from the first to the last
    /// purchase, T = weeks from the first purchase to the end of the data, m = mean spend of
    /// the repeat purchases (optional); lifetimes' frequency, recency, T, monetary_value also
    /// work; customer_id optional. Needs --margin.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Customers file: the names (客户名称) shown beside the ids; else the orders' customer_name
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
}

/// The purchase models of `kam clv --model`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClvModel {
    Bgnbd,
    ParetoNbd,
    MbgNbd,
}

#[derive(Args, Debug)]
pub struct ScorecardArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Receivables files: the payment component (days late, over-limit); neutral without them
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub receivables: Vec<String>,
    /// Customers file: names beside the ids, and credit_limit (for over-limit, with --receivables)
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// Component weights, e.g. sales=0.3,clv=0.2 (others keep their default; see docs/scorecard.md)
    #[arg(long, value_name = "NAME=W,...")]
    pub weights: Option<Weights>,
    /// Score cut-offs of the key, major and regular tiers (the rest is small)
    #[arg(long, value_name = "KEY,MAJOR,REGULAR")]
    pub tiers: Option<Tiers>,
    /// Class A and B shares of cumulative sales, as in `kam abc` (class A counts as a large buyer; default 0.75,0.20)
    #[arg(long, value_name = "A,B")]
    pub thresholds: Option<Thresholds>,
}

#[derive(Args, Debug)]
pub struct CohortsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The last day counted (default: the last order date, said on stderr)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Day>,
    /// customers: the share of the cohort that ordered in the month; sales: the cohort's sales against its first month's
    #[arg(long, value_enum, default_value = "customers")]
    pub value: CohortValueArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortValueArg {
    Customers,
    Sales,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The month reported on (2024-12, 202412 or 2024年12月); as-of is its last day
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Month,
    /// Output directory, replaced atomically (a failed run leaves the previous one untouched)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Order files (or [report] orders in kam.toml)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub orders: Vec<String>,
    /// Inventory snapshot files for turnover in the products table
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub inventory: Vec<String>,
    /// Receivables files: aging, credit-limit warnings and the payment component of the scorecard
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub receivables: Vec<String>,
    /// Customers file with credit_limit per customer
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// Plan file (customer_id, period, planned_amount) for the below-plan warning
    #[arg(long, value_name = "FILE")]
    pub plan: Option<String>,
    /// Total assets, for the company warning line on open receivables
    #[arg(long, value_name = "AMOUNT")]
    pub total_assets: Option<Amount>,
    /// Turnover basis of the products table (default: cost when the inventory has value, else quantity)
    #[arg(long, value_enum)]
    pub basis: Option<TurnoverBasis>,
    /// Language of report.html and report.xlsx (else [report] lang in kam.toml, else zh when the order headers are Chinese, else en); CSV columns stay English
    #[arg(long, value_enum)]
    pub lang: Option<SegmentLang>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// No summaries on stderr
    #[arg(short, long)]
    pub quiet: bool,
}


/// The language of the RFM segment names.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentLang {
    En,
    Zh,
}

impl SegmentLang {
    pub fn lang(self) -> crate::metrics::rfm::Lang {
        match self {
            SegmentLang::En => crate::metrics::rfm::Lang::En,
            SegmentLang::Zh => crate::metrics::rfm::Lang::Zh,
        }
    }
}

#[derive(Args, Debug)]
pub struct RfmArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The date recency is counted to; later orders are ignored (default: the last order date, said on stderr)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Day>,
    /// Frequency and monetary over the DAYS days ending at --as-of (default: all history)
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub window: Option<u32>,
    /// Number of score bins, 2 to 10; N is the best score
    #[arg(long, value_name = "N", default_value = defaults::RFM_BINS, value_parser = clap::value_parser!(u32).range(2..=10))]
    pub bins: u32,
    /// Language of the segment names
    #[arg(long, value_enum, default_value = "en")]
    pub lang: SegmentLang,
}

/// The page formats of `kam profile`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileFormat {
    /// Plain text for a terminal (lines of at most 100 columns)
    Text,
    /// One self-contained HTML page (inline CSS and SVG)
    Html,
}

#[derive(Args, Debug)]
pub struct ProfileArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The customer's id, as in the orders' customer_id
    #[arg(long, value_name = "ID")]
    pub customer: String,
    /// Receivables files: open receivables by aging bucket, credit limit and aging alerts
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub receivables: Vec<String>,
    /// Customers file: name, segment and credit_limit
    #[arg(long, value_name = "FILE")]
    pub customers: Option<String>,
    /// The date the page is as of; later orders are ignored (default: the last order date, said on stderr)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Day>,
    /// Page format (default: html when -o ends in .html or .htm, else text)
    #[arg(long, value_enum)]
    pub format: Option<ProfileFormat>,
    /// Write the page to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No notes on stderr
    #[arg(short, long)]
    pub quiet: bool,
}
