//! One resolution step: the command line over kam.toml over the defaults gives typed
//! settings for each table a command reads (ripgrep's low-level/high-level split:
//! `cli::ReadArgs` is what was typed, `Settings` what it means).
//!
//! Per table, first match wins: `--opt TABLE:VALUE`, then `--opt VALUE` (for `--col`:
//! only on the command's main input), then kam.toml `[input.TABLE]` / `[columns.TABLE]`,
//! then `[input]` / `[columns]`, then the default (src/defaults.rs). docs/cli.md.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use polars::prelude::DataType;

use crate::cli::ReadArgs;
use crate::config::Config;
use crate::defaults;
use crate::error::bad_input;
use crate::input::sources::ReadSettings;
use crate::input::values::{money_type, DateOrder, ParseSettings};
use crate::input::{roles, InputOptions};
use crate::metrics::abc::Thresholds;
use crate::metrics::scorecard::{ScoreParams, Tiers, Weights};
use crate::tables::{Encoding, TableKind};
use crate::values::{Delimiter, MoneyScale, Scoped};

/// How every table of one run is read, and the run-wide input rules.
pub struct Settings {
    /// The table of the command's FILE arguments: unscoped `--col` maps its columns.
    pub main: TableKind,
    tables: HashMap<TableKind, TableSettings>,
    pub skip_bad_rows: bool,
    pub dedupe: bool,
    pub currency: Option<String>,
    pub fx: Option<PathBuf>,
    pub quiet: bool,
    pub config: Config,
}

/// How one table is read.
#[derive(Clone)]
pub struct TableSettings {
    pub read: ReadSettings,
    pub parse: ParseSettings,
    pub decimal_comma: bool,
    /// role name -> header
    pub columns: HashMap<String, String>,
}

/// The last value given for `table` on the command line, else the last unscoped one.
fn pick<T: Clone>(given: &[Scoped<T>], table: TableKind) -> Option<T> {
    let scoped = given.iter().rev().find(|s| s.table == Some(table));
    let plain = || given.iter().rev().find(|s| s.table.is_none());
    scoped.or_else(plain).map(|s| s.value.clone())
}

/// A kam.toml string read with the option's own parser.
fn from_config<T: std::str::FromStr<Err = String>>(value: Option<&String>, key: &str, section: &str) -> anyhow::Result<Option<T>> {
    value
        .map(|v| v.parse::<T>().map_err(|e| bad_input(format!("kam.toml [{section}] {key}: {e}"))))
        .transpose()
}

impl Settings {
    /// Resolve the options of a command whose FILE arguments are `main` files.
    pub fn resolve(args: &ReadArgs, main: TableKind, quiet: bool) -> anyhow::Result<Settings> {
        let config = Config::load(args.config.as_deref())?;
        let mut tables = HashMap::new();
        for table in TableKind::ALL {
            tables.insert(table, table_settings(args, &config, table, table == main)?);
        }
        let currency = match &args.currency {
            Some(code) if code.trim().is_empty() => return Err(bad_input("--currency takes a currency code, e.g. --currency CNY")),
            Some(code) => Some(code.trim().to_uppercase()),
            None => None,
        };
        Ok(Settings {
            main,
            tables,
            skip_bad_rows: args.skip_bad_rows,
            dedupe: args.dedupe,
            currency,
            fx: args.fx.clone(),
            quiet,
            config,
        })
    }

    pub fn table(&self, table: TableKind) -> &TableSettings {
        &self.tables[&table]
    }

    /// What the input layer needs to read `files` as `table`.
    pub fn input(&self, table: TableKind, files: &[String]) -> InputOptions {
        let t = self.table(table);
        InputOptions {
            inputs: files.to_vec(),
            read: t.read.clone(),
            parse: t.parse.clone(),
            decimal_comma: t.decimal_comma,
            columns: t.columns.clone(),
            skip_bad_rows: self.skip_bad_rows,
            dedupe: self.dedupe,
            currency: self.currency.clone(),
            fx: self.fx.clone(),
            quiet: self.quiet,
            scope: (table != self.main).then(|| table.name()),
        }
    }

    /// ABC thresholds: the option, else kam.toml `[abc] thresholds`, else the default.
    pub fn thresholds(&self, given: Option<Thresholds>) -> anyhow::Result<Thresholds> {
        or_config(given, self.config.abc.thresholds.as_deref(), "abc", "thresholds", defaults::THRESHOLDS)
    }

    /// The scorecard's settings as of `as_of`: weights and tiers from the options, else
    /// kam.toml `[scorecard]`, else the defaults.
    pub fn score_params(&self, as_of: NaiveDate, weights: Option<Weights>, tiers: Option<Tiers>) -> anyhow::Result<ScoreParams> {
        let sc = &self.config.scorecard;
        let mut p = ScoreParams::new(as_of);
        p.weights = or_config(weights, sc.weights.as_deref(), "scorecard", "weights", defaults::WEIGHTS)?;
        p.tiers = or_config(tiers, sc.tiers.as_deref(), "scorecard", "tiers", defaults::TIERS)?;
        Ok(p)
    }

    /// The money type of `table`'s amounts.
    pub fn money_type(&self, table: TableKind) -> DataType {
        money_type(self.table(table).parse.money_scale)
    }
}

/// An option's value, else kam.toml's (read with the option's parser), else the default.
fn or_config<T: std::str::FromStr<Err = String>>(given: Option<T>, config: Option<&str>, section: &str, key: &str, default: &str) -> anyhow::Result<T> {
    if let Some(v) = given {
        return Ok(v);
    }
    match config {
        Some(text) => text.parse().map_err(|e| bad_input(format!("kam.toml [{section}] {key}: {e}"))),
        None => Ok(default.parse().expect("a valid default")),
    }
}

fn table_settings(args: &ReadArgs, config: &Config, table: TableKind, is_main: bool) -> anyhow::Result<TableSettings> {
    let name = table.name();
    let common = &config.input.common;
    let own = config.input.table(table);
    // kam.toml: [input.TABLE] over [input], each read with the option's own parser.
    macro_rules! setting {
        ($field:ident, $ty:ty) => {{
            match pick(&args.$field, table) {
                Some(v) => Some(v),
                None => {
                    let (value, section) = match own.and_then(|c| c.$field.as_ref()) {
                        Some(v) => (Some(v.text()), format!("input.{name}")),
                        None => (common.$field.as_ref().map(|v| v.text()), "input".to_string()),
                    };
                    from_config::<$ty>(value.as_ref(), stringify!($field), &section)?
                }
            }
        }};
    }
    let encoding: Option<Encoding> = setting!(encoding, Encoding);
    let delimiter: Option<Delimiter> = setting!(delimiter, Delimiter);
    let money_scale: Option<MoneyScale> = setting!(money_scale, MoneyScale);
    let date_order: Option<DateOrder> = setting!(date_order, DateOrder);
    let date_format = setting!(date_format, crate::values::Text).map(|t| t.0);
    let sheet = setting!(sheet, crate::values::Text).map(|t| t.0);
    let header_row = setting!(header_row, crate::values::LineNumber).map(|n| n.0);
    let format = pick(&args.input_format, table);

    // Columns: kam.toml first, then the command line over it.
    let mut columns = config.columns_for(name);
    for role in columns.keys() {
        roles::check_known(role, &format!("kam.toml [columns.{name}]"))?;
    }
    let mut mapped: Vec<(String, String)> = vec![];
    for s in &args.columns {
        if s.table == Some(table) || (s.table.is_none() && is_main) {
            mapped.push((s.value.role.clone(), s.value.header.clone()));
        }
    }
    for (role, header) in mapped {
        let shown = if is_main { format!("--col {role}={header}") } else { format!("--col {name}:{role}={header}") };
        roles::check_known(&role, &shown)?;
        columns.insert(role, header);
    }
    let decimal_comma = args.decimal_comma;
    Ok(TableSettings {
        read: ReadSettings { format, delimiter: delimiter.map(|d| d.0), encoding: encoding.unwrap_or_default(), sheet, header_row },
        parse: ParseSettings {
            money_scale: money_scale.map_or(defaults::MONEY_SCALE, |m| m.0),
            date_format,
            date_order,
            decimal_comma,
        },
        decimal_comma,
        columns,
    })
}

/// The one `--as-of` rule of every command: the date given, else the last date in the
/// data (of the orders, or of the invoices where a command reads no orders), said on
/// stderr so a cron log shows which day a report is for.
pub fn as_of_or_last(given: Option<NaiveDate>, last: impl FnOnce() -> anyhow::Result<NaiveDate>, what: &str, quiet: bool) -> anyhow::Result<NaiveDate> {
    if let Some(d) = given {
        return Ok(d);
    }
    let d = last()?;
    if !quiet {
        eprintln!("kam: note: no --as-of: as of {d}, the last {what} in the data.");
    }
    Ok(d)
}
