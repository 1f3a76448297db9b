//! `kam report`: the tables of one period written together into a directory —
//! CSV and Parquet per table, one XLSX workbook, and a self-contained report.html
//! with SVG charts. The directory is replaced atomically (see [`write_dir`]).

pub mod charts;
pub mod format;
pub mod headline;
pub mod html;
pub mod lang;
pub mod profile;
pub mod stake;
pub mod xlsx;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use polars::prelude::DataFrame;

use crate::output::OutputFormat;
use crate::error::bad_input;
use crate::output;
use crate::progress::Progress;

/// One table of the report: its file stem (also the XLSX sheet name) and its rows.
pub struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub frame: DataFrame,
}

/// A summary figure beside the headline (class A customers, alerts, tiers …).
pub struct Card {
    pub label: String,
    pub value: CardValue,
}

pub enum CardValue {
    Money(rust_decimal::Decimal),
    Count(u64),
}

/// Excel on Chinese Windows reads BOM-less UTF-8 CSV as GBK: a Chinese report's CSVs
/// start with the UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Write `name.csv` and `name.parquet` for every table into `dir`, in kam's usual
/// formats (CSV ratios with 6 decimals, money exact; Parquet at full precision);
/// the CSVs with a UTF-8 BOM when `bom`. Column names stay the English identifiers.
pub fn write_tables(dir: &Path, tables: &mut [Table], bom: bool, progress: &mut Progress) -> anyhow::Result<()> {
    progress.counted("writing the CSV and Parquet files", 2 * tables.len() as u64);
    for t in tables.iter_mut() {
        // One chunk per column: Parquet pages then do not depend on how the frame was built.
        t.frame.rechunk_mut();
        // The CSV and the Parquet file of a table at once: each writer alone kept about
        // 1.3 of the 2 cores busy (2 M lines: this stage 1.24 -> 0.8 s, docs/PERFORMANCE.md).
        let mut copy = t.frame.clone();
        let (csv, parquet) = std::thread::scope(|scope| {
            let parquet = scope.spawn(|| write_table_file(dir, t.name, OutputFormat::Parquet, &mut copy, false));
            (write_table_file(dir, t.name, OutputFormat::Csv, &mut t.frame, bom), parquet.join())
        });
        csv?;
        parquet.map_err(|_| anyhow::anyhow!("writing {}.parquet failed", t.name))??;
        progress.step();
        progress.step();
    }
    Ok(())
}

/// `name.csv` or `name.parquet` of `frame` in `dir`; a CSV with a UTF-8 BOM when `bom`.
fn write_table_file(dir: &Path, name: &str, format: OutputFormat, frame: &mut DataFrame, bom: bool) -> anyhow::Result<()> {
    let ext = if format == OutputFormat::Csv { "csv" } else { "parquet" };
    let path = dir.join(format!("{name}.{ext}"));
    let mut file = std::io::BufWriter::new(fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?);
    if bom {
        std::io::Write::write_all(&mut file, BOM)?;
    }
    output::render(frame, format, &mut file)?;
    std::io::Write::flush(&mut file)?;
    Ok(())
}

/// The sibling paths used while replacing `out`: the new directory being filled and
/// the place the previous one is moved to.
fn sibling(out: &Path, tag: &str) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .ok_or_else(|| bad_input(format!("--out {}: needs a directory name (e.g. reports/2024-12)", out.display())))?;
    let mut sibling = name.to_os_string();
    sibling.push(format!(".{tag}-{}", std::process::id()));
    Ok(out.with_file_name(sibling))
}

/// Fill a new directory with `fill`, then put it in place of `out`.
///
/// Everything is written into the sibling `OUT.tmp-<pid>`; only when `fill` succeeded
/// is an existing `out` renamed to `OUT.old-<pid>`, the new directory renamed to
/// `out`, and the old one removed. A failure before that removes the temporary
/// directory and leaves `out` as it was.
pub fn write_dir(out: &Path, fill: impl FnOnce(&Path) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let tmp = sibling(out, "tmp")?;
    let old = sibling(out, "old")?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    if tmp.exists() {
        fs::remove_dir_all(&tmp).with_context(|| format!("cannot remove the stale {}", tmp.display()))?;
    }
    fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    if let Err(e) = fill(&tmp) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let existed = out.exists();
    if existed {
        if let Err(e) = fs::rename(out, &old) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e).with_context(|| format!("cannot move the previous {} aside", out.display()));
        }
    }
    if let Err(e) = fs::rename(&tmp, out) {
        if existed {
            let _ = fs::rename(&old, out);
        }
        let _ = fs::remove_dir_all(&tmp);
        return Err(e).with_context(|| format!("cannot move the new report into {}", out.display()));
    }
    if existed {
        fs::remove_dir_all(&old).with_context(|| format!("the new report is in place; cannot remove {}", old.display()))?;
    }
    Ok(())
}
