//! Customer histories (x, t_x, T) grouped into patterns for the likelihoods of
//! BG/NBD, MBG/NBD and Pareto/NBD.
//!
//! Customers with the same (x, t_x, T) contribute the same likelihood term, so
//! each distinct pattern is evaluated once and weighted by its count (as
//! lifetimes' `weights` and BTYDplus' `custs`). At the day resolution of order
//! data 200,000 customers make far fewer patterns, and the terms that depend
//! on one coordinate only (lnΓ(r+x), ln(α+T), ln(α+t_x)) are computed once per
//! distinct value of that coordinate.

use std::collections::HashMap;

use rayon::prelude::*;

use super::optimize::{check_length, check_value, FitError};

/// Patterns per parallel chunk of a likelihood sum.
const CHUNK: usize = 8192;

/// The sum of `term` over `patterns`, in parallel but deterministic: each fixed chunk
/// is summed in order, and the chunks' sums are added in order, so a fit gives the
/// same bits on any number of threads (rayon's own `sum` splits by load). Up to
/// CHUNK patterns the sum is the plain sequential one.
pub fn sum_over<const N: usize>(patterns: &[Pattern], term: impl Fn(&Pattern) -> [f64; N] + Sync) -> [f64; N] {
    let add = |mut acc: [f64; N], values: [f64; N]| {
        for (a, v) in acc.iter_mut().zip(values) {
            *a += v;
        }
        acc
    };
    let per_chunk: Vec<[f64; N]> = patterns.par_chunks(CHUNK).map(|chunk| chunk.iter().map(&term).fold([0.0; N], add)).collect();
    per_chunk.into_iter().fold([0.0; N], add)
}

pub struct Pattern {
    pub x_index: u32,
    pub t_index: u32,
    pub tx_index: u32,
    pub weight: f64,
}

pub struct RfmPatterns {
    pub distinct_x: Vec<f64>,
    pub distinct_t: Vec<f64>,
    pub distinct_tx: Vec<f64>,
    pub patterns: Vec<Pattern>,
    pub customers: f64,
    pub total_repeat_purchases: f64,
    pub total_time: f64,
}

fn index_of(map: &mut HashMap<u64, u32>, values: &mut Vec<f64>, v: f64) -> u32 {
    *map.entry(v.to_bits()).or_insert_with(|| {
        values.push(v);
        (values.len() - 1) as u32
    })
}

impl RfmPatterns {
    /// Groups the customers; times are multiplied by `scale` (see the fits).
    pub fn new(x: &[f64], t_x: &[f64], t: &[f64], scale: f64) -> Self {
        let (mut xs, mut ts, mut txs) = (HashMap::new(), HashMap::new(), HashMap::new());
        let mut data = RfmPatterns {
            distinct_x: Vec::new(),
            distinct_t: Vec::new(),
            distinct_tx: Vec::new(),
            patterns: Vec::new(),
            customers: x.len() as f64,
            total_repeat_purchases: x.iter().sum(),
            total_time: t.iter().sum::<f64>() * scale,
        };
        let mut pattern_of: HashMap<(u32, u32, u32), usize> = HashMap::with_capacity(x.len() / 4);
        for ((&xi, &txi), &ti) in x.iter().zip(t_x).zip(t) {
            // t_x does not enter the likelihoods when x = 0 (it is 0 then anyway).
            let txi = if xi == 0.0 { 0.0 } else { txi * scale };
            let key = (
                index_of(&mut xs, &mut data.distinct_x, xi),
                index_of(&mut ts, &mut data.distinct_t, ti * scale),
                index_of(&mut txs, &mut data.distinct_tx, txi),
            );
            let patterns = &mut data.patterns;
            let index = *pattern_of.entry(key).or_insert_with(|| {
                patterns.push(Pattern { x_index: key.0, t_index: key.1, tx_index: key.2, weight: 0.0 });
                patterns.len() - 1
            });
            data.patterns[index].weight += 1.0;
        }
        data
    }
}

/// Times are rescaled so that the longest T is this long while fitting (as
/// lifetimes does), which makes the starting points unit-free.
pub const FITTING_TIME_SCALE: f64 = 10.0;

/// The factor that maps the data's times to the fitting scale.
pub fn time_scale(t: &[f64]) -> f64 {
    let longest = t.iter().copied().fold(0.0, f64::max);
    if longest > 0.0 {
        FITTING_TIME_SCALE / longest
    } else {
        1.0
    }
}

/// Checks lengths and values; names the first offending index.
pub fn validate_rfm(model: &'static str, x: &[f64], t_x: &[f64], t: &[f64]) -> Result<(), FitError> {
    check_length(model, "t_x", t_x, x.len())?;
    check_length(model, "T", t, x.len())?;
    for (i, ((&xi, &txi), &ti)) in x.iter().zip(t_x).zip(t).enumerate() {
        check_value(
            model,
            "x",
            i,
            xi,
            xi.is_finite() && xi >= 0.0 && xi.fract() == 0.0,
            "the number of repeat purchases must be a whole number >= 0",
        )?;
        check_value(model, "T", i, ti, ti.is_finite() && ti >= 0.0, "T must be finite and >= 0")?;
        check_value(model, "t_x", i, txi, txi.is_finite() && txi >= 0.0, "t_x must be finite and >= 0")?;
        check_value(model, "t_x", i, txi, txi <= ti, "the last purchase cannot be after the end of calibration (t_x > T)")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_histories_are_one_weighted_pattern() {
        // Customers 0 and 2 share (1, 2, 5); x = 0 ignores t_x (customers 1 and 3).
        let data = RfmPatterns::new(&[1.0, 0.0, 1.0, 0.0], &[2.0, 0.0, 2.0, 0.0], &[5.0, 5.0, 5.0, 5.0], 2.0);
        assert_eq!(data.patterns.len(), 2);
        assert_eq!(data.patterns.iter().map(|p| p.weight).collect::<Vec<_>>(), [2.0, 2.0]);
        assert_eq!(data.distinct_t, [10.0]);
        assert_eq!(data.distinct_tx, [4.0, 0.0]);
        assert_eq!((data.customers, data.total_repeat_purchases, data.total_time), (4.0, 2.0, 40.0));
    }
}
