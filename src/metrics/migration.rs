//! ABC migration: the current period's ABC classes beside those of a compared period,
//! per key, and the transitions between them (docs/metrics.md, "ABC migration").

use polars::prelude::*;

/// The current item table (`abc::items`) with, per key, the compared period's class
/// and sales: prev_class, prev_sales, sales_change = sales − prev_sales, and change:
/// `new` (no sales in the compared period), `lost` (sales only in the compared period:
/// no current class, sales 0), `up` (a better class, A above B above C), `down` or
/// `same`. Current items keep their rank order; the lost follow, largest first.
pub fn migration(current: LazyFrame, previous: LazyFrame, key: &str, name: Option<&str>) -> LazyFrame {
    let mut before = vec![col(key), col("sales").alias("prev_sales"), col("class").alias("prev_class")];
    if let Some(n) = name {
        before.push(col(n).alias("__prev_name"));
    }
    let joined = current.join(
        previous.select(before),
        [col(key)],
        [col(key)],
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    );
    let change = when(col("prev_class").is_null())
        .then(lit("new"))
        .when(col("class").is_null())
        .then(lit("lost"))
        .when(col("class").lt(col("prev_class")))
        .then(lit("up"))
        .when(col("class").gt(col("prev_class")))
        .then(lit("down"))
        .otherwise(lit("same"));
    let mut fixes = vec![
        change.alias("change"),
        col("sales").fill_null(lit(0)).alias("sales"),
        col("prev_sales").fill_null(lit(0)).alias("prev_sales"),
    ];
    if let Some(n) = name {
        fixes.push(coalesce(&[col(n), col("__prev_name")]).alias(n));
    }
    let mut columns: Vec<Expr> = vec![col("rank"), col(key)];
    columns.extend(name.map(col));
    columns.extend(["sales", "cum_sales", "share", "cum_share", "class", "prev_class", "prev_sales", "sales_change", "change"].map(col));
    joined
        .with_columns(fixes)
        .with_column((col("sales") - col("prev_sales")).alias("sales_change"))
        .sort_by_exprs(
            [col("rank").is_null(), col("rank"), col("prev_sales"), col(key)],
            SortMultipleOptions::default().with_order_descending_multi([false, false, true, false]).with_nulls_last(true),
        )
        .select(columns)
}

/// The transition matrix of a migration table, one row per (from, to) pair that
/// occurs: from = the compared period's class or `new`, to = the current class or
/// `lost`; items, current sales and the compared period's sales.
pub fn transitions(migration: LazyFrame) -> LazyFrame {
    migration
        .group_by([col("prev_class").fill_null(lit("new")).alias("from"), col("class").fill_null(lit("lost")).alias("to")])
        .agg([len().cast(DataType::UInt32).alias("items"), col("sales").sum().alias("sales"), col("prev_sales").sum().alias("prev_sales")])
        // A, B, C, then new (from) or lost (to): the letters sort before the words.
        .sort_by_exprs([col("from"), col("to")], SortMultipleOptions::default())
}

/// The customers who changed class (up, down, new, lost), by sales at stake: the
/// size of the change in sales, largest first.
pub fn movers(migration: LazyFrame) -> LazyFrame {
    migration
        .filter(col("change").neq(lit("same")))
        .sort_by_exprs([col("sales_change").abs(), col("rank")], SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true))
}
