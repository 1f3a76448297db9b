//! One list of every early warning (SPEC §5, 预警管理): rows of customer_id, kind,
//! severity, figure, threshold, reason, built from the churn table
//! (crate::metrics::churn) and the aging table (crate::metrics::receivables).
//! Figures and thresholds are text so that money stays exact next to days and
//! percentages. The severity of each kind is fixed, except sales_expense (warning, critical
//! more than 20% over budget): docs/warnings.md.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::receivables::TOTAL;
use crate::output::with_thousands;

/// Severity levels, lowest first.
pub const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// Alert kinds and their severity.
pub const KINDS: [(&str, &str); 10] = [
    ("churned", "critical"),
    ("over_credit_limit", "critical"),
    ("assets_warning_line", "critical"),
    ("churn_risk", "warning"),
    ("sales_vs_plan", "warning"),
    ("sales_vs_previous", "warning"),
    ("sales_vs_last_year", "warning"),
    ("aging_overdue", "warning"),
    ("sales_expense", "warning"),
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
    /// With `--params`: the churn table has p_alive and this P(alive) churn rule.
    pub min_p_alive: Option<f64>,
}

/// The churned alert's figure: days since the last order, or P(alive) when only
/// the P(alive) rule (`--params`) marked the customer churned.
fn churned_figure(p: &AlertParams) -> Expr {
    let days = concat_str([s(col("days_since_last")), lit(" days")], "", true);
    match p.min_p_alive {
        None => days,
        Some(_) => when(col("days_since_last").gt(lit(p.churn_days)))
            .then(days)
            .otherwise(concat_str([lit("P(alive) "), num(col("p_alive"), 2)], "", true)),
    }
}

fn churned_threshold(p: &AlertParams) -> Expr {
    let days = lit(format!("{} days", p.churn_days));
    match p.min_p_alive {
        None => days,
        Some(m) => when(col("days_since_last").gt(lit(p.churn_days))).then(days).otherwise(lit(format!("P(alive) {m:.2}"))),
    }
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
            churned_figure(p),
            churned_threshold(p),
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

/// Money with thousands separators and two decimals: 12000 -> "12,000.00".
pub fn money_text(v: Decimal) -> String {
    let rounded = v.round_dp(2);
    let text = format!("{:.2}", rounded.abs());
    with_thousands(&if rounded < Decimal::ZERO { format!("-{text}") } else { text })
}

/// Sales-expense alerts (销售费用预警) from an expenses table (period, amount, budget and
/// the optional `keys` among customer_id, salesperson, region): rows whose period (the
/// first day of its month, as the input layer reads it) is `month` are summed by the keys (one company
/// row without keys) and a group whose spend exceeds its budget is an alert: warning,
/// critical when the spend is more than 20% over the budget (or the budget is not positive).
/// The alert's customer_id is the customer (else the keys joined with " / ", else Total).
pub fn from_expenses(expenses: LazyFrame, month: chrono::NaiveDate, keys: &[&str]) -> anyhow::Result<LazyFrame> {
    let in_month = col("period").eq(lit(month));
    let sums = [col("amount").sum().cast(DataType::String).alias("spend"), col("budget").sum().cast(DataType::String).alias("budget")];
    let filtered = expenses.filter(in_month);
    let grouped = if keys.is_empty() {
        filtered.select(sums)
    } else {
        let by: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
        filtered.group_by(by.clone()).agg(sums).sort_by_exprs(by, SortMultipleOptions::default().with_nulls_last(true))
    }
    .collect()?;
    let (mut ids, mut severity, mut figure, mut threshold, mut reason) = (vec![], vec![], vec![], vec![], vec![]);
    let text = |name: &str| -> anyhow::Result<Vec<Option<String>>> {
        Ok(grouped.column(name)?.cast(&DataType::String)?.str()?.iter().map(|v| v.map(str::to_string)).collect())
    };
    let spends = text("spend")?;
    let budgets = text("budget")?;
    let key_values: Vec<Vec<Option<String>>> = keys.iter().map(|k| text(k)).collect::<anyhow::Result<_>>()?;
    let twenty = Decimal::new(12, 1);
    for i in 0..grouped.height() {
        let parse = |v: &Option<String>| v.as_deref().and_then(|t| t.parse::<Decimal>().ok()).unwrap_or(Decimal::ZERO);
        let (spend, budget) = (parse(&spends[i]), parse(&budgets[i]));
        if spend <= budget {
            continue;
        }
        let over = if budget > Decimal::ZERO {
            let share = ((spend - budget) / budget * Decimal::ONE_HUNDRED).round_dp(1);
            format!(" (+{share:.1}%)")
        } else {
            String::new()
        };
        let critical = budget <= Decimal::ZERO || spend > budget * twenty;
        let id = match keys.iter().position(|k| *k == "customer_id") {
            Some(c) => key_values[c][i].clone().unwrap_or_default(),
            None if keys.is_empty() => TOTAL.to_string(),
            None => key_values.iter().map(|v| v[i].clone().unwrap_or_default()).collect::<Vec<_>>().join(" / "),
        };
        ids.push(id);
        severity.push(if critical { "critical" } else { "warning" });
        figure.push(money_text(spend));
        threshold.push(money_text(budget));
        reason.push(format!("spend {} over budget {}{over}", money_text(spend), money_text(budget)));
    }
    let n = ids.len();
    let kind = vec!["sales_expense"; n];
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("customer_id".into(), ids),
            Column::new("kind".into(), kind),
            Column::new("severity".into(), severity),
            Column::new("figure".into(), figure),
            Column::new("threshold".into(), threshold),
            Column::new("reason".into(), reason),
        ],
    )?
    .lazy())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_text_rounds_to_cents_and_groups_thousands() {
        assert_eq!(money_text(Decimal::new(12000, 0)), "12,000.00");
        assert_eq!(money_text(Decimal::new(-12345, 1)), "-1,234.50");
        assert_eq!(money_text(Decimal::new(1234567891, 3)), "1,234,567.89");
        // Below half a cent either way: zero, without a sign.
        assert_eq!(money_text(Decimal::new(-4, 3)), "0.00");
        assert_eq!(money_text(Decimal::new(999, 0)), "999.00");
    }
}
