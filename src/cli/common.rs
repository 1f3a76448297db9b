//! Option groups shared by the commands: the input files, how tables are read, the
//! period and the output. Values are typed (src/values.rs): a bad one is a usage error.

use std::path::PathBuf;

use clap::Args;

use crate::input::values::DateOrder;
use crate::period::Period;
use crate::tables::{Encoding, InputFormat};
use crate::values::{ColumnMapping, Day, Delimiter, LineNumber, MoneyScale, Scoped, Text};

/// The command's own input files, and how tables are read.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Input files: paths, globs ('data/*.csv') or '-' for stdin
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How tables are read. Each option may name the table it is for, `TABLE:VALUE`
/// (orders, inventory, receivables, customers, plan, expenses); without a table it is
/// for every table, except `--col`, which is then for the command's FILE arguments.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// Map a role to a column header, e.g. --col amount=金额 or --col receivables:invoice_id=发票号 (repeatable)
    #[arg(long = "col", value_name = "[TABLE:]ROLE=HEADER")]
    pub columns: Vec<Scoped<ColumnMapping>>,
    /// Text encoding of CSV input: utf8 or gbk (default utf8), e.g. --encoding gbk or --encoding receivables:gbk
    #[arg(long, value_name = "[TABLE:]ENC")]
    pub encoding: Vec<Scoped<Encoding>>,
    /// CSV field delimiter, one character or 'tab' (default: detected from the header line)
    #[arg(long, value_name = "[TABLE:]CHAR")]
    pub delimiter: Vec<Scoped<Delimiter>>,
    /// Input format when the extension does not tell: csv, tsv, parquet, ndjson, excel (default: from the content)
    #[arg(long, value_name = "[TABLE:]FORMAT")]
    pub input_format: Vec<Scoped<InputFormat>>,
    /// Force one date format (chrono syntax, e.g. %d.%m.%Y)
    #[arg(long, value_name = "[TABLE:]FMT")]
    pub date_format: Vec<Scoped<Text>>,
    /// Day-first or month-first for dates like 05/03/2024: dmy or mdy (default: settled per column where a day is above 12)
    #[arg(long, value_name = "[TABLE:]dmy|mdy")]
    pub date_order: Vec<Scoped<DateOrder>>,
    /// Decimal places kept for money, 0 to 12 (default 2); a value with more is an error, not rounded
    #[arg(long, value_name = "[TABLE:]N")]
    pub money_scale: Vec<Scoped<MoneyScale>>,
    /// Workbook sheet to read, by name or number from 1 (default: the first visible sheet with a header kam recognises)
    #[arg(long, value_name = "[TABLE:]NAME|N")]
    pub sheet: Vec<Scoped<Text>>,
    /// The header is on this line / sheet row, from 1 (default: found by scoring the first rows)
    #[arg(long, value_name = "[TABLE:]N")]
    pub header_row: Vec<Scoped<LineNumber>>,
    /// ',' is the decimal separator in amounts (default: detected in files with ';' between fields)
    #[arg(long)]
    pub decimal_comma: bool,
    /// Skip rows with unreadable values (counted on stderr) instead of stopping
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Drop lines that are exact copies of lines in an earlier input file (overlapping exports)
    #[arg(long)]
    pub dedupe: bool,
    /// Keep only the lines in this currency, when the file has a currency column
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Convert amounts to the reporting currency with the rates in FILE (CSV: currency,rate)
    #[arg(long, value_name = "FILE")]
    pub fx: Option<PathBuf>,
    /// Configuration file (default: kam.toml in the current directory, if any)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl PeriodArgs {
    pub fn period(&self) -> anyhow::Result<Period> {
        Period::new(self.from.map(|d| d.0), self.to.map(|d| d.0), self.as_of.map(|d| d.0))
    }
}

/// The period analysed. Dates are inclusive: 2024-06-30, 2024/6/30 or 20240630.
#[derive(Args, Debug, Clone, Default)]
pub struct PeriodArgs {
    /// First day of the period (inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<Day>,
    /// Last day of the period (inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<Day>,
    /// The date the run is "as of"; data after it is ignored (default: the last order date, said on stderr)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Day>,
}
