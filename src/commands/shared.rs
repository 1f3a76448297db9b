//! Input plumbing and option parsing shared by several commands: reading a
//! secondary table with the main input settings, typed empty columns for
//! optional roles, `--as-of` rules, money and share options.

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;

use crate::cli::InputArgs;
use crate::config::Config;
use crate::error::bad_input;
use crate::input::{self, InputOptions, Request};
use crate::period::Period;

/// The date in the first row of `column`, if there is one.
pub(crate) fn first_date(frame: &DataFrame, column: &str) -> anyhow::Result<Option<NaiveDate>> {
    Ok(match frame.column(column)?.get(0) {
        Ok(AnyValue::Date(days)) => NaiveDate::from_num_days_from_ce_opt(days + 719_163), // 719,163: days from 0001-01-01 to 1970-01-01
        _ => None,
    })
}

/// The last order date of the orders (the end of the data when no --as-of is given).
pub(crate) fn last_order_date(orders: &DataFrame) -> anyhow::Result<NaiveDate> {
    let max = orders.clone().lazy().select([col("order_date").max()]).collect()?;
    first_date(&max, "order_date")?.ok_or_else(|| bad_input("the orders have no order dates"))
}

/// Read one table from `inputs` with the shared input options (`--col`, encoding, ...).
pub(crate) fn load_table(
    args: &InputArgs,
    config: &Config,
    inputs: &[String],
    request: &Request,
    quiet: bool,
) -> anyhow::Result<DataFrame> {
    let mut opts = InputOptions::new(args, config, request.table, quiet)?;
    opts.inputs = inputs.to_vec();
    input::load(&opts, request)
}

/// Add the optional roles a file did not have as typed null columns.
pub(crate) fn with_missing(frame: DataFrame, columns: &[(&str, DataType)]) -> LazyFrame {
    let missing: Vec<Expr> = columns
        .iter()
        .filter(|(name, _)| frame.get_column_index(name).is_none())
        .map(|(name, dtype)| lit(NULL).cast(dtype.clone()).alias(*name))
        .collect();
    let lf = frame.lazy();
    if missing.is_empty() {
        lf
    } else {
        lf.with_columns(missing)
    }
}

/// The money type used by the inputs of this run.
pub(crate) fn money_type(args: &InputArgs, config: &Config) -> DataType {
    let scale = args.money_scale.or(config.input.money_scale).unwrap_or(2);
    input::parse::money_type(scale)
}

/// `--as-of`, required by the warning commands.
pub(crate) fn require_as_of(period: &Period, command: &str) -> anyhow::Result<NaiveDate> {
    period
        .as_of
        .ok_or_else(|| bad_input(format!("{command} needs --as-of DATE (e.g. --as-of 2024-06-30): the day the report is for")))
}

/// Order lines (customer_id, amount, order_date) from `inputs`.
pub(crate) fn load_orders(args: &InputArgs, config: &Config, inputs: &[String], quiet: bool, optional: Vec<&'static str>) -> anyhow::Result<DataFrame> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(&optional);
    load_table(args, config, inputs, &request, quiet)
}

/// Parse a money option such as --total-assets exactly.
pub(crate) fn parse_amount(option: &str, text: &str) -> anyhow::Result<Decimal> {
    let cleaned: String = text.chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
    cleaned
        .parse::<Decimal>()
        .map_err(|_| bad_input(format!("{option}: '{text}' is not an amount (expected e.g. 5000000 or 5,000,000.00)")))
}

/// `--total-assets`, exact and positive, when given.
pub(crate) fn parse_total_assets(text: Option<&str>) -> anyhow::Result<Option<Decimal>> {
    let total_assets = text.map(|t| parse_amount("--total-assets", t)).transpose()?;
    if total_assets.is_some_and(|t| t <= Decimal::ZERO) {
        return Err(bad_input("--total-assets must be positive"));
    }
    Ok(total_assets)
}

/// --total-assets and --customers only mean something next to receivables.
pub(crate) fn require_receivables_for(receivables: &[String], total_assets: Option<Decimal>, customers: bool) -> anyhow::Result<()> {
    if receivables.is_empty() && (total_assets.is_some() || customers) {
        return Err(bad_input("--total-assets and --customers need --receivables FILE (open amounts come from receivables)"));
    }
    Ok(())
}

/// Parse a share such as 0.20 or 20%.
pub(crate) fn parse_share(option: &str, text: &str) -> anyhow::Result<Decimal> {
    let (digits, percent) = match text.trim().strip_suffix('%') {
        Some(d) => (d, true),
        None => (text.trim(), false),
    };
    let v: Decimal = digits
        .parse()
        .map_err(|_| bad_input(format!("{option}: '{text}' is not a share (expected e.g. 0.20 or 20%)")))?;
    let v = if percent { v / Decimal::ONE_HUNDRED } else { v };
    if v < Decimal::ZERO {
        return Err(bad_input(format!("{option}: the share cannot be negative ('{text}')")));
    }
    Ok(v.normalize())
}

/// Refuse --from/--to for commands whose periods are fixed by --as-of.
pub(crate) fn reject_range(period: &Period, command: &str) -> anyhow::Result<()> {
    if period.from.is_some() || period.to != period.as_of {
        return Err(bad_input(format!(
            "{command} does not use --from/--to: its periods are calendar months ending with the month of --as-of \
             (see --period-months)"
        )));
    }
    Ok(())
}
