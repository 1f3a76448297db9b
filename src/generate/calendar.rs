//! The period's days and months.

use chrono::{Datelike, Duration, NaiveDate};

pub(super) struct Month {
    pub(super) year: i32,
    pub(super) month: u32,
    /// Day index (from `start`) of the month's last day within the period.
    pub(super) last_day: u32,
}

pub(super) struct Calendar {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) days: u32,
    pub(super) month_of_day: Vec<u32>,
    pub(super) months: Vec<Month>,
}

impl Calendar {
    pub(super) fn new(start: NaiveDate, end: NaiveDate) -> Calendar {
        let days = (end - start).num_days() as u32 + 1;
        let mut month_of_day = Vec::with_capacity(days as usize);
        let mut months: Vec<Month> = Vec::new();
        for day in 0..days {
            let date = start + Duration::days(day as i64);
            let is_new_month = months
                .last()
                .is_none_or(|m| m.year != date.year() || m.month != date.month());
            if is_new_month {
                months.push(Month {
                    year: date.year(),
                    month: date.month(),
                    last_day: day,
                });
            }
            let current = months.last_mut().expect("just pushed");
            current.last_day = day;
            month_of_day.push(months.len() as u32 - 1);
        }
        Calendar {
            start,
            end,
            days,
            month_of_day,
            months,
        }
    }

    pub(super) fn date(&self, day: i64) -> NaiveDate {
        self.start + Duration::days(day)
    }
}
