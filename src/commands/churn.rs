//! `kam churn`: churn status and sales-progress flags per customer as of a date.

use chrono::Datelike;
use polars::prelude::*;

use crate::cli::{ChurnArgs, ChurnOptions, InputArgs};
use crate::config::Config;
use crate::error::bad_input;
use crate::input::{roles, Request};
use crate::metrics::churn::{self as metric, ChurnParams, Windows};
use crate::output;
use crate::period::Period;

use super::shared::{load_orders, load_table, money_type, parse_share, reject_range, require_as_of};

/// Build the rule settings from the options.
pub(crate) fn params(o: &ChurnOptions, input: &InputArgs, config: &Config, as_of: chrono::NaiveDate) -> anyhow::Result<ChurnParams> {
    if !(o.gap_multiple > 0.0 && o.gap_multiple.is_finite()) {
        return Err(bad_input("--gap-multiple must be a positive number (e.g. 2)"));
    }
    if o.churn_days <= 0 {
        return Err(bad_input("--churn-days must be a positive number of days"));
    }
    if o.period_months == 0 || o.period_months > 12 {
        return Err(bad_input("--period-months must be between 1 and 12"));
    }
    let drop = parse_share("--drop", &o.drop)?;
    if drop >= rust_decimal::Decimal::ONE {
        return Err(bad_input("--drop must be below 1 (e.g. 0.20 or 20%)"));
    }
    Ok(ChurnParams {
        as_of,
        k: o.gap_multiple,
        churn_days: o.churn_days,
        drop,
        windows: Windows::new(as_of, o.period_months),
        money: money_type(input, config),
    })
}

/// The churn table for `orders` files (and an optional plan file).
pub(crate) fn churn_table(input: &InputArgs, config: &Config, orders: &[String], o: &ChurnOptions, as_of: chrono::NaiveDate, quiet: bool) -> anyhow::Result<(DataFrame, ChurnParams)> {
    let p = params(o, input, config, as_of)?;
    let lines = load_orders(input, config, orders, quiet, vec!["order_id"])?;
    let has_order_id = lines.get_column_index("order_id").is_some();
    let plan = match &o.plan {
        Some(file) => {
            let request = Request {
                table: "plan",
                roles: roles::PLAN,
                required: vec!["customer_id", "period", "planned_amount"],
                optional: vec![],
                extra: vec![],
            };
            Some(load_table(input, config, std::slice::from_ref(file), &request, quiet)?.lazy())
        }
        None => None,
    };
    let table = metric::churn(lines.lazy(), plan, has_order_id, &p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no orders on or before {as_of}")));
    }
    Ok((table, p))
}

pub fn run(args: ChurnArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let as_of = require_as_of(&period, "churn")?;
    reject_range(&period, "churn")?;
    let (mut table, p) = churn_table(&args.input, &config, &args.input.inputs, &args.rules, as_of, quiet)?;
    if !quiet {
        let count = |s: &str| -> anyhow::Result<usize> {
            Ok(table.column("status")?.str()?.iter().filter(|v| *v == Some(s)).count())
        };
        let w = p.windows;
        eprintln!(
            "Churn as of {as_of}: {} active, {} at risk, {} churned. Period {} to {}, compared with {} to {} and {} to {}.",
            count("active")?,
            count("at_risk")?,
            count("churned")?,
            w.current.0,
            w.current.1,
            w.previous.0,
            w.previous.1,
            w.last_year.0,
            w.last_year.1
        );
        if (as_of + chrono::Duration::days(1)).day() != 1 {
            eprintln!("Note: {as_of} is not a month end, so this period is month to date and so are the periods it is compared with.");
        }
    }
    output::write(&mut table, &args.output)
}
