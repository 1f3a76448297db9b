//! Human-readable renderings: terminal tables and Markdown. Money with thousands
//! separators, shares as percentages, numbers right-aligned; on a terminal the table
//! is fitted to the window (see [`Fit`]).

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use polars::prelude::*;
use unicode_width::UnicodeWidthStr;

use super::columns::{self, with_thousands, Kind};

/// One value as text: floats with `float_digits` decimals, money exact, null empty.
pub fn cell_text(value: &AnyValue, float_digits: usize) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(f) if f.is_finite() => format!("{f:.float_digits$}"),
        AnyValue::Float32(f) if f.is_finite() => format!("{f:.float_digits$}"),
        v => v.get_str().map_or_else(|| v.to_string(), str::to_string),
    }
}

/// One value as a person reads it, by the kind of its column.
fn display_text(value: &AnyValue, kind: Kind, float_digits: usize) -> String {
    let float = match value {
        AnyValue::Float64(f) if f.is_finite() => Some(*f),
        AnyValue::Float32(f) if f.is_finite() => Some(f64::from(*f)),
        _ => None,
    };
    match (kind, float) {
        (Kind::Share, Some(f)) => format!("{:.2}%", f * 100.0),
        (Kind::Money | Kind::Score, Some(f)) => with_thousands(&format!("{f:.2}")),
        (_, Some(f)) => with_thousands(&format!("{f:.float_digits$}")),
        (Kind::Money | Kind::Count, None) if !value.is_null() => with_thousands(&cell_text(value, float_digits)),
        _ => cell_text(value, float_digits),
    }
}

fn is_numeric(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric() || dtype.is_decimal()
}

/// How a table on a terminal is fitted: the window's width, and the rows shown.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub width: usize,
    pub rows: usize,
}

/// A cell on a terminal is cut at this width ("…"): long reasons would hide every other column.
const MAX_CELL_WIDTH: usize = 40;

fn rows(frame: &DataFrame, float_digits: usize, limit: usize) -> Vec<Vec<String>> {
    let columns = frame.columns();
    let kinds: Vec<Kind> = columns.iter().map(|c| columns::kind(c.name(), c.dtype())).collect();
    (0..frame.height().min(limit))
        .map(|i| {
            columns
                .iter()
                .zip(&kinds)
                .map(|(c, kind)| c.get(i).map(|v| display_text(&v, *kind, float_digits)).unwrap_or_default())
                .collect()
        })
        .collect()
}

fn cut(text: String) -> String {
    if text.width() <= MAX_CELL_WIDTH {
        return text;
    }
    let mut out = String::new();
    for ch in text.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) > MAX_CELL_WIDTH - 1 {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// The columns that name a row: kept first when a table must lose columns.
fn is_identity(name: &str, position: usize) -> bool {
    position == 0 || name == "rank" || name.ends_with("_id") || name.ends_with("_name")
}

/// The figures each command is read for: kept next, before the other columns.
const KEY_FIGURES: &[&str] = &[
    "class", "status", "sales", "score", "tier", "clv", "p_alive", "open_total", "over_limit", "severity", "kind", "figure",
    "suggested_limit", "policy", "segment", "gross_margin_rate", "turnover", "cross_ratio",
];

/// The columns (by position) that fit `width`: identity columns first, then the key
/// figures, then the others in their order. A table of UTF8_FULL_CONDENSED is
/// 1 + sum(width + 3) wide.
fn fitting_columns(names: &[String], widths: &[usize], width: usize) -> Vec<usize> {
    let rank = |i: usize| {
        if is_identity(&names[i], i) {
            0
        } else if KEY_FIGURES.contains(&names[i].as_str()) {
            1
        } else {
            2
        }
    };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| rank(i));
    let mut used = 1;
    let mut kept = vec![];
    for i in order {
        if used + widths[i] + 3 > width && !kept.is_empty() {
            continue;
        }
        used += widths[i] + 3;
        kept.push(i);
    }
    kept.sort_unstable();
    kept
}

/// The table; with `fit`, only the rows and columns that fit, and a line saying what was left out.
pub fn render_table(frame: &DataFrame, float_digits: usize, fit: Option<Fit>) -> String {
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let limit = fit.map_or(usize::MAX, |f| f.rows);
    let mut body = rows(frame, float_digits, limit);
    let mut kept: Vec<usize> = (0..names.len()).collect();
    if let Some(fit) = fit {
        body = body.into_iter().map(|row| row.into_iter().map(cut).collect()).collect();
        let widths: Vec<usize> =
            (0..names.len()).map(|c| body.iter().map(|r| r[c].width()).chain([names[c].width()]).max().unwrap_or(0)).collect();
        kept = fitting_columns(&names, &widths, fit.width);
    }
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(kept.iter().map(|&c| names[c].as_str()));
    for row in &body {
        table.add_row(kept.iter().map(|&c| row[c].as_str()));
    }
    for (shown, &c) in kept.iter().enumerate() {
        if is_numeric(frame.columns()[c].dtype()) {
            if let Some(column) = table.column_mut(shown) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    let mut text = table.to_string();
    let hidden: Vec<&str> = (0..names.len()).filter(|c| !kept.contains(c)).map(|c| names[c].as_str()).collect();
    if !hidden.is_empty() {
        let width = fit.map_or(usize::MAX, |f| f.width);
        text.push('\n');
        text.push_str(&hidden_columns_note(&hidden, width));
    }
    if frame.height() > body.len() {
        let more = frame.height() - body.len();
        text.push_str(&format!("\n… {more} more {} (--limit N, --all)", plural(more, "row")));
    }
    text
}

/// "… 12 more columns: a, b, c, … (--format csv or --columns)", within `width`.
fn hidden_columns_note(hidden: &[&str], width: usize) -> String {
    let tail = " (--format csv or --columns)";
    let mut note = format!("… {} more {}:", hidden.len(), plural(hidden.len(), "column"));
    for (i, name) in hidden.iter().enumerate() {
        let more = if i + 1 < hidden.len() { "," } else { "" };
        if note.width() + name.width() + 2 + tail.width() + 3 > width {
            note.push_str(" …");
            break;
        }
        note.push_str(&format!(" {name}{more}"));
    }
    note.push_str(tail);
    note
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
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
    for row in rows(frame, float_digits, usize::MAX) {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "rank" => [1u32, 2, 3],
            "customer_id" => ["C1", "C2", "C3"],
            "customer_name" => ["东莞恒通实业有限公司", "Beta", "Gamma"],
            "share" => [0.5, 0.3, 0.2],
            "notes" => ["a long reason ".repeat(10), "b".into(), "c".into()],
            "turnover" => [1234.5, 2.0, 3.0],
        )
        .unwrap()
    }

    #[test]
    fn shares_are_percentages_and_numbers_have_separators() {
        let text = render_table(&frame(), 4, None);
        assert!(text.contains("50.00%"), "{text}");
        assert!(text.contains("1,234.5000"), "{text}");
    }

    #[test]
    fn a_fitted_table_keeps_the_names_and_says_what_it_hid() {
        let text = render_table(&frame(), 4, Some(Fit { width: 60, rows: 2 }));
        for line in text.lines() {
            assert!(line.width() <= 60, "{line:?} is {} wide", line.width());
        }
        assert!(text.contains("customer_name") && text.contains("东莞恒通"), "{text}");
        assert!(text.contains("more columns:"), "{text}");
        assert!(text.ends_with("… 1 more row (--limit N, --all)"), "{text}");
    }
}
