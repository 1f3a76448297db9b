//! `kam products`: margin, inventory turnover, cross ratio and contribution ratio per
//! product or per customer × product; with `--per customer`, each customer's sales per
//! month or year, its share of the company and its plan achievement.

use polars::prelude::*;

use crate::cli::{AverageInventory, PerInterval, ProductsArgs, TurnoverBasis};
use crate::defaults;
use crate::error::bad_input;
use crate::metrics::products::{self, Average, Interval, Settings as ProductSettings};
use crate::output;
use crate::pipelines::products::{self as pipeline, Spec};
use crate::pipelines::plan;
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::{Key, Scoped};

/// `--by product` or `--by customer,product`: true for the latter.
fn by_customer(by: &[Key]) -> anyhow::Result<bool> {
    match by {
        [Key::Product] => Ok(false),
        [Key::Customer, Key::Product] | [Key::Product, Key::Customer] => Ok(true),
        _ => {
            let shown: Vec<&str> = by.iter().map(Key::column).collect();
            Err(bad_input(format!("--by takes 'product' or 'customer,product', not '{}'", shown.join(","))))
        }
    }
}

/// `--interval`, month when not given.
fn interval(given: Option<PerInterval>) -> Interval {
    match given {
        Some(PerInterval::Year) => Interval::Year,
        Some(PerInterval::Month) | None => Interval::Month,
    }
}

pub fn run(args: ProductsArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    // --inventory-col ROLE=HEADER is the earlier spelling of --col inventory:ROLE=HEADER.
    let mut read = args.input.read.clone();
    read.columns.extend(args.inventory_columns.iter().map(|c| Scoped { table: Some(TableKind::Inventory), value: c.clone() }));
    let settings = Settings::resolve(&read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    let thresholds = settings.thresholds(args.thresholds)?;
    if args.per.is_some() {
        let (orders, product_settings) = pipeline::customer_lines(&settings, &args.input.inputs, &period, thresholds)?;
        return run_per_customer(&args, &settings, orders, product_settings);
    }
    let spec = Spec {
        orders: &args.input.inputs,
        inventory: &args.inventory,
        period,
        basis: args.basis.map(TurnoverBasis::basis),
        average: match args.avg {
            AverageInventory::Ends => Average::Ends,
            AverageInventory::All => Average::All,
        },
        by_customer: by_customer(&args.by)?,
        sort: args.sort.as_deref(),
        thresholds,
        notes: true,
    };
    if args.interval.is_some() && !args.xyz {
        return Err(bad_input("--interval is for --per customer and --xyz"));
    }
    let (table, product_settings) = pipeline::table(&settings, &spec)?;
    let mut table = if args.xyz {
        let limits = match args.xyz_limits {
            Some(l) => l,
            None => defaults::XYZ_LIMITS.parse().expect("a valid default"),
        };
        pipeline::with_xyz(&settings, &args.input.inputs, table, &product_settings, interval(args.interval), limits)?
    } else {
        table
    };
    output::write(&mut table, &args.output)
}

/// `--per customer`: sales per customer and month (or year), share of the company, plan.
fn run_per_customer(args: &ProductsArgs, s: &Settings, orders: DataFrame, settings: ProductSettings) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let name = orders.get_column_index("customer_name").is_some().then_some("customer_name");
    let interval = interval(args.interval);
    // The plan's period is the first day of its month; the metric joins on `month`.
    let plan = if args.plan.is_empty() {
        None
    } else {
        Some(plan::load_plan(s, &args.plan)?.lazy().rename(["period"], ["month"], true))
    };
    let table = products::customer_periods(orders.lazy(), plan, interval, name, &settings);
    let table = match &args.sort {
        None => table,
        Some(c) => {
            let schema = table.clone().collect_schema()?;
            let Some(dtype) = schema.get(c.as_str()) else {
                let columns: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
                return Err(bad_input(format!("--sort: no column '{c}'; the columns are: {}", columns.join(", "))));
            };
            let descending = dtype.is_primitive_numeric() || dtype.is_decimal();
            products::sort(table, c, descending, &["customer_id", "period"])
        }
    };
    let mut result = table.collect()?;
    if !quiet {
        eprintln!(
            "kam: {} customer-{} rows, period {} to {}{}",
            result.height(),
            if interval == Interval::Month { "month" } else { "year" },
            settings.from,
            settings.to,
            if args.plan.is_empty() { " (no --plan: plan columns empty)" } else { "" }
        );
    }
    output::write(&mut result, &args.output)
}

