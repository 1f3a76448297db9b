//! The customer profile of `kam profile`: one customer's figures from the shared
//! pipelines (ABC, RFM, CLV, aging, churn and alerts), each computed over all customers
//! and then cut to the one row. Rendering is in report::profile.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::{aging, alerts, churn, clv, load, orders, rfm, with_missing};
use crate::cli::ChurnOptions;
use crate::error::bad_input;
use crate::input::{roles, Request};
use crate::metrics::abc::{self, Thresholds};
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::receivables::{default_warning_share, Buckets};
use crate::metrics::rfm::{Lang, RfmParams};
use crate::settings::Settings;
use crate::tables::TableKind;

/// Months of sales on the page, ending with the month of as-of.
pub const MONTHS: i32 = 24;
/// Calendar quarters of class history, ending with the quarter of as-of.
pub const QUARTERS: i32 = 8;
/// Products listed.
pub const TOP_PRODUCTS: u32 = 5;

/// What the page is made of.
pub struct ProfileInputs<'a> {
    pub customer: &'a str,
    pub orders: &'a [String],
    pub receivables: &'a [String],
    pub customers: Option<&'a str>,
    pub as_of: Option<NaiveDate>,
}

/// One customer's figures. Frames hold one row unless said otherwise.
pub struct Profile {
    pub customer_id: String,
    pub as_of: NaiveDate,
    /// The customers file's name, else the orders' customer_name.
    pub name: Option<String>,
    pub name_source: &'static str,
    /// From the customers file.
    pub segment: Option<String>,
    /// first_order, last_order, order_days, lifetime_sales (all history to as-of).
    pub history: DataFrame,
    /// month (YYYY-MM), sales: one row per month of the last [`MONTHS`].
    pub months: DataFrame,
    /// quarter, sales, rank, customers, class: one row per quarter of the last [`QUARTERS`].
    pub quarters: DataFrame,
    /// product_id, [product_name], sales, share, gross_margin of the months shown; or why not.
    pub products: Result<DataFrame, String>,
    /// sales_with_cost, gross_profit, gross_margin, lines_without_cost of the months shown.
    pub margin: DataFrame,
    /// The customer's row of the RFM table (5 bins, all history).
    pub rfm: DataFrame,
    /// The customer's row of the default CLV table, or why there is none.
    pub clv: Result<DataFrame, String>,
    /// With receivables: the customer's aging row (buckets, open_total, …), empty when it has none.
    pub aging: Option<DataFrame>,
    /// The aging bucket columns, current first.
    pub buckets: Vec<String>,
    /// The customer's alerts (kind, severity, figure, threshold, reason).
    pub alerts: DataFrame,
    pub notes: Vec<String>,
}

/// The 0-based month number of a date (year × 12 + month − 1).
fn month_number(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_start(number: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(number.div_euclid(12), number.rem_euclid(12) as u32 + 1, 1).expect("a valid month")
}

fn month_number_of(date: Expr) -> Expr {
    date.clone().dt().year().cast(DataType::Int32) * lit(12) + date.dt().month().cast(DataType::Int32) - lit(1)
}

fn is_customer(id: &str) -> Expr {
    col("customer_id").eq(lit(id.to_string()))
}

/// The text of the first non-empty value of `column` in `frame`.
fn first_text(frame: &DataFrame, column: &str) -> anyhow::Result<Option<String>> {
    let Ok(c) = frame.column(column) else { return Ok(None) };
    let c = c.cast(&DataType::String)?;
    let first = c.str()?.iter().flatten().find(|v| !v.trim().is_empty()).map(str::to_string);
    Ok(first)
}

/// The customer ids of `lines` on or before `as_of`, or a usage error naming the nearest.
fn check_known(lines: &DataFrame, customer: &str, as_of: NaiveDate) -> anyhow::Result<()> {
    let ids = lines
        .clone()
        .lazy()
        .filter(col("order_date").lt_eq(lit(as_of)))
        .select([col("customer_id").unique()])
        .collect()?;
    let ids: Vec<String> = ids.column("customer_id")?.str()?.iter().flatten().map(str::to_string).collect();
    if ids.iter().any(|i| i == customer) {
        return Ok(());
    }
    let nearest = ids.iter().map(|i| (roles::edit_distance(customer, i), i)).min().filter(|(d, _)| *d <= 2.max(customer.len() / 3));
    let hint = match nearest {
        Some((_, id)) => format!("Did you mean '{id}'?"),
        None => format!("The orders have {} customers (kam rfm FILE lists them).", ids.len()),
    };
    Err(bad_input(format!("--customer {customer}: no order lines of this customer on or before {as_of}. {hint}")))
}

/// first_order, last_order, order_days and lifetime_sales of the customer's lines.
fn history(mine: LazyFrame) -> LazyFrame {
    mine.select([
        col("order_date").min().alias("first_order"),
        col("order_date").max().alias("last_order"),
        col("order_date").n_unique().cast(DataType::UInt32).alias("order_days"),
        col("amount").sum().alias("lifetime_sales"),
    ])
}

/// Sales per month of the last [`MONTHS`] months, 0 in months without orders.
fn monthly(mine: LazyFrame, as_of: NaiveDate, money: DataType) -> anyhow::Result<LazyFrame> {
    let last = month_number(as_of);
    let numbers: Vec<i32> = (last - MONTHS + 1..=last).collect();
    let labels: Vec<String> = numbers.iter().map(|n| month_start(*n).format("%Y-%m").to_string()).collect();
    let months = df!("number" => numbers, "month" => labels)?.lazy();
    let sales = mine
        .group_by([month_number_of(col("order_date")).alias("number")])
        .agg([col("amount").sum().alias("sales")]);
    Ok(months
        .join(sales, [col("number")], [col("number")], JoinArgs::new(JoinType::Left))
        .sort(["number"], SortMultipleOptions::default())
        .select([col("month"), col("sales").fill_null(lit(0).cast(money))]))
}

/// The customer's ABC class (kam abc's rules, all customers) in each of the last
/// [`QUARTERS`] calendar quarters; the quarter of as-of runs to as-of. A quarter without
/// the customer's sales has sales 0 and no class.
fn quarter_classes(lines: &DataFrame, customer: &str, as_of: NaiveDate, t: &Thresholds, money: DataType) -> anyhow::Result<LazyFrame> {
    let last = month_number(as_of) / 3;
    let mut parts = vec![];
    let mut labels = vec![];
    for q in last - QUARTERS + 1..=last {
        let from = month_start(q * 3);
        let to = (month_start(q * 3 + 3) - chrono::Duration::days(1)).min(as_of);
        let label = format!("{}-Q{}", from.year(), q.rem_euclid(4) + 1);
        let in_quarter = lines.clone().lazy().filter(col("order_date").gt_eq(lit(from)).and(col("order_date").lt_eq(lit(to))));
        parts.push(
            abc::items(in_quarter, "customer_id", None, t)
                .with_column(len().cast(DataType::UInt32).alias("customers"))
                .filter(is_customer(customer))
                .select([lit(label.clone()).alias("quarter"), col("sales"), col("rank").cast(DataType::UInt32), col("customers"), col("class")]),
        );
        labels.push(label);
    }
    let order: Vec<u32> = (0..labels.len() as u32).collect();
    let quarters = df!("quarter" => labels, "order" => order)?.lazy();
    Ok(quarters
        .join(concat(parts, UnionArgs::default())?, [col("quarter")], [col("quarter")], JoinArgs::new(JoinType::Left))
        .sort(["order"], SortMultipleOptions::default())
        .select([col("quarter"), col("sales").fill_null(lit(0).cast(money)), col("rank"), col("customers"), col("class")]))
}

/// The top products of the customer's `window` lines: sales, share of the customer's
/// sales, gross margin (empty when a line has no cost or sales are 0).
fn top_products(window: LazyFrame, has_name: bool) -> LazyFrame {
    let f = |e: Expr| e.cast(DataType::Float64);
    let mut aggs = vec![
        col("amount").sum().alias("sales"),
        // A partial cost would overstate the margin (as in kam products).
        when(col("cost").null_count().gt(lit(0))).then(lit(NULL).cast(DataType::Float64)).otherwise(f(col("cost").sum())).alias("cost"),
    ];
    let mut columns = vec![col("product_id")];
    if has_name {
        aggs.push(col("product_name").drop_nulls().first().alias("product_name"));
        columns.push(col("product_name"));
    }
    columns.extend([col("sales"), col("share"), col("gross_margin")]);
    let total = col("sales").sum();
    window
        .group_by([col("product_id")])
        .agg(aggs)
        .with_columns([
            when(total.clone().gt(lit(0))).then(f(col("sales")) / f(total)).otherwise(lit(NULL)).alias("share"),
            when(col("sales").neq(lit(0)).and(col("cost").is_not_null()))
                .then((f(col("sales")) - col("cost")) / f(col("sales")))
                .otherwise(lit(NULL))
                .alias("gross_margin"),
        ])
        .sort_by_exprs([col("sales"), col("product_id")], SortMultipleOptions::default().with_order_descending_multi([true, false]))
        .limit(TOP_PRODUCTS)
        .select(columns)
}

/// Gross profit over the `window` lines that have a cost, and how many have none.
fn margin(window: LazyFrame) -> LazyFrame {
    let with_cost = col("cost").is_not_null();
    window
        .select([
            col("amount").filter(with_cost.clone()).sum().alias("sales_with_cost"),
            (col("amount") - col("cost")).filter(with_cost).sum().alias("gross_profit"),
            col("cost").is_null().sum().cast(DataType::UInt32).alias("lines_without_cost"),
        ])
        .with_column(
            when(col("sales_with_cost").gt(lit(0)))
                .then(col("gross_profit").cast(DataType::Float64) / col("sales_with_cost").cast(DataType::Float64))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("gross_margin"),
        )
}

/// Name and segment from the customers file: (name, segment, found).
fn identity_of(s: &Settings, file: &str, customer: &str) -> anyhow::Result<(Option<String>, Option<String>, bool)> {
    let request = Request::customers().require(&["customer_id"]).optional(&["name", "segment"]);
    let frame = load(s, TableKind::Customers, &[file.to_string()], &request)?;
    let row = frame.lazy().filter(is_customer(customer)).collect()?;
    Ok((first_text(&row, "name")?, first_text(&row, "segment")?, row.height() > 0))
}

/// Everything the page shows.
pub fn profile(s: &Settings, i: &ProfileInputs, thresholds: &Thresholds) -> anyhow::Result<Profile> {
    let optional = ["order_id", "cost", "customer_name", "product_id", "product_name"];
    let lines = orders::lines(s, i.orders, &optional)?;
    let money = s.money_type(TableKind::Orders);
    let lines = with_missing(lines, &[("cost", money.clone())]).collect()?;
    let as_of = orders::as_of(s, i.as_of, &lines)?;
    check_known(&lines, i.customer, as_of)?;
    let id = i.customer;
    let mut notes = vec![];
    let mine = lines.clone().lazy().filter(is_customer(id).and(col("order_date").lt_eq(lit(as_of))));
    let window = mine.clone().filter(col("order_date").gt_eq(lit(month_start(month_number(as_of) - MONTHS + 1))));

    let (mut name, mut name_source, mut segment) = (None, "orders", None);
    if let Some(file) = i.customers {
        let (file_name, file_segment, found) = identity_of(s, file, id)?;
        if !found {
            notes.push(format!("{id} is not in the customers file {file}."));
        }
        (name, segment) = (file_name, file_segment);
        name_source = "customers file";
    }
    if name.is_none() && lines.get_column_index("customer_name").is_some() {
        name = first_text(&mine.clone().select([col("customer_name")]).collect()?, "customer_name")?;
        name_source = "orders";
    }

    let products = if lines.get_column_index("product_id").is_none() {
        Err("the orders have no product_id column".to_string())
    } else {
        Ok(top_products(window.clone(), lines.get_column_index("product_name").is_some()).collect()?)
    };
    let rfm_params = RfmParams { as_of, window_days: None, bins: 5, lang: Lang::En };
    let rfm = rfm::table(&lines, &rfm_params)?.lazy().filter(is_customer(id)).collect()?;
    let by_customer = ByCustomer::of_orders(lines.clone())?;
    let clv = clv::default_table(&lines, &by_customer, as_of).and_then(|t| t.lazy().filter(is_customer(id)).collect().map_err(|e| e.to_string()));

    let buckets = Buckets::default();
    let aging = if i.receivables.is_empty() {
        notes.push("No --receivables: open receivables, credit limit and aging alerts are not shown.".into());
        None
    } else {
        let (table, _) = aging::table(s, &aging::Aging::standard(i.receivables, i.customers, as_of, None))?;
        Some(table)
    };
    let rules = churn::rules(&ChurnOptions::defaults(), s, as_of);
    let churn = churn::table(&by_customer, None, &rules, None)?;
    let alerts = alerts::table(&churn, &rules, aging.as_ref(), &buckets, default_warning_share(), None)?
        .lazy()
        .filter(is_customer(id))
        .select([col("severity"), col("kind"), col("figure"), col("threshold"), col("reason")])
        .collect()?;
    let aging = aging.map(|t| t.lazy().filter(is_customer(id)).collect()).transpose()?;

    Ok(Profile {
        customer_id: id.to_string(),
        as_of,
        name,
        name_source,
        segment,
        history: history(mine.clone()).collect()?,
        months: monthly(window.clone(), as_of, money.clone())?.collect()?,
        quarters: quarter_classes(&lines, id, as_of, thresholds, money)?.collect()?,
        products,
        margin: margin(window).collect()?,
        rfm,
        clv,
        aging,
        buckets: buckets.labels(),
        alerts,
        notes,
    })
}
