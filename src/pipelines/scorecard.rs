//! The key-account scorecard from scored order lines, the payment history and CLV.

use polars::prelude::*;

use crate::error::bad_input;
use crate::metrics::abc::{self, Thresholds};
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::scorecard::{self as metric, ScoreParams};

/// The payment inputs of the scorecard: payment history and over-limit per customer.
pub fn payment_frame(aging: &DataFrame, history: DataFrame) -> LazyFrame {
    metric::payment(history.lazy(), aging.clone().lazy())
}

/// Each customer's sales, margin, months, orders and largest order of the scorecard's
/// 24 months (metrics::scorecard::activity), from the scored order rows by customer.
pub fn activity(orders: &ByCustomer, p: &ScoreParams) -> anyhow::Result<DataFrame> {
    Ok(metric::activity(orders, &p.windows)?.collect()?)
}

/// The scorecard table and notes for stderr (and the report), from the scored order rows
/// and their [`activity`].
pub fn scorecard_table(
    orders: &DataFrame,
    activity: DataFrame,
    payment: Option<LazyFrame>,
    clv: &Result<DataFrame, String>,
    p: &ScoreParams,
    thresholds: &Thresholds,
) -> anyhow::Result<(DataFrame, Vec<String>)> {
    let w = &p.windows;
    let lines = orders.clone().lazy();
    // ABC of the current 12 months from the activity's sums: the same sales per customer
    // with a row in them, without grouping the order rows by id text again.
    let current = activity.clone().lazy().filter(col("current_rows").gt(lit(0))).select([col("customer_id"), col("sales_12m").alias("amount")]);
    let classes = abc::items(current, "customer_id", None, thresholds);
    let margin = metric::company_margin(lines, w).collect()?.column("margin_rate")?.f64()?.get(0);
    let mut notes = vec![];
    if payment.is_none() {
        notes.push("no receivables: the payment component is 50 (neutral) for everyone; late-payer and over-limit flags not checked".to_string());
    }
    if let Err(why) = clv {
        notes.push(format!("CLV not available ({why}): the clv component is 50 (neutral) for everyone"));
    }
    if margin.is_none() {
        notes.push("no cost data in the current 12 months: gross profit is neutral and the low-margin flag is not checked".to_string());
    }
    let clv_frame = clv.as_ref().ok().map(|f| f.clone().lazy());
    let table = metric::scorecard(activity.lazy(), classes, payment, clv_frame, margin, p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no order lines from {} to {}", w.previous.0, w.current.1)));
    }
    Ok((table, notes))
}
