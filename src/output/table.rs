//! Human-readable renderings: terminal tables and Markdown.

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use polars::prelude::*;

/// One value as text: floats with `float_digits` decimals, money exact, null empty.
pub fn cell_text(value: &AnyValue, float_digits: usize) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(f) if f.is_finite() => format!("{f:.float_digits$}"),
        AnyValue::Float32(f) if f.is_finite() => format!("{f:.float_digits$}"),
        v => v.get_str().map_or_else(|| v.to_string(), str::to_string),
    }
}

fn is_numeric(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric() || dtype.is_decimal()
}

fn rows(frame: &DataFrame, float_digits: usize) -> Vec<Vec<String>> {
    let columns = frame.columns();
    (0..frame.height())
        .map(|i| {
            columns
                .iter()
                .map(|c| c.get(i).map(|v| cell_text(&v, float_digits)).unwrap_or_default())
                .collect()
        })
        .collect()
}

pub fn render_table(frame: &DataFrame, float_digits: usize) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(frame.get_column_names().iter().map(|n| n.as_str()));
    for row in rows(frame, float_digits) {
        table.add_row(row);
    }
    for (i, c) in frame.columns().iter().enumerate() {
        if is_numeric(c.dtype()) {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table.to_string()
}

pub fn render_markdown(frame: &DataFrame, float_digits: usize) -> String {
    let escape = |s: &str| s.replace('|', "\\|");
    let mut out = String::new();
    let names: Vec<String> = frame.get_column_names().iter().map(|n| escape(n)).collect();
    out.push_str(&format!("| {} |\n", names.join(" | ")));
    let rule: Vec<&str> = frame
        .columns()
        .iter()
        .map(|c| if is_numeric(c.dtype()) { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in rows(frame, float_digits) {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}
