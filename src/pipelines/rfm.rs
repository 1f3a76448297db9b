//! The RFM table of `kam rfm` and the customer profile: scores and segments of every
//! customer with orders up to the as-of date.

use polars::prelude::*;

use super::orders;
use crate::error::bad_input;
use crate::metrics::rfm::{self as metric, RfmParams};
use crate::settings::Settings;

/// The order lines RFM reads: with customer_name when the file has it.
pub fn lines(s: &Settings, files: &[String]) -> anyhow::Result<DataFrame> {
    orders::lines(s, files, &["customer_name"])
}

/// The RFM table of order `lines` (customer_id, order_date, amount, customer_name where
/// present; other columns are ignored).
pub fn table(lines: &DataFrame, p: &RfmParams) -> anyhow::Result<DataFrame> {
    let name = lines.get_column_index("customer_name").map(|_| "customer_name");
    let table = metric::rfm(lines.clone().lazy(), name, p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no orders on or before {}", p.as_of)));
    }
    Ok(table)
}
