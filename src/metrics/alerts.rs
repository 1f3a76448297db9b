//! One list of every early warning (SPEC §5, 预警管理): rows of customer_id, kind,
//! severity, figure, threshold, reason, built from the churn table
//! (crate::metrics::churn) and the aging table (crate::metrics::receivables).
//! Figures and thresholds are text so that money stays exact next to days and
//! percentages. The severity of each kind is fixed: docs/warnings.md.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::receivables::TOTAL;

/// Severity levels, lowest first.
pub const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// Alert kinds and their severity.
pub const KINDS: [(&str, &str); 9] = [
    ("churned", "critical"),
    ("over_credit_limit", "critical"),
    ("assets_warning_line", "critical"),
    ("churn_risk", "warning"),
    ("sales_vs_plan", "warning"),
    ("sales_vs_previous", "warning"),
    ("sales_vs_last_year", "warning"),
    ("aging_overdue", "warning"),
    ("order_frequency", "info"),
];

fn severity_of(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("info", |(_, s)| s)
}

fn s(e: Expr) -> Expr {
    e.cast(DataType::String)
}

/// A float as text with `digits` decimals (e.g. 31.0).
fn num(e: Expr, digits: u32) -> Expr {
    s(e.round(digits, RoundMode::HalfToEven))
}

/// A ratio as a percentage text: -0.3 -> "-30.0%".
fn pct(e: Expr) -> Expr {
    concat_str([num(e * lit(100.0), 1), lit("%")], "", true)
}

fn row(kind: &str, figure: Expr, threshold: Expr, reason: Expr) -> Vec<Expr> {
    vec![
        s(col("customer_id")).alias("customer_id"),
        lit(kind).alias("kind"),
        lit(severity_of(kind)).alias("severity"),
        figure.alias("figure"),
        threshold.alias("threshold"),
        reason.alias("reason"),
    ]
}

/// Settings the alert texts need.
#[derive(Debug, Clone)]
pub struct AlertParams {
    pub k: f64,
    pub churn_days: i32,
    pub drop: Decimal,
    /// The oldest aging bucket's column (over_90) and its lower edge (90).
    pub oldest_bucket: String,
    pub oldest_days: i32,
    pub warning_share: Decimal,
}

/// Alerts from the churn table: churned, churn_risk, sales_vs_*, order_frequency.
/// Sales-progress alerts are not repeated for churned customers.
pub fn from_churn(churn: LazyFrame, p: &AlertParams) -> Vec<LazyFrame> {
    let drop_pct = format!("-{}%", (p.drop * Decimal::ONE_HUNDRED).normalize());
    let live = col("status").neq(lit("churned"));
    let sales_drop = |flag: &str, kind: &str, base: &str, change: &str, words: &str| {
        churn.clone().filter(col(flag).and(live.clone())).select(row(
            kind,
            pct(col(change)),
            lit(drop_pct.clone()),
            concat_str(
                [lit("sales "), s(col("sales")), lit(format!(" vs {words} ")), s(col(base)), lit(" ("), pct(col(change)), lit(")")],
                "",
                true,
            ),
        ))
    };
    vec![
        churn.clone().filter(col("status").eq(lit("churned"))).select(row(
            "churned",
            concat_str([s(col("days_since_last")), lit(" days")], "", true),
            lit(format!("{} days", p.churn_days)),
            col("reason"),
        )),
        churn.clone().filter(col("status").eq(lit("at_risk"))).select(row(
            "churn_risk",
            concat_str([s(col("days_since_last")), lit(" days")], "", true),
            concat_str([num(col("typical_gap") * lit(p.k), 1), lit(" days")], "", true),
            col("reason"),
        )),
        sales_drop("below_plan", "sales_vs_plan", "plan", "plan_gap", "plan"),
        sales_drop("drop_vs_prev", "sales_vs_previous", "sales_prev", "change_prev", "the previous period's"),
        sales_drop("drop_vs_last_year", "sales_vs_last_year", "sales_last_year", "change_last_year", "last year's"),
        churn.filter(col("frequency_down").and(live)).select(row(
            "order_frequency",
            concat_str([s(col("orders_period")), lit(" orders")], "", true),
            concat_str([lit("< "), num(col("orders_avg") * lit(1.0 - p.drop.to_string().parse::<f64>().unwrap_or(0.2)), 2), lit(" orders")], "", true),
            concat_str(
                [s(col("orders_period")), lit(" orders this period vs "), num(col("orders_avg"), 2), lit(" per period on average before")],
                "",
                true,
            ),
        )),
    ]
}

/// Alerts from the aging table: over_credit_limit and aging_overdue (an amount in the oldest bucket) per customer,
/// assets_warning_line on the Total line.
pub fn from_aging(aging: LazyFrame, p: &AlertParams) -> Vec<LazyFrame> {
    let customers = aging.clone().filter(col("customer_id").neq(lit(TOTAL)));
    let oldest = col(p.oldest_bucket.as_str());
    let line = format!("{}%", (p.warning_share * Decimal::ONE_HUNDRED).normalize());
    vec![
        customers.clone().filter(col("over_limit").fill_null(lit(false))).select(row(
            "over_credit_limit",
            s(col("open_total")),
            s(col("credit_limit")),
            concat_str(
                [lit("open receivables "), s(col("open_total")), lit(" > credit limit "), s(col("credit_limit")), lit(" by "), s(col("excess"))],
                "",
                true,
            ),
        )),
        customers.filter(oldest.clone().gt(lit(0))).select(row(
            "aging_overdue",
            s(oldest.clone()),
            lit(format!("> {} days past due", p.oldest_days)),
            concat_str(
                [
                    s(oldest),
                    lit(format!(" open more than {} days past due (oldest ", p.oldest_days)),
                    s(col("max_days_past_due")),
                    lit(" days)"),
                ],
                "",
                true,
            ),
        )),
        aging.filter(col("customer_id").eq(lit(TOTAL)).and(col("over_warning_line").fill_null(lit(false)))).select(row(
            "assets_warning_line",
            pct(col("assets_share")),
            lit(line.clone()),
            concat_str(
                [lit("open receivables "), s(col("open_total")), lit(" are "), pct(col("assets_share")), lit(format!(" of total assets, above the warning line of {line}"))],
                "",
                true,
            ),
        )),
    ]
}

/// Stack alert frames, most severe first, then by kind order and customer.
pub fn combine(parts: Vec<LazyFrame>) -> anyhow::Result<LazyFrame> {
    let rank = |c: &str, names: Vec<&str>| {
        let mut e = lit(names.len() as u32);
        for (i, n) in names.iter().enumerate().rev() {
            e = when(col(c).eq(lit(*n))).then(lit(i as u32)).otherwise(e);
        }
        e
    };
    let severity_rank = rank("severity", SEVERITIES.iter().rev().copied().collect());
    let kind_rank = rank("kind", KINDS.iter().map(|(k, _)| *k).collect());
    Ok(concat(parts, UnionArgs::default())?
        .sort_by_exprs([severity_rank, kind_rank, col("customer_id")], SortMultipleOptions::default()))
}

/// The number of alerts at or above `level` (an entry of [`SEVERITIES`]).
pub fn at_or_above(alerts: &DataFrame, level: &str) -> anyhow::Result<usize> {
    let min = SEVERITIES.iter().position(|s| *s == level).unwrap_or(0);
    Ok(alerts
        .column("severity")?
        .str()?
        .iter()
        .filter(|v| v.and_then(|v| SEVERITIES.iter().position(|s| *s == v)).is_some_and(|i| i >= min))
        .count())
}
