//! The tables kam reads and how a file of one is encoded: shared by the command line,
//! kam.toml, the settings and the input layer, so none of them imports another for it.

use clap::ValueEnum;

/// The six tables of kam's data model (docs/inputs.md).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    Orders,
    Inventory,
    Receivables,
    Customers,
    Plan,
    Expenses,
}

impl TableKind {
    pub const ALL: [TableKind; 6] =
        [TableKind::Orders, TableKind::Inventory, TableKind::Receivables, TableKind::Customers, TableKind::Plan, TableKind::Expenses];

    /// The table's name in options (`--col receivables:invoice_id=发票号`), kam.toml and messages.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Orders => "orders",
            TableKind::Inventory => "inventory",
            TableKind::Receivables => "receivables",
            TableKind::Customers => "customers",
            TableKind::Plan => "plan",
            TableKind::Expenses => "expenses",
        }
    }

    pub fn from_name(name: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|t| t.name() == name.trim().to_ascii_lowercase())
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Tsv,
    Parquet,
    Ndjson,
    /// .xlsx, .xlsm, .xlsb, .xls or .ods (told apart by the content)
    Excel,
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

impl std::str::FromStr for Encoding {
    type Err = String;

    /// kam.toml's `encoding = "gbk"` and `--encoding receivables:gbk`: the names clap takes.
    fn from_str(text: &str) -> Result<Encoding, String> {
        <Encoding as ValueEnum>::from_str(text.trim(), true).map_err(|_| format!("unknown encoding '{text}' (utf8 or gbk)"))
    }
}

impl std::str::FromStr for InputFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<InputFormat, String> {
        <InputFormat as ValueEnum>::from_str(text.trim(), true)
            .map_err(|_| format!("unknown input format '{text}' (csv, tsv, parquet, ndjson or excel)"))
    }
}
