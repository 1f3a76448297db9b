//! Degenerate-fit diagnostics in plain words: parameters that ended at the
//! search bound, directions along which the likelihood is flat, and (for
//! Gamma-Gamma) spend that is correlated with purchase frequency.

use super::curvature::Curvature;
use super::purchase::ModelKind;

/// Parameters are searched within [1e-6, 1e6] (α, β, v at the fitting scale).
const BOUND_TEXT: &str = "the search bound (1e-6 or 1e6)";

/// An information eigenvalue below this means ln-parameters can move by more
/// than 1 (a factor e) along that direction at a cost of under ½ in log-likelihood.
const FLAT_INFORMATION: f64 = 1.0;

/// |correlation| of x and m above which the Gamma-Gamma independence assumption is flagged.
pub const SPEND_CORRELATION_WARNING: f64 = 0.3;

fn flat_direction(names: &[&str], curvature: &Curvature, explained: &[bool]) -> Option<String> {
    let (value, vector) = curvature.flattest_direction()?;
    if !(value < FLAT_INFORMATION) {
        return None;
    }
    // Only coordinates not already reported (at a bound, or by a note above).
    let mut parts = Vec::new();
    for (i, &c) in vector.iter().enumerate() {
        if c.abs() >= 0.3 && !curvature.at_bound.get(i).copied().unwrap_or(false) && !explained.get(i).copied().unwrap_or(false) {
            let sign = if parts.is_empty() { if c < 0.0 { "−" } else { "" } } else if c < 0.0 { " − " } else { " + " };
            parts.push(format!("{sign}{:.2} ln {}", c.abs(), names[i]));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "the likelihood is flat along {}: moving the parameters that way by a factor e changes the log-likelihood by only {:.3}, \
         so the data do not tell them apart (their standard errors are large)",
        parts.concat(),
        value.max(0.0) / 2.0
    ))
}

/// Plain-words notes on a purchase-model fit; empty when nothing is degenerate.
pub fn purchase_notes(kind: ModelKind, values: [f64; 4], curvature: &Curvature) -> Vec<String> {
    let names = kind.parameter_names();
    let at = |i: usize| curvature.at_bound.get(i).copied().unwrap_or(false);
    let high = |i: usize| at(i) && values[i] > 1.0;
    let low = |i: usize| at(i) && values[i] < 1.0;
    let mut notes = Vec::new();
    let mut explained = [false; 4];
    let title = kind.title();
    // Does the least-determined direction move coordinate i (while the fit is flat there)?
    let flat_in = |i: usize| {
        curvature.flattest_direction().is_some_and(|(value, vector)| value < FLAT_INFORMATION && vector[i].abs() >= 0.3)
    };
    match kind {
        ModelKind::BgNbd | ModelKind::MbgNbd => {
            let (a, b) = (values[2], values[3]);
            // b beyond 1e4 on a flat likelihood: the Beta of p is a spike the data cannot
            // locate; a tiny a/(a+b) flat along ln a (the `kam generate` set in release:
            // a 5e-6, b 7.7e4): nobody is seen leaving.
            let no_one_leaves = a / (a + b) < 1e-4 && (flat_in(2) || flat_in(3));
            if high(3) || low(2) || (b > 1e4 && flat_in(3)) || no_one_leaves {
                notes.push(format!(
                    "{title}: dropout is not identified: the data shows almost no customer leaving \
                     (a = {a:.4e}, b = {b:.4e}, {}; mean dropout probability per purchase a/(a+b) = {:.2e}); \
                     P(alive) will be near 1 for everyone",
                    if high(3) {
                        format!("b at {BOUND_TEXT}")
                    } else if low(2) {
                        format!("a at {BOUND_TEXT}")
                    } else {
                        "a and b lie on a flat ridge of the likelihood".to_string()
                    },
                    a / (a + b)
                ));
                explained[2] = true;
                explained[3] = true;
            } else if high(2) {
                notes.push(format!(
                    "{title}: customers do not differ in their dropout probability: a = {a:.4e} is at {BOUND_TEXT}, so Beta(a, b) \
                     is one value, a/(a+b) = {:.4} per purchase",
                    a / (a + b)
                ));
                explained[2] = true;
            }
        }
        ModelKind::ParetoNbd => {
            let (s, beta) = (values[2], values[3]);
            if high(3) || low(2) || (s / beta < 1e-4 && flat_in(3)) {
                notes.push(format!(
                    "{title}: dropout is not identified: the data shows almost no customer leaving \
                     (s = {s:.4e}, beta = {beta:.4e}{}; mean dropout rate s/beta = {:.2e} per week); \
                     P(alive) will be near 1 for everyone",
                    if high(3) {
                        format!(", beta at {BOUND_TEXT}")
                    } else if low(2) {
                        format!(", s at {BOUND_TEXT}")
                    } else {
                        String::new()
                    },
                    s / beta
                ));
                explained[2] = true;
                explained[3] = true;
            } else if high(2) {
                notes.push(format!(
                    "{title}: customers do not differ in their dropout rate: s = {s:.4e} is at {BOUND_TEXT}, so it is one \
                     value, s/beta = {:.4e} per week",
                    s / beta
                ));
                explained[2] = true;
            }
        }
    }
    let (r, alpha) = (values[0], values[1]);
    if high(0) {
        notes.push(format!(
            "{title}: customers do not differ in their purchase rate: r = {r:.4e} is at {BOUND_TEXT}, so Gamma(r, alpha) is one \
             rate, r/alpha = {:.4} purchases per week",
            r / alpha
        ));
        explained[0] = true;
        explained[1] = true;
    }
    for i in 0..4 {
        if at(i) && !explained[i] {
            notes.push(format!("{title}: {} = {:.4e} ended at {BOUND_TEXT}: the data do not pin it down", names[i], values[i]));
        }
    }
    if let Some(flat) = flat_direction(&names, curvature, &explained) {
        notes.push(format!("{title}: {flat}"));
    }
    notes
}

/// Notes on a Gamma-Gamma fit: bounds, flat directions, and the correlation of
/// spend with frequency (`correlation` of x and m over the repeat buyers).
pub fn spend_notes(values: [f64; 3], curvature: &Curvature, correlation: f64) -> Vec<String> {
    let names = ["p", "q", "v"];
    let mut notes = Vec::new();
    for i in 0..3 {
        if curvature.at_bound.get(i).copied().unwrap_or(false) {
            notes.push(format!("Gamma-Gamma: {} = {:.4e} ended at {BOUND_TEXT}: the data do not pin it down", names[i], values[i]));
        }
    }
    if let Some(flat) = flat_direction(&names, curvature, &[]) {
        notes.push(format!("Gamma-Gamma: {flat}"));
    }
    if correlation.abs() >= SPEND_CORRELATION_WARNING {
        notes.push(format!(
            "Gamma-Gamma: spend per purchase and purchase frequency are correlated (correlation {correlation:.2} between x and m \
             over the repeat buyers); the model assumes they are independent, so expected spend and CLV may be biased"
        ));
    }
    notes
}

/// Pearson correlation of two equally long slices (0 when either is constant).
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return 0.0;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropout_at_the_bound_is_named_in_plain_words() {
        let curvature = Curvature {
            information: vec![vec![100.0, 0.0, 0.0, 0.0], vec![0.0, 100.0, 0.0, 0.0], vec![0.0, 0.0, 1e-9, 0.0], vec![0.0, 0.0, 0.0, 1e-9]],
            at_bound: vec![false, false, false, true],
            method: "quasi-Newton",
        };
        let notes = purchase_notes(ModelKind::BgNbd, [0.5, 4.0, 4196.0, 1e6], &curvature);
        assert!(notes[0].contains("dropout is not identified") && notes[0].contains("P(alive) will be near 1"), "{notes:?}");
        // The flat a-direction is explained by the bound note already.
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_flat_ridge_is_described() {
        // Information 1e-3 along (ln a + ln b)/√2.
        let h = 0.5 * (100.0 + 1e-3);
        let k = 0.5 * (1e-3 - 100.0);
        let curvature = Curvature {
            information: vec![vec![50.0, 0.0, 0.0, 0.0], vec![0.0, 50.0, 0.0, 0.0], vec![0.0, 0.0, h, k], vec![0.0, 0.0, k, h]],
            at_bound: vec![false; 4],
            method: "quasi-Newton",
        };
        let notes = purchase_notes(ModelKind::BgNbd, [0.5, 4.0, 40.0, 200.0], &curvature);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("flat along") && notes[0].contains("ln a") && notes[0].contains("ln b"), "{notes:?}");
        // The same ridge far out (the `kam generate` case): dropout is not identified.
        let notes = purchase_notes(ModelKind::BgNbd, [4.85, 52.0, 1672.0, 923_041.0], &curvature);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("dropout is not identified") && notes[0].contains("flat ridge"), "{notes:?}");
    }

    #[test]
    fn a_vanishing_dropout_flat_along_ln_a_is_not_identified() {
        // The release fit of `kam generate --orders 2000000 --customers 200000 --seed 5`:
        // a/(a+b) = 6.5e-11, the likelihood flat along 0.97 ln a.
        let curvature = Curvature {
            information: vec![vec![50.0, 0.0, 0.0, 0.0], vec![0.0, 50.0, 0.0, 0.0], vec![0.0, 0.0, 1e-9, 0.0], vec![0.0, 0.0, 0.0, 20.0]],
            at_bound: vec![false; 4],
            method: "quasi-Newton",
        };
        let notes = purchase_notes(ModelKind::BgNbd, [5.46, 101.7, 5.0e-6, 77_202.0], &curvature);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("dropout is not identified") && notes[0].contains("P(alive) will be near 1"), "{notes:?}");
    }

    #[test]
    fn correlated_spend_is_flagged() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let m = [10.0, 19.0, 31.0, 40.0, 52.0];
        assert!(correlation(&x, &m) > 0.99);
        let flat = Curvature { information: vec![vec![10.0, 0.0, 0.0], vec![0.0, 10.0, 0.0], vec![0.0, 0.0, 10.0]], at_bound: vec![false; 3], method: "" };
        assert!(spend_notes([6.0, 4.0, 15.0], &flat, 0.99)[0].contains("correlated"));
        assert!(spend_notes([6.0, 4.0, 15.0], &flat, 0.05).is_empty());
        assert_eq!(correlation(&[1.0, 1.0], &[2.0, 3.0]), 0.0);
    }
}
