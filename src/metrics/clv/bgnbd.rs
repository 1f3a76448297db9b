//! BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way: an alternative to the Pareto/NBD model").
//!
//! Per customer the inputs are the RFM summary in one time unit: `x` repeat
//! purchases (after the first), `t_x` time of the last purchase since the first
//! (0 if x = 0), and `t` (the paper's T) time from the first purchase to the end
//! of calibration. While alive a customer buys at Poisson rate λ; after each
//! repeat purchase they drop out for good with probability p. Across customers
//! λ ~ Gamma(r, α) (α a rate) and p ~ Beta(a, b).
//!
//! Formulas and the validation against the paper and `lifetimes` are in
//! docs/clv.md.

use std::collections::HashMap;

use super::optimize::{
    check_length, check_value, minimize_multistart, Bounds, Fit, FitError, BGNBD, MIN_CUSTOMERS,
};
use super::special::{hyp2f1_excess_scaled, hyp2f1_power_series, ln_gamma, log_add_exp};

/// BG/NBD parameters: purchase rate λ ~ Gamma(shape `r`, rate `alpha`), dropout
/// probability p ~ Beta(`a`, `b`). `alpha` is in the time unit of the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbdParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// Each parameter is searched as ln(θ) within [ln 1e-6, ln 1e6] (after the
/// time rescaling below), which keeps it positive, finite and well scaled.
const LN_PARAMETER_BOUND: f64 = 13.815_510_557_964_274; // ln 1e6

/// Times are rescaled so that the longest T is this long while fitting (as
/// `lifetimes` does), which makes the starting points unit-free.
const FITTING_TIME_SCALE: f64 = 10.0;

/// Fits the BG/NBD model by maximum likelihood.
///
/// Validates the inputs (same lengths; x a whole number ≥ 0; 0 ≤ t_x ≤ T; all
/// finite), needs at least `MIN_CUSTOMERS` customers and at least one repeat
/// purchase, then minimises the mean negative log-likelihood over ln(r, α, a, b)
/// from several starting points (see `optimize`).
pub fn fit_bgnbd(x: &[f64], t_x: &[f64], t: &[f64]) -> Result<Fit<BgNbdParams>, FitError> {
    validate_rfm(x, t_x, t)?;
    if x.len() < MIN_CUSTOMERS {
        return Err(FitError::TooFewCustomers {
            model: BGNBD,
            counted: "customers",
            found: x.len(),
            required: MIN_CUSTOMERS,
        });
    }
    if x.iter().all(|&v| v == 0.0) {
        return Err(FitError::NoRepeatBuyers {
            model: BGNBD,
            customers: x.len(),
        });
    }

    let longest = t.iter().copied().fold(0.0, f64::max);
    let scale = if longest > 0.0 {
        FITTING_TIME_SCALE / longest
    } else {
        1.0
    };
    let scaled = |column: &[f64]| column.iter().map(|v| v * scale).collect::<Vec<_>>();
    let data = RfmHistories::new(x, &scaled(t_x), &scaled(t));

    let mut objective = |ln_params: &[f64]| data.mean_negative_log_likelihood(&from_ln(ln_params));
    let bounds = Bounds::uniform(4, -LN_PARAMETER_BOUND, LN_PARAMETER_BOUND);
    let found = minimize_multistart(&mut objective, &starting_points(&data), &bounds);

    let mut params = from_ln(&found.point);
    params.alpha /= scale; // α is a rate per time unit: undo the rescaling.
    let log_likelihood = RfmHistories::new(x, t_x, t).total_log_likelihood(&params);
    Fit::checked(BGNBD, params, log_likelihood, found.iterations, found.converged)
}

/// The per-customer methods take one customer's (x, t_x, T) as checked by
/// `fit_bgnbd` (x a whole number ≥ 0, 0 ≤ t_x ≤ T, all finite); they do not
/// check it again, and may return NaN for values that fail those checks.
impl BgNbdParams {
    /// Total log-likelihood of the customers (paper eq. 6 summed), or NaN if
    /// the inputs fail the same checks as `fit_bgnbd`.
    pub fn log_likelihood(&self, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
        match validate_rfm(x, t_x, t) {
            Ok(()) => RfmHistories::new(x, t_x, t).total_log_likelihood(self),
            Err(_) => f64::NAN,
        }
    }

    /// Probability that a customer with history (x, t_x, T) is still alive at T:
    /// 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> f64 {
        if x <= 0.0 {
            return 1.0;
        }
        // Computed as a logistic of the log-odds of being dead: no overflow.
        let ln_odds_dead = self.a.ln() - (self.b + x - 1.0).ln()
            + (self.r + x) * ((self.alpha + t).ln() - (self.alpha + t_x).ln());
        1.0 / (1.0 + ln_odds_dead.exp())
    }

    /// Expected number of purchases in the next `horizon` time units for a
    /// customer with history (x, t_x, T) (paper eq. 10): P(alive) times the
    /// expectation for a customer known to be alive at T.
    pub fn expected_purchases(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> f64 {
        self.p_alive(x, t_x, t) * self.expected_purchases_if_alive(horizon, x, t)
    }

    /// Expected number of repeat purchases in `horizon` time units for a new,
    /// randomly chosen customer (paper eq. 9).
    pub fn expected_purchases_new(&self, horizon: f64) -> f64 {
        // Eq. 9 is eq. 10's "if alive" part with x = 0 and T = 0.
        self.expected_purchases_if_alive(horizon, 0.0, 0.0)
    }

    /// Expected purchases in `horizon` for a customer known to be alive at T:
    /// eq. 10 without its P(alive) factor,
    ///
    /// E = C/(a−1) · [1 − (1−z)^(r+x) ₂F₁(r+x, b+x; C; z)],
    /// C = a+b+x−1, z = h/(α+T+h), 1 − z = (α+T)/(α+T+h).
    ///
    /// No single way of summing this is accurate for every parameter value, so
    /// two equivalent forms are evaluated with a rounding-error estimate each
    /// and the more accurate one is used (the second only when the first is
    /// doubtful): see `euler_form` and `direct_form`.
    fn expected_purchases_if_alive(&self, horizon: f64, x: f64, t: f64) -> f64 {
        if horizon.is_nan() || horizon <= 0.0 {
            return 0.0;
        }
        let terms = Eq10Terms::new(self, horizon, x, t);
        let first = terms.euler_form();
        let best = if first.is_reliable() {
            first
        } else {
            first.more_accurate(terms.direct_form())
        };
        // Mathematically > 0; rounding could leave a tiny negative for tiny
        // horizons, and in parameter ranges no data produce both forms may fail.
        if best.value.is_finite() {
            best.value.max(0.0)
        } else {
            0.0
        }
    }
}

/// The quantities of eq. 10 for one customer and horizon.
struct Eq10Terms {
    r: f64,
    a: f64,
    b: f64,
    x: f64,
    /// C = a + b + x − 1.
    c: f64,
    /// ε = a − 1.
    epsilon: f64,
    z: f64,
    /// L = ln(1 − z) = −ln(1 + h/(α+T)), computed without cancellation.
    ln_one_minus_z: f64,
}

/// A value with an estimate of its absolute rounding error (∞ if the series
/// behind it did not converge or the form does not apply).
#[derive(Debug, Clone, Copy)]
struct Estimate {
    value: f64,
    error: f64,
}

impl Estimate {
    /// Relative rounding error accepted without trying the other form.
    const RELIABLE: f64 = 1e-10;

    fn relative_error(&self) -> f64 {
        if self.value.is_finite() && self.error.is_finite() {
            self.error / self.value.abs()
        } else {
            f64::INFINITY
        }
    }

    fn is_reliable(&self) -> bool {
        self.relative_error() <= Self::RELIABLE
    }

    fn more_accurate(self, other: Estimate) -> Estimate {
        if other.relative_error() < self.relative_error() || !self.value.is_finite() {
            other
        } else {
            self
        }
    }
}

/// Rounding error per operation, with a safety factor for the few operations
/// that combine the series with its prefactors.
const ROUNDING: f64 = 16.0 * f64::EPSILON;

impl Eq10Terms {
    fn new(params: &BgNbdParams, horizon: f64, x: f64, t: f64) -> Self {
        let &BgNbdParams { r, alpha, a, b } = params;
        Eq10Terms {
            r,
            a,
            b,
            x,
            c: a + b + x - 1.0,
            epsilon: a - 1.0,
            z: horizon / (alpha + t + horizon),
            ln_one_minus_z: -(horizon / (alpha + t)).ln_1p(),
        }
    }

    /// Euler's transformation turns the bracket into
    /// 1 − (1−z)^ε ₂F₁(a+b−1−r, ε; C; z), so that
    ///
    /// E = C · (−expm1(εL)/ε) − e^(εL) · C(₂F₁(a+b−1−r, ε; C; z) − 1)/ε,
    ///
    /// finite for every a > 0 including a = 1 (the 0/0 of eq. 10), and fast
    /// even for z near 1. Its terms alternate in sign when r ≫ a + b, where
    /// cancellation makes it inaccurate; the error estimate shows that.
    fn euler_form(&self) -> Estimate {
        let &Eq10Terms {
            r,
            a,
            b,
            c,
            epsilon,
            z,
            ln_one_minus_z,
            ..
        } = self;
        let growth = if epsilon == 0.0 {
            -ln_one_minus_z
        } else {
            -(epsilon * ln_one_minus_z).exp_m1() / epsilon
        };
        let excess = hyp2f1_excess_scaled(a + b - 1.0 - r, epsilon, c, z);
        let scale = (epsilon * ln_one_minus_z + excess.ln_scale).exp();
        let value = c * growth - scale * excess.scaled_sum;
        let error = if excess.converged {
            ROUNDING * ((c * growth).abs() + scale * excess.scaled_abs_sum)
        } else {
            f64::INFINITY
        };
        Estimate { value, error }
    }

    /// Eq. 10 as printed, with the ₂F₁ summed directly (its terms are all
    /// positive when C > 0) and combined with (1−z)^(r+x) in log space:
    /// accurate where the Euler form cancels (large r), inaccurate near a = 1.
    fn direct_form(&self) -> Estimate {
        let &Eq10Terms {
            r,
            b,
            x,
            c,
            epsilon,
            z,
            ln_one_minus_z,
            ..
        } = self;
        let series = hyp2f1_power_series(r + x, b + x, c, z);
        if !series.converged || series.scaled_sum == 0.0 || epsilon == 0.0 {
            return Estimate {
                value: f64::NAN,
                error: f64::INFINITY,
            };
        }
        let ln_power = (r + x) * ln_one_minus_z;
        let discounted = series.scaled_sum.signum()
            * (ln_power + series.ln_scale + series.scaled_sum.abs().ln()).exp();
        let factor = c / epsilon;
        let value = factor * (1.0 - discounted);
        // Relative error of the discounted series: the summation's, plus the
        // exp of a log of size |ln_power| + ln_scale.
        let relative = series.scaled_abs_sum / series.scaled_sum.abs()
            + ln_power.abs()
            + series.ln_scale
            + 1.0;
        let error = ROUNDING * factor.abs() * (1.0 + discounted.abs() * relative);
        Estimate { value, error }
    }
}

/// Checks lengths and values; names the first offending index.
fn validate_rfm(x: &[f64], t_x: &[f64], t: &[f64]) -> Result<(), FitError> {
    check_length(BGNBD, "t_x", t_x, x.len())?;
    check_length(BGNBD, "T", t, x.len())?;
    for (i, ((&xi, &txi), &ti)) in x.iter().zip(t_x).zip(t).enumerate() {
        check_value(
            BGNBD,
            "x",
            i,
            xi,
            xi.is_finite() && xi >= 0.0 && xi.fract() == 0.0,
            "the number of repeat purchases must be a whole number >= 0",
        )?;
        check_value(
            BGNBD,
            "T",
            i,
            ti,
            ti.is_finite() && ti >= 0.0,
            "T must be finite and >= 0",
        )?;
        check_value(
            BGNBD,
            "t_x",
            i,
            txi,
            txi.is_finite() && txi >= 0.0,
            "t_x must be finite and >= 0",
        )?;
        check_value(
            BGNBD,
            "t_x",
            i,
            txi,
            txi <= ti,
            "the last purchase cannot be after the end of calibration (t_x > T)",
        )?;
    }
    Ok(())
}

fn from_ln(ln_params: &[f64]) -> BgNbdParams {
    BgNbdParams {
        r: ln_params[0].exp(),
        alpha: ln_params[1].exp(),
        a: ln_params[2].exp(),
        b: ln_params[3].exp(),
    }
}

/// Starting points in ln-parameter space (times already rescaled): a neutral
/// point, lifetimes' default, and two that match the observed purchase rate
/// r/α ≈ Σx / ΣT with low and high dropout.
fn starting_points(data: &RfmHistories) -> Vec<Vec<f64>> {
    let rate = (data.total_repeat_purchases / data.total_time.max(f64::MIN_POSITIVE)).max(1e-3);
    let ln = |r: f64, alpha: f64, a: f64, b: f64| vec![r.ln(), alpha.ln(), a.ln(), b.ln()];
    vec![
        ln(1.0, 1.0, 1.0, 1.0),
        ln(0.1, 0.1, 0.1, 0.1),
        ln(0.5, 0.5 / rate, 0.5, 5.0),
        ln(2.0, 2.0 / rate, 2.0, 1.0),
    ]
}

/// Customer histories grouped for fast likelihood evaluation: terms that
/// depend only on x are computed once per distinct x, and identical
/// histories are counted once with a weight.
struct RfmHistories {
    distinct_x: Vec<f64>,
    histories: Vec<History>,
    customers: f64,
    total_repeat_purchases: f64,
    total_time: f64,
}

struct History {
    x_index: usize,
    x: f64,
    t_x: f64,
    t: f64,
    weight: f64,
}

impl RfmHistories {
    fn new(x: &[f64], t_x: &[f64], t: &[f64]) -> Self {
        let mut distinct_x = Vec::new();
        let mut x_index_of: HashMap<u64, usize> = HashMap::new();
        let mut history_index_of: HashMap<(u64, u64, u64), usize> = HashMap::new();
        let mut histories: Vec<History> = Vec::new();
        for ((&xi, &txi), &ti) in x.iter().zip(t_x).zip(t) {
            let x_index = *x_index_of.entry(xi.to_bits()).or_insert_with(|| {
                distinct_x.push(xi);
                distinct_x.len() - 1
            });
            // t_x does not enter the likelihood when x = 0.
            let txi = if xi == 0.0 { 0.0 } else { txi };
            let key = (xi.to_bits(), txi.to_bits(), ti.to_bits());
            let index = *history_index_of.entry(key).or_insert_with(|| {
                histories.push(History {
                    x_index,
                    x: xi,
                    t_x: txi,
                    t: ti,
                    weight: 0.0,
                });
                histories.len() - 1
            });
            histories[index].weight += 1.0;
        }
        RfmHistories {
            distinct_x,
            histories,
            customers: x.len() as f64,
            total_repeat_purchases: x.iter().sum(),
            total_time: t.iter().sum(),
        }
    }

    fn total_log_likelihood(&self, params: &BgNbdParams) -> f64 {
        -self.mean_negative_log_likelihood(params) * self.customers
    }

    /// Mean over customers of −ln L, with (paper eq. 6)
    /// ln L = A₁ + A₂ + ln(e^A₃ + 1{x>0} e^A₄),
    /// A₁ = lnΓ(r+x) − lnΓ(r) + r ln α,
    /// A₂ = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
    /// A₃ = −(r+x) ln(α+T),
    /// A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
    fn mean_negative_log_likelihood(&self, params: &BgNbdParams) -> f64 {
        let &BgNbdParams { r, alpha, a, b } = params;
        let shared = r * alpha.ln() - ln_gamma(r) + ln_gamma(a + b) - ln_gamma(b);
        // (A₁ + A₂, ln a − ln(b+x−1)) for each distinct x.
        let per_x: Vec<(f64, f64)> = self
            .distinct_x
            .iter()
            .map(|&x| {
                let a1_a2 = shared + ln_gamma(r + x) + ln_gamma(b + x) - ln_gamma(a + b + x);
                let dropout = if x > 0.0 {
                    a.ln() - (b + x - 1.0).ln()
                } else {
                    0.0
                };
                (a1_a2, dropout)
            })
            .collect();
        let total: f64 = self
            .histories
            .iter()
            .map(|h| {
                let (a1_a2, dropout) = per_x[h.x_index];
                let a3 = -(r + h.x) * (alpha + h.t).ln();
                let tail = if h.x > 0.0 {
                    log_add_exp(a3, dropout - (r + h.x) * (alpha + h.t_x).ln())
                } else {
                    a3
                };
                h.weight * (a1_a2 + tail)
            })
            .sum();
        -total / self.customers
    }
}

#[cfg(test)]
mod tests {
    use super::super::optimize::test_support::{assert_relative, load_cdnow, Rng};
    use super::*;

    /// Published CDNOW fit (Fader, Hardie & Lee 2005, table/section 5).
    const PUBLISHED: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };
    const PUBLISHED_LOG_LIKELIHOOD: f64 = -9582.4;

    fn assert_params_close(actual: &BgNbdParams, expected: &BgNbdParams, tolerance: f64) {
        assert_relative(actual.r, expected.r, tolerance, "r");
        assert_relative(actual.alpha, expected.alpha, tolerance, "alpha");
        assert_relative(actual.a, expected.a, tolerance, "a");
        assert_relative(actual.b, expected.b, tolerance, "b");
    }

    #[test]
    fn fit_reproduces_published_cdnow_estimates() {
        let data = load_cdnow();
        let fit = fit_bgnbd(&data.x, &data.t_x, &data.t).unwrap();
        assert!(fit.converged);
        // Published values are rounded to 3 decimals: 1% relative.
        assert_params_close(&fit.params, &PUBLISHED, 0.01);
        assert!(
            (fit.log_likelihood - PUBLISHED_LOG_LIKELIHOOD).abs() < 0.1,
            "LL {}",
            fit.log_likelihood
        );
        // lifetimes 0.11.3 BetaGeoFitter(penalizer_coef=0).fit on the same file
        // (run outside the project): r 0.24259292827982148, alpha 4.413532265271809,
        // a 0.7928859664406578, b 2.4257523826257374, LL −9582.425561.
        let lifetimes = BgNbdParams {
            r: 0.242_592_928_279_821_5,
            alpha: 4.413_532_265_271_809,
            a: 0.792_885_966_440_657_8,
            b: 2.425_752_382_625_737_4,
        };
        assert_params_close(&fit.params, &lifetimes, 1e-3);
        assert!(
            fit.log_likelihood >= -9_582.425_561 - 1e-6,
            "LL {}",
            fit.log_likelihood
        );
    }

    #[test]
    fn log_likelihood_matches_lifetimes_at_published_parameters() {
        // lifetimes' BetaGeoFitter._negative_log_likelihood × n at the published
        // parameters: −9582.426831 (computed outside the project).
        let data = load_cdnow();
        let ll = PUBLISHED.log_likelihood(&data.x, &data.t_x, &data.t);
        assert!((ll - -9_582.426_831).abs() < 1e-5, "LL {ll}");
        assert!(PUBLISHED
            .log_likelihood(&data.x, &data.t_x, &data.t[1..])
            .is_nan());
    }

    /// (customer id, P(alive), E[purchases in next 39 weeks]) from lifetimes
    /// 0.11.3 `conditional_probability_alive` and
    /// `conditional_expected_number_of_purchases_up_to_time(39, ...)` with the
    /// published parameters, computed outside the project.
    const LIFETIMES_CUSTOMERS: [(u32, f64, f64); 7] = [
        (1, 0.726_578_570_081, 1.226_028_174_77),
        (2, 0.212_100_985_377, 0.203_186_987_08),
        (3, 1.0, 0.195_098_052_011),
        (148, 0.945_688_612_643, 8.984_887_148_29),
        (157, 0.969_129_518_159, 20.052_948_986_5),
        (1901, 2.489_760_092_47e-11, 4.499_494_183_83e-10),
        (2357, 1.0, 0.259_395_381_492),
    ];

    #[test]
    fn p_alive_and_conditional_expectation_match_lifetimes() {
        let data = load_cdnow();
        for (id, p_alive, expected_39) in LIFETIMES_CUSTOMERS {
            let (x, t_x, t, _) = data.row(id);
            assert_relative(
                PUBLISHED.p_alive(x, t_x, t),
                p_alive,
                1e-10,
                &format!("P(alive) id {id}"),
            );
            assert_relative(
                PUBLISHED.expected_purchases(39.0, x, t_x, t),
                expected_39,
                1e-10,
                &format!("E[39 weeks] id {id}"),
            );
        }
    }

    #[test]
    fn paper_example_customer() {
        // Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 → 1.226
        // expected purchases in the next 39 weeks.
        let expected = PUBLISHED.expected_purchases(39.0, 2.0, 30.43, 38.86);
        assert!((expected - 1.226).abs() < 5e-4, "{expected}");
    }

    #[test]
    fn unconditional_expectation_matches_lifetimes() {
        // lifetimes `expected_number_of_purchases_up_to_time(t)` with the
        // published parameters, computed outside the project.
        for (horizon, expected) in [
            (1.0, 0.053_267_891_171_7),
            (39.0, 1.196_723_193_32),
            (78.0, 1.860_519_057_94),
            (520.0, 4.974_617_861_85),
        ] {
            assert_relative(
                PUBLISHED.expected_purchases_new(horizon),
                expected,
                1e-10,
                "E[X(t)]",
            );
        }
        assert_eq!(PUBLISHED.expected_purchases_new(0.0), 0.0);
    }

    #[test]
    fn expectation_is_continuous_through_a_equal_one() {
        // a = 1 is a removable singularity of eq. (10)'s (a+b+x−1)/(a−1) factor.
        let at = |a: f64| BgNbdParams { a, ..PUBLISHED }.expected_purchases(52.0, 3.0, 20.0, 40.0);
        let (below, exact, above) = (at(1.0 - 1e-9), at(1.0), at(1.0 + 1e-9));
        assert!(exact.is_finite() && exact > 0.0);
        assert_relative(below, exact, 1e-7, "a = 1 − 1e-9");
        assert_relative(above, exact, 1e-7, "a = 1 + 1e-9");
    }

    #[test]
    fn expectation_is_finite_for_long_horizons_and_new_customers() {
        for horizon in [1e-9, 1.0, 520.0, 5_200.0, 52_000.0] {
            for (x, t_x, t) in [
                (0.0, 0.0, 0.0),
                (0.0, 0.0, 0.1),
                (1.0, 0.1, 0.1),
                (40.0, 10.0, 10.0),
            ] {
                let e = PUBLISHED.expected_purchases(horizon, x, t_x, t);
                assert!(
                    e.is_finite() && e >= 0.0,
                    "h {horizon} x {x} t_x {t_x} T {t}: {e}"
                );
            }
        }
        // More horizon, more purchases.
        let short = PUBLISHED.expected_purchases(52.0, 2.0, 10.0, 20.0);
        let long = PUBLISHED.expected_purchases(104.0, 2.0, 10.0, 20.0);
        assert!(long > short);
    }

    #[test]
    fn expectation_matches_mpmath_in_hard_parameter_regimes() {
        // Eq. (10) without P(alive), evaluated with mpmath.hyp2f1 at 60 digits
        // outside the project: large r (the Euler form cancels), huge a and b
        // (the sums overflow f64), a next to 1, and x = 0 with a + b < 1.
        // (r, alpha, a, b, horizon, x, T, expected if alive)
        #[rustfmt::skip]
        let cases = [
            (271_663.575_351_993, 217_211.434_220_137_7, 13.123_631_874_207_243, 2.849_639_522_456_195e-8,
             3.0, 0.0, 2.5, 0.976_529_073_621_982_3),
            (50.0, 40.0, 0.5, 2.0, 39.0, 3.0, 30.0, 16.222_885_536_712_353),
            (200.0, 100.0, 0.793, 2.426, 52.0, 0.0, 20.0, 13.138_246_491_758_484),
            (0.243, 4.414, 1e5, 1e5, 39.0, 2.0, 38.86, 1.131_711_677_648_617),
            (0.243, 4.414, 1e6, 2e6, 520.0, 0.0, 0.0, 1.777_882_261_331_552_5),
            (1e6, 1e6, 0.793, 2.426, 39.0, 5.0, 38.0, 16.764_467_014_012_34),
            (5.0, 2.0, 1.000_000_1, 3.0, 100.0, 1.0, 10.0, 10.560_643_178_666_231),
            (0.3, 2.0, 0.2, 0.5, 100.0, 0.0, 5.0, 2.471_375_336_907_606),
        ];
        for (r, alpha, a, b, horizon, x, t, expected) in cases {
            let params = BgNbdParams { r, alpha, a, b };
            let if_alive = params.expected_purchases_if_alive(horizon, x, t);
            assert_relative(
                if_alive,
                expected,
                1e-9,
                &format!("{params:?} h {horizon} x {x} T {t}"),
            );
        }
    }

    #[test]
    fn random_finite_inputs_give_finite_results_or_errors() {
        let mut rng = Rng::new(7);
        let scale = |rng: &mut Rng| 10f64.powf(rng.uniform() * 12.0 - 6.0);
        for _ in 0..20 {
            let n = 10 + (rng.uniform() * 30.0) as usize;
            let (time_scale, count_scale) = (scale(&mut rng), scale(&mut rng).min(1e5));
            let (mut x, mut t_x, mut t) = (vec![], vec![], vec![]);
            for _ in 0..n {
                let ti = rng.uniform() * time_scale;
                let xi = (rng.uniform() * count_scale).floor();
                x.push(xi);
                t.push(ti);
                t_x.push(if xi > 0.0 { rng.uniform() * ti } else { 0.0 });
            }
            if let Ok(fit) = fit_bgnbd(&x, &t_x, &t) {
                assert_finite_fit(&fit);
            }
            let params = BgNbdParams {
                r: scale(&mut rng),
                alpha: scale(&mut rng),
                a: scale(&mut rng),
                b: scale(&mut rng),
            };
            for i in 0..n {
                let horizon = scale(&mut rng).min(1e4);
                let expected = params.expected_purchases(horizon, x[i], t_x[i], t[i]);
                assert!(
                    expected.is_finite() && expected >= 0.0,
                    "{params:?} h {horizon}: {expected}"
                );
                assert!((0.0..=1.0).contains(&params.p_alive(x[i], t_x[i], t[i])));
            }
        }
    }

    #[test]
    fn one_customer_is_too_few() {
        let error = fit_bgnbd(&[2.0], &[30.43], &[38.86]).unwrap_err();
        assert!(
            matches!(error, FitError::TooFewCustomers { found: 1, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("1 given"));
    }

    #[test]
    fn all_zero_frequency_is_rejected() {
        let error = fit_bgnbd(&[0.0; 20], &[0.0; 20], &[30.0; 20]).unwrap_err();
        assert!(
            matches!(error, FitError::NoRepeatBuyers { customers: 20, .. }),
            "{error}"
        );
    }

    #[test]
    fn mismatched_lengths_are_rejected() {
        let error = fit_bgnbd(&[1.0; 12], &[1.0; 11], &[2.0; 12]).unwrap_err();
        assert!(matches!(
            error,
            FitError::LengthMismatch {
                field: "t_x",
                expected: 12,
                found: 11,
                ..
            }
        ));
        let error = fit_bgnbd(&[1.0; 12], &[1.0; 12], &[2.0; 13]).unwrap_err();
        assert!(matches!(error, FitError::LengthMismatch { field: "T", .. }));
    }

    #[test]
    fn invalid_values_are_rejected_with_their_index() {
        let mut t_x = vec![1.0; 12];
        t_x[5] = 3.0; // T is 2
        let error = fit_bgnbd(&[1.0; 12], &t_x, &[2.0; 12]).unwrap_err();
        assert!(
            matches!(
                error,
                FitError::InvalidValue {
                    index: 5,
                    field: "t_x",
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("t_x > T"));
        for (bad_x, field) in [(-1.0, "x"), (1.5, "x"), (f64::NAN, "x")] {
            let mut x = vec![1.0; 12];
            x[3] = bad_x;
            let error = fit_bgnbd(&x, &[1.0; 12], &[2.0; 12]).unwrap_err();
            assert!(
                matches!(error, FitError::InvalidValue { index: 3, field: f, .. } if f == field)
            );
        }
        let mut t = vec![2.0; 12];
        t[11] = f64::INFINITY;
        let error = fit_bgnbd(&[1.0; 12], &[1.0; 12], &t).unwrap_err();
        assert!(matches!(
            error,
            FitError::InvalidValue {
                index: 11,
                field: "T",
                ..
            }
        ));
    }

    #[test]
    fn degenerate_but_valid_inputs_give_finite_parameters_or_an_error() {
        // Everyone bought again right at the end; everyone at T = 0 but one; huge x.
        let cases: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = vec![
            (vec![1.0; 10], vec![5.0; 10], vec![5.0; 10]),
            (
                [vec![0.0; 9], vec![3.0]].concat(),
                vec![0.0; 10],
                [vec![0.0; 9], vec![1.0]].concat(),
            ),
            (vec![1e6; 10], vec![1.0; 10], vec![1.0; 10]),
            (
                (0..10).map(|i| i as f64).collect(),
                vec![1e-9; 10],
                vec![1e9; 10],
            ),
        ];
        for (x, t_x, t) in cases {
            match fit_bgnbd(&x, &t_x, &t) {
                Ok(fit) => assert_finite_fit(&fit),
                Err(error) => assert!(!error.to_string().is_empty()),
            }
        }
    }

    /// A fit that succeeded has finite parameters and log-likelihood.
    fn assert_finite_fit(fit: &Fit<BgNbdParams>) {
        let p = fit.params;
        assert!([p.r, p.alpha, p.a, p.b, fit.log_likelihood].iter().all(|v| v.is_finite()), "{fit:?}");
    }

    /// Simulates BG/NBD customers with T uniform on [26, 104] weeks.
    fn simulate(params: &BgNbdParams, customers: usize, rng: &mut Rng) -> [Vec<f64>; 3] {
        let (mut x, mut t_x, mut t) = (vec![], vec![], vec![]);
        for _ in 0..customers {
            let lambda = rng.gamma(params.r, params.alpha);
            let dropout = rng.beta(params.a, params.b);
            let horizon = 26.0 + 78.0 * rng.uniform();
            let (mut purchases, mut last, mut now) = (0.0, 0.0, 0.0);
            loop {
                now += rng.exponential(lambda);
                if now > horizon {
                    break;
                }
                purchases += 1.0;
                last = now;
                if rng.uniform() < dropout {
                    break;
                }
            }
            x.push(purchases);
            t_x.push(last);
            t.push(horizon);
        }
        [x, t_x, t]
    }

    /// Speed and recovery check on 100 000 simulated customers. Run with
    /// `cargo test --release -- --ignored --nocapture bgnbd_fit_100k`.
    #[test]
    #[ignore]
    fn bgnbd_fit_100k_simulated_customers() {
        let truth = BgNbdParams {
            r: 0.25,
            alpha: 4.0,
            a: 0.8,
            b: 2.5,
        };
        let [x, t_x, t] = simulate(&truth, 100_000, &mut Rng::new(2005));
        let started = std::time::Instant::now();
        let fit = fit_bgnbd(&x, &t_x, &t).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "BG/NBD 100k customers: {seconds:.2} s, {} iterations, {:?}, LL {:.2}",
            fit.iterations, fit.params, fit.log_likelihood
        );
        assert_params_close(&fit.params, &truth, 0.1);
        assert!(
            fit.log_likelihood >= truth.log_likelihood(&x, &t_x, &t),
            "the fit must beat the truth"
        );
    }
}
