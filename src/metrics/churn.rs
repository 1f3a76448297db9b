//! Churn and sales-progress warnings (SPEC §5, 客户流失预警 and 销售进度预警).
//!
//! Churn: days since the last order against the customer's typical gap (median
//! days between distinct order dates; the company-wide median for customers with
//! one order). Sales progress: this period's sales against the previous period,
//! the same period last year and the plan, and order frequency against the
//! customer's own average. Periods are calendar months to date: see [`Windows`]
//! and docs/warnings.md.

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;

use super::by_customer::ByCustomer;
use super::receivables::{days, epoch_days};
pub use super::windows::Windows;

/// Settings of the churn and sales-progress rules.
#[derive(Debug, Clone)]
pub struct ChurnParams {
    pub as_of: NaiveDate,
    /// at_risk when days_since_last > k × typical gap.
    pub k: f64,
    /// churned when days_since_last > churn_days.
    pub churn_days: i32,
    /// A drop is flagged when it is larger than this share (0.20).
    pub drop: Decimal,
    pub windows: Windows,
    pub money: DataType,
    /// With `--params`: churned when P(alive) is below this.
    pub min_p_alive: Option<f64>,
}

/// `cur < (1 − drop) × base`, exactly on decimals, only when base > 0.
fn dropped(cur: Expr, base: Expr, drop: Decimal) -> Expr {
    let scale = 10i64.pow(drop.scale());
    let keep = scale - drop.mantissa() as i64;
    base.clone().gt(lit(0)).and((cur * lit(scale)).lt(base * lit(keep)))
}

/// Relative change cur / base − 1, empty when base ≤ 0.
fn change(cur: Expr, base: Expr) -> Expr {
    when(base.clone().gt(lit(0)))
        .then(cur.cast(DataType::Float64) / base.cast(DataType::Float64) - lit(1.0))
        .otherwise(lit(NULL).cast(DataType::Float64))
}

fn month_index(e: Expr) -> Expr {
    e.clone().dt().year().cast(DataType::Int32) * lit(12) + e.dt().month().cast(DataType::Int32)
}

fn text(e: Expr) -> Expr {
    e.cast(DataType::String)
}

/// One row per customer with an order on or before as-of.
///
/// `orders`: order rows by customer, with amount and optionally order_id. `plan` has customer_id, period (a date: the month's first day), planned_amount, or is None.
///
/// Columns: customer_id, first_order, last_order, orders, days_since_last,
/// typical_gap, gap_source, status, reason, sales, sales_prev, sales_last_year,
/// change_prev, change_last_year, plan, plan_gap, orders_period, orders_avg,
/// drop_vs_prev, drop_vs_last_year, below_plan, frequency_down.
pub fn churn(orders: &ByCustomer, plan: Option<LazyFrame>, p: &ChurnParams) -> PolarsResult<LazyFrame> {
    let as_of = p.as_of;
    let w = p.windows;
    let (history, company) = super::order_history::history(orders, as_of, &w)?;
    let start_index = month_index(lit(w.current.0));
    let zero = || lit(0).cast(p.money.clone());
    let since = (lit(epoch_days(as_of)) - days("last_order")).alias("days_since_last");
    let k_gap = col("typical_gap") * lit(p.k);
    let d = || text(col("days_since_last"));
    let g = || text(col("typical_gap").round(1, RoundMode::HalfToEven));
    let status = when(col("days_since_last").gt(lit(p.churn_days)))
        .then(lit("churned"))
        .when(col("days_since_last").cast(DataType::Float64).gt(k_gap.clone()).fill_null(lit(false)))
        .then(lit("at_risk"))
        .otherwise(lit("active"));
    let k_text = format!("{}", p.k);
    let reason = when(col("status").eq(lit("churned")))
        .then(concat_str([lit("no order for "), d(), lit(format!(" days (> {} days)", p.churn_days))], "", true))
        .when(col("status").eq(lit("at_risk")))
        .then(concat_str(
            [lit(""), d(), lit(format!(" days since the last order > {k_text} x typical gap ")), g(), lit(" days ("), col("gap_source"), lit(")")],
            "",
            true,
        ))
        .when(col("typical_gap").is_null())
        .then(concat_str([d(), lit(" days since the last order; no gap known (no customer has two order dates)")], "", true))
        .otherwise(concat_str(
            [d(), lit(format!(" days since the last order, within {k_text} x typical gap ")), g(), lit(" days ("), col("gap_source"), lit(")")],
            "",
            true,
        ));
    // Whole periods of history before the current period: months from the first order's month.
    let periods_before = (start_index - month_index(col("first_order"))).floor_div(lit(w.months as i32)).cast(DataType::Float64);
    let mut out = history
        .cross_join(company, None)
        .with_columns([
            since,
            coalesce(&[col("own_gap"), col("company_gap")]).alias("typical_gap"),
            when(col("own_gap").is_not_null())
                .then(lit("own"))
                .when(col("company_gap").is_not_null())
                .then(lit("company"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("gap_source"),
            col("sales").fill_null(zero()),
            col("sales_prev").fill_null(zero()),
            col("sales_last_year").fill_null(zero()),
            when(periods_before.clone().gt_eq(lit(1.0)))
                .then(col("orders_before") / periods_before)
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("orders_avg"),
        ])
        .with_column(status.alias("status"))
        .with_column(reason.alias("reason"));
    out = match plan {
        Some(plan) => {
            let months = w.plan_months();
            let weights = df!(
                "period" => months.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
                "weight" => months.iter().map(|(_, w)| *w).collect::<Vec<_>>()
            )
            .expect("static frame")
            .lazy();
            // The plan's period is the first day of its month (input::values::months).
            let planned = plan
                .join(weights, [col("period")], [col("period")], JoinArgs::new(JoinType::Inner))
                .group_by([col("customer_id")])
                .agg([(col("planned_amount").cast(DataType::Float64) * col("weight")).sum().alias("plan_f")])
                .with_column(col("plan_f").round(2, RoundMode::HalfToEven).cast(p.money.clone()).alias("plan"))
                .select([col("customer_id"), col("plan")]);
            out.join(planned, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        }
        None => out.with_column(lit(NULL).cast(p.money.clone()).alias("plan")),
    };
    let drop_f = p.drop.to_string().parse::<f64>().unwrap_or(0.2);
    Ok(out.with_columns([
        change(col("sales"), col("sales_prev")).alias("change_prev"),
        change(col("sales"), col("sales_last_year")).alias("change_last_year"),
        change(col("sales"), col("plan")).alias("plan_gap"),
        dropped(col("sales"), col("sales_prev"), p.drop).alias("drop_vs_prev"),
        dropped(col("sales"), col("sales_last_year"), p.drop).alias("drop_vs_last_year"),
        dropped(col("sales"), col("plan"), p.drop).fill_null(lit(false)).alias("below_plan"),
        col("orders_avg")
            .gt(lit(0.0))
            .and(col("orders_period").cast(DataType::Float64).lt(col("orders_avg") * lit(1.0 - drop_f)))
            .fill_null(lit(false))
            .alias("frequency_down"),
    ])
    .sort_by_exprs([col("customer_id")], SortMultipleOptions::default())
    .select([
        col("customer_id"),
        col("first_order"),
        col("last_order"),
        col("orders"),
        col("days_since_last"),
        col("typical_gap"),
        col("gap_source"),
        col("status"),
        col("reason"),
        col("sales"),
        col("sales_prev"),
        col("sales_last_year"),
        col("change_prev"),
        col("change_last_year"),
        col("plan"),
        col("plan_gap"),
        col("orders_period"),
        col("orders_avg"),
        col("drop_vs_prev"),
        col("drop_vs_last_year"),
        col("below_plan"),
        col("frequency_down"),
    ]))
}

/// Add p_alive (one row per customer of `p_alive`: customer_id, p_alive) after
/// `reason`, and mark a customer churned when p_alive < `min`; a customer already
/// churned by the days rule keeps that reason. The reason shows the figure at two
/// decimals, as the other reasons do.
pub fn with_p_alive(table: DataFrame, p_alive: DataFrame, min: f64) -> anyhow::Result<DataFrame> {
    let because: Vec<String> =
        p_alive.column("p_alive")?.f64()?.iter().map(|pa| format!("P(alive) {:.2} < {min:.2}", pa.unwrap_or(f64::NAN))).collect();
    let mut probs = p_alive;
    probs.with_column(Column::new("p_alive_reason".into(), because))?;
    let mut columns: Vec<Expr> = Vec::new();
    for name in table.get_column_names() {
        columns.push(col(name.as_str()));
        if name.as_str() == "reason" {
            columns.push(col("p_alive"));
        }
    }
    let below = col("p_alive").lt(lit(min)).and(col("status").neq(lit("churned"))).fill_null(lit(false));
    Ok(table
        .lazy()
        .join(probs.lazy(), [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .with_columns([
            when(below.clone()).then(lit("churned")).otherwise(col("status")).alias("status"),
            when(below).then(col("p_alive_reason")).otherwise(col("reason")).alias("reason"),
        ])
        .select(columns)
        .collect()?)
}
