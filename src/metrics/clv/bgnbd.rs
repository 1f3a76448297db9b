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

use super::fitting::{fit_with_gradients, FitSpec};
use super::optimize::{Fit, FitError, BGNBD, MIN_CUSTOMERS};
use super::rfm::{sum_over, time_scale, validate_rfm, RfmPatterns};
use super::special::{digamma, ln_gamma, log_add_exp};

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
/// time rescaling of `rfm`), which keeps it positive, finite and well scaled.
pub const LN_PARAMETER_BOUND: f64 = 13.815_510_557_964_274; // ln 1e6

/// Fits the BG/NBD model by maximum likelihood.
///
/// Validates the inputs (same lengths; x a whole number ≥ 0; 0 ≤ t_x ≤ T; all
/// finite), needs at least `MIN_CUSTOMERS` customers and at least one repeat
/// purchase, then minimises the mean negative log-likelihood over ln(r, α, a, b)
/// with analytic gradients (see `fitting`).
pub fn fit_bgnbd(x: &[f64], t_x: &[f64], t: &[f64]) -> Result<Fit<BgNbdParams>, FitError> {
    fit_beta_geometric(BGNBD, Variant::Bg, x, t_x, t)
}

/// BG/NBD and MBG/NBD differ only in whether a customer can drop out right
/// after the first purchase (MBG/NBD, Batislam, Denizel & Filiztekin 2007).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Variant {
    Bg,
    Mbg,
}

impl Variant {
    /// k in lnΓ(b+x+k) − lnΓ(a+b+x+k) and ln(b+x−1+k).
    fn shift(self) -> f64 {
        match self {
            Variant::Bg => 0.0,
            Variant::Mbg => 1.0,
        }
    }
}

pub(super) fn fit_beta_geometric(
    model: &'static str,
    variant: Variant,
    x: &[f64],
    t_x: &[f64],
    t: &[f64],
) -> Result<Fit<BgNbdParams>, FitError> {
    validate_rfm(model, x, t_x, t)?;
    if x.len() < MIN_CUSTOMERS {
        return Err(FitError::TooFewCustomers { model, counted: "customers", found: x.len(), required: MIN_CUSTOMERS });
    }
    if x.iter().all(|&v| v == 0.0) {
        return Err(FitError::NoRepeatBuyers { model, customers: x.len() });
    }
    let scale = time_scale(t);
    let data = RfmPatterns::new(x, t_x, t, scale);
    let mut objective = |ln: &[f64], gradient: &mut [f64]| mean_negative_log_likelihood(&data, variant, ln, gradient);
    let spec = FitSpec { model, bound: LN_PARAMETER_BOUND, starts: starting_points(&data), customers: data.customers };
    let found = fit_with_gradients(&mut objective, &spec)?;
    let mut params = from_ln(&found.point);
    params.alpha /= scale; // α is a rate per time unit: undo the rescaling.
    // Rescaling times by c multiplies each customer's likelihood by c^−x, so the
    // log-likelihood in the data's unit adds Σx · ln c to the fitted one.
    let log_likelihood = -found.value * data.customers + data.total_repeat_purchases * scale.ln();
    Ok(found.into_fit(params, log_likelihood))
}

/// The per-customer methods take one customer's (x, t_x, T) as checked by
/// `fit_bgnbd` (x a whole number ≥ 0, 0 ≤ t_x ≤ T, all finite); they do not
/// check it again, and may return NaN for values that fail those checks.
impl BgNbdParams {
    /// Total log-likelihood of the customers (paper eq. 6 summed), or NaN if
    /// the inputs fail the same checks as `fit_bgnbd`.
    pub fn log_likelihood(&self, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
        log_likelihood_of(Variant::Bg, self, x, t_x, t)
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

    // `expected_purchases_if_alive`, eq. 10 without its P(alive) factor, is in
    // `conditional` with the three ways of summing it.
}

fn from_ln(ln_params: &[f64]) -> BgNbdParams {
    BgNbdParams { r: ln_params[0].exp(), alpha: ln_params[1].exp(), a: ln_params[2].exp(), b: ln_params[3].exp() }
}

/// Starting points in ln-parameter space (times already rescaled): two that
/// match the observed purchase rate r/α ≈ Σx / ΣT with low and high dropout,
/// and lifetimes' default.
fn starting_points(data: &RfmPatterns) -> Vec<Vec<f64>> {
    let rate = (data.total_repeat_purchases / data.total_time.max(f64::MIN_POSITIVE)).max(1e-3);
    let ln = |r: f64, alpha: f64, a: f64, b: f64| vec![r.ln(), alpha.ln(), a.ln(), b.ln()];
    vec![ln(1.0, 1.0 / rate, 1.0, 3.0), ln(0.5, 0.5 / rate, 0.5, 5.0), ln(0.1, 0.1, 0.1, 0.1)]
}

/// Total log-likelihood of the customers, or NaN if the inputs fail the checks.
pub(super) fn log_likelihood_of(variant: Variant, params: &BgNbdParams, x: &[f64], t_x: &[f64], t: &[f64]) -> f64 {
    if validate_rfm(BGNBD, x, t_x, t).is_err() {
        return f64::NAN;
    }
    let data = RfmPatterns::new(x, t_x, t, 1.0);
    let ln = [params.r.ln(), params.alpha.ln(), params.a.ln(), params.b.ln()];
    -mean_negative_log_likelihood(&data, variant, &ln, &mut [0.0; 4]) * data.customers
}

/// Mean over customers of −ln L at ln(r, α, a, b), and its gradient with respect
/// to those logarithms. Per pattern (paper eq. 6; MBG/NBD with k = 1):
///
/// ln L = A₁ + A₂ + ln(e^A₃ + 1{x>0 or MBG} e^A₄),
/// A₁ = lnΓ(r+x) − lnΓ(r) + r ln α,
/// A₂ = lnΓ(a+b) + lnΓ(b+x+k) − lnΓ(b) − lnΓ(a+b+x+k),
/// A₃ = −(r+x) ln(α+T),
/// A₄ = ln a − ln(b+x−1+k) − (r+x) ln(α+t_x),
///
/// the last term a log-sum-exp, whose gradient weighs A₃'s and A₄'s
/// derivatives by w = e^A₄ / (e^A₃ + e^A₄).
pub(super) fn mean_negative_log_likelihood(data: &RfmPatterns, variant: Variant, ln: &[f64], gradient: &mut [f64]) -> f64 {
    let (r, alpha, a, b) = (ln[0].exp(), ln[1].exp(), ln[2].exp(), ln[3].exp());
    let k = variant.shift();
    let (ln_alpha, psi_r, psi_ab, psi_b) = (alpha.ln(), digamma(r), digamma(a + b), digamma(b));
    let shared = r * ln_alpha - ln_gamma(r) + ln_gamma(a + b) - ln_gamma(b);
    // Per distinct x: A₁ + A₂, its derivatives in r, a, b, and the dropout term ln a − ln(b+x−1+k).
    struct PerX {
        base: f64,
        d_r: f64,
        d_a: f64,
        d_b: f64,
        dropout: f64,
        inv_bx: f64,
        with_dropout: bool,
    }
    let per_x: Vec<PerX> = data
        .distinct_x
        .iter()
        .map(|&x| {
            let psi_abx = digamma(a + b + x + k);
            let with_dropout = x > 0.0 || variant == Variant::Mbg;
            let bx = b + x - 1.0 + k;
            PerX {
                base: shared + ln_gamma(r + x) + ln_gamma(b + x + k) - ln_gamma(a + b + x + k),
                d_r: digamma(r + x) - psi_r + ln_alpha,
                d_a: psi_ab - psi_abx,
                d_b: psi_ab + digamma(b + x + k) - psi_b - psi_abx,
                dropout: if with_dropout { a.ln() - bx.ln() } else { 0.0 },
                inv_bx: if with_dropout { 1.0 / bx } else { 0.0 },
                with_dropout,
            }
        })
        .collect();
    let logs = |values: &[f64]| -> Vec<(f64, f64)> { values.iter().map(|&t| ((alpha + t).ln(), 1.0 / (alpha + t))).collect() };
    let (per_t, per_tx) = (logs(&data.distinct_t), logs(&data.distinct_tx));
    let [total, g_r, g_alpha, g_a, g_b] = sum_over(&data.patterns, |p| {
        let px = &per_x[p.x_index as usize];
        let x = data.distinct_x[p.x_index as usize];
        let (lt, inv_t) = per_t[p.t_index as usize];
        let a3 = -(r + x) * lt;
        let (tail, w, ltx, inv_tx) = if px.with_dropout {
            let (ltx, inv_tx) = per_tx[p.tx_index as usize];
            let a4 = px.dropout - (r + x) * ltx;
            let tail = log_add_exp(a3, a4);
            (tail, (a4 - tail).exp(), ltx, inv_tx)
        } else {
            (a3, 0.0, 0.0, 0.0)
        };
        let weight = p.weight;
        [
            weight * (px.base + tail),
            weight * (px.d_r - (1.0 - w) * lt - w * ltx),
            weight * ((r + x) * ((1.0 - w) * inv_t + w * inv_tx)),
            weight * (px.d_a + w / a),
            weight * (px.d_b - w * px.inv_bx),
        ]
    });
    let n = data.customers;
    // d/d ln θ = θ d/dθ, of the mean *negative* log-likelihood; α's r/α term is per customer.
    gradient[0] = -r * g_r / n;
    gradient[1] = -(r - alpha * g_alpha / n);
    gradient[2] = -a * g_a / n;
    gradient[3] = -b * g_b / n;
    -total / n
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
