//! The plan table (customer_id, period, planned_amount): read once, the same way, for
//! churn's below-plan flag and `kam products --per customer`. Its period is read by the
//! one month reader (`values::parse_month`) into a date on the month's first day.

use polars::prelude::*;

use super::load;
use crate::input::Request;
use crate::settings::Settings;
use crate::tables::TableKind;

/// The plan files, with `period` as the first day of its month (a bad period stops the
/// run with its file, row and column, in the input layer).
pub fn load_plan(s: &Settings, files: &[String]) -> anyhow::Result<DataFrame> {
    load(s, TableKind::Plan, files, &Request::plan())
}

/// The plan, lazily, when a plan file is given.
pub fn optional(s: &Settings, file: Option<&str>) -> anyhow::Result<Option<LazyFrame>> {
    file.map(|f| load_plan(s, &[f.to_string()]).map(DataFrame::lazy)).transpose()
}
