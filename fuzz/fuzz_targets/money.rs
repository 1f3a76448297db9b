//! The money readers on their own, without a polars frame: `plain_amount`,
//! `fast_amount` (what the fast pass reads), `thorough_amount` and `explain_money`,
//! called directly on the text at scales 0 to 4 and with and without a decimal comma.
//!
//! Checked, besides "no panic":
//! - an accepted plain amount is the number its digits spell at the scale (compared as
//!   digit strings, not recomputed the same way), and a plain amount is accepted
//!   exactly when it has the plain shape (-?digits[.digits]) with at most `scale`
//!   decimals and fits Decimal(38, scale);
//! - the fast reader agrees with the thorough one wherever it accepts a text;
//! - an amount the thorough reader accepts has the magnitude its digits spell, and is
//!   not negative unless the text has a '-', parentheses or CR;
//! - a value built from the input, written as exports write it (1,234.50, (1,234.50),
//!   1,234.50-, 1,234.50 CR, ¥1,234.50, full-width digits, 1.234,50 with a decimal
//!   comma), reads as that value.
#![no_main]

use kam::input::roles::ORDERS;
use kam::input::values::money::{explain_money, fast_amount, plain_amount, thorough_amount};
use libfuzzer_sys::fuzz_target;

const SCALES: std::ops::RangeInclusive<usize> = 0..=4;

/// The units a `whole`.`decimals` amount spells at `scale`, as a digit string without
/// leading zeros ("0" for zero); None with more than `scale` decimals.
fn spelled(whole: &str, decimals: &str, scale: usize) -> Option<String> {
    if decimals.len() > scale {
        return None;
    }
    let all = format!("{whole}{decimals}{}", "0".repeat(scale - decimals.len()));
    let trimmed = all.trim_start_matches('0');
    Some(if trimmed.is_empty() { "0".into() } else { trimmed.into() })
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// What `plain_amount` must give, worked out on the text's shape.
fn plain_reference(text: &str, scale: usize) -> Option<i128> {
    let (negative, body) = text.strip_prefix('-').map_or((false, text), |b| (true, b));
    let (whole, decimals) = body.split_once('.').map_or((body, None), |(w, d)| (w, Some(d)));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || decimals.is_some_and(|d| !all_digits(d)) {
        return None;
    }
    let units = spelled(whole, decimals.unwrap_or(""), scale)?;
    if units.len() > 38 {
        return None;
    }
    let value: i128 = units.parse().unwrap();
    Some(if negative { -value } else { value })
}

fn half_width(c: char) -> char {
    match c {
        '０'..='９' | '，' | '．' | '－' | '＋' | '（' | '）' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
        other => other,
    }
}

fn check_text(text: &str) {
    let amount = ORDERS.iter().find(|r| r.name == "amount").unwrap();
    for scale in SCALES {
        let plain = plain_amount(text, scale);
        assert_eq!(plain, plain_reference(text, scale), "plain_amount({text:?}, {scale})");
        for decimal_comma in [false, true] {
            let thorough = thorough_amount(text, scale, decimal_comma);
            if let Some(fast) = fast_amount(text, scale, decimal_comma) {
                assert_eq!(thorough, Some(fast), "fast_amount({text:?}, {scale}, {decimal_comma}) = {fast} but the thorough reader differs");
            }
            if !decimal_comma {
                if let Some(p) = plain {
                    assert_eq!(thorough, Some(p), "plain_amount({text:?}, {scale}) but the thorough reader differs");
                }
            }
            if let Some(units) = thorough {
                let t: String = text.chars().map(half_width).collect();
                let point = if decimal_comma { ',' } else { '.' };
                let (whole, decimals) = t.split_once(point).map_or((t.as_str(), ""), |(w, d)| (w, d));
                let want = spelled(&digits(whole), &digits(decimals), scale);
                assert_eq!(Some(units.unsigned_abs().to_string()), want, "thorough_amount({text:?}, {scale}, {decimal_comma}): magnitude");
                // Currency signs and spaces are dropped wherever they stand (5C€R is 5CR).
                let bare: String = t.chars().filter(|c| !c.is_whitespace() && !"¥￥$€£元".contains(*c)).collect();
                let negative_marker = bare.contains(['-', '(']) || bare.to_ascii_uppercase().contains("CR");
                assert!(units >= 0 || negative_marker, "thorough_amount({text:?}, {scale}, {decimal_comma}) = {units}: negative without a sign");
            }
        }
        assert!(!explain_money(amount, text, scale).is_empty());
    }
}

/// Groups of three digits with `sep` between them: 1234567 -> 1,234,567.
fn grouped(whole: &str, sep: &str) -> String {
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn full_width(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_digit() || c == '.' || c == ',' || c == '-' { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect()
}

/// A value from the input's bytes, every way exports write it.
fn check_spellings(bytes: &[u8]) {
    let [flags, rest @ ..] = bytes else { return };
    let scale = usize::from(flags % 5);
    let mut raw = [0u8; 16];
    let n = rest.len().min(16);
    raw[..n].copy_from_slice(&rest[..n]);
    // Up to 30 digits: every Decimal(38, scale) value of that size, and more than i64 holds.
    let units = (u128::from_le_bytes(raw) % 10u128.pow(30)) as i128;
    let text = units.to_string();
    let (whole, decimals) = if scale == 0 {
        (text.clone(), String::new())
    } else {
        let padded = format!("{text:0>width$}", width = scale + 1);
        let (w, d) = padded.split_at(padded.len() - scale);
        (w.to_string(), d.to_string())
    };
    let point = |p: &str| if decimals.is_empty() { String::new() } else { format!("{p}{decimals}") };
    let plain = format!("{whole}{}", point("."));
    assert_eq!(plain_amount(&plain, scale), Some(units), "{plain:?} at scale {scale}");
    assert_eq!(plain_amount(&format!("-{plain}"), scale), Some(-units), "-{plain:?} at scale {scale}");
    let thousands = format!("{}{}", grouped(&whole, ","), point("."));
    let european = format!("{}{}", grouped(&whole, "."), point(","));
    let spaced = format!("{}{}", grouped(&whole, " "), point(","));
    let positive = [
        (plain.clone(), false),
        (thousands.clone(), false),
        (format!("¥{thousands}"), false),
        (format!("RMB {thousands}"), false),
        (format!("{thousands}元"), false),
        (format!("+{thousands}"), false),
        (format!("{thousands} DR"), false),
        (full_width(&thousands), false),
        (european.clone(), true),
        (spaced, true),
        (format!("€ {european}"), true),
    ];
    for (text, decimal_comma) in positive {
        assert_eq!(thorough_amount(&text, scale, decimal_comma), Some(units), "{text:?} at scale {scale}");
    }
    let negative = [
        (format!("-{thousands}"), false),
        (format!("({thousands})"), false),
        (format!("{thousands}-"), false),
        (format!("{thousands} CR"), false),
        (format!("(¥{thousands})"), false),
        (full_width(&format!("-{thousands}")), false),
        (format!("-{european}"), true),
        (format!("{european}-"), true),
    ];
    for (text, decimal_comma) in negative {
        assert_eq!(thorough_amount(&text, scale, decimal_comma), Some(-units), "{text:?} at scale {scale}");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
    check_spellings(data);
});
