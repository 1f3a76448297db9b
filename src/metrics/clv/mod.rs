//! Customer lifetime value (SPEC §4): the per-customer purchase summary built
//! with polars (`summary`), and the numerical core that fits BG/NBD and
//! Gamma-Gamma to it (`bgnbd`, `gamma_gamma`, `optimize`, `special`).
//! Formulas, validation and the `kam clv` command are described in docs/clv.md.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod optimize;
pub mod special;
pub mod summary;

pub use bgnbd::{fit_bgnbd, BgNbdParams};
pub use gamma_gamma::{clv, fit_gamma_gamma, GammaGammaParams};
pub use optimize::{Fit, FitError};
