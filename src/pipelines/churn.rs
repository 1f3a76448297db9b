//! The churn table: `kam churn`, and the churn part of alerts and the report.

use std::path::Path;

use polars::prelude::*;

use chrono::NaiveDate;

use crate::cli::ChurnOptions;
use crate::error::bad_input;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::churn::{self as metric, ChurnParams, Windows};
use crate::metrics::clv;
use crate::settings::Settings;
use crate::tables::TableKind;

/// The churn table of the order rows in `by_customer` (amount, and order_id where
/// present) against the plan. With a `kam clv --params-out` file, P(alive) is added and below
/// `p.min_p_alive` a customer is churned.
pub fn table(
    by_customer: &ByCustomer,
    plan: Option<LazyFrame>,
    p: &ChurnParams,
    params_file: Option<&Path>,
) -> anyhow::Result<DataFrame> {
    let table = metric::churn(by_customer, plan, p)?.collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no orders on or before {}", p.as_of)));
    }
    match (params_file, p.min_p_alive) {
        (Some(file), Some(min)) => {
            let bg = clv::load_params(file)?.bg();
            let p_alive = clv::predict::p_alive_of_customers(by_customer, p.as_of, &bg)?;
            metric::with_p_alive(table, p_alive, min)
        }
        _ => Ok(table),
    }
}

/// The rules of the churn and sales-progress warnings, from their (checked) options.
pub fn rules(o: &ChurnOptions, s: &Settings, as_of: NaiveDate) -> ChurnParams {
    ChurnParams {
        // With --params, P(alive) below --min-p-alive (default 0.2) is churned.
        min_p_alive: o.params.as_ref().map(|_| o.min_p_alive.unwrap_or_else(|| crate::defaults::MIN_P_ALIVE.parse().expect("a valid default"))),
        as_of,
        k: o.gap_multiple,
        churn_days: o.churn_days,
        drop: o.drop.0,
        windows: Windows::new(as_of, o.period_months),
        money: s.money_type(TableKind::Orders),
    }
}
