//! Sources: finding input files and opening them, one module per format (csv,
//! parquet, ndjson, excel, stdin). The format comes from the content where the
//! extension does not settle it. A source knows its headers and reads chosen columns
//! as raw frames: CSV and Excel as text, Parquet and NDJSON with their own types.

pub mod csv;
pub mod excel;
pub mod header;
pub mod ndjson;
pub mod parquet;
pub mod stdin;

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use polars::prelude::*;

use crate::tables::{Encoding, InputFormat};
use crate::error::bad_input;
pub use self::csv::CsvText;
pub use header::HeaderPick;
pub use stdin::{claim_stdin, remove_stdin_copy};

/// Where a source's bytes come from.
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Stdin,
}

impl Location {
    pub fn display_name(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Stdin => "<stdin>".to_string(),
        }
    }

    /// The file to read: the path, or the copy of stdin (made on first use).
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        match self {
            Location::File(p) => Ok(p.clone()),
            Location::Stdin => stdin::stdin_copy(),
        }
    }
}

/// Expand paths, globs and `-` into concrete locations, in a stable order.
pub fn expand(inputs: &[String]) -> anyhow::Result<Vec<Location>> {
    let mut out = Vec::new();
    for input in inputs {
        if input == "-" {
            out.push(Location::Stdin);
        } else if input.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(input)
                .map_err(|e| bad_input(format!("bad glob pattern '{input}': {e}")))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                return Err(bad_input(format!("no file matches '{input}'")));
            }
            matched.sort();
            out.extend(matched.into_iter().map(Location::File));
        } else {
            let path = PathBuf::from(input);
            if !path.is_file() {
                return Err(bad_input(format!("{input}: no such file")));
            }
            out.push(Location::File(path));
        }
    }
    if out.iter().filter(|l| matches!(l, Location::Stdin)).count() > 1 {
        return Err(bad_input("'-' (stdin) can be given only once"));
    }
    Ok(out)
}

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Content {
    Parquet,
    Workbook(excel::Kind),
    Html,
    Ndjson,
    Text,
}

/// Parquet's magic bytes, a ZIP (XLSX, XLSB, ODS) or OLE2 (XLS) container, an HTML
/// table (what some ERPs save as ".xls"), NDJSON when the first character (after a BOM
/// and white space) is '{', else text.
fn content_of(path: &Path) -> Option<Content> {
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = &head[..n];
    if head.starts_with(b"PAR1") {
        return Some(Content::Parquet);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Content::Workbook(excel::Kind::Zip));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Content::Workbook(excel::Kind::Ole));
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let lower = text[start..].iter().take(512).map(u8::to_ascii_lowercase).collect::<Vec<u8>>();
    if lower.starts_with(b"<") && [&b"<html"[..], b"<table", b"<!doctype html", b"<?xml"].iter().any(|t| lower.windows(t.len()).any(|w| w == *t)) {
        return Some(Content::Html);
    }
    Some(if text[start] == b'{' { Content::Ndjson } else { Content::Text })
}

/// The format of a location: explicit option, else the extension for .csv, .tsv,
/// .parquet and .ndjson, else what the content is: a ".xls" that is XLSX inside is
/// read as XLSX, and one that is CSV text as CSV (so `kam abc x --format parquet |
/// kam abc -` needs no option either).
pub fn format_of(location: &Location, explicit: Option<InputFormat>) -> InputFormat {
    if let Some(f) = explicit {
        return f;
    }
    if let Location::File(path) = location {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => return InputFormat::Parquet,
            "ndjson" | "jsonl" | "json" => return InputFormat::Ndjson,
            "tsv" | "tab" => return InputFormat::Tsv,
            "csv" => return InputFormat::Csv,
            _ => {}
        }
    }
    match location.path().ok().and_then(|path| content_of(&path)) {
        Some(Content::Parquet) => InputFormat::Parquet,
        Some(Content::Ndjson) => InputFormat::Ndjson,
        Some(Content::Workbook(_) | Content::Html) => InputFormat::Excel,
        _ => InputFormat::Csv,
    }
}

/// An opened source: its name, headers, and a way to read chosen columns.
pub struct Source {
    pub name: String,
    pub format: InputFormat,
    pub headers: Vec<String>,
    /// Which row was the header and why (CSV and Excel).
    pub header: Option<HeaderPick>,
    /// The sheet read and every sheet of the workbook (Excel).
    pub sheet: Option<(String, Vec<String>)>,
    body: Body,
}

enum Body {
    Csv(CsvText),
    Parquet(PathBuf),
    Frame(DataFrame),
    /// A sheet's columns as text, named `__cell_<i>`; its first data row's sheet row.
    Cells(Vec<Column>, u64),
}

#[derive(Clone)]
pub struct ReadSettings {
    pub format: Option<InputFormat>,
    pub delimiter: Option<u8>,
    pub encoding: Encoding,
    /// --sheet NAME|NUMBER
    pub sheet: Option<String>,
    /// --header-row N (1-based)
    pub header_row: Option<usize>,
}

impl Source {
    pub fn open(location: &Location, settings: &ReadSettings) -> anyhow::Result<Source> {
        let name = location.display_name();
        let format = format_of(location, settings.format);
        let path = location.path()?;
        let (body, pick, sheet) = match format {
            InputFormat::Parquet => (Body::Parquet(path), None, None),
            InputFormat::Ndjson => (Body::Frame(ndjson::read(&name, read_all(&name, &path)?)?), None, None),
            InputFormat::Excel => {
                let kind = match content_of(&path) {
                    Some(Content::Workbook(kind)) => kind,
                    Some(Content::Html) => {
                        return Err(bad_input(format!(
                            "{name}: this is an HTML table saved with an Excel name, not a workbook: open it in Excel \
                             and save it as .xlsx, or save it as CSV (UTF-8)"
                        )))
                    }
                    _ => return Err(bad_input(format!("{name}: not an Excel or OpenDocument workbook"))),
                };
                let sheet = excel::read(&name, &path, kind, settings.sheet.as_deref(), settings.header_row)?;
                let headers = sheet.header.names.clone();
                let columns = sheet.columns;
                let source = Source {
                    name,
                    format,
                    headers: pad_headers(headers, columns.len()),
                    header: Some(sheet.header),
                    sheet: Some((sheet.name, sheet.sheets)),
                    body: Body::Cells(columns, sheet.first_data_row),
                };
                return Ok(source);
            }
            InputFormat::Csv | InputFormat::Tsv => {
                let bytes = read_all(&name, &path)?;
                let (text, encoding) = csv::decode(&name, bytes, settings.encoding)?;
                let delimiter = match (settings.delimiter, format) {
                    (Some(d), _) => Some(d),
                    (None, InputFormat::Tsv) => Some(b'\t'),
                    _ => None,
                };
                let mut c = csv::csv_text(&name, text, encoding, delimiter)?;
                let pick = csv::take_header(&name, &mut c, settings.header_row)?;
                (Body::Csv(c), Some(pick), None)
            }
        };
        let headers = match (&body, &pick) {
            (_, Some(p)) => p.names.clone(),
            (Body::Parquet(p), _) => parquet::schema(&name, p)?.iter_names().map(|n| n.to_string()).collect(),
            (Body::Frame(df), _) => df.get_column_names().iter().map(|n| n.to_string()).collect(),
            _ => vec![],
        };
        Ok(Source { name, format, headers, header: pick, sheet, body })
    }

    /// A UTF-8 CSV file opened from its first lines only (the 50 the delimiter sniffer
    /// reads, at most 4 MiB): name, headers and delimiter as `open` would find them, for
    /// the streamed scan, which reads the rows itself. None where the start cannot settle
    /// that (GBK, another format, a lone-CR file, a start that is not valid text), or
    /// the header is not the first line alone (title rows: the thorough load reads those).
    pub fn open_head(location: &Location, settings: &ReadSettings) -> Option<(Source, PathBuf)> {
        let format = format_of(location, settings.format);
        if !matches!(format, InputFormat::Csv | InputFormat::Tsv) || settings.encoding != Encoding::Utf8 || settings.header_row.is_some() {
            return None;
        }
        let path = location.path().ok()?;
        let mut file = std::fs::File::open(&path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut head = Vec::new();
        while (head.len() as u64) < size {
            (&mut file).take(64 * 1024).read_to_end(&mut head).ok()?;
            // Whole lines only, so no character is split.
            let end = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let lines = head[..end].split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count();
            if lines >= 50 {
                head.truncate(end);
                break;
            }
            if head.len() >= 4 << 20 {
                return None;
            }
        }
        if !head.contains(&b'\n') {
            return None;
        }
        let name = location.display_name();
        let (text, encoding) = csv::decode(&name, head, Encoding::Utf8).ok()?;
        let delimiter = match (settings.delimiter, format) {
            (Some(d), _) => Some(d),
            (None, InputFormat::Tsv) => Some(b'\t'),
            _ => None,
        };
        let mut c = csv::csv_text(&name, text, encoding, delimiter).ok()?;
        let pick = csv::take_header(&name, &mut c, None).ok()?;
        if !pick.is_first_row() {
            return None;
        }
        Some((Source { name, format, headers: pick.names.clone(), header: Some(pick), sheet: None, body: Body::Csv(c) }, path))
    }

    pub fn csv(&self) -> Option<&CsvText> {
        match &self.body {
            Body::Csv(c) => Some(c),
            _ => None,
        }
    }

    /// Where data row `row` (1-based) is in the file: " (line L)" or " (sheet row L)".
    pub fn place_of_row(&self, row: usize) -> String {
        match &self.body {
            Body::Csv(c) => csv::line_of_row(c, row).map_or(String::new(), |l| format!(" (line {l})")),
            Body::Cells(_, first) => format!(" (sheet row {})", first + row as u64 - 1),
            _ => String::new(),
        }
    }

    /// Read the columns at these header positions, in this order.
    pub fn read_columns(&self, positions: &[usize]) -> anyhow::Result<DataFrame> {
        let names: Vec<PlSmallStr> = positions.iter().map(|&i| self.headers[i].as_str().into()).collect();
        match &self.body {
            Body::Csv(c) => csv::read_csv_columns(&self.name, c, positions, &self.headers),
            Body::Parquet(path) => parquet::read(&self.name, path, &names),
            Body::Frame(df) => Ok(df.select(names)?),
            Body::Cells(columns, _) => {
                let unique = |i: usize| self.headers.iter().filter(|h| **h == self.headers[i]).count() == 1 && !self.headers[i].is_empty();
                let picked: Vec<Column> = positions
                    .iter()
                    .map(|&i| {
                        let name: PlSmallStr = if unique(i) { self.headers[i].as_str().into() } else { format!("__cell_{i}").into() };
                        columns[i].clone().with_name(name)
                    })
                    .collect();
                let height = picked.first().map_or(0, |c| c.len());
                Ok(DataFrame::new(height, picked)?)
            }
        }
    }
}

/// Headers for every column: a column with no header cell is named by its position.
fn pad_headers(mut headers: Vec<String>, width: usize) -> Vec<String> {
    headers.resize(width, String::new());
    headers
}

fn read_all(name: &str, path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {name}"))
}

/// Whether a path names a Parquet file by extension (used by writers too).
pub fn is_parquet_path(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("parquet" | "pq"))
}

