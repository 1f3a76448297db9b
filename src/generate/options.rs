//! What to generate: the options as given, and validated into a `Scale`.

use std::path::PathBuf;

use anyhow::{ensure, Result};
use chrono::NaiveDate;

/// What to generate. See `Default` for the defaults of the optional parts.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of order lines to write (exactly this many).
    pub order_lines: u64,
    /// Default: clamp(order_lines / 15, 30, 200_000).
    pub customers: Option<u64>,
    /// Default: clamp(order_lines / 100, 20, 20_000).
    pub products: Option<u64>,
    pub seed: u64,
    /// First order date.
    pub start: NaiveDate,
    /// Last order date (inclusive).
    pub end: NaiveDate,
    pub out_dir: PathBuf,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            order_lines: 20_000,
            customers: None,
            products: None,
            seed: 42,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).expect("valid date"),
            end: NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date"),
            out_dir: PathBuf::from("sample-data"),
        }
    }
}

const MAX_CUSTOMERS: u64 = 5_000_000;
const MAX_PRODUCTS: u64 = 500_000;
const MAX_PERIOD_YEARS: i64 = 30;

/// The options, checked, with the defaults filled in.
pub(super) struct Scale {
    pub(super) order_lines: u64,
    pub(super) customers: usize,
    pub(super) products: usize,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
}

impl Scale {
    pub(super) fn from_options(opts: &GenerateOptions) -> Result<Scale> {
        ensure!(opts.order_lines >= 1, "order_lines must be at least 1");
        ensure!(
            opts.start <= opts.end,
            "start date {} is after end date {}",
            opts.start,
            opts.end
        );
        ensure!(
            (opts.end - opts.start).num_days() < MAX_PERIOD_YEARS * 366,
            "the period {}..{} is longer than {} years",
            opts.start,
            opts.end,
            MAX_PERIOD_YEARS
        );
        let customers = opts
            .customers
            .unwrap_or((opts.order_lines / 15).clamp(30, 200_000));
        let products = opts
            .products
            .unwrap_or((opts.order_lines / 100).clamp(20, 20_000));
        ensure!(
            (1..=MAX_CUSTOMERS).contains(&customers),
            "customers must be between 1 and {MAX_CUSTOMERS}, got {customers}"
        );
        ensure!(
            (1..=MAX_PRODUCTS).contains(&products),
            "products must be between 1 and {MAX_PRODUCTS}, got {products}"
        );
        Ok(Scale {
            order_lines: opts.order_lines,
            customers: customers as usize,
            products: products as usize,
            start: opts.start,
            end: opts.end,
        })
    }
}
