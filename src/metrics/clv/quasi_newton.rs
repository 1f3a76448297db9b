//! A bounded quasi-Newton minimiser (projected BFGS with an active set) and the
//! curvature tools behind standard errors and the degenerate-fit diagnostics.
//!
//! Why hand-written rather than a crate: the models have three or four
//! parameters, searched as logarithms within a box, and their likelihoods come
//! with analytic gradients. A dense BFGS on the free coordinates with a
//! projected Armijo line search is ~150 lines, needs no allocation per
//! iteration beyond a few 4-vectors, and adds no dependency (argmin would
//! bring its own traits, ndarray/nalgebra glue and compile time for the same
//! algorithm). Nelder–Mead (`optimize`) remains the fallback.

/// Objective: returns f(x) and writes ∇f(x) into the slice.
pub trait Objective {
    fn value_and_gradient(&mut self, x: &[f64], gradient: &mut [f64]) -> f64;
}

impl<F: FnMut(&[f64], &mut [f64]) -> f64> Objective for F {
    fn value_and_gradient(&mut self, x: &[f64], gradient: &mut [f64]) -> f64 {
        self(x, gradient)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuasiNewtonResult {
    pub point: Vec<f64>,
    pub value: f64,
    pub gradient: Vec<f64>,
    pub iterations: usize,
    pub evaluations: usize,
    pub converged: bool,
}

/// Stopping rule. Objectives are mean negative log-likelihoods per customer
/// (values of order 1–10), so absolute tolerances do not depend on the number
/// of customers.
#[derive(Debug, Clone, Copy)]
pub struct Tolerances {
    /// Largest |projected gradient| accepted as stationary.
    pub gradient: f64,
    /// Relative change of the value between iterations counted as no progress.
    pub value: f64,
    pub max_iterations: usize,
}

pub const DEFAULT_TOLERANCES: Tolerances = Tolerances { gradient: 1e-9, value: 1e-15, max_iterations: 500 };

/// Largest step of one coordinate in a line search: keeps exp(ln θ) finite.
const MAX_STEP: f64 = 4.0;

/// Minimises `f` over the box [lower, upper] from `start`.
///
/// A coordinate at a bound whose gradient pushes outwards is held there (the
/// active set); BFGS works on the others. Converged when the projected gradient
/// is below tolerance, or when three iterations in a row gain less than the
/// value tolerance (a flat ridge towards a bound: the diagnostics report it).
pub fn minimize(f: &mut impl Objective, start: &[f64], lower: &[f64], upper: &[f64], tol: &Tolerances) -> QuasiNewtonResult {
    let n = start.len();
    let clamp = |x: &mut [f64]| {
        for i in 0..n {
            x[i] = x[i].clamp(lower[i], upper[i]);
        }
    };
    let mut x = start.to_vec();
    clamp(&mut x);
    let mut g = vec![0.0; n];
    let mut value = f.value_and_gradient(&x, &mut g);
    let mut evaluations = 1;
    let mut h = identity(n);
    let mut stalls = 0;
    let result = |x: Vec<f64>, value, g, iterations, evaluations, converged| QuasiNewtonResult {
        point: x,
        value,
        gradient: g,
        iterations,
        evaluations,
        converged,
    };
    if !value.is_finite() {
        return result(x, value, g, 0, evaluations, false);
    }
    for iteration in 0..tol.max_iterations {
        let free: Vec<bool> =
            (0..n).map(|i| !((x[i] <= lower[i] && g[i] > 0.0) || (x[i] >= upper[i] && g[i] < 0.0))).collect();
        let projected_norm = (0..n).filter(|&i| free[i]).map(|i| g[i].abs()).fold(0.0, f64::max);
        if projected_norm <= tol.gradient || stalls >= 3 {
            return result(x, value, g, iteration, evaluations, true);
        }
        // d = −H g on the free coordinates.
        let mut d = vec![0.0; n];
        for i in (0..n).filter(|&i| free[i]) {
            d[i] = -(0..n).filter(|&j| free[j]).map(|j| h[i][j] * g[j]).sum::<f64>();
        }
        let mut slope: f64 = (0..n).map(|i| d[i] * g[i]).sum();
        if !(slope < 0.0) {
            h = identity(n);
            for i in 0..n {
                d[i] = if free[i] { -g[i] } else { 0.0 };
            }
            slope = (0..n).map(|i| d[i] * g[i]).sum();
        }
        let longest = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut step = if longest > MAX_STEP { MAX_STEP / longest } else { 1.0 };
        // Backtracking Armijo search along the projected path.
        let mut accepted = None;
        for _ in 0..60 {
            let mut trial: Vec<f64> = (0..n).map(|i| x[i] + step * d[i]).collect();
            clamp(&mut trial);
            let mut trial_g = vec![0.0; n];
            let trial_value = f.value_and_gradient(&trial, &mut trial_g);
            evaluations += 1;
            let decrease: f64 = (0..n).map(|i| g[i] * (trial[i] - x[i])).sum();
            if trial_value.is_finite() && trial_value <= value + 1e-4 * decrease.min(0.0) {
                accepted = Some((trial, trial_value, trial_g));
                break;
            }
            step *= 0.5;
        }
        let _ = slope;
        let Some((new_x, new_value, new_g)) = accepted else {
            // No decrease along a descent direction: at the resolution of f64.
            let converged = projected_norm <= tol.gradient.sqrt();
            return result(x, value, g, iteration, evaluations, converged);
        };
        let gain = value - new_value;
        stalls = if gain <= tol.value * value.abs().max(1.0) { stalls + 1 } else { 0 };
        let s: Vec<f64> = (0..n).map(|i| new_x[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| new_g[i] - g[i]).collect();
        bfgs_update(&mut h, &s, &y);
        x = new_x;
        value = new_value;
        g = new_g;
    }
    let iterations = tol.max_iterations;
    result(x, value, g, iterations, evaluations, false)
}

fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect()
}

/// BFGS update of the inverse-Hessian approximation; skipped when the
/// curvature condition s·y > 0 fails (keeps H positive definite).
fn bfgs_update(h: &mut [Vec<f64>], s: &[f64], y: &[f64]) {
    let n = s.len();
    let sy: f64 = (0..n).map(|i| s[i] * y[i]).sum();
    let norms = s.iter().map(|v| v * v).sum::<f64>().sqrt() * y.iter().map(|v| v * v).sum::<f64>().sqrt();
    if !(sy > 1e-12 * norms) || !sy.is_finite() {
        return;
    }
    let rho = 1.0 / sy;
    let hy: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i][j] * y[j]).sum()).collect();
    let yhy: f64 = (0..n).map(|i| y[i] * hy[i]).sum();
    for i in 0..n {
        for j in 0..n {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

/// The Hessian of `f` at `x` by central differences of its analytic gradient
/// (symmetrised). Steps of 1e-4 in log-parameters: the truncation error is
/// ~1e-8 relative, well below what standard errors need.
pub fn hessian(f: &mut impl Objective, x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let step = 1e-4;
    let mut columns = Vec::with_capacity(n);
    for j in 0..n {
        let (mut up, mut down) = (x.to_vec(), x.to_vec());
        up[j] += step;
        down[j] -= step;
        let (mut gu, mut gd) = (vec![0.0; n], vec![0.0; n]);
        f.value_and_gradient(&up, &mut gu);
        f.value_and_gradient(&down, &mut gd);
        columns.push((0..n).map(|i| (gu[i] - gd[i]) / (2.0 * step)).collect::<Vec<f64>>());
    }
    (0..n).map(|i| (0..n).map(|j| 0.5 * (columns[j][i] + columns[i][j])).collect()).collect()
}

/// Eigenvalues and eigenvectors (columns of the returned matrix) of a symmetric
/// matrix by cyclic Jacobi rotations: exact to rounding for these 3×3 and 4×4.
pub fn symmetric_eigen(matrix: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix.to_vec();
    let mut v = identity(n);
    for _ in 0..100 {
        let off: f64 = (0..n).flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| a[i][j] * a[i][j]).sum();
        let scale: f64 = (0..n).map(|i| a[i][i] * a[i][i]).sum::<f64>().max(f64::MIN_POSITIVE);
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

/// Covariance = inverse of a positive-definite Hessian, through its
/// eigen-decomposition; `None` when an eigenvalue is not positive.
pub fn inverse_positive_definite(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    let (values, vectors) = symmetric_eigen(matrix);
    if values.iter().any(|&l| !(l > 0.0) || !l.is_finite()) {
        return None;
    }
    Some((0..n).map(|i| (0..n).map(|j| (0..n).map(|k| vectors[i][k] * vectors[j][k] / values[k]).sum()).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(p: &[f64], g: &mut [f64]) -> f64 {
        g[0] = -2.0 * (1.0 - p[0]) - 400.0 * p[0] * (p[1] - p[0] * p[0]);
        g[1] = 200.0 * (p[1] - p[0] * p[0]);
        (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2)
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let found = minimize(&mut rosenbrock, &[-1.2, 1.0], &[-5.0; 2], &[5.0; 2], &DEFAULT_TOLERANCES);
        assert!(found.converged, "{found:?}");
        assert!((found.point[0] - 1.0).abs() < 1e-6 && (found.point[1] - 1.0).abs() < 1e-6, "{found:?}");
    }

    #[test]
    fn stops_at_an_active_bound() {
        // Unconstrained minimum at (−3, 2); the box cuts it off at x = −1.
        let mut f = |p: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * (p[0] + 3.0);
            g[1] = 2.0 * (p[1] - 2.0);
            (p[0] + 3.0).powi(2) + (p[1] - 2.0).powi(2)
        };
        let found = minimize(&mut f, &[5.0, 5.0], &[-1.0, -10.0], &[10.0, 10.0], &DEFAULT_TOLERANCES);
        assert!(found.converged);
        assert_eq!(found.point[0], -1.0);
        assert!((found.point[1] - 2.0).abs() < 1e-8);
    }

    #[test]
    fn hessian_eigen_and_inverse_of_a_quadratic() {
        // f = ½ xᵀ A x with A = [[4, 1], [1, 3]]: eigenvalues (7 ± √5)/2.
        let mut f = |p: &[f64], g: &mut [f64]| {
            g[0] = 4.0 * p[0] + p[1];
            g[1] = p[0] + 3.0 * p[1];
            0.5 * (4.0 * p[0] * p[0] + 2.0 * p[0] * p[1] + 3.0 * p[1] * p[1])
        };
        let h = hessian(&mut f, &[0.3, -0.2]);
        assert!((h[0][0] - 4.0).abs() < 1e-9 && (h[0][1] - 1.0).abs() < 1e-9 && (h[1][1] - 3.0).abs() < 1e-9);
        let (mut values, _) = symmetric_eigen(&h);
        values.sort_by(f64::total_cmp);
        assert!((values[0] - (7.0 - 5f64.sqrt()) / 2.0).abs() < 1e-9);
        assert!((values[1] - (7.0 + 5f64.sqrt()) / 2.0).abs() < 1e-9);
        // A⁻¹ = [[3, −1], [−1, 4]] / 11.
        let inv = inverse_positive_definite(&h).unwrap();
        assert!((inv[0][0] - 3.0 / 11.0).abs() < 1e-9 && (inv[0][1] + 1.0 / 11.0).abs() < 1e-9);
        assert!(inverse_positive_definite(&[vec![1.0, 0.0], vec![0.0, 0.0]]).is_none());
    }
}
