//! Money: exact decimals at the money scale. The fast reader takes plain amounts
//! (-1234.50); the thorough one also thousands separators, currency signs, (12.50),
//! a trailing minus, CR/DR, full-width digits and a decimal comma; and
//! `explain_money` says why a value is neither.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::udf::read_text;
use crate::input::roles::Role;

/// The money type: exact decimal with `scale` places.
pub fn money_type(scale: usize) -> DataType {
    DataType::Decimal(38, scale)
}

/// Plain amounts as Decimal(38, `scale`); null for anything else (see [`fast_amount`]).
pub fn plain_amounts(text: Expr, scale: usize, decimal_comma: bool) -> Expr {
    read_text::<Int128Type>(
        text,
        money_type(scale),
        move |s| fast_amount(s, scale, decimal_comma),
        // The units are already scaled: the decimal type is put on them, not cast to.
        move |units| units.into_decimal_unchecked(38, scale).into_series(),
    )
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

/// The fast pass's reading of an amount: a plain amount, and with a decimal comma only
/// one without a '.'. Where it gives a value, `thorough_amount` with the same settings
/// must give the same (public so the fuzz targets can check that).
/// (reliability fix) With `--decimal-comma` it read 1.500 as 1.5 where the thorough
/// pass reads 1500 ('.' groups thousands): which one a value got depended on whether
/// another row of the file needed the thorough pass.
pub fn fast_amount(s: &str, scale: usize, decimal_comma: bool) -> Option<i128> {
    if decimal_comma && s.contains('.') {
        return None;
    }
    plain_amount(s, scale)
}

/// Amounts as exports write them, as Decimal(38, `scale`); null for anything else
/// (see [`thorough_amount`]).
pub fn thorough_amounts(text: Expr, scale: usize, decimal_comma: bool) -> Expr {
    read_text::<Int128Type>(
        text,
        money_type(scale),
        move |s| thorough_amount(s, scale, decimal_comma),
        move |units| units.into_decimal_unchecked(38, scale).into_series(),
    )
}

/// Full-width digits and signs (１２３，４５) as their ASCII forms.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | '，' | '．' | '－' | '＋' | '（' | '）' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        other => other,
    }
}

/// An amount with what ERP exports put around it: currency signs and codes (¥ ￥ $ € £
/// 元 RMB CNY) before or after it, spaces, full-width characters, a sign in front,
/// behind (100.20-) or as parentheses, CR (negative) or DR after it, and thousands
/// groups of three. With `decimal_comma`, ',' is the decimal separator and '.' groups
/// thousands. A space inside the number groups thousands too, so it must fall between
/// groups of three: '1 2' and '1€2' are no amounts (not 12).
/// The count of 10^-scale units; None for anything else, or more than `scale` decimals.
pub fn thorough_amount(s: &str, scale: usize, decimal_comma: bool) -> Option<i128> {
    let mapped: String = s.chars().map(half_width).collect();
    let mut t = without_currency(&mapped).to_string();
    let mut negative = false;
    let upper = t.to_ascii_uppercase();
    if upper.ends_with("CR") {
        negative = true;
        t.truncate(t.len() - 2);
    } else if upper.ends_with("DR") {
        t.truncate(t.len() - 2);
    }
    t = without_currency(&t).to_string();
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        t = without_currency(inner).to_string();
        negative = !negative;
    }
    if let Some(rest) = t.strip_suffix('-') {
        t = without_currency(rest).to_string();
        negative = !negative;
    } else if let Some(rest) = t.strip_prefix('-') {
        t = without_currency(rest).to_string();
        negative = !negative;
    } else if let Some(rest) = t.strip_prefix('+') {
        t = without_currency(rest).to_string();
    }
    let (group, point) = if decimal_comma { ('.', ',') } else { (',', '.') };
    let t: String = t.chars().map(|c| if c.is_whitespace() { group } else { c }).collect();
    let (whole, decimals) = match t.split_once(point) {
        Some((w, d)) => (w, Some(d)),
        None => (t.as_str(), None),
    };
    // Thousands groups: 1,234,567 (or 1.234.567 with a decimal comma), three digits each.
    let groups: Vec<&str> = whole.split(group).collect();
    let grouped = groups.len() > 1;
    if grouped && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    let mut plain: String = groups.concat();
    if let Some(d) = decimals {
        plain.push('.');
        plain.push_str(d);
    }
    let units = plain_amount(&plain, scale)?;
    Some(if negative { -units } else { units })
}

/// `t` without surrounding space and the currency signs and codes before or after it.
fn without_currency(t: &str) -> &str {
    const AFFIXES: [&str; 8] = ["¥", "￥", "$", "€", "£", "元", "RMB", "CNY"];
    let mut t = t.trim();
    loop {
        let before = t;
        for affix in AFFIXES {
            t = t.strip_prefix(affix).unwrap_or(t);
            t = t.strip_suffix(affix).unwrap_or(t).trim();
        }
        if t == before {
            return t;
        }
    }
}

/// Whether ',' is the decimal separator in these amounts: some value ends in ',' and one
/// or two digits (717,70) and none in '.' and one or two digits (12.00), which would
/// make the column mixed. Used for files with ';' between fields, as such exports do.
pub fn decimal_comma_in(values: &StringChunked) -> bool {
    let ends_in = |s: &str, sep: char| {
        let t = s.trim().trim_end_matches('-');
        t.rfind(sep).is_some_and(|i| {
            let tail = &t[i + 1..];
            (1..=2).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit()) && !t[i + 1..].contains(['.', ','])
        })
    };
    let mut comma = false;
    for s in values.iter().flatten() {
        if ends_in(s, '.') {
            return false;
        }
        comma |= ends_in(s, ',');
    }
    comma
}

/// Whether every value of `dtype` (an integer or decimal type) is a money value at
/// `scale` places as it is: no more places, and no more digits before the point than
/// Decimal(38, scale) holds (a 64-bit integer has at most 19 digits, unsigned 20).
pub fn fits_money(dtype: &DataType, scale: usize) -> bool {
    let whole_digits = 38 - scale.min(38);
    match dtype {
        DataType::Decimal(precision, places) => *places <= scale && precision.saturating_sub(*places) <= whole_digits,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => whole_digits >= 19,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => whole_digits >= 20,
        _ => false,
    }
}

pub fn explain_money(role: &Role, value: &str, scale: usize) -> String {
    if value.contains(',') && value.rfind(',') > value.rfind('.') && value.contains('.') {
        return format!(
            "cannot read '{value}' as money: it looks like ',' is the decimal separator and '.' groups thousands, \
             but other amounts in the column use '.' as the decimal point; export with one notation, \
             or pass --decimal-comma if every amount uses ','"
        );
    }
    let cleaned: String = value
        .trim()
        .chars()
        .map(half_width)
        .filter(|c| *c != ',' && !c.is_whitespace() && !"¥￥$€£元".contains(*c))
        .collect();
    let integer_digits = cleaned.split('.').next().unwrap_or("").chars().filter(char::is_ascii_digit).count();
    if integer_digits > 38 - scale.min(38) && cleaned.chars().all(|c| c.is_ascii_digit() || "+-.()".contains(c)) {
        return format!(
            "'{value}' has {integer_digits} digits before the decimal point; money holds at most {} \
             (38 digits in all, {scale} of them decimals)",
            38 - scale.min(38)
        );
    }
    if let Ok(d) = cleaned.trim_end_matches('-').parse::<Decimal>() {
        if (d.is_sign_negative() || cleaned.ends_with('-')) && role.non_negative {
            return format!("{} cannot be negative here ('{value}'): correct the row or leave it out", role.name);
        }
        if d.scale() as usize > scale {
            return format!(
                "'{value}' has {} decimal places but money is kept to {scale}: it is never rounded silently. \
                 Round it in the export, or pass --money-scale {}",
                d.scale(),
                d.scale()
            );
        }
    }
    format!("cannot read '{value}' as an amount of money (expected e.g. 1234.50, -12.00, 1,234.50, ¥1,234.50 or 100.20-)")
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

    /// Found by the `money` fuzz target: the fast reader must only decline, never read
    /// a text otherwise than the thorough reader with the same settings.
    #[test]
    fn the_fast_reader_agrees_with_the_thorough_one_with_a_decimal_comma() {
        for scale in 0..=3 {
            for text in ["1.500", "1.5", "12.50", "-1.234", "1234", "-12", "0"] {
                for decimal_comma in [false, true] {
                    if let Some(fast) = fast_amount(text, scale, decimal_comma) {
                        assert_eq!(thorough_amount(text, scale, decimal_comma), Some(fast), "{text:?} at {scale}, {decimal_comma}");
                    }
                }
            }
        }
        // The fuzzer's input: 7.0 at scale 1 with a decimal comma was read as 7.0 by the
        // fast reader and refused by the thorough one ('.' groups thousands: 0 is no group).
        assert_eq!(fast_amount("7.0", 1, true), None);
        assert_eq!(thorough_amount("7.0", 1, true), None);
        assert_eq!(fast_amount("1.500", 3, true), None);
        assert_eq!(thorough_amount("1.500", 3, true), Some(1_500_000));
        assert_eq!(fast_amount("1234", 2, true), Some(123_400));
    }

    #[test]
    fn amounts_as_exports_write_them() {
        let read = |s: &str| thorough_amount(s, 2, false);
        assert_eq!(read("1,234.50"), Some(123450));
        assert_eq!(read("100.20-"), Some(-10020));
        assert_eq!(read("(7.25)"), Some(-725));
        assert_eq!(read("50.00 CR"), Some(-5000));
        assert_eq!(read("50.00DR"), Some(5000));
        assert_eq!(read("１２３．４５"), Some(12345));
        assert_eq!(read("￥1,000元"), Some(100000));
        assert_eq!(read("RMB 1,000,000.01"), Some(100000001));
        assert_eq!(read("12,34.00"), None);
        assert_eq!(read("1.234"), None);
        assert_eq!(thorough_amount("1.234,56", 2, true), Some(123456));
        assert_eq!(thorough_amount("717,70", 2, true), Some(71770));
        assert_eq!(thorough_amount("1 234,5", 2, true), Some(123450));
        assert_eq!(thorough_amount("12.00", 2, true), None);
    }

    #[test]
    fn currency_and_spaces_are_read_only_around_the_number_or_between_groups() {
        let read = |s: &str| thorough_amount(s, 2, false);
        assert_eq!(read("-¥1,000"), Some(-100000));
        assert_eq!(read("¥-1,000"), Some(-100000));
        assert_eq!(read("(￥7.25)"), Some(-725));
        assert_eq!(read("1,000.00 RMB"), Some(100000));
        assert_eq!(read("- 100.00 元"), Some(-10000));
        assert_eq!(read("1 234.50"), Some(123450));
        assert_eq!(read("1\u{a0}234\u{a0}567,89".replace(',', ".").as_str()), Some(123456789));
        // Inside the number a sign, a code or a space out of place is no amount.
        assert_eq!(read("1€2"), None);
        assert_eq!(read("1 2"), None);
        assert_eq!(read("12 34.00"), None);
        assert_eq!(read("1RMB2"), None);
        assert_eq!(read("12. 50"), None);
        assert_eq!(thorough_amount("1 234 567,8", 2, true), Some(123456780));
    }

    #[test]
    fn a_decimal_comma_is_seen_only_in_a_column_that_uses_it_alone() {
        let column = |v: &[&str]| StringChunked::from_slice("a".into(), v);
        assert!(decimal_comma_in(&column(&["717,70", "1.234,5", "12"])));
        assert!(!decimal_comma_in(&column(&["717,70", "12.00"])));
        assert!(!decimal_comma_in(&column(&["1,234", "12"])));
    }
}
