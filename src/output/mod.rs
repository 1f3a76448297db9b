//! Writing result frames: the format chosen by option, file extension or
//! terminal, files replaced atomically.

mod args;
pub mod columns;
mod encoding;
mod table;
mod xlsx;

pub use args::{OutputArgs, OutputEncoding, OutputFormat};
pub use columns::with_thousands;
pub use table::Fit;

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use polars::prelude::*;


/// Decimal places for ratios in CSV/TSV; tables and Markdown show fewer.
pub const CSV_FLOAT_DIGITS: usize = 6;
pub const TABLE_FLOAT_DIGITS: usize = 4;

/// The format: `--format`, else `-o`'s extension, else table on a terminal and CSV in a pipe.
pub fn resolve_format(opts: &OutputArgs) -> OutputFormat {
    if let Some(f) = opts.format {
        return f;
    }
    if let Some(path) = &opts.output {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        return match ext.as_str() {
            "parquet" | "pq" => OutputFormat::Parquet,
            "json" => OutputFormat::Json,
            "ndjson" | "jsonl" => OutputFormat::Ndjson,
            "tsv" | "tab" => OutputFormat::Tsv,
            "md" | "markdown" => OutputFormat::Markdown,
            "txt" => OutputFormat::Table,
            "xlsx" => OutputFormat::Xlsx,
            _ => OutputFormat::Csv,
        };
    }
    if std::io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Csv
    }
}

/// Write `frame` to `-o FILE` (atomically) or stdout, in the resolved format, with
/// `--columns` and `--limit`; a table on a terminal is fitted to the window.
pub fn write(frame: &mut DataFrame, opts: &OutputArgs) -> anyhow::Result<()> {
    let format = resolve_format(opts);
    let encoding = encoding::Encoding::of(opts, format)?;
    let fit = (opts.output.is_none() && format == OutputFormat::Table && std::io::stdout().is_terminal()).then(|| terminal_fit(opts));
    // A fitted table applies --limit itself, to count the rows it leaves out.
    let mut frame = selected(frame, opts, fit.is_none())?;
    let mut render_encoded = |w: &mut dyn Write| encoding.write(w, |w| render_fitted(&mut frame, format, fit, w));
    match &opts.output {
        Some(path) => write_atomically(path, render_encoded),
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match render_encoded(&mut out).and_then(|_| out.flush().map_err(Into::into)) {
                // `kam abc x.csv | head` closes the pipe early: that is not a failure.
                Err(e) if is_broken_pipe(&e) => Ok(()),
                other => other,
            }
        }
    }
}

/// `--columns` (in that order; an unknown name is an error) and, with `limit`, `--limit`.
fn selected(frame: &DataFrame, opts: &OutputArgs, limit: bool) -> anyhow::Result<DataFrame> {
    let mut out = frame.clone();
    if !opts.only_columns.is_empty() {
        let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        if let Some(unknown) = opts.only_columns.iter().find(|c| !names.contains(c)) {
            return Err(crate::error::bad_input(format!(
                "--columns: there is no column '{unknown}' in this output; its columns are {}",
                names.join(", ")
            )));
        }
        out = out.select(opts.only_columns.iter().map(String::as_str))?;
    }
    if let Some(n) = opts.limit.filter(|_| limit) {
        out = out.head(Some(n));
    }
    Ok(out)
}

/// The window's width (else $COLUMNS, else 80) and the rows that fit its height.
fn terminal_fit(opts: &OutputArgs) -> Fit {
    let size = terminal_size::terminal_size();
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<usize>().ok());
    let width = size.map(|(w, _)| usize::from(w.0)).or(columns).unwrap_or(80).max(20);
    // The header, the borders and the notes under the table take about 8 lines.
    let fitting_rows = size.map_or(40, |(_, h)| usize::from(h.0).saturating_sub(8).max(10));
    let rows = if opts.all { usize::MAX } else { opts.limit.unwrap_or(fitting_rows) };
    Fit { width, rows }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.to_string().contains("Broken pipe")
    })
}

/// Render a frame in one format to any writer, numbers at their natural precision
/// (output::columns).
pub fn render(frame: &mut DataFrame, format: OutputFormat, w: &mut dyn Write) -> anyhow::Result<()> {
    render_fitted(frame, format, None, w)
}

fn render_fitted(frame: &mut DataFrame, format: OutputFormat, fit: Option<Fit>, w: &mut dyn Write) -> anyhow::Result<()> {
    let frame = &mut columns::at_natural_precision(frame)?;
    match format {
        OutputFormat::Csv | OutputFormat::Tsv => {
            let separator = if format == OutputFormat::Tsv { b'\t' } else { b',' };
            CsvWriter::new(w)
                .with_separator(separator)
                .with_float_precision(Some(CSV_FLOAT_DIGITS))
                .finish(frame)?;
        }
        OutputFormat::Json => JsonWriter::new(w).with_json_format(JsonFormat::Json).finish(frame)?,
        OutputFormat::Ndjson => JsonWriter::new(w).with_json_format(JsonFormat::JsonLines).finish(frame)?,
        OutputFormat::Parquet => {
            let mut buf = Vec::new();
            ParquetWriter::new(&mut buf).finish(frame)?;
            w.write_all(&buf)?;
        }
        OutputFormat::Table => writeln!(w, "{}", table::render_table(frame, TABLE_FLOAT_DIGITS, fit))?,
        OutputFormat::Markdown => write!(w, "{}", table::render_markdown(frame, TABLE_FLOAT_DIGITS))?,
        OutputFormat::Xlsx => w.write_all(&xlsx::workbook(frame)?)?,
    }
    Ok(())
}

/// Write a file through a temporary file in the same directory, renamed into place
/// only when everything was written: a failed run leaves any earlier file untouched.
/// A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to as it
/// is: a file renamed over it would take its place (as root, /dev/null became a file).
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new().write(true).open(path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut buffered = std::io::BufWriter::new(file);
        write(&mut buffered)?;
        buffered.flush().with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".kam-")
        .suffix(".part")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    // A temporary file is private (0600); a report is not: keep the replaced
    // file's permissions, or use the usual 0644 for a new one.
    let permissions = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        // Mode bits exist only on Unix; elsewhere the temporary file keeps its own permissions.
        #[cfg(unix)]
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
        #[cfg(not(unix))]
        Err(_) => tmp.as_file().metadata()?.permissions(),
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Print a small frame to stderr as a table (summaries, notes).
pub fn eprint_table(title: &str, frame: &DataFrame) {
    eprintln!("{title}");
    eprintln!("{}", table::render_table(frame, TABLE_FLOAT_DIGITS, None));
}

pub use table::cell_text;
