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
