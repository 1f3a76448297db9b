//! CLV from order lines: fitting with a report on stderr, predictions, and the CLV
//! table of the scorecard and the report (`kam clv`'s defaults).

use anyhow::Context;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::defaults;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::clv::model_file::StandardErrors;
use crate::metrics::clv::purchase::{ModelKind, PurchaseModel};
use crate::metrics::clv::summary::{self, TIME_UNIT};
use crate::metrics::clv::{models, predict, GammaGammaParams, Inputs, SavedParams, ValueTerms};

/// Fit the purchase model and Gamma-Gamma on the customers' summaries as of `fit_end`
/// (see metrics::clv::models), reporting on stderr unless `quiet`. Returns the
/// parameters as read back from their JSON, and the JSON text.
pub fn fit_default(inputs: &Inputs, fit_end: NaiveDate, quiet: bool) -> anyhow::Result<(SavedParams, String)> {
    fit_model(inputs, &fit_end.to_string(), ModelKind::BgNbd, quiet)
}

pub fn fit_model(inputs: &Inputs, fit_end: &str, kind: ModelKind, quiet: bool) -> anyhow::Result<(SavedParams, String)> {
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

pub fn print_params(s: &SavedParams) {
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

/// The customer table with p_alive, expected_purchases, expected_spend and clv
/// (metrics::clv::predict), with a summary line on stderr unless `quiet`.
pub fn predictions(
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


/// The CLV table of `kam clv` with its defaults (12 months, 10% a year, margin from the
/// cost data), for the scorecard and the report; or why it could not be made. `by_customer`
/// is `orders` sorted by customer, shared with the other per-customer tables.
pub fn default_table(orders: &DataFrame, by_customer: &ByCustomer, as_of: NaiveDate) -> Result<DataFrame, String> {
    let has_cost = orders.column("cost").is_ok_and(|c| c.null_count() < c.len());
    if !has_cost {
        return Err("the orders have no cost, so the profit margin for CLV is unknown".into());
    }
    let inner = || -> anyhow::Result<Result<DataFrame, String>> {
        let lines = orders.clone().lazy();
        let stats = summary::company_margin(lines.clone(), as_of).collect()?;
        let Some(margin) = stats.column("margin")?.f64()?.get(0).filter(|m| m.is_finite()) else {
            return Ok(Err("the sales of the order lines with cost are not positive, so the margin is unknown".into()));
        };
        let customers = summary::customers_of(by_customer, as_of, true)?.collect()?;
        let inputs = Inputs::from_summary(&customers)?;
        let saved = match fit_default(&inputs, as_of, true) {
            Ok((saved, _)) => saved,
            Err(e) => return Ok(Err(format!("{e:#}"))),
        };
        let terms = ValueTerms {
            margin,
            horizon_months: defaults::HORIZON_MONTHS.parse()?,
            discount: defaults::DISCOUNT.parse()?,
        };
        Ok(Ok(predictions(customers, &inputs, &saved.bg(), &saved.gg(), &terms, true)?))
    };
    inner().unwrap_or_else(|e| Err(format!("{e:#}")))
}
