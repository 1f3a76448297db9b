//! Reading input tables: find the files, map columns to roles, parse values
//! exactly, and stop with a precise message (file, row, column, value, fix)
//! at the first value that cannot be read.
//!
//! By responsibility: `request` (what a command asks), `resolve` (header -> role),
//! `values/` (money, dates, text), `sources/` (csv, parquet, ndjson, excel, stdin),
//! `rows` (non-data rows), `checks` (across files), and two ways to read: `scan`
//! (streamed) and `load` (thorough). This module only chooses between them.

#[macro_use]
mod notes;
mod checks;
mod load;

pub mod request;
pub mod resolve;
pub mod roles;
mod rows;
pub mod scan;
pub mod sources;
pub mod values;

use polars::prelude::*;

pub use request::{InputOptions, Request};
// The names commands and tests used before the split.
pub use sources as source;
pub use values as parse;

/// Compute `query` over the request's table. Files the streamed scan can read are
/// streamed from disk, with every row checked in the same pass: first with the fast
/// parse, then, if a value needs it, with the thorough one. If the scan declines, or
/// a value is bad, the table is loaded thoroughly and the query runs on it: that is
/// the way that explains problems. The result is the same every way.
pub fn query(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<LazyFrame>) -> anyhow::Result<DataFrame> {
    query_checking(opts, req, values::TextCheck::PerRow, |lf| Ok((vec![query(lf)?], ()))).map(|(f, ())| single(f))
}

/// `query` for a query with several results, all computed in the one pass over the
/// rows (the scan is shared): the results in the order of the query's frames.
/// The query also returns a plan of how to finish its results (see `query_grouped_with`).
pub fn query_all<T>(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<(Vec<LazyFrame>, T)>) -> anyhow::Result<(Vec<DataFrame>, T)> {
    query_checking(opts, req, values::TextCheck::PerRow, query)
}

fn single(mut frames: Vec<DataFrame>) -> DataFrame {
    frames.pop().expect("one frame per plan")
}

/// `query` for a grouping query whose result shows each group's key and first name:
/// the fast pass then checks text for surrounding space on those values instead of on
/// every row (see `values::TextCheck::InResult`). 10 M lines of Parquet, `kam abc`: the
/// check was 6% of CPU time.
pub fn query_grouped(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<LazyFrame>) -> anyhow::Result<DataFrame> {
    query_checking(opts, req, values::TextCheck::InResult, |lf| Ok((vec![query(lf)?], ()))).map(|(f, ())| single(f))
}

/// `query_grouped` for a query that also returns a plan of how to finish its result
/// (products: how the table is built from the per-key sums): the plan of the run
/// whose frame is returned comes back with it.
pub fn query_grouped_with<T>(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<(LazyFrame, T)>) -> anyhow::Result<(DataFrame, T)> {
    query_checking(opts, req, values::TextCheck::InResult, |lf| query(lf).map(|(plan, extra)| (vec![plan], extra))).map(|(f, extra)| (single(f), extra))
}

fn query_checking<T>(
    opts: &InputOptions,
    req: &Request,
    text_check: values::TextCheck,
    query: impl Fn(LazyFrame) -> anyhow::Result<(Vec<LazyFrame>, T)>,
) -> anyhow::Result<(Vec<DataFrame>, T)> {
    if opts.inputs.iter().any(|i| i == "-") {
        sources::claim_stdin(req.table)?;
    }
    let started = std::time::Instant::now();
    let trace = |how: &str| {
        if std::env::var_os("KAM_TRACE_READ").is_some() {
            eprintln!("kam: trace: {} {how} ({:.3} s)", req.table, started.elapsed().as_secs_f64());
        }
    };
    for pass in [values::Pass::Fast, values::Pass::Thorough] {
        let Some(scanned) = scan::scan(opts, req, pass, text_check) else {
            crate::progress::reading_unmeasured();
            trace("loaded: the scan declined");
            break;
        };
        let (plans, extra) = query(scanned.frame)?;
        match scan::collect_checked(plans, &scanned.check, text_check) {
            Ok(frame) => {
                trace(&format!("streamed, {pass:?} pass"));
                return Ok((frame, extra));
            }
            Err(why) => trace(&format!("not streamed, {pass:?} pass: {why}")),
        }
    }
    crate::progress::reading_unmeasured();
    trace("loaded");
    let (plans, extra) = query(load::load_thoroughly(opts, req)?.lazy())?;
    let frames = plans.into_iter().map(LazyFrame::collect).collect::<PolarsResult<Vec<_>>>()?;
    Ok((frames, extra))
}

/// Read every input of a request into one typed frame with columns named by role
/// (streamed where possible, see `query`).
pub fn load(opts: &InputOptions, req: &Request) -> anyhow::Result<DataFrame> {
    query(opts, req, Ok)
}
