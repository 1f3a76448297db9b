//! `kam sql`: kam's metrics as one SQL statement for a warehouse (DuckDB, PostgreSQL,
//! Spark, Trino), so the aggregation runs where the data is and only the small result
//! comes back. See docs/scale.md.
//!
//! Each metric module says which roles it reads (`Need`) and renders its statement
//! over the `lines` step (`lines::select`), which types and checks the input columns.
//! The parameters that decide the answer (class thresholds, aging buckets, weeks) are
//! kam's own types, shared with the polars plans; the formulas are checked against
//! kam's output on real engines (tests/sql/parity.py).

pub mod abc;
pub mod clv_summary;
pub mod dialect;
pub mod lines;
pub mod products;
pub mod receivables;

pub use dialect::{Dialect, Type};

/// A role a metric reads: its name in kam's role lists, type and whether it is required.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub role: String,
    pub t: Type,
    pub required: bool,
}

pub fn need(role: &str, t: Type, required: bool) -> Need {
    Need { role: role.to_string(), t, required }
}

/// A statement built step by step: `WITH a AS (...), b AS (...) SELECT ...`.
pub(crate) struct Steps {
    steps: Vec<(String, String)>,
}

impl Steps {
    /// Start with the typed input rows as the step `lines`.
    pub(crate) fn new(lines: String) -> Steps {
        Steps { steps: vec![("lines".to_string(), lines)] }
    }

    pub(crate) fn step(&mut self, name: &str, body: String) {
        self.steps.push((name.to_string(), body));
    }

    pub(crate) fn finish(self, select: String) -> String {
        let with: Vec<String> = self.steps.into_iter().map(|(name, body)| format!("{name} AS (\n{body}\n)")).collect();
        format!("WITH {}\n{select}\n", with.join(",\n"))
    }
}

/// `left < share × right` on exact decimals, as kam's `abc::below_share`: with
/// share = m / 10^s, `left × 10^s < right × m` in integer-scaled arithmetic.
pub(crate) fn below_share(left: &str, share: rust_decimal::Decimal, right: &str) -> String {
    let scale = 10i128.pow(share.scale());
    format!("{left} * {scale} < {right} * {}", share.mantissa())
}

#[cfg(test)]
mod tests;
