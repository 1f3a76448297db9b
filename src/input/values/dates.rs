//! Dates. The fast reader takes ISO dates (2024-03-05); the thorough one also
//! 2024/3/5, 2024年3月5日, 20240305, timestamps, Excel serial numbers and day-first or
//! month-first dates where the column settles which; `explain_date` says why not.

use polars::prelude::*;

use super::udf::read_text;

/// ISO dates (YYYY-MM-DD, exactly ten characters); null for anything else (see [`fast_date`]).
pub fn iso_dates(text: Expr) -> Expr {
    read_text::<Int32Type>(text, DataType::Date, fast_date, |days| days.into_date().into_series())
}

/// The fast pass's reading of a date: an ISO date in `YEARS`. Where it gives a day,
/// `thorough_date` must give the same (public so the fuzz targets can check that).
/// (reliability fix) It took any ISO date, so a file of ISO dates only read an
/// export's placeholder 0000-01-01 as a day of year 0, where the thorough pass refuses it.
pub fn fast_date(s: &str) -> Option<i32> {
    iso_date(s).filter(|&days| in_years(days))
}

/// Whether days since 1970-01-01 fall in `YEARS`.
fn in_years(days: i32) -> bool {
    (days_from_civil(*YEARS.start(), 1, 1)..=days_from_civil(*YEARS.end(), 12, 31)).contains(&days)
}

/// YYYY-MM-DD, a real day, as days since 1970-01-01.
pub fn iso_date(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |n, d| d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    (1..=days_in_month(year, month)?).contains(&day).then(|| days_from_civil(year, month, day))
}

/// The number of days in a month of the proleptic Gregorian calendar; None for no month.
fn days_in_month(year: i32, month: i32) -> Option<i32> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`): integer arithmetic only, run once per order line.
pub(super) fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The years kam takes a date in: 0000-01-01 or 9999-12-31 are placeholders of an
/// export, not days an order was placed.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// True where a typed date lies outside `YEARS` (null is not).
pub fn out_of_range(date: Expr) -> Expr {
    let first = days_from_civil(*YEARS.start(), 1, 1);
    let last = days_from_civil(*YEARS.end(), 12, 31);
    let days = date.cast(DataType::Int32);
    days.clone().lt(lit(first)).or(days.gt(lit(last))).fill_null(lit(false))
}

/// Which of day and month comes first in dates like 05/03/2024.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Dmy,
    Mdy,
}

impl std::str::FromStr for DateOrder {
    type Err = String;

    /// `--date-order dmy` (also kam.toml's `date_order`).
    fn from_str(text: &str) -> Result<DateOrder, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            _ => Err(format!("takes dmy or mdy, not '{text}'")),
        }
    }
}

/// A real day in `YEARS` as days since 1970-01-01.
fn day(year: i32, month: i32, day: i32) -> Option<i32> {
    let month_days = days_in_month(year, month)?;
    (YEARS.contains(&year) && (1..=month_days).contains(&day)).then(|| days_from_civil(year, month, day))
}

/// Dates as the thorough pass reads them (see [`thorough_date`]).
pub fn thorough_dates(text: Expr, order: Option<DateOrder>) -> Expr {
    read_text::<Int32Type>(text, DataType::Date, move |s| thorough_date(s, order), |days| days.into_date().into_series())
}

/// The numbers of a date's text and the separators between them, time part removed.
fn date_parts(s: &str) -> Option<Vec<&str>> {
    let s = s.trim();
    // A time part after the date: "2024-03-05 10:11:12", "2024-03-05T10:11".
    let s = match s.find([' ', 'T']) {
        Some(i) if s[i + 1..].trim_start().chars().next().is_some_and(|c| c.is_ascii_digit()) && s[i..].contains(':') => &s[..i],
        _ => s,
    };
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())).then_some(parts)
}

/// A date as exports write it: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305,
/// an optional time part, an Excel serial number (45292 is 2024-01-01, the 1900 system),
/// and, with `order`, 05/03/2024 day- or month-first. None for anything else.
pub fn thorough_date(s: &str, order: Option<DateOrder>) -> Option<i32> {
    let t = s.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| t[r].parse::<i32>().ok();
        return day(n(0..4)?, n(4..6)?, n(6..8)?);
    }
    if let Some(days) = serial_date(t) {
        return Some(days);
    }
    let parts = date_parts(t)?;
    let n: Vec<i32> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match (parts.as_slice(), n.as_slice()) {
        ([y, _, _], [year, month, d]) if y.len() == 4 => day(*year, *month, *d),
        ([_, _, y], [a, b, year]) if y.len() == 4 => match order? {
            DateOrder::Dmy => day(*year, *b, *a),
            DateOrder::Mdy => day(*year, *a, *b),
        },
        _ => None,
    }
}

/// An Excel serial day number (five digits, an optional fraction for the time of day) in
/// the 1900 system: day 1 is 1900-01-01 and Excel counts a 29 February 1900 that was not,
/// so from day 61 on the days are counted from 1899-12-30.
pub fn serial_date(t: &str) -> Option<i32> {
    let whole = t.split_once('.').map_or(t, |(w, f)| if f.bytes().all(|b| b.is_ascii_digit()) { w } else { "" });
    if whole.len() != 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: i32 = whole.parse().ok()?;
    let days = serial + days_from_civil(1899, 12, 30);
    in_years(days).then_some(days)
}

/// The order of day and month that the dates of one column allow: the one that reads a
/// value with a first or second number above 12; None when neither or both do, or the
/// column has no such dates.
pub fn column_order(values: &StringChunked) -> Option<DateOrder> {
    let (mut dmy, mut mdy) = (false, false);
    for s in values.iter().flatten() {
        if let Some(parts) = date_parts(s) {
            if let ([a, b, y], true) = (parts.as_slice(), parts.len() == 3) {
                if y.len() == 4 && a.len() <= 2 && b.len() <= 2 {
                    let (a, b): (i32, i32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
                    dmy |= a > 12;
                    mdy |= b > 12;
                }
            }
        }
    }
    match (dmy, mdy) {
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        _ => None,
    }
}

/// A hint for a column of day/month dates whose order the column does not settle.
pub fn order_hint(values: &StringChunked) -> String {
    let shaped = values.iter().flatten().any(|s| date_parts(s).is_some_and(|p| p.len() == 3 && p[2].len() == 4));
    if !shaped {
        return String::new();
    }
    let (mut dmy, mut mdy) = (false, false);
    for s in values.iter().flatten() {
        if let Some(p) = date_parts(s).filter(|p| p.len() == 3 && p[2].len() == 4) {
            dmy |= p[0].parse::<i32>().unwrap_or(0) > 12;
            mdy |= p[1].parse::<i32>().unwrap_or(0) > 12;
        }
    }
    if dmy && mdy {
        " (the column has day-first and month-first dates both: export it with one date format)".into()
    } else {
        " (no day in the column is above 12, so day-first and month-first cannot be told apart: pass --date-order dmy or --date-order mdy)".into()
    }
}

/// Dates as ISO, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305, with an optional time
/// part, in a forced chrono `format` if given: polars' own parser, used by `kam schema`
/// to count dates and by the passes when --date-format is given.
pub fn date_from_text(text: Expr, format: Option<&str>) -> Expr {
    let options = |f: &str| StrptimeOptions { format: Some(f.into()), strict: false, exact: true, cache: true };
    match format {
        Some(f) => text.str().to_date(options(f)),
        None => thorough_dates(text, None),
    }
}

pub fn explain_date(value: &str, format: Option<&str>) -> String {
    let year = date_parts(value).and_then(|p| p.iter().find(|x| x.len() == 4).and_then(|y| y.parse::<i32>().ok()));
    if let Some(y) = year.filter(|y| !YEARS.contains(y)) {
        return format!(
            "'{value}' is not a day an order was placed (year {y}; kam reads years {} to {}): a placeholder of the export? Correct the row or leave it out",
            YEARS.start(),
            YEARS.end()
        );
    }
    format!(
        "cannot read '{value}' as a date: expected a real calendar date like 2024-03-05, 2024/3/5 or 20240305{}",
        match format {
            Some(f) => format!(" (or the format {f} given by --date-format)"),
            None => "; use --date-format to force another format, e.g. --date-format %d.%m.%Y".to_string(),
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;


    #[test]
    fn iso_dates_are_days_since_1970_and_only_real_days() {
        use chrono::Datelike;
        assert_eq!(iso_date("1970-01-01"), Some(0));
        assert_eq!(iso_date("1969-12-31"), Some(-1));
        // 2024-03-01: 54 years of 365 days, 13 leap days (1972..2020), then Jan + Feb 2024 (31 + 29).
        assert_eq!(iso_date("2024-03-01"), Some(54 * 365 + 13 + 31 + 29));
        // Every day from 1600 to 2400 against chrono, an independent calendar.
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut day = chrono::NaiveDate::from_ymd_opt(1600, 1, 1).unwrap();
        while day.year() < 2400 {
            let text = day.format("%Y-%m-%d").to_string();
            assert_eq!(iso_date(&text), Some((day - epoch).num_days() as i32), "{text}");
            day = day.succ_opt().unwrap();
        }
        for other in ["2100-02-29", "1900-02-29", "2023-04-31", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-05", "2024/01/05", "20240105", "2024-01-05 ", "2024-01-05T00:00", "２０２４-01-05"] {
            assert_eq!(iso_date(other), None, "{other:?}");
        }
    }

    /// Found by the `dates` fuzz target: the fast reader must only decline, never read
    /// a text the thorough reader refuses.
    #[test]
    fn the_fast_reader_takes_only_days_the_thorough_one_takes() {
        for text in ["0000-01-01", "0972-06-10", "1899-12-31", "2200-01-01", "9999-12-31"] {
            assert!(iso_date(text).is_some(), "{text} is a calendar day");
            assert_eq!(fast_date(text), None, "{text}");
            assert_eq!(thorough_date(text, None), None, "{text}");
        }
        for text in ["1900-01-01", "2024-02-29", "2199-12-31"] {
            assert_eq!(fast_date(text), thorough_date(text, None), "{text}");
            assert!(fast_date(text).is_some(), "{text}");
        }
    }

    #[test]
    fn dates_as_exports_write_them() {
        let read = |s: &str, o| thorough_date(s, o).map(|d| d - iso_date("2024-01-01").unwrap());
        for text in ["2024-01-01", "2024/1/1", "2024.1.1", "2024年1月1日", "20240101", "2024-01-01 10:11:12", "2024-01-01T00:00", "45292"] {
            // 45292: 1899-12-30 + 45292 days is 2024-01-01 (Excel's 1900 system).
            assert_eq!(read(text, None), Some(0), "{text}");
        }
        assert_eq!(read("05/01/2024", Some(DateOrder::Dmy)), Some(4));
        assert_eq!(read("01/05/2024", Some(DateOrder::Mdy)), Some(4));
        assert_eq!(read("05/01/2024", None), None);
        assert_eq!(thorough_date("0000-01-01", None), None);
        assert_eq!(thorough_date("2023-02-29", None), None);
    }

    #[test]
    fn the_column_decides_day_first_or_month_first() {
        let column = |v: &[&str]| StringChunked::from_slice("d".into(), v);
        assert_eq!(column_order(&column(&["05/03/2024", "25/03/2024"])), Some(DateOrder::Dmy));
        assert_eq!(column_order(&column(&["03/25/2024", "03/05/2024"])), Some(DateOrder::Mdy));
        assert_eq!(column_order(&column(&["03/05/2024"])), None);
        assert_eq!(column_order(&column(&["13/05/2024", "03/25/2024"])), None);
    }
}
