//! The fitting strategy shared by the models: bounded quasi-Newton with
//! analytic gradients on ln-parameters from a few starting points, the
//! Hessian at the optimum, and Nelder–Mead multi-start as the fallback when
//! no quasi-Newton run converges.

use super::curvature::Curvature;
use super::optimize::{minimize_multistart, Bounds, Fit, FitError};
use super::quasi_newton::{self, hessian, Objective, DEFAULT_TOLERANCES};

pub struct FitSpec {
    pub model: &'static str,
    /// Every ln-parameter is searched within [−bound, bound].
    pub bound: f64,
    pub starts: Vec<Vec<f64>>,
    pub customers: f64,
}

/// The optimum found: ln-parameters at the fitting scale and the mean negative
/// log-likelihood there.
pub struct Found {
    pub point: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub curvature: Curvature,
}

impl Found {
    pub fn into_fit<P>(self, params: P, log_likelihood: f64) -> Fit<P> {
        Fit { params, log_likelihood, iterations: self.iterations, converged: true, curvature: self.curvature }
    }
}

/// Runs the quasi-Newton search from each start and keeps the best converged
/// run; if none converged, Nelder–Mead multi-start on the values alone.
pub fn fit_with_gradients(objective: &mut impl Objective, spec: &FitSpec) -> Result<Found, FitError> {
    let dimension = spec.starts[0].len();
    let (lower, upper) = (vec![-spec.bound; dimension], vec![spec.bound; dimension]);
    let mut iterations = 0;
    let mut best: Option<quasi_newton::QuasiNewtonResult> = None;
    for start in &spec.starts {
        let run = quasi_newton::minimize(objective, start, &lower, &upper, &DEFAULT_TOLERANCES);
        iterations += run.iterations;
        if run.converged && run.value.is_finite() && best.as_ref().is_none_or(|b| run.value < b.value) {
            best = Some(run);
        }
        // The likelihoods are smooth and a converged run from the data-matched
        // first start is the optimum in every case tested (docs/clv.md); the
        // other starts are for when it fails.
        if best.is_some() {
            break;
        }
    }
    let (point, value, method) = match best {
        Some(run) => (run.point, run.value, "quasi-Newton"),
        None => {
            let mut values_only = |p: &[f64]| {
                let mut g = vec![0.0; p.len()];
                objective.value_and_gradient(p, &mut g)
            };
            let found = minimize_multistart(&mut values_only, &spec.starts, &Bounds::uniform(dimension, -spec.bound, spec.bound));
            iterations += found.iterations;
            if !found.converged || !found.value.is_finite() {
                return Err(FitError::NotConverged {
                    model: spec.model,
                    best_log_likelihood: -found.value * spec.customers,
                    iterations,
                });
            }
            (found.point, found.value, "Nelder-Mead")
        }
    };
    let at_bound: Vec<bool> = point.iter().map(|v| v.abs() >= spec.bound * (1.0 - 1e-9)).collect();
    let mean = hessian(objective, &point);
    let information = mean.iter().map(|row| row.iter().map(|h| h * spec.customers).collect()).collect();
    Ok(Found { point, value, iterations, curvature: Curvature { information, at_bound, method } })
}
