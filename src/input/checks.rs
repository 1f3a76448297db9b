//! Checks across the rows of all input files, after they are read: order lines that
//! are copies of lines in an earlier file (overlapping exports), and amounts in more
//! than one currency. Either would make a sum wrong without a word.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use polars::prelude::*;
use rust_decimal::Decimal;

use super::request::InputOptions;
use super::values::money;
use crate::error::bad_input;
use crate::output::with_thousands;

/// The sum of a money column (exact), as text with thousands separators.
fn total(frame: &DataFrame, column: &str) -> String {
    let sum = frame.column(column).ok().and_then(|c| c.as_materialized_series().sum_reduce().ok()).map(|s| s.value().to_string());
    sum.map_or_else(|| "0".to_string(), |s| with_thousands(&s))
}

/// One file's rows, typed, and a text key of each row's raw cells (all columns).
pub struct FileRows {
    pub name: String,
    pub frame: DataFrame,
    pub keys: Vec<String>,
}

/// Drop (with --dedupe) or refuse rows that repeat, cell for cell, a row of an earlier
/// file. Repeats within one file are left alone: two equal lines of one export are two
/// sales as far as kam can tell.
pub fn duplicates(files: &mut [FileRows], opts: &InputOptions) -> anyhow::Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut found: Vec<(usize, Vec<bool>, usize)> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let mut mask = vec![false; file.keys.len()];
        let mut earlier = usize::MAX;
        for (i, key) in file.keys.iter().enumerate() {
            if let Some(&first) = seen.get(key.as_str()) {
                if first != f {
                    mask[i] = true;
                    earlier = earlier.min(first);
                }
            }
        }
        if mask.iter().any(|m| *m) {
            found.push((f, mask, earlier));
        }
        for key in &file.keys {
            seen.entry(key.as_str()).or_insert(f);
        }
    }
    for (f, mask, earlier) in found {
        let copies = BooleanChunked::from_slice("copy".into(), &mask);
        let dupes = files[f].frame.filter(&copies)?;
        let what = format!(
            "{}: {} line(s) are copies of lines in {} (amount {}): overlapping exports",
            files[f].name,
            dupes.height(),
            files[earlier].name,
            total(&dupes, "amount")
        );
        if !opts.dedupe {
            return Err(bad_input(format!("{what} would be counted twice. Pass --dedupe to drop the copies, or give each line in one file only")));
        }
        if !opts.quiet {
            say_once!("kam: note: {what}; dropped by --dedupe");
        }
        files[f].frame = files[f].frame.filter(&!&copies)?;
    }
    Ok(())
}

/// The money roles converted by --fx.
const MONEY: [&str; 5] = ["amount", "cost", "paid_amount", "open_amount", "planned_amount"];

/// One currency per run: several in the currency column stop the run unless --currency
/// keeps one or --fx converts them. The currency column is dropped afterwards.
pub fn currencies(frame: DataFrame, opts: &InputOptions) -> anyhow::Result<DataFrame> {
    let Ok(column) = frame.column("currency") else { return Ok(frame) };
    let codes: Vec<Option<String>> = column.str()?.iter().map(|c| c.map(|c| c.trim().to_uppercase())).collect();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for code in codes.iter().flatten() {
        match counts.iter_mut().find(|(c, _)| c == code) {
            Some((_, n)) => *n += 1,
            None => counts.push((code.clone(), 1)),
        }
    }
    let listed = counts.iter().map(|(c, n)| format!("{c} ({n} lines)")).collect::<Vec<_>>().join(", ");
    let mut frame = frame;
    if let Some(keep) = &opts.currency {
        let mask = BooleanChunked::from_iter_values("keep".into(), codes.iter().map(|c| c.as_deref() == Some(keep.as_str())));
        let kept = frame.filter(&mask)?;
        if kept.height() == 0 {
            return Err(bad_input(format!("--currency {keep}: no line is in {keep}; the currency column holds {listed}")));
        }
        if kept.height() < frame.height() && !opts.quiet {
            say_once!("kam: note: --currency {keep}: kept {} of {} lines; the currency column holds {listed}", kept.height(), frame.height());
        }
        frame = kept;
    } else if let Some(path) = &opts.fx {
        frame = convert(frame, &codes, path, opts)?;
    } else if counts.len() > 1 {
        return Err(bad_input(format!(
            "the currency column holds {listed}: amounts in different currencies cannot be added up. \
             Pass --currency CODE to keep one, or --fx rates.csv (currency,rate) to convert them"
        )));
    }
    let _ = frame.drop_in_place("currency");
    Ok(frame)
}

/// Rates from a CSV file with the columns currency and rate (units of the reporting
/// currency per unit), e.g. `USD,7.10`.
fn read_rates(path: &Path) -> anyhow::Result<HashMap<String, Decimal>> {
    let name = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_path(path).map_err(|e| bad_input(format!("--fx {name}: {e}")))?;
    let headers: Vec<String> = reader.headers().map_err(|e| bad_input(format!("--fx {name}: {e}")))?.iter().map(|h| h.to_lowercase()).collect();
    let at = |n: &str| headers.iter().position(|h| h == n);
    let (Some(c), Some(r)) = (at("currency"), at("rate")) else {
        return Err(bad_input(format!("--fx {name}: expected the columns currency and rate")));
    };
    if at("date").is_some() {
        return Err(bad_input(format!("--fx {name}: rates by date are not read yet; give one rate per currency")));
    }
    let mut rates = HashMap::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad_input(format!("--fx {name}: {e}")))?;
        let rate: Decimal = record.get(r).unwrap_or("").parse().map_err(|_| bad_input(format!("--fx {name}: line {}: cannot read the rate '{}'", line + 2, record.get(r).unwrap_or(""))))?;
        rates.insert(record.get(c).unwrap_or("").to_uppercase(), rate);
    }
    Ok(rates)
}

/// Money columns times each line's rate, rounded half to even to the money scale
/// (the one rounding kam does, and only on request).
fn convert(mut frame: DataFrame, codes: &[Option<String>], path: &Path, opts: &InputOptions) -> anyhow::Result<DataFrame> {
    let rates = read_rates(path)?;
    let missing: HashSet<&str> = codes.iter().flatten().map(String::as_str).filter(|c| !rates.contains_key(*c)).collect();
    if !missing.is_empty() {
        let mut list: Vec<&str> = missing.into_iter().collect();
        list.sort_unstable();
        return Err(bad_input(format!("--fx {}: no rate for {}", path.display(), list.join(", "))));
    }
    if codes.iter().any(Option::is_none) {
        return Err(bad_input("--fx: some lines have no currency; fill the currency column"));
    }
    let scale = opts.parse.money_scale;
    for name in MONEY {
        let Ok(column) = frame.column(name) else { continue };
        let values: Vec<Option<String>> = column
            .as_materialized_series()
            .iter()
            .zip(codes)
            .map(|(v, code)| {
                if v.is_null() {
                    return None;
                }
                let d: Decimal = v.to_string().parse().ok()?;
                let mut converted = d * rates[code.as_deref().unwrap_or("")];
                converted = converted.round_dp_with_strategy(scale as u32, rust_decimal::RoundingStrategy::MidpointNearestEven);
                converted.rescale(scale as u32);
                Some(converted.to_string())
            })
            .collect();
        let converted = Column::new(name.into(), values).cast(&money::money_type(scale))?;
        frame.with_column(converted)?;
    }
    if !opts.quiet {
        say_once!("kam: note: amounts converted with the rates in {} (rounded half to even to {scale} decimals)", path.display());
    }
    Ok(frame)
}
