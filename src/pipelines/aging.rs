//! The aging table (customers and the Total line) from receivables, credit limits and
//! credit sales: `kam receivables`, and the receivables part of alerts, scorecard and
//! the report.

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;

use super::{load, orders, with_missing, with_missing_lazy};
use crate::defaults;
use crate::error::bad_input;
use crate::input::Request;
use crate::metrics::credit;
use crate::metrics::receivables::{self as metric, AgingParams, Buckets};
use crate::output;
use crate::period::Period;
use crate::settings::Settings;
use crate::tables::TableKind;

/// What the aging table is made of, besides the settings.
pub struct Aging<'a> {
    pub receivables: &'a [String],
    pub customers: Option<&'a str>,
    /// Order files: DSO credit sales from order lines instead of invoices.
    pub orders: &'a [String],
    pub period: Period,
    pub as_of: NaiveDate,
    pub buckets: Buckets,
    pub total_assets: Option<Decimal>,
    pub warning_share: Decimal,
}

impl<'a> Aging<'a> {
    /// The aging as of `as_of` with the default buckets and warning line (scorecard, report).
    pub fn standard(receivables: &'a [String], customers: Option<&'a str>, as_of: NaiveDate, total_assets: Option<Decimal>) -> Aging<'a> {
        Aging {
            receivables,
            customers,
            orders: &[],
            period: Period { from: None, to: Some(as_of), as_of: Some(as_of) },
            as_of,
            buckets: Buckets::default(),
            total_assets,
            warning_share: metric::default_warning_share(),
        }
    }
}

/// The receivables roles every invoice must have.
const REQUIRED: [&str; 5] = ["customer_id", "invoice_id", "invoice_date", "due_date", "amount"];

fn receivables_request() -> Request {
    Request::receivables()
        .require(&REQUIRED)
        .optional(&["paid_amount", "open_amount", "paid_date"])
}

fn optional_receivables_columns(s: &Settings) -> [(&'static str, DataType); 3] {
    let money = s.money_type(TableKind::Receivables);
    [("paid_amount", money.clone()), ("open_amount", money), ("paid_date", DataType::Date)]
}

/// Receivables with every role present.
pub fn receivables(s: &Settings, files: &[String]) -> anyhow::Result<LazyFrame> {
    let frame = load(s, TableKind::Receivables, files, &receivables_request())?;
    Ok(with_missing(frame, &optional_receivables_columns(s)))
}

/// The payment history of the receivables as of `as_of` (`kam credit`), from one
/// streamed pass that holds a row per customer. It reads the required roles, so that
/// totals rows and bad values are found as everywhere, and of the optional ones only
/// paid_date: paid_amount and open_amount, which the history does not use, are not
/// parsed. 10 M order lines' 5.5 M invoices: 0.98 -> 0.88 s (docs/PERFORMANCE.md).
pub fn payment_history(s: &Settings, files: &[String], as_of: NaiveDate) -> anyhow::Result<DataFrame> {
    let request = Request::receivables().require(&REQUIRED).optional(&["paid_date"]);
    crate::input::query(&s.input(TableKind::Receivables, files), &request, |frame| {
        Ok(credit::payment_history(with_missing_lazy(frame, &[("paid_date", DataType::Date)])?, as_of))
    })
}

/// Credit limits from the customers file, or an empty table.
pub fn limits(s: &Settings, customers: Option<&str>) -> anyhow::Result<LazyFrame> {
    let money = s.money_type(TableKind::Customers);
    let Some(file) = customers else {
        let empty = DataFrame::new(
            0,
            vec![Column::new_empty("customer_id".into(), &DataType::String), Column::new_empty("credit_limit".into(), &money)],
        )?;
        return Ok(empty.lazy());
    };
    let request = Request::customers().require(&["customer_id"]).optional(&["credit_limit"]);
    let frame = load(s, TableKind::Customers, &[file.to_string()], &request)?;
    Ok(metric::limits(with_missing(frame, &[("credit_limit", money)])))
}

/// The DSO period: `--from` (default: 90 days ending at the end) to `--to` or `--as-of`.
pub fn dso_period(period: &Period, as_of: NaiveDate) -> anyhow::Result<(NaiveDate, NaiveDate, i64)> {
    let to = period.to.unwrap_or(as_of);
    if to > as_of {
        return Err(bad_input(format!("--to {to} is after --as-of {as_of}: the DSO period must end by the as-of date")));
    }
    let from = period.from.unwrap_or(to - chrono::Duration::days(defaults::DSO_DAYS - 1));
    Ok((from, to, (to - from).num_days() + 1))
}

/// The aging table, and a note saying where credit sales came from, from one streamed
/// pass over the receivables that holds a row per customer (see [`table_and_payments`]).
pub fn table(s: &Settings, a: &Aging) -> anyhow::Result<(DataFrame, String)> {
    let (table, note, _) = streamed(s, a, false)?;
    Ok((table, note))
}

/// [`table`], and from the same pass each customer's payment history as of `a.as_of`
/// (metrics::credit::payment_history: the scorecard's payment component), so that the
/// report and the scorecard hold no invoices: they loaded the 5.5 M of 10 M generated
/// order lines and kept them to the scorecard (docs/PERFORMANCE.md).
pub fn table_and_payments(s: &Settings, a: &Aging) -> anyhow::Result<(DataFrame, String, DataFrame)> {
    let (table, note, history) = streamed(s, a, true)?;
    Ok((table, note, history.expect("the payment history was asked for")))
}

fn streamed(s: &Settings, a: &Aging, with_history: bool) -> anyhow::Result<(DataFrame, String, Option<DataFrame>)> {
    let (from, to, _) = dso_period(&a.period, a.as_of)?;
    let (mut frames, ()) = crate::input::query_all(&s.input(TableKind::Receivables, a.receivables), &receivables_request(), |frame| {
        let frame = with_missing_lazy(frame, &optional_receivables_columns(s))?;
        let (sums, sales) = sums_and_sales(frame.clone(), a, from, to);
        let mut plans = vec![sums];
        plans.extend(sales);
        if with_history {
            plans.push(credit::payment_history(frame, a.as_of));
        }
        Ok((plans, ()))
    })?;
    let history = with_history.then(|| frames.pop().expect("the payment history"));
    let sales = a.orders.is_empty().then(|| frames.pop().expect("the credit sales").lazy());
    let sums = frames.pop().expect("the open sums");
    let (table, note) = finish(s, a, sums.lazy(), sales)?;
    Ok((table, note, history))
}

/// The aging table of receivables already read (`kam receivables`, which also takes the
/// as-of date from them).
pub fn table_of(s: &Settings, a: &Aging, receivables: LazyFrame) -> anyhow::Result<(DataFrame, String)> {
    let (from, to, _) = dso_period(&a.period, a.as_of)?;
    let (sums, sales) = sums_and_sales(receivables, a, from, to);
    finish(s, a, sums, sales)
}

/// The open sums per customer of `receivables`, and their credit sales from `from` to
/// `to` where they come from the invoices (no order files in `a`).
fn sums_and_sales(receivables: LazyFrame, a: &Aging, from: NaiveDate, to: NaiveDate) -> (LazyFrame, Option<LazyFrame>) {
    let sales = a.orders.is_empty().then(|| metric::credit_sales(receivables.clone(), "invoice_date", from, to));
    (metric::open_sums(metric::open_items(receivables, a.as_of, &a.buckets), &a.buckets), sales)
}

/// The aging table from the open sums per customer and the credit sales of the
/// invoices (None: of the order files of `a`).
fn finish(s: &Settings, a: &Aging, sums: LazyFrame, invoiced: Option<LazyFrame>) -> anyhow::Result<(DataFrame, String)> {
    let limits = limits(s, a.customers)?;
    let (from, to, days) = dso_period(&a.period, a.as_of)?;
    let (sales, source) = match invoiced {
        Some(sales) => (sales, "receivables invoiced"),
        None => {
            let orders = orders::lines(s, a.orders, &[])?;
            (metric::credit_sales(orders.lazy(), "order_date", from, to), "order lines")
        }
    };
    let params = AgingParams {
        buckets: a.buckets.clone(),
        period_days: days,
        total_assets: a.total_assets,
        warning_share: a.warning_share,
        money: s.money_type(TableKind::Receivables),
    };
    let table = metric::aging(sums, sales, limits, &params).collect()?;
    if table.height() <= 1 {
        return Err(bad_input(format!("no invoices dated on or before {}", a.as_of)));
    }
    let note = format!("DSO over {from} to {to} ({days} days), credit sales = {source} in that period");
    Ok((table, note))
}

/// The company warning line, as a sentence for stderr, when it is crossed.
pub fn warning_line_note(table: &DataFrame, a: &Aging) -> anyhow::Result<Option<String>> {
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
