//! The analysed period: `--from`, `--to` and `--as-of`, all inclusive dates.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::cli::PeriodArgs;
use crate::error::bad_input;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    /// The last day analysed: `--to`, or `--as-of` when `--to` is absent.
    pub to: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
}

/// Parse a date given on the command line: ISO, 2024/3/5 or 20240305.
pub fn parse_date(option: &str, text: &str) -> anyhow::Result<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| bad_input(format!("{option}: cannot read '{text}' as a date (expected e.g. 2024-06-30)")))
}

impl Period {
    pub fn from_args(args: &PeriodArgs) -> anyhow::Result<Period> {
        let parse = |name: &str, v: &Option<String>| v.as_deref().map(|s| parse_date(name, s)).transpose();
        let from = parse("--from", &args.from)?;
        let as_of = parse("--as-of", &args.as_of)?;
        let to = parse("--to", &args.to)?.or(as_of);
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
