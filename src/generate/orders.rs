//! orders.csv: the days walked in order, each day's returns, bulk orders and regular
//! orders written until the day's line count is reached; each order's invoice goes to
//! receivables.csv (see `receivables`).

use std::io::Write;

use anyhow::{ensure, Result};
use rand::rngs::StdRng;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

use super::cadence::Cadence;
use super::customers::{Lifecycle, REGIONS, SALESPEOPLE, SEGMENTS};
use super::pickers::{rng_stream, WeightedPicker};
use super::receivables;
use super::rows::{date_text, Rows};
use super::sales::SalesAggregates;
use super::world::World;

/// How many recent purchases per customer are remembered as candidates for returns.
const RECENT_PURCHASES: usize = 6;
const PROGRESS_EVERY: u64 = 1 << 16;

/// Recent purchases of one customer (product, quantity): what a return can refer to.
#[derive(Clone, Copy, Default)]
struct RecentPurchases {
    items: [(u32, u32); RECENT_PURCHASES],
    len: u8,
    next: u8,
}

impl RecentPurchases {
    fn push(&mut self, product: u32, quantity: u32) {
        self.items[self.next as usize] = (product, quantity);
        self.next = (self.next + 1) % RECENT_PURCHASES as u8;
        self.len = (self.len + 1).min(RECENT_PURCHASES as u8);
    }

    /// Removes and returns one remembered purchase, so it is not returned twice.
    fn take_random(&mut self, rng: &mut StdRng) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        let len = self.len as usize;
        // Items live in the ring's first `len` slots while it is not full, else in all.
        let slot = rng.gen_range(0..len);
        let taken = self.items[slot];
        self.items[slot] = self.items[len - 1];
        self.len -= 1;
        self.next = self.len;
        Some(taken)
    }
}

/// Net line amount in cents: qty × list price × (1 − discount), rounded half away from
/// zero, so a full return exactly cancels its sale.
pub(super) fn line_amount(qty: i64, price: i64, discount_bp: i64) -> i64 {
    let gross = qty as i128 * price as i128 * (10_000 - discount_bp) as i128;
    let rounded = (gross.abs() + 5_000) / 10_000;
    (gross.signum() * rounded) as i64
}

pub(super) struct OrderStream<'a, 'w> {
    world: &'a World,
    rng: StdRng,
    orders: &'a mut Rows<'w>,
    receivables: &'a mut Rows<'w>,
    progress: &'a mut dyn FnMut(u64),
    next_progress: u64,
    active: WeightedPicker,
    cadence: Cadence,
    recent: Vec<RecentPurchases>,
    sales: SalesAggregates,
    next_order_no: u64,
    returns_written: u64,
    /// Lines written ahead of the daily plan; the following days write that many fewer.
    lines_ahead: u64,
    /// One-off bulk buyers whose order is still to be placed, by day.
    pending_bulk: Vec<usize>,
    /// The current order's id, and today's date, formatted once rather than per line.
    order_id: Vec<u8>,
    day_text: Vec<u8>,
}

impl<'a, 'w> OrderStream<'a, 'w> {
    pub(super) fn new(
        world: &'a World,
        seed: u64,
        orders: &'a mut Rows<'w>,
        receivables: &'a mut Rows<'w>,
        progress: &'a mut dyn FnMut(u64),
    ) -> OrderStream<'a, 'w> {
        let mut pending_bulk: Vec<usize> = (0..world.customers.len())
            .filter(|&c| world.customers[c].lifecycle == Lifecycle::OneOffBulk)
            .collect();
        pending_bulk.sort_by_key(|&c| (world.customers[c].active_from, c));
        OrderStream {
            world,
            rng: rng_stream(seed, 4),
            orders,
            receivables,
            progress,
            next_progress: PROGRESS_EVERY,
            active: WeightedPicker::new(world.customers.len()),
            cadence: Cadence::new(
                world.customers.len(),
                world.cal.days,
                world.days_between_orders_per_unit,
            ),
            recent: vec![RecentPurchases::default(); world.customers.len()],
            sales: SalesAggregates::new(world),
            next_order_no: 1,
            returns_written: 0,
            lines_ahead: 0,
            pending_bulk,
            order_id: Vec::new(),
            day_text: Vec::new(),
        }
    }

    pub(super) fn run(mut self) -> Result<SalesAggregates> {
        let world = self.world;
        let mut next_event = 0;
        for day in 0..world.cal.days {
            for customer in self.cadence.take_changes(day) {
                self.active.set(customer, self.cadence.weight(customer));
            }
            while next_event < world.events.len() && world.events[next_event].day == day {
                let e = &world.events[next_event];
                self.change_rate(day, e.customer as usize, e.rate_units);
                next_event += 1;
            }
            self.write_day(day)?;
        }
        ensure!(
            self.sales.lines == world.n_lines,
            "internal error: wrote {} order lines instead of {}",
            self.sales.lines,
            world.n_lines
        );
        (self.progress)(self.sales.lines);
        Ok(self.sales)
    }

    /// A customer starts, slows down or stops ordering.
    fn change_rate(&mut self, day: u32, customer: usize, rate_units: u64) {
        let starting = self.cadence.rate[customer] == 0 && rate_units > 0;
        self.cadence.rate[customer] = rate_units;
        if starting {
            // Existing customers are somewhere in their cycle; new ones are keen to order.
            let interval = self.cadence.days_per_unit / rate_units as f64;
            let elapsed = if self.world.customers[customer].lifecycle == Lifecycle::New {
                interval
            } else {
                self.rng.gen::<f64>() * interval
            };
            self.cadence.restart(customer, day as f64 - elapsed, day);
        }
        self.active.set(customer, self.cadence.weight(customer));
    }

    /// Writes the day's return orders first (their R ids sort before SO ids), then any
    /// one-off bulk order, then regular orders until the day's line count is reached.
    fn write_day(&mut self, day: u32) -> Result<()> {
        let world = self.world;
        // An order may run past the day's plan (a 3-line order on a day planned for 1 line
        // at small scales); later days make up for it, so the total stays exact.
        let planned = world.day_plan.lines[day as usize];
        let mut left = planned.saturating_sub(self.lines_ahead);
        self.lines_ahead = self.lines_ahead.saturating_sub(planned);
        if left == 0 {
            return Ok(());
        }
        self.day_text.clear();
        date_text(&mut self.day_text, world.cal.date(day as i64))?;
        ensure!(
            self.active.total() > 0,
            "internal error: no active customer on day {day}"
        );

        let bulk_today = self.bulk_buyers_due(day);
        let reserved_for_bulk = (bulk_today.len() as u64).min(left);
        let backlog =
            world.day_plan.returns_by_day[day as usize].saturating_sub(self.returns_written);
        let returns_today = backlog.min(left - reserved_for_bulk).min((left / 4).max(1));
        for _ in 0..returns_today {
            if !self.write_return(day)? {
                break; // nobody has bought anything yet: try again on a later day
            }
            left -= 1;
        }
        for (k, &customer) in bulk_today.iter().enumerate() {
            if left == 0 {
                // No line to spare today: the rest wait for the next day.
                self.pending_bulk
                    .splice(0..0, bulk_today[k..].iter().copied());
                break;
            }
            let written = self.write_bulk_order(day, customer, self.lines_remaining())?;
            left = self.count_against_plan(left, written);
        }
        while left > 0 {
            let customer = self.active.sample(&mut self.rng);
            let written = self.write_sale_order(day, customer, self.lines_remaining())?;
            left = self.count_against_plan(left, written);
        }
        Ok(())
    }

    /// Order lines still to write in the whole run (never exceeded, so the count is exact).
    fn lines_remaining(&self) -> u64 {
        self.world.n_lines - self.sales.lines
    }

    /// Lines left for today after `written` more; any excess runs ahead of the plan.
    fn count_against_plan(&mut self, left: u64, written: u64) -> u64 {
        if written > left {
            self.lines_ahead += written - left;
        }
        left.saturating_sub(written)
    }

    /// Bulk buyers whose day has come; they are placed on the first day with lines to spare.
    fn bulk_buyers_due(&mut self, day: u32) -> Vec<usize> {
        let customers = &self.world.customers;
        let due = self
            .pending_bulk
            .partition_point(|&c| customers[c].active_from <= day);
        self.pending_bulk.drain(..due).collect()
    }

    fn next_order_id(&mut self, prefix: &str) -> u64 {
        let no = self.next_order_no;
        self.next_order_no += 1;
        self.order_id.clear();
        let width = self.world.order_no_width;
        write!(self.order_id, "{prefix}{no:0width$}").expect("writing to memory");
        no
    }

    fn write_sale_order(&mut self, day: u32, customer: usize, max_lines: u64) -> Result<u64> {
        let world = self.world;
        let c = &world.customers[customer];
        let mut n = 1 + (0..4).filter(|_| self.rng.gen_bool(c.extra_line_p)).count() as u64;
        n = n.min(max_lines).min(world.products.len() as u64);
        let order_no = self.next_order_id("SO");
        let mut chosen = [u32::MAX; 5];
        let mut total = 0;
        for i in 0..n as usize {
            let product = self.pick_order_product(customer, &chosen[..i]);
            chosen[i] = product as u32;
            let qty = self.line_quantity(customer, product);
            total += self.write_line(day, customer, product, qty)?;
            self.recent[customer].push(product as u32, qty.min(u32::MAX as i64) as u32);
        }
        self.write_invoice(day, customer, order_no, total)?;
        self.cadence.restart(customer, day as f64, day);
        self.active.set(customer, self.cadence.weight(customer));
        Ok(n)
    }

    /// A single very large order from a one-off buyer: worth about 190 average lines
    /// (some 80 typical orders), but never more than ~3 % of the expected total sales.
    fn write_bulk_order(&mut self, day: u32, customer: usize, max_lines: u64) -> Result<u64> {
        let world = self.world;
        let n = self
            .rng
            .gen_range(3..=5u64)
            .min(max_lines)
            .min(world.products.len() as u64);
        let avg_line = if self.sales.sale_lines > 0 {
            (self.sales.net_sales.max(0) / self.sales.sale_lines as i64).max(100_000)
        } else {
            1_000_000
        };
        let expected_total = avg_line.saturating_mul(world.n_lines.min(i64::MAX as u64) as i64);
        let target_value = (avg_line * 190).min(expected_total / 100 * 3);
        let discount = world.customers[customer].discount_bp;
        let order_no = self.next_order_id("SO");
        let mut chosen = [u32::MAX; 5];
        let mut total = 0;
        for i in 0..n as usize {
            let product =
                self.pick_distinct(&chosen[..i], |s| s.world.product_picker.pick(&mut s.rng));
            chosen[i] = product as u32;
            let net_unit = line_amount(1, world.products[product].price, discount).max(1);
            let qty = (target_value / n as i64 / net_unit).max(1);
            total += self.write_line(day, customer, product, qty)?;
        }
        self.write_invoice(day, customer, order_no, total)?;
        Ok(n)
    }

    /// A one-line return order of something an active customer bought before.
    /// Returns false if no candidate was found.
    fn write_return(&mut self, day: u32) -> Result<bool> {
        for _ in 0..40 {
            let customer = self.active.sample(&mut self.rng);
            let Some((product, bought)) = self.recent[customer].take_random(&mut self.rng) else {
                continue;
            };
            let qty = if self.rng.gen_bool(0.6) {
                bought
            } else {
                self.rng.gen_range(1..=bought)
            };
            let order_no = self.next_order_id("R");
            let amount = self.write_line(day, customer, product as usize, -(qty as i64))?;
            self.write_invoice(day, customer, order_no, amount)?;
            self.returns_written += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Mostly one of the customer's favourites, otherwise any product by popularity.
    fn pick_order_product(&mut self, customer: usize, chosen: &[u32]) -> usize {
        let favourites = &self.world.customers[customer].favourites;
        self.pick_distinct(chosen, |s| {
            if !favourites.is_empty() && s.rng.gen_bool(0.6) {
                favourites[s.rng.gen_range(0..favourites.len())] as usize
            } else {
                s.world.product_picker.pick(&mut s.rng)
            }
        })
    }

    /// Draws until the product is not yet in the order; falls back to a scan.
    fn pick_distinct(&mut self, chosen: &[u32], mut draw: impl FnMut(&mut Self) -> usize) -> usize {
        for _ in 0..20 {
            let p = draw(self);
            if !chosen.contains(&(p as u32)) {
                return p;
            }
        }
        let n = self.world.products.len();
        let start = self.rng.gen_range(0..n);
        (0..n)
            .map(|k| (start + k) % n)
            .find(|p| !chosen.contains(&(*p as u32)))
            .expect("orders have fewer lines than there are products")
    }

    fn line_quantity(&mut self, customer: usize, product: usize) -> i64 {
        let base = self.world.customers[customer].quantity_scale
            * self.world.products[product].quantity_factor;
        let noise: f64 = LogNormal::new(0.0, 0.5)
            .expect("valid parameters")
            .sample(&mut self.rng);
        ((base * noise).round() as i64).max(1)
    }

    /// Writes one orders.csv line with the current order id and returns its amount.
    fn write_line(&mut self, day: u32, customer: usize, product: usize, qty: i64) -> Result<i64> {
        let world = self.world;
        let c = &world.customers[customer];
        let p = &world.products[product];
        let amount = line_amount(qty, p.price, c.discount_bp);
        let cost = qty * p.unit_cost;
        self.orders
            .bytes(&self.order_id)?
            .bytes(&self.day_text)?
            .text(&c.id)?
            .text(&c.name)?
            .text(&p.id)?
            .text(&p.name)?
            .text(REGIONS[c.region])?
            .text(SEGMENTS[c.segment].channel)?
            .text(SALESPEOPLE[c.salesperson])?
            .int(qty)?
            .money(amount)?
            .money(cost)?
            .end()?;
        self.sales
            .record_line(world, day, customer, product, qty, amount);
        if self.sales.lines >= self.next_progress {
            (self.progress)(self.sales.lines);
            self.next_progress += PROGRESS_EVERY;
        }
        Ok(amount)
    }

    /// The order's invoice, dated today, drawn from the order stream's random numbers.
    fn write_invoice(&mut self, day: u32, customer: usize, order_no: u64, amount: i64) -> Result<()> {
        let invoice = receivables::Invoice { day, day_text: &self.day_text, customer, order_no, amount };
        receivables::write_invoice(self.receivables, self.world, &mut self.rng, &invoice)
    }
}
