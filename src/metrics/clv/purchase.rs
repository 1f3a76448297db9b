//! The purchase models behind one interface: which model, its P(alive) and its
//! expected purchases, split into P(alive) and the expectation for a customer
//! known to be alive (which depends on x and T only, so predictions can
//! compute it once per distinct (x, T)).

use super::bgnbd::BgNbdParams;
use super::mbgnbd::{MbgNbdParams, MBGNBD};
use super::optimize::BGNBD;
use super::pareto_nbd::{ParetoNbdParams, PARETO_NBD};

/// The `--model` choices, with their names in the params file and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    BgNbd,
    MbgNbd,
    ParetoNbd,
}

impl ModelKind {
    pub const ALL: [ModelKind; 3] = [ModelKind::BgNbd, ModelKind::ParetoNbd, ModelKind::MbgNbd];

    pub fn key(self) -> &'static str {
        match self {
            ModelKind::BgNbd => "bgnbd",
            ModelKind::MbgNbd => "mbg-nbd",
            ModelKind::ParetoNbd => "pareto-nbd",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ModelKind::BgNbd => BGNBD,
            ModelKind::MbgNbd => MBGNBD,
            ModelKind::ParetoNbd => PARETO_NBD,
        }
    }

    pub fn from_key(key: &str) -> Option<ModelKind> {
        ModelKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Parameter names in the order of `PurchaseModel::values`.
    pub fn parameter_names(self) -> [&'static str; 4] {
        match self {
            ModelKind::BgNbd | ModelKind::MbgNbd => ["r", "alpha", "a", "b"],
            ModelKind::ParetoNbd => ["r", "alpha", "s", "beta"],
        }
    }
}

/// A fitted purchase model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PurchaseModel {
    BgNbd(BgNbdParams),
    MbgNbd(MbgNbdParams),
    ParetoNbd(ParetoNbdParams),
}

impl PurchaseModel {
    pub fn kind(&self) -> ModelKind {
        match self {
            PurchaseModel::BgNbd(_) => ModelKind::BgNbd,
            PurchaseModel::MbgNbd(_) => ModelKind::MbgNbd,
            PurchaseModel::ParetoNbd(_) => ModelKind::ParetoNbd,
        }
    }

    pub fn values(&self) -> [f64; 4] {
        match *self {
            PurchaseModel::BgNbd(p) | PurchaseModel::MbgNbd(MbgNbdParams(p)) => [p.r, p.alpha, p.a, p.b],
            PurchaseModel::ParetoNbd(p) => [p.r, p.alpha, p.s, p.beta],
        }
    }

    pub fn from_values(kind: ModelKind, v: [f64; 4]) -> PurchaseModel {
        let bg = BgNbdParams { r: v[0], alpha: v[1], a: v[2], b: v[3] };
        match kind {
            ModelKind::BgNbd => PurchaseModel::BgNbd(bg),
            ModelKind::MbgNbd => PurchaseModel::MbgNbd(MbgNbdParams(bg)),
            ModelKind::ParetoNbd => PurchaseModel::ParetoNbd(ParetoNbdParams { r: v[0], alpha: v[1], s: v[2], beta: v[3] }),
        }
    }

    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        match self {
            PurchaseModel::BgNbd(p) => p.p_alive(x, t_x, t),
            PurchaseModel::MbgNbd(p) => p.p_alive(x, t_x, t),
            PurchaseModel::ParetoNbd(p) => p.p_alive(x, t_x, t),
        }
    }

    /// Expected purchases in the next `horizon` for a customer known to be alive at T.
    pub fn if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        match self {
            PurchaseModel::BgNbd(p) => p.expected_purchases_if_alive(horizon, x, t),
            PurchaseModel::MbgNbd(MbgNbdParams(p)) => {
                BgNbdParams { b: p.b + 1.0, ..*p }.expected_purchases_if_alive(horizon, x, t)
            }
            PurchaseModel::ParetoNbd(p) => p.expected_purchases_if_alive(horizon, x, t),
        }
    }

    pub fn expected_purchases(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> f64 {
        match self {
            PurchaseModel::BgNbd(p) => p.expected_purchases(horizon, x, t_x, t),
            PurchaseModel::MbgNbd(p) => p.expected_purchases(horizon, x, t_x, t),
            PurchaseModel::ParetoNbd(p) => p.expected_purchases(horizon, x, t_x, t),
        }
    }

    pub fn log_likelihood(&self, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
        match self {
            PurchaseModel::BgNbd(p) => p.log_likelihood(x, t_x, t),
            PurchaseModel::MbgNbd(p) => p.log_likelihood(x, t_x, t),
            PurchaseModel::ParetoNbd(p) => p.log_likelihood(x, t_x, t),
        }
    }
}
