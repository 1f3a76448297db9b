//! The products: ids, names, list prices, costs, where they are stocked, how
//! popular they are.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::pickers::{pick_some, stratified_pareto, CumulativePicker};
use super::rows::id_width;

pub(super) struct Category {
    pub(super) name: &'static str,
    pub(super) code: &'static str,
    /// List price range in yuan.
    pub(super) price_range: (f64, f64),
}

pub(super) const CATEGORIES: [Category; 14] = [
    category("空调", "KFR", 2500.0, 9000.0),
    category("冰箱", "BCD", 1800.0, 8000.0),
    category("洗衣机", "XQG", 1200.0, 5000.0),
    category("电视", "LED", 1500.0, 12000.0),
    category("热水器", "JSQ", 800.0, 4000.0),
    category("油烟机", "CXW", 1200.0, 5000.0),
    category("燃气灶", "JZT", 500.0, 2500.0),
    category("微波炉", "WBL", 300.0, 1200.0),
    category("电饭煲", "DFB", 200.0, 1200.0),
    category("净水器", "JSJ", 800.0, 4500.0),
    category("吸尘器", "XCQ", 400.0, 3000.0),
    category("电风扇", "DFS", 100.0, 600.0),
    category("空气净化器", "KJF", 800.0, 4000.0),
    category("电磁炉", "DCL", 150.0, 600.0),
];

pub(super) const fn category(name: &'static str, code: &'static str, low: f64, high: f64) -> Category {
    Category {
        name,
        code,
        price_range: (low, high),
    }
}

/// Own warehouses, in the order their rows are written.
pub(super) const WAREHOUSES: [&str; 3] = ["WH-BJ", "WH-GZ", "WH-SH"];

pub(super) const PRODUCT_PARETO_ALPHA: f64 = 1.1;

pub(super) struct Product {
    pub(super) id: String,
    pub(super) name: String,
    /// List price and unit cost in cents.
    pub(super) price: i64,
    pub(super) unit_cost: i64,
    /// Cheap products sell in larger quantities per line.
    pub(super) quantity_factor: f64,
    /// (warehouse index, share of the stock), main warehouse first.
    pub(super) warehouses: Vec<(usize, f64)>,
    /// Stock kept, in months of sales.
    pub(super) coverage_months: f64,
}

pub(super) fn build_products(count: usize, rng: &mut StdRng) -> (Vec<Product>, CumulativePicker) {
    let width = id_width(count as u64, 4);
    let popularity = stratified_pareto(count, PRODUCT_PARETO_ALPHA, 500.0, rng);
    let loss_leaders = pick_some(count, (count as f64 * 0.03).round() as usize, rng);
    let slow_movers = pick_some(count, (count as f64 * 0.05).round().max(1.0) as usize, rng);
    let mut names = HashSet::new();
    let mut products = Vec::with_capacity(count);
    for i in 0..count {
        let category = &CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        let id = format!("P{:0width$}", i + 1);
        let name = product_name(category, &id, &mut names, rng);
        let price = list_price_cents(category, rng);
        let cost_share = if loss_leaders.contains(&i) {
            rng.gen_range(0.88..1.0) // sold near or below cost after discounts
        } else {
            1.0 - rng.gen_range(0.17..0.49) // 10–45 % margin after the typical discount
        };
        let unit_cost = ((price as f64 * cost_share).round() as i64).max(1);
        let quantity_factor = (100_000.0 / price as f64).powf(0.35).clamp(0.3, 4.0);
        let coverage_months = if slow_movers.contains(&i) {
            rng.gen_range(6.0..18.0)
        } else {
            rng.gen_range(0.5..2.5)
        };
        products.push(Product {
            id,
            name,
            price,
            unit_cost,
            quantity_factor,
            warehouses: product_warehouses(rng),
            coverage_months,
        });
    }
    (products, CumulativePicker::new(&popularity))
}

pub(super) fn product_name(
    category: &Category,
    id: &str,
    taken: &mut HashSet<String>,
    rng: &mut StdRng,
) -> String {
    for _ in 0..10 {
        let letter = (b'A' + rng.gen_range(0..8u8)) as char;
        let name = format!(
            "{} {}-{}{}",
            category.name,
            category.code,
            rng.gen_range(100..1000),
            letter
        );
        if taken.insert(name.clone()) {
            return name;
        }
    }
    format!("{} {}-{}", category.name, category.code, id) // unique by construction
}

/// Log-uniform within the category's range, as a "psychological" price like 2999.00.
pub(super) fn list_price_cents(category: &Category, rng: &mut StdRng) -> i64 {
    let (low, high) = category.price_range;
    let yuan = (low.ln() + rng.gen::<f64>() * (high.ln() - low.ln())).exp();
    let yuan = ((yuan / 10.0).round() as i64 * 10 - 1).max(9);
    yuan * 100
}

pub(super) fn product_warehouses(rng: &mut StdRng) -> Vec<(usize, f64)> {
    // Most stock sits in Shanghai; some products are also kept in a second warehouse.
    let main = *[2usize, 2, 2, 1, 0].choose(rng).expect("non-empty");
    if rng.gen_bool(0.35) {
        let other = (main + rng.gen_range(1..WAREHOUSES.len())) % WAREHOUSES.len();
        let share = rng.gen_range(0.6..0.85);
        vec![(main, share), (other, 1.0 - share)]
    } else {
        vec![(main, 1.0)]
    }
}
