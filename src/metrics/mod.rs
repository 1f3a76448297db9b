//! Metrics: pure functions from LazyFrames to LazyFrames. They never read
//! files or print; the formulas are documented in docs/metrics.md.

pub mod abc;
pub mod by_customer;
pub mod cohorts;
pub mod migration;
pub mod names;
pub mod clv;
pub mod products;
pub mod alerts;
pub mod churn;
pub mod order_history;
pub mod credit;
pub mod receivables;
pub mod rfm;
pub mod scorecard;
pub mod windows;
pub mod xyz;
