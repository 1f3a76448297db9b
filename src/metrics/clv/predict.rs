//! Per-customer predictions: P(alive), expected purchases, expected spend and
//! discounted CLV, as columns added to the customer summary.
//!
//! A purchase model's expectation is P(alive) (which needs x, t_x, T) times the
//! expectation for a customer known to be alive (which needs only x and T), so
//! the latter, with its month-by-month discounting, is computed once per
//! distinct (x, T) and shared by every customer with that pair.

use std::collections::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use crate::metrics::by_customer::ByCustomer;
use super::gamma_gamma::GammaGammaParams;
use super::purchase::PurchaseModel;
use super::summary::WEEKS_PER_MONTH;

/// A column of the summary as f64 values (null as 0: only m is null, where x = 0).
fn values(frame: &DataFrame, name: &str) -> anyhow::Result<Vec<f64>> {
    let c = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
}

/// The model inputs of every customer, as slices for the fits.
pub struct Inputs {
    pub x: Vec<f64>,
    pub t_x: Vec<f64>,
    pub t: Vec<f64>,
    pub m: Vec<f64>,
}

impl Inputs {
    pub fn from_summary(frame: &DataFrame) -> anyhow::Result<Inputs> {
        Ok(Inputs { x: values(frame, "x")?, t_x: values(frame, "t_x")?, t: values(frame, "T")?, m: values(frame, "m")? })
    }

    /// The m used for predictions: a customer whose repeat purchases net to zero
    /// or less is taken at the limit m → 0 (Gamma-Gamma needs m > 0).
    pub fn spend(&self, i: usize) -> f64 {
        if self.x[i] > 0.0 {
            self.m[i].max(0.0)
        } else {
            0.0
        }
    }

    /// The Gamma-Gamma exclusion rule: repeat buyers whose repeat purchases net
    /// to zero or less (returns) are left out of the fit, which needs m > 0.
    /// Returns the kept customers' x and m, and how many were left out.
    pub fn gamma_gamma_inputs(&self) -> (Vec<f64>, Vec<f64>, usize) {
        let keep: Vec<usize> = (0..self.x.len()).filter(|&i| self.x[i] == 0.0 || self.m[i] > 0.0).collect();
        let excluded = self.x.len() - keep.len();
        (keep.iter().map(|&i| self.x[i]).collect(), keep.iter().map(|&i| self.m[i]).collect(), excluded)
    }
}

/// P(alive) of every customer of the order rows as of `as_of` under the BG/NBD
/// parameters `bg` (customer_id, p_alive): the P(alive) rule of `kam churn --params`.
pub fn p_alive_of_customers(orders: &ByCustomer, as_of: chrono::NaiveDate, bg: &PurchaseModel) -> anyhow::Result<DataFrame> {
    let summary = super::summary::customers_of(orders, as_of, false)?.collect()?;
    let inputs = Inputs::from_summary(&summary)?;
    let p_alive: Vec<f64> = (0..inputs.x.len()).map(|i| bg.p_alive(inputs.x[i], inputs.t_x[i], inputs.t[i])).collect();
    Ok(DataFrame::new(summary.height(), vec![summary.column("customer_id")?.clone(), Column::new("p_alive".into(), p_alive)])?)
}

/// How expected purchases become a value: the company's margin on sales, the months
/// looked ahead and the annual discount rate.
#[derive(Clone, Copy)]
pub struct ValueTerms {
    pub margin: f64,
    pub horizon_months: u32,
    pub discount: f64,
}

/// For one (x, T): the "if alive" expectation over the horizon, and the same
/// with each month's increment discounted.
fn if_alive_terms(model: &PurchaseModel, x: f64, t: f64, terms: &ValueTerms) -> (f64, f64) {
    let monthly_growth = (1.0 + terms.discount).powf(1.0 / 12.0);
    let (mut discounted, mut discount, mut so_far) = (0.0, 1.0, 0.0);
    for month in 1..=terms.horizon_months {
        let purchases = model.if_alive(f64::from(month) * WEEKS_PER_MONTH, x, t);
        discount /= monthly_growth;
        discounted += (purchases - so_far) * discount;
        so_far = purchases;
    }
    (so_far, discounted)
}

/// The customer table with p_alive, expected_purchases, expected_spend and clv,
/// sorted by clv (largest first), and the seconds the predictions took.
pub fn predictions(
    customers: DataFrame,
    inputs: &Inputs,
    model: &PurchaseModel,
    gg: &GammaGammaParams,
    terms: &ValueTerms,
) -> anyhow::Result<(DataFrame, f64)> {
    let started = std::time::Instant::now();
    let n = inputs.x.len();
    let mut pair_of: HashMap<(u64, u64), usize> = HashMap::new();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let index: Vec<usize> = (0..n)
        .map(|i| {
            *pair_of.entry((inputs.x[i].to_bits(), inputs.t[i].to_bits())).or_insert_with(|| {
                pairs.push((inputs.x[i], inputs.t[i]));
                pairs.len() - 1
            })
        })
        .collect();
    let per_pair: Vec<(f64, f64)> = pairs.par_iter().map(|&(x, t)| if_alive_terms(model, x, t, terms)).collect();
    let rows: Vec<[f64; 4]> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (x, t_x, t, m) = (inputs.x[i], inputs.t_x[i], inputs.t[i], inputs.spend(i));
            let p_alive = model.p_alive(x, t_x, t);
            let (purchases, discounted) = per_pair[index[i]];
            let spend = gg.expected_spend(x, m);
            let discounted = p_alive * discounted;
            // 0 when no purchases are expected: avoids 0 · ∞ when the expected spend is infinite.
            let clv = if discounted == 0.0 { 0.0 } else { discounted * spend * terms.margin };
            [p_alive, (p_alive * purchases).max(0.0), spend, clv]
        })
        .collect();
    let column = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
    let mut frame = customers;
    frame.with_column(Column::new("p_alive".into(), column(0)))?;
    frame.with_column(Column::new("expected_purchases".into(), column(1)))?;
    frame.with_column(Column::new("expected_spend".into(), column(2)))?;
    frame.with_column(Column::new("clv".into(), column(3)))?;
    let seconds = started.elapsed().as_secs_f64();
    let frame = frame
        .lazy()
        .sort_by_exprs(
            [col("clv"), col("customer_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true),
        )
        .collect()?;
    Ok((frame, seconds))
}
