//! The model comparison of `--calibration-end`: each purchase model fitted on
//! the calibration period, with its log-likelihood, BIC and holdout error.

use super::models::fit_purchases;
use super::predict::Inputs;
use super::purchase::ModelKind;

pub struct Comparison {
    pub model: ModelKind,
    pub log_likelihood: f64,
    /// k ln n − 2 ln L with k = 4 parameters: lower is better.
    pub bic: f64,
    /// Mean over customers of |predicted − actual| holdout purchases.
    pub mean_absolute_error: f64,
    pub predicted_total: f64,
    pub actual_total: f64,
}

/// Fits every model on `inputs` and scores it on `actual` holdout purchases
/// (aligned with the inputs) over `holdout` weeks. Models that cannot be
/// fitted are left out with their reason.
pub fn compare_models(inputs: &Inputs, actual: &[f64], holdout: f64) -> Vec<Result<Comparison, (ModelKind, String)>> {
    let n = inputs.x.len() as f64;
    ModelKind::ALL
        .into_iter()
        .map(|kind| {
            let fit = fit_purchases(kind, &inputs.x, &inputs.t_x, &inputs.t).map_err(|e| (kind, e.to_string()))?;
            let predicted: Vec<f64> =
                (0..inputs.x.len()).map(|i| fit.model.expected_purchases(holdout, inputs.x[i], inputs.t_x[i], inputs.t[i])).collect();
            let mean_absolute_error = predicted.iter().zip(actual).map(|(p, a)| (p - a).abs()).sum::<f64>() / n;
            Ok(Comparison {
                model: kind,
                log_likelihood: fit.log_likelihood,
                bic: 4.0 * n.ln() - 2.0 * fit.log_likelihood,
                mean_absolute_error,
                predicted_total: predicted.iter().sum(),
                actual_total: actual.iter().sum(),
            })
        })
        .collect()
}
