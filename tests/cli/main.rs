//! kam's end-to-end tests: one binary (linking polars once), one module per command
//! or concern. Shared helpers that run the built binary are in `common`.

mod common;

mod abc;
mod clv;
mod corpus;
mod crash_safety;
mod erp;
mod errors;
mod golden;
mod layout;
mod moved;
mod output;
mod products;
mod profile;
mod properties;
mod report;
mod rfm;
mod sql;
mod scorecard;
mod settings;
mod streaming;
mod warnings;
