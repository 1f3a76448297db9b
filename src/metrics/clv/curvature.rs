//! The curvature of a fitted model's log-likelihood at its optimum: the
//! information matrix, from which come the standard errors and the
//! diagnostics of `diagnose`. Its own module because both the result type
//! (`optimize::Fit`) and the search that fills it in (`fitting`) need it.

use super::quasi_newton::{inverse_positive_definite, symmetric_eigen};

/// Curvature of the log-likelihood at the optimum, for standard errors and
/// the diagnostics of `diagnose`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Curvature {
    /// −∂² ln L / ∂ln θᵢ ∂ln θⱼ of the total log-likelihood (the observed
    /// information in ln-parameters); invariant to the fitting time scale.
    pub information: Vec<Vec<f64>>,
    /// Coordinates that ended at the search box's bound.
    pub at_bound: Vec<bool>,
    /// "quasi-Newton" or "Nelder-Mead".
    pub method: &'static str,
}

impl Curvature {
    /// Covariance of the ln-parameters, if the information is positive definite.
    pub fn ln_covariance(&self) -> Option<Vec<Vec<f64>>> {
        if self.information.is_empty() {
            return None;
        }
        inverse_positive_definite(&self.information)
    }

    /// Standard errors of the parameters `values` (delta method: se(θ) = θ·se(ln θ));
    /// `None` for a parameter at a bound or when the information is singular.
    pub fn standard_errors(&self, values: &[f64]) -> Vec<Option<f64>> {
        let covariance = self.ln_covariance();
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let c = covariance.as_ref()?;
                (!self.at_bound.get(i).copied().unwrap_or(false) && c[i][i] >= 0.0).then(|| v * c[i][i].sqrt())
            })
            .collect()
    }

    /// The least-determined direction in ln-parameters: (eigenvalue, unit vector).
    pub fn flattest_direction(&self) -> Option<(f64, Vec<f64>)> {
        if self.information.is_empty() {
            return None;
        }
        let (values, vectors) = symmetric_eigen(&self.information);
        let k = (0..values.len()).min_by(|&i, &j| values[i].total_cmp(&values[j]))?;
        Some((values[k], vectors.iter().map(|row| row[k]).collect()))
    }
}
