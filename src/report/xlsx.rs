//! The report's workbook (rust_xlsxwriter): a summary sheet first (the headline against
//! the previous month and last year, then the other figures), then one sheet per table.
//!
//! Every sheet has its header in the report's language, frozen, with an autofilter, and
//! column widths from the content (a CJK character counts as two). Money is a number
//! with a #,##0.00 format, shares a number with 0.0%, counts #,##0, dates yyyy-mm-dd,
//! flags booleans. The alerts' figure ("346 days", "-20.0%") becomes a number beside a
//! unit column. The document's creation date is fixed to the report's as-of date.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use super::format::{self, Kind};
use super::headline::{change_text, Headline, Measure};
use super::lang::{is_cjk, Lang};
use super::{Card, CardValue};

/// Days from Excel's epoch (1899-12-30) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: f64 = 25_569.0;
const MAX_WIDTH: usize = 60;

/// The most data rows a sheet holds. A workbook of 200,000-row sheets took 30 s to write
/// and is 220 MB that Excel opens in minutes; the CSV and Parquet files beside it hold
/// every row (docs/report.md).
pub const MAX_SHEET_ROWS: usize = 10_000;

/// A sheet: its name (an identifier, shown in the report's language) and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub frame: &'a DataFrame,
}

/// The width of a text in Excel's character units: CJK and full-width characters count 2.
pub fn text_width(text: &str) -> usize {
    text.chars()
        .map(|ch| if is_cjk(ch) || matches!(ch, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{AC00}'..='\u{D7AF}') { 2 } else { 1 })
        .sum()
}

struct Formats {
    header: Format,
    date: Format,
    percent: Format,
    integer: Format,
    number: Format,
    change: Format,
    points: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("F0F0F0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.0%"),
            integer: Format::new().set_num_format("#,##0"),
            number: Format::new().set_num_format("#,##0.00"),
            change: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
            points: Format::new().set_num_format(if lang == Lang::Zh { "+0.0\"个百分点\";-0.0\"个百分点\";0.0" } else { "+0.0\" pp\";-0.0\" pp\";0.0" }),
        }
    }

    /// Money to the column's decimals (2 for a float).
    fn money(scale: usize) -> Format {
        Format::new().set_num_format(if scale == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(scale)) })
    }
}

/// Write the workbook; `notes` (the sheets that were cut) go below the summary figures.
pub fn write(path: &Path, lang: Lang, headline: &Headline, cards: &[Card], notes: &[String], sheets: &[Sheet], as_of: NaiveDate) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    // Deflate level 1 instead of 6: most of the time of a 200,000-row workbook was zlib.
    workbook.set_zip_compression_level(1);
    let created = ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let f = Formats::new(lang);
    let summary = workbook.add_worksheet();
    summary.set_name(lang.sheet("summary"))?;
    write_summary(summary, lang, headline, cards, notes, &f)?;
    for s in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(lang.sheet(s.name))?;
        if s.frame.get_column_index("figure").is_some() && s.frame.get_column_index("kind").is_some() {
            write_frame(sheet, &split_figures(s.frame, lang)?, lang, &f)?;
        } else {
            write_frame(sheet, s.frame, lang, &f)?;
        }
    }
    workbook.save(path)?;
    Ok(())
}

/// The rows of `frame` that its sheet holds, and whether that is fewer than all.
/// A cut sheet keeps the rows that weigh most: the table's own order (rank, CLV, open
/// amount, money at stake), except churn (by the sales of the last two periods) and
/// the month's sales changes (the largest either way), which are in customer and in
/// increase order.
pub fn sheet_rows(name: &str, frame: &DataFrame) -> anyhow::Result<(DataFrame, bool)> {
    if frame.height() <= MAX_SHEET_ROWS {
        return Ok((frame.clone(), false));
    }
    let descending = SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true);
    let ordered = match name {
        "churn" => frame.clone().lazy().sort_by_exprs([col("sales") + col("sales_prev"), col("customer_id")], descending),
        "top_movers" => frame.clone().lazy().sort_by_exprs([col("sales_change").abs(), col("customer_id")], descending),
        _ => frame.clone().lazy(),
    };
    Ok((ordered.limit(MAX_SHEET_ROWS as IdxSize).collect()?, true))
}

/// The cut sheets in one line, for stderr and the page.
pub fn cut_summary(cut: &[(&str, usize)]) -> Option<String> {
    if cut.is_empty() {
        return None;
    }
    let sheets: Vec<String> = cut.iter().map(|(name, rows)| format!("{name} (of {})", crate::output::with_thousands(&rows.to_string()))).collect();
    Some(format!(
        "report.xlsx: {} sheets are cut to {} rows: {}; churn keeps the most sales of the last two periods, top_movers the \
         largest changes either way, the others the top of their table. The CSV and Parquet files have every row.",
        cut.len(),
        crate::output::with_thousands(&MAX_SHEET_ROWS.to_string()),
        sheets.join(", ")
    ))
}

/// What a cut sheet leaves out, for the summary sheet.
pub fn cut_note(name: &str, rows: usize, lang: Lang) -> String {
    let order = match name {
        "churn" => lang.pick("the most sales in the last two periods first", "按近两期销售额从高到低"),
        "top_movers" => lang.pick("the largest changes either way first", "按变动额绝对值从大到小"),
        "alerts" => lang.pick("the most money at stake first", "按涉及金额从高到低"),
        _ => lang.pick("in the table's order", "按表内顺序"),
    };
    let (total, shown) = (crate::output::with_thousands(&rows.to_string()), crate::output::with_thousands(&MAX_SHEET_ROWS.to_string()));
    let sheet = lang.sheet(name);
    match lang {
        Lang::Zh => format!("report.xlsx 的“{sheet}”表只含 {total} 行中的 {shown} 行（{order}）；{name}.csv 与 {name}.parquet 含全部行"),
        Lang::En => format!("report.xlsx: the {sheet} sheet holds {shown} of {total} rows ({order}); {name}.csv and {name}.parquet have every row"),
    }
}

fn decimal_f64(d: rust_decimal::Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

fn write_summary(sheet: &mut Worksheet, lang: Lang, h: &Headline, cards: &[Card], notes: &[String], f: &Formats) -> anyhow::Result<()> {
    let l = |en, zh| lang.pick(en, zh);
    let heads = [
        l("Figure", "指标").to_string(),
        format!("{} {}", l("This month", "本月"), h.month),
        format!("{} {}", l("Previous month", "上月"), h.previous),
        l("vs previous month (环比)", "环比").to_string(),
        format!("{} {}", l("Same month last year", "去年同月"), h.last_year),
        l("vs last year (同比)", "同比").to_string(),
    ];
    let mut widths: Vec<usize> = heads.iter().map(|t| text_width(t)).collect();
    for (c, head) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, head, &f.header)?;
    }
    let money = Formats::money(2);
    for (r, fig) in h.figures.iter().enumerate() {
        let row = r as u32 + 1;
        let label = fig.label(lang);
        widths[0] = widths[0].max(text_width(label));
        sheet.write_string(row, 0, label)?;
        let value_format = match fig.measure {
            Measure::Money => &money,
            Measure::Count => &f.integer,
            Measure::Rate => &f.percent,
        };
        for (c, v) in [(1u16, fig.now), (2, fig.prev), (4, fig.last_year)] {
            match v {
                Some(d) => {
                    let shown = match fig.measure {
                        Measure::Rate => format::percent(decimal_f64(d)),
                        _ => format::money(d),
                    };
                    widths[c as usize] = widths[c as usize].max(text_width(&shown));
                    sheet.write_number_with_format(row, c, decimal_f64(d), value_format)?
                }
                None => sheet.write_string(row, c, "—")?,
            };
        }
        for (c, v) in [(3u16, fig.mom()), (5, fig.yoy())] {
            widths[c as usize] = widths[c as usize].max(text_width(&change_text(fig.measure, v, lang)));
            match (v, fig.measure) {
                (Some(d), Measure::Rate) => sheet.write_number_with_format(row, c, decimal_f64(d) * 100.0, &f.points)?,
                (Some(d), _) => sheet.write_number_with_format(row, c, decimal_f64(d), &f.change)?,
                (None, _) => sheet.write_string(row, c, "—")?,
            };
        }
    }
    let last = h.figures.len() as u32;
    sheet.autofilter(0, 0, last, 5)?;
    // The other figures below, after an empty row: label and value.
    for (i, card) in cards.iter().enumerate() {
        let row = last + 2 + i as u32;
        widths[0] = widths[0].max(text_width(&card.label));
        sheet.write_string(row, 0, &card.label)?;
        match &card.value {
            CardValue::Money(d) => sheet.write_number_with_format(row, 1, decimal_f64(*d), &money)?,
            CardValue::Count(n) => sheet.write_number_with_format(row, 1, *n as f64, &f.integer)?,
        };
    }
    // Long sentences: not counted in the first column's width.
    for (i, note) in notes.iter().enumerate() {
        sheet.write_string(last + 3 + cards.len() as u32 + i as u32, 0, note)?;
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (w.min(&MAX_WIDTH) + 2) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The alerts' `figure` text as a number and a unit: "346 days" -> 346, days;
/// "-20.0%" -> -0.2, %; "14350.60" -> 14350.6, money; "P(alive) 0.12" -> 0.12, P(alive).
/// A figure that is none of these keeps its text in the unit column.
pub fn split_figure(text: &str) -> (Option<f64>, String) {
    let t = text.trim();
    let number = |s: &str| s.trim().replace(',', "").parse::<f64>().ok();
    if let Some(p) = t.strip_suffix('%') {
        return (number(p).map(|v| v / 100.0), "%".into());
    }
    for unit in ["days", "orders"] {
        if let Some(n) = t.strip_suffix(unit).and_then(number) {
            return (Some(n), unit.into());
        }
    }
    if let Some(n) = t.strip_prefix("P(alive)").and_then(number) {
        return (Some(n), "P(alive)".into());
    }
    match number(t) {
        Some(n) => (Some(n), "money".into()),
        None => (None, t.to_string()),
    }
}

/// The alerts frame with `figure` as a number (Float64) followed by a `unit` column.
fn split_figures(frame: &DataFrame, lang: Lang) -> anyhow::Result<DataFrame> {
    let texts = frame.column("figure")?.cast(&DataType::String)?;
    let (numbers, units): (Vec<Option<f64>>, Vec<Option<String>>) = texts
        .str()?
        .iter()
        .map(|t| match t {
            Some(t) => {
                let (n, unit) = split_figure(t);
                let unit = match (lang, unit.as_str()) {
                    (Lang::Zh, "days") => "天".to_string(),
                    (Lang::Zh, "orders") => "单".to_string(),
                    (Lang::Zh, "money") => "金额".to_string(),
                    _ => unit,
                };
                (n, Some(unit))
            }
            None => (None, None),
        })
        .unzip();
    let mut columns: Vec<Column> = vec![];
    for c in frame.columns() {
        if c.name() == "figure" {
            columns.push(Column::new("figure".into(), numbers.clone()));
            columns.push(Column::new("unit".into(), units.clone()));
        } else {
            columns.push(c.clone());
        }
    }
    Ok(DataFrame::new(frame.height(), columns)?)
}

/// The width of a numeric column's widest cell as the page shows it: that of its
/// smallest or its largest value (more digits, or a minus sign), not of every cell.
fn widest_number(series: &Series, values: &Float64Chunked, kind: Kind) -> anyhow::Result<usize> {
    let finite = || values.iter().enumerate().filter_map(|(r, v)| v.filter(|v| v.is_finite()).map(|v| (r, v)));
    let smallest = finite().min_by(|a, b| a.1.total_cmp(&b.1));
    let largest = finite().max_by(|a, b| a.1.total_cmp(&b.1));
    let mut widest = 0;
    for (at, _) in smallest.into_iter().chain(largest) {
        widest = widest.max(text_width(&format::cell(&series.get(at)?, kind)));
    }
    Ok(widest)
}

fn write_frame(sheet: &mut Worksheet, frame: &DataFrame, lang: Lang, f: &Formats) -> anyhow::Result<()> {
    // The alerts' figure cells take their format from the unit beside them.
    let units: Option<Vec<Option<String>>> = frame
        .column("unit")
        .ok()
        .and_then(|u| u.str().ok().map(|s| s.iter().map(|v| v.map(str::to_string)).collect()));
    let rows = |r: usize| u32::try_from(r + 1);
    for (c, column) in frame.columns().iter().enumerate() {
        let c = u16::try_from(c)?;
        let head = lang.column(column.name());
        sheet.write_string_with_format(0, c, &head, &f.header)?;
        let mut width = text_width(&head);
        let kind = format::kind_of(column.name(), column.dtype());
        let series = column.as_materialized_series();
        match kind {
            Kind::Money | Kind::Percent | Kind::Integer | Kind::Number => {
                let scale = match column.dtype() {
                    DataType::Decimal(_, s) => *s,
                    _ => 2,
                };
                let money = Formats::money(scale);
                let column_format = match kind {
                    Kind::Money => &money,
                    Kind::Percent => &f.percent,
                    Kind::Integer => &f.integer,
                    _ => &f.number,
                };
                // Cells without a format of their own take the column's: looking a
                // format up per cell was most of a 200,000-row workbook's time.
                sheet.set_column_format(c, column_format)?;
                let values = column.cast(&DataType::Float64)?;
                width = width.max(widest_number(series, values.f64()?, kind)? + 1);
                let figures = units.as_ref().filter(|_| column.name().as_str() == "figure");
                for (r, v) in values.f64()?.iter().enumerate() {
                    let Some(v) = v.filter(|v| v.is_finite()) else { continue };
                    match figures.map(|u| u[r].as_deref()) {
                        Some(unit) => {
                            let cell_format = match unit {
                                Some("%") => &f.percent,
                                Some("money" | "金额") => &money,
                                Some("P(alive)") => &f.number,
                                _ => &f.integer,
                            };
                            sheet.write_number_with_format(rows(r)?, c, v, cell_format)?
                        }
                        None => sheet.write_number(rows(r)?, c, v)?,
                    };
                }
            }
            Kind::Date => {
                width = width.max(10);
                for (r, v) in column.cast(&DataType::Int32)?.i32()?.iter().enumerate() {
                    if let Some(d) = v {
                        sheet.write_number_with_format(rows(r)?, c, f64::from(d) + EXCEL_EPOCH_OFFSET, &f.date)?;
                    }
                }
            }
            Kind::Bool => {
                width = width.max(5);
                for (r, v) in column.bool()?.iter().enumerate() {
                    if let Some(b) = v {
                        sheet.write_boolean(rows(r)?, c, b)?;
                    }
                }
            }
            Kind::Text => {
                let text = column.cast(&DataType::String)?;
                for (r, v) in text.str()?.iter().enumerate() {
                    if let Some(s) = v {
                        width = width.max(text_width(s));
                        sheet.write_string(rows(r)?, c, s)?;
                    }
                }
            }
        }
        sheet.set_column_width(c, (width.min(MAX_WIDTH) + 2) as f64)?;
    }
    let last_col = u16::try_from(frame.width().max(1) - 1)?;
    sheet.autofilter(0, 0, u32::try_from(frame.height())?, last_col)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_split_into_number_and_unit() {
        assert_eq!(split_figure("346 days"), (Some(346.0), "days".to_string()));
        assert_eq!(split_figure("-100.0%"), (Some(-1.0), "%".to_string()));
        assert_eq!(split_figure("0 orders"), (Some(0.0), "orders".to_string()));
        assert_eq!(split_figure("14350.60"), (Some(14350.6), "money".to_string()));
        assert_eq!(split_figure("12,000.00"), (Some(12000.0), "money".to_string()));
        assert_eq!(split_figure("P(alive) 0.12"), (Some(0.12), "P(alive)".to_string()));
        assert_eq!(split_figure("odd"), (None, "odd".to_string()));
        assert_eq!(text_width("客户A"), 5);
    }

    #[test]
    fn a_long_sheet_keeps_its_weightiest_rows() {
        let n = MAX_SHEET_ROWS + 2;
        let ids: Vec<String> = (0..n).map(|i| format!("C{i:06}")).collect();
        // sales + sales_prev: the rows of the two smallest ids weigh least.
        let sales: Vec<i64> = (0..n as i64).collect();
        let prev: Vec<i64> = (0..n as i64).map(|i| if i < 2 { 0 } else { 1 }).collect();
        let churn = df!("customer_id" => &ids, "sales" => &sales, "sales_prev" => &prev).unwrap();
        let (kept, cut) = sheet_rows("churn", &churn).unwrap();
        assert!(cut);
        assert_eq!(kept.height(), MAX_SHEET_ROWS);
        let first: Vec<Option<&str>> = kept.column("customer_id").unwrap().str().unwrap().iter().take(2).collect();
        assert_eq!(first, [Some(ids[n - 1].as_str()), Some(ids[n - 2].as_str())]);
        let kept_ids: Vec<Option<&str>> = kept.column("customer_id").unwrap().str().unwrap().iter().collect();
        assert!(!kept_ids.contains(&Some("C000000")) && !kept_ids.contains(&Some("C000001")));
        // Changes either way: a fall of 1,000,000 weighs most; other tables keep their order.
        let changes = df!("customer_id" => &ids, "sales_change" => (0..n as i64).map(|i| if i == 7 { -1_000_000 } else { i }).collect::<Vec<_>>()).unwrap();
        let (kept, _) = sheet_rows("top_movers", &changes).unwrap();
        assert_eq!(kept.column("customer_id").unwrap().str().unwrap().get(0), Some("C000007"));
        let (kept, _) = sheet_rows("scorecard", &churn).unwrap();
        assert_eq!(kept.column("customer_id").unwrap().str().unwrap().get(0), Some("C000000"));
        let (whole, cut) = sheet_rows("churn", &churn.head(Some(MAX_SHEET_ROWS))).unwrap();
        assert!(!cut && whole.height() == MAX_SHEET_ROWS);
        assert_eq!(
            cut_summary(&[("churn", n), ("clv", 20_000)]).unwrap(),
            "report.xlsx: 2 sheets are cut to 10,000 rows: churn (of 10,002), clv (of 20,000); churn keeps the most sales of \
             the last two periods, top_movers the largest changes either way, the others the top of their table. The CSV and \
             Parquet files have every row."
        );
        assert_eq!(cut_summary(&[]), None);
        assert_eq!(
            cut_note("churn", n, Lang::En),
            "report.xlsx: the churn sheet holds 10,000 of 10,002 rows (the most sales in the last two periods first); churn.csv and churn.parquet have every row"
        );
    }
}
