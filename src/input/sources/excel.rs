//! Excel and OpenDocument workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through calamine.
//! Every cell becomes text as the CSV reader would see it, so one set of value readers
//! and one money rule serve both: a number cell is written in the shortest form that
//! reads back as the same number (1234.5, 0.30000000000000004), and a date cell as
//! YYYY-MM-DD. The header is found as in CSV (`header::pick`).

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, Range, Reader, SheetType, SheetVisible};
use polars::prelude::*;

use super::header::{self, HeaderPick};
use crate::error::bad_input;

/// The kinds of workbook, told apart by their content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A ZIP container: XLSX, XLSM, XLSB or ODS.
    Zip,
    /// An OLE2 compound file: the old binary .xls.
    Ole,
}

/// One sheet read: its name, the workbook's sheets, the header, and every column as text.
pub struct Sheet {
    pub name: String,
    pub sheets: Vec<String>,
    pub header: HeaderPick,
    /// Sheet row (1-based) of the first data row.
    pub first_data_row: u64,
    pub columns: Vec<Column>,
}

fn open_error(name: &str, e: impl std::fmt::Display) -> anyhow::Error {
    bad_input(format!("{name}: cannot read the workbook: {e}"))
}

/// Read `sheet` (a name, or a 1-based number) of the workbook at `path`; by default the
/// first visible sheet whose header names roles kam knows.
pub fn read(name: &str, path: &Path, kind: Kind, sheet: Option<&str>, header_row: Option<usize>) -> anyhow::Result<Sheet> {
    let file = || std::fs::File::open(path).map(BufReader::new).map_err(|e| open_error(name, e));
    match kind {
        Kind::Ole => read_from(name, calamine::Xls::new(file()?).map_err(|e| open_error(name, e))?, sheet, header_row),
        Kind::Zip => {
            if let Ok(book) = calamine::Xlsx::new(file()?) {
                return read_from(name, book, sheet, header_row);
            }
            if let Ok(book) = calamine::Xlsb::new(file()?) {
                return read_from(name, book, sheet, header_row);
            }
            match calamine::Ods::new(file()?) {
                Ok(book) => read_from(name, book, sheet, header_row),
                Err(_) => Err(bad_input(format!(
                    "{name}: a ZIP archive that is not an Excel (.xlsx, .xlsm, .xlsb) or OpenDocument (.ods) workbook"
                ))),
            }
        }
    }
}

/// The sheet names of a workbook, for `kam schema`.
fn read_from<RS: Read + Seek, R: Reader<RS>>(name: &str, mut book: R, sheet: Option<&str>, header_row: Option<usize>) -> anyhow::Result<Sheet> {
    let sheets: Vec<String> = book.sheet_names();
    let visible: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible && matches!(s.typ, SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .collect();
    let list = sheets.join(", ");
    let candidates: Vec<String> = match sheet {
        Some(s) => {
            let by_number = s.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| sheets.get(i).cloned());
            match sheets.iter().find(|n| *n == s).cloned().or(by_number) {
                Some(found) => vec![found],
                None => return Err(bad_input(format!("{name}: no sheet '{s}' (--sheet takes a name or a number from 1). Sheets: {list}"))),
            }
        }
        None => visible.clone(),
    };
    for candidate in &candidates {
        let range = book.worksheet_range(candidate).map_err(|e| open_error(name, format!("{e:?}")))?;
        let top: Vec<Vec<String>> = range.rows().take(header::LOOK_AT).map(|r| r.iter().map(|c| cell_text(c).unwrap_or_default()).collect()).collect();
        let pick = header::pick(&top, header_row);
        let chosen = sheet.is_some() || header::score(&pick.names) >= 2;
        if chosen {
            return Ok(sheet_columns(candidate.clone(), sheets.clone(), &range, pick));
        }
    }
    Err(bad_input(format!(
        "{name}: no sheet has a header naming the columns kam reads (e.g. order_date, customer_id, amount, 客户编码, 金额); \
         pick one with --sheet NAME. Sheets: {list}"
    )))
}

fn sheet_columns(name: String, sheets: Vec<String>, range: &Range<Data>, header: HeaderPick) -> Sheet {
    let width = range.width().max(header.names.len());
    let mut builders: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(range.height()); width];
    for row in range.rows().skip(header.skipped()) {
        for (i, b) in builders.iter_mut().enumerate() {
            b.push(row.get(i).and_then(cell_text));
        }
    }
    let columns = builders
        .into_iter()
        .enumerate()
        .map(|(i, values)| Column::new(format!("__cell_{i}").into(), values))
        .collect();
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    Sheet { name, sheets, first_data_row: first_row + header.skipped() as u64 + 1, header, columns }
}

/// A cell as text: None for an empty one.
pub fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) => Some(s.clone()),
        // Rust writes the shortest text that reads back as the same f64: the value the
        // cell holds, with no digits invented or dropped (the money rule then applies).
        Data::Float(f) => Some(format!("{f}")),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) if d.is_datetime() => {
            // calamine knows the workbook's date system (1900 or 1904).
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            Some(if (h, min, s) == (0, 0, 0) { format!("{y:04}-{m:02}-{day:02}") } else { format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}") })
        }
        Data::DateTime(d) => Some(format!("{}", d.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e}")),
    }
}
