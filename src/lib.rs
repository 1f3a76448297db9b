//! kam: key-account management analytics for ERP exports.
//!
//! Layout: `input` reads and validates files into typed polars frames,
//! `metrics` are pure LazyFrame -> LazyFrame computations, `output` writes
//! frames in the requested format, `commands` glue the three together.

pub mod cli;
pub mod commands;
pub mod config;
pub mod defaults;
pub mod engine;
pub mod error;
pub mod generate;
pub mod input;
pub mod metrics;
pub mod output;
pub mod period;
pub mod pipelines;
pub mod progress;
pub mod report;
pub mod settings;
pub mod sql;
pub mod tables;
pub mod values;
