//! `kam sql abc`: the Pareto / ABC split of `kam abc` (metrics/abc.rs, SPEC §2).
//!
//! Items are ranked positive sales first, largest first, ties by key in code-point
//! order; an item is A while the sales before it are below A × total, B below
//! (A + B) × total, compared on exact decimals; zero or negative sales, or a total
//! that is not positive, are C. Names (customer_name) are left out: kam shows the
//! first name in file order, which a warehouse has no notion of.

use chrono::NaiveDate;

use super::dialect::{Dialect, Type};
use super::{below_share, need, Need, Steps};
use crate::metrics::abc::Thresholds;

/// What the statement computes besides the data.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The role (or column) classified: customer_id, product_id, region, ...
    pub key: String,
    /// Its name in the output (kam's `abc::key_column_name`).
    pub key_out: String,
    pub thresholds: Thresholds,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub money_scale: usize,
}

/// The roles read: the key, amount, and order_date for a period.
pub fn needs(spec: &Spec) -> Vec<Need> {
    let mut needs = vec![need(&spec.key, Type::Text, true), need("amount", Type::Money(spec.money_scale), true)];
    if spec.from.is_some() || spec.to.is_some() {
        needs.push(need("order_date", Type::Date, true));
    }
    needs
}

/// `WHERE` for --from/--to on `order_date`, or nothing.
pub(crate) fn period_filter(d: Dialect, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let date = d.ident("order_date");
    let mut tests = Vec::new();
    if let Some(f) = from {
        tests.push(format!("{date} >= {}", d.date(f)));
    }
    if let Some(t) = to {
        tests.push(format!("{date} <= {}", d.date(t)));
    }
    if tests.is_empty() {
        String::new()
    } else {
        format!("\n  WHERE {}", tests.join(" AND "))
    }
}

/// Add the step `ranked` over `sums` (columns `key` and `sales`, one row per item):
/// rank, cum_sales and total in kam's order. Returns the output expressions
/// rank, cum_sales, share, cum_share and class over `ranked`, aliased.
pub(crate) fn rank(d: Dialect, steps: &mut Steps, sums: &str, key: &str, t: &Thresholds, money: Type) -> Vec<String> {
    let sales = d.ident("sales");
    let order = format!(
        "ORDER BY CASE WHEN {sales} > 0 THEN 0 ELSE 1 END, {sales} DESC, {}",
        d.text_order(key)
    );
    steps.step(
        "ranked",
        format!(
            "  SELECT\n    s.*,\n    ROW_NUMBER() OVER ({order}) AS {rank},\n    \
             {cum_cast} AS {cum},\n    {total_cast} AS {total}\n  FROM {sums} s",
            rank = d.ident("rank"),
            cum_cast = d.cast(&format!("SUM({sales}) OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"), money),
            cum = d.ident("cum_sales"),
            total_cast = d.cast(&format!("SUM({sales}) OVER ()"), money),
            total = d.ident("__total"),
        ),
    );
    let (cum, total) = (d.ident("cum_sales"), d.ident("__total"));
    let ratio = |e: &str| {
        format!(
            "CASE WHEN {total} > 0 THEN {} / {} END",
            d.cast(e, Type::Double),
            d.cast(&total, Type::Double)
        )
    };
    let before = format!("({cum} - {sales})");
    let class = format!(
        "CASE WHEN {sales} <= 0 OR {total} <= 0 THEN 'C' WHEN {} THEN 'A' WHEN {} THEN 'B' ELSE 'C' END",
        below_share(&before, t.a, &total),
        below_share(&before, t.a + t.b, &total)
    );
    vec![
        format!("{} AS {}", d.ident("rank"), d.ident("rank")),
        format!("{cum} AS {cum}"),
        format!("{} AS {}", ratio(&sales), d.ident("share")),
        format!("{} AS {}", ratio(&cum), d.ident("cum_share")),
        format!("{class} AS {}", d.ident("class")),
    ]
}

/// The statement: one row per item, columns rank, key, sales, cum_sales, share,
/// cum_share, class, in rank order. `lines` is the body of the typed input step.
pub fn render(d: Dialect, lines: String, spec: &Spec) -> String {
    let money = Type::Money(spec.money_scale);
    let key = d.ident(&spec.key);
    let key_out = d.ident(&spec.key_out);
    let sales = d.ident("sales");
    let mut steps = Steps::new(lines);
    steps.step(
        "sums",
        format!(
            "  SELECT {key} AS {key_out}, {} AS {sales}\n  FROM lines{}\n  GROUP BY {key}",
            d.cast(&format!("SUM({})", d.ident("amount")), money),
            period_filter(d, spec.from, spec.to)
        ),
    );
    let ranked = rank(d, &mut steps, "sums", &key_out, &spec.thresholds, money);
    let mut out = vec![ranked[0].clone(), key_out.clone(), sales.clone()];
    out.extend(ranked[1..].iter().cloned());
    steps.finish(format!("SELECT\n  {}\nFROM ranked\nORDER BY {}", out.join(",\n  "), d.ident("rank")))
}
