//! Cohorts: customers grouped by the month of their first order, and per month after
//! it the share of the cohort that ordered (or, by sales, the cohort's sales against
//! its first month's). docs/metrics.md, "Cohorts".

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::by_customer::{new_month, same_customer};

/// What a cohort's later months are measured by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortValue {
    /// Customers of the cohort with an order in the month / the cohort's customers.
    Customers,
    /// The cohort's net sales in the month / its sales in its first month.
    Sales,
}

fn month_index(date: Expr) -> Expr {
    date.clone().dt().year().cast(DataType::Int32) * lit(12) + date.dt().month().cast(DataType::Int32) - lit(1)
}

/// Long form, one row per cohort and month offset k with orders: cohort ("2024-01"),
/// k, customers (the cohort's size), value (share of k = 0) and last_k (the offset
/// of `as_of`'s month: later offsets have not happened yet). `lines` needs
/// order_date, amount and the customer column `customer`, none after `as_of` (the
/// callers leave those out).
pub fn long(lines: LazyFrame, customer: &str, as_of: NaiveDate, value: CohortValue) -> PolarsResult<LazyFrame> {
    let measure = match value {
        CohortValue::Customers => col(customer).n_unique().cast(DataType::Float64),
        CohortValue::Sales => col("amount").sum().cast(DataType::Float64),
    };
    let first = col("order_date").min().over([col(customer)])?;
    let grouped = lines
        .with_column(first.alias("__first"))
        .with_columns(offsets(as_of))
        .group_by([col("__cohort"), col("k")])
        .agg([measure.alias("__v"), col(customer).n_unique().cast(DataType::UInt32).alias("__n"), col("last_k").first(), col("__first").first()]);
    with_shares(grouped)
}

/// [`long`] by customers (CohortValue::Customers) of rows sorted as metrics::by_customer
/// sorts them (by customer code, then date), none after `as_of`. A customer's first row
/// holds its first order date and the first row of each of its months marks an active
/// month, so the grouping counts rows instead of distinct customers over every row; the
/// report on 10 M lines: the stage's peak anonymous memory 300 MB less.
pub fn long_of_sorted(rows: LazyFrame, as_of: NaiveDate) -> PolarsResult<LazyFrame> {
    let first = when(same_customer().not()).then(col("order_date")).otherwise(lit(NULL).cast(DataType::Date));
    let grouped = rows
        .select([
            col("order_date"),
            new_month().alias("__new_month"),
            first.fill_null_with_strategy(FillNullStrategy::Forward(None)).alias("__first"),
        ])
        .filter(col("__new_month"))
        .with_columns(offsets(as_of))
        .group_by([col("__cohort"), col("k")])
        .agg([len().cast(DataType::Float64).alias("__v"), len().cast(DataType::UInt32).alias("__n"), col("last_k").first(), col("__first").first()]);
    with_shares(grouped)
}

/// From a row's order_date and its customer's first order date (`__first`): its
/// cohort's month number, its offset k from it, and the offset of `as_of`'s month.
fn offsets(as_of: NaiveDate) -> [Expr; 3] {
    let as_of_index = as_of.year() * 12 + as_of.month0() as i32;
    [
        month_index(col("__first")).alias("__cohort"),
        (month_index(col("order_date")) - month_index(col("__first"))).alias("k"),
        (lit(as_of_index) - month_index(col("__first"))).alias("last_k"),
    ]
}

/// The long form from the groups of cohort and k (__v the measure, __n the customers,
/// last_k, __first a first order date of the cohort). Its "2024-01" label is written
/// per group, not per line (the report on 10 M lines: the stage 1.10 -> 0.71 s).
fn with_shares(grouped: LazyFrame) -> PolarsResult<LazyFrame> {
    let base = col("__v").filter(col("k").eq(lit(0))).first().over([col("__cohort")])?;
    let size = col("__n").filter(col("k").eq(lit(0))).first().over([col("__cohort")])?;
    Ok(grouped
        .with_columns([size.alias("customers"), (col("__v") / base).alias("value"), col("__first").dt().strftime("%Y-%m").alias("cohort")])
        .select([col("cohort"), col("k"), col("customers"), col("value"), col("last_k")]))
}

/// The matrix: one row per cohort (oldest first) with customers and m0 … m`max_k`;
/// a month with no orders is 0, a month after as-of is empty.
pub fn matrix(long: LazyFrame, max_k: i32) -> LazyFrame {
    let mut aggs = vec![col("customers").first(), col("last_k").first()];
    for k in 0..=max_k {
        aggs.push(col("value").filter(col("k").eq(lit(k))).first().alias(format!("m{k}")));
    }
    let months: Vec<Expr> = (0..=max_k)
        .map(|k| {
            let m = format!("m{k}");
            when(lit(k).lt_eq(col("last_k"))).then(col(m.as_str()).fill_null(lit(0.0))).otherwise(lit(NULL).cast(DataType::Float64)).alias(m)
        })
        .collect();
    let mut columns = vec![col("cohort"), col("customers")];
    columns.extend((0..=max_k).map(|k| col(format!("m{k}"))));
    long.group_by([col("cohort")]).agg(aggs).with_columns(months).sort(["cohort"], SortMultipleOptions::default()).select(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::by_customer::CODE;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// (cohort, k, customers, value, last_k) sorted by cohort and k.
    fn rows_of(long: LazyFrame) -> Vec<(String, i32, u32, f64, i32)> {
        let frame = long.sort(["cohort", "k"], SortMultipleOptions::default()).collect().unwrap();
        let text = frame.column("cohort").unwrap().str().unwrap().clone();
        let k = frame.column("k").unwrap().i32().unwrap().clone();
        let customers = frame.column("customers").unwrap().u32().unwrap().clone();
        let value = frame.column("value").unwrap().f64().unwrap().clone();
        let last_k = frame.column("last_k").unwrap().i32().unwrap().clone();
        (0..frame.height())
            .map(|i| (text.get(i).unwrap().to_string(), k.get(i).unwrap(), customers.get(i).unwrap(), value.get(i).unwrap(), last_k.get(i).unwrap()))
            .collect()
    }

    #[test]
    fn cohorts_of_sorted_rows_count_each_customer_month_once() {
        // Sorted by customer code, then date. Customer 0 (A): January twice and March;
        // 1 (B): January and February; 2 (C): February twice.
        let dates = ["2024-01-05", "2024-01-20", "2024-03-02", "2024-01-10", "2024-02-01", "2024-02-15", "2024-02-16"].map(date);
        let rows = df!(CODE => [0u32, 0, 0, 1, 1, 2, 2], "order_date" => dates, "amount" => [1i64; 7]).unwrap();
        // By hand, as of 2024-03-31: cohort 2024-01 is A and B (2): both in month 0,
        // B in month 1 (1/2), A in month 2 (1/2), last_k 2. Cohort 2024-02 is C (1).
        let by_hand = vec![
            ("2024-01".to_string(), 0, 2, 1.0, 2),
            ("2024-01".to_string(), 1, 2, 0.5, 2),
            ("2024-01".to_string(), 2, 2, 0.5, 2),
            ("2024-02".to_string(), 0, 1, 1.0, 1),
        ];
        let as_of = date("2024-03-31");
        assert_eq!(rows_of(long_of_sorted(rows.clone().lazy(), as_of).unwrap()), by_hand);
        assert_eq!(rows_of(long(rows.lazy(), CODE, as_of, CohortValue::Customers).unwrap()), by_hand);
    }
}
