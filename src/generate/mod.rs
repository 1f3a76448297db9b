//! `kam generate`: a synthetic, deterministic set of ERP exports (orders, inventory,
//! receivables, customers, sales plan) at any scale, for demos, tests and benchmarks.
//!
//! How it works, in three phases:
//! 1. Build a small "world": calendar, products, customers (size, lifecycle, payment
//!    habits) and, per day, how many order lines that day gets. The per-day counts add up
//!    to exactly `order_lines`, so the total is exact while seasonality, weekdays,
//!    new and churned customers still shape the curve.
//! 2. Walk the days in order and stream orders (and their invoices) to disk. Customers are
//!    drawn in proportion to their current order rate; only per-customer, per-product and
//!    per-month aggregates are kept, never the lines themselves.
//! 3. Write inventory, customers and plan from those aggregates.
//!
//! Everything is driven by `StdRng` streams seeded from `GenerateOptions::seed` and only
//! ordered collections are iterated, so the same options give byte-identical files.
//!
//! One module per job: `options`; the world's parts, `calendar`, `products` and
//! `customers`, and `world`, who orders how much on which day; `orders`, streamed with
//! `cadence` and kept as `sales`; `receivables`; `inventory`; `accounts` (customers.csv
//! and plan.csv); `erp_export`; the samplers in `pickers`; and `rows`, which writes every
//! table through the csv crate. Every file goes through `output::write_atomically`.

mod accounts;
mod cadence;
mod calendar;
mod customers;
mod erp_export;
mod inventory;
mod options;
mod orders;
mod pickers;
mod products;
mod receivables;
mod rows;
mod sales;
mod world;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::output::write_atomically;
use options::Scale;
use rows::Rows;
use world::World;

pub use erp_export::write_erp_export;
pub use options::GenerateOptions;

pub const ORDERS_FILE: &str = "orders.csv";
pub const INVENTORY_FILE: &str = "inventory.csv";
pub const RECEIVABLES_FILE: &str = "receivables.csv";
pub const CUSTOMERS_FILE: &str = "customers.csv";
pub const PLAN_FILE: &str = "plan.csv";

const ORDERS_HEADER: &str = "order_id,order_date,customer_id,customer_name,product_id,product_name,region,channel,salesperson,quantity,amount,cost";
const INVENTORY_HEADER: &str = "snapshot_date,product_id,warehouse,customer_id,quantity,value";
const RECEIVABLES_HEADER: &str =
    "customer_id,invoice_id,invoice_date,due_date,amount,paid_amount,paid_date";
const CUSTOMERS_HEADER: &str = "customer_id,name,segment,region,credit_limit,since";
const PLAN_HEADER: &str = "customer_id,period,planned_amount";

/// Writes orders.csv, inventory.csv, receivables.csv, customers.csv, plan.csv into out_dir
/// (created if missing). Each file is written to a temporary file in out_dir by
/// `write_atomically`; the five are renamed into place only once all were written (the
/// three small ones first, orders and receivables last), so an interrupted run leaves
/// every earlier file as it was.
/// `progress` is called now and then with the number of order lines written so far.
pub fn generate_csv(opts: &GenerateOptions, progress: &mut dyn FnMut(u64)) -> Result<Vec<PathBuf>> {
    let scale = Scale::from_options(opts)?;
    fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("cannot create output directory {}", opts.out_dir.display()))?;
    let world = World::build(&scale, opts.seed);
    let path = |name: &str| opts.out_dir.join(name);

    // Orders and their invoices are streamed together; the other tables follow from
    // what was sold, written while the two stream files are still temporary.
    write_atomically(&path(ORDERS_FILE), |orders_file| {
        write_atomically(&path(RECEIVABLES_FILE), |receivables_file| {
            let mut orders = Rows::new(orders_file, ORDERS_FILE, ORDERS_HEADER)?;
            let mut receivables = Rows::new(receivables_file, RECEIVABLES_FILE, RECEIVABLES_HEADER)?;
            let sales = orders::OrderStream::new(&world, opts.seed, &mut orders, &mut receivables, progress).run()?;
            orders.finish()?;
            receivables.finish()?;
            write_table(&path(INVENTORY_FILE), INVENTORY_FILE, INVENTORY_HEADER, |rows| inventory::write(&world, &sales, opts.seed, rows))?;
            write_table(&path(CUSTOMERS_FILE), CUSTOMERS_FILE, CUSTOMERS_HEADER, |rows| accounts::write_customers(&world, &sales, rows))?;
            write_table(&path(PLAN_FILE), PLAN_FILE, PLAN_HEADER, |rows| accounts::write_plan(&world, &sales, rows))
        })
    })?;
    Ok([ORDERS_FILE, INVENTORY_FILE, RECEIVABLES_FILE, CUSTOMERS_FILE, PLAN_FILE].map(path).to_vec())
}

/// One whole table, written atomically.
fn write_table(path: &Path, name: &'static str, header: &str, write: impl FnOnce(&mut Rows) -> Result<()>) -> Result<()> {
    write_atomically(path, |out| {
        let mut rows = Rows::new(out, name, header)?;
        write(&mut rows)?;
        rows.finish()
    })
}
