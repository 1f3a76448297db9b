//! Pareto / ABC split (SPEC §2): rank items by net sales, cut the cumulative
//! share at A and A+B. Class boundaries are decided on exact money:
//! `sales before the item < a × total`, compared as decimals, not floats.

use polars::prelude::*;
use rust_decimal::Decimal;

use crate::values::Share;

/// Class A holds the first `a` of cumulative sales, B the next `b`, C the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub a: Decimal,
    pub b: Decimal,
}

impl Default for Thresholds {
    fn default() -> Self {
        crate::defaults::THRESHOLDS.parse().expect("a valid default")
    }
}

impl std::str::FromStr for Thresholds {
    type Err = String;

    /// "0.75,0.20" (also "75%,20%"): the shares of classes A and B.
    fn from_str(text: &str) -> Result<Thresholds, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let [a, b] = parts.as_slice() else {
            return Err(format!("takes two shares, A and B, like 0.75,0.20; got '{text}'"));
        };
        let t = Thresholds { a: a.parse::<Share>()?.0, b: b.parse::<Share>()?.0 };
        if t.a <= Decimal::ZERO || t.a + t.b > Decimal::ONE {
            return Err(format!("need 0 < A, 0 <= B and A + B <= 1; got A = {}, B = {}", t.a, t.b));
        }
        Ok(t)
    }
}

/// `left < share × right` on decimals, as integer arithmetic: share = m / 10^s.
fn below_share(left: Expr, share: Decimal, right: Expr) -> Expr {
    let scale = 10i64.pow(share.scale());
    let mantissa = share.mantissa() as i64;
    (left * lit(scale)).lt(right * lit(mantissa))
}

/// Columns of the item table; a key column with one of these names is shown as `by_<name>`.
const ITEM_COLUMNS: [&str; 7] = ["rank", "sales", "cum_sales", "share", "cum_share", "class", "amount"];

/// The name of the key column in the item table.
pub fn key_column_name(key: &str) -> String {
    if ITEM_COLUMNS.contains(&key) {
        format!("by_{key}")
    } else {
        key.to_string()
    }
}

/// One row per item of `key`: rank, key, name (if given), sales, cum_sales,
/// share, cum_share, class. `orders` needs `key` and `amount`.
pub fn items(orders: LazyFrame, key: &str, name: Option<&str>, t: &Thresholds) -> LazyFrame {
    let key_out = key_column_name(key);
    let mut aggs = vec![col("amount").sum().alias("sales")];
    if let Some(n) = name {
        aggs.push(col(n).drop_nulls().first().alias(n));
    }
    let total = col("sales").sum();
    let positive_total = total.clone().gt(lit(0));
    let before = col("cum_sales") - col("sales");
    let ratio = |e: Expr| {
        when(positive_total.clone())
            .then(e.cast(DataType::Float64) / total.clone().cast(DataType::Float64))
            .otherwise(lit(NULL).cast(DataType::Float64))
    };
    let class = when(col("sales").lt_eq(lit(0)).or(positive_total.clone().not()))
        .then(lit("C"))
        .when(below_share(before.clone(), t.a, total.clone()))
        .then(lit("A"))
        .when(below_share(before, t.a + t.b, total.clone()))
        .then(lit("B"))
        .otherwise(lit("C"));
    let mut columns = vec![col("rank"), col(key_out.as_str())];
    if let Some(n) = name {
        columns.push(col(n));
    }
    columns.extend([col("sales"), col("cum_sales"), col("share"), col("cum_share"), col("class")]);
    orders
        .group_by([col(key).alias(key_out.as_str())])
        .agg(aggs)
        // Positive sales first, largest first; ties by key so the order is deterministic.
        .sort_by_exprs(
            [col("sales").gt(lit(0)), col("sales"), col(key_out.as_str())],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, true, false])
                .with_nulls_last(true),
        )
        .with_row_index("rank", Some(1))
        .with_column(col("sales").cum_sum(false).alias("cum_sales"))
        .with_columns([ratio(col("sales")).alias("share"), ratio(col("cum_sales")).alias("cum_share"), class.alias("class")])
        .select(columns)
}

/// Per class A, B, C and Total: item count and share, sales (exact) and share.
pub fn summary(items: LazyFrame) -> LazyFrame {
    let classes = df!("class" => ["A", "B", "C"]).expect("static frame").lazy();
    let per_class = items
        .clone()
        .group_by([col("class")])
        .agg([len().cast(DataType::UInt32).alias("items"), col("sales").sum().alias("sales")]);
    let total = items.select([
        lit("Total").alias("class"),
        len().cast(DataType::UInt32).alias("items"),
        col("sales").sum().alias("sales"),
    ]);
    let joined = classes
        .join(per_class, [col("class")], [col("class")], JoinArgs::new(JoinType::Left))
        .with_columns([col("items").fill_null(lit(0u32)), col("sales").fill_null(lit(0))]);
    let all = concat([joined, total], UnionArgs::default()).expect("same schema");
    let share = |c: &str| {
        let class_total = col(c).filter(col("class").neq(lit("Total"))).sum().cast(DataType::Float64);
        when(class_total.clone().gt(lit(0.0)))
            .then(col(c).cast(DataType::Float64) / class_total)
            .otherwise(lit(NULL).cast(DataType::Float64))
    };
    all.with_columns([share("items").alias("item_share"), share("sales").alias("sales_share")])
        .select([col("class"), col("items"), col("item_share"), col("sales"), col("sales_share")])
}

/// The 80:20 check of a ranked item table.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoCheck {
    pub items: usize,
    /// The top 20% of items, rounded up to a whole item.
    pub top_items: usize,
    /// Share of sales those items hold.
    pub top_share: f64,
    /// The fewest items that together hold at least 80% of sales.
    pub items_for_80: usize,
}

/// None when total sales are not positive (shares are undefined).
pub fn pareto_check(items: &DataFrame) -> anyhow::Result<Option<ParetoCheck>> {
    let n = items.height();
    if n == 0 {
        return Ok(None);
    }
    let total = col("sales").sum();
    let stats = items
        .clone()
        .lazy()
        .select([
            total.clone().gt(lit(0)).alias("positive"),
            // Items whose cumulative sales stay below 80%: the next one reaches it.
            (col("cum_sales") * lit(10)).lt(total * lit(8)).sum().cast(DataType::UInt32).alias("below_80"),
        ])
        .collect()?;
    if !matches!(stats.column("positive")?.get(0)?, AnyValue::Boolean(true)) {
        return Ok(None);
    }
    let below_80 = stats.column("below_80")?.u32()?.get(0).unwrap_or(0) as usize;
    let top_items = (n * 20).div_ceil(100).max(1);
    let top_share = items.column("cum_share")?.f64()?.get(top_items - 1).unwrap_or(f64::NAN);
    Ok(Some(ParetoCheck { items: n, top_items, top_share, items_for_80: (below_80 + 1).min(n) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn run(keys: &[&str], amounts: &[&str], t: Thresholds) -> DataFrame {
        let raw = df!("customer_id" => keys, "amount" => amounts).unwrap();
        let lf = raw.lazy().with_column(col("amount").cast(DataType::Decimal(38, 2)));
        items(lf, "customer_id", None, &t).collect().unwrap()
    }

    fn strings(df: &DataFrame, c: &str) -> Vec<String> {
        df.column(c).unwrap().as_materialized_series().iter().map(|v| v.to_string().trim_matches('"').to_string()).collect()
    }

    #[test]
    fn spec_worked_example() {
        // SPEC §2: sales 500, 250, 120, 80, 30, 20 -> cum_before 0 .50 .75 .87 .95 .98 -> A A B B C C.
        let df = run(&["f", "e", "d", "c", "b", "a"], &["20", "30", "80", "120", "250", "500"], Thresholds::default());
        assert_eq!(strings(&df, "customer_id"), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(strings(&df, "class"), ["A", "A", "B", "B", "C", "C"]);
        let shares: Vec<f64> = df.column("share").unwrap().f64().unwrap().into_no_null_iter().collect();
        assert_eq!(shares, [0.5, 0.25, 0.12, 0.08, 0.03, 0.02]);
    }

    #[test]
    fn returns_ties_and_zero_sales() {
        // Lines per customer: x 100 + 100 - 50 = 150; y 150 (tie with x, later key); z 0 (sale then full
        // return); w -10 (returns only); v 100. Total 390.
        // Sorted: x 150, y 150, v 100, then non-positive z 0, w -10 (by sales desc).
        // cum_before: x 0 -> A; y 150/390 = .385 -> A; v 300/390 = .769 >= .75 -> B. z, w -> C.
        let df = run(
            &["x", "x", "x", "y", "z", "z", "w", "v"],
            &["100", "100.00", "-50", "150", "20.5", "-20.50", "-10", "100"],
            Thresholds::default(),
        );
        assert_eq!(strings(&df, "customer_id"), ["x", "y", "v", "z", "w"]);
        assert_eq!(strings(&df, "class"), ["A", "A", "B", "C", "C"]);
        assert_eq!(strings(&df, "sales"), ["150.00", "150.00", "100.00", "0.00", "-10.00"]);
        assert_eq!(strings(&df, "cum_sales"), ["150.00", "300.00", "400.00", "400.00", "390.00"]);
    }

    #[test]
    fn summary_adds_up_to_the_cent() {
        // Cents chosen so that float sums would drift: 0.10 + 0.20 style values.
        let df = run(&["a", "b", "c", "d"], &["0.10", "0.20", "0.30", "1000000.01"], Thresholds::default());
        let s = summary(df.lazy()).collect().unwrap();
        assert_eq!(strings(&s, "class"), ["A", "B", "C", "Total"]);
        assert_eq!(strings(&s, "sales"), ["1000000.01", "0.00", "0.60", "1000000.61"]);
        assert_eq!(strings(&s, "items"), ["1", "0", "3", "4"]);
    }

    #[test]
    fn item_crossing_a_threshold_belongs_to_the_higher_class() {
        // One customer with 90%: it crosses 75% and still is A; the next starts at .90 -> B.
        let df = run(&["a", "b", "c"], &["90", "6", "4"], Thresholds::default());
        assert_eq!(strings(&df, "class"), ["A", "B", "C"]);
    }

    #[test]
    fn thresholds_parse_and_validate() {
        assert_eq!(Thresholds::from_str("0.8, 0.15").unwrap(), Thresholds { a: Decimal::new(8, 1), b: Decimal::new(15, 2) });
        assert_eq!(Thresholds::from_str("80%,15%").unwrap().a, Decimal::new(8, 1));
        assert!(Thresholds::from_str("0.9,0.2").is_err());
        assert!(Thresholds::from_str("0.75").is_err());
        assert!(Thresholds::from_str("x,0.2").is_err());
    }

    #[test]
    fn pareto_check_counts_items() {
        // 10 items: 50, 30, then eight of 2.5. Top 20% = 2 items = 80%; 80% reached with 2 items.
        let keys: Vec<String> = (0..10).map(|i| format!("k{i}")).collect();
        let keys: Vec<&str> = keys.iter().map(|s| s.as_str()).collect();
        let df = run(&keys, &["50", "30", "2.5", "2.5", "2.5", "2.5", "2.5", "2.5", "2.5", "2.5"], Thresholds::default());
        let p = pareto_check(&df).unwrap().unwrap();
        assert_eq!((p.items, p.top_items, p.items_for_80), (10, 2, 2));
        assert!((p.top_share - 0.8).abs() < 1e-12);
    }
}
