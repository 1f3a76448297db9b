//! `kam clv`: customer lifetime value from BG/NBD and Gamma-Gamma.
//!
//! This file reads the options and the data, calls metrics::clv (summary, fits,
//! predictions, the params file) and writes the table. See docs/clv.md.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::cli::{ClvArgs, ClvModel};
use crate::error::bad_input;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::clv::purchase::{ModelKind, PurchaseModel};
use crate::metrics::clv::rfm::validate_rfm;
use crate::metrics::clv::summary;
use crate::metrics::clv::{compare, load_params, Inputs, SavedParams, ValueTerms};
use crate::output;
use crate::pipelines::clv as pipeline;
use crate::pipelines::names::NameSources;
use crate::pipelines::orders;
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::Share;

/// The CLV options, checked before any data is read.
struct Terms {
    as_of: Option<NaiveDate>,
    calibration_end: Option<NaiveDate>,
    horizon_months: u32,
    discount: f64,
    margin: Option<f64>,
}

impl Terms {
    fn from_args(args: &ClvArgs) -> anyhow::Result<Terms> {
        if args.period.from.is_some() || args.period.to.is_some() {
            return Err(bad_input(
                "kam clv reads the whole order history up to --as-of; --from and --to do not apply \
                 (use --as-of, and --calibration-end DATE for a holdout check)",
            ));
        }
        let as_of = args.period.as_of.map(|d| d.0);
        let calibration_end = args.calibration_end.map(|d| d.0);
        if let (Some(c), Some(a)) = (calibration_end, as_of) {
            if c >= a {
                return Err(bad_input(format!("--calibration-end {c} must be before --as-of {a}: the holdout period is empty")));
            }
        }
        if calibration_end.is_some() && args.customers.is_some() {
            // The calibration check has a row per purchase count, not per customer: no names to add.
            return Err(bad_input(
                "--customers puts names beside the customers; --calibration-end writes the calibration check, which has no \
                 customer rows: drop --customers (or --calibration-end)",
            ));
        }
        let discount = args.discount.as_f64();
        if !(0.0..=10.0).contains(&discount) {
            return Err(bad_input(format!("--discount must be an annual rate between 0 and 10 (1000%), not {discount}")));
        }
        let margin = args.margin.map(Share::as_f64);
        if let Some(m) = margin {
            if !(m > 0.0 && m <= 1.0) {
                return Err(bad_input(format!("--margin must be a share of sales above 0 and at most 1 (e.g. 0.3 or 30%), not {m}")));
            }
        }
        Ok(Terms { as_of, calibration_end, horizon_months: args.horizon, discount, margin })
    }
}

/// Fit both models, or use the ones loaded with `--params`. Fitted parameters are passed
/// through their JSON text, so that a later run with `--params` uses the very
/// same numbers and writes identical output.
fn model_kind(args: &ClvArgs) -> ModelKind {
    match args.model {
        ClvModel::Bgnbd => ModelKind::BgNbd,
        ClvModel::ParetoNbd => ModelKind::ParetoNbd,
        ClvModel::MbgNbd => ModelKind::MbgNbd,
    }
}

fn models(args: &ClvArgs, loaded: Option<SavedParams>, inputs: &Inputs, fit_end: &str, quiet: bool) -> anyhow::Result<SavedParams> {
    if let Some(saved) = loaded {
        let file = args.params.as_deref().map_or(String::new(), |p| p.display().to_string());
        if !quiet {
            eprintln!(
                "Using the models in {file}, fitted as of {} on {} customers (time unit {}).",
                saved.as_of, saved.customers, saved.time_unit
            );
            pipeline::print_params(&saved);
            let on_this = saved.purchase_model().log_likelihood(&inputs.x, &inputs.t_x, &inputs.t);
            eprintln!("{} log-likelihood of these {} customers as of {fit_end}: {on_this:.4}", saved.kind().title(), inputs.x.len());
        }
        return Ok(saved);
    }
    let (saved, text) = pipeline::fit_model(inputs, fit_end, model_kind(args), quiet)?;
    if let Some(path) = &args.params_out {
        output::write_atomically(path, |w| Ok(w.write_all(text.as_bytes())?))?;
        if !quiet {
            eprintln!("Parameters written to {}.", path.display());
        }
    }
    Ok(saved)
}

/// The profit margin: `--margin`, else gross profit / sales of the lines with cost;
/// `without_cost`: the lines without cost per order date, for the note.
fn margin(settings: &Terms, lines: &LazyFrame, has_cost: bool, without_cost: &DataFrame, as_of: NaiveDate, quiet: bool) -> anyhow::Result<f64> {
    if let Some(m) = settings.margin {
        if !quiet {
            eprintln!("Margin {m:.4} (--margin).");
        }
        return Ok(m);
    }
    if !has_cost {
        return Err(bad_input(
            "the orders have no cost column (or it is empty), so the profit margin for clv is unknown: \
             pass --margin SHARE (e.g. --margin 0.3 for 30% of sales), or map a cost column with --col cost=HEADER",
        ));
    }
    let stats = summary::company_margin(lines.clone(), as_of).collect()?;
    let margin = stats.column("margin")?.f64()?.get(0);
    // Counted on the lines: `lines` are order days, in which they are rows of their own.
    let without = orders::lines_without_cost_up_to(without_cost, as_of)?;
    let Some(margin) = margin.filter(|m| m.is_finite()) else {
        return Err(bad_input(format!(
            "the margin cannot be taken from the data: the sales of the order lines with cost up to {as_of} are not positive; pass --margin SHARE"
        )));
    };
    if !quiet {
        let note = if without > 0 { format!("; {without} lines without cost left out") } else { String::new() };
        eprintln!(
            "Margin {margin:.4} (gross profit {} / sales {} of the order lines up to {as_of}{note}).",
            output::cell_text(&stats.column("gross_profit_with_cost")?.get(0)?, 2),
            output::cell_text(&stats.column("sales_with_cost")?.get(0)?, 2),
        );
    }
    Ok(margin)
}

/// `--summary FILE`: one row per customer with x, t_x, T and optionally m (or
/// lifetimes' frequency, recency, T, monetary_value) and optionally customer_id.
fn read_summary(path: &std::path::Path) -> anyhow::Result<DataFrame> {
    let file = path.display().to_string();
    // A warehouse's summary (e.g. Spark's, docs/scale.md) is Parquet: told by its magic bytes.
    let mut magic = [0u8; 4];
    let is_parquet = std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok() && &magic == b"PAR1";
    let frame = if is_parquet {
        std::fs::File::open(path)
            .map_err(PolarsError::from)
            .and_then(|f| ParquetReader::new(f).finish())
            .map_err(|e| bad_input(format!("--summary {file}: cannot read the Parquet file: {e}")))?
    } else {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(None)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish())
            .map_err(|e| bad_input(format!("--summary {file}: cannot read the CSV file: {e}")))?
    };
    let pick = |names: &[&str]| names.iter().find(|n| frame.get_column_index(n).is_some()).map(|n| n.to_string());
    let need = |names: &[&str]| {
        pick(names).ok_or_else(|| bad_input(format!("--summary {file}: no column {} (see kam clv --help)", names.join(" or "))))
    };
    let (x, t_x, t) = (need(&["x", "frequency"])?, need(&["t_x", "recency"])?, need(&["T"])?);
    let m = pick(&["m", "monetary_value"]);
    let number = |name: &str| -> anyhow::Result<Column> {
        let c = frame.column(name)?.cast(&DataType::Float64)?;
        if c.null_count() > 0 {
            return Err(bad_input(format!("--summary {file}: column {name} has empty or non-numeric values")));
        }
        Ok(c)
    };
    let id = match pick(&["customer_id"]) {
        Some(c) => frame.column(&c)?.cast(&DataType::String)?.with_name("customer_id".into()),
        None => Column::new("customer_id".into(), (1..=frame.height() as u64).map(|i| i.to_string()).collect::<Vec<_>>()),
    };
    let x_col = number(&x)?.with_name("x".into());
    let m_col = match m {
        Some(m) => frame.column(&m)?.cast(&DataType::Float64)?,
        None => Column::full_null("m".into(), frame.height(), &DataType::Float64),
    };
    let out = DataFrame::new(
        frame.height(),
        vec![id, x_col, number(&t_x)?.with_name("t_x".into()), number(&t)?.with_name("T".into()), m_col.with_name("m".into())],
    )?;
    // m is empty for customers without repeat purchases, as in the order-based summary.
    let out = out
        .lazy()
        .with_column(when(col("x").gt(lit(0.0))).then(col("m")).otherwise(lit(NULL).cast(DataType::Float64)).alias("m"))
        .collect()?;
    let inputs = Inputs::from_summary(&out)?;
    validate_rfm("--summary", &inputs.x, &inputs.t_x, &inputs.t).map_err(|e| bad_input(format!("{file}: {e}")))?;
    Ok(out)
}

/// `kam clv --summary FILE`: fit (or load) and predict from a per-customer summary.
fn run_summary(args: &ClvArgs, path: &std::path::Path) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Terms::from_args(args)?;
    if settings.calibration_end.is_some() {
        return Err(bad_input("--calibration-end needs order lines; with --summary there is no holdout to check"));
    }
    let Some(margin) = settings.margin else {
        return Err(bad_input("with --summary there is no cost column: pass --margin SHARE (e.g. --margin 0.3)"));
    };
    let loaded = args.params.as_deref().map(load_params).transpose()?;
    let customers = read_summary(path)?;
    if customers.height() == 0 {
        return Err(bad_input(format!("--summary {}: no customers", path.display())));
    }
    let inputs = Inputs::from_summary(&customers)?;
    let label = settings.as_of.map_or("unknown (from --summary)".to_string(), |d| d.to_string());
    let saved = models(args, loaded, &inputs, &label, quiet)?;
    let terms = ValueTerms { margin, horizon_months: settings.horizon_months, discount: settings.discount };
    let table = pipeline::predictions(customers, &inputs, &saved.purchase_model(), &saved.gg(), &terms, quiet)?;
    let read = Settings::resolve(&args.input.read, TableKind::Customers, quiet)?;
    let mut table = NameSources::customers(&read, args.customers.as_deref(), None)?.beside_ids(table)?;
    output::write(&mut table, &args.output)
}

pub fn run(args: ClvArgs) -> anyhow::Result<()> {
    if let Some(path) = args.summary.clone() {
        return run_summary(&args, &path);
    }
    let quiet = args.output.quiet;
    let read = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let settings = Terms::from_args(&args)?;
    let loaded = args.params.as_deref().map(load_params).transpose()?;
    let ((orders, order_names), without_cost) = orders::clv_order_days(&read, &args.input.inputs)?;
    let (by_customer, orders) = ByCustomer::of_orders_and_lines(orders)?;
    let names = NameSources::with_order_names(&read, args.customers.as_deref(), order_names)?;
    let has_cost = orders.column("cost").is_ok_and(|c| c.null_count() < c.len());
    let as_of = orders::as_of(&read, settings.as_of, &orders)?;
    if let Some(c) = settings.calibration_end {
        if c >= as_of {
            return Err(bad_input(format!(
                "--calibration-end {c} must be before the end of the data, {as_of} (the last order date, or --as-of)"
            )));
        }
    }
    let fit_end = settings.calibration_end.unwrap_or(as_of);
    let lines = orders.lazy();
    let started = std::time::Instant::now();
    let customers = summary::customers_of(&by_customer, fit_end, has_cost)?.collect()?;
    drop(by_customer);
    if std::env::var_os("KAM_TRACE_READ").is_some() {
        eprintln!("kam: trace: clv summary of {} customers ({:.3} s)", customers.height(), started.elapsed().as_secs_f64());
    }
    if customers.height() == 0 {
        return Err(bad_input(format!("no order lines on or before {fit_end}")));
    }
    // Without a holdout check, a missing margin is a usage error: say so before fitting.
    let margin = match settings.calibration_end {
        None => Some(margin(&settings, &lines, has_cost, &without_cost, as_of, quiet)?),
        Some(_) => None,
    };
    let inputs = Inputs::from_summary(&customers)?;
    let saved = models(&args, loaded, &inputs, &fit_end.to_string(), quiet)?;
    let bg = saved.purchase_model();
    let mut table = match (settings.calibration_end, margin) {
        (Some(calibration_end), _) => calibration_check(&customers, &inputs, &bg, lines, calibration_end, as_of, quiet)?,
        (None, Some(margin)) => {
            let terms = ValueTerms { margin, horizon_months: settings.horizon_months, discount: settings.discount };
            names.beside_ids(pipeline::predictions(customers, &inputs, &bg, &saved.gg(), &terms, quiet)?)?
        }
        (None, None) => unreachable!("the margin is known without --calibration-end"),
    };
    output::write(&mut table, &args.output)
}

/// The holdout check of `--calibration-end`.
fn calibration_check(
    customers: &DataFrame,
    inputs: &Inputs,
    bg: &PurchaseModel,
    lines: LazyFrame,
    calibration_end: NaiveDate,
    as_of: NaiveDate,
    quiet: bool,
) -> anyhow::Result<DataFrame> {
    let holdout = (as_of - calibration_end).num_days() as f64 / summary::DAYS_PER_WEEK;
    let predicted: Vec<f64> =
        (0..inputs.x.len()).map(|i| bg.expected_purchases(holdout, inputs.x[i], inputs.t_x[i], inputs.t[i])).collect();
    let mut calibration = customers.select(["customer_id", "x"])?;
    calibration.with_column(Column::new("predicted".into(), predicted))?;
    let lines_for_actual = lines.clone();
    let table =
        summary::calibration_check(calibration.lazy(), summary::holdout_purchases(lines, calibration_end, as_of)).collect()?;
    if !quiet {
        let last = table.height() - 1;
        let n = table.column("customers")?.u32()?.get(last).unwrap_or(0) as f64;
        let actual = table.column("actual_holdout_purchases")?.f64()?.get(last).unwrap_or(0.0) * n;
        let predicted = table.column("predicted_holdout_purchases")?.f64()?.get(last).unwrap_or(0.0) * n;
        let change = if actual > 0.0 { format!(" ({:+.1}%)", (predicted / actual - 1.0) * 100.0) } else { String::new() };
        eprintln!(
            "Calibration check: fitted on orders up to {calibration_end}; holdout {} to {as_of} ({holdout:.1} weeks). \
             The {n} customers known at {calibration_end} made {actual:.0} purchases (order days) in the holdout; \
             the model predicted {predicted:.1}{change}.",
            calibration_end + chrono::Duration::days(1)
        );
        print_comparison(customers, inputs, &lines_for_actual, calibration_end, as_of, holdout)?;
    }
    Ok(table)
}

/// The model comparison table on stderr: every purchase model fitted on the
/// calibration period and scored on the holdout.
fn print_comparison(
    customers: &DataFrame,
    inputs: &Inputs,
    lines: &LazyFrame,
    calibration_end: NaiveDate,
    as_of: NaiveDate,
    holdout: f64,
) -> anyhow::Result<()> {
    let actual = customers
        .select(["customer_id"])?
        .lazy()
        .join(summary::holdout_purchases(lines.clone(), calibration_end, as_of), [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .select([col("actual").fill_null(lit(0u32)).cast(DataType::Float64)])
        .collect()?;
    let actual: Vec<f64> = actual.column("actual")?.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect();
    eprintln!("Model comparison on the holdout (fitted on the calibration period; lower BIC and error are better):");
    eprintln!("  {:<11} {:>16} {:>16} {:>14} {:>12} {:>10}", "model", "log-likelihood", "BIC", "MAE/customer", "predicted", "actual");
    for row in compare::compare_models(inputs, &actual, holdout) {
        match row {
            Ok(c) => eprintln!(
                "  {:<11} {:>16.2} {:>16.2} {:>14.4} {:>12.1} {:>10.0}",
                c.model.title(),
                c.log_likelihood,
                c.bic,
                c.mean_absolute_error,
                c.predicted_total,
                c.actual_total
            ),
            Err((kind, why)) => eprintln!("  {:<11} not fitted: {why}", kind.title()),
        }
    }
    Ok(())
}
