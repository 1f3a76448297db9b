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

/// `--as-of`, else the last order date of `orders` (said on stderr).
pub fn as_of(s: &Settings, given: Option<NaiveDate>, orders: &DataFrame) -> anyhow::Result<NaiveDate> {
    settings::as_of_or_last(given, || last_date(orders.clone().lazy(), "order_date", "orders"), "order date", s.quiet)
}
