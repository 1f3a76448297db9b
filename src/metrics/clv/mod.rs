//! Customer lifetime value (SPEC §4): the per-customer purchase summary built
//! with polars (`summary`), and the numerical core that fits the purchase
//! models (`bgnbd`, `mbgnbd`, `pareto_nbd`) and Gamma-Gamma (`gamma_gamma`) to
//! it (`rfm`, `fitting`, `curvature`, `quasi_newton`, `optimize`, `special`).
//! Formulas, validation and the `kam clv` command are described in docs/clv.md.

pub mod bgnbd;
mod conditional;
pub mod compare;
pub mod curvature;
pub mod diagnose;
pub mod fitting;
pub mod gamma_gamma;
pub mod mbgnbd;
pub mod model_file;
pub mod models;
pub mod optimize;
pub mod pareto_nbd;
pub mod predict;
pub mod purchase;
pub mod quasi_newton;
pub mod rfm;
pub mod special;
pub mod summary;

pub use bgnbd::{fit_bgnbd, BgNbdParams};
pub use gamma_gamma::{clv, fit_gamma_gamma, GammaGammaParams};
pub use optimize::{Fit, FitError};
pub use model_file::{load_params, SavedParams};
pub use predict::{Inputs, ValueTerms};
