//! Receivables aging, credit limits and DSO (SPEC §5, 外欠款预警 and 赊销警戒线).
//!
//! All money stays exact (polars Decimal) from the invoice to the company total:
//! every invoice falls in exactly one bucket, so the buckets add up to the open
//! total to the cent. Ratios (DSO, share of assets) are floats. Formulas and
//! decisions: docs/warnings.md.

use chrono::NaiveDate;
use polars::prelude::*;


/// The label of the company total line in the customer column.
pub const TOTAL: &str = "Total";

/// Days since 1970-01-01, the physical value of a polars Date.
pub fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

/// A date column as days since 1970-01-01 (for day differences without durations).
pub fn days(c: &str) -> Expr {
    col(c).cast(DataType::Int32)
}

/// The company warning line of the seed texts (赊销警戒线): open receivables above 20% of
/// total assets. The default of --warning-line, and the line of the report and scorecard.
pub fn default_warning_share() -> rust_decimal::Decimal {
    crate::defaults::WARNING_LINE.parse::<crate::values::Share>().expect("a valid default").0
}

/// Upper edges of the past-due buckets in days: 30,60,90 gives
/// current (not yet due), 1–30, 31–60, 61–90, >90.
#[derive(Debug, Clone, PartialEq)]
pub struct Buckets {
    pub edges: Vec<i32>,
}

impl Default for Buckets {
    fn default() -> Self {
        crate::defaults::BUCKETS.parse().expect("a valid default")
    }
}

impl std::str::FromStr for Buckets {
    type Err = String;

    /// "30,60,90": strictly increasing positive whole days.
    fn from_str(text: &str) -> Result<Buckets, String> {
        let mut edges = Vec::new();
        for part in text.split(',').map(str::trim) {
            let v: i32 = part.parse().map_err(|_| format!("'{part}' is not a whole number of days (expected e.g. 30,60,90)"))?;
            if v <= 0 || edges.last().is_some_and(|&last| v <= last) {
                return Err(format!("edges must be positive and increasing (e.g. 30,60,90); got '{text}'"));
            }
            edges.push(v);
        }
        Ok(Buckets { edges })
    }
}

impl Buckets {
    /// Column names: current, d1_30, d31_60, d61_90, over_90.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = vec!["current".to_string()];
        let mut low = 1;
        for &e in &self.edges {
            labels.push(format!("d{low}_{e}"));
            low = e + 1;
        }
        labels.push(format!("over_{}", self.edges.last().copied().unwrap_or(0)));
        labels
    }

    /// The label of the oldest bucket (over the last edge).
    pub fn oldest(&self) -> String {
        self.labels().pop().expect("at least one label")
    }

    /// Each bucket's label and its test of an integer days-past-due expression: not yet
    /// due (0 or less), over the edge before and up to an edge, over the last edge.
    fn tests(&self, dpd: Expr) -> Vec<(String, Expr)> {
        let mut low = 0;
        let mut tests = vec![dpd.clone().lt_eq(lit(low))];
        for &e in &self.edges {
            tests.push(dpd.clone().gt(lit(low)).and(dpd.clone().lt_eq(lit(e))));
            low = e;
        }
        tests.push(dpd.gt(lit(low)));
        self.labels().into_iter().zip(tests).collect()
    }

    /// The bucket label for an integer days-past-due expression.
    fn label_of(&self, dpd: Expr) -> Expr {
        let mut tests = self.tests(dpd);
        let (oldest, _) = tests.pop().expect("at least one bucket");
        tests.into_iter().rev().fold(lit(oldest), |older, (label, test)| when(test).then(lit(label)).otherwise(older))
    }
}

/// One row per invoice dated on or before `as_of`, with `open` (exact) as of that date,
/// `days_past_due` and `bucket`.
///
/// Input columns: customer_id, invoice_id, invoice_date, due_date, amount, paid_amount,
/// open_amount, paid_date (the optional ones may be all null).
/// The payment is the first of: paid_amount; amount − open_amount; the whole amount when
/// only a paid_date is given; nothing. It counts when it has no date or is dated on or
/// before `as_of`. open = amount − payment counted (negative: a credit balance).
pub fn open_items(receivables: LazyFrame, as_of: NaiveDate, buckets: &Buckets) -> LazyFrame {
    // `amount * 0` is a zero of the money type (a bare literal would not be a decimal).
    let payment = coalesce(&[
        col("paid_amount"),
        col("amount") - col("open_amount"),
        when(col("paid_date").is_not_null()).then(col("amount")).otherwise(col("amount") * lit(0)),
    ]);
    let counted = when(col("paid_date").is_null().or(col("paid_date").lt_eq(lit(as_of))))
        .then(payment)
        .otherwise(col("amount") * lit(0));
    let dpd = lit(epoch_days(as_of)) - days("due_date");
    receivables
        .filter(col("invoice_date").lt_eq(lit(as_of)))
        .with_columns([(col("amount") - counted).alias("open"), dpd.alias("days_past_due")])
        .with_column(buckets.label_of(col("days_past_due")).alias("bucket"))
}

/// Credit sales per customer in [from, to]: Σ amount of rows whose `date_column` lies
/// in the period (receivables invoiced, or order lines). Columns: customer_id, credit_sales.
pub fn credit_sales(lines: LazyFrame, date_column: &str, from: NaiveDate, to: NaiveDate) -> LazyFrame {
    lines
        .filter(col(date_column).gt_eq(lit(from)).and(col(date_column).lt_eq(lit(to))))
        .group_by([col("customer_id")])
        .agg([col("amount").sum().alias("credit_sales")])
}

/// Per customer, the sums of [`open_items`]: the open amount in each of `buckets`,
/// open_total, open_invoices (open amount not 0) and max_days_past_due (of the items
/// with an open amount above 0). Conditions are worked out on each item before the
/// grouping and the grouping only sums and takes maxima, so that the streaming engine
/// holds a row per customer, not the items (a filter inside the aggregation holds them).
pub fn open_sums(items: LazyFrame, buckets: &Buckets) -> LazyFrame {
    let only = |keep: Expr, value: &str| when(keep).then(col(value)).otherwise(lit(NULL));
    // By the days past due, not the label text: the labels are then not made at all.
    let mut aggs: Vec<Expr> = buckets.tests(col("days_past_due")).into_iter().map(|(label, test)| only(test, "open").sum().alias(label)).collect();
    aggs.extend([
        col("open").sum().alias("open_total"),
        col("open").neq(lit(0)).cast(DataType::UInt32).sum().alias("open_invoices"),
        only(col("open").gt(lit(0)), "days_past_due").max().alias("max_days_past_due"),
    ]);
    items.group_by([col("customer_id")]).agg(aggs)
}

/// Settings of the aging report.
#[derive(Debug, Clone)]
pub struct AgingParams {
    pub buckets: Buckets,
    /// Days in the DSO period (inclusive).
    pub period_days: i64,
    pub total_assets: Option<rust_decimal::Decimal>,
    /// The company warning line as a share of total assets (0.20).
    pub warning_share: rust_decimal::Decimal,
    /// The money type of the inputs, for typed nulls.
    pub money: DataType,
}

/// One row per customer and a company total line (`customer_id` = "Total"):
/// buckets, open_total, open_invoices, max_days_past_due, credit_limit, over_limit,
/// excess, credit_sales, dso, assets_share, over_warning_line.
///
/// `sums` comes from [`open_sums`]; `sales` from [`credit_sales`]; `limits` has
/// customer_id and credit_limit (one row per customer, may be empty).
pub fn aging(sums: LazyFrame, sales: LazyFrame, limits: LazyFrame, p: &AgingParams) -> LazyFrame {
    let labels = p.buckets.labels();
    let zero = || lit(0).cast(p.money.clone());
    let dso = |open: Expr, sales: Expr| {
        when(sales.clone().gt(lit(0)))
            .then(open.cast(DataType::Float64) / sales.cast(DataType::Float64) * lit(p.period_days as f64))
            .otherwise(lit(NULL).cast(DataType::Float64))
    };
    let fill: Vec<Expr> = labels.iter().map(|l| col(l.as_str()).fill_null(zero())).collect();
    let customers = sums
        .with_columns(fill)
        .join(limits, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .join(sales, [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .with_columns([
            col("credit_limit").cast(p.money.clone()),
            col("credit_sales").fill_null(zero()),
            col("open_total").gt(col("credit_limit")).alias("over_limit"),
        ])
        .with_columns([
            when(col("over_limit"))
                .then(col("open_total") - col("credit_limit"))
                .when(col("credit_limit").is_not_null())
                .then(zero())
                .otherwise(lit(NULL).cast(p.money.clone()))
                .alias("excess"),
            dso(col("open_total"), col("credit_sales")).alias("dso"),
            lit(NULL).cast(DataType::Float64).alias("assets_share"),
            lit(NULL).cast(DataType::Boolean).alias("over_warning_line"),
        ])
        .sort_by_exprs(
            [col("open_total"), col("customer_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        );
    let (share, over) = match p.total_assets {
        Some(assets) => {
            let assets_lit = lit(assets.to_string()).cast(DataType::Decimal(38, assets.scale() as usize));
            let open = col("open_total").sum();
            let share = open.clone().cast(DataType::Float64) / assets_lit.clone().cast(DataType::Float64);
            // open > w × assets, exactly: open × 10^s > m × assets for w = m / 10^s.
            let w = p.warning_share;
            let over = (open * lit(10i64.pow(w.scale()))).gt(assets_lit * lit(w.mantissa() as i64));
            (share, over)
        }
        None => (lit(NULL).cast(DataType::Float64), lit(NULL).cast(DataType::Boolean)),
    };
    let mut total: Vec<Expr> = vec![lit(TOTAL).alias("customer_id")];
    total.extend(labels.iter().map(|l| col(l.as_str()).sum()));
    total.extend([
        col("open_total").sum(),
        col("open_invoices").sum().cast(DataType::UInt32),
        col("max_days_past_due").max(),
        lit(NULL).cast(p.money.clone()).alias("credit_limit"),
        lit(NULL).cast(DataType::Boolean).alias("over_limit"),
        col("excess").sum(),
        col("credit_sales").sum(),
        dso(col("open_total").sum(), col("credit_sales").sum()).alias("dso"),
        share.alias("assets_share"),
        over.alias("over_warning_line"),
    ]);
    let mut order: Vec<Expr> = vec![col("customer_id")];
    order.extend(labels.iter().map(|l| col(l.as_str())));
    for c in [
        "open_total", "open_invoices", "max_days_past_due", "credit_limit", "over_limit", "excess",
        "credit_sales", "dso", "assets_share", "over_warning_line",
    ] {
        order.push(col(c));
    }
    let customers = customers.select(order.clone());
    let total = customers.clone().select(total).select(order);
    concat([customers, total], UnionArgs::default()).expect("same schema")
}

/// Limits from a customers table: one row per customer, the first non-empty limit.
pub fn limits(customers: LazyFrame) -> LazyFrame {
    customers
        .group_by_stable([col("customer_id")])
        .agg([col("credit_limit").drop_nulls().first().alias("credit_limit")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn bucket_labels_and_parsing() {
        assert_eq!(Buckets::default().labels(), ["current", "d1_30", "d31_60", "d61_90", "over_90"]);
        assert_eq!(Buckets::from_str("15, 45").unwrap().labels(), ["current", "d1_15", "d16_45", "over_45"]);
        assert_eq!(Buckets::from_str("7").unwrap().oldest(), "over_7");
        for bad in ["60,30", "0,30", "30,30", "x", ""] {
            assert!(Buckets::from_str(bad).is_err(), "{bad}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Five invoices of one customer; as of 2024-06-30 the four dated by then are open
    /// 10 (due that day), 6 (1 day past due), 10 (121 days) and 2.50 (30 days).
    fn invoices() -> LazyFrame {
        let money = DataType::Decimal(38, 2);
        df!(
            "customer_id" => ["a", "a", "a", "a", "a"],
            "invoice_id" => ["1", "2", "3", "4", "5"],
            "invoice_date" => [d("2024-01-01"), d("2024-01-01"), d("2024-01-01"), d("2024-07-01"), d("2024-01-01")],
            "due_date" => [d("2024-06-30"), d("2024-06-29"), d("2024-03-01"), d("2024-07-31"), d("2024-05-31")],
            "amount" => ["10.00", "10.00", "10.00", "10.00", "10.00"],
            "paid_amount" => [None, Some("4.00"), Some("10.00"), None, None],
            "open_amount" => [None, None, None, None, Some("2.50")],
            "paid_date" => [None, Some(d("2024-06-01")), Some(d("2024-07-01")), None, None]
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("amount").cast(money.clone()),
            col("paid_amount").cast(money.clone()),
            col("open_amount").cast(money),
        ])
    }

    #[test]
    fn open_amounts_and_buckets() {
        let out = open_items(invoices(), d("2024-06-30"), &Buckets::default()).collect().unwrap();
        let text = |c: &str| -> Vec<String> {
            out.column(c).unwrap().as_materialized_series().iter().map(|v| v.to_string().trim_matches('"').to_string()).collect()
        };
        // 1: due today -> current, open 10; 2: paid 4 -> 6, 1 day; 3: paid after as-of -> 10, 121 days;
        // 4: invoiced after as-of -> gone; 5: open_amount 2.50, no date -> 2.50, 30 days.
        assert_eq!(text("invoice_id"), ["1", "2", "3", "5"]);
        assert_eq!(text("open"), ["10.00", "6.00", "10.00", "2.50"]);
        assert_eq!(text("days_past_due"), ["0", "1", "121", "30"]);
        assert_eq!(text("bucket"), ["current", "d1_30", "over_90", "d1_30"]);
    }

    #[test]
    fn open_sums_per_bucket_by_days_past_due() {
        let items = open_items(invoices(), d("2024-06-30"), &Buckets::default());
        let out = open_sums(items, &Buckets::default()).collect().unwrap();
        let text = |c: &str| out.column(c).unwrap().get(0).unwrap().to_string();
        // current: 10 (0 days); 1-30: 6 + 2.50 (1 and 30 days); 31-60 and 61-90: none
        // (a sum of nothing, 0); over 90: 10 (121 days).
        assert_eq!(text("current"), "10.00");
        assert_eq!(text("d1_30"), "8.50");
        assert_eq!(text("d31_60"), "0.00");
        assert_eq!(text("d61_90"), "0.00");
        assert_eq!(text("over_90"), "10.00");
        assert_eq!(text("open_total"), "28.50");
        assert_eq!(text("open_invoices"), "4");
        assert_eq!(text("max_days_past_due"), "121");
    }
}
