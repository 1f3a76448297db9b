//! The cohort matrix of `kam cohorts` and the report.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::metrics::by_customer::ByCustomer;
use crate::metrics::cohorts::{self, CohortValue};

/// The matrix of order `lines` as of `as_of` (metrics::cohorts).
pub fn matrix(lines: &DataFrame, as_of: NaiveDate, value: CohortValue) -> anyhow::Result<DataFrame> {
    let until_as_of = lines.clone().lazy().filter(col("order_date").lt_eq(lit(as_of)));
    of_long(cohorts::long(until_as_of, "customer_id", as_of, value)?)
}

/// [`matrix`] by customers of order rows sorted [`ByCustomer`] (the report's, shared
/// with churn and the scorecard), from the sorted rows' customer months.
pub fn matrix_by_customer(rows: &ByCustomer, as_of: NaiveDate) -> anyhow::Result<DataFrame> {
    of_long(cohorts::long_of_sorted(rows.rows_dated(None, as_of), as_of)?)
}

fn of_long(long: LazyFrame) -> anyhow::Result<DataFrame> {
    let long = long.collect()?;
    let max_k = long.column("last_k")?.i32()?.max().unwrap_or(0).max(0);
    Ok(cohorts::matrix(long.lazy(), max_k).collect()?)
}
