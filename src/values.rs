//! Typed option values: one parser for each kind of value. They are clap's value
//! parsers, so a bad value is a usage error (exit 2) before any file is opened, and
//! they read kam.toml's strings too. Messages do not name the option: clap and the
//! kam.toml reader put the option or key in front.
//!
//! The metric-specific kinds (thresholds, buckets, weights, tiers) parse in their
//! metric modules, with the same `FromStr`.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::tables::TableKind;

/// A share or rate: 0.20 or 20%, not negative (limits above 1 are checked where used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd)]
pub struct Share(pub Decimal);

impl FromStr for Share {
    type Err = String;

    fn from_str(text: &str) -> Result<Share, String> {
        let t = text.trim();
        let (digits, percent) = match t.strip_suffix('%') {
            Some(d) => (d.trim(), true),
            None => (t, false),
        };
        let v: Decimal = digits
            .parse()
            .or_else(|_| Decimal::from_scientific(digits))
            .map_err(|_| format!("'{text}' is not a share (expected e.g. 0.20 or 20%)"))?;
        let v = if percent { v / Decimal::ONE_HUNDRED } else { v };
        if v < Decimal::ZERO {
            return Err(format!("a share cannot be negative ('{text}')"));
        }
        Ok(Share(v.normalize()))
    }
}

impl Share {
    pub fn as_f64(self) -> f64 {
        self.0.to_string().parse().unwrap_or(f64::NAN)
    }
}

/// An amount of money given on the command line, exactly: 5000000 or 5,000,000.00; above 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Decimal);

impl FromStr for Amount {
    type Err = String;

    fn from_str(text: &str) -> Result<Amount, String> {
        let cleaned: String = text.chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
        let v: Decimal =
            cleaned.parse().map_err(|_| format!("'{text}' is not an amount (expected e.g. 5000000 or 5,000,000.00)"))?;
        if v <= Decimal::ZERO {
            return Err(format!("the amount must be positive, not '{text}'"));
        }
        Ok(Amount(v))
    }
}

/// A day: 2024-06-30, 2024/6/30 or 20240630.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub NaiveDate);

impl FromStr for Day {
    type Err = String;

    fn from_str(text: &str) -> Result<Day, String> {
        let t = text.trim();
        ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
            .map(Day)
            .ok_or_else(|| format!("cannot read '{text}' as a date (expected e.g. 2024-06-30)"))
    }
}

/// Two days, both included: `2024-01-01..2024-06-30` (`kam abc --compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl FromStr for DayRange {
    type Err = String;

    fn from_str(text: &str) -> Result<DayRange, String> {
        let (from, to) = text.split_once("..").ok_or_else(|| format!("takes FROM..TO, e.g. 2024-01-01..2024-06-30, not '{text}'"))?;
        let (from, to) = (from.parse::<Day>()?.0, to.parse::<Day>()?.0);
        if from > to {
            return Err(format!("the range is empty: {from} is after {to}"));
        }
        Ok(DayRange { from, to })
    }
}

/// A calendar month: the one reader of `--period` and of the period column of plan and
/// expense files. 2024-3, 2024-03, 2024/03, 2024.03, 202403 and 2024年3月 are March 2024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

/// (year, month) of a month written as `Month` documents; None for anything else.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // (reliability fix) 年 goes with 月 and only with it: 2024-3月 and 2024年3 were read
    // too; and YYYYMM is cut with `get`, as a six-byte text may hold a multi-byte character.
    let (year, month) = if let Some(chinese) = t.strip_suffix('月') {
        chinese.split_once('年')?
    } else {
        match t.find(['-', '/', '.']) {
            Some(i) => (&t[..i], &t[i + 1..]),
            None if t.len() == 6 => (t.get(..4)?, t.get(4..)?),
            None => return None,
        }
    };
    if year.len() != 4 || !digits(year) || !(1..=2).contains(&month.len()) || !digits(month) {
        return None;
    }
    let (year, month): (i32, u32) = (year.parse().ok()?, month.parse().ok()?);
    (1..=12).contains(&month).then_some((year, month))
}

impl FromStr for Month {
    type Err = String;

    fn from_str(text: &str) -> Result<Month, String> {
        parse_month(text)
            .map(|(year, month)| Month { year, month })
            .ok_or_else(|| format!("'{text}' is not a month (expected e.g. 2024-03, 202403 or 2024年3月)"))
    }
}

impl Month {
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        NaiveDate::from_ymd_opt(next.0, next.1, 1).and_then(|d| d.pred_opt()).expect("a checked month")
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a table is grouped by (`--by`): customers, products or any other column.
/// `customer`, `customer_id` and `Customer` are one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Customer,
    Product,
    Column(String),
}

impl FromStr for Key {
    type Err = String;

    fn from_str(text: &str) -> Result<Key, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("an empty key: name a column, or customer or product".into());
        }
        Ok(match t.to_ascii_lowercase().trim_end_matches("_id") {
            "customer" => Key::Customer,
            "product" => Key::Product,
            _ => Key::Column(t.to_string()),
        })
    }
}

impl Key {
    /// The column grouped by.
    pub fn column(&self) -> &str {
        match self {
            Key::Customer => "customer_id",
            Key::Product => "product_id",
            Key::Column(c) => c,
        }
    }

    /// The name column shown beside the key.
    pub fn name_column(&self) -> Option<&'static str> {
        match self {
            Key::Customer => Some("customer_name"),
            Key::Product => Some("product_name"),
            Key::Column(_) => None,
        }
    }
}

/// One CSV field delimiter: one ASCII character, or `tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiter(pub u8);

impl FromStr for Delimiter {
    type Err = String;

    fn from_str(s: &str) -> Result<Delimiter, String> {
        match s {
            "tab" | "\\t" | "\t" => Ok(Delimiter(b'\t')),
            _ if s.len() == 1 && s.is_ascii() => Ok(Delimiter(s.as_bytes()[0])),
            _ => Err(format!("a delimiter is one ASCII character or 'tab', not '{s}'")),
        }
    }
}

/// `ROLE=HEADER`: the column a role is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    pub role: String,
    pub header: String,
}

impl FromStr for ColumnMapping {
    type Err = String;

    fn from_str(text: &str) -> Result<ColumnMapping, String> {
        match text.split_once('=') {
            Some((role, header)) if !role.trim().is_empty() && !header.trim().is_empty() => {
                Ok(ColumnMapping { role: role.trim().to_string(), header: header.trim().to_string() })
            }
            _ => Err(format!("takes ROLE=HEADER (e.g. amount=金额), not '{text}'")),
        }
    }
}

/// A per-table value: `receivables:gbk` is for the receivables only, `gbk` for every
/// table (and `--col` without a table is for the command's main input). The one scheme
/// for addressing a table, in every option that reads one (docs/cli.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped<T> {
    pub table: Option<TableKind>,
    pub value: T,
}

impl<T: FromStr<Err = String>> FromStr for Scoped<T> {
    type Err = String;

    fn from_str(text: &str) -> Result<Scoped<T>, String> {
        if let Some((prefix, rest)) = text.split_once(':') {
            if let Some(table) = TableKind::from_name(prefix) {
                return Ok(Scoped { table: Some(table), value: rest.parse()? });
            }
        }
        Ok(Scoped { table: None, value: text.parse()? })
    }
}

/// A whole number checked against a range, e.g. the money scale (0 to 12).
pub fn number_in<T: FromStr + PartialOrd + std::fmt::Display + Copy>(text: &str, low: T, high: T) -> Result<T, String> {
    let v: T = text.trim().parse().map_err(|_| format!("'{text}' is not a whole number"))?;
    if v < low || v > high {
        return Err(format!("must be between {low} and {high}, not {v}"));
    }
    Ok(v)
}

/// The money scale: decimal places kept for money, 0 to 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyScale(pub usize);

impl FromStr for MoneyScale {
    type Err = String;

    fn from_str(text: &str) -> Result<MoneyScale, String> {
        number_in(text, 0, 12).map(MoneyScale)
    }
}

/// A sheet row or line number, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineNumber(pub usize);

impl FromStr for LineNumber {
    type Err = String;

    fn from_str(text: &str) -> Result<LineNumber, String> {
        number_in(text, 1, usize::MAX).map(LineNumber)
    }
}

/// Any text, for per-table options whose value is free (a sheet name, a date format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl FromStr for Text {
    type Err = String;

    fn from_str(text: &str) -> Result<Text, String> {
        Ok(Text(text.to_string()))
    }
}

/// A finite number above 0 (e.g. `--gap-multiple`).
pub fn positive(text: &str) -> Result<f64, String> {
    finite(text).and_then(|v| if v > 0.0 { Ok(v) } else { Err(format!("must be above 0, not {v}")) })
}

/// A finite number of at least 0 (months or days of a rule).
pub fn non_negative(text: &str) -> Result<f64, String> {
    finite(text).and_then(|v| if v >= 0.0 { Ok(v) } else { Err(format!("must be 0 or more, not {v}")) })
}

/// A factor from 0 to 1 (e.g. `--late-factor`).
pub fn fraction(text: &str) -> Result<f64, String> {
    finite(text).and_then(|v| if (0.0..=1.0).contains(&v) { Ok(v) } else { Err(format!("must be between 0 and 1, not {v}")) })
}

/// A probability above 0 and at most 1 (e.g. `--min-p-alive`).
pub fn probability(text: &str) -> Result<f64, String> {
    finite(text).and_then(|v| if v > 0.0 && v <= 1.0 { Ok(v) } else { Err(format!("must be above 0 and at most 1, not {v}")) })
}

/// A share below 1 (a drop of 100% or more cannot be flagged).
pub fn share_below_one(text: &str) -> Result<Share, String> {
    let share: Share = text.parse()?;
    if share.0 >= Decimal::ONE {
        return Err(format!("must be below 1 (e.g. 0.20 or 20%), not '{text}'"));
    }
    Ok(share)
}

fn finite(text: &str) -> Result<f64, String> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("'{text}' is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_month_is_one_month() {
        for text in ["2024-3", "2024-03", "202403", "2024年3月", "2024/03", "2024.3", " 2024-03 "] {
            assert_eq!(text.parse::<Month>(), Ok(Month { year: 2024, month: 3 }), "{text}");
        }
        // Found by the option_values fuzz target: 2024-3月, 2024年3 and 202403月 were read
        // as months, and a six-byte text with a multi-byte character (123é5) panicked.
        for bad in ["2024-13", "2024-00", "24-03", "2024", "20243", "2024-03-01", "March 2024", "2024-003", "", "2024-3月", "2024年3", "202403月", "2024年3月1", "123é5", "+0月0", "2024é"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        let m: Month = "2024-02".parse().unwrap();
        assert_eq!((m.first_day().to_string(), m.last_day().to_string()), ("2024-02-01".into(), "2024-02-29".into()));
        assert_eq!("2023-12".parse::<Month>().unwrap().last_day().to_string(), "2023-12-31");
    }

    #[test]
    fn shares_amounts_and_days() {
        assert_eq!("20%".parse::<Share>().unwrap().0, Decimal::new(2, 1));
        assert_eq!("0.20".parse::<Share>().unwrap().0, Decimal::new(2, 1));
        assert!("-0.1".parse::<Share>().is_err());
        assert!("x".parse::<Share>().is_err());
        assert_eq!("5,000,000.00".parse::<Amount>().unwrap().0, Decimal::new(5_000_000, 0));
        assert!("0".parse::<Amount>().is_err());
        assert_eq!("2024/6/30".parse::<Day>().unwrap().0, NaiveDate::from_ymd_opt(2024, 6, 30).unwrap());
        assert!("30.06.2024".parse::<Day>().is_err());
    }

    #[test]
    fn keys_are_read_one_way() {
        for text in ["customer", "customer_id", "Customer", "CUSTOMER_ID"] {
            assert_eq!(text.parse::<Key>(), Ok(Key::Customer), "{text}");
        }
        assert_eq!("Product".parse::<Key>(), Ok(Key::Product));
        assert_eq!("region".parse::<Key>(), Ok(Key::Column("region".into())));
    }

    #[test]
    fn a_table_prefix_scopes_a_value() {
        let s: Scoped<ColumnMapping> = "receivables:invoice_id=发票号".parse().unwrap();
        assert_eq!(s.table, Some(TableKind::Receivables));
        assert_eq!(s.value, ColumnMapping { role: "invoice_id".into(), header: "发票号".into() });
        let s: Scoped<ColumnMapping> = "amount=Sales:Net".parse().unwrap();
        assert_eq!((s.table, s.value.header.as_str()), (None, "Sales:Net"));
        let s: Scoped<Text> = "%H:%M".parse().unwrap();
        assert_eq!((s.table, s.value.0.as_str()), (None, "%H:%M"));
        assert!("orders:13".parse::<Scoped<MoneyScale>>().is_err());
        assert_eq!("customers:4".parse::<Scoped<MoneyScale>>().unwrap().value, MoneyScale(4));
    }
}
