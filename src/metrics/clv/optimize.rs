//! Fitting machinery shared by the CLV models: the result and error types,
//! input checks, and a bounded Nelder–Mead minimiser with several starting
//! points.
//!
//! The fits use quasi-Newton with analytic gradients (`fitting`); Nelder–Mead
//! needs no gradients and is kept as the fallback when no quasi-Newton run
//! converges.

use std::fmt;

use super::curvature::Curvature;

/// A fitted model: the maximum-likelihood parameters, the total (not mean)
/// log-likelihood of the data at those parameters, the number of optimiser
/// iterations used over all starting points, and whether the stopping rule was
/// met. `fit_*` functions return `Err(FitError::NotConverged)` instead of an
/// unconverged fit, so `converged` is `true` in every `Ok` they return; it is
/// kept so callers can carry it into reports unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit<P> {
    pub params: P,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    /// Information matrix and bound flags for standard errors and diagnostics.
    pub curvature: Curvature,
}

impl<P> Fit<P> {
    /// The fit at the optimiser's end point, or `NotConverged` (with the best
    /// log-likelihood reached) when it stopped early or the likelihood is not finite.
    pub fn checked(model: &'static str, params: P, log_likelihood: f64, iterations: usize, converged: bool) -> Result<Fit<P>, FitError> {
        if !converged || !log_likelihood.is_finite() {
            return Err(FitError::NotConverged { model, best_log_likelihood: log_likelihood, iterations });
        }
        Ok(Fit { params, log_likelihood, iterations, converged: true, curvature: Curvature::default() })
    }
}

/// Why a model could not be fitted. The messages are meant for end users.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// Input columns of different lengths.
    LengthMismatch {
        model: &'static str,
        field: &'static str,
        expected: usize,
        found: usize,
    },
    /// A value that the model cannot use (negative, NaN, t_x > T, ...).
    InvalidValue {
        model: &'static str,
        index: usize,
        field: &'static str,
        value: f64,
        reason: &'static str,
    },
    /// Fewer usable customers than the fit needs.
    TooFewCustomers {
        model: &'static str,
        counted: &'static str,
        found: usize,
        required: usize,
    },
    /// No customer made a repeat purchase.
    NoRepeatBuyers {
        model: &'static str,
        customers: usize,
    },
    /// The optimiser stopped without meeting its stopping rule.
    NotConverged {
        model: &'static str,
        best_log_likelihood: f64,
        iterations: usize,
    },
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::LengthMismatch {
                model,
                field,
                expected,
                found,
            } => write!(
                f,
                "{model}: input columns differ in length: x has {expected} values but {field} has {found}"
            ),
            FitError::InvalidValue {
                model,
                index,
                field,
                value,
                reason,
            } => write!(
                f,
                "{model}: invalid {field} = {value} for the customer at index {index}: {reason}"
            ),
            FitError::TooFewCustomers {
                model,
                counted,
                found,
                required,
            } => write!(
                f,
                "{model}: too few {counted} to fit the model: {found} given, at least {required} needed"
            ),
            FitError::NoRepeatBuyers { model, customers } => match *model {
                BGNBD => write!(
                    f,
                    "{model}: none of the {customers} customers made a repeat purchase (x = 0 for all), \
                     so the model cannot tell the purchase rate from the dropout rate; \
                     use a longer calibration period"
                ),
                _ => write!(
                    f,
                    "{model}: none of the {customers} customers made a repeat purchase (x = 0 for all), \
                     so there is no average spend per repeat purchase to model"
                ),
            },
            FitError::NotConverged {
                model,
                best_log_likelihood,
                iterations,
            } => {
                if best_log_likelihood.is_finite() {
                    write!(
                        f,
                        "{model}: the optimiser did not converge after {iterations} iterations; \
                         the best log-likelihood reached was {best_log_likelihood:.4}"
                    )
                } else {
                    write!(
                        f,
                        "{model}: the optimiser found no parameters with a finite log-likelihood \
                         after {iterations} iterations"
                    )
                }
            }
        }
    }
}

impl std::error::Error for FitError {}

/// Model names used in error messages.
pub const BGNBD: &str = "BG/NBD";
pub const GAMMA_GAMMA: &str = "Gamma-Gamma";

/// Fewest customers (for Gamma-Gamma: customers with repeat purchases) a fit
/// accepts. Four or three parameters from fewer points would be meaningless.
pub const MIN_CUSTOMERS: usize = 10;

/// Checks that `column` has `expected` values.
pub fn check_length(
    model: &'static str,
    field: &'static str,
    column: &[f64],
    expected: usize,
) -> Result<(), FitError> {
    if column.len() == expected {
        Ok(())
    } else {
        Err(FitError::LengthMismatch {
            model,
            field,
            expected,
            found: column.len(),
        })
    }
}

/// Returns an `InvalidValue` error for `column[index]` unless `is_valid`.
pub fn check_value(
    model: &'static str,
    field: &'static str,
    index: usize,
    value: f64,
    is_valid: bool,
    reason: &'static str,
) -> Result<(), FitError> {
    if is_valid {
        Ok(())
    } else {
        Err(FitError::InvalidValue {
            model,
            index,
            field,
            value,
            reason,
        })
    }
}

/// A box in parameter space; trial points are clamped into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

impl Bounds {
    /// The same interval for each of `dimension` coordinates.
    pub fn uniform(dimension: usize, lower: f64, upper: f64) -> Self {
        Bounds {
            lower: vec![lower; dimension],
            upper: vec![upper; dimension],
        }
    }

    fn clamp(&self, point: &mut [f64]) {
        for ((value, low), high) in point.iter_mut().zip(&self.lower).zip(&self.upper) {
            *value = value.clamp(*low, *high);
        }
    }
}

/// When Nelder–Mead stops, counted as converged:
/// - all simplex values within `value_tolerance` of the best AND all vertices
///   within `point_tolerance` (max-norm) of the best; or
/// - the best value improved by less than `value_tolerance` over the last
///   `stall_iterations` iterations: the search is on a flat ridge (a
///   parameter drifting towards a bound without changing the likelihood) or
///   its simplex has collapsed against a bound. The restarts in
///   `minimize_multistart` then check that a fresh simplex finds nothing better.
///
/// Otherwise it stops unconverged after `max_iterations`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoppingRule {
    pub value_tolerance: f64,
    pub point_tolerance: f64,
    pub stall_iterations: usize,
    pub max_iterations: usize,
}

/// Coarse rule for the exploratory runs from each starting point.
pub const SCREENING: StoppingRule = StoppingRule {
    value_tolerance: 1e-8,
    point_tolerance: 1e-3,
    stall_iterations: 100,
    max_iterations: 1_000,
};

/// Tight rule for polishing the best point. Objectives are mean negative
/// log-likelihoods per customer, so these tolerances do not depend on the
/// number of customers; 1e-5 in log-parameters is a relative change of 1e-5.
pub const POLISH: StoppingRule = StoppingRule {
    value_tolerance: 1e-12,
    point_tolerance: 1e-5,
    stall_iterations: 200,
    max_iterations: 2_000,
};

/// Initial simplex edge for exploratory runs and for polishing restarts.
const SCREENING_STEP: f64 = 0.5;
const POLISH_STEP: f64 = 0.05;
/// Polishing restarts Nelder–Mead from its own result until a restart stops
/// improving (guards against a collapsed simplex); at most this many times.
const MAX_POLISH_ROUNDS: usize = 4;

/// The best point found by a minimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub point: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Minimises `objective` over `bounds`: one coarse Nelder–Mead run from each
/// start, then repeated tight runs from the best result until a restart no
/// longer improves on it by more than `POLISH.value_tolerance`.
///
/// Non-finite objective values count as +∞, so the search walks away from them.
pub fn minimize_multistart(
    objective: &mut impl FnMut(&[f64]) -> f64,
    starts: &[Vec<f64>],
    bounds: &Bounds,
) -> Minimum {
    let mut iterations = 0;
    let mut best: Option<Minimum> = None;
    for start in starts {
        let run = nelder_mead(objective, start, SCREENING_STEP, bounds, &SCREENING);
        iterations += run.iterations;
        if best.as_ref().is_none_or(|b| run.value < b.value) {
            best = Some(run);
        }
    }
    let Some(mut best) = best else {
        return Minimum {
            point: Vec::new(),
            value: f64::INFINITY,
            iterations: 0,
            converged: false,
        };
    };
    best.converged = false;
    for _ in 0..MAX_POLISH_ROUNDS {
        let run = nelder_mead(objective, &best.point, POLISH_STEP, bounds, &POLISH);
        iterations += run.iterations;
        let improvement = best.value - run.value;
        let run_converged = run.converged;
        if run.value <= best.value {
            best = run;
        }
        if run_converged && improvement <= POLISH.value_tolerance {
            best.converged = true;
            break;
        }
    }
    best.iterations = iterations;
    best
}

/// Bounded Nelder–Mead (standard coefficients: reflection 1, expansion 2,
/// contraction ½, shrink ½). Trial points are clamped into `bounds`.
pub fn nelder_mead(
    objective: &mut impl FnMut(&[f64]) -> f64,
    start: &[f64],
    initial_step: f64,
    bounds: &Bounds,
    rule: &StoppingRule,
) -> Minimum {
    let mut evaluate = |point: &[f64]| {
        let value = objective(point);
        if value.is_finite() {
            value
        } else {
            f64::INFINITY
        }
    };
    let dimension = start.len();
    if dimension == 0 {
        return Minimum {
            point: Vec::new(),
            value: evaluate(&[]),
            iterations: 0,
            converged: true,
        };
    }
    let mut simplex = initial_simplex(start, initial_step, bounds);
    let mut values: Vec<f64> = simplex.iter().map(|p| evaluate(p)).collect();
    let mut stall = StallWatch::new(rule);

    for iteration in 0..rule.max_iterations {
        let order = sorted_order(&values);
        let (best, second_worst, worst) = (order[0], order[dimension - 1], order[dimension]);
        if has_converged(&simplex, &values, best, rule)
            || stall.has_stalled(values[best], iteration)
        {
            return Minimum {
                point: simplex[best].clone(),
                value: values[best],
                iterations: iteration,
                converged: true,
            };
        }

        let centroid = centroid_without(&simplex, worst);
        let along = |factor: f64| -> Vec<f64> {
            let mut point: Vec<f64> = centroid
                .iter()
                .zip(&simplex[worst])
                .map(|(c, w)| c + factor * (c - w))
                .collect();
            bounds.clamp(&mut point);
            point
        };

        let reflected = along(1.0);
        let reflected_value = evaluate(&reflected);
        if reflected_value < values[best] {
            let expanded = along(2.0);
            let expanded_value = evaluate(&expanded);
            if expanded_value < reflected_value {
                (simplex[worst], values[worst]) = (expanded, expanded_value);
            } else {
                (simplex[worst], values[worst]) = (reflected, reflected_value);
            }
            continue;
        }
        if reflected_value < values[second_worst] {
            (simplex[worst], values[worst]) = (reflected, reflected_value);
            continue;
        }
        // Contract towards the better of the reflected and the worst point.
        let outside = reflected_value < values[worst];
        let contracted = along(if outside { 0.5 } else { -0.5 });
        let contracted_value = evaluate(&contracted);
        let threshold = if outside {
            reflected_value
        } else {
            values[worst]
        };
        if contracted_value < threshold {
            (simplex[worst], values[worst]) = (contracted, contracted_value);
            continue;
        }
        shrink_towards(&mut simplex, &mut values, best, &mut evaluate);
    }

    let best = sorted_order(&values)[0];
    Minimum {
        point: simplex[best].clone(),
        value: values[best],
        iterations: rule.max_iterations,
        converged: false,
    }
}

/// Tracks the best value every `stall_iterations` iterations.
struct StallWatch {
    window: usize,
    tolerance: f64,
    checkpoint: f64,
}

impl StallWatch {
    fn new(rule: &StoppingRule) -> Self {
        StallWatch {
            window: rule.stall_iterations.max(1),
            tolerance: rule.value_tolerance,
            checkpoint: f64::INFINITY,
        }
    }

    /// True if, at a window boundary, the best value gained less than the
    /// tolerance since the previous boundary.
    fn has_stalled(&mut self, best_value: f64, iteration: usize) -> bool {
        if iteration == 0 || !iteration.is_multiple_of(self.window) {
            return false;
        }
        let stalled = best_value.is_finite() && self.checkpoint - best_value < self.tolerance;
        self.checkpoint = best_value;
        stalled
    }
}

fn initial_simplex(start: &[f64], step: f64, bounds: &Bounds) -> Vec<Vec<f64>> {
    let mut origin = start.to_vec();
    bounds.clamp(&mut origin);
    let mut simplex = vec![origin.clone()];
    for i in 0..origin.len() {
        let mut vertex = origin.clone();
        // Step inwards if stepping outwards would leave the box.
        vertex[i] = if origin[i] + step <= bounds.upper[i] {
            origin[i] + step
        } else {
            origin[i] - step
        };
        bounds.clamp(&mut vertex);
        simplex.push(vertex);
    }
    simplex
}

/// Vertex indices from best (lowest value) to worst.
fn sorted_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    order
}

fn has_converged(simplex: &[Vec<f64>], values: &[f64], best: usize, rule: &StoppingRule) -> bool {
    let value_spread = values.iter().map(|v| v - values[best]).fold(0.0, f64::max);
    let point_spread = simplex
        .iter()
        .flat_map(|vertex| {
            vertex
                .iter()
                .zip(&simplex[best])
                .map(|(a, b)| (a - b).abs())
        })
        .fold(0.0, f64::max);
    // `<=` is false for NaN (all values infinite), which keeps searching.
    value_spread <= rule.value_tolerance && point_spread <= rule.point_tolerance
}

fn centroid_without(simplex: &[Vec<f64>], excluded: usize) -> Vec<f64> {
    let dimension = simplex[0].len();
    let mut centroid = vec![0.0; dimension];
    for (index, vertex) in simplex.iter().enumerate() {
        if index != excluded {
            for (c, v) in centroid.iter_mut().zip(vertex) {
                *c += v / dimension as f64;
            }
        }
    }
    centroid
}

fn shrink_towards(
    simplex: &mut [Vec<f64>],
    values: &mut [f64],
    best: usize,
    evaluate: &mut impl FnMut(&[f64]) -> f64,
) {
    let anchor = simplex[best].clone();
    for index in 0..simplex.len() {
        if index != best {
            for (v, a) in simplex[index].iter_mut().zip(&anchor) {
                *v = a + 0.5 * (*v - a);
            }
            values[index] = evaluate(&simplex[index]);
        }
    }
}

/// Helpers shared by the CLV unit tests: the CDNOW fixture and a small
/// deterministic random number generator for simulations (no extra crates).
#[cfg(test)]
pub(crate) mod test_support {
    /// Assert `actual` is within a relative `tolerance` of `expected`, naming `what`.
    pub fn assert_relative(actual: f64, expected: f64, tolerance: f64, what: &str) {
        let error = ((actual - expected) / expected).abs();
        assert!(
            error <= tolerance,
            "{what}: actual {actual}, expected {expected}, relative error {error:e} > {tolerance:e}"
        );
    }

    /// The CDNOW sample, columns as in `tests/data/cdnow_summary.csv`.
    pub struct Cdnow {
        pub customer_id: Vec<u32>,
        pub x: Vec<f64>,
        pub t_x: Vec<f64>,
        pub t: Vec<f64>,
        pub m: Vec<f64>,
    }

    impl Cdnow {
        pub fn row(&self, customer_id: u32) -> (f64, f64, f64, f64) {
            let i = self
                .customer_id
                .iter()
                .position(|&id| id == customer_id)
                .unwrap();
            (self.x[i], self.t_x[i], self.t[i], self.m[i])
        }
    }

    pub fn load_cdnow() -> Cdnow {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_summary.csv");
        let text = std::fs::read_to_string(path).expect("read CDNOW fixture");
        let mut data = Cdnow {
            customer_id: vec![],
            x: vec![],
            t_x: vec![],
            t: vec![],
            m: vec![],
        };
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("customer_id,frequency,recency,T,monetary_value")
        );
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split(',').collect();
            data.customer_id.push(fields[0].parse().unwrap());
            data.x.push(fields[1].parse().unwrap());
            data.t_x.push(fields[2].parse().unwrap());
            data.t.push(fields[3].parse().unwrap());
            data.m.push(fields[4].parse().unwrap());
        }
        data
    }

    /// SplitMix64 with gamma, beta and exponential draws; enough for
    /// simulating the models in tests.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed)
        }

        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform on (0, 1).
        pub fn uniform(&mut self) -> f64 {
            ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        pub fn exponential(&mut self, rate: f64) -> f64 {
            -self.uniform().ln() / rate
        }

        fn standard_normal(&mut self) -> f64 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        }

        /// Gamma(shape, rate) by Marsaglia–Tsang.
        pub fn gamma(&mut self, shape: f64, rate: f64) -> f64 {
            if shape < 1.0 {
                let boost = self.uniform().powf(1.0 / shape);
                return self.gamma(shape + 1.0, rate) * boost;
            }
            let d = shape - 1.0 / 3.0;
            let c = 1.0 / (9.0 * d).sqrt();
            loop {
                let z = self.standard_normal();
                let v = (1.0 + c * z).powi(3);
                if v > 0.0 && self.uniform().ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                    return d * v / rate;
                }
            }
        }

        pub fn beta(&mut self, a: f64, b: f64) -> f64 {
            let x = self.gamma(a, 1.0);
            let y = self.gamma(b, 1.0);
            x / (x + y)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(p: &[f64]) -> f64 {
        (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2)
    }

    #[test]
    fn nelder_mead_finds_rosenbrock_minimum() {
        let bounds = Bounds::uniform(2, -5.0, 5.0);
        let found = minimize_multistart(
            &mut rosenbrock,
            &[vec![-1.2, 1.0], vec![3.0, -3.0]],
            &bounds,
        );
        assert!(found.converged);
        assert!((found.point[0] - 1.0).abs() < 1e-4 && (found.point[1] - 1.0).abs() < 1e-4);
    }

    #[test]
    fn nelder_mead_respects_bounds() {
        // Unconstrained minimum at (−3, 2); the box cuts it off at x = −1.
        let mut objective = |p: &[f64]| (p[0] + 3.0).powi(2) + (p[1] - 2.0).powi(2);
        let bounds = Bounds {
            lower: vec![-1.0, -10.0],
            upper: vec![10.0, 10.0],
        };
        let found = minimize_multistart(&mut objective, &[vec![5.0, 5.0]], &bounds);
        assert!(found.converged);
        assert_eq!(found.point[0], -1.0);
        assert!((found.point[1] - 2.0).abs() < 1e-4);
    }

    #[test]
    fn nelder_mead_walks_away_from_non_finite_values() {
        let mut objective = |p: &[f64]| {
            if p[0] < 0.0 {
                f64::NAN
            } else {
                (p[0] - 1.0).powi(2)
            }
        };
        let found = minimize_multistart(
            &mut objective,
            &[vec![0.2]],
            &Bounds::uniform(1, -10.0, 10.0),
        );
        assert!(found.converged && (found.point[0] - 1.0).abs() < 1e-4);
    }

    #[test]
    fn fit_error_messages_name_the_problem() {
        let invalid = FitError::InvalidValue {
            model: BGNBD,
            index: 7,
            field: "t_x",
            value: 40.0,
            reason: "the last purchase cannot be after the end of calibration (t_x > T)",
        };
        assert!(invalid.to_string().contains("index 7"));
        let stuck = FitError::NotConverged {
            model: GAMMA_GAMMA,
            best_log_likelihood: -4055.9,
            iterations: 9000,
        };
        assert!(stuck.to_string().contains("-4055.9000"));
        let few = FitError::TooFewCustomers {
            model: BGNBD,
            counted: "customers",
            found: 1,
            required: MIN_CUSTOMERS,
        };
        assert!(few.to_string().contains("1 given, at least 10 needed"));
    }
}
