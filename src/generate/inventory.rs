//! inventory.csv: the company's stock per product and warehouse at the opening and
//! at each month-end, with a few stock-outs, and the stock key distributors hold of
//! what they buy most.

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

use super::customers::MAX_FAVOURITES;
use super::pickers::rng_stream;
use super::products::{Product, WAREHOUSES};
use super::rows::Rows;
use super::sales::SalesAggregates;
use super::world::World;

pub(super) fn write(
    world: &World,
    sales: &SalesAggregates,
    seed: u64,
    out: &mut Rows,
) -> Result<()> {
    let rng = &mut rng_stream(seed, 5);
    let cal = &world.cal;
    let months = cal.months.len();
    let noise = LogNormal::new(0.0, 0.25).expect("valid parameters");
    let stockouts = pick_stockouts(world, sales, rng);
    let key_holdings = key_account_holdings(world, sales);
    let average_sold: Vec<f64> = (0..world.products.len())
        .map(|p| average_positive(&sales.product_month_qty[p * months..(p + 1) * months]))
        .collect();

    // Snapshot 0 is the opening stock (day before start), snapshot k the end of month k-1.
    let mut snapshots = vec![cal.start - Duration::days(1)];
    snapshots.extend(cal.months.iter().map(|m| cal.date(m.last_day as i64)));

    for (snapshot, &date) in snapshots.iter().enumerate() {
        for (p, product) in world.products.iter().enumerate() {
            // The month after the snapshot (the last month for the last snapshot).
            let coming_month = snapshot.min(months - 1);
            let coming = sales.product_month_qty[p * months + coming_month].max(0) as f64;
            let qty = if snapshot > 0 && stockouts.contains(&(p, snapshot - 1)) {
                0
            } else {
                own_stock(product, average_sold[p], coming, p, &noise, rng)
            };
            write_own_stock_rows(out, date, product, qty)?;
        }
        for holding in &key_holdings {
            let qty = distributor_stock(holding, snapshot, rng);
            let product = &world.products[holding.product];
            out.date(date)?
                .text(&product.id)?
                .empty()?
                .text(&world.customers[holding.customer].id)?
                .int(qty)?
                .money(qty * product.unit_cost)?
                .end()?;
        }
    }
    Ok(())
}

/// Company stock for a snapshot: a product-specific number of months of demand, where
/// demand blends the average month with the coming month's sales.
fn own_stock(
    product: &Product,
    average: f64,
    coming: f64,
    index: usize,
    noise: &LogNormal<f64>,
    rng: &mut StdRng,
) -> i64 {
    if average == 0.0 {
        return 5 + (index as i64 * 7) % 40; // never sold: a little dead stock
    }
    let demand = 0.5 * average + 0.5 * coming;
    // At least one unit of anything that sells: zero stock is left to the stock-outs.
    (demand * product.coverage_months * noise.sample(rng))
        .round()
        .max(1.0) as i64
}

/// Splits the stock over the product's warehouses. The main warehouse always gets a row
/// (possibly 0: a stock-out); a second warehouse only while it holds something.
fn write_own_stock_rows(
    out: &mut Rows,
    date: NaiveDate,
    product: &Product,
    qty: i64,
) -> Result<()> {
    let mut parts: Vec<(usize, i64)> = Vec::with_capacity(2);
    let mut left = qty;
    for (k, &(warehouse, share)) in product.warehouses.iter().enumerate() {
        let last = k + 1 == product.warehouses.len();
        let part = if last {
            left
        } else {
            (qty as f64 * share).round() as i64
        };
        left -= part;
        if k == 0 || part > 0 {
            parts.push((warehouse, part));
        }
    }
    parts.sort_by_key(|&(warehouse, _)| warehouse); // rows ordered by warehouse name
    for (warehouse, part) in parts {
        out.date(date)?
            .text(&product.id)?
            .text(WAREHOUSES[warehouse])?
            .empty()?
            .int(part)?
            .money(part * product.unit_cost)?
            .end()?;
    }
    Ok(())
}

/// A couple of well-selling products run out of stock at one or two month-ends.
fn pick_stockouts(world: &World, sales: &SalesAggregates, rng: &mut StdRng) -> Vec<(usize, usize)> {
    let months = world.cal.months.len();
    let selling: Vec<usize> = (0..world.products.len())
        .filter(|&p| {
            sales.product_month_qty[p * months..(p + 1) * months]
                .iter()
                .any(|&q| q > 0)
        })
        .collect();
    let mut stockouts = Vec::new();
    for &p in selling.choose_multiple(rng, 2.min(selling.len())) {
        for _ in 0..rng.gen_range(1..=2) {
            stockouts.push((p, rng.gen_range(0..months)));
        }
    }
    stockouts
}

/// Stock a key distributor holds of one of the products it buys most.
struct KeyHolding {
    customer: usize,
    product: usize,
    bought_per_month: Vec<i64>,
}

fn key_account_holdings(world: &World, sales: &SalesAggregates) -> Vec<KeyHolding> {
    let months = world.cal.months.len();
    let mut holdings = Vec::new();
    for (slot, &customer) in world.key_accounts.iter().enumerate() {
        let mut bought: Vec<KeyHolding> = world.customers[customer]
            .favourites
            .iter()
            .enumerate()
            .map(|(f, &product)| {
                let start = (slot * MAX_FAVOURITES + f) * months;
                KeyHolding {
                    customer,
                    product: product as usize,
                    bought_per_month: sales.key_account_qty[start..start + months].to_vec(),
                }
            })
            .filter(|h| h.bought_per_month.iter().sum::<i64>() > 0)
            .collect();
        bought.sort_by_key(|h| {
            (
                std::cmp::Reverse(h.bought_per_month.iter().sum::<i64>()),
                h.product,
            )
        });
        bought.truncate(3);
        bought.sort_by_key(|h| h.product);
        holdings.extend(bought);
    }
    holdings
}

/// Roughly half a month to two months of what the distributor buys.
fn distributor_stock(holding: &KeyHolding, snapshot: usize, rng: &mut StdRng) -> i64 {
    let bought = &holding.bought_per_month;
    let average = average_positive(bought);
    let recent = if snapshot == 0 {
        average
    } else {
        bought[snapshot - 1].max(0) as f64
    };
    ((0.5 * average + 0.5 * recent) * rng.gen_range(0.5..2.0)).round() as i64
}

/// Mean of the positive parts (net returns do not count as negative demand).
fn average_positive(values: &[i64]) -> f64 {
    values.iter().map(|&v| v.max(0)).sum::<i64>() as f64 / values.len().max(1) as f64
}
