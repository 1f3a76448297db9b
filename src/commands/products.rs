//! `kam products`: margin, inventory turnover, cross ratio and contribution ratio per
//! product or per customer × product (SPEC §3); with `--per customer`, each customer's
//! sales per month or year, its share of the company and its plan achievement.


use chrono::NaiveDate;
use polars::prelude::*;

use crate::cli::{AverageInventory, InputArgs, PerInterval, ProductsArgs, TurnoverBasis};
use crate::config::Config;
use crate::error::bad_input;
use crate::input::{self, parse, InputOptions, Request};
use crate::metrics::abc::Thresholds;
use crate::metrics::products::{self, Average, Basis, Interval, Settings};
use crate::output;
use crate::period::Period;

use super::shared::first_date;

/// `--by product` or `--by customer,product`: true for the latter.
fn by_customer(by: &str) -> anyhow::Result<bool> {
    let parts: Vec<String> = by.split(',').map(|p| p.trim().trim_end_matches("_id").to_ascii_lowercase()).collect();
    match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["product"] => Ok(false),
        ["customer", "product"] | ["product", "customer"] => Ok(true),
        _ => Err(bad_input(format!("--by takes 'product' or 'customer,product', not '{by}'"))),
    }
}

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

pub fn run(args: ProductsArgs) -> anyhow::Result<()> {
    match table(&args)? {
        Some(mut result) => output::write(&mut result, &args.output),
        None => Ok(()), // --per customer wrote its own output
    }
}

/// The product table of `kam products` (notes on stderr unless quiet); None after
/// `--per customer`, which writes its own output.
pub(crate) fn table(args: &ProductsArgs) -> anyhow::Result<Option<DataFrame>> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let opts = InputOptions::new(&args.input, &config, "orders", quiet)?;
    let scale = opts.parse.money_scale;
    let thresholds = match args.thresholds.as_deref().or(config.abc.thresholds.as_deref()) {
        Some(t) => Thresholds::parse(t)?,
        None => Thresholds::default(),
    };
    let period = Period::from_args(&args.period)?;
    let per_customer = args.per.is_some();
    let by_customer = !per_customer && by_customer(&args.by)?;
    let mut required = vec!["order_date", "amount"];
    let mut optional = vec![];
    if per_customer || by_customer {
        required.push("customer_id");
        optional.push("customer_name");
    }
    if !per_customer {
        required.push("product_id");
        optional.extend(["quantity", "cost", "product_name"]);
    }
    let request = Request::orders().require(&required).optional(&optional);
    let mut settings = Settings {
        from: NaiveDate::MIN,
        to: NaiveDate::MAX,
        basis: Basis::Cost,
        average: match args.avg {
            AverageInventory::Ends => Average::Ends,
            AverageInventory::All => Average::All,
        },
        keys: if by_customer { vec!["customer_id", "product_id"] } else { vec!["product_id"] },
        thresholds,
        money_scale: scale,
    };
    if per_customer {
        let orders = input::load(&opts, &request)?;
        (settings.from, settings.to) = resolve_period(orders.clone().lazy(), &period)?;
        return run_per_customer(args, &config, orders, settings).map(|()| None);
    }

    let inventory = load_inventory(args, &config, by_customer)?;
    if let Some(inv) = &inventory {
        settings.basis = match args.basis {
            Some(TurnoverBasis::Quantity) => Basis::Quantity,
            Some(TurnoverBasis::Cost) => Basis::Cost,
            Some(TurnoverBasis::Sales) => Basis::Sales,
            None if has(inv, "value") => Basis::Cost,
            None => Basis::Quantity,
        };
    } else {
        note(quiet, "no --inventory given: inventory, turnover, days_of_inventory, cross_ratio and contribution_ratio are empty".into());
    }
    // How to finish the table from the per-key sums is learnt while the query is built,
    // and comes back with the query's result (`input::query_grouped_with`).
    let sums = |orders: LazyFrame, settings: &Settings, range: Option<LazyFrame>| plan_table(args, orders, inventory.as_ref(), settings, range);
    // Inventory levels are taken at the period's ends, so with inventory the ends must be
    // known before the computation: when not given, a first pass over the order dates
    // finds them. The order lines stream from the files into sums per key, and the table
    // is built from those in memory; without inventory, the first and last order dates
    // (reported only) come out of the same query. The sums have a row for every key with
    // any line, in the period or not, with its names: text is checked on them
    // (`input::query_grouped`).
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
            let range = input::query(&opts, &dates, |orders| Ok(date_range(orders, &period)))?;
            (settings.from, settings.to) = resolve_from_range(&range, &period)?;
            let (per_key, plan) = input::query_grouped_with(&opts, &request, |orders| sums(orders, &settings, None))?;
            (plan.finish(per_key, &settings)?, plan.has_cost)
        }
    };
    if !has_cost {
        note(quiet, "the orders have no cost column: cost, gross_profit, gross_margin_rate and the ratios built on them are empty (map one with --col cost=HEADER)".into());
    }
    if result.height() == 0 {
        let (from, to) = (settings.from, settings.to);
        return Err(bad_input(format!("no order lines and no stock in the period {}", period_words(from, to, &period))));
    }
    if !quiet {
        print_notes(&result, &settings, inventory.is_some())?;
    }
    Ok(Some(result))
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
struct TablePlan {
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
    fn finish(&self, sums: DataFrame, settings: &Settings) -> anyhow::Result<DataFrame> {
        let table = products::table_of_sums(sums.lazy(), self.stock.clone(), &self.names, settings);
        let sorted = products::sort(table, &self.sort_column, self.descending, &settings.keys);
        Ok(sorted.collect_with_engine(Engine::InMemory)?.unwrap_single())
    }
}

/// The query over `orders` that sums the order lines per key (with the columns of the
/// one-row `range` beside every row, when given), and the plan that makes the product
/// table of its result. Wrong options are reported here, before anything is read.
fn plan_table(
    args: &ProductsArgs,
    orders: LazyFrame,
    inventory: Option<&DataFrame>,
    settings: &Settings,
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
            let files = args.inventory.join(", ");
            let need = |ok: bool, what: &str| if ok { Ok(()) } else { Err(bad_input(what.to_string())) };
            match settings.basis {
                Basis::Quantity => {
                    need(inv_quantity, &format!("turnover on the quantity basis needs a quantity column in the inventory ({files}); use --basis cost or sales, or map one with --inventory-col quantity=HEADER"))?;
                    need(has_quantity, "turnover on the quantity basis needs a quantity column in the orders; map one with --col quantity=HEADER, or use --basis cost or sales")?;
                }
                Basis::Cost => {
                    need(inv_value, &format!("turnover on the cost basis needs a value column (at cost) in the inventory ({files}); use --basis quantity, or map one with --inventory-col value=HEADER"))?;
                    need(has_cost, "turnover on the cost basis needs a cost column in the orders; map one with --col cost=HEADER, or use --basis sales or --basis quantity")?;
                }
                Basis::Sales => need(inv_value, &format!("turnover on the sales basis needs a value column in the inventory ({files}); use --basis quantity, or map one with --inventory-col value=HEADER"))?,
            }
            let stock = with_column_or_null(inv.clone().lazy(), inv_quantity, "quantity", DataType::Float64);
            with_column_or_null(stock, inv_value, "value", settings.money())
        }
    };
    let sums = products::sums_per_key(lines, &names, settings);
    let schema = products::table_of_sums(sums.clone(), stock.clone(), &names, settings).collect_schema()?;
    let sort_column = args.sort.clone().unwrap_or_else(|| "contribution_ratio".into());
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

/// Read the inventory files with the orders' input settings and the --inventory-col mappings.
fn load_inventory(args: &ProductsArgs, config: &Config, by_customer: bool) -> anyhow::Result<Option<DataFrame>> {
    if args.inventory.is_empty() {
        if by_customer {
            return Err(bad_input("--by customer,product needs --inventory with a customer_id column (stock held by customers)"));
        }
        return Ok(None);
    }
    let inv_args = InputArgs {
        inputs: args.inventory.clone(),
        columns: args.inventory_columns.clone(),
        ..args.input.clone()
    };
    let opts = InputOptions::new(&inv_args, config, "inventory", args.output.quiet)?;
    let request = Request::inventory().require(&["snapshot_date", "product_id"]).optional(&["quantity", "value", "customer_id"]);
    let inv = input::load(&opts, &request)?;
    let files = args.inventory.join(", ");
    if !has(&inv, "quantity") && !has(&inv, "value") {
        return Err(bad_input(format!(
            "{files}: the inventory has neither a quantity nor a value column; map one with --inventory-col quantity=HEADER or --inventory-col value=HEADER"
        )));
    }
    if !by_customer {
        return Ok(Some(inv));
    }
    if !has(&inv, "customer_id") {
        return Err(bad_input(format!(
            "{files}: --by customer,product needs a customer_id column in the inventory (stock held by customers); map one with --inventory-col customer_id=HEADER"
        )));
    }
    let own = inv.column("customer_id")?.null_count();
    if own > 0 && !args.output.quiet {
        eprintln!("kam: note: --by customer,product: {own} inventory rows without customer_id (own stock) are left out");
    }
    Ok(Some(inv.lazy().filter(col("customer_id").is_not_null()).collect()?))
}

fn print_notes(result: &DataFrame, s: &Settings, with_inventory: bool) -> anyhow::Result<()> {
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

/// `--per customer`: sales per customer and month (or year), share of the company, plan.
fn run_per_customer(args: &ProductsArgs, config: &Config, orders: DataFrame, settings: Settings) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let name = has(&orders, "customer_name").then_some("customer_name");
    let interval = match args.interval {
        PerInterval::Month => Interval::Month,
        PerInterval::Year => Interval::Year,
    };
    let plan = if args.plan.is_empty() {
        None
    } else {
        Some(load_plan(args, config)?)
    };
    let table = products::customer_periods(orders.lazy(), plan.map(DataFrame::lazy), interval, name, &settings);
    let table = match &args.sort {
        None => table,
        Some(c) => {
            let schema = table.clone().collect_schema()?;
            let Some(dtype) = schema.get(c.as_str()) else {
                let columns: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
                return Err(bad_input(format!("--sort: no column '{c}'; the columns are: {}", columns.join(", "))));
            };
            let descending = dtype.is_primitive_numeric() || dtype.is_decimal();
            products::sort(table, c, descending, &["customer_id", "period"])
        }
    };
    let mut result = table.collect()?;
    if !quiet {
        eprintln!(
            "kam: {} customer-{} rows, period {} to {}{}",
            result.height(),
            if interval == Interval::Month { "month" } else { "year" },
            settings.from,
            settings.to,
            if args.plan.is_empty() { " (no --plan: plan columns empty)" } else { "" }
        );
    }
    output::write(&mut result, &args.output)
}

/// Read the plan (customer_id, period YYYY-MM, planned_amount) with the orders' input
/// settings; the period becomes `month`, the first day of the month.
fn load_plan(args: &ProductsArgs, config: &Config) -> anyhow::Result<DataFrame> {
    let plan_args = InputArgs { inputs: args.plan.clone(), columns: vec![], ..args.input.clone() };
    let opts = InputOptions::new(&plan_args, config, "plan", args.output.quiet)?;
    let plan = input::load(&opts, &Request::plan())?;
    // 2024-03, 2024-3, 2024/03, 2024.03, 202403, 2024年3月 -> 2024-03-01.
    let text = col("period")
        .str()
        .strip_chars(lit(NULL))
        .str()
        .replace_all(lit(r"[/.年]"), lit("-"), false)
        .str()
        .replace(lit("月$"), lit(""), false)
        .str()
        .replace(lit(r"^(\d{4})(\d{2})$"), lit("$1-$2"), false)
        .str()
        .replace(lit(r"^(\d{4})-(\d)$"), lit("$1-0$2"), false);
    let month = parse::date_from_text(concat_str([text, lit("-01")], "", false), Some("%Y-%m-%d"));
    let plan = plan.lazy().with_column(month.alias("month")).with_row_index("__row", Some(1)).collect()?;
    let bad = plan.clone().lazy().filter(col("month").is_null()).collect()?;
    if bad.height() > 0 {
        let row = bad.column("__row")?.get(0)?.to_string();
        let value = bad.column("period")?.get(0)?;
        return Err(bad_input(format!(
            "{}: row {row}, column period: '{}' is not a month (expected YYYY-MM, e.g. 2024-03)",
            args.plan.join(", "),
            value.get_str().unwrap_or_default()
        )));
    }
    Ok(plan.drop("__row")?)
}
