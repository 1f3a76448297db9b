//! Suggested credit limits (SPEC §5, 对信用额度的确定): from the customer's ABC
//! class (crate::metrics::abc) and payment history. The rule and its parameters
//! are documented in docs/credit.md.

use chrono::NaiveDate;
use polars::prelude::*;

use super::abc::{self, Thresholds};
use super::receivables::days;

/// Parameters of the credit rule (all are command-line options).
#[derive(Debug, Clone)]
pub struct CreditParams {
    pub as_of: NaiveDate,
    /// Days in the sales period; average monthly sales = sales / days × 30.
    pub period_days: i64,
    pub thresholds: Thresholds,
    /// B limit = monthly sales × b_months.
    pub b_months: f64,
    /// C limit = monthly sales × c_months.
    pub c_months: f64,
    /// No reduction while the average days late is at most this.
    pub grace_days: f64,
    /// Above grace: limit × late_factor; above cash_days: no credit (cash only).
    pub late_factor: f64,
    pub cash_days: f64,
    /// B limits are reviewed after this many days.
    pub review_days: i64,
    pub money: DataType,
}

/// Payment history per customer: invoices paid on or before as-of (positive amounts
/// with a paid_date), and the average of max(paid_date − due_date, 0) over them.
/// Columns: customer_id, paid_invoices, avg_days_late.
pub fn payment_history(receivables: LazyFrame, as_of: NaiveDate) -> LazyFrame {
    let late = (days("paid_date") - days("due_date")).clip_min(lit(0));
    receivables
        .filter(
            col("paid_date")
                .is_not_null()
                .and(col("paid_date").lt_eq(lit(as_of)))
                .and(col("amount").gt(lit(0))),
        )
        .group_by([col("customer_id")])
        .agg([
            len().cast(DataType::UInt32).alias("paid_invoices"),
            late.cast(DataType::Float64).mean().alias("avg_days_late"),
        ])
}

/// One row per customer with orders in `orders` (already limited to the period; lines,
/// or a row per customer with its amount):
/// customer_id, class, sales, monthly_sales, paid_invoices, avg_days_late,
/// late_factor, current_limit, suggested_limit, change, policy, review_by, reason.
/// `history` is [`payment_history`] as of `p.as_of`; `limits` has customer_id and
/// credit_limit (may be empty).
pub fn suggest(orders: LazyFrame, history: LazyFrame, limits: LazyFrame, p: &CreditParams) -> LazyFrame {
    let classes = abc::items(orders, "customer_id", None, &p.thresholds)
        .select([col("rank"), col("customer_id"), col("class"), col("sales")]);
    let monthly = col("sales").cast(DataType::Float64) / lit(p.period_days as f64) * lit(30.0);
    let avg = col("avg_days_late");
    let factor = when(avg.clone().is_null().or(avg.clone().lt_eq(lit(p.grace_days))))
        .then(lit(1.0))
        .when(avg.clone().lt_eq(lit(p.cash_days)))
        .then(lit(p.late_factor))
        .otherwise(lit(0.0));
    let capped = |months: f64| {
        (col("monthly_sales").clip_min(lit(0.0)) * lit(months) * col("late_factor")).round(0, RoundMode::HalfToEven)
    };
    let unlimited = col("class").eq(lit("A")).and(col("late_factor").eq(lit(1.0)));
    let limit = when(unlimited.clone())
        .then(lit(NULL).cast(DataType::Float64))
        .when(col("class").eq(lit("C")))
        .then(capped(p.c_months))
        .otherwise(capped(p.b_months));
    let review = lit(p.as_of + chrono::Duration::days(p.review_days)).cast(DataType::Date);
    let policy = when(col("late_factor").eq(lit(0.0)))
        .then(lit("cash only"))
        .when(unlimited)
        .then(lit("unlimited"))
        .when(col("class").eq(lit("A")))
        .then(lit("capped (A, late payer)"))
        .when(col("class").eq(lit("B")))
        .then(lit("capped, review"))
        .otherwise(lit("small"));
    let num = |e: Expr, digits: u32| e.round(digits, RoundMode::HalfToEven).cast(DataType::String);
    let money_text = |e: Expr| e.round(2, RoundMode::HalfToEven).cast(DataType::Decimal(38, 2)).cast(DataType::String);
    let history_text = when(col("avg_days_late").is_null())
        .then(lit("no paid invoices: no reduction"))
        .otherwise(concat_str(
            [
                lit("paid "),
                col("paid_invoices").cast(DataType::String),
                lit(" invoice(s) "),
                num(col("avg_days_late"), 1),
                lit(" days late on average -> x"),
                num(col("late_factor"), 2),
            ],
            "",
            true,
        ));
    let rule_text = when(col("policy").eq(lit("unlimited")))
        .then(lit("class A: unlimited"))
        .when(col("policy").eq(lit("cash only")))
        .then(lit(format!("over {} days late on average: cash only", p.cash_days)))
        .when(col("class").eq(lit("C")))
        .then(concat_str([lit("class C: monthly sales "), money_text(col("monthly_sales")), lit(format!(" x {} months", p.c_months))], "", true))
        .otherwise(concat_str(
            [lit("class "), col("class"), lit(": monthly sales "), money_text(col("monthly_sales")), lit(format!(" x {} months", p.b_months))],
            "",
            true,
        ));
    classes
        .join(history, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .join(
            limits.select([col("customer_id"), col("credit_limit").alias("current_limit")]),
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            monthly.alias("monthly_sales"),
            col("paid_invoices").fill_null(lit(0u32)),
            factor.alias("late_factor"),
        ])
        .with_column(limit.cast(p.money.clone()).alias("suggested_limit"))
        .with_columns([
            (col("suggested_limit") - col("current_limit").cast(p.money.clone())).alias("change"),
            policy.alias("policy"),
            when(col("class").eq(lit("C")).or(col("suggested_limit").is_null()).or(col("late_factor").eq(lit(0.0))))
                .then(lit(NULL).cast(DataType::Date))
                .otherwise(review)
                .alias("review_by"),
        ])
        .with_column(concat_str([rule_text, lit("; "), history_text], "", true).alias("reason"))
        .sort_by_exprs([col("rank")], SortMultipleOptions::default())
        .select([
            col("customer_id"),
            col("class"),
            col("sales"),
            col("monthly_sales"),
            col("paid_invoices"),
            col("avg_days_late"),
            col("late_factor"),
            col("current_limit"),
            col("suggested_limit"),
            col("change"),
            col("policy"),
            col("review_by"),
            col("reason"),
        ])
}
