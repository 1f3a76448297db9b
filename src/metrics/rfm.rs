//! RFM: recency, frequency and monetary value per customer, their quantile scores
//! and the eleven-segment table (docs/metrics.md, "RFM"). One polars plan from order
//! lines to one row per customer; `kam rfm` and `kam profile` use it.

use chrono::NaiveDate;
use polars::prelude::*;

use super::receivables::{days, epoch_days};

/// The language of the segment names (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// What the scores are computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmParams {
    pub as_of: NaiveDate,
    /// Frequency and monetary count the days `as_of − window + 1 ..= as_of`; None: all history.
    pub window_days: Option<u32>,
    /// Scores run 1..=bins (2 to 10); bins is best.
    pub bins: u32,
    pub lang: Lang,
}

impl RfmParams {
    /// The first day of the window, if there is one.
    pub fn window_start(&self) -> Option<NaiveDate> {
        self.window_days.map(|d| self.as_of - chrono::Duration::days(i64::from(d) - 1))
    }
}

/// The segments in rule order: (English, Chinese).
pub const SEGMENTS: [(&str, &str); 11] = [
    ("Champions", "重要价值客户"),
    ("Loyal Customers", "忠诚客户"),
    ("New Customers", "新客户"),
    ("Promising", "有潜力客户"),
    ("Potential Loyalist", "潜在忠诚客户"),
    ("Can't Lose Them", "不能流失客户"),
    ("At Risk", "风险客户"),
    ("Need Attention", "需要关注客户"),
    ("About To Sleep", "即将沉睡客户"),
    ("Hibernating", "沉睡客户"),
    ("Lost", "流失客户"),
];

/// The segment names in rule order, in `lang`.
pub fn segment_names(lang: Lang) -> Vec<&'static str> {
    SEGMENTS.iter().map(|(en, zh)| if lang == Lang::Zh { *zh } else { *en }).collect()
}

/// A condition on a score on the 1–5 scale.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Any,
    AtLeast(f64),
    AtMost(f64),
    Exactly(f64),
}

use Bound::{AtLeast, AtMost, Any, Exactly};

/// (R, FM) of the first ten segments, in order; the first match wins, Lost is the rest.
/// Potential Loyalist needs no `FM < 3`: Loyal Customers took those before it.
const RULES: [(Bound, Bound); 10] = [
    (AtLeast(4.0), AtLeast(4.0)),  // Champions
    (AtLeast(3.0), AtLeast(3.0)),  // Loyal Customers
    (Exactly(5.0), AtMost(1.5)),   // New Customers
    (AtLeast(4.0), AtMost(1.5)),   // Promising
    (AtLeast(3.0), Any),           // Potential Loyalist
    (Exactly(1.0), AtLeast(4.0)),  // Can't Lose Them
    (AtMost(2.0), AtLeast(3.0)),   // At Risk
    (Exactly(2.0), AtLeast(2.0)),  // Need Attention
    (Exactly(2.0), Any),           // About To Sleep
    (Exactly(1.0), AtLeast(1.5)),  // Hibernating
];

/// `scaled` compared with a threshold T on the 1–5 scale. Scores s of N bins map to
/// s' = 1 + (s − 1) × 4 / (N − 1); comparing in whole numbers keeps "R = 2" exact:
/// 2 × s' ≥ 2T ⇔ (2 × s' − 2) × (N − 1) ≥ (2T − 2) × (N − 1), and `scaled` is the left side.
fn holds(scaled: &Expr, bound: Bound, bins: u32) -> Expr {
    let at = |t: f64| lit(((t * 2.0).round() as i64 - 2) * i64::from(bins - 1));
    match bound {
        Any => lit(true),
        AtLeast(t) => scaled.clone().gt_eq(at(t)),
        AtMost(t) => scaled.clone().lt_eq(at(t)),
        Exactly(t) => scaled.clone().eq(at(t)),
    }
}

/// The segment of r_score, f_score and m_score by [`RULES`] (FM = (f + m) / 2).
fn segment(bins: u32, lang: Lang) -> Expr {
    let score = |c: &str| col(c).cast(DataType::Int64);
    // (2 × R' − 2) × (N − 1) = (r − 1) × 8, and (2 × FM' − 2) × (N − 1) = (f + m − 2) × 4.
    let r = (score("r_score") - lit(1)) * lit(8);
    let fm = (score("f_score") + score("m_score") - lit(2)) * lit(4);
    let names = segment_names(lang);
    let mut segment = lit(names[RULES.len()]);
    for ((r_bound, fm_bound), name) in RULES.iter().zip(&names).rev() {
        segment = when(holds(&r, *r_bound, bins).and(holds(&fm, *fm_bound, bins))).then(lit(*name)).otherwise(segment);
    }
    segment
}

/// Score 1..=bins by quantile: r = the average rank (ascending, or descending for
/// recency, so the most recent scores best), score = ⌊(r − 1) × N / n⌋ + 1. Equal
/// values share a rank and so a score. r − 1 is a multiple of 0.5, so the quotient is
/// exact in floating point wherever it is a whole number.
fn score(value: Expr, descending: bool, bins: u32) -> Expr {
    let rank = value.rank(RankOptions { method: RankMethod::Average, descending }, None).cast(DataType::Float64);
    let n = len().cast(DataType::Float64);
    (((rank - lit(1.0)) * lit(f64::from(bins)) / n).floor() + lit(1.0)).cast(DataType::UInt32)
}

/// One row per customer with orders on or before `as_of`: customer_id, [customer_name
/// when `name` is given], last_order, recency_days, frequency, monetary, r_score,
/// f_score, m_score, rfm, segment; by monetary descending, then customer_id.
///
/// `lines` needs customer_id, order_date and amount (exact). A customer whose orders are
/// all before the window is a row with frequency 0 and monetary 0.
pub fn rfm(lines: LazyFrame, name: Option<&str>, p: &RfmParams) -> LazyFrame {
    let in_window = match p.window_start() {
        Some(start) => col("order_date").gt_eq(lit(start)),
        None => lit(true),
    };
    let mut aggs = vec![
        col("order_date").max().alias("last_order"),
        col("order_date").filter(in_window.clone()).n_unique().cast(DataType::UInt32).alias("frequency"),
        col("amount").filter(in_window).sum().alias("monetary"),
    ];
    let mut columns = vec![col("customer_id")];
    if let Some(n) = name {
        aggs.push(col(n).drop_nulls().first().alias("customer_name"));
        columns.push(col("customer_name"));
    }
    let separator = if p.bins > 9 { "-" } else { "" };
    let digits = [col("r_score"), col("f_score"), col("m_score")].map(|c| c.cast(DataType::String));
    columns.extend(
        ["last_order", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm", "segment"].map(col),
    );
    lines
        .filter(col("order_date").lt_eq(lit(p.as_of)))
        .group_by([col("customer_id")])
        .agg(aggs)
        .with_column((lit(epoch_days(p.as_of)) - days("last_order")).alias("recency_days"))
        .with_columns([
            score(col("recency_days"), true, p.bins).alias("r_score"),
            score(col("frequency"), false, p.bins).alias("f_score"),
            score(col("monetary"), false, p.bins).alias("m_score"),
        ])
        .with_columns([concat_str(digits, separator, false).alias("rfm"), segment(p.bins, p.lang).alias("segment")])
        .sort_by_exprs(
            [col("monetary"), col("customer_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .select(columns)
}

/// Customers and monetary value per segment, every segment in rule order.
pub fn segment_counts(table: LazyFrame, lang: Lang) -> LazyFrame {
    let names = segment_names(lang);
    let order: Vec<u32> = (1..=names.len() as u32).collect();
    let segments = df!("segment" => names, "rule" => order).expect("static frame").lazy();
    let counts = table.group_by([col("segment")]).agg([
        len().cast(DataType::UInt32).alias("customers"),
        col("monetary").sum().alias("monetary"),
    ]);
    segments
        .join(counts, [col("segment")], [col("segment")], JoinArgs::new(JoinType::Left))
        .sort(["rule"], SortMultipleOptions::default())
        .select([col("rule"), col("segment"), col("customers").fill_null(lit(0u32)), col("monetary")])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments_of(scores: &[(u32, u32, u32)], bins: u32) -> Vec<String> {
        let r: Vec<u32> = scores.iter().map(|s| s.0).collect();
        let f: Vec<u32> = scores.iter().map(|s| s.1).collect();
        let m: Vec<u32> = scores.iter().map(|s| s.2).collect();
        let frame = df!("r_score" => r, "f_score" => f, "m_score" => m).unwrap();
        let out = frame.lazy().select([segment(bins, Lang::En).alias("segment")]).collect().unwrap();
        out.column("segment").unwrap().str().unwrap().iter().map(|s| s.unwrap().to_string()).collect()
    }

    #[test]
    fn the_first_matching_rule_wins() {
        // (R, F, M) -> FM -> segment, with 5 bins.
        let cases = [
            ((5, 5, 5), "Champions"),         // R 5, FM 5
            ((4, 4, 4), "Champions"),         // R 4, FM 4 (also Loyal: Champions comes first)
            ((3, 4, 4), "Loyal Customers"),   // R 3, FM 4
            ((5, 1, 2), "New Customers"),     // R 5, FM 1.5 (also Promising)
            ((4, 1, 1), "Promising"),         // R 4, FM 1
            ((5, 2, 2), "Potential Loyalist"), // R 5, FM 2
            ((3, 2, 3), "Potential Loyalist"), // R 3, FM 2.5
            ((1, 4, 5), "Can't Lose Them"),   // R 1, FM 4.5 (also At Risk)
            ((1, 3, 3), "At Risk"),           // R 1, FM 3
            ((2, 5, 5), "At Risk"),           // R 2, FM 5
            ((2, 2, 3), "Need Attention"),    // R 2, FM 2.5
            ((2, 1, 1), "About To Sleep"),    // R 2, FM 1
            ((1, 1, 2), "Hibernating"),       // R 1, FM 1.5
            ((1, 2, 2), "Hibernating"),       // R 1, FM 2
            ((1, 1, 1), "Lost"),              // R 1, FM 1
        ];
        let scores: Vec<(u32, u32, u32)> = cases.iter().map(|c| c.0).collect();
        let expected: Vec<&str> = cases.iter().map(|c| c.1).collect();
        assert_eq!(segments_of(&scores, 5), expected);
    }

    #[test]
    fn other_bins_map_to_the_five_point_scale() {
        // 9 bins: s' = 1 + (s − 1) / 2. r 3 -> R' 2 exactly; f 5, m 4 -> 3, 2.5 -> FM' 2.75.
        // r 9 -> 5, f = m = 1 -> FM' 1: New Customers. r 7 -> 4, f 7, m 7 -> 4: Champions.
        assert_eq!(segments_of(&[(3, 5, 4), (9, 1, 1), (7, 7, 7), (1, 1, 1)], 9), ["Need Attention", "New Customers", "Champions", "Lost"]);
        // 3 bins: s' = 1, 3, 5. r 2 -> 3, f 3, m 2 -> FM' 4: Champions needs R' 4: Loyal.
        assert_eq!(segments_of(&[(2, 3, 2), (3, 3, 3), (1, 2, 2)], 3), ["Loyal Customers", "Champions", "At Risk"]);
    }
}
