//! What a result column holds, and the precision that follows from it (docs/cli.md,
//! "Numbers in the output"):
//!
//! - money is exact (Decimal at the money scale); money that is a prediction or an
//!   average (CLV, expected spend, monthly sales) is rounded to cents;
//! - counts are integers: a quantity column whose values are all whole is written as one;
//! - scores have 2 decimals; shares and other ratios 6 in CSV (tables show shares as
//!   percentages with 2 decimals, other ratios with 4).

use polars::prelude::*;

/// The kinds of column the output layer formats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Money,
    Count,
    Score,
    Share,
    Other,
}

/// Float columns that are money: predictions and averages, rounded to cents on output.
const FLOAT_MONEY: &[&str] = &["m", "expected_spend", "clv", "monthly_sales", "avg_order_value", "sales", "gross_profit"];
/// Float columns of quantities: integers when every value is whole.
const QUANTITIES: &[&str] = &["quantity", "opening_qty", "closing_qty"];
/// Float columns that are shares of a whole, changes or rates: percentages in tables.
const SHARES: &[&str] = &["growth", "p_alive", "plan_gap", "achievement_rate"];

/// The kind of the column `name` of type `dtype`.
pub fn kind(name: &str, dtype: &DataType) -> Kind {
    if dtype.is_decimal() || (dtype.is_float() && FLOAT_MONEY.contains(&name)) {
        return Kind::Money;
    }
    if dtype.is_integer() || (dtype.is_float() && QUANTITIES.contains(&name)) {
        return Kind::Count;
    }
    if !dtype.is_float() {
        return Kind::Other;
    }
    if name == "score" || name.starts_with("score_") {
        return Kind::Score;
    }
    let is_share = SHARES.contains(&name)
        || name.ends_with("share")
        || name.ends_with("_rate")
        || name.starts_with("change_")
        || is_cohort_month(name);
    if is_share {
        Kind::Share
    } else {
        Kind::Other
    }
}

/// kam cohorts' m0, m1, ...: the share of the cohort (or its sales against the first month).
fn is_cohort_month(name: &str) -> bool {
    name.len() > 1 && name.starts_with('m') && name[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Thousands separators in a decimal text: 1234567.50 -> 1,234,567.50.
pub fn with_thousands(amount: &str) -> String {
    let (sign, rest) = amount.strip_prefix('-').map_or(("", amount), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// The frame as files get it: float money rounded to cents as Decimal, scores at 2
/// decimals, whole quantities as integers. A column with a non-finite value (an
/// infinite CLV of a heavy-tailed fit) is left as it is rather than emptied.
pub fn at_natural_precision(frame: &DataFrame) -> anyhow::Result<DataFrame> {
    let mut changes = vec![];
    for column in frame.columns() {
        let (name, dtype) = (column.name().as_str(), column.dtype());
        if !dtype.is_float() {
            continue;
        }
        let values = column.cast(&DataType::Float64)?;
        let values = values.f64()?;
        if values.iter().flatten().any(|v| !v.is_finite()) {
            continue;
        }
        let rounded = |digits: usize| {
            col(name).round(digits as u32, RoundMode::HalfAwayFromZero).cast(DataType::Decimal(38, digits)).alias(name)
        };
        match kind(name, dtype) {
            Kind::Money => changes.push(rounded(2)),
            Kind::Score => changes.push(rounded(2)),
            Kind::Count if values.iter().flatten().all(|v| v.fract() == 0.0 && v.abs() < 9.0e15) => {
                changes.push(col(name).cast(DataType::Int64).alias(name))
            }
            _ => {}
        }
    }
    if changes.is_empty() {
        return Ok(frame.clone());
    }
    Ok(frame.clone().lazy().with_columns(changes).collect()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_in_the_integer_part() {
        assert_eq!(with_thousands("1234567.50"), "1,234,567.50");
        assert_eq!(with_thousands("-999.00"), "-999.00");
        assert_eq!(with_thousands("100000.01"), "100,000.01");
    }

    #[test]
    fn kinds_follow_names_and_types() {
        assert_eq!(kind("clv", &DataType::Float64), Kind::Money);
        assert_eq!(kind("sales", &DataType::Decimal(38, 2)), Kind::Money);
        assert_eq!(kind("cum_share", &DataType::Float64), Kind::Share);
        assert_eq!(kind("gross_margin_rate", &DataType::Float64), Kind::Share);
        assert_eq!(kind("m3", &DataType::Float64), Kind::Share);
        assert_eq!(kind("m", &DataType::Float64), Kind::Money);
        assert_eq!(kind("score_clv", &DataType::Float64), Kind::Score);
        assert_eq!(kind("turnover", &DataType::Float64), Kind::Other);
        assert_eq!(kind("orders", &DataType::UInt32), Kind::Count);
        assert_eq!(kind("customer_id", &DataType::String), Kind::Other);
    }

    #[test]
    fn money_is_rounded_to_cents_and_whole_quantities_become_integers() {
        let frame = df!(
            "clv" => [927_199.434_141, 0.005, -1.125],
            "quantity" => [108.0, 27.0, 3.0],
            "avg_qty" => [1.5, 2.0, 3.0],
            "score" => [91.42, 50.0, 0.004_9],
            "share" => [0.175_88, 0.5, 1.0],
        )
        .unwrap();
        let out = at_natural_precision(&frame).unwrap();
        let text = |c: &str| -> Vec<String> { out.column(c).unwrap().as_materialized_series().iter().map(|v| v.to_string()).collect() };
        // Half away from zero, at cents: 0.005 -> 0.01, -1.125 -> -1.13.
        assert_eq!(text("clv"), ["927199.43", "0.01", "-1.13"]);
        assert_eq!(out.column("quantity").unwrap().dtype(), &DataType::Int64);
        assert_eq!(out.column("avg_qty").unwrap().dtype(), &DataType::Float64);
        assert_eq!(text("score"), ["91.42", "50.00", "0.00"]);
        assert_eq!(out.column("share").unwrap().dtype(), &DataType::Float64);
    }

    #[test]
    fn an_infinite_prediction_is_kept_not_emptied() {
        let frame = df!("clv" => [1.0, f64::INFINITY]).unwrap();
        assert_eq!(at_natural_precision(&frame).unwrap().column("clv").unwrap().dtype(), &DataType::Float64);
    }
}
