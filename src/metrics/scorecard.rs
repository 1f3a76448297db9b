//! Key-account scorecard (SPEC §6, 大客户记分卡): six components per customer,
//! each a 0–100 percentile rank among the scored customers, combined into a
//! weighted score and a tier, plus false-key-account flags (假大户).
//! The rules are described in docs/scorecard.md.
//!
//! Windows are calendar months: the current 12 months end with the month of
//! as-of (lines after as-of are ignored), the previous 12 months precede them.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::by_customer::{ascending, new_date, new_month, run_start, ByCustomer, CODE};

/// The components, in output order.
pub const COMPONENTS: [&str; 6] = ["sales", "gross_profit", "growth", "regularity", "payment", "clv"];

/// Weight of each component in [`COMPONENTS`] order; the score divides by their sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights(pub [f64; 6]);

impl Default for Weights {
    fn default() -> Self {
        Weights::over(Weights([0.0; 6]), crate::defaults::WEIGHTS).expect("a valid default")
    }
}

impl std::str::FromStr for Weights {
    type Err = String;

    /// "sales=0.3,clv=0.2": the named components change, the others keep the default.
    fn from_str(text: &str) -> Result<Weights, String> {
        Weights::over(Weights::default(), text)
    }
}

impl Weights {
    /// `base` with the components named in `text` changed.
    fn over(base: Weights, text: &str) -> Result<Weights, String> {
        let mut w = base;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) =
                part.split_once('=').ok_or_else(|| format!("takes NAME=WEIGHT pairs (e.g. sales=0.3,clv=0.2), not '{part}'"))?;
            let name = name.trim();
            let i = COMPONENTS
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| format!("unknown component '{name}'; the components are {}", COMPONENTS.join(", ")))?;
            let v: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("'{value}' for {name} is not a number >= 0"))?;
            w.0[i] = v;
        }
        if w.0.iter().sum::<f64>() <= 0.0 {
            return Err("at least one weight must be above 0".into());
        }
        Ok(w)
    }

    pub fn describe(&self) -> String {
        COMPONENTS.iter().zip(self.0).map(|(c, w)| format!("{c}={w}")).collect::<Vec<_>>().join(",")
    }
}

/// Score cut-offs: key >= key, major >= major, regular >= regular, else small.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tiers {
    pub key: f64,
    pub major: f64,
    pub regular: f64,
}

impl Default for Tiers {
    fn default() -> Self {
        crate::defaults::TIERS.parse().expect("a valid default")
    }
}

impl std::str::FromStr for Tiers {
    type Err = String;

    /// "70,50,30": the key, major and regular cut-offs of the score.
    fn from_str(text: &str) -> Result<Tiers, String> {
        let wrong = || format!("takes three scores KEY,MAJOR,REGULAR like 70,50,30; got '{text}'");
        let v: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| wrong())?;
        let [key, major, regular] = v.as_slice() else {
            return Err(wrong());
        };
        if !(*key <= 100.0 && key >= major && major >= regular && *regular >= 0.0) {
            return Err(format!("need 100 >= KEY >= MAJOR >= REGULAR >= 0; got '{text}'"));
        }
        Ok(Tiers { key: *key, major: *major, regular: *regular })
    }
}

/// The current and previous 12 calendar months (inclusive dates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    pub current: (NaiveDate, NaiveDate),
    pub previous: (NaiveDate, NaiveDate),
}

fn first_of_month_back(d: NaiveDate, months: i32) -> NaiveDate {
    let index = d.year() * 12 + d.month0() as i32 - months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).expect("valid date")
}

impl Windows {
    pub fn new(as_of: NaiveDate) -> Windows {
        let cur_from = first_of_month_back(as_of, 11);
        let prev_from = first_of_month_back(as_of, 23);
        Windows { current: (cur_from, as_of), previous: (prev_from, cur_from.pred_opt().expect("valid date")) }
    }
}

/// Everything besides the data that the score depends on.
#[derive(Debug, Clone)]
pub struct ScoreParams {
    pub windows: Windows,
    pub weights: Weights,
    pub tiers: Tiers,
    /// One order holding at least this share of a large customer's 24-month sales: one-off bulk buyer.
    pub bulk_share: f64,
    /// A large customer's margin rate below this multiple of the company's: low margin.
    pub margin_factor: f64,
    /// A large customer paying more than this many days late on average: late payer.
    pub late_days: f64,
}

impl ScoreParams {
    pub fn new(as_of: NaiveDate) -> ScoreParams {
        ScoreParams {
            windows: Windows::new(as_of),
            weights: Weights::default(),
            tiers: Tiers::default(),
            bulk_share: 0.8,
            margin_factor: 0.5,
            late_days: 30.0,
        }
    }
}

fn f64_of(e: Expr) -> Expr {
    e.cast(DataType::Float64)
}

fn in_window(w: (NaiveDate, NaiveDate)) -> Expr {
    col("order_date").gt_eq(lit(w.0)).and(col("order_date").lt_eq(lit(w.1)))
}

/// One row per customer with an order line in the 24 months up to as-of:
/// customer_id, sales_12m, sales_prev_12m (exact), gross_profit_12m (exact; empty when a
/// current line lacks cost), active_months (months of the current 12 with a line),
/// orders_24m (distinct order_id, or order days without one) and largest_order_share
/// (the largest order's share of the 24-month sales; empty when those are not positive),
/// and current_rows (its rows in the current 12 months; not an output column).
pub fn activity(by_customer: &ByCustomer, w: &Windows) -> PolarsResult<LazyFrame> {
    let has_order_id = by_customer.has("order_id");
    // The rows of the 24 months up to as-of. Flags from the row before are set
    // element-wise; in a grouping `shift` would be per group.
    let rows = by_customer
        .rows_dated(Some(w.previous.0), w.current.1)
        .with_columns([
            in_window(w.current).alias("_cur"),
            new_month().alias("_new_month"),
            new_date().alias("_new_date"),
            run_start(has_order_id).alias("_run"),
        ])
        .with_column(ascending(col("_run").cast(DataType::UInt32).cum_sum(false)).alias("_run_id"));
    let cur = || col("_cur");
    let money_if = |keep: Expr, money: Expr| when(keep).then(money).otherwise(lit(NULL));
    let orders = if has_order_id { col("order_id").n_unique() } else { col("_new_date").cast(DataType::UInt32).sum() };
    let per_customer = rows
        .clone()
        .group_by([col(CODE)])
        .agg([
            money_if(cur(), col("amount")).sum().alias("sales_12m"),
            money_if(cur().not(), col("amount")).sum().alias("sales_prev_12m"),
            when(cur().and(col("cost").is_null()).any(true))
                .then(lit(NULL))
                .otherwise(money_if(cur(), col("amount") - col("cost")).sum())
                .alias("gross_profit_12m"),
            col("_new_month").and(cur()).cast(DataType::UInt32).sum().alias("active_months"),
            cur().cast(DataType::UInt32).sum().alias("current_rows"),
            orders.cast(DataType::UInt32).alias("orders_24m"),
            col("_run").cast(DataType::UInt32).sum().alias("_runs"),
            // Exact, so the share does not depend on the order the rows come in.
            f64_of(col("amount").sum()).alias("_total"),
        ])
        .collect()?;
    let largest = largest_orders(rows, &per_customer, has_order_id)?;
    let zero = lit(0).cast(DataType::Float64);
    let table = per_customer
        .lazy()
        .join(largest, [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Left))
        .with_column(when(col("_total").gt(zero)).then(col("_largest") / col("_total")).otherwise(lit(NULL)).alias("largest_order_share"));
    Ok(by_customer
        .with_ids(table)
        .select([
            col("customer_id"),
            col("sales_12m"),
            col("sales_prev_12m"),
            col("gross_profit_12m"),
            col("active_months"),
            col("orders_24m"),
            col("largest_order_share"),
            col("current_rows"),
        ])
        .sort(["customer_id"], SortMultipleOptions::default()))
}

/// Each customer's largest order sales (CODE, _largest as f64): the largest sum of a run
/// where the customer's runs are its orders (`_runs` = `orders_24m` in `per_customer`),
/// else of its rows grouped by order_id.
fn largest_orders(rows: LazyFrame, per_customer: &DataFrame, has_order_id: bool) -> PolarsResult<LazyFrame> {
    let by_run = rows
        .clone()
        .group_by([col("_run_id")])
        .agg([col(CODE).first(), col("amount").sum().alias("_order_sales")])
        .group_by([col(CODE)])
        .agg([f64_of(col("_order_sales").max()).alias("_largest")]);
    let others = per_customer.clone().lazy().filter(col("_runs").neq(col("orders_24m"))).select([col(CODE)]).collect()?;
    if !has_order_id || others.height() == 0 {
        return Ok(by_run);
    }
    let by_order = rows
        .join(others.clone().lazy(), [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Semi))
        .group_by([col(CODE), col("order_id")])
        .agg([col("amount").sum().alias("_order_sales")])
        .group_by([col(CODE)])
        .agg([f64_of(col("_order_sales").max()).alias("_largest")]);
    let by_run = by_run.join(others.lazy(), [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Anti));
    Ok(concat([by_run, by_order], UnionArgs::default())?)
}

/// The company's margin rate over the current 12 months, from the lines with cost:
/// one row, margin_rate (Float64, empty when those sales are not positive).
pub fn company_margin(lines: LazyFrame, w: &Windows) -> LazyFrame {
    let with_cost = col("cost").is_not_null();
    lines
        .filter(in_window(w.current))
        .select([
            f64_of(col("amount").filter(with_cost.clone()).sum()).alias("_sales"),
            f64_of((col("amount") - col("cost")).filter(with_cost).sum()).alias("_gp"),
        ])
        .select([when(col("_sales").gt(lit(0.0))).then(col("_gp") / col("_sales")).otherwise(lit(NULL)).alias("margin_rate")])
}

/// Payment behaviour per customer from the payment history (customer_id, avg_days_late,
/// see `credit::payment_history`) and the aging table (customer_id, over_limit; its Total
/// line is left out): customer_id, avg_days_late, over_limit (false when unknown).
pub fn payment(history: LazyFrame, aging: LazyFrame) -> LazyFrame {
    let aging = aging
        .filter(col("customer_id").neq(lit(crate::metrics::receivables::TOTAL)))
        .select([col("customer_id"), col("over_limit")]);
    history
        .select([col("customer_id"), col("avg_days_late")])
        .join(aging, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns))
        .with_column(col("over_limit").fill_null(lit(false)))
}

/// A 0–100 percentile rank among the non-empty values: (average rank − 1) / (n − 1) × 100;
/// 50 (neutral) for an empty value or when fewer than two customers have one.
pub fn percentile(value: Expr) -> Expr {
    let n = value.clone().count();
    let rank = value.rank(RankOptions { method: RankMethod::Average, descending: false }, None);
    when(n.clone().gt(lit(1)))
        .then((f64_of(rank) - lit(1.0)) / (f64_of(n) - lit(1.0)) * lit(100.0))
        .otherwise(lit(NULL))
        .fill_null(lit(50.0))
}

fn text(e: Expr, digits: u32) -> Expr {
    e.round(digits, RoundMode::HalfToEven).cast(DataType::String)
}

fn pct_text(e: Expr) -> Expr {
    concat_str([text(e * lit(100.0), 1), lit("%")], "", true)
}

/// The scorecard: one row per customer of `activity`, best score first.
///
/// `classes` has customer_id and class (ABC on the current 12 months' sales);
/// `payment` (from [`payment`]) and `clv` (customer_id, clv) may be absent: their
/// component is then 50 for everyone.
/// Names are put beside the ids afterwards (pipelines::names), as in every table.
/// `company_margin` is the company's margin rate (from [`company_margin`]).
///
/// Columns: rank, customer_id, score, tier, class, sales_12m,
/// sales_prev_12m, growth, gross_profit_12m, margin_rate, active_months, orders_24m,
/// largest_order_share, avg_days_late, over_limit, clv, score_<component> ×6,
/// false_key_account, flags.
pub fn scorecard(
    activity: LazyFrame,
    classes: LazyFrame,
    payment: Option<LazyFrame>,
    clv: Option<LazyFrame>,
    company_margin: Option<f64>,
    p: &ScoreParams,
) -> LazyFrame {
    let left = |a: LazyFrame, b: LazyFrame| {
        a.join(b, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
    };
    let mut frame = left(activity, classes.select([col("customer_id"), col("class")]));
    frame = match payment {
        Some(pay) => left(frame, pay.select([col("customer_id"), col("avg_days_late"), col("over_limit")])),
        None => frame.with_columns([
            lit(NULL).cast(DataType::Float64).alias("avg_days_late"),
            lit(NULL).cast(DataType::Boolean).alias("over_limit"),
        ]),
    };
    frame = match clv {
        Some(c) => left(frame, c.select([col("customer_id"), f64_of(col("clv")).alias("clv")])),
        None => frame.with_column(lit(NULL).cast(DataType::Float64).alias("clv")),
    };
    let sales = f64_of(col("sales_12m"));
    let prev = f64_of(col("sales_prev_12m"));
    let w = p.weights.0;
    let total_weight: f64 = w.iter().sum();
    let score = COMPONENTS
        .iter()
        .zip(w)
        .fold(lit(0.0), |acc, (c, wi)| acc + col(format!("score_{c}")) * lit(wi))
        / lit(total_weight);
    let t = p.tiers;
    let tier = when(col("score").gt_eq(lit(t.key)))
        .then(lit("key"))
        .when(col("score").gt_eq(lit(t.major)))
        .then(lit("major"))
        .when(col("score").gt_eq(lit(t.regular)))
        .then(lit("regular"))
        .otherwise(lit("small"));
    let large = col("class").eq(lit("A")).fill_null(lit(false)).or(col("tier").eq(lit("key")));
    let bulk = large.clone().and(col("largest_order_share").gt_eq(lit(p.bulk_share)).fill_null(lit(false)));
    let low_margin = match company_margin {
        Some(m) if m > 0.0 => {
            large.clone().and(col("margin_rate").lt(lit(p.margin_factor * m)).fill_null(lit(false)))
        }
        _ => lit(false),
    };
    let late = large.clone().and(col("avg_days_late").gt(lit(p.late_days)).fill_null(lit(false)));
    let over = large.and(col("over_limit").fill_null(lit(false)));
    let company_text = company_margin.map_or(lit("?"), |m| pct_text(lit(m)));
    let flag = |cond: Expr, reason: Expr| when(cond).then(reason).otherwise(lit(NULL).cast(DataType::String));
    let flags = concat_str(
        [
            flag(
                bulk,
                concat_str(
                    [
                        lit("one-off bulk buyer: one order holds "),
                        pct_text(col("largest_order_share")),
                        lit(" of its 24-month sales ("),
                        col("orders_24m").cast(DataType::String),
                        lit(" orders)"),
                    ],
                    "",
                    true,
                ),
            ),
            flag(
                low_margin,
                concat_str(
                    [lit("low margin: "), pct_text(col("margin_rate")), lit(" against the company's "), company_text],
                    "",
                    true,
                ),
            ),
            flag(
                late,
                concat_str(
                    [lit("pays late: "), text(col("avg_days_late"), 1), lit(" days on average (扒皮大户)")],
                    "",
                    true,
                ),
            ),
            flag(over, lit("over its credit limit (扒皮大户)")),
        ],
        "; ",
        true,
    );
    let mut columns = vec![col("rank"), col("customer_id")];
    columns.extend(
        [
            "score", "tier", "class", "sales_12m", "sales_prev_12m", "growth", "gross_profit_12m", "margin_rate",
            "active_months", "orders_24m", "largest_order_share", "avg_days_late", "over_limit", "clv",
        ]
        .map(col),
    );
    columns.extend(COMPONENTS.iter().map(|c| col(format!("score_{c}"))));
    columns.extend([col("false_key_account"), col("flags")]);
    frame
        .with_columns([
            when(prev.clone().gt(lit(0.0))).then(sales.clone() / prev - lit(1.0)).otherwise(lit(NULL)).alias("growth"),
            when(sales.clone().gt(lit(0.0)))
                .then(f64_of(col("gross_profit_12m")) / sales.clone())
                .otherwise(lit(NULL))
                .alias("margin_rate"),
            col("class").fill_null(lit("C")),
        ])
        .with_columns([
            percentile(sales).alias("score_sales"),
            percentile(f64_of(col("gross_profit_12m"))).alias("score_gross_profit"),
            percentile(col("growth")).alias("score_growth"),
            percentile(f64_of(col("active_months")) / lit(12.0)).alias("score_regularity"),
            when(col("over_limit").fill_null(lit(false)))
                .then(lit(0.0))
                .otherwise(percentile(lit(0.0) - col("avg_days_late")))
                .alias("score_payment"),
            percentile(col("clv")).alias("score_clv"),
        ])
        .with_column(score.round(2, RoundMode::HalfToEven).alias("score"))
        .with_column(tier.alias("tier"))
        .with_column(flags.alias("flags"))
        .with_columns([
            when(col("flags").eq(lit(""))).then(lit(NULL).cast(DataType::String)).otherwise(col("flags")).alias("flags"),
        ])
        .with_column(col("flags").is_not_null().alias("false_key_account"))
        .sort_by_exprs(
            [col("score"), col("customer_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .with_row_index("rank", Some(1))
        .select(columns)
}

/// Customers per tier (key, major, regular, small) and false key accounts, one row each.
pub fn tier_summary(scorecard: LazyFrame) -> LazyFrame {
    let tiers = df!("tier" => ["key", "major", "regular", "small"]).expect("static frame").lazy();
    let counts = scorecard
        .group_by([col("tier")])
        .agg([len().cast(DataType::UInt32).alias("customers"), col("false_key_account").sum().cast(DataType::UInt32).alias("false_key_accounts")]);
    tiers
        .join(counts, [col("tier")], [col("tier")], JoinArgs::new(JoinType::Left))
        .with_columns([col("customers").fill_null(lit(0u32)), col("false_key_accounts").fill_null(lit(0u32))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn windows_are_calendar_months() {
        let w = Windows::new(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(w.current.0, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(w.previous, (NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()));
        let w = Windows::new(NaiveDate::from_ymd_opt(2024, 3, 15).unwrap());
        assert_eq!(w.current.0, NaiveDate::from_ymd_opt(2023, 4, 1).unwrap());
        assert_eq!(w.previous.0, NaiveDate::from_ymd_opt(2022, 4, 1).unwrap());
    }

    #[test]
    fn weights_and_tiers_parse() {
        let w = Weights::from_str("sales=0.5, clv=0").unwrap();
        assert_eq!(w.0, [0.5, 0.20, 0.15, 0.15, 0.10, 0.0]);
        assert!(Weights::from_str("size=1").is_err());
        assert!(Weights::from_str("sales=-1").is_err());
        assert_eq!(Tiers::from_str("80,60,40").unwrap(), Tiers { key: 80.0, major: 60.0, regular: 40.0 });
        assert!(Tiers::from_str("40,60,80").is_err());
    }
}
