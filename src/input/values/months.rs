//! Months: the period column of plan and expense rows, read by `values::parse_month`,
//! the same reader as `kam report --period`, into a date on the month's first day.

use polars::prelude::*;

use super::dates::days_from_civil;
use super::udf::read_text;
use crate::values::parse_month;

/// 2024-3, 2024-03, 202403, 2024年3月 ... as the month's first day; null for anything else.
pub fn months(text: Expr) -> Expr {
    read_text::<Int32Type>(
        text,
        DataType::Date,
        |s| parse_month(s).map(|(year, month)| days_from_civil(year, month as i32, 1)),
        |days| days.into_date().into_series(),
    )
}

/// True where a date is not the first day of its month (a period given as a date).
pub fn not_first_day(date: Expr) -> Expr {
    date.dt().day().neq(lit(1)).fill_null(lit(false))
}

pub fn explain_month(value: &str) -> String {
    format!("'{value}' is not a month (expected YYYY-MM, e.g. 2024-03; 2024-3, 202403 and 2024年3月 are read too)")
}
