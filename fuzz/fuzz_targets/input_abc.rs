//! Arbitrary bytes as an input file, through the same code path as `kam abc`:
//! `input::load` (decode, sniff, read, map roles, parse) then `abc::items`,
//! `abc::summary` and the CSV writer. Any panic is a bug; so is a failure that
//! is not reported as bad input (exit code 2) naming the file, and a summary
//! whose class sales do not add up exactly to the total.
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;

use kam::input::sources::ReadSettings;
use kam::input::values::ParseSettings;
use kam::input::{self, InputOptions, Request};
use kam::output::OutputFormat;
use kam::tables::{Encoding, InputFormat};
use kam::metrics::abc::{self, Thresholds};
use libfuzzer_sys::fuzz_target;
use polars::prelude::*;
use rust_decimal::Decimal;

fn scratch(ext: &str) -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    dir.join(format!("kam-fuzz-{}.{ext}", std::process::id()))
}

fn column_text(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name).unwrap().as_materialized_series().iter().map(|v| v.to_string()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else { return };
    // The first byte picks the options a user could pass; the rest is the file.
    let ndjson = flags & 0b111 == 0b111;
    let encoding = if flags & 0b1000 != 0 { Encoding::Gbk } else { Encoding::Utf8 };
    let delimiter = match (flags >> 4) & 0b11 {
        0 => None,
        1 => Some(b','),
        2 => Some(b';'),
        _ => Some(b'\t'),
    };
    let skip_bad_rows = flags & 0b0100_0000 != 0;
    let money_scale = if flags & 0b1000_0000 != 0 { 3 } else { 2 };
    let path = scratch(if ndjson { "ndjson" } else { "csv" });
    std::fs::write(&path, bytes).unwrap();
    let name = path.display().to_string();
    let opts = InputOptions {
        inputs: vec![name.clone()],
        read: ReadSettings { format: ndjson.then_some(InputFormat::Ndjson), delimiter, encoding, sheet: None, header_row: None },
        parse: ParseSettings { money_scale, date_format: None, date_order: None, decimal_comma: false },
        decimal_comma: false,
        columns: HashMap::new(),
        skip_bad_rows,
        dedupe: false,
        currency: None,
        fx: None,
        quiet: true,
        scope: None,
    };
    let request = Request::orders().require(&["amount", "customer_id"]).optional(&["customer_name", "order_date"]);
    let orders = match input::load(&opts, &request) {
        Ok(frame) => frame,
        Err(e) => {
            let message = format!("{e:#}");
            assert_eq!(kam::error::exit_code(&e), 2, "bad input must exit 2: {message}");
            assert!(message.contains(&name), "the message must name the file: {message}");
            return;
        }
    };
    let has_name = orders.get_column_index("customer_name").is_some();
    let name_col = has_name.then_some("customer_name");
    let mut items = abc::items(orders.lazy(), "customer_id", name_col, &Thresholds::default()).collect().unwrap();
    let mut summary = abc::summary(items.clone().lazy()).collect().unwrap();
    // Class sales add up to the total, exactly.
    let sales: Vec<Decimal> = column_text(&summary, "sales").iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(sales[0] + sales[1] + sales[2], sales[3], "class sales must add up to the total");
    let mut out = Vec::new();
    kam::output::render(&mut items, OutputFormat::Csv, &mut out).unwrap();
    kam::output::render(&mut summary, OutputFormat::Table, &mut out).unwrap();
});
