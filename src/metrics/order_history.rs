//! Each customer's order history for churn: first and last order date, the median gap
//! between its distinct order dates, and its distinct orders and sales in the windows of
//! [`Windows`], from rows [`ByCustomer`].

use polars::prelude::*;

use chrono::NaiveDate;

use super::by_customer::{ascending, columns_named, new_date, run_start, same_customer, ByCustomer, CODE};
use super::windows::{self, Windows};
use super::receivables::days;

const GAP: &str = "__gap";
const RUN: &str = "__run";
const RUNS: &str = "__runs";
const RUNS_PERIOD: &str = "__runs_period";
const RUNS_BEFORE: &str = "__runs_before";

/// One row per customer with a row on or before `as_of` in `by_customer` (amount, and
/// order_id where the rows have it): customer_id, first_order, last_order, own_gap (median days between
/// its distinct order dates), orders (distinct order_id, else distinct dates), sales,
/// sales_prev, sales_last_year (amount in each window), orders_period (orders in the
/// current window), orders_before (orders before it, as f64). And a one-row frame with
/// company_gap, the median of every customer's gaps.
pub fn history(by_customer: &ByCustomer, as_of: NaiveDate, w: &Windows) -> PolarsResult<(LazyFrame, LazyFrame)> {
    let has_order_id = by_customer.has("order_id");
    let until_as_of = || by_customer.rows_dated(None, as_of);
    let dates = until_as_of().filter(new_date()).with_column(ascending(col(CODE))).select([col(CODE), col("order_date")]).with_column(
        when(same_customer()).then(days("order_date") - days("order_date").shift(lit(1))).otherwise(lit(NULL)).alias(GAP),
    );
    let company = dates.clone().select([col(GAP).cast(DataType::Float64).median().alias("company_gap")]);
    let before = || col("order_date").lt(lit(w.current.0));
    let mut by_date = vec![
        col("order_date").min().alias("first_order"),
        col("order_date").max().alias("last_order"),
        col(GAP).cast(DataType::Float64).median().alias("own_gap"),
    ];
    if !has_order_id {
        // Without order_id an order is an order date.
        by_date.extend([
            len().cast(DataType::UInt32).alias("orders"),
            in_window(w.current).cast(DataType::UInt32).sum().alias("orders_period"),
            before().cast(DataType::Float64).sum().alias("orders_before"),
        ]);
    }
    let by_date = dates.group_by([col(CODE)]).agg(by_date);
    // Window flags and amounts element-wise, plain sums in the grouping.
    let money_in = |window: (NaiveDate, NaiveDate)| when(in_window(window)).then(col("amount")).otherwise(lit(NULL)).sum();
    let mut by_line = vec![money_in(w.current).alias("sales"), money_in(w.previous).alias("sales_prev"), money_in(w.last_year).alias("sales_last_year")];
    let mut lines = until_as_of();
    if has_order_id {
        // Where a customer's runs are its orders, its runs in a window are its orders
        // there; other customers are counted exactly below.
        lines = lines.with_column(run_start(true).alias(RUN));
        by_line.extend([
            col("order_id").n_unique().cast(DataType::UInt32).alias("orders"),
            col(RUN).cast(DataType::UInt32).sum().alias(RUNS),
            col(RUN).and(in_window(w.current)).cast(DataType::UInt32).sum().alias(RUNS_PERIOD),
            col(RUN).and(before()).cast(DataType::Float64).sum().alias(RUNS_BEFORE),
        ]);
    }
    let mut by_line = lines.clone().group_by([col(CODE)]).agg(by_line).collect()?;
    if has_order_id {
        by_line = with_exact_order_counts(lines, by_line, w)?;
    }
    let table = by_customer.with_ids(by_date.join(by_line.lazy(), [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Left)));
    Ok((table, company))
}

/// orders_period and orders_before: the runs' counts where a customer's runs are its
/// orders, else distinct order_ids counted over that customer's lines.
fn with_exact_order_counts(lines: LazyFrame, counts: DataFrame, w: &Windows) -> PolarsResult<DataFrame> {
    let exact = col(RUNS).eq(col("orders"));
    let others = counts.clone().lazy().filter(exact.clone().not()).select([col(CODE)]).collect()?;
    let counted = if others.height() == 0 {
        counts.lazy().with_columns([col(RUNS_PERIOD).alias("orders_period"), col(RUNS_BEFORE).alias("orders_before")])
    } else {
        let recount = lines.join(others.lazy(), [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Semi)).group_by([col(CODE)]).agg([
            col("order_id").filter(in_window(w.current)).n_unique().cast(DataType::UInt32).alias("orders_period"),
            col("order_id").filter(col("order_date").lt(lit(w.current.0))).n_unique().cast(DataType::Float64).alias("orders_before"),
        ]);
        counts.lazy().join(recount, [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Left)).with_columns([
            when(exact.clone()).then(col(RUNS_PERIOD)).otherwise(col("orders_period")).alias("orders_period"),
            when(exact).then(col(RUNS_BEFORE)).otherwise(col("orders_before")).alias("orders_before"),
        ])
    };
    counted.drop(columns_named(&[RUNS, RUNS_PERIOD, RUNS_BEFORE])).collect()
}

fn in_window(w: (NaiveDate, NaiveDate)) -> Expr {
    windows::in_window("order_date", w)
}
