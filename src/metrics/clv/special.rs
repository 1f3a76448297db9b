//! Special functions needed by the CLV models: ln Γ and the Gaussian
//! hypergeometric function ₂F₁ on the argument range the BG/NBD model uses.
//!
//! Both are plain `f64` code with no dependencies. Accuracy targets are those
//! of the models' needs (about 1e-14 relative), checked in the tests below
//! against values computed with scipy and mpmath.

// Reference constants are quoted to the digits their sources give.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

/// Largest number of series terms summed before giving up (about 1 ms).
/// Reached only when `z` is within about 2e-4 of 1, i.e. in BG/NBD a horizon
/// more than ~5 000 times the customer's `alpha + T`; the partial sum is then
/// used (see docs/clv.md for its accuracy).
const MAX_SERIES_TERMS: usize = 200_000;

/// Relative size of the neglected tail at which a series counts as summed.
const SERIES_TOLERANCE: f64 = 1e-16;

/// Lanczos approximation (g = 7, 9 terms), relative error about 1e-15.
const LANCZOS_G: f64 = 7.0;
const LANCZOS_COEFFICIENTS: [f64; 9] = [
    0.999_999_999_999_809_93,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_13,
    -176.615_029_162_140_59,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_571_6e-6,
    1.505_632_735_149_311_6e-7,
];

/// Natural logarithm of the gamma function for `x > 0`.
///
/// Returns `+∞` for `x == 0` and `NaN` for negative or NaN `x` (the models
/// never ask for those).
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum in its accurate range.
        return ln_gamma_lanczos(x + 1.0) - x.ln();
    }
    ln_gamma_lanczos(x)
}

fn ln_gamma_lanczos(x: f64) -> f64 {
    let shifted = x - 1.0;
    let base = shifted + LANCZOS_G + 0.5;
    let series = LANCZOS_COEFFICIENTS[1..]
        .iter()
        .enumerate()
        .fold(LANCZOS_COEFFICIENTS[0], |sum, (i, c)| {
            sum + c / (shifted + (i + 1) as f64)
        });
    0.5 * (2.0 * PI).ln() + (shifted + 0.5) * base.ln() - base + series.ln()
}

/// The digamma function ψ(x) = d/dx ln Γ(x) for `x > 0`: the recurrence
/// ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series (error < 1e-15).
/// Used by the analytic likelihood gradients.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let mut x = x;
    let mut result = 0.0;
    while x < 10.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // B₂ₖ/(2k) terms: 1/12, 1/120, 1/252, 1/240, 1/132, 691/32760, 1/12.
    let series = inv2
        * (1.0 / 12.0
            - inv2 * (1.0 / 120.0 - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * (691.0 / 32760.0 - inv2 / 12.0))))));
    result + x.ln() - 0.5 * inv - series
}

/// `ln(exp(a) + exp(b))` without overflow or underflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let (high, low) = if a >= b { (a, b) } else { (b, a) };
    if low == f64::NEG_INFINITY {
        return high;
    }
    high + (low - high).exp().ln_1p()
}

/// Why a hypergeometric series could not be evaluated.
#[allow(dead_code)] // used by `hyp2f1`, which only tests call in kam
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesError {
    /// `z` is outside (−1, 1) or not finite: the power series does not apply.
    OutOfRange { z: f64 },
    /// `c` is zero or a negative integer: ₂F₁ has a pole there.
    Pole { c: f64 },
    /// The series had not converged after the term limit; `partial` is the
    /// partial sum reached.
    NotConverged { partial: f64, terms: usize },
}

impl std::fmt::Display for SeriesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeriesError::OutOfRange { z } => {
                write!(f, "hypergeometric series needs |z| < 1, got z = {z}")
            }
            SeriesError::Pole { c } => {
                write!(f, "hypergeometric function has a pole at c = {c}")
            }
            SeriesError::NotConverged { partial, terms } => write!(
                f,
                "hypergeometric series did not converge after {terms} terms (partial sum {partial})"
            ),
        }
    }
}

impl std::error::Error for SeriesError {}

/// Result of summing a series. Terms can exceed the `f64` range (the BG/NBD
/// sums grow like (1−z)^−(r+x)), so the sums are kept divided by
/// `exp(ln_scale)`. `scaled_abs_sum` (Σ|tₙ|, same scaling) bounds the rounding
/// error: about `f64::EPSILON · scaled_abs_sum` per unit of scale. If
/// `converged` is false the term limit was reached and the sums are partial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesSum {
    pub scaled_sum: f64,
    pub scaled_abs_sum: f64,
    pub ln_scale: f64,
    pub terms: usize,
    pub converged: bool,
}

impl SeriesSum {
    /// The sum itself (may overflow to ±∞ where the true value does).
    pub fn value(&self) -> f64 {
        if self.ln_scale == 0.0 {
            self.scaled_sum
        } else {
            self.scaled_sum * self.ln_scale.exp()
        }
    }
}

/// Gaussian hypergeometric function ₂F₁(a, b; c; z) for real parameters and
/// −1 < z < 1, by its power series with a convergence check.
///
/// For 0 < z < 1 with c − a − b < 0 the terms decay slowly and the sum is
/// large; Euler's transformation ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z)
/// is summed instead, which converges faster there.
#[allow(dead_code)] // the general function; BG/NBD uses the two series below
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, SeriesError> {
    if !z.is_finite() || z.abs() >= 1.0 {
        return Err(SeriesError::OutOfRange { z });
    }
    if c <= 0.0 && c == c.round() {
        return Err(SeriesError::Pole { c });
    }
    if z == 0.0 {
        return Ok(1.0);
    }
    let excess = c - a - b;
    let (sum, ln_prefactor) = if z > 0.0 && excess < 0.0 {
        (
            hyp2f1_power_series(c - a, c - b, c, z),
            excess * (-z).ln_1p(),
        )
    } else {
        (hyp2f1_power_series(a, b, c, z), 0.0)
    };
    if sum.converged {
        Ok(sum.scaled_sum * (sum.ln_scale + ln_prefactor).exp())
    } else {
        Err(SeriesError::NotConverged {
            partial: sum.scaled_sum * (sum.ln_scale + ln_prefactor).exp(),
            terms: sum.terms,
        })
    }
}

/// The plain power series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ of ₂F₁(a, b; c; z), without
/// transformations; c must not be 0 or a negative integer.
pub fn hyp2f1_power_series(a: f64, b: f64, c: f64, z: f64) -> SeriesSum {
    sum_hypergeometric_terms(a, b, c, z, 0, 1.0)
}

/// `c · (₂F₁(a, b; c; z) − 1) / b`, summed term by term so that it stays
/// finite and accurate as `b → 0` or `c → 0` (both happen in the BG/NBD
/// conditional expectation: `b = a_model − 1`, `c = a + b + x − 1`).
///
/// Its series is Σ_{n≥1} (a)_n (b+1)_{n−1} / ((c+1)_{n−1} n!) zⁿ: the ₂F₁ series
/// from n = 1 on with the common factor c/b cancelled. Needs c > −1 and
/// 0 ≤ z < 1.
pub fn hyp2f1_excess_scaled(a: f64, b: f64, c: f64, z: f64) -> SeriesSum {
    sum_hypergeometric_terms(a, b, c, z, 1, a * z)
}

/// Sums are rescaled by this factor whenever a term exceeds it.
const RESCALE_THRESHOLD: f64 = 1e250;

/// Sums Σ_{n ≥ first_index} tₙ of a hypergeometric series whose terms obey
/// t_{n+1} = tₙ · (a+n)(b+n) z / ((c+n)(n+1)), starting from `first_term`.
///
/// Stops when the tail after the current term, bounded by a geometric series
/// with ratio max(|next ratio|, |z|), is below SERIES_TOLERANCE of the sum.
/// The bound is used only past every sign change of (a+n), (b+n), (c+n), where
/// the ratio varies monotonically towards z.
fn sum_hypergeometric_terms(
    a: f64,
    b: f64,
    c: f64,
    z: f64,
    first_index: usize,
    first_term: f64,
) -> SeriesSum {
    let last_sign_change = (-a).max(-b).max(-c).max(0.0);
    let mut n = first_index as f64;
    let mut sum = SeriesSum {
        scaled_sum: first_term,
        scaled_abs_sum: first_term.abs(),
        ln_scale: 0.0,
        terms: 1,
        converged: false,
    };
    let mut term = first_term;
    while sum.terms < MAX_SERIES_TERMS {
        if term == 0.0 {
            // A terminating series (a or b a non-positive integer) or z == 0.
            sum.converged = true;
            return sum;
        }
        let ratio = (a + n) * (b + n) * z / ((c + n) * (n + 1.0));
        if n > last_sign_change {
            let bound_ratio = ratio.abs().max(z.abs());
            if bound_ratio < 1.0
                && term.abs() * bound_ratio / (1.0 - bound_ratio)
                    <= SERIES_TOLERANCE * sum.scaled_sum.abs()
            {
                sum.converged = true;
                return sum;
            }
        }
        term *= ratio;
        if term.abs() > RESCALE_THRESHOLD {
            term /= RESCALE_THRESHOLD;
            sum.scaled_sum /= RESCALE_THRESHOLD;
            sum.scaled_abs_sum /= RESCALE_THRESHOLD;
            sum.ln_scale += RESCALE_THRESHOLD.ln();
        }
        sum.scaled_sum += term;
        sum.scaled_abs_sum += term.abs();
        sum.terms += 1;
        n += 1.0;
        if !term.is_finite() || !sum.scaled_sum.is_finite() {
            return sum;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
        let error = ((actual - expected) / expected).abs();
        assert!(
            error <= tolerance,
            "actual {actual}, expected {expected}, relative error {error:e} > {tolerance:e}"
        );
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        // Exact values: ln Γ(1) = ln Γ(2) = 0, ln Γ(1/2) = ln √π, ln Γ(10) = ln 9!.
        assert!(ln_gamma(1.0).abs() < 1e-15);
        assert!(ln_gamma(2.0).abs() < 1e-15);
        assert_relative(ln_gamma(0.5), 0.5 * PI.ln(), 1e-14);
        assert_relative(ln_gamma(10.0), 362_880f64.ln(), 1e-14);
        // mpmath.loggamma (30 digits).
        assert_relative(ln_gamma(1e-5), 11.512_919_692_895_826, 1e-14);
        assert_relative(ln_gamma(0.243), 1.318_043_584_699_669_8, 1e-14);
        assert_relative(ln_gamma(3.7445), 1.480_316_243_789_683, 1e-13);
        assert_relative(ln_gamma(1234.5), 7_550.550_901_077_895, 1e-14);
        assert!(ln_gamma(0.0).is_infinite());
        assert!(ln_gamma(-1.0).is_nan());
    }

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(n+1) = ψ(n) + 1/n; mpmath.digamma for the rest.
        let euler = 0.577_215_664_901_532_9;
        assert_relative(digamma(1.0), -euler, 1e-15);
        assert_relative(digamma(0.5), -euler - 2.0 * 2f64.ln(), 1e-15);
        assert_relative(digamma(4.0), -euler + 1.0 + 0.5 + 1.0 / 3.0, 1e-15);
        assert_relative(digamma(1e-3), -1_000.575_571_931_810_3, 1e-14);
        assert_relative(digamma(123.456), 4.811_829_323_828_985, 1e-14);
        // Against the derivative of ln_gamma.
        for x in [0.243, 2.426, 37.5] {
            let h = 1e-5 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - numeric).abs() < 1e-7, "{x}");
        }
    }

    #[test]
    fn log_add_exp_is_stable() {
        assert_relative(log_add_exp(0.0, 0.0), 2f64.ln(), 1e-15);
        assert_relative(
            log_add_exp(-1000.0, -1001.0),
            -1000.0 + (1.0 + (-1f64).exp()).ln(),
            1e-15,
        );
        assert_eq!(log_add_exp(5.0, f64::NEG_INFINITY), 5.0);
    }

    #[test]
    fn hyp2f1_matches_scipy_and_mpmath() {
        // Reference values from mpmath.hyp2f1 at 30 digits (scipy.special.hyp2f1
        // agrees to 1e-14), computed outside the project.
        let cases = [
            // 2F1(1,1;2;z) = −ln(1−z)/z.
            (1.0, 1.0, 2.0, 0.5, 1.386_294_361_119_890_6),
            // The BG/NBD term of the paper's example customer (x = 2, T = 38.86, t = 39).
            (
                2.243,
                4.426,
                4.219,
                0.474_025_816_175_219_4,
                4.575_315_897_643_689_3,
            ),
            // 2F1(½,½;3/2;z²) = arcsin(z)/z.
            (0.5, 0.5, 1.5, 0.25, 1.047_197_551_196_597_7),
            // c − a − b < 0: Euler's transformation path.
            (2.5, 1.5, 0.7, 0.9, 5_527.751_187_992_462_7),
            // Unconditional BG/NBD term, 520-week horizon: z close to 1.
            (
                0.243,
                2.426,
                2.219,
                0.991_582_985_961_473_2,
                4.674_606_249_239_720_8,
            ),
            // Large parameters (a customer with 30 repeat purchases), z = 0.99.
            (31.243, 31.426, 32.219, 0.99, 8.143_058_932_014_313e60),
            // Negative b.
            (0.3, -0.2, 0.1, 0.6, 0.462_012_450_642_408_82),
        ];
        for (a, b, c, z, expected) in cases {
            let value = hyp2f1(a, b, c, z).unwrap();
            assert_relative(value, expected, 1e-13);
        }
    }

    #[test]
    fn power_series_rescales_instead_of_overflowing() {
        // ₂F₁(a, b; b; z) = (1 − z)^−a: with a = 2000, z = 0.5 this is 2^2000 ≈ e^1386.3,
        // far beyond f64; the scaled sum carries it.
        let sum = hyp2f1_power_series(2000.0, 3.0, 3.0, 0.5);
        assert!(sum.converged && sum.ln_scale > 0.0);
        let ln_value = sum.ln_scale + sum.scaled_sum.ln();
        assert_relative(ln_value, 2000.0 * 2f64.ln(), 1e-13);
        assert!(sum.scaled_abs_sum >= sum.scaled_sum);
    }

    #[test]
    fn hyp2f1_terminating_and_edge_cases() {
        // (1 − z)^2 = 2F1(−2, b; b; z).
        assert_relative(hyp2f1(-2.0, 3.0, 3.0, 0.3).unwrap(), 0.49, 1e-15);
        assert_eq!(hyp2f1(1.0, 2.0, 3.0, 0.0), Ok(1.0));
        assert!(matches!(
            hyp2f1(1.0, 2.0, -1.0, 0.5),
            Err(SeriesError::Pole { .. })
        ));
        assert!(matches!(
            hyp2f1(1.0, 2.0, 3.0, 1.0),
            Err(SeriesError::OutOfRange { .. })
        ));
        assert!(matches!(
            hyp2f1(1.0, 2.0, 3.0, f64::NAN),
            Err(SeriesError::OutOfRange { .. })
        ));
    }

    #[test]
    fn hyp2f1_excess_scaled_matches_definition_and_limits() {
        for (a, b, c, z) in [
            (2.2, -0.207, 31.2, 0.47),
            (1.9, 0.4, 0.7, 0.95),
            (0.5, 1.5, 2.5, 0.1),
        ] {
            let direct = c * (hyp2f1(a, b, c, z).unwrap() - 1.0) / b;
            let scaled = hyp2f1_excess_scaled(a, b, c, z);
            assert!(scaled.converged);
            assert_relative(scaled.value(), direct, 1e-12);
        }
        // b → 0: c (2F1 − 1)/b → c Σ (a)_n (n−1)! / ((c)_n n!) zⁿ; for a = c = 1 this is
        // Σ zⁿ/n = −ln(1 − z).
        let limit = hyp2f1_excess_scaled(1.0, 0.0, 1.0, 0.6);
        assert_relative(limit.value(), -(0.4f64).ln(), 1e-14);
        // c = 0 is a removable singularity of the scaled form: finite.
        let at_zero_c = hyp2f1_excess_scaled(0.3, -0.2, 0.0, 0.8);
        assert!(at_zero_c.converged && at_zero_c.value().is_finite());
    }
}
