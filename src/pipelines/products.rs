//! The product table of `kam products` and the report: margin, inventory turnover,
//! cross ratio and contribution ratio per product or per customer × product, from the
//! order lines streamed into sums per key (metrics::products).

use chrono::NaiveDate;
use polars::prelude::*;

use super::first_date;
use crate::error::bad_input;
use crate::input::{self, Request};
use crate::metrics::abc::Thresholds;
use crate::metrics::products::{self, Average, Basis, Interval, Settings as ProductSettings};
use crate::metrics::xyz::{self, CvLimits, XyzSettings};
use crate::period::Period;
use crate::settings::Settings;
use crate::tables::TableKind;

fn has(frame: &DataFrame, column: &str) -> bool {
    frame.get_column_index(column).is_some()
}

/// The period: --from/--to (or --as-of), each missing end taken from the order dates in range.
fn resolve_period(orders: LazyFrame, period: &Period) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    if let (Some(from), Some(to)) = (period.from, period.to) {
        return Ok((from, to));
    }
    resolve_from_range(&date_range(orders, period).collect()?, period)
}

/// One row: the first and last order date in the period the user gave.
fn date_range(orders: LazyFrame, period: &Period) -> LazyFrame {
    period
        .filter(orders, "order_date")
        .select([col("order_date").min().alias("first"), col("order_date").max().alias("last")])
}

/// The period's ends: the user's, else the first and last order date of `range`.
fn resolve_from_range(range: &DataFrame, period: &Period) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    match (period.from.or(first_date(range, "first")?), period.to.or(first_date(range, "last")?)) {
        (Some(f), Some(t)) => Ok((f, t)),
        _ => Err(bad_input(format!("no order lines in the period {}", period.describe()))),
    }
}

/// Add a role column of nulls when the file does not have it, so the pipeline sees one schema.
fn with_column_or_null(frame: LazyFrame, present: bool, name: &str, dtype: DataType) -> LazyFrame {
    if present {
        frame
    } else {
        frame.with_column(lit(NULL).cast(dtype).alias(name))
    }
}

fn note(quiet: bool, text: String) {
    if !quiet {
        eprintln!("kam: note: {text}");
    }
}

/// What the product table is made of, besides the settings.
pub struct Spec<'a> {
    pub orders: &'a [String],
    pub inventory: &'a [String],
    pub period: Period,
    /// The turnover basis; None: cost when the inventory has value, else quantity.
    pub basis: Option<Basis>,
    pub average: Average,
    /// One row per customer and product instead of per product.
    pub by_customer: bool,
    /// The column sorted by (default contribution_ratio).
    pub sort: Option<&'a str>,
    pub thresholds: Thresholds,
    /// Notes on stderr (the report keeps its own).
    pub notes: bool,
}

/// The order lines of `kam products --per customer` and the period they cover.
pub fn customer_lines(s: &Settings, files: &[String], period: &Period, thresholds: Thresholds) -> anyhow::Result<(DataFrame, ProductSettings)> {
    let request = Request::orders().require(&["order_date", "amount", "customer_id"]).optional(&["customer_name"]);
    let orders = input::load(&s.input(TableKind::Orders, files), &request)?;
    let mut settings = product_settings(s, Basis::Cost, Average::Ends, false, thresholds);
    (settings.from, settings.to) = resolve_period(orders.clone().lazy(), period)?;
    Ok((orders, settings))
}

fn product_settings(s: &Settings, basis: Basis, average: Average, by_customer: bool, thresholds: Thresholds) -> ProductSettings {
    ProductSettings {
        from: NaiveDate::MIN,
        to: NaiveDate::MAX,
        basis,
        average,
        keys: if by_customer { vec!["customer_id", "product_id"] } else { vec!["product_id"] },
        thresholds,
        money_scale: s.table(TableKind::Orders).parse.money_scale,
    }
}

/// What the product table is computed with before the orders are read: the request,
/// the settings and the inventory (with the notes about them said).
struct Prepared {
    request: Request,
    settings: ProductSettings,
    inventory: Option<DataFrame>,
    quiet: bool,
}

fn prepare(s: &Settings, spec: &Spec) -> anyhow::Result<Prepared> {
    let quiet = s.quiet || !spec.notes;
    let mut required = vec!["order_date", "amount", "product_id"];
    let mut optional = vec!["quantity", "cost", "product_name"];
    if spec.by_customer {
        required.push("customer_id");
        optional.push("customer_name");
    }
    let request = Request::orders().require(&required).optional(&optional);
    let mut settings = product_settings(s, Basis::Cost, spec.average, spec.by_customer, spec.thresholds);
    let inventory = load_inventory(s, spec.inventory, spec.by_customer)?;
    if let Some(inv) = &inventory {
        settings.basis = match spec.basis {
            Some(basis) => basis,
            None if has(inv, "value") => Basis::Cost,
            None => Basis::Quantity,
        };
    } else {
        note(quiet, "no --inventory given: inventory, turnover, days_of_inventory, cross_ratio and contribution_ratio are empty".into());
    }
    Ok(Prepared { request, settings, inventory, quiet })
}

/// The product table (notes on stderr unless quiet) and the settings it was made with.
pub fn table(s: &Settings, spec: &Spec) -> anyhow::Result<(DataFrame, ProductSettings)> {
    let Prepared { request, mut settings, inventory, quiet } = prepare(s, spec)?;
    let opts = s.input(TableKind::Orders, spec.orders);
    let period = &spec.period;
    // How to finish the table from the per-key sums is learnt while the query is built,
    // and comes back with the query's result (`input::query_grouped_with`).
    let sums = |orders: LazyFrame, settings: &ProductSettings, range: Option<LazyFrame>| plan_table(spec, orders, inventory.as_ref(), settings, range);
    // Inventory levels are taken at the period's ends, so with inventory the ends must be
    // known before the computation: when not given, a first pass over the order dates
    // finds them. The order lines stream from the files into sums per key, and the table
    // is built from those in memory; without inventory, the first and last order dates
    // (reported only) come out of the same query. The sums have a row for every key with
    // any line, in the period or not, with its names: text is checked on them
    // (`input::query_grouped`).
    let with_inventory = inventory.is_some();
    let (result, has_cost) = match (period.from, period.to, &inventory) {
        (Some(from), Some(to), _) => {
            (settings.from, settings.to) = (from, to);
            let (per_key, plan) = input::query_grouped_with(&opts, &request, |orders| sums(orders, &settings, None))?;
            (plan.finish(per_key, &settings)?, plan.has_cost)
        }
        (from, to, None) => {
            (settings.from, settings.to) = (from.unwrap_or(NaiveDate::MIN), to.unwrap_or(NaiveDate::MAX));
            let (per_key, plan) = input::query_grouped_with(&opts, &request, |orders| {
                let range = products::sold_range(orders.clone(), &settings);
                sums(orders, &settings, Some(range))
            })?;
            let first = from.or(first_date(&per_key, "first_order")?);
            let last = to.or(first_date(&per_key, "last_order")?);
            let result = plan.finish(per_key.drop_many(["first_order", "last_order"]), &settings)?;
            (settings.from, settings.to) = (first.unwrap_or(settings.from), last.unwrap_or(settings.to));
            (result, plan.has_cost)
        }
        (_, _, Some(_)) => {
            // A first streamed pass over the order dates alone finds the period's ends.
            let dates = Request::orders().require(&["order_date"]);
            let range = input::query(&opts, &dates, |orders| Ok(date_range(orders, period)))?;
            (settings.from, settings.to) = resolve_from_range(&range, period)?;
            let (per_key, plan) = input::query_grouped_with(&opts, &request, |orders| sums(orders, &settings, None))?;
            (plan.finish(per_key, &settings)?, plan.has_cost)
        }
    };
    checked(&result, has_cost, &settings, with_inventory, period, quiet)?;
    Ok((result, settings))
}

/// The product table of a period with both ends given, from a pass over the orders that
/// computes other results too (the report): `read` gets the roles the table needs and a
/// function that adds the table's per-key sums to a query over the order lines, and
/// returns their result beside its own. The table is the second result, so that the
/// caller can say what is wrong with its own first (an empty month is first an empty ABC).
#[allow(clippy::type_complexity)]
pub fn table_of_a_pass<R>(
    s: &Settings,
    spec: &Spec,
    read: impl FnOnce(&Request, &dyn Fn(LazyFrame) -> anyhow::Result<(LazyFrame, TablePlan)>) -> anyhow::Result<(R, DataFrame, TablePlan)>,
) -> anyhow::Result<(R, anyhow::Result<DataFrame>)> {
    let Prepared { request, mut settings, inventory, quiet } = prepare(s, spec)?;
    let (Some(from), Some(to)) = (spec.period.from, spec.period.to) else {
        return Err(bad_input("the product table of a shared pass needs a period with both ends"));
    };
    (settings.from, settings.to) = (from, to);
    let sums = |orders: LazyFrame| plan_table(spec, orders, inventory.as_ref(), &settings, None);
    let (other, per_key, plan) = read(&request, &sums)?;
    let table = plan.finish(per_key, &settings).and_then(|t| checked(&t, plan.has_cost, &settings, inventory.is_some(), &spec.period, quiet).map(|()| t));
    Ok((other, table))
}

/// The notes on the product table, or an error when it is empty.
fn checked(result: &DataFrame, has_cost: bool, settings: &ProductSettings, with_inventory: bool, period: &Period, quiet: bool) -> anyhow::Result<()> {
    if !has_cost {
        note(quiet, "the orders have no cost column: cost, gross_profit, gross_margin_rate and the ratios built on them are empty (map one with --col cost=HEADER)".into());
    }
    if result.height() == 0 {
        let (from, to) = (settings.from, settings.to);
        return Err(bad_input(format!("no order lines and no stock in the period {}", period_words(from, to, period))));
    }
    if !quiet {
        print_notes(result, settings, with_inventory)?;
    }
    Ok(())
}

/// The period in a message: its ends, or the words the user gave when the data has none.
fn period_words(from: NaiveDate, to: NaiveDate, period: &Period) -> String {
    if from == NaiveDate::MIN || to == NaiveDate::MAX {
        period.describe()
    } else {
        format!("{from} to {to}")
    }
}

/// What turns the per-key sums of the order lines into the product table (`plan_table`).
pub struct TablePlan {
    stock: LazyFrame,
    names: Vec<(&'static str, &'static str)>,
    sort_column: String,
    descending: bool,
    /// Whether the orders have a cost column.
    has_cost: bool,
}

impl TablePlan {
    /// The product table, sorted, from `sums` (computed by the plan's query). It has a
    /// few rows per product, so it is built in memory: in the streaming engine each of
    /// its sixteen group-bys held hash tables while the order lines streamed
    /// (Parquet `kam products`: 47 MB of them).
    fn finish(&self, sums: DataFrame, settings: &ProductSettings) -> anyhow::Result<DataFrame> {
        let table = products::table_of_sums(sums.lazy(), self.stock.clone(), &self.names, settings);
        let sorted = products::sort(table, &self.sort_column, self.descending, &settings.keys);
        Ok(sorted.collect_with_engine(Engine::InMemory)?.unwrap_single())
    }
}

/// The query over `orders` that sums the order lines per key (with the columns of the
/// one-row `range` beside every row, when given), and the plan that makes the product
/// table of its result. Wrong options are reported here, before anything is read.
fn plan_table(
    spec: &Spec,
    orders: LazyFrame,
    inventory: Option<&DataFrame>,
    settings: &ProductSettings,
    range: Option<LazyFrame>,
) -> anyhow::Result<(LazyFrame, TablePlan)> {
    let schema = orders.clone().collect_schema()?;
    let has_quantity = schema.contains("quantity");
    let has_cost = schema.contains("cost");
    let mut names: Vec<(&str, &str)> = Vec::new();
    if settings.keys.len() == 2 && schema.contains("customer_name") {
        names.push(("customer_name", "customer_id"));
    }
    if schema.contains("product_name") {
        names.push(("product_name", "product_id"));
    }
    let lines = with_column_or_null(orders, has_quantity, "quantity", DataType::Float64);
    let lines = with_column_or_null(lines, has_cost, "cost", settings.money());
    let stock = match inventory {
        None => products::no_inventory(settings),
        Some(inv) => {
            let inv_quantity = has(inv, "quantity");
            let inv_value = has(inv, "value");
            let files = spec.inventory.join(", ");
            let need = |ok: bool, what: &str| if ok { Ok(()) } else { Err(bad_input(what.to_string())) };
            match settings.basis {
                Basis::Quantity => {
                    need(inv_quantity, &format!("turnover on the quantity basis needs a quantity column in the inventory ({files}); use --basis cost or sales, or map one with --col inventory:quantity=HEADER"))?;
                    need(has_quantity, "turnover on the quantity basis needs a quantity column in the orders; map one with --col quantity=HEADER, or use --basis cost or sales")?;
                }
                Basis::Cost => {
                    need(inv_value, &format!("turnover on the cost basis needs a value column (at cost) in the inventory ({files}); use --basis quantity, or map one with --col inventory:value=HEADER"))?;
                    need(has_cost, "turnover on the cost basis needs a cost column in the orders; map one with --col cost=HEADER, or use --basis sales or --basis quantity")?;
                }
                Basis::Sales => need(inv_value, &format!("turnover on the sales basis needs a value column in the inventory ({files}); use --basis quantity, or map one with --col inventory:value=HEADER"))?,
            }
            let stock = with_column_or_null(inv.clone().lazy(), inv_quantity, "quantity", DataType::Float64);
            with_column_or_null(stock, inv_value, "value", settings.money())
        }
    };
    let sums = products::sums_per_key(lines, &names, settings);
    let schema = products::table_of_sums(sums.clone(), stock.clone(), &names, settings).collect_schema()?;
    let sort_column = spec.sort.unwrap_or("contribution_ratio").to_string();
    let Some(dtype) = schema.get(sort_column.as_str()) else {
        let columns: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
        return Err(bad_input(format!("--sort: no column '{sort_column}'; the columns are: {}", columns.join(", "))));
    };
    let descending = dtype.is_primitive_numeric() || dtype.is_decimal();
    let sums = match range {
        Some(range) => sums.cross_join(range, None),
        None => sums,
    };
    Ok((sums, TablePlan { stock, names, sort_column, descending, has_cost }))
}

/// Read the inventory files with the inventory table's settings.
fn load_inventory(s: &Settings, files: &[String], by_customer: bool) -> anyhow::Result<Option<DataFrame>> {
    if files.is_empty() {
        if by_customer {
            return Err(bad_input("--by customer,product needs --inventory with a customer_id column (stock held by customers)"));
        }
        return Ok(None);
    }
    let request = Request::inventory().require(&["snapshot_date", "product_id"]).optional(&["quantity", "value", "customer_id"]);
    let inv = input::load(&s.input(TableKind::Inventory, files), &request)?;
    let files = files.join(", ");    if !has(&inv, "quantity") && !has(&inv, "value") {
        return Err(bad_input(format!(
            "{files}: the inventory has neither a quantity nor a value column; map one with --col inventory:quantity=HEADER or --col inventory:value=HEADER"
        )));
    }
    if !by_customer {
        return Ok(Some(inv));
    }
    if !has(&inv, "customer_id") {
        return Err(bad_input(format!(
            "{files}: --by customer,product needs a customer_id column in the inventory (stock held by customers); map one with --col inventory:customer_id=HEADER"
        )));
    }
    let own = inv.column("customer_id")?.null_count();
    if own > 0 && !s.quiet {
        eprintln!("kam: note: --by customer,product: {own} inventory rows without customer_id (own stock) are left out");
    }
    Ok(Some(inv.lazy().filter(col("customer_id").is_not_null()).collect()?))
}

fn print_notes(result: &DataFrame, s: &ProductSettings, with_inventory: bool) -> anyhow::Result<()> {
    let what = if s.keys.len() == 2 { "customer-product pairs" } else { "products" };
    let mut head = format!("{} {what}, period {} to {} ({} days)", result.height(), s.from, s.to, s.days());
    if with_inventory {
        let basis = match s.basis {
            Basis::Quantity => "quantity sold / average units",
            Basis::Cost => "cost of goods sold / average inventory value at cost",
            Basis::Sales => "sales / average inventory value",
        };
        let avg = match s.average {
            Average::Ends => "(opening + closing) / 2",
            Average::All => "mean of the snapshots in the period",
        };
        head.push_str(&format!("; turnover on the {} basis ({basis}); average inventory = {avg}", s.basis.name()));
    }
    eprintln!("kam: {head}");
    let counts = products::undefined_counts(result.clone().lazy(), s).collect()?;
    let get = |c: &str| -> anyhow::Result<u32> { Ok(counts.column(c)?.u32()?.get(0).unwrap_or(0)) };
    let mut notes = vec![
        (get("no_sales")?, "with no net sales in the period: gross_margin_rate, cross_ratio and contribution_ratio are empty".to_string()),
        (get("cost_unknown")?, "with order lines lacking cost: cost, gross_profit and gross_margin_rate are empty".to_string()),
    ];
    if with_inventory {
        let unit = if s.basis == Basis::Quantity { "units" } else { "value" };
        notes.extend([
            (get("no_inventory")?, format!("with no inventory to average ({unit}): turnover and days_of_inventory are empty")),
            (get("zero_inventory")?, format!("with an average inventory of zero ({unit}): turnover and days_of_inventory are empty")),
            (get("zero_turnover")?, "with stock but no sales (turnover 0): days_of_inventory is empty".to_string()),
            (get("negative_turnover")?, "with a negative turnover (returns exceed sales): days_of_inventory is empty".to_string()),
            (get("opening_in_period")?, format!("without a snapshot on or before {}: opening inventory is their first snapshot in the period", s.from)),
        ]);
    }
    for (n, text) in notes {
        if n > 0 {
            let noun = match (s.keys.len(), n) {
                (2, 1) => "customer-product pair",
                (2, _) => "customer-product pairs",
                (_, 1) => "product",
                _ => "products",
            };
            eprintln!("kam: note: {n} {noun} {text}");
        }
    }
    Ok(())
}


/// The product table with ABC-XYZ columns (metrics::xyz), from a second pass over the
/// order lines: demand per key and interval of the table's period.
pub fn with_xyz(s: &Settings, files: &[String], table: DataFrame, p: &ProductSettings, interval: Interval, limits: CvLimits) -> anyhow::Result<DataFrame> {
    let opts = s.input(TableKind::Orders, files);
    let mut required = vec!["order_date", "amount"];
    required.extend(p.keys.iter().copied());
    let request = Request::orders().require(&required).optional(&["quantity"]);
    let rules = XyzSettings { from: p.from, to: p.to, interval, x: limits.x, y: limits.y };
    let keys = p.keys.clone();
    let classes = input::query(&opts, &request, |orders| {
        // Demand is units sold; without a quantity column, sales.
        let demand = if orders.clone().collect_schema()?.contains("quantity") { col("quantity") } else { col("amount") };
        Ok(xyz::classes(orders, &keys, demand, &rules))
    })?;
    if !s.quiet && table.column("quantity").is_ok_and(|q| q.null_count() == q.len()) {
        eprintln!("kam: note: the orders have no quantity column: the demand of --xyz is net sales");
    }
    let columns: Vec<String> = table.get_column_names().iter().map(|c| c.to_string()).collect();
    Ok(xyz::with_xyz(table.lazy(), classes.lazy(), &keys, &columns).collect()?)
}
