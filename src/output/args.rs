//! The output options of every command that writes a table: clap's group, defined
//! beside the writer that reads it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
    /// Only these columns, in this order (any format), e.g. --columns customer_id,customer_name,sales
    #[arg(long = "columns", value_name = "A,B,C", value_delimiter = ',')]
    pub only_columns: Vec<String>,
    /// Only the first N rows (any format). A table on a terminal shows as many rows as fit the window
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub limit: Option<usize>,
    /// On a terminal, every row (pipes and files always get every row)
    #[arg(long)]
    pub all: bool,
    /// CSV/TSV: start with a UTF-8 byte-order mark, so that Excel reads Chinese text right
    #[arg(long)]
    pub bom: bool,
    /// CSV/TSV: the text encoding of the file (gbk for older Excel on Chinese Windows)
    #[arg(long, value_enum, value_name = "ENCODING", default_value_t = OutputEncoding::Utf8)]
    pub output_encoding: OutputEncoding,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputEncoding {
    #[default]
    Utf8,
    Gbk,
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
    /// An Excel workbook: money as numbers with a money format, dates as dates
    Xlsx,
}
