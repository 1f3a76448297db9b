//! The analysed period: `--from`, `--to` and `--as-of`, all inclusive dates.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::bad_input;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    /// The last day analysed: `--to`, or `--as-of` when `--to` is absent.
    pub to: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
}

impl Period {
    /// The period of `--from`, `--to` and `--as-of` (`--to` defaults to `--as-of`).
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>, as_of: Option<NaiveDate>) -> anyhow::Result<Period> {
        let to = to.or(as_of);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(bad_input(format!("the period is empty: --from {f} is after the end {t}")));
            }
        }
        Ok(Period { from, to, as_of })
    }

    pub fn is_bounded(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Keep rows whose `date_column` lies in the period.
    pub fn filter(&self, frame: LazyFrame, date_column: &str) -> LazyFrame {
        let mut frame = frame;
        if let Some(f) = self.from {
            frame = frame.filter(col(date_column).gt_eq(lit(f)));
        }
        if let Some(t) = self.to {
            frame = frame.filter(col(date_column).lt_eq(lit(t)));
        }
        frame
    }

    /// "2024-01-01 to 2024-06-30", for messages.
    pub fn describe(&self) -> String {
        let show = |d: Option<NaiveDate>, open: &str| d.map_or(open.to_string(), |d| d.to_string());
        format!("{} to {}", show(self.from, "the start"), show(self.to, "the end"))
    }
}
