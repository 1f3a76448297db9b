//! `kam clv`: customer lifetime value from BG/NBD and Gamma-Gamma (SPEC §4).
//!
//! This file reads the options and the data, calls metrics::clv (summary, fits,
//! predictions, the params file) and writes the table. See docs/clv.md.

use anyhow::Context;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::cli::{ClvArgs, ClvModel};
use crate::config::Config;
use crate::error::bad_input;
use crate::input::{self, InputOptions, Request};
use crate::metrics::clv::model_file::StandardErrors;
use crate::metrics::clv::purchase::{ModelKind, PurchaseModel};
use crate::metrics::clv::rfm::validate_rfm;
use crate::metrics::clv::summary::{self, TIME_UNIT};
use crate::metrics::clv::{compare, load_params, models, predict, GammaGammaParams, SavedParams};
// Re-exported for kam scorecard and kam report, which build the same CLV table.
pub(crate) use crate::metrics::clv::{Inputs, ValueTerms};
use crate::output;
use crate::period::parse_date;

use super::shared::last_order_date;

/// The longest `--horizon`: 50 years.
const MAX_HORIZON_MONTHS: u32 = 600;

/// Options checked before any data is read.
struct Settings {
    as_of: Option<NaiveDate>,
    calibration_end: Option<NaiveDate>,
    horizon_months: u32,
    discount: f64,
    margin: Option<f64>,
}

/// A rate or share given as 0.10 or 10%.
fn parse_rate(option: &str, text: &str) -> anyhow::Result<f64> {
    let (digits, percent) = match text.trim().strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (text.trim(), false),
    };
    let value: f64 = digits
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| bad_input(format!("{option}: '{text}' is not a number (expected e.g. 0.10 or 10%)")))?;
    Ok(if percent { value / 100.0 } else { value })
}

impl Settings {
    fn from_args(args: &ClvArgs) -> anyhow::Result<Settings> {
        if args.period.from.is_some() || args.period.to.is_some() {
            return Err(bad_input(
                "kam clv reads the whole order history up to --as-of; --from and --to do not apply \
                 (use --as-of, and --calibration-end DATE for a holdout check)",
            ));
        }
        let as_of = args.period.as_of.as_deref().map(|s| parse_date("--as-of", s)).transpose()?;
        let calibration_end = args.calibration_end.as_deref().map(|s| parse_date("--calibration-end", s)).transpose()?;
        if let (Some(c), Some(a)) = (calibration_end, as_of) {
            if c >= a {
                return Err(bad_input(format!("--calibration-end {c} must be before --as-of {a}: the holdout period is empty")));
            }
        }
        if args.horizon == 0 || args.horizon > MAX_HORIZON_MONTHS {
            return Err(bad_input(format!("--horizon must be between 1 and {MAX_HORIZON_MONTHS} months")));
        }
        let discount = parse_rate("--discount", &args.discount)?;
        if !(0.0..=10.0).contains(&discount) {
            return Err(bad_input(format!("--discount must be an annual rate between 0 and 10 (1000%), not '{}'", args.discount)));
        }
        let margin = args.margin.as_deref().map(|m| parse_rate("--margin", m)).transpose()?;
        if let Some(m) = margin {
            if !(m > 0.0 && m <= 1.0) {
                return Err(bad_input(format!("--margin must be a share of sales above 0 and at most 1 (e.g. 0.3 or 30%), not {m}")));
            }
        }
        Ok(Settings { as_of, calibration_end, horizon_months: args.horizon, discount, margin })
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
            print_params(&saved);
            let on_this = saved.purchase_model().log_likelihood(&inputs.x, &inputs.t_x, &inputs.t);
            eprintln!("{} log-likelihood of these {} customers as of {fit_end}: {on_this:.4}", saved.kind().title(), inputs.x.len());
        }
        return Ok(saved);
    }
    let (saved, text) = fit_model(inputs, fit_end, model_kind(args), quiet)?;
    if let Some(path) = &args.params_out {
        output::write_atomically(path, |w| Ok(w.write_all(text.as_bytes())?))?;
        if !quiet {
            eprintln!("Parameters written to {}.", path.display());
        }
    }
    Ok(saved)
}

/// Fit the purchase model and Gamma-Gamma on the customers' summaries as of `fit_end`
/// (see metrics::clv::models), reporting on stderr unless `quiet`. Returns the
/// parameters as read back from their JSON, and the JSON text.
pub(crate) fn fit_models(inputs: &Inputs, fit_end: NaiveDate, quiet: bool) -> anyhow::Result<(SavedParams, String)> {
    fit_model(inputs, &fit_end.to_string(), ModelKind::BgNbd, quiet)
}

fn fit_model(inputs: &Inputs, fit_end: &str, kind: ModelKind, quiet: bool) -> anyhow::Result<(SavedParams, String)> {
    let customers = inputs.x.len();
    let fitted = models::fit_models(inputs, fit_end, kind)
        .with_context(|| format!("cannot fit the CLV models on the orders up to {fit_end} ({customers} customers)"))?;
    if !quiet {
        if fitted.excluded > 0 {
            eprintln!(
                "kam: note: {} customers with repeat purchases that net to zero or less (returns) are left out of \
                 the Gamma-Gamma fit, which needs positive spend; their expected spend is taken at m = 0.",
                fitted.excluded
            );
        }
        let p = &fitted.purchases;
        eprintln!(
            "Fitted on {customers} customers with orders up to {fit_end} (time unit {TIME_UNIT}): {} in {:.2} s \
             ({} iterations, {}), Gamma-Gamma in {:.2} s ({} iterations).",
            kind.title(),
            p.seconds,
            p.iterations,
            p.curvature.method,
            fitted.gamma_gamma_seconds,
            fitted.gamma_gamma_iterations
        );
        print_params(&fitted.saved);
        for note in &fitted.notes {
            eprintln!("kam: note: {note}");
        }
    }
    Ok((fitted.saved, fitted.text))
}

/// "0.243000 (se 0.012)" or "4196.1 (se n/a)".
fn with_error(value: f64, errors: &Option<StandardErrors>, name: &str) -> String {
    match errors.as_ref().and_then(|e| e.get(name).copied()) {
        Some(Some(se)) => format!("{value:.6} (se {se:.4})"),
        Some(None) => format!("{value:.6} (se n/a)"),
        None => format!("{value:.6}"),
    }
}

fn print_params(s: &SavedParams) {
    let kind = s.kind();
    let b = s.purchases();
    let values = s.purchase_model().values();
    let shown: Vec<String> = kind
        .parameter_names()
        .iter()
        .zip(values)
        .map(|(name, v)| format!("{name} = {}", with_error(v, &b.standard_errors, name)))
        .collect();
    eprintln!(
        "{} (purchases): {}; log-likelihood {:.4} ({} customers)",
        kind.title(),
        shown.join(", "),
        b.log_likelihood,
        b.customers
    );
    let g = &s.gamma_gamma;
    let e = &g.standard_errors;
    let mean = s.gg().population_mean_spend().map_or("infinite (q <= 1)".to_string(), |m| format!("{m:.2}"));
    eprintln!(
        "Gamma-Gamma (spend per purchase): p = {}, q = {}, v = {}; log-likelihood {:.4} ({} customers); mean spend {mean}",
        with_error(g.p, e, "p"),
        with_error(g.q, e, "q"),
        with_error(g.v, e, "v"),
        g.log_likelihood,
        g.customers
    );
}

/// The profit margin: `--margin`, else gross profit / sales of the lines with cost.
fn margin(settings: &Settings, lines: &LazyFrame, has_cost: bool, as_of: NaiveDate, quiet: bool) -> anyhow::Result<f64> {
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
    let without = stats.column("lines_without_cost")?.u32()?.get(0).unwrap_or(0);
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
    let settings = Settings::from_args(args)?;
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
    let mut table = predictions(customers, &inputs, &saved.purchase_model(), &saved.gg(), &terms, quiet)?;
    output::write(&mut table, &args.output)
}

pub fn run(args: ClvArgs) -> anyhow::Result<()> {
    if let Some(path) = args.summary.clone() {
        return run_summary(&args, &path);
    }
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let settings = Settings::from_args(&args)?;
    let loaded = args.params.as_deref().map(load_params).transpose()?;
    let opts = InputOptions::new(&args.input, &config, "orders", quiet)?;
    let request = Request::orders().require(&["order_date", "customer_id", "amount"]).optional(&["order_id", "cost"]);
    let orders = input::load(&opts, &request)?;
    let has_order_id = orders.get_column_index("order_id").is_some();
    let has_cost = orders.column("cost").is_ok_and(|c| c.null_count() < c.len());
    let as_of = match settings.as_of {
        Some(d) => d,
        None => last_order_date(&orders)?,
    };
    if let Some(c) = settings.calibration_end {
        if c >= as_of {
            return Err(bad_input(format!(
                "--calibration-end {c} must be before the end of the data, {as_of} (the last order date, or --as-of)"
            )));
        }
    }
    let fit_end = settings.calibration_end.unwrap_or(as_of);
    let lines = orders.lazy();
    let customers = summary::customers(lines.clone(), fit_end, has_order_id, has_cost).collect()?;
    if customers.height() == 0 {
        return Err(bad_input(format!("no order lines on or before {fit_end}")));
    }
    // Without a holdout check, a missing margin is a usage error: say so before fitting.
    let margin = match settings.calibration_end {
        None => Some(margin(&settings, &lines, has_cost, as_of, quiet)?),
        Some(_) => None,
    };
    let inputs = Inputs::from_summary(&customers)?;
    let saved = models(&args, loaded, &inputs, &fit_end.to_string(), quiet)?;
    let bg = saved.purchase_model();
    let mut table = match (settings.calibration_end, margin) {
        (Some(calibration_end), _) => calibration_check(&customers, &inputs, &bg, lines, calibration_end, as_of, quiet)?,
        (None, Some(margin)) => {
            let terms = ValueTerms { margin, horizon_months: settings.horizon_months, discount: settings.discount };
            predictions(customers, &inputs, &bg, &saved.gg(), &terms, quiet)?
        }
        (None, None) => unreachable!("the margin is known without --calibration-end"),
    };
    output::write(&mut table, &args.output)
}

/// The customer table with p_alive, expected_purchases, expected_spend and clv
/// (metrics::clv::predict), with a summary line on stderr unless `quiet`.
pub(crate) fn predictions(
    customers: DataFrame,
    inputs: &Inputs,
    bg: &PurchaseModel,
    gg: &GammaGammaParams,
    terms: &ValueTerms,
    quiet: bool,
) -> anyhow::Result<DataFrame> {
    let (frame, seconds) = predict::predictions(customers, inputs, bg, gg, terms)?;
    if !quiet {
        let total = frame.column("clv")?.f64()?.sum().unwrap_or(0.0);
        let expected = frame.column("expected_purchases")?.f64()?.sum().unwrap_or(0.0);
        eprintln!(
            "CLV over {} months at {:.2}% a year, margin {:.4}: {total:.2} in total for {} customers, \
             {expected:.1} purchases expected ({seconds:.2} s).",
            terms.horizon_months,
            terms.discount * 100.0,
            terms.margin,
            inputs.x.len()
        );
    }
    Ok(frame)
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
