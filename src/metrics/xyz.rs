//! ABC-XYZ: how steadily each product sells (docs/metrics.md, "ABC-XYZ"). The
//! coefficient of variation of demand per interval over the period: the population
//! standard deviation over the mean, every interval of the period counted, those
//! without sales as zero. X below `x`, Y below `y`, Z otherwise.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::products::Interval;

/// The XYZ rules: the period, its intervals, and the class limits of cv.
#[derive(Debug, Clone, Copy)]
pub struct XyzSettings {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub x: f64,
    pub y: f64,
}

impl XyzSettings {
    /// The calendar months (or years) the period touches, partial ones included.
    pub fn intervals(&self) -> i64 {
        match self.interval {
            Interval::Month => (self.to.year() - self.from.year()) as i64 * 12 + self.to.month() as i64 - self.from.month() as i64 + 1,
            Interval::Year => (self.to.year() - self.from.year()) as i64 + 1,
        }
    }
}

/// The cv limits of classes X and Y: `0.5,1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvLimits {
    pub x: f64,
    pub y: f64,
}

impl std::str::FromStr for CvLimits {
    type Err = String;

    fn from_str(text: &str) -> Result<CvLimits, String> {
        let parts: Vec<Option<f64>> = text.split(',').map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        match parts.as_slice() {
            [Some(x), Some(y)] if 0.0 < *x && x < y => Ok(CvLimits { x: *x, y: *y }),
            _ => Err(format!("takes two limits of cv, X below the first, Y below the second, like 0.5,1.0 (0 < X < Y); got '{text}'")),
        }
    }
}

/// Per key: cv and xyz_class from the order lines' `demand` (quantity, or sales where
/// the orders have none). Sums per interval, then per key the sum and the sum of
/// squares: the zero intervals add nothing to either, so they need no rows.
pub fn classes(lines: LazyFrame, keys: &[&str], demand: Expr, s: &XyzSettings) -> LazyFrame {
    let label = col("order_date").dt().strftime(match s.interval {
        Interval::Month => "%Y-%m",
        Interval::Year => "%Y",
    });
    let mut by: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    by.push(label.alias("__interval"));
    let n = s.intervals() as f64;
    let mean = col("__sum") / lit(n);
    // Population variance: E[d²] − E[d]², floored at 0 against rounding.
    let variance = (col("__squares") / lit(n) - mean.clone() * mean.clone()).clip_min(lit(0.0));
    let cv = when(mean.clone().gt(lit(0.0))).then(variance.sqrt() / mean).otherwise(lit(NULL).cast(DataType::Float64));
    let class = when(col("cv").is_null())
        .then(lit(NULL).cast(DataType::String))
        .when(col("cv").lt(lit(s.x)))
        .then(lit("X"))
        .when(col("cv").lt(lit(s.y)))
        .then(lit("Y"))
        .otherwise(lit("Z"));
    lines
        .filter(col("order_date").gt_eq(lit(s.from)).and(col("order_date").lt_eq(lit(s.to))))
        .group_by(by)
        .agg([demand.cast(DataType::Float64).sum().alias("__d")])
        .group_by(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
        .agg([col("__d").sum().alias("__sum"), (col("__d") * col("__d")).sum().alias("__squares")])
        .with_column(cv.alias("cv"))
        .with_column(class.alias("xyz_class"))
        .select(keys.iter().map(|k| col(*k)).chain([col("cv"), col("xyz_class")]).collect::<Vec<_>>())
}

/// The product table with cv, xyz_class and abc_xyz ("AX") after class; a key without
/// sales in the period has neither.
pub fn with_xyz(table: LazyFrame, classes: LazyFrame, keys: &[&str], columns: &[String]) -> LazyFrame {
    let on: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut out: Vec<Expr> = Vec::new();
    for c in columns {
        out.push(col(c.as_str()));
        if c == "class" {
            out.extend([col("cv"), col("xyz_class"), concat_str([col("class"), col("xyz_class")], "", false).alias("abc_xyz")]);
        }
    }
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    table.join(classes, on.clone(), on, args).select(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_count_partial_months_and_years() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let s = XyzSettings { from: d("2024-01-15"), to: d("2024-12-01"), interval: Interval::Month, x: 0.5, y: 1.0 };
        assert_eq!(s.intervals(), 12);
        assert_eq!(XyzSettings { interval: Interval::Year, to: d("2025-01-01"), ..s }.intervals(), 2);
    }
}
