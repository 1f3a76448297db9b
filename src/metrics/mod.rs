//! Metrics: pure functions from LazyFrames to LazyFrames. They never read
//! files or print; the formulas are documented in docs/metrics.md.

pub mod abc;
