//! The headline figures of the month against the previous month (环比) and the same
//! month a year earlier (同比), from the order lines: sales, gross profit and margin,
//! active customers, orders. Sums are exact decimals; a comparison whose month has no
//! order lines, or whose base is zero, has no change (shown "—"), never a division by zero.

use polars::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use super::format::decimal_at;
use super::lang::Lang;
use crate::values::Month;

/// How a figure is compared: money and counts by % change, a rate by percentage points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Money,
    Count,
    Rate,
}

/// One headline row: the figure in the month, the previous month and a year earlier.
#[derive(Debug, Clone)]
pub struct Figure {
    pub en: &'static str,
    pub zh: &'static str,
    pub measure: Measure,
    pub now: Option<Decimal>,
    pub prev: Option<Decimal>,
    pub last_year: Option<Decimal>,
}

impl Figure {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.zh)
    }

    /// Against the previous month: a ratio (0.2 = +20%) or, for a rate, the difference.
    pub fn mom(&self) -> Option<Decimal> {
        change(self.measure, self.now, self.prev)
    }

    /// Against the same month a year earlier.
    pub fn yoy(&self) -> Option<Decimal> {
        change(self.measure, self.now, self.last_year)
    }
}

/// The % change of `now` over `base` (a ratio), or a rate's difference; None when a side
/// is missing or the base is zero.
pub fn change(measure: Measure, now: Option<Decimal>, base: Option<Decimal>) -> Option<Decimal> {
    let (now, base) = (now?, base?);
    match measure {
        Measure::Rate => Some(now - base),
        _ if base.is_zero() => None,
        _ => Some((now - base) / base.abs()),
    }
}

/// A change as the page shows it: "+20.0%", "-3.5%", "+1.2 pp" (a rate's points), or "—".
pub fn change_text(measure: Measure, change: Option<Decimal>, lang: Lang) -> String {
    let Some(c) = change else { return "—".to_string() };
    let points = (c * Decimal::ONE_HUNDRED).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    let sign = if points > Decimal::ZERO { "+" } else { "" };
    match measure {
        Measure::Rate => format!("{sign}{points:.1}{}", lang.pick(" pp", "个百分点")),
        _ => format!("{sign}{points:.1}%"),
    }
}

/// The three months compared and the figures.
pub struct Headline {
    pub month: Month,
    pub previous: Month,
    pub last_year: Month,
    pub figures: Vec<Figure>,
}

/// The sums of one month's order lines; None when the month has no lines.
struct MonthSums {
    sales: Decimal,
    /// None when a line of the month has no cost.
    cost: Option<Decimal>,
    customers: Decimal,
    orders: Option<Decimal>,
}

fn sums(lines: &DataFrame, month: Month) -> anyhow::Result<Option<MonthSums>> {
    let has_orders = lines.get_column_index("order_id").is_some();
    let mut aggs = vec![
        len().alias("lines"),
        col("amount").sum().alias("sales"),
        col("cost").sum().alias("cost"),
        col("cost").null_count().alias("cost_missing"),
        col("customer_id").n_unique().alias("customers"),
    ];
    if has_orders {
        aggs.push(col("order_id").n_unique().alias("orders"));
    }
    let (first, last) = (month.first_day(), month.last_day());
    let row = lines
        .clone()
        .lazy()
        .filter(col("order_date").gt_eq(lit(first)).and(col("order_date").lt_eq(lit(last))))
        .select(aggs)
        .collect()?;
    let count = |name: &str| -> anyhow::Result<u64> { Ok(row.column(name)?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0)) };
    if count("lines")? == 0 {
        return Ok(None);
    }
    Ok(Some(MonthSums {
        sales: decimal_at(&row, "sales", 0).unwrap_or_default(),
        cost: if count("cost_missing")? == 0 { decimal_at(&row, "cost", 0) } else { None },
        customers: Decimal::from(count("customers")?),
        orders: if has_orders { Some(Decimal::from(count("orders")?)) } else { None },
    }))
}

/// The headline of `month` from order lines with order_date, customer_id, amount, cost
/// (nullable) and optionally order_id; `open_receivables` (a snapshot at the month end,
/// so without comparisons) is added when given.
pub fn headline(lines: &DataFrame, month: Month, open_receivables: Option<Decimal>) -> anyhow::Result<Headline> {
    let previous = month.previous();
    let last_year = Month { year: month.year - 1, month: month.month };
    let months = [sums(lines, month)?, sums(lines, previous)?, sums(lines, last_year)?];
    let pick = |f: &dyn Fn(&MonthSums) -> Option<Decimal>| -> [Option<Decimal>; 3] {
        [0, 1, 2].map(|i| months[i].as_ref().and_then(f))
    };
    let mut figures = vec![];
    let mut push = |en, zh, measure, v: [Option<Decimal>; 3]| {
        figures.push(Figure { en, zh, measure, now: v[0], prev: v[1], last_year: v[2] });
    };
    push("Sales", "销售额", Measure::Money, pick(&|m| Some(m.sales)));
    push("Gross profit", "毛利", Measure::Money, pick(&|m| m.cost.map(|c| m.sales - c)));
    push(
        "Gross margin",
        "毛利率",
        Measure::Rate,
        pick(&|m| m.cost.filter(|_| !m.sales.is_zero()).map(|c| (m.sales - c) / m.sales)),
    );
    push("Active customers", "活跃客户数", Measure::Count, pick(&|m| Some(m.customers)));
    if lines.get_column_index("order_id").is_some() {
        push("Orders", "订单数", Measure::Count, pick(&|m| m.orders));
    }
    if let Some(open) = open_receivables {
        push("Open receivables (month end)", "应收余额（月末）", Measure::Money, [Some(open), None, None]);
    }
    Ok(Headline { month, previous, last_year, figures })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn changes_by_hand() {
        // 12,000 against 10,000 is +20.0%; against 15,000 is -20.0%.
        assert_eq!(change_text(Measure::Money, change(Measure::Money, d("12000"), d("10000")), Lang::En), "+20.0%");
        assert_eq!(change_text(Measure::Money, change(Measure::Money, d("12000"), d("15000")), Lang::En), "-20.0%");
        // A zero base or a missing month: no change, not a division by zero.
        assert_eq!(change(Measure::Money, d("12000"), d("0")), None);
        assert_eq!(change_text(Measure::Money, change(Measure::Money, d("12000"), None), Lang::Zh), "—");
        // A rate: 0.30 against 0.25 is 5 points up.
        assert_eq!(change_text(Measure::Rate, change(Measure::Rate, d("0.30"), d("0.25")), Lang::En), "+5.0 pp");
        // Against a negative base (returns exceeded sales): -500 to 500 is +200%.
        assert_eq!(change_text(Measure::Money, change(Measure::Money, d("500"), d("-500")), Lang::En), "+200.0%");
    }
}
