//! The alerts table: churn, aging and sales-expense warnings in one list.

use chrono::NaiveDate;
use polars::prelude::{DataFrame, IntoLazy, LazyFrame};
use rust_decimal::Decimal;

use super::load;
use crate::input::Request;
use crate::metrics::alerts::{self as metric, AlertParams};
use crate::metrics::churn::ChurnParams;
use crate::metrics::receivables::Buckets;
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::Month;

/// The alerts table from the churn table and, when receivables were given, the aging table.
pub fn table(
    churn: &DataFrame,
    rules: &ChurnParams,
    aging: Option<&DataFrame>,
    buckets: &Buckets,
    warning_share: Decimal,
    expenses: Option<LazyFrame>,
) -> anyhow::Result<DataFrame> {
    let params = AlertParams {
        k: rules.k,
        churn_days: rules.churn_days,
        drop: rules.drop,
        oldest_bucket: buckets.oldest(),
        oldest_days: *buckets.edges.last().expect("at least one edge"),
        warning_share,
        min_p_alive: rules.min_p_alive,
    };
    let mut parts = metric::from_churn(churn.clone().lazy(), &params);
    if let Some(aging) = aging {
        parts.extend(metric::from_aging(aging.clone().lazy(), &params));
    }
    parts.extend(expenses);
    Ok(metric::combine(parts)?.collect()?)
}

/// The sales_expense alerts of the month of `as_of` from an expenses file (`--expenses`).
pub fn expense_alerts(s: &Settings, file: &str, as_of: NaiveDate) -> anyhow::Result<LazyFrame> {
    let keys = ["customer_id", "salesperson", "region"];
    let request = Request::expenses().require(&["period", "amount", "budget"]).optional(&keys);
    let table = load(s, TableKind::Expenses, &[file.to_string()], &request)?;
    let present: Vec<&str> = keys.iter().copied().filter(|k| table.get_column_index(k).is_some()).collect();
    metric::from_expenses(table.lazy(), Month::of(as_of).first_day(), &present)
}
