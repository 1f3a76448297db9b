//! Order lines as the per-customer commands read them.

use chrono::NaiveDate;
use polars::prelude::*;

use super::{last_date, load, with_missing};
use crate::input::Request;
use crate::settings::{self, Settings};
use crate::tables::TableKind;

/// Order lines (order_date, customer_id, amount, and `optional` roles where present).
pub fn lines(s: &Settings, files: &[String], optional: &[&'static str]) -> anyhow::Result<DataFrame> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(optional);
    load(s, TableKind::Orders, files, &request)
}

/// The lines churn needs: with order_id and customer_name when present.
pub fn churn_lines(s: &Settings, files: &[String]) -> anyhow::Result<DataFrame> {
    lines(s, files, &["order_id", "customer_name"])
}

/// The lines of the scorecard and CLV (a superset of churn's): cost empty when the file has none.
pub fn scored_lines(s: &Settings, files: &[String]) -> anyhow::Result<DataFrame> {
    let frame = lines(s, files, &["order_id", "cost", "customer_name"])?;
    Ok(with_missing(frame, &[("cost", s.money_type(TableKind::Orders))]).collect()?)
}

/// What the report's churn, CLV, scorecard, cohorts and headline take from the orders:
/// the scored lines as order days (see [`order_days`]), cost empty when the file has none.
///
/// Only the report reads them so. Summing the lines costs more than it saves one
/// command (10 M lines, `kam churn`: 16.4 s against 11.5 s), but the report has five
/// consumers: 64.1 s -> 57.9 s and a peak RSS of 4.2 -> 2.75 GB (docs/PERFORMANCE.md).
pub fn report_lines(s: &Settings, files: &[String]) -> anyhow::Result<DataFrame> {
    let frame = order_days(s, files, &["order_id", "cost", "customer_name"])?;
    Ok(with_missing(frame, &[("cost", s.money_type(TableKind::Orders))]).collect()?)
}

/// The order lines summed in the same pass that reads them: one row per customer,
/// order (where the file has order_id), order date and presence of cost, with the
/// `amount` and `cost` sums.
///
/// Every figure churn, CLV, the scorecard and the report take from lines comes out the
/// same from these rows: money sums, distinct orders and order days, each customer's
/// largest order, and "a line without cost" (such lines are rows of their own, with
/// cost empty). It holds a row per order instead of per line, and no product columns.
/// `customer_name` is the first non-empty name of a row's lines and `name_at` the
/// index of that line in the files, so that a customer's first name in file order can
/// still be told (pipelines::names). Rows are in the order of their first line.
fn order_days(s: &Settings, files: &[String], optional: &[&'static str]) -> anyhow::Result<DataFrame> {
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(optional);
    let opts = s.input(TableKind::Orders, files);
    crate::input::query(&opts, &request, |lines| {
        let schema = lines.clone().collect_schema()?;
        let has = |c: &str| schema.contains(c);
        let mut keys = vec![col("customer_id")];
        keys.extend(has("order_id").then(|| col("order_id")));
        keys.push(col("order_date"));
        let mut aggs = vec![col("amount").sum(), col(LINE).min().alias(FIRST_LINE)];
        if has("cost") {
            keys.push(col("cost").is_null().alias(NO_COST));
            aggs.push(col("cost").sum());
        }
        let mut lines = lines.with_row_index(LINE, None);
        if has("customer_name") {
            // Element-wise before the grouping and plain first/min in it: the streaming
            // engine runs those without holding the lines (a filter inside the
            // aggregation made it hold all of them).
            let named = col("customer_name").neq(lit("")).fill_null(lit(false));
            lines = lines.with_columns([
                when(named.clone()).then(col("customer_name")).otherwise(lit(NULL).cast(DataType::String)).alias("customer_name"),
                when(named).then(col(LINE)).otherwise(lit(NULL).cast(IDX_DTYPE)).alias("name_at"),
            ]);
            aggs.push(col("customer_name").drop_nulls().first());
            aggs.push(col("name_at").min());
        }
        let mut out = lines.group_by(keys).agg(aggs);
        if has("cost") {
            // A sum of no costs is 0; the row of lines without cost keeps cost empty.
            let money = schema.get("cost").cloned().unwrap_or(DataType::Null);
            out = out.with_column(when(col(NO_COST)).then(lit(NULL).cast(money)).otherwise(col("cost")).alias("cost"));
        }
        let mut columns = vec![col("customer_id")];
        columns.extend(has("order_id").then(|| col("order_id")));
        columns.extend([col("order_date"), col("amount")]);
        columns.extend(has("cost").then(|| col("cost")));
        if has("customer_name") {
            columns.extend([col("customer_name"), col("name_at")]);
        }
        // The order of the lines, not of the grouping (which varies from run to run).
        Ok(out.sort([FIRST_LINE], SortMultipleOptions::default()).select(columns))
    })
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
const FIRST_LINE: &str = "__first_line";
const NO_COST: &str = "__no_cost";

/// `--as-of`, else the last order date of `orders` (said on stderr).
pub fn as_of(s: &Settings, given: Option<NaiveDate>, orders: &DataFrame) -> anyhow::Result<NaiveDate> {
    settings::as_of_or_last(given, || last_date(orders.clone().lazy(), "order_date", "orders"), "order date", s.quiet)
}
