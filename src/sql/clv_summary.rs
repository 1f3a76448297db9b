//! `kam sql clv-summary`: the model inputs of `kam clv` per customer
//! (metrics/clv/summary.rs), in weeks, as of a date, for `kam clv --summary FILE`.
//!
//! A purchase is a distinct order day of the customer (returns-only days count);
//! x = purchase days − 1, t_x = (last − first purchase day) / 7,
//! T = (as-of − first purchase day) / 7, m = the exact sum of the spend on the days
//! after the first, divided by x (empty when x = 0). Only lines on or before as-of
//! count; without --as-of, as-of is the last order date of all lines, as in kam clv.

use chrono::NaiveDate;

use super::dialect::{Dialect, Type};
use super::{need, Need, Steps};
use crate::metrics::clv::summary::DAYS_PER_WEEK;

#[derive(Debug, Clone)]
pub struct Spec {
    pub as_of: Option<NaiveDate>,
    pub money_scale: usize,
}

pub fn needs(spec: &Spec) -> Vec<Need> {
    vec![
        need("customer_id", Type::Text, true),
        need("order_date", Type::Date, true),
        need("amount", Type::Money(spec.money_scale), true),
    ]
}

/// Columns customer_id, x, t_x, T, m, sorted by customer_id.
pub fn render(d: Dialect, lines: String, spec: &Spec) -> String {
    let money = Type::Money(spec.money_scale);
    let (customer, date, amount) = (d.ident("customer_id"), d.ident("order_date"), d.ident("amount"));
    let as_of = match spec.as_of {
        Some(day) => d.date(day),
        None => format!("(SELECT MAX({date}) FROM lines)"),
    };
    let mut steps = Steps::new(lines);
    steps.step(
        "days",
        format!(
            "  SELECT {customer}, {date}, {} AS {spend}\n  FROM lines\n  WHERE {date} <= {as_of}\n  GROUP BY {customer}, {date}",
            d.cast(&format!("SUM({amount})"), money),
            spend = d.ident("day_spend"),
        ),
    );
    let (first, last, x, repeat) = (d.ident("first_day"), d.ident("last_day"), d.ident("x"), d.ident("repeat_spend"));
    steps.step(
        "firsts",
        format!("  SELECT days.*, MIN({date}) OVER (PARTITION BY {customer}) AS {first}\n  FROM days"),
    );
    steps.step(
        "customers",
        format!(
            "  SELECT\n    {customer},\n    COUNT(*) - 1 AS {x},\n    MIN({date}) AS {first},\n    MAX({date}) AS {last},\n    \
             {} AS {repeat}\n  FROM firsts\n  GROUP BY {customer}",
            d.cast(&format!("SUM(CASE WHEN {date} > {first} THEN {} ELSE 0 END)", d.ident("day_spend")), money),
        ),
    );
    let weeks = |start: &str, end: &str| {
        format!(
            "{} / {}",
            d.cast(&d.days_between(start, end), Type::Double),
            d.cast(&format!("{DAYS_PER_WEEK:?}"), Type::Double)
        )
    };
    let select = format!(
        "SELECT\n  {customer},\n  {x},\n  {} AS {},\n  {} AS {},\n  CASE WHEN {x} > 0 THEN {} / {} END AS {}\nFROM customers\nORDER BY {}",
        weeks(&first, &last),
        d.ident("t_x"),
        weeks(&first, &as_of),
        d.ident("T"),
        d.cast(&repeat, Type::Double),
        d.cast(&x, Type::Double),
        d.ident("m"),
        d.text_order(&customer),
    );
    steps.finish(select)
}
