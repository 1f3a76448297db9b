//! Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987),
//! with the likelihood as written by Fader, Hardie & Lee ("A note on deriving
//! the Pareto/NBD model and related expressions", 2005) and implemented by
//! lifetimes' `ParetoNBDFitter`.
//!
//! While alive a customer buys at Poisson rate λ and dies at an exponential
//! time with rate μ (dropout can happen at any time, not only after a
//! purchase as in BG/NBD). λ ~ Gamma(r, α), μ ~ Gamma(s, β), independent.


use super::fitting::{fit_with_gradients, FitSpec};
use super::optimize::{Fit, FitError, MIN_CUSTOMERS};
use super::rfm::{sum_over, time_scale, validate_rfm, RfmPatterns};
use super::special::{hyp2f1_power_series, ln_gamma, log_add_exp};

pub const PARETO_NBD: &str = "Pareto/NBD";

/// Pareto/NBD parameters: λ ~ Gamma(`r`, `alpha`), μ ~ Gamma(`s`, `beta`);
/// `alpha` and `beta` are in the data's time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub s: f64,
    pub beta: f64,
}

const LN_PARAMETER_BOUND: f64 = 13.815_510_557_964_274; // ln 1e6

/// Step of the central differences that give the gradient (ln-parameters):
/// the ₂F₁ terms have no cheap analytic derivative in the parameters.
const GRADIENT_STEP: f64 = 1e-6;

/// Fits Pareto/NBD by maximum likelihood (same input checks as BG/NBD).
pub fn fit_pareto_nbd(x: &[f64], t_x: &[f64], t: &[f64]) -> Result<Fit<ParetoNbdParams>, FitError> {
    validate_rfm(PARETO_NBD, x, t_x, t)?;
    if x.len() < MIN_CUSTOMERS {
        return Err(FitError::TooFewCustomers { model: PARETO_NBD, counted: "customers", found: x.len(), required: MIN_CUSTOMERS });
    }
    if x.iter().all(|&v| v == 0.0) {
        return Err(FitError::NoRepeatBuyers { model: PARETO_NBD, customers: x.len() });
    }
    let scale = time_scale(t);
    let data = RfmPatterns::new(x, t_x, t, scale);
    let mut objective = |ln: &[f64], gradient: &mut [f64]| {
        let value = mean_negative_log_likelihood(&data, ln);
        for i in 0..4 {
            let (mut up, mut down) = ([ln[0], ln[1], ln[2], ln[3]], [ln[0], ln[1], ln[2], ln[3]]);
            up[i] += GRADIENT_STEP;
            down[i] -= GRADIENT_STEP;
            gradient[i] = (mean_negative_log_likelihood(&data, &up) - mean_negative_log_likelihood(&data, &down)) / (2.0 * GRADIENT_STEP);
        }
        value
    };
    let rate = (data.total_repeat_purchases / data.total_time.max(f64::MIN_POSITIVE)).max(1e-3);
    let starts = vec![vec![0.0, (1.0 / rate).ln(), 0.0, 10f64.ln()], vec![0.0; 4]];
    let spec = FitSpec { model: PARETO_NBD, bound: LN_PARAMETER_BOUND, starts, customers: data.customers };
    let found = fit_with_gradients(&mut objective, &spec)?;
    let p = &found.point;
    let params = ParetoNbdParams { r: p[0].exp(), alpha: p[1].exp() / scale, s: p[2].exp(), beta: p[3].exp() / scale };
    let log_likelihood = params.log_likelihood(x, t_x, t);
    Ok(found.into_fit(params, log_likelihood))
}

/// ln ₂F₁(a, b; a+1; z) for 0 ≤ z < 1, by the power series, or after Euler's
/// transformation (1−z)^(1−b) ₂F₁(1, a+1−b; a+1; z) when b > 1, whose terms
/// are positive and shrink at least as fast as zⁿ. Sums are kept scaled, so
/// large a and b do not overflow.
fn ln_hyp2f1_c_is_a_plus_one(a: f64, b: f64, z: f64) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    let (sum, ln_prefactor) = if b > 1.0 {
        (hyp2f1_power_series(1.0, a + 1.0 - b, a + 1.0, z), (1.0 - b) * (-z).ln_1p())
    } else {
        (hyp2f1_power_series(a, b, a + 1.0, z), 0.0)
    };
    ln_prefactor + sum.ln_scale + sum.scaled_sum.ln()
}

impl ParetoNbdParams {
    /// ln A₀ of lifetimes' `_log_A_0`: ln(F(t_x)/(M+t_x)^(r+s+x) − F(T)/(M+T)^(r+s+x)),
    /// F(y) = ₂F₁(r+s+x, k; r+s+x+1; |α−β|/(M+y)), M = max(α, β), k = r+x if α < β
    /// else s+1. −∞ when t_x = T.
    fn ln_a0(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let &ParetoNbdParams { r, alpha, s, beta } = self;
        let (low, high, k) = if alpha < beta { (alpha, beta, r + x) } else { (beta, alpha, s + 1.0) };
        let gap = high - low;
        let rsx = r + s + x;
        let term = |y: f64| ln_hyp2f1_c_is_a_plus_one(rsx, k, gap / (high + y)) - rsx * (high + y).ln();
        let (first, second) = (term(t_x), term(t));
        // ln(e^first − e^second), first ≥ second.
        first + (-(second - first).exp_m1()).max(0.0).ln()
    }

    /// ln of the likelihood part "alive at T", and the total ln L of one customer.
    fn ln_parts(&self, x: f64, t_x: f64, t: f64) -> (f64, f64) {
        let &ParetoNbdParams { r, alpha, s, beta } = self;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
        let alive = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
        let dead = s.ln() + self.ln_a0(x, t_x, t) - (r + s + x).ln();
        (a1 + alive, a1 + log_add_exp(alive, dead))
    }

    /// Total log-likelihood, or NaN if the inputs fail the checks of the fit.
    pub fn log_likelihood(&self, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
        if validate_rfm(PARETO_NBD, x, t_x, t).is_err() {
            return f64::NAN;
        }
        let data = RfmPatterns::new(x, t_x, t, 1.0);
        let ln = [self.r.ln(), self.alpha.ln(), self.s.ln(), self.beta.ln()];
        -mean_negative_log_likelihood(&data, &ln) * data.customers
    }

    /// P(alive at T | x, t_x, T) = L(alive part) / L.
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let (alive, total) = self.ln_parts(x, t_x, t);
        (alive - total).exp().min(1.0)
    }

    /// Expected purchases in the next `horizon`:
    /// P(alive) · (r+x)(β+T) / (α+T) · [1 − ((β+T)/(β+T+h))^(s−1)] / (s−1).
    pub fn expected_purchases(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> f64 {
        let value = self.p_alive(x, t_x, t) * self.expected_purchases_if_alive(horizon, x, t);
        if value.is_finite() {
            value.max(0.0)
        } else {
            0.0
        }
    }

    /// The expectation above without its P(alive) factor.
    pub fn expected_purchases_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if horizon.is_nan() || horizon <= 0.0 {
            return 0.0;
        }
        let &ParetoNbdParams { r, alpha, s, beta } = self;
        let ln_ratio = (horizon / (beta + t)).ln_1p(); // ln((β+T+h)/(β+T))
        let growth = if s == 1.0 { ln_ratio } else { -(-(s - 1.0) * ln_ratio).exp_m1() / (s - 1.0) };
        let value = (r + x) * (beta + t) / (alpha + t) * growth;
        if value.is_finite() {
            value.max(0.0)
        } else {
            0.0
        }
    }
}

/// Mean negative log-likelihood at ln(r, α, s, β); patterns in parallel (each
/// needs two ₂F₁ series), summed deterministically.
fn mean_negative_log_likelihood(data: &RfmPatterns, ln: &[f64]) -> f64 {
    let params = ParetoNbdParams { r: ln[0].exp(), alpha: ln[1].exp(), s: ln[2].exp(), beta: ln[3].exp() };
    let [total] = sum_over(&data.patterns, |p| {
        let x = data.distinct_x[p.x_index as usize];
        let (t_x, t) = (data.distinct_tx[p.tx_index as usize], data.distinct_t[p.t_index as usize]);
        [p.weight * params.ln_parts(x, t_x, t).1]
    });
    let value = -total / data.customers;
    if value.is_nan() {
        f64::INFINITY
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::super::optimize::test_support::{assert_relative, load_cdnow};
    use super::*;

    #[test]
    fn fit_matches_lifetimes_on_cdnow() {
        // lifetimes' test suite (test_estimation.py, TestParetoNBDFitter.test_params_out_is_close_to_Hardie_paper):
        // r 0.553, alpha 10.578, s 0.606, beta 11.669 on the CDNOW sample, to 3 decimals.
        let data = load_cdnow();
        let fit = fit_pareto_nbd(&data.x, &data.t_x, &data.t).unwrap();
        let p = fit.params;
        for (got, want, name) in [(p.r, 0.553, "r"), (p.alpha, 10.578, "alpha"), (p.s, 0.606, "s"), (p.beta, 11.669, "beta")] {
            assert!((got - want).abs() < 1.5e-3, "{name}: {got} vs {want} ({p:?})");
        }
        // lifetimes 0.11.3 ParetoNBDFitter().fit on the same file (run outside the project).
        let lifetimes = [0.553_286_828_506_499_9, 10.577_676_881_800_096, 0.606_187_092_498_230_9, 11.667_040_259_176_485];
        for (got, want) in [p.r, p.alpha, p.s, p.beta].into_iter().zip(lifetimes) {
            assert_relative(got, want, 1e-3, "parameter vs lifetimes");
        }
        assert!(fit.log_likelihood.is_finite() && fit.log_likelihood > LIFETIMES.log_likelihood(&data.x, &data.t_x, &data.t) - 1e-6);
    }

    /// lifetimes' fitted CDNOW parameters (see above).
    const LIFETIMES: ParetoNbdParams =
        ParetoNbdParams { r: 0.553_286_828_506_499_9, alpha: 10.577_676_881_800_096, s: 0.606_187_092_498_230_9, beta: 11.667_040_259_176_485 };

    #[test]
    fn p_alive_and_expectation_match_lifetimes() {
        // lifetimes conditional_probability_alive and
        // conditional_expected_number_of_purchases_up_to_time(39, ...) at its fit (run outside the project).
        let data = load_cdnow();
        for (id, p_alive, expected) in [
            (1, 0.869_121_600_210_858_9, 1.455_130_011_917_914),
            (2, 0.167_871_516_739_772_46, 0.170_981_972_754_948_2),
            (3, 0.295_095_794_192_487_4, 0.107_061_913_469_371_63),
            (148, 0.998_256_519_356_706_7, 9.005_526_571_536_65),
            (1901, 2.384_099_330_873_273_2e-8, 4.040_279_839_700_637e-7),
        ] {
            let (x, t_x, t, _) = data.row(id);
            assert_relative(LIFETIMES.p_alive(x, t_x, t), p_alive, 1e-8, &format!("P(alive) {id}"));
            assert_relative(LIFETIMES.expected_purchases(39.0, x, t_x, t), expected, 1e-8, &format!("E39 {id}"));
        }
        assert_relative(LIFETIMES.p_alive(26.0, 30.86, 31.0), 0.997_917_991_750_588_3, 1e-8, "walkthrough");
    }

    #[test]
    fn p_alive_of_the_btyd_walkthrough_customer() {
        // BTYD walkthrough / lifetimes' test: x 26, t_x 30.86, T 31 -> 0.9979 at the CDNOW fit,
        // here with kam's own fit.
        let data = load_cdnow();
        let params = fit_pareto_nbd(&data.x, &data.t_x, &data.t).unwrap().params;
        assert!((params.p_alive(26.0, 30.86, 31.0) - 0.9979).abs() < 5e-5, "{}", params.p_alive(26.0, 30.86, 31.0));
        // x = 0 customers are alive with a probability below one (they may have left at any time).
        let p0 = params.p_alive(0.0, 0.0, 38.0);
        assert!(p0 > 0.0 && p0 < 1.0);
    }

    #[test]
    fn expectation_limits() {
        let params = LIFETIMES;
        assert_eq!(params.expected_purchases(0.0, 2.0, 30.0, 38.0), 0.0);
        let short = params.expected_purchases(39.0, 2.0, 30.0, 38.0);
        let long = params.expected_purchases(78.0, 2.0, 30.0, 38.0);
        assert!(short > 0.0 && long > short);
        // s = 1 is the limit of [1 − k^(s−1)]/(s−1).
        let at = |s: f64| ParetoNbdParams { s, ..params }.expected_purchases(52.0, 3.0, 20.0, 40.0);
        assert_relative(at(1.0 + 1e-9), at(1.0), 1e-7, "s = 1");
    }
}
