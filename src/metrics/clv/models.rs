//! Fitting the purchase model chosen with `--model` and Gamma-Gamma on the
//! customers' summaries, with standard errors and diagnostics, into the
//! params-file form (read back from its JSON, so that a later run with
//! `--params` uses bit-for-bit the same numbers).

use std::time::Instant;

use super::diagnose::{correlation, purchase_notes, spend_notes};
use super::curvature::Curvature;
use super::gamma_gamma::fit_gamma_gamma;
use super::mbgnbd::fit_mbgnbd;
use super::model_file::{SavedGammaGamma, SavedParams, SavedPurchases, StandardErrors, PARAMS_FORMAT, PARAMS_VERSION};
use super::optimize::{Fit, FitError};
use super::pareto_nbd::fit_pareto_nbd;
use super::predict::Inputs;
use super::purchase::{ModelKind, PurchaseModel};
use super::summary::TIME_UNIT;
use super::bgnbd::fit_bgnbd;

/// A purchase-model fit in the common form.
pub struct PurchaseFit {
    pub model: PurchaseModel,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub curvature: Curvature,
    pub seconds: f64,
}

fn common<P>(fit: Fit<P>, wrap: impl Fn(P) -> PurchaseModel, seconds: f64) -> PurchaseFit {
    PurchaseFit { model: wrap(fit.params), log_likelihood: fit.log_likelihood, iterations: fit.iterations, curvature: fit.curvature, seconds }
}

/// Fit one purchase model.
pub fn fit_purchases(kind: ModelKind, x: &[f64], t_x: &[f64], t: &[f64]) -> Result<PurchaseFit, FitError> {
    let started = Instant::now();
    let seconds = || started.elapsed().as_secs_f64();
    Ok(match kind {
        ModelKind::BgNbd => {
            let fit = fit_bgnbd(x, t_x, t)?;
            common(fit, PurchaseModel::BgNbd, seconds())
        }
        ModelKind::MbgNbd => {
            let fit = fit_mbgnbd(x, t_x, t)?;
            common(fit, PurchaseModel::MbgNbd, seconds())
        }
        ModelKind::ParetoNbd => {
            let fit = fit_pareto_nbd(x, t_x, t)?;
            common(fit, PurchaseModel::ParetoNbd, seconds())
        }
    })
}

fn named_errors(names: &[&str], errors: &[Option<f64>]) -> StandardErrors {
    names.iter().zip(errors).map(|(n, e)| (n.to_string(), *e)).collect()
}

/// Both fits, with what the command reports about them.
pub struct FittedModels {
    pub saved: SavedParams,
    /// The params file's text.
    pub text: String,
    pub purchases: PurchaseFit,
    pub gamma_gamma_seconds: f64,
    pub gamma_gamma_iterations: usize,
    /// Repeat buyers left out of the Gamma-Gamma fit (spend ≤ 0).
    pub excluded: usize,
    /// Degenerate-fit diagnostics in plain words.
    pub notes: Vec<String>,
}

/// Fit the purchase model `kind` and Gamma-Gamma on `inputs` as of `as_of`.
pub fn fit_models(inputs: &Inputs, as_of: &str, kind: ModelKind) -> Result<FittedModels, FitError> {
    let customers = inputs.x.len();
    let purchases = fit_purchases(kind, &inputs.x, &inputs.t_x, &inputs.t)?;
    let (gx, gm, excluded) = inputs.gamma_gamma_inputs();
    let started = Instant::now();
    let gg = fit_gamma_gamma(&gx, &gm)?;
    let gamma_gamma_seconds = started.elapsed().as_secs_f64();
    let values = purchases.model.values();
    let purchase_errors = purchases.curvature.standard_errors(&values);
    let gg_values = [gg.params.p, gg.params.q, gg.params.v];
    let gg_errors = gg.curvature.standard_errors(&gg_values);
    let section = SavedPurchases::new(
        &purchases.model,
        purchases.log_likelihood,
        customers,
        Some(named_errors(&kind.parameter_names(), &purchase_errors)),
    );
    let (repeat_x, repeat_m): (Vec<f64>, Vec<f64>) = gx.iter().zip(&gm).filter(|(x, _)| **x > 0.0).map(|(x, m)| (*x, *m)).unzip();
    let mut notes = purchase_notes(kind, values, &purchases.curvature);
    notes.extend(spend_notes(gg_values, &gg.curvature, correlation(&repeat_x, &repeat_m)));
    let mut fitted = SavedParams {
        format: PARAMS_FORMAT.into(),
        version: PARAMS_VERSION,
        time_unit: TIME_UNIT.into(),
        as_of: as_of.to_string(),
        customers,
        model: Some(kind.key().to_string()),
        bgnbd: None,
        mbgnbd: None,
        pareto_nbd: None,
        gamma_gamma: SavedGammaGamma {
            p: gg.params.p,
            q: gg.params.q,
            v: gg.params.v,
            log_likelihood: gg.log_likelihood,
            customers: repeat_x.len(),
            standard_errors: Some(named_errors(&["p", "q", "v"], &gg_errors)),
        },
    };
    match kind {
        ModelKind::BgNbd => fitted.bgnbd = Some(section),
        ModelKind::MbgNbd => fitted.mbgnbd = Some(section),
        ModelKind::ParetoNbd => fitted.pareto_nbd = Some(section),
    }
    let text = fitted.to_json().expect("parameters serialise");
    let saved: SavedParams = serde_json::from_str(&text).expect("reading back the fitted parameters");
    Ok(FittedModels { saved, text, purchases, gamma_gamma_seconds, gamma_gamma_iterations: gg.iterations, excluded, notes })
}
