//! The option-value readers of src/values.rs on their own (clap's value parsers, and
//! kam.toml's): `parse_month` and the `FromStr` of Month, Day, Share, Amount,
//! Scoped<ColumnMapping>, Key, Delimiter and MoneyScale. No polars frame.
//!
//! Checked, besides "no panic":
//! - `parse_month` accepts exactly YYYY-M, YYYY-MM (also with '/' or '.'), YYYYMM and
//!   YYYY年M月 (surrounding space aside) with a month from 1 to 12, and gives the
//!   numbers written; `Month` agrees with it and its Display reads back as itself;
//! - a Day reads back from its ISO form; a Share is not negative, an Amount is above 0,
//!   and each reads back from its Display;
//! - a Scoped<ColumnMapping> has a table only when the text starts with a table name
//!   and ':', and its role and header are non-empty, trimmed, and read back.
#![no_main]

use kam::tables::TableKind;
use kam::values::{parse_month, Amount, ColumnMapping, Day, Delimiter, Key, MoneyScale, Month, Scoped, Share};
use libfuzzer_sys::fuzz_target;

/// The month forms, matched on the text as written.
fn month_reference(text: &str) -> Option<(i32, u32)> {
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month) = if let Some(body) = t.strip_suffix('月') {
        body.split_once('年')?
    } else if let Some(i) = t.find(['-', '/', '.']) {
        (&t[..i], &t[i + 1..])
    } else if t.len() == 6 && digits(t) {
        t.split_at(4)
    } else {
        return None;
    };
    if year.len() != 4 || !digits(year) || !(1..=2).contains(&month.len()) || !digits(month) {
        return None;
    }
    let month: u32 = month.parse().unwrap();
    (1..=12).contains(&month).then(|| (year.parse().unwrap(), month))
}

fn check(text: &str) {
    let month = parse_month(text);
    assert_eq!(month, month_reference(text), "parse_month({text:?})");
    match text.parse::<Month>() {
        Ok(m) => {
            assert_eq!(Some((m.year, m.month)), month);
            assert_eq!(m.to_string().parse::<Month>(), Ok(m), "{m} does not read back");
            assert!(m.first_day() <= m.last_day());
            assert_eq!(Month::of(m.last_day()), m);
        }
        Err(e) => assert!(month.is_none() && !e.is_empty()),
    }
    if let Ok(day) = text.parse::<Day>() {
        let iso = day.0.format("%Y-%m-%d").to_string();
        assert_eq!(iso.parse::<Day>(), Ok(day), "{text:?} read as {iso}, which does not read back");
    }
    if let Ok(share) = text.parse::<Share>() {
        assert!(share.0 >= rust_decimal::Decimal::ZERO, "{text:?}: a negative share");
        assert_eq!(share.0.to_string().parse::<Share>(), Ok(share), "share {text:?} does not read back");
        let _ = share.as_f64();
    }
    if let Ok(amount) = text.parse::<Amount>() {
        assert!(amount.0 > rust_decimal::Decimal::ZERO, "{text:?}: an amount not above 0");
        assert_eq!(amount.0.to_string().parse::<Amount>(), Ok(amount), "amount {text:?} does not read back");
    }
    match text.parse::<Scoped<ColumnMapping>>() {
        Ok(scoped) => {
            let rest = match scoped.table {
                Some(table) => {
                    let (prefix, rest) = text.split_once(':').expect("a table prefix");
                    assert_eq!(TableKind::from_name(prefix), Some(table));
                    rest
                }
                None => {
                    assert!(text.split_once(':').is_none_or(|(p, _)| TableKind::from_name(p).is_none()), "{text:?}: a table prefix not taken");
                    text
                }
            };
            let m = &scoped.value;
            assert!(!m.role.is_empty() && !m.header.is_empty(), "{text:?}: an empty role or header");
            assert_eq!((m.role.trim(), m.header.trim()), (m.role.as_str(), m.header.as_str()), "{text:?}: untrimmed");
            assert!(!m.role.contains('='), "{text:?}: role {:?} holds '='", m.role);
            assert_eq!(rest.parse::<ColumnMapping>().as_ref(), Ok(m));
            assert_eq!(format!("{}={}", m.role, m.header).parse::<ColumnMapping>().as_ref(), Ok(m));
        }
        Err(e) => assert!(!e.is_empty()),
    }
    if let Ok(key) = text.parse::<Key>() {
        assert!(!key.column().is_empty());
    }
    if let Ok(d) = text.parse::<Delimiter>() {
        assert!(d.0.is_ascii());
    }
    if let Ok(s) = text.parse::<MoneyScale>() {
        assert!(s.0 <= 12);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
        // A table prefix in front of the same text: the scoped reader must take it.
        let scoped = format!("receivables:{text}");
        if let Ok(s) = scoped.parse::<Scoped<ColumnMapping>>() {
            assert_eq!(s.table, Some(TableKind::Receivables));
        }
        check(&scoped);
    }
});
