//! `kam credit`: suggested credit limits from ABC class and payment history.

use polars::prelude::*;

use crate::cli::CreditArgs;
use crate::config::Config;
use crate::error::bad_input;
use crate::metrics::abc::Thresholds;
use crate::metrics::credit::{self as metric, CreditParams};
use crate::output;
use crate::period::Period;

use super::receivables::{load_limits, load_receivables};
use super::shared::{last_order_date, load_orders, money_type};

/// Days of sales behind the monthly average when `--from` is not given.
pub const CREDIT_DEFAULT_DAYS: i64 = 365;

pub fn run(args: CreditArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let thresholds = match args.thresholds.as_deref().or(config.abc.thresholds.as_deref()) {
        Some(t) => Thresholds::parse(t)?,
        None => Thresholds::default(),
    };
    for (name, v) in [
        ("--b-months", args.b_months),
        ("--c-months", args.c_months),
        ("--grace-days", args.grace_days),
        ("--cash-days", args.cash_days),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad_input(format!("{name} must be a number >= 0")));
        }
    }
    if !(0.0..=1.0).contains(&args.late_factor) {
        return Err(bad_input("--late-factor must be between 0 and 1"));
    }
    if args.cash_days < args.grace_days {
        return Err(bad_input("--cash-days must be at least --grace-days"));
    }
    let orders = load_orders(&args.input, &config, &args.input.inputs, quiet, vec![])?;
    // As of: --as-of, else --to, else the last order date.
    let as_of = match period.as_of.or(period.to) {
        Some(d) => d,
        None => last_order_date(&orders)?,
    };
    let to = period.to.unwrap_or(as_of);
    let from = period.from.unwrap_or(to - chrono::Duration::days(CREDIT_DEFAULT_DAYS - 1));
    let period_days = (to - from).num_days() + 1;
    let in_period = Period { from: Some(from), to: Some(to), as_of: Some(as_of) }.filter(orders.lazy(), "order_date");
    let receivables = load_receivables(&args.input, &config, &args.receivables, quiet)?;
    let limits = load_limits(&args.input, &config, args.customers.as_deref(), quiet)?;
    let params = CreditParams {
        as_of,
        period_days,
        thresholds,
        b_months: args.b_months,
        c_months: args.c_months,
        grace_days: args.grace_days,
        late_factor: args.late_factor,
        cash_days: args.cash_days,
        review_days: args.review_days,
        money: money_type(&args.input, &config),
    };
    let mut table = metric::suggest(in_period, receivables, limits, &params).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no order lines from {from} to {to}")));
    }
    if !quiet {
        eprintln!(
            "Credit limits as of {as_of}: sales {from} to {to} ({period_days} days), monthly = sales / {period_days} x 30; \
             A unlimited, B {} months, C {} months of sales; late payers (> {} days on average) x{}, over {} days cash only. See docs/credit.md.",
            args.b_months, args.c_months, args.grace_days, args.late_factor, args.cash_days
        );
    }
    output::write(&mut table, &args.output)
}
