//! Order lines as the per-customer commands read them.

use chrono::NaiveDate;
use polars::prelude::*;

use super::{last_date, load, with_missing};
use crate::metrics::names::first_in_row_order;
use crate::input::Request;
use crate::settings::{self, Settings};
use crate::tables::TableKind;

/// Order lines (order_date, customer_id, amount, and `optional` roles where present).
pub fn lines(s: &Settings, files: &[String], optional: &[&'static str]) -> anyhow::Result<DataFrame> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(optional);
    load(s, TableKind::Orders, files, &request)
}

/// What churn and alerts take from the orders: the lines with order_id as order days
/// without cost (see [`order_days`]), and the orders' first customer names
/// (customer_id, customer_name), None when they have no customer_name. Order days
/// instead of lines: 10 M lines, `kam churn` 8.8-11.4 -> 7.0 s, peak anonymous memory
/// 2,528 -> 1,184 MiB (docs/PERFORMANCE.md).
pub fn churn_order_days(s: &Settings, files: &[String]) -> anyhow::Result<(DataFrame, Option<DataFrame>)> {
    let ((days, names), _) = order_days::<()>(s, files, &["order_id", "customer_name"], &Request::orders(), &|_| Ok(None))?;
    Ok((days, names))
}

/// What the report's churn, CLV, scorecard, cohorts and headline, and `kam scorecard`,
/// take from the orders: the lines with order_id, cost and customer_name as order days
/// (see [`order_days`]), cost empty when the file has none; and the orders' first
/// customer names (customer_id, customer_name), None when they have no customer_name.
///
/// While the order days were a grouping, summing the lines cost more than it saved
/// churn alone and paid only here, with several consumers (the report 64.1 -> 57.9 s,
/// the scorecard 11.9 -> 11.0 s at 10 M lines); as runs of lines they pay for churn,
/// alerts and clv too ([`churn_order_days`], [`clv_order_days`]; docs/PERFORMANCE.md).
pub fn scored_order_days(s: &Settings, files: &[String]) -> anyhow::Result<(DataFrame, Option<DataFrame>)> {
    let ((days, names), _) = order_days::<()>(s, files, &SCORED, &Request::orders(), &|_| Ok(None))?;
    Ok((with_cost(s, days)?, names))
}

/// What `kam clv` takes from the orders: [`scored_order_days`], and from the same pass
/// the lines without cost per order date (order_date, lines_without_cost), for the
/// margin's note, which counts lines, not order days. Order days instead of lines: 10 M
/// lines, `kam clv` 9.7-10.5 -> 8.5-8.8 s, peak anonymous memory 2,959 -> 1,430 MiB
/// (docs/PERFORMANCE.md).
#[allow(clippy::type_complexity)]
pub fn clv_order_days(s: &Settings, files: &[String]) -> anyhow::Result<((DataFrame, Option<DataFrame>), DataFrame)> {
    let (days, without_cost, ()) = scored_order_days_and(s, files, &Request::orders(), &|lines| {
        let has_cost = lines.clone().collect_schema()?.contains("cost");
        let without = if has_cost { lines.filter(col("cost").is_null()) } else { lines };
        Ok((without.group_by([col("order_date")]).agg([len().cast(DataType::UInt32).alias("lines_without_cost")]), ()))
    })?;
    Ok((days, without_cost))
}

/// The lines without cost on or before `as_of`, from [`clv_order_days`]' counts per date.
pub fn lines_without_cost_up_to(per_date: &DataFrame, as_of: NaiveDate) -> anyhow::Result<u32> {
    let total = per_date.clone().lazy().filter(col("order_date").lt_eq(lit(as_of))).select([col("lines_without_cost").sum()]).collect()?;
    Ok(total.column("lines_without_cost")?.u32()?.get(0).unwrap_or(0))
}

/// Order days with a cost column, empty when the file has none.
fn with_cost(s: &Settings, days: DataFrame) -> anyhow::Result<DataFrame> {
    Ok(with_missing(days, &[("cost", s.money_type(TableKind::Orders))]).collect()?)
}

/// The roles of the order days besides order_date, customer_id and amount.
const SCORED: [&str; 3] = ["order_id", "cost", "customer_name"];

/// [`scored_order_days`], and `more`'s result over the same lines from the same pass,
/// with `more_roles` read too: the report's product sums, so that it reads the orders
/// once. `more` also returns how to finish its result.
pub fn scored_order_days_and<T>(
    s: &Settings,
    files: &[String],
    more_roles: &Request,
    more: &dyn Fn(LazyFrame) -> anyhow::Result<(LazyFrame, T)>,
) -> anyhow::Result<((DataFrame, Option<DataFrame>), DataFrame, T)> {
    let ((days, names), more) = order_days(s, files, &SCORED, more_roles, &|lines| more(lines).map(Some))?;
    let (frame, finish) = more.expect("the query of `more` ran");
    Ok(((with_cost(s, days)?, names), frame, finish))
}

/// The order lines summed in the same pass that reads them: a row per run of lines of
/// one customer, order (where the file has order_id), order date and presence of cost,
/// with the `amount` and `cost` sums; and, from the same pass, each customer's first
/// non-empty customer_name in file order (None without the column).
///
/// Every figure churn, CLV, the scorecard and the report take from lines comes out the
/// same from these rows: money sums, distinct orders and order days, each customer's
/// largest order, and "a line without cost" (such lines are rows of their own, with
/// cost empty). Where an export lists an order's lines together, as ERP exports do, a
/// run is an order day; where it does not, an order day is several rows, each with part
/// of its sums, which the consumers add up and count as one (their figures do not
/// change: 2 M generated lines shuffled, all 26 files of the report the same bytes; the
/// report 8.2 -> 9.7 s, since it then holds nearly a row per line). It holds no product
/// columns or names: a name on each of the 5.5 M order days of 10 M lines raised the
/// report's peak anonymous memory from 2,490 to 2,678 MiB. Rows are in file order.
/// `more` adds a result of its own (and a plan to finish it) from the same lines,
/// reading the roles of `more_roles` too. Of order_id, cost and customer_name, the
/// roles of `optional` are read.
#[allow(clippy::type_complexity)]
fn order_days<T>(
    s: &Settings,
    files: &[String],
    optional: &[&'static str],
    more_roles: &Request,
    more: &dyn Fn(LazyFrame) -> anyhow::Result<Option<(LazyFrame, T)>>,
) -> anyhow::Result<((DataFrame, Option<DataFrame>), Option<(DataFrame, T)>)> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(optional).and(more_roles);
    let opts = s.input(TableKind::Orders, files);
    let (mut frames, finish) = crate::input::query_all(&opts, &request, |lines| {
        let schema = lines.clone().collect_schema()?;
        let has = |c: &str| schema.contains(c);
        let mut keys = vec![col("customer_id")];
        keys.extend(has("order_id").then(|| col("order_id")));
        keys.push(col("order_date"));
        let mut sums = vec![col("amount")];
        if has("cost") {
            keys.push(col("cost").is_null().alias(NO_COST));
            sums.push(col("cost"));
        }
        // Runs of lines instead of a grouping, which held a hash table of the 5.5 M order
        // days of 10 M lines: the report's read 7.2-9.3 -> 5.5 s, its peak anonymous
        // memory there 1,703 -> 874 MiB (docs/PERFORMANCE.md).
        let run = |field: &str| col(RUNS).struct_().field_by_name(field);
        let mut columns = vec![col("customer_id")];
        columns.extend(has("order_id").then(|| col("order_id")));
        columns.extend([col("order_date"), run("amount")]);
        // The lines of a run are all with cost or all without; without, its cost is empty.
        columns.extend(has("cost").then(|| when(col("cost").is_null()).then(col("cost")).otherwise(run("cost")).alias("cost")));
        columns.push(col(LINE));
        let runs = lines
            .clone()
            .with_row_index(LINE, None)
            .with_column(crate::input::parse::run_sums(keys, sums).alias(RUNS))
            .filter(run(crate::input::parse::RUN_START))
            .select(columns);
        let mut results = vec![runs];
        let finish = match more(lines.clone())? {
            Some((plan, finish)) => {
                results.push(plan);
                Some(finish)
            }
            None => None,
        };
        if has("customer_name") {
            // Consecutive lines of one customer and name (an order's lines, mostly) are
            // one row for the grouping of the pairs, with the same first rows: 10 M
            // lines, `kam scorecard`'s read 6.1-6.9 -> 5.2-5.7 s (docs/PERFORMANCE.md).
            let runs = lines.filter(crate::input::parse::starts_a_run(col("customer_id"), col("customer_name")));
            results.push(first_in_row_order(runs, &[col("customer_id")], "customer_name"));
        }
        Ok((results, (finish, has("customer_name"))))
    })?;
    let (finish, has_names) = finish;
    let names = if has_names { frames.pop() } else { None };
    let more = finish.map(|f| (frames.pop().expect("the result of `more`"), f));
    let days = in_line_order(frames.pop().expect("the order days"))?;
    Ok(((days, names), more))
}

/// Per customer, from one streamed pass over the orders (the lines are not held): the
/// `sales` from `from` to `to`, how many lines fall there (`lines_in_period`), and the
/// first non-empty customer_name of all its lines, the name [`NameSources`] takes
/// from lines. Every customer is a row, so that every key and name is checked.
///
/// [`NameSources`]: super::names::NameSources
pub fn period_sales(s: &Settings, files: &[String], from: NaiveDate, to: NaiveDate) -> anyhow::Result<DataFrame> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(&["customer_name"]);
    crate::input::query_grouped(&s.input(TableKind::Orders, files), &request, |lines| {
        let has_name = lines.clone().collect_schema()?.contains("customer_name");
        let inside = col("order_date").gt_eq(lit(from)).and(col("order_date").lt_eq(lit(to)));
        // Element-wise before the grouping, plain sums in it: the streaming engine then
        // holds a row per customer (a filter inside the aggregation holds every line).
        let mut aggs = vec![
            when(inside.clone()).then(col("amount")).otherwise(lit(NULL)).sum().alias("sales"),
            inside.cast(DataType::UInt32).sum().alias("lines_in_period"),
        ];
        if has_name {
            let named = col("customer_name").neq(lit("")).fill_null(lit(false));
            aggs.push(when(named).then(col("customer_name")).otherwise(lit(NULL).cast(DataType::String)).drop_nulls().first().alias("customer_name"));
        }
        Ok(lines.group_by([col("customer_id")]).agg(aggs))
    })
}

/// The last order date of `files`, from one streamed pass (for `as_of` without lines held).
pub fn last_order_date(s: &Settings, files: &[String]) -> anyhow::Result<NaiveDate> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]);
    let last = crate::input::query(&s.input(TableKind::Orders, files), &request, |lines| Ok(lines.select([col("order_date").max()])))?;
    super::first_date(&last, "order_date")?.ok_or_else(|| crate::error::bad_input("the orders have no dates in order_date"))
}

const LINE: &str = "__line";
const RUNS: &str = "__runs";
const NO_COST: &str = "__no_cost";

/// The runs of [`order_days`] in the order of their first lines, without the line numbers.
/// The streamed pass keeps that order; it is checked, as the rows' order decides which
/// of one customer's same-day rows comes first downstream.
fn in_line_order(runs: DataFrame) -> anyhow::Result<DataFrame> {
    let lines = runs.column(LINE)?.as_materialized_series();
    let runs = if lines.is_sorted(SortOptions::default())? { runs } else { runs.sort([LINE], SortMultipleOptions::default())? };
    Ok(runs.drop(LINE)?)
}

/// `--as-of`, else the last order date of `orders` (said on stderr).
pub fn as_of(s: &Settings, given: Option<NaiveDate>, orders: &DataFrame) -> anyhow::Result<NaiveDate> {
    settings::as_of_or_last(given, || last_date(orders.clone().lazy(), "order_date", "orders"), "order date", s.quiet)
}
