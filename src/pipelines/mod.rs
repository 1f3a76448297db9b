//! The preparations several commands share, each from resolved settings: order lines,
//! the plan, the aging table, churn, CLV with its defaults, the scorecard and the
//! alerts. A command resolves its settings, runs these, prints notes and writes its
//! output; `kam report` composes them.

pub mod abc;
pub mod aging;
pub mod alerts;
pub mod churn;
pub mod clv;
pub mod cohorts;
pub mod names;
pub mod orders;
pub mod plan;
pub mod profile;
pub mod products;
pub mod rfm;
pub mod scorecard;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::bad_input;
use crate::input::{self, Request};
use crate::settings::Settings;
use crate::tables::TableKind;

/// Read `files` as `table`, with that table's settings.
pub fn load(s: &Settings, table: TableKind, files: &[String], request: &Request) -> anyhow::Result<DataFrame> {
    input::load(&s.input(table, files), request)
}

/// Add the optional roles a file did not have as typed null columns.
pub fn with_missing(frame: DataFrame, columns: &[(&str, DataType)]) -> LazyFrame {
    let present: Vec<bool> = columns.iter().map(|(name, _)| frame.get_column_index(name).is_some()).collect();
    add_missing(frame.lazy(), columns, &present)
}

/// [`with_missing`] for a frame not yet computed (a streamed query's input).
pub fn with_missing_lazy(frame: LazyFrame, columns: &[(&str, DataType)]) -> PolarsResult<LazyFrame> {
    let schema = frame.clone().collect_schema()?;
    let present: Vec<bool> = columns.iter().map(|(name, _)| schema.contains(name)).collect();
    Ok(add_missing(frame, columns, &present))
}

fn add_missing(frame: LazyFrame, columns: &[(&str, DataType)], present: &[bool]) -> LazyFrame {
    let missing: Vec<Expr> =
        columns.iter().zip(present).filter(|(_, p)| !**p).map(|((name, dtype), _)| lit(NULL).cast(dtype.clone()).alias(*name)).collect();
    if missing.is_empty() {
        frame
    } else {
        frame.with_columns(missing)
    }
}

/// The date in the first row of `column`, if there is one.
pub fn first_date(frame: &DataFrame, column: &str) -> anyhow::Result<Option<NaiveDate>> {
    Ok(match frame.column(column)?.get(0) {
        Ok(AnyValue::Date(days)) => NaiveDate::from_num_days_from_ce_opt(days + 719_163), // 719,163: days from 0001-01-01 to 1970-01-01
        _ => None,
    })
}

/// The latest date of `column` (the end of the data when no --as-of is given).
pub fn last_date(frame: LazyFrame, column: &str, what: &str) -> anyhow::Result<NaiveDate> {
    let max = frame.select([col(column).max()]).collect()?;
    first_date(&max, column)?.ok_or_else(|| bad_input(format!("the {what} have no dates in {column}")))
}
