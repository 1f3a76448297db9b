//! Random streams and the samplers the generator draws with.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Independent random streams per phase, so a change in one phase does not reshuffle
/// the output of the others.
pub(super) fn rng_stream(seed: u64, phase: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ phase.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

// Sampling helpers
/// Pareto(1, alpha) values from stratified quantiles in random order: the same heavy
/// tail at every scale, without a single freak draw dominating small data sets.
pub(super) fn stratified_pareto(n: usize, alpha: f64, cap: f64, rng: &mut StdRng) -> Vec<f64> {
    let mut values: Vec<f64> = (0..n)
        .map(|i| {
            let u = (i as f64 + rng.gen::<f64>()) / n as f64;
            (1.0 - u).max(1e-12).powf(-1.0 / alpha).min(cap)
        })
        .collect();
    values.shuffle(rng);
    values
}

pub(super) fn weighted_index(weights: &[u32], rng: &mut StdRng) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.gen_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

/// `k` distinct indices below `n`, sorted.
pub(super) fn pick_some(n: usize, k: usize, rng: &mut StdRng) -> Vec<usize> {
    let mut picked = rand::seq::index::sample(rng, n, k.min(n)).into_vec();
    picked.sort_unstable();
    picked
}

/// Draws an index with probability proportional to fixed weights.
pub(super) struct CumulativePicker {
    cumulative: Vec<u64>,
}

impl CumulativePicker {
    pub(super) fn new(weights: &[f64]) -> CumulativePicker {
        let mut acc = 0u64;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += ((w * 1_000.0).round() as u64).max(1);
                acc
            })
            .collect();
        CumulativePicker { cumulative }
    }

    pub(super) fn len(&self) -> usize {
        self.cumulative.len()
    }

    pub(super) fn pick(&self, rng: &mut StdRng) -> usize {
        let r = rng.gen_range(0..*self.cumulative.last().expect("at least one product"));
        self.cumulative.partition_point(|&c| c <= r)
    }
}

/// Draws an index with probability proportional to weights that change over time
/// (a Fenwick tree over integer weights: O(log n) updates and draws, exact sums).
pub(super) struct WeightedPicker {
    tree: Vec<u64>,
    weights: Vec<u64>,
    total: u64,
}

impl WeightedPicker {
    pub(super) fn new(n: usize) -> WeightedPicker {
        WeightedPicker {
            tree: vec![0; n + 1],
            weights: vec![0; n],
            total: 0,
        }
    }

    pub(super) fn total(&self) -> u64 {
        self.total
    }

    pub(super) fn set(&mut self, index: usize, weight: u64) {
        let old = self.weights[index];
        self.weights[index] = weight;
        self.total = self.total - old + weight;
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i] - old + weight;
            i += i & i.wrapping_neg();
        }
    }

    pub(super) fn sample(&self, rng: &mut StdRng) -> usize {
        let mut r = rng.gen_range(0..self.total);
        let mut pos = 0;
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next < self.tree.len() && self.tree[next] <= r {
                pos = next;
                r -= self.tree[next];
            }
            step >>= 1;
        }
        pos // 1-based position pos+1, i.e. 0-based index pos
    }
}

// CSV output
