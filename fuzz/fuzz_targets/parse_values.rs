//! Arbitrary text, one cell per line, as an amount, a date and a quantity column,
//! through `input::parse::parse` (the expressions every command uses) and `explain`.
//! Any panic is a bug; so is a non-empty cell that silently becomes null (neither
//! read nor reported), and an accepted amount whose value differs from the digits
//! written. Many cells per run: polars' per-call overhead dominates otherwise.
#![no_main]

use kam::input::parse::{explain, parse, ParseSettings};
use kam::input::roles::{Role, ORDERS};
use libfuzzer_sys::fuzz_target;
use polars::prelude::*;
use rust_decimal::Decimal;

fn role(name: &str) -> Role {
    *ORDERS.iter().find(|r| r.name == name).unwrap()
}

/// The amount the text means, from its ASCII digits, decimal point and sign
/// (currency signs, spaces and thousands separators carry no value).
fn reference(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let negative = t.contains('-') || (t.starts_with('(') && t.ends_with(')'));
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (int, frac) = (digits(int), digits(frac));
    let int = if int.is_empty() { "0".to_string() } else { int };
    let frac = if frac.is_empty() { "0".to_string() } else { frac };
    let mut d: Decimal = format!("{int}.{frac}").parse().ok()?;
    d.set_sign_negative(negative);
    Some(d)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let cells: Vec<&str> = text.split('\n').take(64).collect();
    let settings = ParseSettings { money_scale: (flags % 4) as usize, date_format: None };
    for r in [role("amount"), role("order_date"), role("quantity")] {
        for required in [false, true] {
            let raw = DataFrame::new(cells.len(), vec![Column::new(r.name.into(), &cells)]).unwrap();
            let names: &[&str] = if required { &[r.name] } else { &[] };
            let parsed = parse(&raw, &[r], names, &settings).unwrap();
            let values = parsed.frame.column(r.name).unwrap();
            for (i, cell) in cells.iter().enumerate() {
                let flagged = parsed.bad_rows.get(i).unwrap_or(false);
                let value = values.get(i).unwrap();
                let blank = cell.trim().is_empty();
                if !blank {
                    assert!(flagged || !matches!(value, AnyValue::Null), "{}: {cell:?} was neither read nor reported", r.name);
                }
                if r.name == "amount" && !flagged && !blank {
                    let got: Decimal = value.to_string().parse().unwrap();
                    if let Some(want) = reference(cell) {
                        assert_eq!(got, want, "amount {cell:?} read as {got}");
                    }
                }
            }
            for p in &parsed.problems {
                let _ = explain(&r, &p.value, required, &settings);
            }
        }
    }
    let _ = explain(&role("amount"), text, true, &settings);
});
