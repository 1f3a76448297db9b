//! receivables.csv: one invoice per order (a credit note for a return), numbered like
//! the order, and what of it the customer has paid by the end of the period.

use anyhow::Result;
use rand::rngs::StdRng;
use rand::Rng;

use super::customers::{Lifecycle, Payer};
use super::rows::Rows;
use super::world::World;

/// An order as its invoice needs it.
pub(super) struct Invoice<'t> {
    pub(super) day: u32,
    /// `day` as YYYY-MM-DD.
    pub(super) day_text: &'t [u8],
    pub(super) customer: usize,
    pub(super) order_no: u64,
    pub(super) amount: i64,
}

pub(super) fn write_invoice(out: &mut Rows, world: &World, rng: &mut StdRng, invoice: &Invoice) -> Result<()> {
    let &Invoice { day, day_text, customer, order_no, amount } = invoice;
    let c = &world.customers[customer];
    let is_credit_note = amount < 0;
    let due_day = day as i64 + c.terms_days;
    let (paid, paid_day) = if is_credit_note {
        (amount, Some(day as i64)) // settled against the customer's account at once
    } else {
        payment(world, rng, customer, day, amount)
    };
    let prefix = if is_credit_note { "CN" } else { "INV" };
    let width = world.order_no_width;
    out.text(&c.id)?
        .text(&format!("{prefix}{order_no:0width$}"))?
        .bytes(day_text)?
        .date(world.cal.date(due_day))?
        .money(amount)?
        .money(paid)?;
    match paid_day {
        Some(d) => out.date(world.cal.date(d))?,
        None => out.empty()?,
    };
    out.end()
}

/// What has been paid by the end of the period, and the date of the last payment.
fn payment(world: &World, rng: &mut StdRng, customer: usize, day: u32, amount: i64) -> (i64, Option<i64>) {
    let c = &world.customers[customer];
    let last_day = world.cal.days as i64 - 1;
    let due = day as i64 + c.terms_days;
    if let Lifecycle::Churned {
        leaves_debt: true, ..
    } = c.lifecycle
    {
        if day + 75 > c.active_until {
            return (0, None); // the last invoices of a lost customer are never paid
        }
    }
    let payments: Vec<(i64, i64)> = match c.payer {
        Payer::OnTime => vec![(amount, due + rng.gen_range(-10..=10))],
        Payer::Late { typical_delay } => {
            let delay = (typical_delay + rng.gen_range(-25..=25)).clamp(30, 150);
            vec![(amount, due + delay)]
        }
        Payer::TwoParts => {
            let first = amount * rng.gen_range(30..=70) / 100;
            let first_day = due + rng.gen_range(-5..=10);
            vec![
                (first, first_day),
                (amount - first, first_day + rng.gen_range(20..=60)),
            ]
        }
    };
    let mut paid = 0;
    let mut paid_day = None;
    for (part, pay_day) in payments {
        let pay_day = pay_day.max(day as i64);
        if pay_day <= last_day {
            paid += part;
            paid_day = Some(pay_day);
        }
    }
    (paid, paid_day)
}
