//! How a report column is shown: money with thousands separators, shares as
//! percentages, counts as whole numbers. One rule for report.html and report.xlsx, so
//! the page and the workbook agree.

use polars::prelude::*;
use rust_decimal::Decimal;

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

/// Ratio columns of the report's tables (cohort cells m0, m1, … too).
const PERCENT: &[&str] = &[
    "share", "cum_share", "item_share", "sales_share", "gross_margin_rate", "margin_rate", "growth", "change_prev",
    "change_last_year", "plan_gap", "assets_share", "largest_order_share", "change_pct",
];

/// Money computed in floating point (CLV's predictions): money formats, not exact.
const MONEY_FLOATS: &[&str] = &["clv", "expected_spend", "avg_order_value", "sales", "gross_profit"];

pub fn kind_of(name: &str, dtype: &DataType) -> Kind {
    let cohort_cell = name.len() > 1 && name.starts_with('m') && name[1..].chars().all(|c| c.is_ascii_digit());
    match dtype {
        DataType::Decimal(..) => Kind::Money,
        DataType::Date => Kind::Date,
        DataType::Boolean => Kind::Bool,
        dt if dt.is_float() && (PERCENT.contains(&name) || cohort_cell) => Kind::Percent,
        dt if dt.is_float() && MONEY_FLOATS.contains(&name) => Kind::Money,
        dt if dt.is_float() => Kind::Number,
        dt if dt.is_integer() => Kind::Integer,
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
