//! `kam.toml`: column mappings and input defaults kept next to the data.
//!
//! ```toml
//! [input]              # every table
//! delimiter = ";"
//! encoding = "gbk"
//! money_scale = 2
//! date_format = "%d.%m.%Y"
//!
//! [input.receivables]  # one table: delimiter, encoding, money_scale, date_format,
//! encoding = "utf8"    # date_order, sheet, header_row
//!
//! [columns]            # role = header, for every table
//! amount = "金额"
//!
//! [columns.inventory]  # only for the inventory table
//! value = "库存金额"
//!
//! [abc]
//! thresholds = "0.75,0.20"
//!
//! [scorecard]
//! weights = "sales=0.3,clv=0.2"
//! tiers = "70,50,30"
//!
//! [report]
//! orders = ["exports/orders-*.csv"]
//! receivables = ["exports/ar.csv"]
//! customers = "exports/customers.csv"
//! lang = "zh"          # report.html / report.xlsx language (zh or en)
//! ```
//! Options on the command line win over the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::error::bad_input;
use crate::tables::TableKind;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub input: InputConfig,
    #[serde(default)]
    pub columns: HashMap<String, toml::Value>,
    #[serde(default)]
    pub abc: AbcConfig,
    #[serde(default)]
    pub scorecard: ScorecardConfig,
    #[serde(default)]
    pub report: ReportConfig,
}

/// `[scorecard]`: weights and tier cut-offs (the options win).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardConfig {
    /// e.g. "sales=0.3,gross_profit=0.2,growth=0.1,regularity=0.15,payment=0.1,clv=0.15"
    pub weights: Option<String>,
    /// e.g. "70,50,30": key, major and regular cut-offs of the score
    pub tiers: Option<String>,
}

/// `[report]`: the inputs of `kam report` (the options win).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    #[serde(default)]
    pub orders: Vec<String>,
    #[serde(default)]
    pub inventory: Vec<String>,
    #[serde(default)]
    pub receivables: Vec<String>,
    pub customers: Option<String>,
    pub plan: Option<String>,
    pub total_assets: Option<String>,
    /// "zh" or "en"; unset: from the order headers.
    pub lang: Option<String>,
}

/// A kam.toml value that may be written as text or as a number (`money_scale = 2`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ConfigText {
    Text(String),
    Number(i64),
}

impl ConfigText {
    pub fn text(&self) -> String {
        match self {
            ConfigText::Text(s) => s.clone(),
            ConfigText::Number(n) => n.to_string(),
        }
    }
}

/// How files are read: `[input]` for every table, `[input.TABLE]` for one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadConfig {
    pub delimiter: Option<ConfigText>,
    pub encoding: Option<ConfigText>,
    pub money_scale: Option<ConfigText>,
    pub date_format: Option<ConfigText>,
    pub date_order: Option<ConfigText>,
    pub sheet: Option<ConfigText>,
    pub header_row: Option<ConfigText>,
}

/// `[input]`: the settings of every table, and `[input.TABLE]` sections over them.
#[derive(Debug, Default)]
pub struct InputConfig {
    pub common: ReadConfig,
    pub tables: HashMap<TableKind, ReadConfig>,
}

impl<'de> Deserialize<'de> for InputConfig {
    /// The keys named like a table are that table's section; the rest are `[input]`'s
    /// own, read (as each section is) with unknown keys refused.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<InputConfig, D::Error> {
        let mut keys = toml::Table::deserialize(deserializer)?;
        let mut tables = HashMap::new();
        for kind in TableKind::ALL {
            if let Some(section) = keys.remove(kind.name()) {
                tables.insert(kind, ReadConfig::deserialize(section).map_err(serde::de::Error::custom)?);
            }
        }
        let common = ReadConfig::deserialize(toml::Value::Table(keys)).map_err(serde::de::Error::custom)?;
        Ok(InputConfig { common, tables })
    }
}

impl InputConfig {
    /// `[input.TABLE]`, when kam.toml has it.
    pub fn table(&self, table: TableKind) -> Option<&ReadConfig> {
        self.tables.get(&table)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbcConfig {
    pub thresholds: Option<String>,
}

impl Config {
    /// Load `--config FILE`, or `kam.toml` in the current directory if it exists.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Config> {
        let path: PathBuf = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new("kam.toml").exists() => PathBuf::from("kam.toml"),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| bad_input(format!("{}: invalid configuration: {e}", path.display())))
    }

    /// Column mappings (role -> header) for one table: `[columns]` entries that are
    /// strings, overridden by those in `[columns.<table>]`.
    pub fn columns_for(&self, table: &str) -> HashMap<String, String> {
        let mut map: HashMap<String, String> = self
            .columns
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect();
        if let Some(toml::Value::Table(t)) = self.columns.get(table) {
            for (k, v) in t {
                if let Some(s) = v.as_str() {
                    map.insert(k.clone(), s.to_string());
                }
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_specific_columns_override_global_ones() {
        let cfg: Config = toml::from_str(
            "[columns]\namount = \"金额\"\ncost = \"成本\"\n[columns.inventory]\namount = \"x\"\nvalue = \"库存金额\"\n",
        )
        .unwrap();
        let orders = cfg.columns_for("orders");
        assert_eq!(orders["amount"], "金额");
        assert!(!orders.contains_key("value"));
        let inv = cfg.columns_for("inventory");
        assert_eq!(inv["amount"], "x");
        assert_eq!(inv["value"], "库存金额");
        assert_eq!(inv["cost"], "成本");
    }

    #[test]
    fn input_sections_per_table_and_unknown_keys() {
        let cfg: Config = toml::from_str("[input]\nencoding = \"gbk\"\nmoney_scale = 3\n[input.receivables]\nencoding = \"utf8\"\n").unwrap();
        assert_eq!(cfg.input.common.encoding.as_ref().map(ConfigText::text).as_deref(), Some("gbk"));
        assert_eq!(cfg.input.common.money_scale.as_ref().map(ConfigText::text).as_deref(), Some("3"));
        let ar = cfg.input.table(TableKind::Receivables).unwrap();
        assert_eq!(ar.encoding.as_ref().map(ConfigText::text).as_deref(), Some("utf8"));
        assert!(cfg.input.table(TableKind::Orders).is_none());
        for bad in ["[input]\nencodng = \"gbk\"\n", "[input.receivables]\ncolour = 1\n"] {
            assert!(toml::from_str::<Config>(bad).is_err(), "{bad}");
        }
    }
}
