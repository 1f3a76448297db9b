//! `-o x.xlsx` / `--format xlsx`: a real workbook, one sheet. Money (exact decimals)
//! as numbers with a money format, whole numbers and ratios as numbers, dates as
//! dates, flags as booleans, text as text; column widths from the content, the
//! header row frozen, and an autofilter.

use polars::prelude::*;
use super::columns::{self, Kind};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// Days from Excel's epoch (1899-12-30) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: f64 = 25_569.0;

/// The workbook's bytes.
pub fn workbook(frame: &DataFrame) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // Deflate level 1 instead of 6: most of the time of a 200,000-row workbook was zlib.
    workbook.set_zip_compression_level(1);
    let sheet = workbook.add_worksheet();
    sheet.set_name("kam")?;
    write_sheet(sheet, frame)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(sheet: &mut Worksheet, frame: &DataFrame) -> anyhow::Result<()> {
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, column) in frame.columns().iter().enumerate() {
        let c = u16::try_from(c)?;
        sheet.write_string_with_format(0, c, column.name().as_str(), &header)?;
        let dtype = column.dtype().clone();
        let row = |r: usize| u32::try_from(r + 1);
        let mut width = column.name().chars().count();
        match &dtype {
            DataType::Decimal(_, scale) => {
                let scale = *scale;
                let money = Format::new().set_num_format(if scale == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(scale)) });
                for (r, v) in column.as_materialized_series().iter().enumerate() {
                    if v.is_null() {
                        continue;
                    }
                    let text = v.to_string();
                    width = width.max(text.len() + text.len() / 3);
                    sheet.write_number_with_format(row(r)?, c, text.parse::<f64>()?, &money)?;
                }
            }
            dt if dt.is_primitive_numeric() => {
                // Shares as percentages, counts with separators, other ratios as they are.
                let format = match columns::kind(column.name(), dt) {
                    Kind::Share => Some(Format::new().set_num_format("0.00%")),
                    Kind::Count => Some(Format::new().set_num_format("#,##0")),
                    _ => None,
                };
                let values = column.cast(&DataType::Float64)?;
                for (r, v) in values.f64()?.iter().enumerate() {
                    if let Some(v) = v.filter(|v| v.is_finite()) {
                        width = width.max(format!("{v}").len().min(12));
                        match &format {
                            Some(f) => sheet.write_number_with_format(row(r)?, c, v, f)?,
                            None => sheet.write_number(row(r)?, c, v)?,
                        };
                    }
                }
            }
            DataType::Date => {
                width = width.max(10);
                for (r, v) in column.cast(&DataType::Int32)?.i32()?.iter().enumerate() {
                    if let Some(d) = v {
                        sheet.write_number_with_format(row(r)?, c, f64::from(d) + EXCEL_EPOCH_OFFSET, &date)?;
                    }
                }
            }
            DataType::Boolean => {
                for (r, v) in column.bool()?.iter().enumerate() {
                    if let Some(b) = v {
                        sheet.write_boolean(row(r)?, c, b)?;
                    }
                }
            }
            _ => {
                let text = column.cast(&DataType::String)?;
                for (r, v) in text.str()?.iter().enumerate() {
                    if let Some(s) = v {
                        // CJK characters take two columns' width.
                        width = width.max(s.chars().map(|ch| if ch.len_utf8() > 2 { 2 } else { 1 }).sum());
                        sheet.write_string(row(r)?, c, s)?;
                    }
                }
            }
        }
        sheet.set_column_width(c, (width.min(60) + 2) as f64)?;
    }
    // A filter on every column, as in report.xlsx: the workbook is for working in.
    sheet.autofilter(0, 0, u32::try_from(frame.height())?, u16::try_from(frame.width().max(1) - 1)?)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}
