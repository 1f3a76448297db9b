//! `kam sql products`: the order-line part of `kam products` without inventory
//! (metrics/products.rs, SPEC §3): per product the sales, quantity and cost of the
//! lines in the period, gross profit, gross margin rate, share, cum_share and the ABC
//! class. A sum over a product with a line lacking the value (quantity, cost) is empty,
//! as in kam: a partial sum would understate it. Inventory, turnover and the ratios
//! built on them need the snapshots and stay with `kam products --inventory`.

use chrono::NaiveDate;

use super::abc::{period_filter, rank};
use super::dialect::{Dialect, Type};
use super::{need, Need, Steps};
use crate::metrics::abc::Thresholds;

#[derive(Debug, Clone)]
pub struct Spec {
    pub thresholds: Thresholds,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub money_scale: usize,
}

/// quantity and cost are used when the input has them (else they come out empty).
pub fn needs(spec: &Spec) -> Vec<Need> {
    let money = Type::Money(spec.money_scale);
    let mut needs = vec![
        need("product_id", Type::Text, true),
        need("amount", money, true),
        need("quantity", Type::Double, false),
        need("cost", money, false),
    ];
    if spec.from.is_some() || spec.to.is_some() {
        needs.push(need("order_date", Type::Date, true));
    }
    needs
}

/// Columns product_id, sales, quantity, cost, gross_profit, gross_margin_rate, share,
/// cum_share, class; sorted by product_id (kam's order without inventory, where
/// contribution_ratio is empty on every row).
pub fn render(d: Dialect, lines: String, spec: &Spec) -> String {
    let money = Type::Money(spec.money_scale);
    let product = d.ident("product_id");
    let [sales, quantity, cost] = ["sales", "quantity", "cost"].map(|c| d.ident(c));
    // Σ, or empty when any line of the product lacks the value.
    let complete = |c: &str, t: Option<Type>| {
        let sum = format!("SUM({c})");
        let sum = t.map_or(sum.clone(), |t| d.cast(&sum, t));
        format!("CASE WHEN COUNT({c}) = COUNT(*) THEN {sum} END")
    };
    let mut steps = Steps::new(lines);
    steps.step(
        "sums",
        format!(
            "  SELECT\n    {product},\n    {} AS {sales},\n    {} AS {quantity},\n    {} AS {cost}\n  FROM lines{}\n  GROUP BY {product}",
            d.cast(&format!("SUM({})", d.ident("amount")), money),
            complete(&quantity, None),
            complete(&cost, Some(money)),
            period_filter(d, spec.from, spec.to),
        ),
    );
    let ranked = rank(d, &mut steps, "sums", &product, &spec.thresholds, money);
    let profit = format!("({sales} - {cost})");
    let margin = format!(
        "CASE WHEN {sales} <> 0 THEN {} / {} END",
        d.cast(&profit, Type::Double),
        d.cast(&sales, Type::Double)
    );
    let out = [
        product.clone(),
        sales.clone(),
        quantity.clone(),
        cost.clone(),
        format!("{} AS {}", d.cast(&profit, money), d.ident("gross_profit")),
        format!("{margin} AS {}", d.ident("gross_margin_rate")),
        ranked[2].clone(),
        ranked[3].clone(),
        ranked[4].clone(),
    ];
    steps.finish(format!("SELECT\n  {}\nFROM ranked\nORDER BY {}", out.join(",\n  "), d.text_order(&product)))
}
