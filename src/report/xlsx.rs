//! The report's workbook: one sheet per table (rust_xlsxwriter).
//!
//! Money (exact decimals in CSV/Parquet) is written as a number with the 0.00
//! format; ratios as plain numbers, dates as dates (yyyy-mm-dd), flags as booleans.
//! The document's creation date is fixed to the report's as-of date.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::Table;

/// Days from Excel's epoch (1899-12-30) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: f64 = 25_569.0;

pub fn write(path: &Path, tables: &[Table], as_of: NaiveDate) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let money = Format::new().set_num_format("0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let header = Format::new().set_bold();
    for t in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(t.name)?;
        for (c, column) in t.frame.columns().iter().enumerate() {
            let c = u16::try_from(c)?;
            sheet.write_string_with_format(0, c, column.name().as_str(), &header)?;
            let dtype = column.dtype().clone();
            let rows = |r: usize| u32::try_from(r + 1);
            if dtype.is_decimal() || dtype.is_primitive_numeric() {
                let values = column.cast(&DataType::Float64)?;
                for (r, v) in values.f64()?.iter().enumerate() {
                    match v {
                        Some(v) if dtype.is_decimal() => sheet.write_number_with_format(rows(r)?, c, v, &money)?,
                        Some(v) if v.is_finite() => sheet.write_number(rows(r)?, c, v)?,
                        _ => continue,
                    };
                }
            } else if dtype == DataType::Date {
                let days = column.cast(&DataType::Int32)?;
                for (r, v) in days.i32()?.iter().enumerate() {
                    if let Some(d) = v {
                        sheet.write_number_with_format(rows(r)?, c, f64::from(d) + EXCEL_EPOCH_OFFSET, &date)?;
                    }
                }
            } else if dtype == DataType::Boolean {
                for (r, v) in column.bool()?.iter().enumerate() {
                    if let Some(b) = v {
                        sheet.write_boolean(rows(r)?, c, b)?;
                    }
                }
            } else {
                let text = column.cast(&DataType::String)?;
                for (r, v) in text.str()?.iter().enumerate() {
                    if let Some(s) = v {
                        sheet.write_string(rows(r)?, c, s)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save(path)?;
    Ok(())
}
