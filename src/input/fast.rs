//! The fast pass's readers: plain Rust functions over each text column's values,
//! one pass each, for what most exports hold (ISO dates, plain amounts such as
//! -1234.50, identifiers without surrounding space). A value they do not read is
//! null (or flagged), never guessed: the thorough pass reads it or says why not.
//! Each replaces a check and a polars cast that went over the column twice.

use polars::prelude::arity::{unary_elementwise, unary_elementwise_values};
use polars::prelude::*;
use polars_plan::prelude::FunctionOptions;

/// `function` applied to the column `input`, batch by batch, as `Expr::map` does, but
/// declared to never run a polars query itself. polars' streaming engine runs a
/// function that might (as `Expr::map` declares every function) on a separate thread
/// pool, one hand-over per batch and expression: 26,000 context switches in a 2 s
/// `kam products` on 10 M lines of CSV, against 1,000 for the same query in polars'
/// Python package.
fn map_column(
    input: Expr,
    function: impl Fn(Column) -> PolarsResult<Column> + Send + Sync + 'static,
    output: impl Fn(&Field) -> Field + Send + Sync + 'static,
) -> Expr {
    let udf = BaseColumnUdf::new(
        move |c: &mut [Column]| function(std::mem::take(&mut c[0])),
        move |_: &Schema, fields: &[Field]| Ok(output(&fields[0])),
    );
    Expr::AnonymousFunction {
        input: vec![input],
        function: new_column_udf(udf),
        options: FunctionOptions::elementwise(),
        fmt_str: Box::new("map".into()),
    }
}

/// `read` of each text value, null where the value is null or `read` gives None,
/// made a column of `dtype` by `finish`.
fn read_text<T: PolarsNumericType>(
    text: Expr,
    dtype: DataType,
    read: impl Fn(&str) -> Option<T::Native> + Send + Sync + 'static,
    finish: impl Fn(ChunkedArray<T>) -> Series + Send + Sync + 'static,
) -> Expr {
    map_column(
        text,
        move |c: Column| {
            let values: ChunkedArray<T> = unary_elementwise(c.str()?, |v| v.and_then(&read));
            Ok(finish(values).into_column())
        },
        move |field| Field::new(field.name().clone(), dtype.clone()),
    )
}

/// Plain amounts as Decimal(38, `scale`); null for anything else (see [`plain_amount`]).
pub fn plain_amounts(text: Expr, scale: usize) -> Expr {
    read_text::<Int128Type>(
        text,
        super::parse::money_type(scale),
        move |s| plain_amount(s, scale),
        // The units are already scaled: the decimal type is put on them, not cast to.
        move |units| units.into_decimal_unchecked(38, scale).into_series(),
    )
}

/// ISO dates (YYYY-MM-DD, exactly ten characters); null for anything else.
pub fn iso_dates(text: Expr) -> Expr {
    read_text::<Int32Type>(text, DataType::Date, iso_date, |days| days.into_date().into_series())
}

/// An optional '-', ASCII digits, and at most `scale` decimals after a '.', as the
/// integer count of 10^-scale units; None for any other text, or one too large for
/// 38 digits. The same value polars' cast to Decimal(38, scale) gives such text.
pub fn plain_amount(s: &str, scale: usize) -> Option<i128> {
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    let (whole, decimals) = match digits.iter().position(|b| *b == b'.') {
        Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
        None => (digits, None),
    };
    let all_digits = |t: &[u8]| !t.is_empty() && t.iter().all(u8::is_ascii_digit);
    if !all_digits(whole) || decimals.is_some_and(|d| !all_digits(d) || d.len() > scale) {
        return None;
    }
    let decimals = decimals.unwrap_or_default();
    let digits = whole.len() + decimals.len();
    let units = if digits <= 18 {
        // Up to 18 digits fit a u64, which is several times faster to build than an i128.
        let scaled = whole.iter().chain(decimals).fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
        i128::from(scaled) * 10i128.pow((scale - decimals.len()) as u32)
    } else {
        let mut units: i128 = 0;
        for b in whole.iter().chain(decimals) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        units.checked_mul(10i128.checked_pow((scale - decimals.len()) as u32)?)?
    };
    if units >= 10i128.pow(38) {
        return None;
    }
    Some(if negative { -units } else { units })
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
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=month_days).contains(&day).then(|| days_from_civil(year, month, day))
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`): integer arithmetic only, run once per order line.
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A boolean column: `test` of each text value (null stays null), built straight
/// from the values without a per-row option.
pub fn test_text(text: Expr, test: fn(&str) -> bool) -> Expr {
    map_column(
        text,
        move |c: Column| Ok(unary_elementwise_values::<_, BooleanType, _>(c.str()?, test).into_column()),
        |field| Field::new(field.name().clone(), DataType::Boolean),
    )
}

/// Empty, or starting or ending with white space (Unicode, as `str::trim` sees it):
/// the fast pass leaves those to the thorough one, which trims. Each end is tested
/// on its bytes; a character is decoded only when its first byte could start one of
/// the white-space characters beyond ASCII (U+0085 and U+00A0: 0xC2; U+1680: 0xE1;
/// U+2000-U+205F: 0xE2; U+3000: 0xE3), so names in Chinese cost a byte test.
pub fn needs_trimming(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return true };
    let may_start_space = |b: u8| if b.is_ascii() { (b as char).is_whitespace() } else { matches!(b, 0xC2 | 0xE1..=0xE3) };
    // The first byte of the last character: up to three continuation bytes (10xxxxxx) back.
    let last_start = bytes.iter().rev().take(4).find(|b| (**b & 0xC0) != 0x80).copied().unwrap_or(last);
    (may_start_space(first) && s.starts_with(char::is_whitespace))
        || (may_start_space(last_start) && s.ends_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_amounts_are_read_exactly_and_anything_else_is_left_alone() {
        assert_eq!(plain_amount("1234.5", 2), Some(123450));
        assert_eq!(plain_amount("-0.07", 2), Some(-7));
        assert_eq!(plain_amount("42", 2), Some(4200));
        assert_eq!(plain_amount("42", 0), Some(42));
        assert_eq!(plain_amount("42.0", 0), None);
        assert_eq!(plain_amount("007.10", 3), Some(7100));
        // 36 nines and 2 decimals: 38 digits, the most Decimal(38, 2) holds.
        assert_eq!(plain_amount("123456789012345678", 0), Some(123456789012345678));
        assert_eq!(plain_amount("1234567890123456.78", 2), Some(123456789012345678));
        assert_eq!(plain_amount("12345678901234567.8", 2), Some(1234567890123456780));
        let most = format!("{}.99", "9".repeat(36));
        assert_eq!(plain_amount(&most, 2), Some(10i128.pow(38) - 1));
        assert_eq!(plain_amount(&format!("1{most}"), 2), None);
        for other in ["", "-", ".5", "5.", "1.234", "+5", " 5", "5 ", "1,234.00", "1e3", "１２", "--5", "5-", "(5)", "¥5", "1.2.3"] {
            assert_eq!(plain_amount(other, 2), None, "{other:?}");
        }
    }

    /// Every text of up to six characters from "-.0129", at scales 0 to 3, against
    /// rust_decimal's reading of the same text and the shape rule written out plainly.
    #[test]
    fn plain_amounts_agree_with_rust_decimal_on_every_short_text() {
        use rust_decimal::Decimal;
        use std::str::FromStr;
        let expected = |s: &str, scale: usize| -> Option<i128> {
            let body = s.strip_prefix('-').unwrap_or(s);
            let (whole, decimals) = body.split_once('.').map_or((body, None), |(w, d)| (w, Some(d)));
            let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            let shaped = digits(whole) && decimals.is_none_or(|d| digits(d) && d.len() <= scale);
            shaped.then(|| {
                let mut value = Decimal::from_str(s).unwrap();
                value.rescale(scale as u32);
                value.mantissa()
            })
        };
        let alphabet = ['-', '.', '0', '1', '2', '9'];
        let mut level = vec![String::new()];
        let mut texts = level.clone();
        for _ in 0..6 {
            level = level.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            texts.extend(level.iter().cloned());
        }
        assert_eq!(texts.len(), (0..=6).map(|n| 6usize.pow(n)).sum::<usize>());
        for text in &texts {
            for scale in 0..=3 {
                assert_eq!(plain_amount(text, scale), expected(text, scale), "{text:?} at scale {scale}");
            }
        }
    }

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

    #[test]
    fn trimming_is_needed_for_empty_text_and_any_white_space_at_an_end() {
        for yes in ["", " a", "a ", "\ta", "a\u{b}", "\u{3000}客户", "客户\u{a0}", "\u{85}", "客户\u{2029}", "\u{1680}x", "x\u{205f}", "\u{200a}"] {
            assert!(needs_trimming(yes), "{yes:?}");
        }
        for no in ["a", "a b", "上海长青酒店", "C00001", "x\u{3000}y", "€", "Ā", "\u{2010}a\u{2010}", "\u{3001}"] {
            assert!(!needs_trimming(no), "{no:?}");
        }
    }

    #[test]
    fn trimming_agrees_with_str_trim_for_every_character_at_either_end() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("{c}x"), format!("x{c}"), format!("客{c}"), format!("{c}客")] {
                assert_eq!(needs_trimming(&s), s.trim() != s, "{s:?}");
            }
        }
    }

    #[test]
    fn columns_keep_nulls_and_read_each_value() {
        let df = df!("t" => [Some("12.30"), None, Some("x"), Some("2024-02-29")]).unwrap();
        let out = df
            .lazy()
            .select([
                plain_amounts(col("t"), 2).alias("amount"),
                iso_dates(col("t")).alias("date"),
                test_text(col("t"), needs_trimming).alias("trim"),
            ])
            .collect()
            .unwrap();
        let amounts: Vec<Option<String>> =
            out.column("amount").unwrap().as_materialized_series().iter().map(|v| (!v.is_null()).then(|| v.to_string())).collect();
        assert_eq!(amounts, [Some("12.30".to_string()), None, None, None]);
        assert_eq!(out.column("date").unwrap().dtype(), &DataType::Date);
        assert_eq!(out.column("date").unwrap().null_count(), 3);
        let trim: Vec<Option<bool>> = out.column("trim").unwrap().bool().unwrap().iter().collect();
        assert_eq!(trim, [Some(false), None, Some(false), Some(false)]);
    }
}
