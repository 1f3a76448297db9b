//! `kam receivables`: aging buckets, credit limits, DSO and the company warning line.

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;

use crate::cli::{InputArgs, ReceivablesArgs};
use crate::config::Config;
use crate::error::bad_input;
use crate::input::Request;

use super::shared::{load_orders, load_table, money_type, parse_share, parse_total_assets, require_as_of, with_missing};
use crate::metrics::receivables::{self as metric, AgingParams, Buckets};
use crate::output;
use crate::period::Period;

/// Days in the DSO period when `--from` is not given.
pub const DSO_DEFAULT_DAYS: i64 = 90;

/// Receivables with every role present, open amounts as of `as_of`.
pub(crate) fn load_receivables(
    args: &InputArgs,
    config: &Config,
    inputs: &[String],
    quiet: bool,
) -> anyhow::Result<LazyFrame> {
    let request = Request::receivables()
        .require(&["customer_id", "invoice_id", "invoice_date", "due_date", "amount"])
        .optional(&["paid_amount", "open_amount", "paid_date"]);
    let frame = load_table(args, config, inputs, &request, quiet)?;
    let money = money_type(args, config);
    Ok(with_missing(
        frame,
        &[("paid_amount", money.clone()), ("open_amount", money), ("paid_date", DataType::Date)],
    ))
}

/// Credit limits from `--customers`, or an empty table.
pub(crate) fn load_limits(args: &InputArgs, config: &Config, customers: Option<&str>, quiet: bool) -> anyhow::Result<LazyFrame> {
    let money = money_type(args, config);
    let Some(file) = customers else {
        let empty = DataFrame::new(
            0,
            vec![
                Column::new_empty("customer_id".into(), &DataType::String),
                Column::new_empty("credit_limit".into(), &money),
            ],
        )?;
        return Ok(empty.lazy());
    };
    let request = Request::customers().require(&["customer_id"]).optional(&["credit_limit"]);
    let frame = load_table(args, config, &[file.to_string()], &request, quiet)?;
    Ok(metric::limits(with_missing(frame, &[("credit_limit", money)])))
}

/// The DSO period: `--from` (default: 90 days ending at the end) to `--to` or `--as-of`.
pub(crate) fn dso_period(period: &Period, as_of: NaiveDate) -> anyhow::Result<(NaiveDate, NaiveDate, i64)> {
    let to = period.to.unwrap_or(as_of);
    if to > as_of {
        return Err(bad_input(format!("--to {to} is after --as-of {as_of}: the DSO period must end by the as-of date")));
    }
    let from = period.from.unwrap_or(to - chrono::Duration::days(DSO_DEFAULT_DAYS - 1));
    Ok((from, to, (to - from).num_days() + 1))
}


/// Everything the aging report needs, shared with `kam alerts`.
pub(crate) struct AgingInputs<'a> {
    pub input: &'a InputArgs,
    pub config: &'a Config,
    pub receivables: &'a [String],
    pub customers: Option<&'a str>,
    pub orders: &'a [String],
    pub period: Period,
    pub as_of: NaiveDate,
    pub buckets: Buckets,
    pub total_assets: Option<Decimal>,
    pub warning_share: Decimal,
    pub quiet: bool,
}

/// The aging table (customers and the Total line), and a note saying where credit sales came from.
pub(crate) fn aging_table(a: &AgingInputs) -> anyhow::Result<(DataFrame, String)> {
    let receivables = load_receivables(a.input, a.config, a.receivables, a.quiet)?;
    let limits = load_limits(a.input, a.config, a.customers, a.quiet)?;
    let (from, to, days) = dso_period(&a.period, a.as_of)?;
    let (sales, source) = if a.orders.is_empty() {
        (metric::credit_sales(receivables.clone(), "invoice_date", from, to), "receivables invoiced")
    } else {
        let orders = load_orders(a.input, a.config, a.orders, a.quiet, vec![])?;
        (metric::credit_sales(orders.lazy(), "order_date", from, to), "order lines")
    };
    let items = metric::open_items(receivables, a.as_of, &a.buckets);
    let params = AgingParams {
        buckets: a.buckets.clone(),
        period_days: days,
        total_assets: a.total_assets,
        warning_share: a.warning_share,
        money: money_type(a.input, a.config),
    };
    let table = metric::aging(items, sales, limits, &params).collect()?;
    if table.height() <= 1 {
        return Err(bad_input(format!("no invoices dated on or before {}", a.as_of)));
    }
    let note = format!("DSO over {from} to {to} ({days} days), credit sales = {source} in that period");
    Ok((table, note))
}

pub fn run(args: ReceivablesArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let as_of = require_as_of(&period, "receivables")?;
    let buckets = Buckets::parse(&args.buckets)?;
    let total_assets = parse_total_assets(args.total_assets.as_deref())?;
    let inputs = AgingInputs {
        input: &args.input,
        config: &config,
        receivables: &args.input.inputs,
        customers: args.customers.as_deref(),
        orders: &args.orders,
        period,
        as_of,
        buckets,
        total_assets,
        warning_share: parse_share("--warning-line", &args.warning_line)?,
        quiet,
    };
    let (mut table, note) = aging_table(&inputs)?;
    if !quiet {
        eprintln!("Receivables as of {as_of}: {note}.");
        let over = table.column("over_limit")?.bool()?.sum().unwrap_or(0);
        if over > 0 {
            eprintln!("kam: warning: {over} customer(s) over their credit limit (over_limit = true).");
        }
    }
    if let Some(line) = warning_line_note(&table, &inputs)? {
        eprintln!("{line}");
    }
    output::write(&mut table, &args.output)
}

/// The company warning line, as a sentence for stderr, when it is crossed.
pub(crate) fn warning_line_note(table: &DataFrame, a: &AgingInputs) -> anyhow::Result<Option<String>> {
    let Some(assets) = a.total_assets else { return Ok(None) };
    let last = table.height() - 1;
    let over = matches!(table.column("over_warning_line")?.get(last)?, AnyValue::Boolean(true));
    if !over {
        return Ok(None);
    }
    let open = output::cell_text(&table.column("open_total")?.get(last)?, 2);
    let share = table.column("assets_share")?.f64()?.get(last).unwrap_or(f64::NAN);
    Ok(Some(format!(
        "kam: warning: open receivables {open} are {:.1}% of total assets {assets}, above the warning line of {}% (赊销警戒线).",
        share * 100.0,
        (a.warning_share * Decimal::ONE_HUNDRED).normalize()
    )))
}
