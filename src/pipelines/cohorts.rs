//! The cohort matrix of `kam cohorts` and the report.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::metrics::cohorts::{self, CohortValue};

/// The matrix of order `lines` as of `as_of` (metrics::cohorts).
pub fn matrix(lines: &DataFrame, as_of: NaiveDate, value: CohortValue) -> anyhow::Result<DataFrame> {
    let long = cohorts::long(lines.clone().lazy(), as_of, value)?.collect()?;
    let max_k = long.column("last_k")?.i32()?.max().unwrap_or(0).max(0);
    Ok(cohorts::matrix(long.lazy(), max_k).collect()?)
}
