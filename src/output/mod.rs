//! Writing result frames: the format chosen by option, file extension or
//! terminal, files replaced atomically.

mod args;
mod table;
mod xlsx;

pub use args::{OutputArgs, OutputFormat};

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use polars::prelude::*;


/// Decimal places for ratios in CSV/TSV; tables and Markdown show fewer.
pub const CSV_FLOAT_DIGITS: usize = 6;
pub const TABLE_FLOAT_DIGITS: usize = 4;

/// Thousands separators in a decimal text: 1234567.50 -> 1,234,567.50.
pub fn with_thousands(amount: &str) -> String {
    let (sign, rest) = amount.strip_prefix('-').map_or(("", amount), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

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

/// Write `frame` to `-o FILE` (atomically) or stdout, in the resolved format.
pub fn write(frame: &mut DataFrame, opts: &OutputArgs) -> anyhow::Result<()> {
    let format = resolve_format(opts);
    match &opts.output {
        Some(path) => write_atomically(path, |w| render(frame, format, w)),
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match render(frame, format, &mut out).and_then(|_| out.flush().map_err(Into::into)) {
                // `kam abc x.csv | head` closes the pipe early: that is not a failure.
                Err(e) if is_broken_pipe(&e) => Ok(()),
                other => other,
            }
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.to_string().contains("Broken pipe")
    })
}

/// Render a frame in one format to any writer.
pub fn render(frame: &mut DataFrame, format: OutputFormat, w: &mut dyn Write) -> anyhow::Result<()> {
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
        OutputFormat::Table => writeln!(w, "{}", table::render_table(frame, TABLE_FLOAT_DIGITS))?,
        OutputFormat::Markdown => write!(w, "{}", table::render_markdown(frame, TABLE_FLOAT_DIGITS))?,
        OutputFormat::Xlsx => w.write_all(&xlsx::workbook(frame)?)?,
    }
    Ok(())
}

/// Write a file through a temporary file in the same directory, renamed into place
/// only when everything was written: a failed run leaves any earlier file untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
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
    eprintln!("{}", table::render_table(frame, TABLE_FLOAT_DIGITS));
}

pub use table::cell_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_in_the_integer_part() {
        assert_eq!(with_thousands("1234567.50"), "1,234,567.50");
        assert_eq!(with_thousands("-999.00"), "-999.00");
        assert_eq!(with_thousands("100000.01"), "100,000.01");
    }
}
