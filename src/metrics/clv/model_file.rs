//! The params file written by `kam clv --params-out` and read by `--params`
//! (and by `kam churn --params`): format, checks, and conversion to models.
//! The layout is documented in docs/clv.md ("The params file").

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::gamma_gamma::GammaGammaParams;
use super::purchase::{ModelKind, PurchaseModel};
use super::summary::TIME_UNIT;
use crate::error::bad_input;

/// The `format` field of a params file.
pub const PARAMS_FORMAT: &str = "kam-clv-params";
pub const PARAMS_VERSION: u32 = 1;

/// Standard errors from the Hessian; absent for a parameter at a bound or
/// when the likelihood is flat (the information matrix is singular).
pub type StandardErrors = std::collections::BTreeMap<String, Option<f64>>;

/// A purchase model as saved: BG/NBD and MBG/NBD have r, alpha, a, b;
/// Pareto/NBD has r, alpha, s, beta.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SavedPurchases {
    pub r: f64,
    pub alpha: f64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub a: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub b: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub beta: Option<f64>,
    /// Total log-likelihood of the fitted customers.
    pub log_likelihood: f64,
    /// Customers the model was fitted on.
    pub customers: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub standard_errors: Option<StandardErrors>,
}

/// Gamma-Gamma as saved in the params file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SavedGammaGamma {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    pub log_likelihood: f64,
    /// Customers with repeat purchases and positive spend the model was fitted on.
    pub customers: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub standard_errors: Option<StandardErrors>,
}

/// The params file. Exactly one purchase model section is present, named by
/// `model` (absent in files of earlier kam versions: then "bgnbd").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SavedParams {
    pub format: String,
    pub version: u32,
    /// Unit of x, t_x, T and of α (and β): always "weeks".
    pub time_unit: String,
    /// The calibration end of the fit (ISO date).
    pub as_of: String,
    /// Customers in the data the models were fitted on.
    pub customers: usize,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bgnbd: Option<SavedPurchases>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mbgnbd: Option<SavedPurchases>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pareto_nbd: Option<SavedPurchases>,
    pub gamma_gamma: SavedGammaGamma,
}

impl SavedPurchases {
    pub fn new(model: &PurchaseModel, log_likelihood: f64, customers: usize, standard_errors: Option<StandardErrors>) -> Self {
        let v = model.values();
        let (a, b, s, beta) = match model.kind() {
            ModelKind::BgNbd | ModelKind::MbgNbd => (Some(v[2]), Some(v[3]), None, None),
            ModelKind::ParetoNbd => (None, None, Some(v[2]), Some(v[3])),
        };
        SavedPurchases { r: v[0], alpha: v[1], a, b, s, beta, log_likelihood, customers, standard_errors }
    }
}

impl SavedParams {
    pub fn kind(&self) -> ModelKind {
        self.model.as_deref().and_then(ModelKind::from_key).unwrap_or(ModelKind::BgNbd)
    }

    /// The section of the purchase model named by `model`.
    pub fn purchases(&self) -> &SavedPurchases {
        let section = match self.kind() {
            ModelKind::BgNbd => &self.bgnbd,
            ModelKind::MbgNbd => &self.mbgnbd,
            ModelKind::ParetoNbd => &self.pareto_nbd,
        };
        section.as_ref().expect("checked on load and present when fitted")
    }

    pub fn purchase_model(&self) -> PurchaseModel {
        let s = self.purchases();
        let pick = |x: Option<f64>| x.unwrap_or(f64::NAN);
        let values = match self.kind() {
            ModelKind::BgNbd | ModelKind::MbgNbd => [s.r, s.alpha, pick(s.a), pick(s.b)],
            ModelKind::ParetoNbd => [s.r, s.alpha, pick(s.s), pick(s.beta)],
        };
        PurchaseModel::from_values(self.kind(), values)
    }

    /// The purchase model (named for `kam churn`, which reads it for P(alive)).
    pub fn bg(&self) -> PurchaseModel {
        self.purchase_model()
    }

    pub fn gg(&self) -> GammaGammaParams {
        let s = &self.gamma_gamma;
        GammaGammaParams { p: s.p, q: s.q, v: s.v }
    }

    pub fn to_json(&self) -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    fn check(&self, file: &str) -> anyhow::Result<()> {
        if self.format != PARAMS_FORMAT || self.version != PARAMS_VERSION {
            return Err(bad_input(format!(
                "{file}: not a kam clv params file (format '{}' version {}, expected '{PARAMS_FORMAT}' version {PARAMS_VERSION})",
                self.format, self.version
            )));
        }
        if self.time_unit != TIME_UNIT {
            return Err(bad_input(format!("{file}: time_unit is '{}', kam clv uses '{TIME_UNIT}'", self.time_unit)));
        }
        if let Some(m) = &self.model {
            if ModelKind::from_key(m).is_none() {
                return Err(bad_input(format!("{file}: unknown model '{m}' (expected bgnbd, pareto-nbd or mbg-nbd)")));
            }
        }
        let kind = self.kind();
        let section = match kind {
            ModelKind::BgNbd => &self.bgnbd,
            ModelKind::MbgNbd => &self.mbgnbd,
            ModelKind::ParetoNbd => &self.pareto_nbd,
        };
        if section.is_none() {
            return Err(bad_input(format!("{file}: model is {} but the file has no section for it", kind.key())));
        }
        let names = kind.parameter_names();
        let values = self.purchase_model().values();
        let g = &self.gamma_gamma;
        let all = names.iter().copied().zip(values).chain([("p", g.p), ("q", g.q), ("v", g.v)]);
        for (name, value) in all {
            if !(value.is_finite() && value > 0.0) {
                return Err(bad_input(format!("{file}: parameter {name} = {value} must be a positive number")));
            }
        }
        Ok(())
    }
}

/// Read and check a params file (`--params`).
pub fn load_params(path: &Path) -> anyhow::Result<SavedParams> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| bad_input(format!("--params {file}: cannot read the file: {e}")))?;
    let saved: SavedParams =
        serde_json::from_str(&text).map_err(|e| bad_input(format!("--params {file}: not a kam clv params file: {e}")))?;
    saved.check(&file)?;
    Ok(saved)
}
