//! What is kept while orders stream: per-customer, per-product and per-month
//! aggregates, never the lines themselves. Inventory, customers.csv and plan.csv are
//! written from them.

use chrono::Datelike;

use super::customers::MAX_FAVOURITES;
use super::world::World;

#[derive(Clone, Copy)]
pub(super) struct CustomerTotals {
    pub(super) net_sales: i64,
    pub(super) first_day: u32,
    pub(super) last_day: u32,
    pub(super) ordered: bool,
}

/// Per-customer monthly net sales of the year before the last calendar year (for plan.csv).
pub(super) struct BaseYearSales {
    pub(super) year: i32,
    pub(super) monthly: Vec<i64>,
    pub(super) has_sales: Vec<bool>,
}

pub(super) struct SalesAggregates {
    pub(super) customers: Vec<CustomerTotals>,
    /// Net quantity sold per product and month, `product * months + month`.
    pub(super) product_month_qty: Vec<i64>,
    pub(super) base_year: Option<BaseYearSales>,
    /// Quantity bought per key account, favourite and month.
    pub(super) key_account_qty: Vec<i64>,
    pub(super) lines: u64,
    pub(super) sale_lines: u64,
    pub(super) net_sales: i64,
}

impl SalesAggregates {
    pub(super) fn new(world: &World) -> SalesAggregates {
        let n_customers = world.customers.len();
        let months = world.cal.months.len();
        let first_year = world.cal.start.year();
        let base_year = world.cal.end.year() - 1;
        SalesAggregates {
            customers: vec![
                CustomerTotals {
                    net_sales: 0,
                    first_day: 0,
                    last_day: 0,
                    ordered: false
                };
                n_customers
            ],
            product_month_qty: vec![0; world.products.len() * months],
            base_year: (first_year <= base_year).then(|| BaseYearSales {
                year: base_year,
                monthly: vec![0; n_customers * 12],
                has_sales: vec![false; n_customers],
            }),
            key_account_qty: vec![0; world.key_accounts.len() * MAX_FAVOURITES * months],
            lines: 0,
            sale_lines: 0,
            net_sales: 0,
        }
    }

    pub(super) fn record_line(
        &mut self,
        world: &World,
        day: u32,
        customer: usize,
        product: usize,
        qty: i64,
        amount: i64,
    ) {
        let month = world.cal.month_of_day[day as usize] as usize;
        let months = world.cal.months.len();
        self.product_month_qty[product * months + month] += qty;

        let totals = &mut self.customers[customer];
        if !totals.ordered {
            totals.ordered = true;
            totals.first_day = day;
        }
        totals.last_day = day;
        totals.net_sales += amount;

        let m = &world.cal.months[month];
        if let Some(base) = self.base_year.as_mut().filter(|b| b.year == m.year) {
            base.monthly[customer * 12 + m.month as usize - 1] += amount;
            base.has_sales[customer] |= qty > 0;
        }
        if let Ok(slot) = world.key_accounts.binary_search(&customer) {
            let favourites = &world.customers[customer].favourites;
            if let Some(f) = favourites.iter().position(|&p| p as usize == product) {
                self.key_account_qty[(slot * MAX_FAVOURITES + f) * months + month] += qty;
            }
        }
        self.lines += 1;
        if qty > 0 {
            self.sale_lines += 1;
        }
        self.net_sales += amount;
    }
}
