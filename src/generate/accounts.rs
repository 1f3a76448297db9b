//! customers.csv and plan.csv: the per-customer tables written once all orders are
//! known (credit limits follow purchases, the plan follows last year's sales).

use anyhow::Result;

use super::customers::{Customer, REGIONS, SEGMENTS};
use super::rows::Rows;
use super::sales::{CustomerTotals, SalesAggregates};
use super::world::World;

/// customers.csv: the customer master, with credit limits from what each one bought.
pub(super) fn write_customers(world: &World, sales: &SalesAggregates, out: &mut Rows) -> Result<()> {
    for (c, customer) in world.customers.iter().enumerate() {
        out.text(&customer.id)?
            .text(&customer.name)?
            .text(SEGMENTS[customer.segment].name)?
            .text(REGIONS[customer.region])?;
        match credit_limit(world, customer, &sales.customers[c]) {
            Some(limit) => out.money(limit)?,
            None => out.empty()?,
        };
        out.date(customer.since)?.end()?;
    }
    Ok(())
}

/// Monthly purchases × payment terms × the customer's factor, rounded to 1,000 yuan.
fn credit_limit(world: &World, customer: &Customer, totals: &CustomerTotals) -> Option<i64> {
    let factor = customer.credit_factor?;
    let monthly = if totals.ordered {
        let first = world.cal.month_of_day[totals.first_day as usize];
        let last = world.cal.month_of_day[totals.last_day as usize];
        totals.net_sales.max(0) as f64 / (last - first + 1) as f64
    } else {
        3_000_000.0 // no purchases yet: a starter limit of about 30,000 yuan
    };
    let limit = monthly * customer.terms_days as f64 / 30.0 * factor;
    Some(((limit / 100_000.0).round() as i64).max(5) * 100_000)
}

/// plan.csv: each customer's monthly plan for the last calendar year, from the year before.
pub(super) fn write_plan(world: &World, sales: &SalesAggregates, out: &mut Rows) -> Result<()> {
    let Some(base) = &sales.base_year else {
        return Ok(()); // the period lies within one calendar year: header only
    };
    for (c, customer) in world.customers.iter().enumerate() {
        if !base.has_sales[c] {
            continue;
        }
        for month in 0..12 {
            out.text(&customer.id)?
                .text(&format!("{}-{:02}", base.year + 1, month + 1))?
                .money(planned_amount(base.monthly[c * 12 + month]))?
                .end()?;
        }
    }
    Ok(())
}

/// Last year's month × 1.10, rounded half up to whole hundreds of yuan; never negative.
pub(super) fn planned_amount(previous_cents: i64) -> i64 {
    if previous_cents <= 0 {
        return 0;
    }
    (previous_cents * 11 + 50_000) / 100_000 * 10_000
}
