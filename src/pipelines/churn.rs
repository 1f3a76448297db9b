//! The churn table: `kam churn`, and the churn part of alerts and the report.

use std::path::Path;

use polars::prelude::*;

use crate::error::bad_input;
use crate::metrics::churn::{self as metric, ChurnParams};
use crate::metrics::clv;

/// The churn table of order `lines` (customer_id, order_date, amount, order_id where
/// present; other columns are ignored) against the plan. With a `kam clv --params-out`
/// file, P(alive) is added and below `p.min_p_alive` a customer is churned.
pub fn table(lines: &DataFrame, plan: Option<LazyFrame>, p: &ChurnParams, params_file: Option<&Path>) -> anyhow::Result<DataFrame> {
    let has_order_id = lines.get_column_index("order_id").is_some();
    let table = metric::churn(lines.clone().lazy(), plan, has_order_id, p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no orders on or before {}", p.as_of)));
    }
    match (params_file, p.min_p_alive) {
        (Some(file), Some(min)) => {
            let bg = clv::load_params(file)?.bg();
            let p_alive = clv::predict::p_alive_of_customers(lines.clone().lazy(), p.as_of, has_order_id, &bg)?;
            metric::with_p_alive(table, p_alive, min)
        }
        _ => Ok(table),
    }
}
