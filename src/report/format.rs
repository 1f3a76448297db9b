//! How a report column is shown: money with thousands separators, shares as
//! percentages, counts as whole numbers. One rule for report.html and report.xlsx, so
//! the page and the workbook agree.

use polars::prelude::*;
use rust_decimal::Decimal;

use crate::output::columns::{self, Kind as ColumnKind};
use crate::output::{cell_text, with_thousands};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Money,
    /// A ratio shown as a percentage (0.2 -> 20.0%).
    Percent,
    Integer,
    /// Any other number (scores, days, turnover): two decimals.
    Number,
    Date,
    Bool,
    Text,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Money | Kind::Percent | Kind::Integer | Kind::Number)
    }
}

/// The kind of a report column: output::columns' rule (the one of CSV and terminal
/// tables), with dates, flags and text told apart for the page.
pub fn kind_of(name: &str, dtype: &DataType) -> Kind {
    match (dtype, columns::kind(name, dtype)) {
        (DataType::Date, _) => Kind::Date,
        (DataType::Boolean, _) => Kind::Bool,
        (_, ColumnKind::Money) => Kind::Money,
        (_, ColumnKind::Share) => Kind::Percent,
        (dt, ColumnKind::Count) if dt.is_integer() => Kind::Integer,
        (dt, _) if dt.is_primitive_numeric() => Kind::Number,
        _ => Kind::Text,
    }
}

/// A ratio as a percentage with one decimal: 0.2 -> "20.0%".
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// Exact money with thousands separators, to the cent: 1234567.5 -> "1,234,567.50".
pub fn money(v: Decimal) -> String {
    let rounded = v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    with_thousands(&format!("{rounded:.2}"))
}

/// One cell as the page shows it ("" for null).
pub fn cell(value: &AnyValue, kind: Kind) -> String {
    if value.is_null() {
        return String::new();
    }
    match kind {
        Kind::Money => match value {
            AnyValue::Float64(f) => with_thousands(&format!("{f:.2}")),
            v => match v.to_string().parse::<Decimal>() {
                Ok(d) => money(d),
                Err(_) => cell_text(v, 2),
            },
        },
        Kind::Percent => value.extract::<f64>().filter(|f| f.is_finite()).map_or_else(String::new, percent),
        Kind::Integer => with_thousands(&cell_text(value, 0)),
        Kind::Number => value.extract::<f64>().filter(|f| f.is_finite()).map_or_else(String::new, |f| with_thousands(&format!("{f:.2}"))),
        _ => cell_text(value, 2),
    }
}

/// A money value of `frame` (exact: read from the decimal's text).
pub fn decimal_at(frame: &DataFrame, column: &str, row: usize) -> Option<Decimal> {
    let v = frame.column(column).ok()?.get(row).ok()?;
    if v.is_null() {
        return None;
    }
    v.to_string().parse::<Decimal>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_cells() {
        assert_eq!(kind_of("share", &DataType::Float64), Kind::Percent);
        assert_eq!(kind_of("m12", &DataType::Float64), Kind::Percent);
        assert_eq!(kind_of("score", &DataType::Float64), Kind::Number);
        assert_eq!(kind_of("sales", &DataType::Decimal(38, 2)), Kind::Money);
        assert_eq!(cell(&AnyValue::Float64(0.2), Kind::Percent), "20.0%");
        assert_eq!(cell(&AnyValue::Int64(1234567), Kind::Integer), "1,234,567");
        assert_eq!(money("1234567.505".parse().unwrap()), "1,234,567.51");
        assert_eq!(money("-1000".parse().unwrap()), "-1,000.00");
    }
}
