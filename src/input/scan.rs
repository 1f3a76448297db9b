//! The streamed way to read inputs: files are scanned lazily (CSV read in chunks
//! from disk, Parquet with projection pushdown), values are typed by a parse pass,
//! and a check of every row runs in the same streaming query as the command's
//! computation. Memory then follows the computation's groups, not the file's rows.
//!
//! The scan declines (None) whatever it cannot settle the same way as the thorough
//! load: NDJSON, GBK text, a lone-CR file, duplicate headers. When the check
//! finds a value the fast pass cannot read, the caller scans again with the thorough
//! pass, and when that finds one too, loads the table, which explains the problem:
//! results and messages are the same every way.

use std::sync::atomic::{AtomicU64, Ordering};

use polars::prelude::*;

use super::request::{InputOptions, Request};
use super::resolve::resolve_columns;
use super::roles::{Kind, Role};
use super::sources::{self, Location, Source};
use super::values::{self as parse, text, Pass, TextCheck};
use crate::tables::InputFormat;

/// Name of the per-row flag: a value the pass could not read, or an extra field.
const BAD: &str = "__bad";

pub struct Scan {
    /// Typed columns named by role, like the frame of the thorough load.
    pub frame: LazyFrame,
    /// What the rows of `frame` showed once a query has read them.
    pub check: Arc<RowCheck>,
}

/// Rows read, and rows with a value the pass could not read, counted as the rows
/// stream past (see `counted`).
#[derive(Default)]
pub struct RowCheck {
    rows: AtomicU64,
    bad: AtomicU64,
}

impl RowCheck {
    fn count(&self, batch: &DataFrame) -> PolarsResult<()> {
        let bad = batch.column(BAD)?.bool()?.sum().unwrap_or(0);
        self.rows.fetch_add(batch.height() as u64, Ordering::Relaxed);
        self.bad.fetch_add(u64::from(bad), Ordering::Relaxed);
        crate::progress::rows_read(batch.height() as u64);
        Ok(())
    }
}

/// `rows` unchanged, each batch counted into `check` on its way through. The check is
/// part of the one stream rather than a second consumer of a cached scan: polars feeds
/// the consumers of one scan through unbounded buffers, and the slower one (the
/// command's group-by) had batches queued for it while the count raced ahead (10 M
/// lines of Parquet, `kam abc`: peak 369–384 -> 343–354 MiB). Neither predicates nor
/// projections may pass the step: every row and the flag column must reach it.
fn counted(rows: LazyFrame, check: Arc<RowCheck>) -> LazyFrame {
    let step = move |batch: DataFrame| check.count(&batch).map(|()| batch);
    rows.map(step, AllowedOptimizations::STREAMING, None, Some("kam row check"))
}

/// The request's table as a lazy scan typed by `pass`, or None where only the
/// thorough load can read it.
pub fn scan(opts: &InputOptions, req: &Request, pass: Pass, text_check: TextCheck) -> Option<Scan> {
    let locations = sources::expand(&opts.inputs).ok()?;
    if locations.len() > 1 || opts.dedupe {
        return None;
    }
    let wanted = req.wanted_roles();
    let mut files = Vec::new();
    for location in &locations {
        let (lazy, found) = scan_one(location, opts, req, pass)?;
        files.push((lazy, found));
    }
    // A role found in some files only is null in the others, as in the thorough load.
    let present: Vec<Role> = wanted.iter().filter(|r| files.iter().any(|(_, f)| f.contains(&r.name.to_string()))).cloned().collect();
    let mut typed = Vec::new();
    for (lazy, found) in files {
        let dtypes = lazy.clone().collect_schema().ok()?;
        let mut values = Vec::new();
        let mut bads = Vec::new();
        for role in &present {
            if found.contains(&role.name.to_string()) {
                let dtype = dtypes.get(role.name.as_ref())?;
                let (value, bad) = parse::typed(role, dtype, req.needs(&role.name), &opts.parse, pass, text_check).ok()?;
                values.push(value);
                bads.push(bad);
            } else {
                values.push(parse::missing(role, &opts.parse));
            }
        }
        if dtypes.contains(BAD) {
            bads.push(col(BAD));
        }
        let any_bad = bads.into_iter().reduce(|a, b| a.or(b)).unwrap_or(lit(false));
        typed.push(parse::select_typed(lazy, &present, values, vec![any_bad.alias(BAD)]));
    }
    let all = concat(typed, UnionArgs { parallel: true, rechunk: false, ..Default::default() }).ok()?;
    let check = Arc::new(RowCheck::default());
    let names: Vec<Expr> = present.iter().map(|r| col(r.name.as_ref())).collect();
    // Cached: a query that uses the rows several times (products: sums and date range)
    // would otherwise scan the file again for each use.
    let frame = counted(all, check.clone()).cache().select(names);
    Some(Scan { frame, check })
}

/// About how many rows a streamed read of `opts` counts, for a progress bar:
/// Parquet's row count, or a CSV's size over the bytes per line of its first 64 KiB.
/// None where the read is not one streamed file (several files, stdin, --dedupe) or
/// the file cannot be sized.
pub fn estimated_rows(opts: &InputOptions) -> Option<u64> {
    let locations = sources::expand(&opts.inputs).ok()?;
    let [location @ Location::File(path)] = locations.as_slice() else { return None };
    if opts.dedupe {
        return None;
    }
    match sources::format_of(location, opts.read.format) {
        InputFormat::Parquet => ParquetReader::new(std::fs::File::open(path).ok()?).num_rows().ok().map(|n| n as u64),
        InputFormat::Csv | InputFormat::Tsv => text_lines_estimate(path),
        _ => None,
    }
}

/// The lines of a text file, from its size and the line length of its first 64 KiB
/// (header included: within a row of the rows counted).
fn text_lines_estimate(path: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let size = std::fs::metadata(path).ok()?.len();
    let mut head = Vec::new();
    std::fs::File::open(path).ok()?.take(64 * 1024).read_to_end(&mut head).ok()?;
    let lines = head.iter().filter(|&&b| b == b'\n').count() as u64;
    (lines > 1).then(|| size * lines / head.len() as u64)
}

/// One file as a lazy frame of raw columns named by role, and the roles it has.
fn scan_one(location: &Location, opts: &InputOptions, req: &Request, pass: Pass) -> Option<(LazyFrame, Vec<String>)> {
    let (source, found, lazy) = match sources::format_of(location, opts.read.format) {
        InputFormat::Parquet => {
            let path = location.path().ok()?;
            let source = Source::open(location, &opts.read).ok()?;
            let found = resolve_columns(&source, opts, req).ok()?;
            let lazy = LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().to_string()), ScanArgsParquet::default()).ok()?;
            (source, found, lazy)
        }
        _ => {
            let (source, path) = Source::open_head(location, &opts.read)?;
            let found = resolve_columns(&source, opts, req).ok()?;
            if pass == Pass::Thorough && !opts.decimal_comma && source.csv().is_some_and(|c| c.delimiter == b';') {
                return None;
            }
            // The fast pass lets polars' CSV reader parse numbers (quantity) as it splits
            // the line instead of keeping their text: one string column fewer. A field it
            // cannot parse fails the query, and the thorough pass, which reads text and
            // explains, takes over, as for a value the fast pass flags.
            let numbers: Vec<&str> = match pass {
                Pass::Fast => found.iter().filter(|(role, _)| role.kind == Kind::Number).map(|(_, header)| header.as_str()).collect(),
                Pass::Thorough => vec![],
            };
            let lazy = scan_csv(&source, &path, &numbers)?;
            (source, found, lazy)
        }
    };
    if found.iter().any(|(role, _)| role.name == "currency") {
        return None;
    }
    let mut raw: Vec<Expr> = found.iter().map(|(role, header)| col(header.as_str()).alias(role.name.as_ref())).collect();
    if source.csv().is_some() {
        let extra = EXTRA.map(|e| col(e).str().contains(lit(r"\S"), true).fill_null(lit(false)));
        raw.push(extra.into_iter().reduce(|a, b| a.or(b))?.alias(BAD));
    }
    Some((lazy.select(raw), found.iter().map(|(r, _)| r.name.to_string()).collect()))
}

/// Columns past the header's width, read to catch rows with extra fields: polars drops
/// those when it reads only some columns, and the thorough load refuses them (a decimal comma in
/// `C3,12,5` would otherwise count 12.00). A row whose first two extra fields are empty
/// but a later one is not is the one case this does not see.
const EXTRA: [&str; 2] = ["__extra_1", "__extra_2"];

/// Every column as text, named by kam's (trimmed) headers, and the `EXTRA` columns;
/// the columns headed `numbers` as Float64.
fn scan_csv(source: &Source, path: &std::path::Path, numbers: &[&str]) -> Option<LazyFrame> {
    let csv = source.csv()?;
    let mut schema = Schema::with_capacity(source.headers.len() + EXTRA.len());
    for header in source.headers.iter().map(String::as_str).chain(EXTRA) {
        let dtype = if numbers.contains(&header) { DataType::Float64 } else { DataType::String };
        if schema.insert(header.into(), dtype).is_some() {
            return None; // duplicate header
        }
    }
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().to_string()))
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_separator(csv.delimiter)
        .with_quote_char(Some(b'"'))
        .with_missing_is_null(true)
        .with_truncate_ragged_lines(true)
        .finish()
        .ok()
}

/// Run `plans`, queries over a scan's frame, in the streaming engine: one query with a
/// result per plan, so that the scan is read once. The results only when every row was
/// read cleanly (and there was at least one), and, when the scan left text to
/// `TextCheck::InResult`, no text in a result needs trimming; else why not.
/// The plans must read every row of the frame, as kam's aggregations do.
pub fn collect_checked(plans: Vec<LazyFrame>, check: &RowCheck, text_check: TextCheck) -> Result<Vec<DataFrame>, String> {
    // polars' own message (a field the fast pass's CSV reader could not parse) for the trace: its first line.
    let first_line = |e: PolarsError| e.to_string().lines().next().unwrap_or_default().to_string();
    let frames = match <[LazyFrame; 1]>::try_from(plans) {
        Ok([plan]) => vec![plan.collect_with_engine(Engine::Streaming).map_err(first_line)?.unwrap_single()],
        Err(plans) => {
            let opt_state = plans.first().map(LazyFrame::get_current_optimizations).unwrap_or_default();
            let plans = plans.into_iter().map(|p| p.logical_plan).collect();
            LazyFrame::collect_all_with_engine(plans, Engine::Streaming, opt_state).map_err(first_line)?
        }
    };
    match (check.rows.load(Ordering::Relaxed), check.bad.load(Ordering::Relaxed)) {
        (rows, 0) if rows > 0 => {}
        (rows, bad) => return Err(format!("{rows} rows, {bad} not read cleanly")),
    }
    if text_check == TextCheck::InResult {
        for frame in &frames {
            if has_text_to_trim(frame).map_err(|e| e.to_string())? {
                return Err("text in the result needs trimming".into());
            }
        }
    }
    Ok(frames)
}

/// Whether a text column of `frame` has a value that is empty, has surrounding space,
/// or marks a totals row.
fn has_text_to_trim(frame: &DataFrame) -> PolarsResult<bool> {
    let tests: Vec<Expr> = frame
        .schema()
        .iter()
        .filter(|(_, dtype)| **dtype == DataType::String)
        .map(|(name, _)| parse::test_text(col(name.clone()), text::needs_a_closer_look).any(true))
        .collect();
    if tests.is_empty() {
        return Ok(false);
    }
    let found = frame.clone().lazy().select([any_horizontal(tests)?]).collect()?;
    Ok(found.column(found.get_column_names()[0].as_str())?.bool()?.get(0).unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_is_sized_from_its_first_64_kib() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.csv");
        // A 19-byte header and 10,000 lines of 18 bytes (180,019 bytes): 3,640 lines in
        // the first 65,536 bytes, so 180,019 x 3,640 / 65,536 = 9,998.7 -> 9,998 of 10,001.
        let mut text = String::from("customer_id,amount\n");
        for i in 0..10_000 {
            text.push_str(&format!("C{i:08},1234.50\n"));
        }
        std::fs::write(&path, &text).unwrap();
        assert_eq!(text_lines_estimate(&path), Some(9_998));
        // One line is not enough to tell a line's length.
        std::fs::write(&path, "customer_id,amount\n").unwrap();
        assert_eq!(text_lines_estimate(&path), None);
    }
}
