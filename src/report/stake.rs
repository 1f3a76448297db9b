//! Who moved and what is at stake, for the page and the workbook: each customer's
//! sales against the previous month (the top movers up and down), the churned and
//! at-risk customers with the sales they stand for, and the warnings by money at stake.
//!
//! A customer's "yearly sales" is the sum of their order lines in the 365 days up to
//! their last order on or before the as-of date: for a churned customer what a year of
//! their business was worth, not the near-zero of the last twelve calendar months.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::metrics::by_customer::{ByCustomer, CODE};
use crate::metrics::receivables::TOTAL;
use crate::values::Month;

/// The scale of a decimal column (0 for anything else).
fn scale_of(frame: &DataFrame, column: &str) -> usize {
    match frame.column(column).map(|c| c.dtype().clone()) {
        Ok(DataType::Decimal(_, s)) => s,
        _ => 0,
    }
}

/// `frame` with customer_name joined by customer_id from `names` (the orders' first
/// names, from the report's one pass: pipelines::orders::scored_order_days_and), empty
/// without them.
fn with_names(frame: LazyFrame, names: Option<&DataFrame>) -> LazyFrame {
    match names {
        Some(names) => frame.join(names.clone().lazy(), [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left)),
        None => frame.with_column(lit(NULL).cast(DataType::String).alias("customer_name")),
    }
}

/// customer_id, customer_name, yearly_sales (see the module's note), from the order rows
/// sorted by customer (grouped by the integer code, not the id text).
pub fn yearly_sales(rows: &ByCustomer, names: Option<&DataFrame>, as_of: NaiveDate) -> anyhow::Result<DataFrame> {
    let day = |c: &str| col(c).cast(DataType::Int32);
    let yearly = rows
        .rows_dated(None, as_of)
        .with_column(col("order_date").max().over([col(CODE)])?.alias("__last"))
        .filter(day("order_date").gt(day("__last") - lit(365)))
        .group_by([col(CODE)])
        .agg([col("amount").sum().alias("yearly_sales")]);
    Ok(with_names(rows.with_ids(yearly), names).collect()?)
}

/// Per customer with sales in the month or the one before: customer_id, customer_name,
/// prev_sales, sales, sales_change and change_pct (null when the previous month's sales
/// are zero), largest rise first.
pub fn sales_changes(lines: &DataFrame, names: Option<&DataFrame>, month: Month) -> anyhow::Result<DataFrame> {
    let money = lines.column("amount")?.dtype().clone();
    let sum_in = |m: Month, name: &str| {
        lines
            .clone()
            .lazy()
            .filter(col("order_date").gt_eq(lit(m.first_day())).and(col("order_date").lt_eq(lit(m.last_day()))))
            .group_by([col("customer_id")])
            .agg([col("amount").sum().alias(name)])
    };
    let zero = || lit(0).cast(money.clone());
    let both = sum_in(month, "sales").join(
        sum_in(month.previous(), "prev_sales"),
        [col("customer_id")],
        [col("customer_id")],
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    );
    let changes = both
        .with_columns([col("sales").fill_null(zero()), col("prev_sales").fill_null(zero())])
        .with_column((col("sales") - col("prev_sales")).alias("sales_change"))
        .with_column(
            when(col("prev_sales").neq(zero()))
                .then(col("sales_change").cast(DataType::Float64) / col("prev_sales").cast(DataType::Float64).abs())
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("change_pct"),
        );
    Ok(with_names(changes, names)
        .select([col("customer_id"), col("customer_name"), col("prev_sales"), col("sales"), col("sales_change"), col("change_pct")])
        .sort_by_exprs([col("sales_change"), col("customer_id")], SortMultipleOptions::default().with_order_descending_multi([true, false]))
        .collect()?)
}

/// The `n` largest rises (up) or falls (down) of [`sales_changes`].
pub fn movers(changes: &DataFrame, up: bool, n: usize) -> anyhow::Result<DataFrame> {
    let (keep, descending) = if up { (col("sales_change").gt(lit(0)), true) } else { (col("sales_change").lt(lit(0)), false) };
    Ok(changes
        .clone()
        .lazy()
        .filter(keep)
        .sort_by_exprs([col("sales_change"), col("customer_id")], SortMultipleOptions::default().with_order_descending_multi([descending, false]))
        .limit(n as IdxSize)
        .collect()?)
}

/// The churned and at-risk customers of the churn table with their yearly sales as
/// at_stake, most at stake first.
pub fn lost_and_at_risk(churn: &DataFrame, yearly: LazyFrame) -> anyhow::Result<DataFrame> {
    Ok(churn
        .clone()
        .lazy()
        .filter(col("status").eq(lit("churned")).or(col("status").eq(lit("at_risk"))))
        .select([col("customer_id"), col("status"), col("last_order"), col("days_since_last"), col("sales_last_year")])
        .join(yearly, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .select([
            col("customer_id"),
            col("customer_name"),
            col("status"),
            col("last_order"),
            col("days_since_last"),
            col("yearly_sales").alias("at_stake"),
            col("sales_last_year"),
        ])
        .sort_by_exprs([col("at_stake"), col("customer_id")], SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true))
        .collect()?)
}

/// The alerts with customer_name and at_stake, the money each warning is about, most first:
/// the shortfall for sales_vs_plan / _previous / _last_year; the open total for
/// over_credit_limit and assets_warning_line; the oldest bucket for aging_overdue; the
/// customer's yearly sales for churned and churn_risk; none for order_frequency (an
/// early sign, not an amount), which sorts after the warnings with money.
pub fn warnings(alerts: &DataFrame, churn: &DataFrame, aging: Option<&DataFrame>, oldest: &str, yearly: LazyFrame) -> anyhow::Result<DataFrame> {
    // One exact decimal type for every branch: the finest scale of the inputs.
    let mut scale = scale_of(churn, "sales");
    if let Some(a) = aging {
        scale = scale.max(scale_of(a, "open_total"));
    }
    let money = DataType::Decimal(38, scale);
    let m = |e: Expr| e.cast(money.clone());
    let base = alerts.clone().lazy().select([
        col("customer_id"),
        col("kind"),
        col("severity"),
        col("figure"),
        col("threshold"),
        col("reason"),
    ]);
    let by_customer = |frame: LazyFrame, right: LazyFrame| frame.join(right, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left));
    let sales = churn.clone().lazy().select([
        col("customer_id"),
        col("sales").alias("__sales"),
        col("sales_prev").alias("__prev"),
        col("sales_last_year").alias("__ly"),
        col("plan").alias("__plan"),
    ]);
    let mut lf = by_customer(by_customer(base, yearly), sales);
    let aging_expr = match aging {
        Some(a) => {
            let open = a.clone().lazy().select([col("customer_id"), col("open_total").alias("__open"), col(oldest).alias("__oldest")]);
            lf = by_customer(lf, open);
            Some((m(col("__open")), m(col("__oldest"))))
        }
        None => None,
    };
    let kind = |k: &str| col("kind").eq(lit(k));
    let mut stake = when(kind("sales_vs_plan"))
        .then(m(col("__plan")) - m(col("__sales")))
        .when(kind("sales_vs_previous"))
        .then(m(col("__prev")) - m(col("__sales")))
        .when(kind("sales_vs_last_year"))
        .then(m(col("__ly")) - m(col("__sales")));
    if let Some((open, oldest)) = aging_expr {
        stake = stake
            .when(kind("over_credit_limit").or(kind("assets_warning_line")))
            .then(open)
            .when(kind("aging_overdue"))
            .then(oldest);
    }
    let stake = stake
        .when(kind("churned").or(kind("churn_risk")))
        .then(m(col("yearly_sales")))
        .otherwise(lit(NULL).cast(money.clone()));
    Ok(lf
        .with_column(stake.alias("at_stake"))
        .with_column(when(col("customer_id").eq(lit(TOTAL))).then(lit(NULL).cast(DataType::String)).otherwise(col("customer_name")).alias("customer_name"))
        .select([
            col("severity"),
            col("kind"),
            col("customer_id"),
            col("customer_name"),
            col("at_stake"),
            col("figure"),
            col("threshold"),
            col("reason"),
        ])
        .sort_by_exprs(
            [col("at_stake"), col("customer_id"), col("kind")],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]).with_nulls_last(true),
        )
        .collect()?)
}
