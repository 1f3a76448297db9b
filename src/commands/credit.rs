//! `kam credit`: suggested credit limits from ABC class and payment history.

use polars::prelude::*;

use crate::cli::CreditArgs;
use crate::defaults;
use crate::error::bad_input;
use crate::metrics::credit::{self as metric, CreditParams};
use crate::output;
use crate::pipelines::names::{self, NameSources};
use crate::pipelines::{aging, orders};
use crate::settings::{self, Settings};
use crate::tables::TableKind;

pub fn run(args: CreditArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    let thresholds = settings.thresholds(args.thresholds)?;
    if args.cash_days < args.grace_days {
        return Err(bad_input("--cash-days must be at least --grace-days"));
    }
    // As of: --as-of, else --to, else the last order date (one more pass over the orders).
    let as_of = settings::as_of_or_last(period.as_of.or(period.to), || orders::last_order_date(&settings, &args.input.inputs), "order date", quiet)?;
    let to = period.to.unwrap_or(as_of);
    let from = period.from.unwrap_or(to - chrono::Duration::days(defaults::CREDIT_DAYS - 1));
    let period_days = (to - from).num_days() + 1;
    // Per customer, streamed: the orders and invoices are not held (issue 20).
    let customers = orders::period_sales(&settings, &args.input.inputs, from, to)?;
    let names = NameSources::with_order_names(&settings, args.customers.as_deref(), names::names_of_customers(&customers)?)?;
    let in_period = customers.lazy().filter(col("lines_in_period").gt(lit(0))).select([col("customer_id"), col("sales").alias("amount")]);
    let history = aging::payment_history(&settings, &args.receivables, as_of)?;
    let limits = aging::limits(&settings, args.customers.as_deref())?;
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
        money: settings.money_type(TableKind::Orders),
    };
    let mut table = names.beside_ids(metric::suggest(in_period, history.lazy(), limits, &params).collect()?)?;
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
