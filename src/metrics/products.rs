//! Products (SPEC §3): margin, inventory, turnover, cross ratio and contribution
//! ratio per product (or per customer × product), and the per-customer
//! transaction performance by month or year against a plan.
//!
//! Pure LazyFrame functions. Money (sales, cost, gross profit, inventory value)
//! stays an exact decimal; ratios are f64. An undefined value is null, never
//! 0, NaN or inf. The formulas are documented in docs/metrics.md ("Products").

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::metrics::abc::{self, Thresholds};

/// What turnover divides: the basis must match the unit of the average inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// quantity sold / average units in stock
    Quantity,
    /// cost of goods sold / average inventory value at cost
    Cost,
    /// net sales / average inventory value (the seed's literal formula)
    Sales,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::Quantity => "quantity",
            Basis::Cost => "cost",
            Basis::Sales => "sales",
        }
    }
}

/// How the average inventory is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// (opening + closing) / 2
    Ends,
    /// the mean of the product's snapshots dated in the period
    All,
}

/// Everything the product table depends on besides the data.
#[derive(Debug, Clone)]
pub struct Settings {
    /// First and last day of the period, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub basis: Basis,
    pub average: Average,
    /// ["product_id"] or ["customer_id", "product_id"].
    pub keys: Vec<&'static str>,
    pub thresholds: Thresholds,
    /// Decimal places of money columns (the input's money scale).
    pub money_scale: usize,
}

impl Settings {
    /// Days in the period, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    pub fn money(&self) -> DataType {
        DataType::Decimal(38, self.money_scale)
    }

    /// Average inventory value: one decimal place more than money, so (a + b) / 2 is exact.
    fn avg_money(&self) -> DataType {
        DataType::Decimal(38, self.money_scale + 1)
    }

    fn key_cols(&self) -> Vec<Expr> {
        self.keys.iter().map(|k| col(*k)).collect()
    }
}

/// A hidden column holding the row key as one string (for `abc::items`).
const KEY: &str = "__key";
/// Marks products that have order lines in the period.
const SOLD: &str = "__sold";
/// Per order line: dated in the period; per key: how many lines are.
const IN_PERIOD: &str = "__in_period";

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

/// One text key from the key columns (unit separator between parts).
fn key_expr(keys: &[&str]) -> Expr {
    match keys {
        [one] => col(*one),
        many => concat_str(many.iter().map(|k| col(*k)).collect::<Vec<_>>(), "\u{1f}", false),
    }
}

/// Σ of each column per group, or null when any line of the group lacks the value
/// (a partial sum would understate it silently). Plain sums and null counts in the
/// aggregation, the rule after it: polars runs those on its fast path, where a
/// conditional inside the aggregation was evaluated group by group (10 M lines: 9 s).
fn complete_sums(grouped: LazyGroupBy, mut aggs: Vec<Expr>, columns: &[(&str, DataType)]) -> LazyFrame {
    let missing = |name: &str| format!("__missing_{name}");
    for (name, _) in columns {
        aggs.push(col(*name).sum().alias(*name));
        aggs.push(col(*name).null_count().alias(missing(name)));
    }
    let rules: Vec<Expr> = columns
        .iter()
        .map(|(name, dtype)| {
            when(col(missing(name)).gt(lit(0))).then(null_of(dtype.clone())).otherwise(col(*name)).alias(*name)
        })
        .collect();
    let helpers: Vec<String> = columns.iter().map(|(name, _)| missing(name)).collect();
    grouped.agg(aggs).with_columns(rules).drop(by_name(helpers, true, false))
}

/// The test that an order line is dated in [from, to]; None when the period is open at
/// both ends and every line is in it (then `sold` skips the test and the masking).
fn period_test(s: &Settings) -> Option<Expr> {
    ((s.from, s.to) != (NaiveDate::MIN, NaiveDate::MAX))
        .then(|| col("order_date").gt_eq(lit(s.from)).and(col("order_date").lt_eq(lit(s.to))))
}

/// Order lines dated in [from, to].
fn in_period(orders: LazyFrame, s: &Settings) -> LazyFrame {
    match period_test(s) {
        Some(test) => orders.filter(test),
        None => orders,
    }
}

/// One row: the first and last order date of the lines in the period.
pub fn sold_range(orders: LazyFrame, s: &Settings) -> LazyFrame {
    in_period(orders, s).select([col("order_date").min().alias("first_order"), col("order_date").max().alias("last_order")])
}

/// Order lines summed per key: sales, quantity and cost over the lines in the period
/// (`SOLD` true when there are any), and each of `names` (name columns keyed by exactly
/// these keys) as its first value over all lines. One row per key with any line.
/// One group-by, so each line's key is hashed once: lines outside the period add zero,
/// and a null inside it still makes its sum null (see `complete_sums`).
/// `orders` needs order_date, the key columns, amount, quantity (f64, may be null) and cost (money, may be null).
pub fn sold(orders: LazyFrame, s: &Settings, names: &[&str]) -> LazyFrame {
    let mut aggs = vec![col("amount").sum().alias("sales")];
    aggs.extend(names.iter().map(|n| col(*n).drop_nulls().first().alias(*n)));
    let summed = [("quantity", DataType::Float64), ("cost", s.money())];
    match period_test(s) {
        // Every line is in the period, so every key has sold: no count to keep.
        None => complete_sums(orders.group_by(s.key_cols()), aggs, &summed).with_column(lit(true).alias(SOLD)),
        Some(test) => {
            let in_period_only = |c: &str, zero: Expr| when(col(IN_PERIOD)).then(col(c)).otherwise(zero).alias(c);
            let lines = orders.with_column(test.alias(IN_PERIOD)).with_columns([
                in_period_only("amount", lit(0).cast(s.money())),
                in_period_only("quantity", lit(0.0)),
                in_period_only("cost", lit(0).cast(s.money())),
            ]);
            aggs.push(col(IN_PERIOD).cast(DataType::UInt32).sum().alias(IN_PERIOD));
            complete_sums(lines.group_by(s.key_cols()), aggs, &summed)
                .with_column(col(IN_PERIOD).gt(lit(0)).alias(SOLD))
                .drop(by_name([IN_PERIOD], true, false))
        }
    }
}

/// Stock per key and snapshot date, summed over warehouses and holders.
/// `inventory` needs snapshot_date, the key columns, quantity (f64) and value (money); either may be null.
pub fn stock_by_date(inventory: LazyFrame, s: &Settings) -> LazyFrame {
    let mut group = s.key_cols();
    group.push(col("snapshot_date"));
    complete_sums(inventory.group_by(group), vec![], &[("quantity", DataType::Float64), ("value", s.money())])
}

/// The key's last snapshot on or before `day`, with its date, columns prefixed.
fn last_on_or_before(stock: LazyFrame, s: &Settings, day: NaiveDate, prefix: &str) -> LazyFrame {
    let mut columns = s.key_cols();
    columns.extend([
        col("snapshot_date").alias(format!("{prefix}_date")),
        col("quantity").alias(format!("{prefix}_qty")),
        col("value").alias(format!("{prefix}_value")),
    ]);
    stock
        .filter(col("snapshot_date").lt_eq(lit(day)))
        .filter(col("snapshot_date").eq(col("snapshot_date").max().over(s.key_cols()).expect("keys given")))
        .select(columns)
}

/// Opening, closing and average inventory per key, for every key with a snapshot on or before `to`.
///
/// opening = the last snapshot on or before `from`; when the key has none, its first
/// snapshot in the period (so opening_date > from tells that this happened).
/// closing = the last snapshot on or before `to`.
/// avg = (opening + closing) / 2, or with `Average::All` the mean of the snapshots dated in [from, to].
pub fn levels(stock: LazyFrame, s: &Settings) -> LazyFrame {
    let keys = s.key_cols();
    let join = |left: LazyFrame, right: LazyFrame| {
        left.join(right, keys.clone(), keys.clone(), JoinArgs::new(JoinType::Left))
    };
    let closing = last_on_or_before(stock.clone(), s, s.to, "closing");
    let before = last_on_or_before(stock.clone(), s, s.from, "before");
    let in_period = stock
        .clone()
        .filter(col("snapshot_date").gt_eq(lit(s.from)).and(col("snapshot_date").lt_eq(lit(s.to))));
    let mut first_columns = s.key_cols();
    first_columns.extend([
        col("snapshot_date").alias("first_date"),
        col("quantity").alias("first_qty"),
        col("value").alias("first_value"),
    ]);
    let first = in_period
        .clone()
        .filter(col("snapshot_date").eq(col("snapshot_date").min().over(s.key_cols()).expect("keys given")))
        .select(first_columns);
    let pick = |what: &str| {
        when(col("before_date").is_not_null())
            .then(col(format!("before_{what}")))
            .otherwise(col(format!("first_{what}")))
            .alias(format!("opening_{what}"))
    };
    let both = join(join(closing, before), first).with_columns([pick("date"), pick("qty"), pick("value")]);
    let with_avg = match s.average {
        Average::Ends => both.with_columns([
            ((col("opening_qty") + col("closing_qty")) / lit(2.0)).alias("avg_qty"),
            ((col("opening_value") + col("closing_value")).cast(s.avg_money())
                / lit(2).cast(s.avg_money()))
            .alias("avg_value"),
        ]),
        Average::All => {
            let aggs = [
                when(col("quantity").null_count().gt(lit(0)))
                    .then(null_of(DataType::Float64))
                    .otherwise(col("quantity").mean())
                    .alias("avg_qty"),
                when(col("value").null_count().gt(lit(0)))
                    .then(null_of(s.avg_money()))
                    .otherwise(col("value").sum().cast(s.avg_money()) / len().cast(s.avg_money()))
                    .alias("avg_value"),
            ];
            join(both, in_period.group_by(s.key_cols()).agg(aggs))
        }
    };
    let mut out = s.key_cols();
    out.extend(
        ["opening_date", "opening_qty", "opening_value", "closing_date", "closing_qty", "closing_value", "avg_qty", "avg_value"]
            .map(col),
    );
    with_avg.select(out)
}

/// An inventory frame with no rows, for runs without `--inventory`: every inventory column comes out null.
pub fn no_inventory(s: &Settings) -> LazyFrame {
    let mut columns: Vec<Column> = s
        .keys
        .iter()
        .map(|k| Column::new_empty((*k).into(), &DataType::String))
        .collect();
    columns.push(Column::new_empty("snapshot_date".into(), &DataType::Date));
    columns.push(Column::new_empty("quantity".into(), &DataType::Float64));
    columns.push(Column::new_empty("value".into(), &s.money()));
    DataFrame::new(0, columns).expect("empty frame").lazy()
}

/// Output columns of the product table after the key (and name) columns.
pub const METRIC_COLUMNS: [&str; 20] = [
    "sales",
    "quantity",
    "cost",
    "gross_profit",
    "gross_margin_rate",
    "share",
    "cum_share",
    "class",
    "opening_date",
    "opening_qty",
    "opening_value",
    "closing_date",
    "closing_qty",
    "closing_value",
    "avg_qty",
    "avg_value",
    "turnover",
    "days_of_inventory",
    "cross_ratio",
    "contribution_ratio",
];

/// The product table: one row per key with order lines in the period or a snapshot on or
/// before `to`. `names` are (name column, its key column) pairs present in `orders`,
/// e.g. ("product_name", "product_id"). Unsorted; see [`sort`].
pub fn table(orders: LazyFrame, inventory: LazyFrame, names: &[(&str, &str)], s: &Settings) -> LazyFrame {
    table_of_sums(sums_per_key(orders, names, s), inventory, names, s)
}

/// The part of the product table that reads the order lines: their sums per key (see
/// [`sold`]) and each of `names` beside them. A name keyed by another column (the
/// customer's in a customer × product table) is the first of all the lines of its key.
/// The rest of the table ([`table_of_sums`]) works on these few rows, so a command can
/// stream this part from the files and build the rest in memory: one streaming group-by
/// instead of the sixteen of the whole table, each of which holds its own hash tables.
pub fn sums_per_key(orders: LazyFrame, names: &[(&str, &str)], s: &Settings) -> LazyFrame {
    // Names keyed by exactly the table's keys come out of the same group-by as the sums.
    let (own, by_other_key): (Vec<_>, Vec<_>) = names.iter().partition(|(_, key)| s.keys == [*key]);
    let own: Vec<&str> = own.iter().map(|(name, _)| *name).collect();
    let mut per_key = sold(orders.clone(), s, &own);
    for (name, key) in by_other_key {
        let first = orders.clone().group_by([col(key)]).agg([col(name).drop_nulls().first().alias(name)]);
        per_key = per_key.join(first, [col(key)], [col(key)], JoinArgs::new(JoinType::Left));
    }
    per_key
}

/// The product table from [`sums_per_key`] of the orders.
pub fn table_of_sums(per_key: LazyFrame, inventory: LazyFrame, names: &[(&str, &str)], s: &Settings) -> LazyFrame {
    let keys = s.key_cols();
    let left = |l: LazyFrame, r: LazyFrame, on: Vec<Expr>| l.join(r, on.clone(), on, JoinArgs::new(JoinType::Left));
    // Each is used several times below: cache() computes it once.
    let per_key = per_key.cache();
    let name_columns: Vec<&str> = names.iter().map(|(name, _)| *name).collect();
    let sold = per_key.clone().filter(col(SOLD)).drop(by_name(name_columns, true, false)).cache();
    let stock = levels(stock_by_date(inventory, s).cache(), s).cache();
    let universe = concat(
        [sold.clone().select(keys.clone()), stock.clone().select(keys.clone())],
        UnionArgs::default(),
    )
    .expect("same key columns")
    .unique_stable(None, UniqueKeepStrategy::First)
    .with_column(key_expr(&s.keys).alias(KEY));

    // Shares, cumulative shares and classes come from the ABC split itself; products with
    // stock but no sales enter it with zero sales (share 0, class C).
    let abc_lines = concat(
        [
            sold.clone().select([key_expr(&s.keys).alias(KEY), col("sales").alias("amount")]),
            stock.clone().select([key_expr(&s.keys).alias(KEY), lit(0).cast(s.money()).alias("amount")]),
        ],
        UnionArgs::default(),
    )
    .expect("same columns");
    let classes = abc::items(abc_lines, KEY, None, &s.thresholds).select([
        col(KEY),
        col("share"),
        col("cum_share"),
        col("class"),
    ]);

    let mut frame = left(left(universe, sold, keys.clone()), stock, keys.clone());
    frame = left(frame, classes, vec![col(KEY)]);
    for (name, key) in names {
        // Every row of a key has the same name (see `sums_per_key`).
        let first = per_key.clone().select([col(*key), col(*name)]).unique_stable(Some(by_name([*key], true, false)), UniqueKeepStrategy::First);
        frame = left(frame, first, vec![col(*key)]);
    }

    let not_sold = col(SOLD).is_null();
    let f64 = |c: &str| col(c).cast(DataType::Float64);
    let days = s.days();
    let frame = frame
        .with_columns([
            // No order lines in the period: nothing sold, exactly zero.
            when(not_sold.clone()).then(lit(0).cast(s.money())).otherwise(col("sales")).alias("sales"),
            when(not_sold.clone()).then(lit(0.0)).otherwise(col("quantity")).alias("quantity"),
            when(not_sold).then(lit(0).cast(s.money())).otherwise(col("cost")).alias("cost"),
        ])
        .with_column((col("sales") - col("cost")).alias("gross_profit"))
        .with_column(
            when(col("sales").neq(lit(0).cast(s.money())))
                .then(f64("gross_profit") / f64("sales"))
                .otherwise(null_of(DataType::Float64))
                .alias("gross_margin_rate"),
        );
    let (numerator, denominator) = match s.basis {
        Basis::Quantity => ("quantity", "avg_qty"),
        Basis::Cost => ("cost", "avg_value"),
        Basis::Sales => ("sales", "avg_value"),
    };
    let frame = frame
        .with_column(
            when(f64(denominator).gt(lit(0.0)))
                .then(f64(numerator) / f64(denominator))
                .otherwise(null_of(DataType::Float64))
                .alias("turnover"),
        )
        .with_columns([
            when(col("turnover").gt(lit(0.0)))
                .then(lit(days as f64) / col("turnover"))
                .otherwise(null_of(DataType::Float64))
                .alias("days_of_inventory"),
            (col("gross_margin_rate") * col("turnover")).alias("cross_ratio"),
        ])
        .with_column((col("cross_ratio") * col("share")).alias("contribution_ratio"));
    let mut out = keys;
    out.extend(names.iter().map(|(n, _)| col(*n)));
    out.extend(METRIC_COLUMNS.map(col));
    frame.select(out)
}

/// Sort by one column (descending when `descending`), nulls last, ties by the keys ascending.
pub fn sort(table: LazyFrame, column: &str, descending: bool, keys: &[&str]) -> LazyFrame {
    let mut by = vec![col(column)];
    let mut order = vec![descending];
    for k in keys.iter().filter(|k| **k != column) {
        by.push(col(*k));
        order.push(false);
    }
    table.sort_by_exprs(
        by,
        SortMultipleOptions::default().with_order_descending_multi(order).with_nulls_last(true).with_maintain_order(true),
    )
}

/// How many rows have each kind of undefined value, one row:
/// no_sales (margin undefined), cost_unknown, no_inventory, zero_inventory (turnover undefined),
/// zero_turnover, negative_turnover (days undefined), opening_in_period (opening taken
/// from the first snapshot in the period).
pub fn undefined_counts(table: LazyFrame, s: &Settings) -> LazyFrame {
    let avg = match s.basis {
        Basis::Quantity => col("avg_qty").cast(DataType::Float64),
        _ => col("avg_value").cast(DataType::Float64),
    };
    let count = |e: Expr, name: &str| e.cast(DataType::UInt32).sum().alias(name);
    let sales_zero = col("sales").eq(lit(0).cast(s.money()));
    table.select([
        count(sales_zero, "no_sales"),
        count(col("cost").is_null(), "cost_unknown"),
        count(avg.clone().is_null(), "no_inventory"),
        count(avg.eq(lit(0.0)), "zero_inventory"),
        count(col("turnover").eq(lit(0.0)), "zero_turnover"),
        count(col("turnover").lt(lit(0.0)), "negative_turnover"),
        count(col("opening_date").gt(lit(s.from)), "opening_in_period"),
    ])
}

/// Calendar unit of the per-customer table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    fn format(self) -> &'static str {
        match self {
            Interval::Month => "%Y-%m",
            Interval::Year => "%Y",
        }
    }
}

/// Per customer and month (or year) in [from, to]: sales, the company's sales in that period,
/// the customer's share of it, and against `plan` (customer_id, month as a Date on the 1st,
/// planned_amount) the planned amount, the difference and the achievement rate.
/// Rows exist where the customer has order lines or a plan in that period.
pub fn customer_periods(
    orders: LazyFrame,
    plan: Option<LazyFrame>,
    interval: Interval,
    name: Option<&str>,
    s: &Settings,
) -> LazyFrame {
    let label = |c: &str| col(c).dt().strftime(interval.format()).alias("period");
    let on = [col("customer_id"), col("period")];
    let sales = in_period(orders.clone(), s)
        .group_by([col("customer_id"), label("order_date")])
        .agg([col("amount").sum().alias("sales")]);
    let first_month = s.from.with_day0(0).expect("day 1");
    let planned = plan.map(|p| {
        p.filter(col("month").gt_eq(lit(first_month)).and(col("month").lt_eq(lit(s.to))))
            .group_by([col("customer_id"), label("month")])
            .agg([col("planned_amount").sum().alias("planned_amount")])
    });
    let frame = match planned {
        Some(p) => sales
            .join(
                p,
                on.clone(),
                on.clone(),
                JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
            )
            .with_column(col("sales").fill_null(lit(0).cast(s.money()))),
        None => sales.with_column(null_of(s.money()).alias("planned_amount")),
    };
    let total = col("sales").sum().over([col("period")]).expect("partition given");
    let f64 = |e: Expr| e.cast(DataType::Float64);
    let mut frame = frame.with_columns([
        total.clone().alias("period_sales"),
        when(total.clone().gt(lit(0).cast(s.money())))
            .then(f64(col("sales")) / f64(total))
            .otherwise(null_of(DataType::Float64))
            .alias("share"),
        (col("sales") - col("planned_amount")).alias("difference"),
        when(col("planned_amount").gt(lit(0).cast(s.money())))
            .then(f64(col("sales")) / f64(col("planned_amount")))
            .otherwise(null_of(DataType::Float64))
            .alias("achievement_rate"),
    ]);
    let mut out = vec![col("customer_id")];
    if let Some(n) = name {
        let names = orders
            .group_by([col("customer_id")])
            .agg([col(n).drop_nulls().first().alias(n)]);
        frame = frame.join(names, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left));
        out.push(col(n));
    }
    out.extend(["period", "sales", "period_sales", "share", "planned_amount", "difference", "achievement_rate"].map(col));
    frame.select(out).sort_by_exprs(
        [col("period"), col("sales"), col("customer_id")],
        SortMultipleOptions::default()
            .with_order_descending_multi([false, true, false])
            .with_nulls_last(true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn settings(basis: Basis, average: Average) -> Settings {
        Settings {
            from: date("2024-01-01"),
            to: date("2024-01-31"),
            basis,
            average,
            keys: vec!["product_id"],
            thresholds: Thresholds::default(),
            money_scale: 2,
        }
    }

    fn orders() -> LazyFrame {
        df!(
            "order_date" => [date("2024-01-05"), date("2024-01-20"), date("2024-01-25"), date("2024-02-01")],
            "product_id" => ["P", "P", "Q", "P"],
            "amount" => ["100.00", "-10.00", "50.00", "999.00"],
            "quantity" => [10.0, -1.0, 5.0, 1.0],
            "cost" => [Some("60.00"), Some("-6.00"), None, Some("1.00")],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("amount").cast(DataType::Decimal(38, 2)),
            col("cost").cast(DataType::Decimal(38, 2)),
        ])
    }

    fn inventory() -> LazyFrame {
        df!(
            "snapshot_date" => [date("2023-12-31"), date("2023-12-31"), date("2024-01-31"), date("2024-01-15"), date("2024-01-31")],
            "product_id" => ["P", "P", "P", "P", "R"],
            "quantity" => [4.0, 2.0, 10.0, 100.0, 3.0],
            "value" => ["24.00", "12.01", "60.00", "600.00", "0.00"],
        )
        .unwrap()
        .lazy()
        .with_column(col("value").cast(DataType::Decimal(38, 2)))
    }

    fn text(df: &DataFrame, c: &str) -> Vec<String> {
        df.column(c)
            .unwrap()
            .as_materialized_series()
            .iter()
            .map(|v| crate::output::cell_text(&v, 6))
            .collect()
    }

    fn run(basis: Basis, average: Average) -> DataFrame {
        let s = settings(basis, average);
        sort(table(orders(), inventory(), &[], &s), "product_id", false, &s.keys).collect().unwrap()
    }

    #[test]
    fn margin_inventory_and_turnover_by_hand() {
        // P: sales 100 - 10 = 90, qty 9, cost 60 - 6 = 54, profit 36, margin .4 (the February line is outside).
        // Q: sales 50, cost unknown (a line without cost) -> profit and margin empty; no stock.
        // R: stock only: sales 0, margin empty.
        // P stock: opening 2023-12-31 = 4 + 2 = 6 units, 36.01; closing 2024-01-31 = 10 units, 60.00.
        // avg = 8 units, (36.01 + 60.00) / 2 = 48.005 (exact, one more decimal).
        // cost basis: 54 / 48.005 = 1.124883; days 31 / (54 / 48.005) = 1488.155 / 54 = 27.558426.
        let df = run(Basis::Cost, Average::Ends);
        assert_eq!(text(&df, "product_id"), ["P", "Q", "R"]);
        assert_eq!(text(&df, "sales"), ["90.00", "50.00", "0.00"]);
        assert_eq!(text(&df, "cost"), ["54.00", "", "0.00"]);
        assert_eq!(text(&df, "gross_profit"), ["36.00", "", "0.00"]);
        assert_eq!(text(&df, "gross_margin_rate"), ["0.400000", "", ""]);
        assert_eq!(text(&df, "opening_value"), ["36.01", "", "0.00"]);
        assert_eq!(text(&df, "avg_value"), ["48.005", "", "0.000"]);
        assert_eq!(text(&df, "avg_qty"), ["8.000000", "", "3.000000"]);
        assert_eq!(text(&df, "turnover"), ["1.124883", "", ""]);
        assert_eq!(text(&df, "days_of_inventory"), ["27.558426", "", ""]);
        // share of sales: 90 / 140.
        assert_eq!(text(&df, "share"), ["0.642857", "0.357143", "0.000000"]);
        // cross = .4 × 1.124883 = .449953; contribution × .642857 = .289256.
        assert_eq!(text(&df, "cross_ratio"), ["0.449953", "", ""]);
        assert_eq!(text(&df, "contribution_ratio"), ["0.289256", "", ""]);
    }

    #[test]
    fn quantity_basis_and_mean_of_snapshots() {
        // quantity basis, ends: P 9 / 8 = 1.125; R 0 / 3 = 0 -> days empty.
        let df = run(Basis::Quantity, Average::Ends);
        assert_eq!(text(&df, "turnover"), ["1.125000", "", "0.000000"]);
        assert_eq!(text(&df, "days_of_inventory"), ["27.555556", "", ""]);
        // --avg all: P snapshots in January 2024-01-15 (100) and 2024-01-31 (10): mean 55 units,
        // value (600 + 60) / 2 = 330.000.
        let df = run(Basis::Quantity, Average::All);
        assert_eq!(text(&df, "avg_qty"), ["55.000000", "", "3.000000"]);
        assert_eq!(text(&df, "avg_value"), ["330.000", "", "0.000"]);
        // sales basis on zero average value: undefined.
        let df = run(Basis::Sales, Average::Ends);
        assert_eq!(text(&df, "turnover")[2], "");
    }

    #[test]
    fn the_period_bounds_the_sums_but_not_the_names() {
        let orders = df!(
            "order_date" => ["2024-01-05", "2024-02-01", "2024-02-03", "2024-01-10", "2023-12-30"].map(date),
            "product_id" => ["P", "P", "S", "Q", "Q"],
            "product_name" => [Some("Pen"), None, Some("Soap"), None, Some("Quill")],
            "amount" => ["100.00", "999.00", "5.00", "50.00", "7.00"],
            "quantity" => [Some(10.0), Some(1.0), Some(1.0), None, Some(1.0)],
            "cost" => [Some("60.00"), None, Some("2.00"), Some("30.00"), Some("4.00")],
        )
        .unwrap()
        .lazy()
        .with_columns([col("amount").cast(DataType::Decimal(38, 2)), col("cost").cast(DataType::Decimal(38, 2))]);
        let stock = df!(
            "snapshot_date" => [date("2024-01-31")],
            "product_id" => ["S"],
            "quantity" => [3.0],
            "value" => ["6.00"],
        )
        .unwrap()
        .lazy()
        .with_column(col("value").cast(DataType::Decimal(38, 2)));
        let names = [("product_name", "product_id")];
        let run = |s: &Settings| sort(table(orders.clone(), stock.clone(), &names, s), "product_id", false, &s.keys).collect().unwrap();

        // January: P's February line (no cost) is outside, so P's cost is known; Q's January
        // line has no quantity, so Q's quantity is unknown; S sold only in February: zeros.
        // Names come from any line: Q's from December, S's from February.
        let df = run(&settings(Basis::Quantity, Average::Ends));
        assert_eq!(text(&df, "product_id"), ["P", "Q", "S"]);
        assert_eq!(text(&df, "product_name"), ["Pen", "Quill", "Soap"]);
        assert_eq!(text(&df, "sales"), ["100.00", "50.00", "0.00"]);
        assert_eq!(text(&df, "quantity"), ["10.000000", "", "0.000000"]);
        assert_eq!(text(&df, "cost"), ["60.00", "30.00", "0.00"]);

        // Open at both ends: every line counts. P 100 + 999, its cost unknown (the February
        // line); Q 50 + 7, cost 30 + 4, quantity still unknown; S 5, 1 unit, cost 2.
        let open = Settings { from: NaiveDate::MIN, to: NaiveDate::MAX, ..settings(Basis::Quantity, Average::Ends) };
        let df = run(&open);
        assert_eq!(text(&df, "product_name"), ["Pen", "Quill", "Soap"]);
        assert_eq!(text(&df, "sales"), ["1099.00", "57.00", "5.00"]);
        assert_eq!(text(&df, "quantity"), ["11.000000", "", "1.000000"]);
        assert_eq!(text(&df, "cost"), ["", "34.00", "2.00"]);
    }
}
