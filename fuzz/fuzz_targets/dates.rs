//! The date readers on their own, without a polars frame: `iso_date` (the fast
//! reader), `thorough_date`, `serial_date` and `explain_date`, called directly on
//! the text, so a run takes microseconds.
//!
//! Checked, besides "no panic":
//! - `iso_date` accepts exactly the texts that are a real day written YYYY-MM-DD, and
//!   gives chrono's count of days since 1970-01-01 for it;
//! - the fast reader agrees with the thorough one wherever it accepts a text (what
//!   `values::Pass` promises: the fast pass may only decline, never read differently);
//! - every day the thorough reader gives lies in `YEARS`; a serial number reads as the
//!   thorough reader reads it; a day/month order only adds readings, never changes one;
//! - a real day built from the input, written in each documented spelling (2024-03-05,
//!   2024/3/5, 2024.3.5, 2024年3月5日, 20240305, a time part, 05/03/2024 with its order,
//!   an Excel serial), reads as that day.
#![no_main]

use chrono::{Datelike, NaiveDate};
use kam::input::values::dates::{explain_date, fast_date, iso_date, serial_date, thorough_date, DateOrder, YEARS};
use libfuzzer_sys::fuzz_target;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
}

fn days(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

fn check_text(text: &str) {
    // iso_date: exactly the texts chrono reads as YYYY-MM-DD and writes back unchanged.
    // (chrono also writes years before 0 and after 9999, with a sign: not YYYY.)
    let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (0..=9999).contains(&d.year()) && d.format("%Y-%m-%d").to_string() == text);
    assert_eq!(iso_date(text), chrono.map(days), "iso_date({text:?})");

    let thorough = thorough_date(text, None);
    for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
        let read = thorough_date(text, order);
        if let Some(d) = read {
            let day = epoch() + chrono::Duration::days(i64::from(d));
            assert!(YEARS.contains(&day.year()), "thorough_date({text:?}, {order:?}) = {day}, outside {YEARS:?}");
        }
        // An order only settles D/M/Y forms; what reads without one reads the same with one.
        if thorough.is_some() {
            assert_eq!(read, thorough, "thorough_date({text:?}, {order:?})");
        }
        // The fast reader only declines: where it reads a day, the thorough one reads the same.
        if let Some(fast) = fast_date(text) {
            assert_eq!(read, Some(fast), "fast_date({text:?}) = {fast} but thorough_date(.., {order:?}) differs");
        }
    }
    if let Some(d) = serial_date(text.trim()) {
        assert_eq!(thorough, Some(d), "serial_date({text:?})");
    }
    assert!(!explain_date(text, None).is_empty());
    assert!(!explain_date(text, Some("%d.%m.%Y")).is_empty());
}

/// A day in `YEARS` from the input's bytes, written every way exports write it.
fn check_spellings(bytes: &[u8]) {
    let [a, b, c, d, pad, ..] = *bytes else { return };
    let year = *YEARS.start() + (i32::from(u16::from_le_bytes([a, b])) % (YEARS.end() - YEARS.start() + 1));
    let (month, day) = (u32::from(c % 12) + 1, u32::from(d % 31) + 1);
    let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else { return };
    let want = Some(days(date));
    let space = " ".repeat(usize::from(pad % 3));
    let mut spellings = vec![
        (format!("{year:04}-{month:02}-{day:02}"), None),
        (format!("{year}/{month}/{day}"), None),
        (format!("{year}.{month}.{day}"), None),
        (format!("{year}-{month}-{day}"), None),
        (format!("{year}年{month}月{day}日"), None),
        (format!("{year:04}{month:02}{day:02}"), None),
        (format!("{year:04}-{month:02}-{day:02} 10:11:12"), None),
        (format!("{year:04}-{month:02}-{day:02}T00:00"), None),
        (format!("{year}/{month:02}/{day:02} 23:59"), None),
        (format!("{day:02}/{month:02}/{year}"), Some(DateOrder::Dmy)),
        (format!("{day}.{month}.{year}"), Some(DateOrder::Dmy)),
        (format!("{month:02}/{day:02}/{year}"), Some(DateOrder::Mdy)),
    ];
    // Excel's 1900 system: serial 45292 is 2024-01-01 (day 0 is 1899-12-30 from day 61 on).
    let serial = (date - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days();
    if (10_000..100_000).contains(&serial) {
        spellings.push((format!("{serial}"), None));
        spellings.push((format!("{serial}.{}", pad % 10), None));
    }
    for (text, order) in spellings {
        let padded = format!("{space}{text}{space}");
        assert_eq!(thorough_date(&padded, order), want, "thorough_date({padded:?}, {order:?}) for {date}");
    }
    assert_eq!(iso_date(&format!("{year:04}-{month:02}-{day:02}")), want);
    assert_eq!(fast_date(&format!("{year:04}-{month:02}-{day:02}")), want);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
    check_spellings(data);
});
