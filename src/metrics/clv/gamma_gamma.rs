//! Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "The
//! Gamma-Gamma model of monetary value", http://www.brucehardie.com/notes/025/)
//! and the discounted customer lifetime value that combines it with BG/NBD.
//!
//! A customer's purchase amounts are Gamma(p, ν) (ν a rate), so their mean
//! spend is p/ν; across customers ν ~ Gamma(q, v). The observed average `m` of
//! a customer's `x` repeat purchases is then informative about p/ν, shrunk
//! towards the population mean p·v/(q−1). Spend is assumed independent of the
//! purchase process.

use std::collections::HashMap;

use super::bgnbd::BgNbdParams;
use super::fitting::{fit_with_gradients, FitSpec};
use super::optimize::{check_length, check_value, Fit, FitError, GAMMA_GAMMA, MIN_CUSTOMERS};
use super::special::{digamma, ln_gamma};

/// Gamma-Gamma parameters: purchase amounts ~ Gamma(`p`, ν), ν ~ Gamma(`q`, `v`).
/// `v` is in the currency unit of the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGammaParams {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

/// Parameters are searched as ln(θ) within [ln 1e-6, ln 1e6], with spend
/// rescaled to a mean of 1 while fitting (so `v` is unit-free there).
const LN_PARAMETER_BOUND: f64 = 13.815_510_557_964_274; // ln 1e6

/// Fits the Gamma-Gamma model by maximum likelihood on the customers with
/// x > 0 (customers with x == 0 are skipped, whatever their `m`).
///
/// `x` is the number of repeat purchases and `m` their average value. Both must
/// have the same length; x must be a whole number ≥ 0 and, where x > 0, m must
/// be finite and > 0. At least `MIN_CUSTOMERS` customers with x > 0 are needed.
pub fn fit_gamma_gamma(x: &[f64], m: &[f64]) -> Result<Fit<GammaGammaParams>, FitError> {
    let (repeat_x, repeat_m) = repeat_buyers(x, m)?;
    if repeat_x.is_empty() {
        return Err(FitError::NoRepeatBuyers {
            model: GAMMA_GAMMA,
            customers: x.len(),
        });
    }
    if repeat_x.len() < MIN_CUSTOMERS {
        return Err(FitError::TooFewCustomers {
            model: GAMMA_GAMMA,
            counted: "customers with repeat purchases",
            found: repeat_x.len(),
            required: MIN_CUSTOMERS,
        });
    }

    let mean_spend = repeat_m.iter().sum::<f64>() / repeat_m.len() as f64;
    let scaled_m: Vec<f64> = repeat_m.iter().map(|m| m / mean_spend).collect();
    let data = SpendHistories::new(&repeat_x, &scaled_m);

    let mut objective = |ln: &[f64], gradient: &mut [f64]| data.mean_negative_log_likelihood(&from_ln(ln), gradient);
    let spec = FitSpec { model: GAMMA_GAMMA, bound: LN_PARAMETER_BOUND, starts: starting_points(), customers: data.customers };
    let found = fit_with_gradients(&mut objective, &spec)?;

    let mut params = from_ln(&found.point);
    params.v *= mean_spend; // v is a rate scale in currency units: undo the rescaling.
    let log_likelihood = SpendHistories::new(&repeat_x, &repeat_m).total_log_likelihood(&params);
    Ok(found.into_fit(params, log_likelihood))
}

impl GammaGammaParams {
    /// Total log-likelihood of the customers with x > 0 (the note's eq. 1a
    /// summed), or NaN if the inputs fail the checks of `fit_gamma_gamma`.
    pub fn log_likelihood(&self, x: &[f64], m: &[f64]) -> f64 {
        match repeat_buyers(x, m) {
            Ok((repeat_x, repeat_m)) => {
                SpendHistories::new(&repeat_x, &repeat_m).total_log_likelihood(self)
            }
            Err(_) => f64::NAN,
        }
    }

    /// Mean spend per purchase in the population, p·v/(q−1); `None` when
    /// q ≤ 1, where the model's mean spend is infinite.
    pub fn population_mean_spend(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.p * self.v / (self.q - 1.0))
    }

    /// Expected average spend per purchase of a customer whose `x` repeat
    /// purchases averaged `m`:
    /// (p·v + p·x·m) / (p·x + q − 1), a weighted mean of the population mean
    /// p·v/(q−1) and m with weight p·x/(p·x + q − 1) on m.
    ///
    /// For x = 0 this is the population mean. Returns +∞ when the weight on the
    /// population mean is positive and that mean is infinite (q ≤ 1).
    pub fn expected_spend(&self, x: f64, m: f64) -> f64 {
        let x = if x.is_nan() { 0.0 } else { x.max(0.0) };
        let m = if x > 0.0 { m } else { 0.0 };
        let denominator = self.p * x + self.q - 1.0;
        if denominator <= 0.0 {
            return f64::INFINITY;
        }
        (self.p * self.v + self.p * x * m) / denominator
    }
}

/// Discounted expected customer lifetime value over `horizon_months` months:
///
/// Σ_{i=1..H} (E[purchases by month i] − E[purchases by month i−1])
///            · expected spend · margin / (1 + monthly rate)^i,
///
/// with purchases from the BG/NBD conditional expectation (months converted to
/// the data's time unit with `units_per_month`, e.g. 365.25/7/12 for weeks),
/// spend from Gamma-Gamma, and a monthly rate that compounds to
/// `annual_discount` over a year: (1 + annual_discount)^(1/12) − 1.
///
/// Returns NaN for meaningless arguments (annual_discount ≤ −1, units_per_month
/// ≤ 0, or any of them NaN); 0 when no purchases are expected.
#[allow(clippy::too_many_arguments)]
pub fn clv(
    bg: &BgNbdParams,
    gg: &GammaGammaParams,
    x: f64,
    t_x: f64,
    t: f64,
    m: f64,
    margin: f64,
    horizon_months: u32,
    annual_discount: f64,
    units_per_month: f64,
) -> f64 {
    if !(annual_discount > -1.0 && units_per_month > 0.0) || margin.is_nan() {
        return f64::NAN;
    }
    let monthly_growth = (1.0 + annual_discount).powf(1.0 / 12.0);
    let mut discounted_purchases = 0.0;
    let mut discount = 1.0;
    let mut purchases_so_far = 0.0;
    for month in 1..=horizon_months {
        let purchases = bg.expected_purchases(f64::from(month) * units_per_month, x, t_x, t);
        discount /= monthly_growth;
        discounted_purchases += (purchases - purchases_so_far) * discount;
        purchases_so_far = purchases;
    }
    if discounted_purchases == 0.0 {
        return 0.0; // avoids 0 · ∞ when the expected spend is infinite
    }
    discounted_purchases * gg.expected_spend(x, m) * margin
}

/// Validates `x` and `m` and returns the customers with x > 0.
fn repeat_buyers(x: &[f64], m: &[f64]) -> Result<(Vec<f64>, Vec<f64>), FitError> {
    check_length(GAMMA_GAMMA, "m", m, x.len())?;
    let mut repeat_x = Vec::new();
    let mut repeat_m = Vec::new();
    for (i, (&xi, &mi)) in x.iter().zip(m).enumerate() {
        check_value(
            GAMMA_GAMMA,
            "x",
            i,
            xi,
            xi.is_finite() && xi >= 0.0 && xi.fract() == 0.0,
            "the number of repeat purchases must be a whole number >= 0",
        )?;
        if xi > 0.0 {
            check_value(
                GAMMA_GAMMA,
                "m",
                i,
                mi,
                mi.is_finite() && mi > 0.0,
                "the average spend of a customer with repeat purchases must be finite and > 0",
            )?;
            repeat_x.push(xi);
            repeat_m.push(mi);
        }
    }
    Ok((repeat_x, repeat_m))
}

fn from_ln(ln_params: &[f64]) -> GammaGammaParams {
    GammaGammaParams {
        p: ln_params[0].exp(),
        q: ln_params[1].exp(),
        v: ln_params[2].exp(),
    }
}

/// Starting points in ln-parameter space with spend scaled to mean 1: a few
/// shapes, each with v chosen so the population mean p·v/(q−1) is 1, plus
/// lifetimes' default.
fn starting_points() -> Vec<Vec<f64>> {
    let ln = |p: f64, q: f64| vec![p.ln(), q.ln(), ((q - 1.0) / p).ln()];
    vec![
        ln(1.0, 2.0),
        ln(5.0, 3.0),
        ln(20.0, 10.0),
        vec![0.1f64.ln(); 3],
    ]
}

/// Spend histories grouped for fast likelihood evaluation: lnΓ terms are
/// computed once per distinct x and identical (x, m) pairs once with a weight.
struct SpendHistories {
    distinct_x: Vec<f64>,
    histories: Vec<SpendHistory>,
    customers: f64,
}

struct SpendHistory {
    x_index: usize,
    x: f64,
    m: f64,
    ln_m: f64,
    ln_x: f64,
    weight: f64,
}

impl SpendHistories {
    fn new(x: &[f64], m: &[f64]) -> Self {
        let mut distinct_x = Vec::new();
        let mut x_index_of: HashMap<u64, usize> = HashMap::new();
        let mut history_index_of: HashMap<(u64, u64), usize> = HashMap::new();
        let mut histories: Vec<SpendHistory> = Vec::new();
        for (&xi, &mi) in x.iter().zip(m) {
            let x_index = *x_index_of.entry(xi.to_bits()).or_insert_with(|| {
                distinct_x.push(xi);
                distinct_x.len() - 1
            });
            let index = *history_index_of
                .entry((xi.to_bits(), mi.to_bits()))
                .or_insert_with(|| {
                    histories.push(SpendHistory {
                        x_index,
                        x: xi,
                        m: mi,
                        ln_m: mi.ln(),
                        ln_x: xi.ln(),
                        weight: 0.0,
                    });
                    histories.len() - 1
                });
            histories[index].weight += 1.0;
        }
        SpendHistories {
            distinct_x,
            histories,
            customers: x.len() as f64,
        }
    }

    fn total_log_likelihood(&self, params: &GammaGammaParams) -> f64 {
        -self.mean_negative_log_likelihood(params, &mut [0.0; 3]) * self.customers
    }

    /// Mean over customers of −ln f(m | x), with
    /// ln f = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x
    ///        − (px+q) ln(v + x m),
    /// and its gradient with respect to ln p, ln q, ln v written into `gradient`:
    /// ∂/∂p = x [ψ(px+q) − ψ(px) + ln m + ln x − ln(v+xm)],
    /// ∂/∂q = ψ(px+q) − ψ(q) + ln v − ln(v+xm), ∂/∂v = q/v − (px+q)/(v+xm).
    fn mean_negative_log_likelihood(&self, params: &GammaGammaParams, gradient: &mut [f64]) -> f64 {
        let &GammaGammaParams { p, q, v } = params;
        let (ln_v, psi_q) = (v.ln(), digamma(q));
        let shared = q * ln_v - ln_gamma(q);
        // (lnΓ terms, ψ(px+q), ψ(px)) per distinct x.
        let per_x: Vec<(f64, f64, f64)> = self
            .distinct_x
            .iter()
            .map(|&x| (shared + ln_gamma(p * x + q) - ln_gamma(p * x), digamma(p * x + q), digamma(p * x)))
            .collect();
        let (mut total, mut g_p, mut g_q, mut g_v) = (0.0, 0.0, 0.0, 0.0);
        for h in &self.histories {
            let (base, psi_pxq, psi_px) = per_x[h.x_index];
            let px = p * h.x;
            let ln_vxm = (v + h.x * h.m).ln();
            let ll = base + (px - 1.0) * h.ln_m + px * h.ln_x - (px + q) * ln_vxm;
            total += h.weight * ll;
            g_p += h.weight * h.x * (psi_pxq - psi_px + h.ln_m + h.ln_x - ln_vxm);
            g_q += h.weight * (psi_pxq - psi_q + ln_v - ln_vxm);
            g_v += h.weight * (q / v - (px + q) / (v + h.x * h.m));
        }
        let n = self.customers;
        gradient[0] = -p * g_p / n;
        gradient[1] = -q * g_q / n;
        gradient[2] = -v * g_v / n;
        -total / n
    }
}

#[cfg(test)]
mod tests {
    use super::super::optimize::test_support::{assert_relative, load_cdnow, Cdnow, Rng};
    use super::*;

    /// Published CDNOW fit (Fader, Hardie & Lee 2005, Gamma-Gamma note).
    const PUBLISHED: GammaGammaParams = GammaGammaParams {
        p: 6.25,
        q: 3.74,
        v: 15.44,
    };
    /// Published BG/NBD fit on the same data.
    const PUBLISHED_BGNBD: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    fn assert_params_close(actual: &GammaGammaParams, expected: &GammaGammaParams, tolerance: f64) {
        assert_relative(actual.p, expected.p, tolerance, "p");
        assert_relative(actual.q, expected.q, tolerance, "q");
        assert_relative(actual.v, expected.v, tolerance, "v");
    }

    #[test]
    fn fit_reproduces_published_cdnow_estimates() {
        let data = load_cdnow();
        let fit = fit_gamma_gamma(&data.x, &data.m).unwrap();
        assert!(fit.converged);
        // Published values are rounded to 2 decimals: 1% relative.
        assert_params_close(&fit.params, &PUBLISHED, 0.01);
        // lifetimes 0.11.3 GammaGammaFitter(penalizer_coef=0).fit on the 946
        // customers with x > 0 (run outside the project): p 6.24880249607099,
        // q 3.7445884609237634, v 15.447748064943575, LL −4055.923244.
        let lifetimes = GammaGammaParams {
            p: 6.248_802_496_070_99,
            q: 3.744_588_460_923_763_4,
            v: 15.447_748_064_943_575,
        };
        assert_params_close(&fit.params, &lifetimes, 1e-3);
        assert!(
            (fit.log_likelihood - -4_055.923_244).abs() < 1e-4,
            "LL {}",
            fit.log_likelihood
        );
    }

    #[test]
    fn log_likelihood_matches_lifetimes_at_published_parameters() {
        // lifetimes' GammaGammaFitter._negative_log_likelihood × 946 at the
        // published parameters: −4055.924713 (computed outside the project).
        let data = load_cdnow();
        let ll = PUBLISHED.log_likelihood(&data.x, &data.m);
        assert!((ll - -4_055.924_713).abs() < 1e-5, "LL {ll}");
    }

    #[test]
    fn expected_spend_matches_lifetimes() {
        // lifetimes `conditional_expected_average_profit(x, m)` with the
        // published parameters, computed outside the project.
        let data = load_cdnow();
        for (id, expected) in [
            (1, 24.663_713_910_8),
            (2, 18.916_852_057_8),
            (3, 35.218_978_102_2),
            (148, 29.531_789_498_7),
            (157, 26.393_418_120_6),
            (1901, 294.222_983_058),
        ] {
            let (x, _, _, m) = data.row(id);
            assert_relative(
                PUBLISHED.expected_spend(x, m),
                expected,
                1e-10,
                &format!("spend id {id}"),
            );
        }
        assert_relative(
            PUBLISHED.population_mean_spend().unwrap(),
            35.218_978_102_2,
            1e-10,
            "mean",
        );
        let heavy_tailed = GammaGammaParams {
            q: 0.9,
            ..PUBLISHED
        };
        assert_eq!(heavy_tailed.population_mean_spend(), None);
        assert_eq!(heavy_tailed.expected_spend(0.0, 0.0), f64::INFINITY);
        assert!(heavy_tailed.expected_spend(3.0, 20.0).is_finite());
    }

    /// CLV of CDNOW customer `id` at the published parameters: 36 months, 10% a year,
    /// margin 0.3, with months of `weeks_per_month` weeks.
    fn cdnow_clv(data: &Cdnow, id: u32, weeks_per_month: f64) -> f64 {
        let (x, t_x, t, m) = data.row(id);
        clv(&PUBLISHED_BGNBD, &PUBLISHED, x, t_x, t, m, 0.3, 36, 0.10, weeks_per_month)
    }

    #[test]
    fn clv_matches_reference_built_from_lifetimes_predictions() {
        // Σ_{i=1..36} ΔE[purchases](month i) · spend · 0.3 / (1.1^(1/12))^i with
        // lifetimes' conditional_expected_number_of_purchases_up_to_time and
        // conditional_expected_average_profit at the published parameters,
        // 365.25/7/12 weeks per month (computed outside the project).
        let data = load_cdnow();
        let weeks_per_month = 365.25 / 7.0 / 12.0;
        for (id, expected) in [
            (1, 23.296_413_107_4),
            (3, 5.825_482_154),
            (157, 373.317_356_904),
        ] {
            assert_relative(cdnow_clv(&data, id, weeks_per_month), expected, 1e-9, &format!("CLV id {id}"));
        }
    }

    #[test]
    fn clv_matches_lifetimes_customer_lifetime_value() {
        // lifetimes 0.11.3 GammaGammaFitter.customer_lifetime_value(bgf, ...,
        // time=36, discount_rate=1.1**(1/12) − 1, freq='W') — which steps months of
        // 4.345 weeks and takes a monthly rate — at the published parameters, × 0.3
        // margin (computed outside the project).
        let data = load_cdnow();
        for (id, expected) in [
            (1, 23.284_555_169_5),
            (3, 5.822_123_520_01),
            (157, 373.147_211_392),
            (1901, 8.998_344_119_17e-8),
        ] {
            assert_relative(cdnow_clv(&data, id, 4.345), expected, 1e-9, &format!("CLV id {id}"));
        }
    }

    #[test]
    fn clv_edge_cases() {
        let (bg, gg) = (PUBLISHED_BGNBD, PUBLISHED);
        assert_eq!(clv(&bg, &gg, 2.0, 30.0, 38.0, 20.0, 0.3, 0, 0.1, 4.0), 0.0);
        assert!(clv(&bg, &gg, 2.0, 30.0, 38.0, 20.0, 0.3, 12, -1.0, 4.0).is_nan());
        assert!(clv(&bg, &gg, 2.0, 30.0, 38.0, 20.0, 0.3, 12, 0.1, 0.0).is_nan());
        // Without discounting, CLV is spend × margin × expected purchases.
        let undiscounted = clv(&bg, &gg, 2.0, 30.0, 38.0, 20.0, 0.5, 12, 0.0, 4.0);
        let direct =
            bg.expected_purchases(48.0, 2.0, 30.0, 38.0) * gg.expected_spend(2.0, 20.0) * 0.5;
        assert_relative(undiscounted, direct, 1e-12, "undiscounted");
        // Discounting lowers it.
        assert!(clv(&bg, &gg, 2.0, 30.0, 38.0, 20.0, 0.5, 12, 0.2, 4.0) < undiscounted);
    }

    #[test]
    fn zero_frequency_customers_are_skipped() {
        let data = load_cdnow();
        let mut m = data.m.clone();
        for (mi, &xi) in m.iter_mut().zip(&data.x) {
            if xi == 0.0 {
                *mi = f64::NAN; // ignored for x = 0
            }
        }
        let fit = fit_gamma_gamma(&data.x, &m).unwrap();
        assert_params_close(&fit.params, &PUBLISHED, 0.01);
    }

    #[test]
    fn too_few_or_no_repeat_buyers_are_rejected() {
        let error = fit_gamma_gamma(&[2.0], &[20.0]).unwrap_err();
        assert!(
            matches!(error, FitError::TooFewCustomers { found: 1, .. }),
            "{error}"
        );
        let error = fit_gamma_gamma(&[0.0; 30], &[0.0; 30]).unwrap_err();
        assert!(
            matches!(error, FitError::NoRepeatBuyers { customers: 30, .. }),
            "{error}"
        );
        let error = fit_gamma_gamma(&[1.0; 30], &[10.0; 29]).unwrap_err();
        assert!(
            matches!(error, FitError::LengthMismatch { field: "m", .. }),
            "{error}"
        );
        let mut m = vec![10.0; 30];
        m[4] = -5.0;
        let error = fit_gamma_gamma(&[1.0; 30], &m).unwrap_err();
        assert!(
            matches!(
                error,
                FitError::InvalidValue {
                    index: 4,
                    field: "m",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn identical_spend_gives_finite_parameters_or_an_error() {
        // No spread in spend: the likelihood keeps rising towards the bounds.
        match fit_gamma_gamma(&[2.0; 20], &[10.0; 20]) {
            Ok(fit) => {
                let p = fit.params;
                assert!(
                    [p.p, p.q, p.v, fit.log_likelihood]
                        .iter()
                        .all(|v| v.is_finite()),
                    "{fit:?}"
                );
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }

    /// Speed and recovery check on 100 000 simulated customers with 1–10
    /// repeat purchases each. Run with
    /// `cargo test --release -- --ignored --nocapture gamma_gamma_fit_100k`.
    #[test]
    #[ignore]
    fn gamma_gamma_fit_100k_simulated_customers() {
        let truth = GammaGammaParams {
            p: 6.0,
            q: 4.0,
            v: 15.0,
        };
        let mut rng = Rng::new(2005);
        let (mut x, mut m) = (vec![], vec![]);
        for _ in 0..100_000 {
            let purchases = 1 + (rng.uniform() * 10.0) as usize;
            let nu = rng.gamma(truth.q, truth.v);
            let total: f64 = (0..purchases).map(|_| rng.gamma(truth.p, nu)).sum();
            x.push(purchases as f64);
            m.push(total / purchases as f64);
        }
        let started = std::time::Instant::now();
        let fit = fit_gamma_gamma(&x, &m).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "Gamma-Gamma 100k customers: {seconds:.2} s, {} iterations, {:?}, LL {:.2}",
            fit.iterations, fit.params, fit.log_likelihood
        );
        // p and v are strongly negatively correlated (their product sets the mean
        // spend), so each is only recovered to a few per cent at this size; the
        // mean spend and the likelihood are sharper checks.
        assert_params_close(&fit.params, &truth, 0.1);
        let mean = fit.params.population_mean_spend().unwrap();
        assert_relative(
            mean,
            truth.population_mean_spend().unwrap(),
            0.01,
            "population mean spend",
        );
        assert!(
            fit.log_likelihood >= truth.log_likelihood(&x, &m),
            "the fit must beat the truth"
        );
    }
}
