//! The calendar windows of the churn and sales-progress warnings: this period, the one
//! before and the same period last year (docs/warnings.md).

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;

/// The three date windows compared by the sales-progress warning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    /// This period: the first day of the month `months − 1` before as-of's month, to as-of.
    pub current: (NaiveDate, NaiveDate),
    /// The same shape `months` months earlier.
    pub previous: (NaiveDate, NaiveDate),
    /// The same shape 12 months earlier.
    pub last_year: (NaiveDate, NaiveDate),
    pub months: u32,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn month_end(d: NaiveDate) -> NaiveDate {
    month_start(d) + Months::new(1) - chrono::Duration::days(1)
}

/// Shift a window end back by `n` months; a month end stays a month end.
fn shift_end(end: NaiveDate, n: u32) -> NaiveDate {
    let shifted = end - Months::new(n);
    if end == month_end(end) {
        month_end(shifted)
    } else {
        shifted
    }
}

impl Windows {
    pub fn new(as_of: NaiveDate, months: u32) -> Windows {
        let start = month_start(as_of) - Months::new(months - 1);
        let back = |n: u32| (start - Months::new(n), shift_end(as_of, n));
        Windows { current: (start, as_of), previous: back(months), last_year: back(12), months }
    }

    /// Months of the current window as the plan's periods (each month's first day),
    /// each with the share of it inside the window (1 for whole months, day /
    /// days-in-month for as-of's month).
    pub fn plan_months(&self) -> Vec<(NaiveDate, f64)> {
        let (start, end) = self.current;
        let mut out = Vec::new();
        let mut m = start;
        while m <= end {
            let weight = if month_start(end) == m {
                end.day() as f64 / month_end(end).day() as f64
            } else {
                1.0
            };
            out.push((m, weight));
            m = m + Months::new(1);
        }
        out
    }
}

/// Rows whose `c` (a date) falls in the window, ends included.
pub fn in_window(c: &str, w: (NaiveDate, NaiveDate)) -> Expr {
    col(c).gt_eq(lit(w.0)).and(col(c).lt_eq(lit(w.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn windows_are_calendar_months_to_date() {
        let w = Windows::new(d("2024-06-30"), 1);
        assert_eq!(w.current, (d("2024-06-01"), d("2024-06-30")));
        assert_eq!(w.previous, (d("2024-05-01"), d("2024-05-31")));
        assert_eq!(w.last_year, (d("2023-06-01"), d("2023-06-30")));
        let w = Windows::new(d("2024-03-15"), 3);
        assert_eq!(w.current, (d("2024-01-01"), d("2024-03-15")));
        assert_eq!(w.previous, (d("2023-10-01"), d("2023-12-15")));
        let w = Windows::new(d("2024-02-29"), 1);
        assert_eq!(w.last_year, (d("2023-02-01"), d("2023-02-28")));
        assert_eq!(w.previous, (d("2024-01-01"), d("2024-01-31")));
        let months = Windows::new(d("2024-06-15"), 2).plan_months();
        assert_eq!(months, vec![(d("2024-05-01"), 1.0), (d("2024-06-01"), 0.5)]);
    }
}
