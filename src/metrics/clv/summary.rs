//! The per-customer purchase summary behind `kam clv`: pure LazyFrame
//! functions from order lines to one row per customer (SPEC §4).
//!
//! Historic columns are exact (money stays Decimal). The model inputs follow
//! the BG/NBD and Gamma-Gamma conventions, in weeks, as of the calibration end:
//!
//! - a *purchase* is a distinct order day of the customer (several orders, or
//!   lines, on one day are one purchase; a day with only returns counts too);
//! - `x` = purchase days − 1 (repeat purchases), `t_x` = (last − first purchase
//!   day) / 7, `T` = (as-of − first purchase day) / 7;
//! - `m` = the mean net spend of the repeat purchase days, i.e. the customer's
//!   sales on the days after the first purchase day divided by `x` (empty when
//!   x = 0). The first purchase is left out as in Fader, Hardie & Lee's
//!   Gamma-Gamma note and `lifetimes`' `summary_data_from_transaction_data`.
//!
//! Only order lines on or before as-of count. See docs/clv.md.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::metrics::by_customer::{new_date, ByCustomer, CODE};

/// Days in the model's time unit.
pub const DAYS_PER_WEEK: f64 = 7.0;

/// Weeks in a month, for horizons given in months: 365.25 / 7 / 12.
pub const WEEKS_PER_MONTH: f64 = 365.25 / 7.0 / 12.0;

/// The time unit of x, t_x, T and the fitted α, as written in the params file.
pub const TIME_UNIT: &str = "weeks";

/// Calibration repeat purchases at or above this are one group ("7+").
pub const TOP_GROUP: u32 = 7;

fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

/// A date expression as days since 1970-01-01.
fn days(e: Expr) -> Expr {
    e.cast(DataType::Int32)
}

fn weeks(day_count: Expr) -> Expr {
    day_count.cast(DataType::Float64) / lit(DAYS_PER_WEEK)
}

fn null_f64() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// Order lines dated on or before `as_of`.
pub fn up_to(lines: LazyFrame, as_of: NaiveDate) -> LazyFrame {
    lines.filter(col("order_date").lt_eq(lit(as_of)))
}

/// One row per customer with an order line on or before `as_of`.
///
/// `lines` has order_date (Date), customer_id, amount (Decimal) and, when
/// `has_order_id` / `has_cost`, order_id and cost (Decimal, may be null).
///
/// Columns: customer_id, first_order, last_order, tenure_days (as-of − first
/// order), orders (distinct order_id, or distinct order dates without one),
/// sales, gross_profit (only with cost; empty for a customer with a line
/// without cost), avg_order_value (sales / orders, rounded half to even to the
/// money scale), x (UInt32), t_x, T (weeks, Float64), m (Float64, empty when
/// x = 0). Sorted by customer_id.
pub fn customers(lines: LazyFrame, as_of: NaiveDate, has_order_id: bool, has_cost: bool) -> PolarsResult<LazyFrame> {
    let mut columns = vec!["amount"];
    columns.extend(has_order_id.then_some("order_id"));
    columns.extend(has_cost.then_some("cost"));
    customers_of(&ByCustomer::new(up_to(lines, as_of), &columns)?, as_of, has_cost)
}

/// [`customers`] of order rows already sorted [`ByCustomer`] (with amount, and order_id
/// and cost where they have them), counting the purchase days as rows that start a date
/// instead of grouping by (customer_id, order_date): 10 M lines, 3.00 -> 2.01 s.
pub fn customers_of(by_customer: &ByCustomer, as_of: NaiveDate, has_cost: bool) -> PolarsResult<LazyFrame> {
    let rows = by_customer.rows_dated(None, as_of).with_column(new_date().alias("_new_date"));
    let order_key = if by_customer.has("order_id") { col("order_id").n_unique() } else { col("_new_date").cast(DataType::UInt32).sum() };
    let purchase_days = col("_new_date").cast(DataType::UInt32).sum();
    let mut aggs = vec![
        col("order_date").min().alias("first_order"),
        col("order_date").max().alias("last_order"),
        order_key.cast(DataType::UInt32).alias("orders"),
        col("amount").sum().alias("sales"),
        (purchase_days - lit(1)).cast(DataType::UInt32).alias("x"),
        (col("amount").sum() - col("amount").filter(col("order_date").eq(col("order_date").min())).sum()).alias("repeat_spend"),
    ];
    if has_cost {
        // A partial sum would understate the profit silently: empty instead.
        aggs.push(
            when(col("cost").null_count().gt(lit(0)))
                .then(lit(NULL).cast(DataType::Decimal(38, 0)))
                .otherwise((col("amount") - col("cost")).sum())
                .alias("gross_profit"),
        );
    }
    let per_customer = by_customer.with_ids(rows.group_by([col(CODE)]).agg(aggs));
    let as_of_days = lit(epoch_days(as_of));
    let mut columns = vec![
        col("customer_id"),
        col("first_order"),
        col("last_order"),
        col("tenure_days"),
        col("orders"),
        col("sales"),
    ];
    if has_cost {
        columns.push(col("gross_profit"));
    }
    columns.extend([col("avg_order_value"), col("x"), col("t_x"), col("T"), col("m")]);
    Ok(per_customer
        .with_columns([
            (as_of_days.clone() - days(col("first_order"))).alias("tenure_days"),
            // Decimal / Decimal(scale 0) keeps the money scale, rounded half to even.
            (col("sales") / col("orders").cast(DataType::Decimal(38, 0))).alias("avg_order_value"),
            weeks(days(col("last_order")) - days(col("first_order"))).alias("t_x"),
            weeks(as_of_days - days(col("first_order"))).alias("T"),
            when(col("x").gt(lit(0)))
                .then(col("repeat_spend").cast(DataType::Float64) / col("x").cast(DataType::Float64))
                .otherwise(null_f64())
                .alias("m"),
        ])
        .select(columns)
        .sort(["customer_id"], SortMultipleOptions::default()))
}

/// Company-wide margin inputs from the lines (or order days) on or before `as_of` that
/// have a cost: one row with sales_with_cost, gross_profit_with_cost (both exact) and
/// margin (Float64, empty when those sales are not positive). How many lines have no
/// cost is not counted here: order days hold several lines in a row
/// (pipelines::orders::clv_order_days counts them).
pub fn company_margin(lines: LazyFrame, as_of: NaiveDate) -> LazyFrame {
    let with_cost = col("cost").is_not_null();
    up_to(lines, as_of)
        .select([
            col("amount").filter(with_cost.clone()).sum().alias("sales_with_cost"),
            (col("amount") - col("cost")).filter(with_cost).sum().alias("gross_profit_with_cost"),
        ])
        .with_column(
            when(col("sales_with_cost").gt(lit(0)))
                .then(
                    col("gross_profit_with_cost").cast(DataType::Float64)
                        / col("sales_with_cost").cast(DataType::Float64),
                )
                .otherwise(null_f64())
                .alias("margin"),
        )
}

/// Purchase days per customer in the holdout (`calibration_end`, `as_of`]:
/// customer_id, actual (UInt32).
pub fn holdout_purchases(lines: LazyFrame, calibration_end: NaiveDate, as_of: NaiveDate) -> LazyFrame {
    lines
        .filter(col("order_date").gt(lit(calibration_end)).and(col("order_date").lt_eq(lit(as_of))))
        .group_by([col("customer_id")])
        .agg([col("order_date").n_unique().cast(DataType::UInt32).alias("actual")])
}

/// The calibration check: customers known at calibration end grouped by their
/// calibration repeat purchases x (0, 1, …, 6, "7+"), each group with the
/// number of customers and the mean actual and predicted holdout purchases,
/// then a "Total" row.
///
/// `calibration` has customer_id, x and predicted (Float64, expected purchases
/// over the holdout); `holdout` is [`holdout_purchases`]. Customers without a
/// holdout purchase count with 0; customers first seen in the holdout are not
/// in `calibration` and are left out.
///
/// Columns: calibration_repeat_purchases (text), customers, actual_holdout_purchases,
/// predicted_holdout_purchases.
pub fn calibration_check(calibration: LazyFrame, holdout: LazyFrame) -> LazyFrame {
    let known = calibration
        .join(holdout, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .with_columns([
            col("actual").fill_null(lit(0u32)).cast(DataType::Float64),
            when(col("x").gt_eq(lit(TOP_GROUP)))
                .then(lit(TOP_GROUP))
                .otherwise(col("x"))
                .cast(DataType::UInt32)
                .alias("group"),
        ]);
    let means = || {
        [
            len().cast(DataType::UInt32).alias("customers"),
            col("actual").mean().alias("actual_holdout_purchases"),
            col("predicted").mean().alias("predicted_holdout_purchases"),
        ]
    };
    let label = when(col("group").eq(lit(TOP_GROUP)))
        .then(lit(format!("{TOP_GROUP}+")))
        .otherwise(col("group").cast(DataType::String));
    let groups = known
        .clone()
        .group_by([col("group")])
        .agg(means())
        .sort(["group"], SortMultipleOptions::default())
        .select([
            label.alias("calibration_repeat_purchases"),
            col("customers"),
            col("actual_holdout_purchases"),
            col("predicted_holdout_purchases"),
        ]);
    let mut total = means().to_vec();
    total.insert(0, lit("Total").alias("calibration_repeat_purchases"));
    let total = known.select(total);
    concat([groups, total], UnionArgs::default()).expect("same schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn lines(dates: &[&str], customers: &[&str], amounts: &[&str]) -> LazyFrame {
        let dates: Vec<NaiveDate> = dates.iter().map(|d| date(d)).collect();
        df!("order_date" => dates, "customer_id" => customers, "amount" => amounts)
            .unwrap()
            .lazy()
            .with_column(col("amount").cast(DataType::Decimal(38, 2)))
    }

    fn texts(df: &DataFrame, c: &str) -> Vec<String> {
        let s = df.column(c).unwrap().cast(&DataType::String).unwrap();
        s.str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect()
    }

    #[test]
    fn without_order_id_orders_are_order_days() {
        // K: 2024-01-01 two lines 10 + 5, 2024-01-08 7.5, 2024-01-22 -2.5 (a return day), 2024-02-05 after as-of.
        //   orders = purchase days = 3, x = 2, sales 20.00, avg 20 / 3 = 6.666.. -> 6.67,
        //   t_x = 21 / 7 = 3, T = (2024-01-29 - 2024-01-01) = 28 days = 4 weeks, m = (7.5 - 2.5) / 2 = 2.5.
        // L: 2024-01-29 one line 3.00 -> x 0, t_x 0, T 0, m empty, tenure 0.
        let lf = lines(
            &["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-22", "2024-02-05", "2024-01-29"],
            &["K", "K", "K", "K", "K", "L"],
            &["10", "5", "7.5", "-2.5", "100", "3"],
        );
        let df = customers(lf, date("2024-01-29"), false, false).unwrap().collect().unwrap();
        assert_eq!(texts(&df, "customer_id"), ["K", "L"]);
        assert_eq!(texts(&df, "orders"), ["3", "1"]);
        assert_eq!(texts(&df, "sales"), ["20.00", "3.00"]);
        assert_eq!(texts(&df, "avg_order_value"), ["6.67", "3.00"]);
        assert_eq!(texts(&df, "x"), ["2", "0"]);
        assert_eq!(texts(&df, "tenure_days"), ["28", "0"]);
        let f = |c: &str| df.column(c).unwrap().f64().unwrap().iter().collect::<Vec<_>>();
        assert_eq!(f("t_x"), [Some(3.0), Some(0.0)]);
        assert_eq!(f("T"), [Some(4.0), Some(0.0)]);
        assert_eq!(f("m"), [Some(2.5), None]);
        assert!(df.column("gross_profit").is_err());
    }

    #[test]
    fn calibration_groups_and_total() {
        let cal = df!(
            "customer_id" => ["a", "b", "c", "d"],
            "x" => [0u32, 0, 9, 7],
            "predicted" => [0.5, 1.5, 4.0, 2.0]
        )
        .unwrap()
        .lazy();
        let hold = df!("customer_id" => ["b", "c", "z"], "actual" => [1u32, 5, 3]).unwrap().lazy();
        let df = calibration_check(cal, hold).collect().unwrap();
        assert_eq!(texts(&df, "calibration_repeat_purchases"), ["0", "7+", "Total"]);
        assert_eq!(texts(&df, "customers"), ["2", "2", "4"]);
        assert_eq!(texts(&df, "actual_holdout_purchases"), ["0.5", "2.5", "1.5"]);
        assert_eq!(texts(&df, "predicted_holdout_purchases"), ["1.0", "3.0", "2.0"]);
    }
}
