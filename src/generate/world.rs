//! The world: everything decided before the first order is written. Products,
//! customers, when each customer's order rate changes, and the exact number of order
//! lines of each day.

use chrono::Datelike;
use rand::rngs::StdRng;
use rand_distr::{Distribution, LogNormal};

use super::calendar::Calendar;
use super::customers::{build_customers, Customer, Lifecycle, DISTRIBUTOR};
use super::options::Scale;
use super::pickers::{rng_stream, CumulativePicker};
use super::products::{build_products, Product};
use super::rows::id_width;

/// Sales by calendar month: a dip around Chinese New Year, a peak in Q4.
pub(super) const MONTH_SEASONALITY: [f64; 12] = [
    0.95, 0.60, 0.95, 1.00, 0.98, 1.05, 0.95, 0.95, 1.05, 1.08, 1.25, 1.35,
];
/// Monday..Sunday: B2B orders are mostly placed on working days.
pub(super) const WEEKDAY_FACTOR: [f64; 7] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.12];
/// Underlying business growth per year.
pub(super) const YEARLY_GROWTH: f64 = 0.06;

pub(super) const RETURN_SHARE: f64 = 0.02;

/// From `day` on, customer `customer` orders at `rate_units`.
pub(super) struct RateEvent {
    pub(super) day: u32,
    pub(super) customer: u32,
    pub(super) rate_units: u64,
}

pub(super) fn rate_events(customers: &[Customer], days: u32) -> Vec<RateEvent> {
    let mut events = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let customer = i as u32;
        if c.rate_units == 0 {
            continue;
        }
        events.push(RateEvent {
            day: c.active_from,
            customer,
            rate_units: c.rate_units,
        });
        if let Lifecycle::Churned {
            declining: true, ..
        } = c.lifecycle
        {
            // Orders thin out over the last three months before the customer is lost.
            for (before, divisor) in [(90, 2), (45, 4)] {
                if c.active_until > c.active_from + before {
                    let rate_units = (c.rate_units / divisor).max(1);
                    events.push(RateEvent {
                        day: c.active_until - before,
                        customer,
                        rate_units,
                    });
                }
            }
        }
        if c.active_until + 1 < days {
            events.push(RateEvent {
                day: c.active_until + 1,
                customer,
                rate_units: 0,
            });
        }
    }
    events.sort_by_key(|e| (e.day, e.customer)); // stable, and each customer's days differ
    events
}

/// Exact number of order lines per day, and how many of them should be returns by then.
pub(super) struct DayPlan {
    pub(super) lines: Vec<u64>,
    pub(super) returns_by_day: Vec<u64>,
    /// Sum of the active customers' rate units, averaged over the days.
    pub(super) mean_active_units: f64,
}

pub(super) fn plan_days(
    cal: &Calendar,
    customers: &[Customer],
    events: &[RateEvent],
    n_lines: u64,
    rng: &mut StdRng,
) -> DayPlan {
    let noise = LogNormal::new(0.0, 0.25).expect("valid parameters");
    let mut rates = vec![0u64; customers.len()];
    let mut active_units: u64 = 0;
    let mut next_event = 0;
    let mut intensity = Vec::with_capacity(cal.days as usize);
    let mut units_sum = 0.0;
    for day in 0..cal.days {
        while next_event < events.len() && events[next_event].day == day {
            let e = &events[next_event];
            active_units = active_units - rates[e.customer as usize] + e.rate_units;
            rates[e.customer as usize] = e.rate_units;
            next_event += 1;
        }
        let date = cal.date(day as i64);
        let seasonal = MONTH_SEASONALITY[date.month0() as usize]
            * WEEKDAY_FACTOR[date.weekday().num_days_from_monday() as usize]
            * (1.0 + YEARLY_GROWTH * day as f64 / 365.0);
        intensity.push(active_units as f64 * seasonal * noise.sample(rng));
        units_sum += active_units as f64;
    }
    let n_returns = (n_lines as f64 * RETURN_SHARE).round() as u64;
    DayPlan {
        lines: allocate_exactly(&intensity, n_lines),
        returns_by_day: cumulative_targets(&intensity, n_returns),
        mean_active_units: units_sum / cal.days as f64,
    }
}

/// Cumulative share of `total` reached by the end of each day, rounded; the last is exact.
pub(super) fn cumulative_targets(weights: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut targets: Vec<u64> = weights
        .iter()
        .map(|w| {
            acc += w;
            ((acc / sum * total as f64).round() as u64).min(total)
        })
        .collect();
    if let Some(last) = targets.last_mut() {
        *last = total;
    }
    targets
}

/// Splits `total` over the days in proportion to `weights`, summing to exactly `total`.
pub(super) fn allocate_exactly(weights: &[f64], total: u64) -> Vec<u64> {
    let mut previous = 0;
    cumulative_targets(weights, total)
        .into_iter()
        .map(|target| {
            let today = target - previous; // targets never decrease
            previous = target;
            today
        })
        .collect()
}

pub(super) struct World {
    pub(super) cal: Calendar,
    pub(super) n_lines: u64,
    pub(super) products: Vec<Product>,
    pub(super) product_picker: CumulativePicker,
    pub(super) customers: Vec<Customer>,
    pub(super) events: Vec<RateEvent>,
    pub(super) day_plan: DayPlan,
    /// Large distributors whose own stock is reported in inventory.csv.
    pub(super) key_accounts: Vec<usize>,
    pub(super) order_no_width: usize,
    /// Expected days between two orders of a customer with one rate unit.
    pub(super) days_between_orders_per_unit: f64,
}

impl World {
    pub(super) fn build(scale: &Scale, seed: u64) -> World {
        let cal = Calendar::new(scale.start, scale.end);
        let (products, product_picker) = build_products(scale.products, &mut rng_stream(seed, 1));
        let customers = build_customers(
            scale.customers,
            scale.order_lines,
            &cal,
            &product_picker,
            &mut rng_stream(seed, 2),
        );
        let events = rate_events(&customers, cal.days);
        let day_plan = plan_days(
            &cal,
            &customers,
            &events,
            scale.order_lines,
            &mut rng_stream(seed, 3),
        );
        let key_accounts = pick_key_accounts(&customers);
        let days_between_orders_per_unit =
            mean_order_interval_per_unit(&customers, &day_plan, scale.order_lines, cal.days);
        World {
            cal,
            n_lines: scale.order_lines,
            products,
            product_picker,
            customers,
            events,
            day_plan,
            key_accounts,
            order_no_width: id_width(scale.order_lines, 7),
            days_between_orders_per_unit,
        }
    }
}

/// A customer with `u` rate units orders on average every `result / u` days: the total
/// number of orders per day is shared out in proportion to the rates.
pub(super) fn mean_order_interval_per_unit(
    customers: &[Customer],
    plan: &DayPlan,
    n_lines: u64,
    days: u32,
) -> f64 {
    let (rate_sum, weighted_lines) = customers.iter().fold((0.0, 0.0), |(r, l), c| {
        let rate = c.rate_units as f64;
        (r + rate, l + rate * (1.0 + 4.0 * c.extra_line_p))
    });
    let lines_per_order = if rate_sum > 0.0 {
        weighted_lines / rate_sum
    } else {
        1.0
    };
    let orders_per_day = (n_lines as f64 / lines_per_order / days as f64).max(1e-9);
    plan.mean_active_units / orders_per_day
}

/// The largest distributors that order throughout the period.
pub(super) fn pick_key_accounts(customers: &[Customer]) -> Vec<usize> {
    let mut candidates: Vec<usize> = (0..customers.len())
        .filter(|&i| {
            customers[i].segment == DISTRIBUTOR && customers[i].lifecycle == Lifecycle::Regular
        })
        .collect();
    candidates.sort_by(|&a, &b| {
        customers[b]
            .weight
            .total_cmp(&customers[a].weight)
            .then(a.cmp(&b))
    });
    candidates.truncate((customers.len() / 300).clamp(2, 5));
    candidates.sort_unstable();
    candidates
}
