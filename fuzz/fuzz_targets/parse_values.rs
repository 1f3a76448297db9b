//! Arbitrary text, one cell per line, as an amount, a date and a quantity column,
//! through `input::parse::parse` (the expressions every command uses) and `explain`.
//! Any panic is a bug; so is a non-empty cell that silently becomes null (neither
//! read nor reported), and an accepted amount whose magnitude differs from the digits
//! written or that is negative without a '-', parentheses or CR. Many cells per run: polars' per-call overhead dominates otherwise.
#![no_main]

use kam::input::values::{explain, parse, DateOrder, ParseSettings};
use kam::input::roles::{Role, ORDERS};
use libfuzzer_sys::fuzz_target;
use polars::prelude::*;
use rust_decimal::Decimal;

fn role(name: &str) -> Role {
    ORDERS.iter().find(|r| r.name == name).unwrap().clone()
}

/// The digits an amount's text spells before and after its decimal point, as a
/// Decimal without sign (currency signs, codes, spaces and thousands separators carry
/// no value; full-width digits are digits).
fn magnitude(text: &str, decimal_comma: bool) -> Option<Decimal> {
    let t: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' | '，' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            other => other,
        })
        .collect();
    let (int, frac) = t.split_once(if decimal_comma { ',' } else { '.' }).unwrap_or((&t, ""));
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (int, frac) = (digits(int), digits(frac));
    let int = if int.is_empty() { "0".to_string() } else { int };
    let frac = if frac.is_empty() { "0".to_string() } else { frac };
    format!("{int}.{frac}").parse().ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let cells: Vec<&str> = text.split('\n').take(64).collect();
    let decimal_comma = flags & 0b100 != 0;
    let date_order = match (flags >> 3) % 3 {
        0 => None,
        1 => Some(DateOrder::Dmy),
        _ => Some(DateOrder::Mdy),
    };
    let settings = ParseSettings { money_scale: (flags % 4) as usize, date_format: None, date_order, decimal_comma };
    for r in [role("amount"), role("order_date"), role("quantity")] {
        for required in [false, true] {
            let name: &str = r.name.as_ref();
            let raw = DataFrame::new(cells.len(), vec![Column::new(name.into(), &cells)]).unwrap();
            let names: &[&str] = if required { &[name] } else { &[] };
            let parsed = parse(&raw, std::slice::from_ref(&r), names, &settings).unwrap();
            let values = parsed.frame.column(name).unwrap();
            for (i, cell) in cells.iter().enumerate() {
                let flagged = parsed.bad_rows.get(i).unwrap_or(false);
                let value = values.get(i).unwrap();
                let blank = cell.trim().is_empty();
                if !blank {
                    assert!(flagged || !matches!(value, AnyValue::Null), "{}: {cell:?} was neither read nor reported", r.name);
                }
                if r.name == "amount" && !flagged && !blank {
                    let got: Decimal = value.to_string().parse().unwrap();
                    if let Some(want) = magnitude(cell, decimal_comma) {
                        assert_eq!(got.abs(), want, "amount {cell:?} read as {got}");
                    }
                    let marked = cell.contains(['-', '(', '－', '（']) || cell.to_ascii_uppercase().contains("CR");
                    assert!(!got.is_sign_negative() || got.is_zero() || marked, "amount {cell:?} read as {got}: negative without a sign");
                }
            }
            for p in &parsed.problems {
                let _ = explain(&r, &p.value, required, &settings);
            }
        }
    }
    let _ = explain(&role("amount"), text, true, &settings);
});
