//! MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD where a customer may
//! also drop out right after the first purchase, so a customer with x = 0 is
//! not certainly alive. Same parameters and likelihood code as BG/NBD
//! (`bgnbd::Variant::Mbg`); lifetimes' `ModifiedBetaGeoFitter`.

use super::bgnbd::{fit_beta_geometric, log_likelihood_of, BgNbdParams, Variant};
use super::optimize::{Fit, FitError};

pub const MBGNBD: &str = "MBG/NBD";

/// MBG/NBD parameters, as BG/NBD's: λ ~ Gamma(r, α), p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MbgNbdParams(pub BgNbdParams);

pub fn fit_mbgnbd(x: &[f64], t_x: &[f64], t: &[f64]) -> Result<Fit<MbgNbdParams>, FitError> {
    let fit = fit_beta_geometric(MBGNBD, Variant::Mbg, x, t_x, t)?;
    Ok(Fit {
        params: MbgNbdParams(fit.params),
        log_likelihood: fit.log_likelihood,
        iterations: fit.iterations,
        converged: fit.converged,
        curvature: fit.curvature,
    })
}

impl MbgNbdParams {
    pub fn log_likelihood(&self, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
        log_likelihood_of(Variant::Mbg, &self.0, x, t_x, t)
    }

    /// 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)), for every x including 0.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let BgNbdParams { r, alpha, a, b } = self.0;
        let ln_odds_dead = a.ln() - (b + x).ln() + (r + x) * ((alpha + t).ln() - (alpha + t_x).ln());
        1.0 / (1.0 + ln_odds_dead.exp())
    }

    /// P(alive) times BG/NBD's "if alive" expectation with b + 1 in place of b:
    /// (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+h))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)].
    pub fn expected_purchases(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> f64 {
        let shifted = BgNbdParams { b: self.0.b + 1.0, ..self.0 };
        self.p_alive(x, t_x, t) * shifted.expected_purchases_if_alive(horizon, x, t)
    }
}

#[cfg(test)]
mod tests {
    use super::super::optimize::test_support::{assert_relative, load_cdnow};
    use super::*;

    /// lifetimes 0.11.3 ModifiedBetaGeoFitter().fit on the CDNOW file (run outside the project).
    const LIFETIMES: MbgNbdParams = MbgNbdParams(BgNbdParams {
        r: 0.524_837_725_567_698,
        alpha: 6.182_988_479_134_173,
        a: 0.891_356_280_931_074_1,
        b: 1.614_000_025_671_876_5,
    });

    #[test]
    fn fit_matches_lifetimes_on_cdnow() {
        let data = load_cdnow();
        let fit = fit_mbgnbd(&data.x, &data.t_x, &data.t).unwrap();
        let (p, l) = (fit.params.0, LIFETIMES.0);
        for (got, want, name) in [(p.r, l.r, "r"), (p.alpha, l.alpha, "alpha"), (p.a, l.a, "a"), (p.b, l.b, "b")] {
            assert_relative(got, want, 1e-3, name);
        }
        assert!(fit.log_likelihood >= -9_582.132_684_899_922 - 1e-6, "LL {}", fit.log_likelihood);
        assert_relative(LIFETIMES.log_likelihood(&data.x, &data.t_x, &data.t), -9_582.132_684_899_922, 1e-10, "LL");
    }

    #[test]
    fn p_alive_and_expectation_match_lifetimes() {
        // conditional_probability_alive and conditional_expected_number_of_purchases_up_to_time(39, ...).
        let data = load_cdnow();
        for (id, p_alive, expected) in [
            (1, 0.706_126_26, 1.262_670_778_713_958_2),
            (2, 0.170_819_63, 0.188_789_240_370_502_82),
            (3, 0.389_716_44, 0.153_953_644_366_671_78),
            (148, 0.940_142_66, 8.574_456_657_228_046),
            (1901, 2.330_503_32e-10, 3.961_117_463_370_758e-9),
        ] {
            let (x, t_x, t, _) = data.row(id);
            assert_relative(LIFETIMES.p_alive(x, t_x, t), p_alive, 1e-7, &format!("P(alive) {id}"));
            assert_relative(LIFETIMES.expected_purchases(39.0, x, t_x, t), expected, 1e-9, &format!("E39 {id}"));
        }
    }
}
