//! The customer page of `kam profile`: the same sections as plain text for a terminal
//! (lines of at most [`WIDTH`] columns) or as one self-contained HTML page (inline CSS
//! and SVG, no scripts, no network), like report.html.

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use polars::prelude::*;

use super::html::escape;
use crate::output::{cell_text, with_thousands};
use crate::pipelines::profile::{Profile, MONTHS, QUARTERS, TOP_PRODUCTS};

/// The widest line of the text page.
pub const WIDTH: usize = 100;

/// A small table: texts, with the numeric columns right-aligned.
struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

/// Bars of a chart, with their labels and texts.
struct Chart {
    labels: Vec<String>,
    values: Vec<f64>,
    texts: Vec<String>,
    caption: String,
}

/// One section of the page; text and HTML show the same.
struct Section {
    id: &'static str,
    title: String,
    facts: Vec<(String, String)>,
    chart: Option<Chart>,
    grid: Option<Grid>,
    notes: Vec<String>,
}

impl Section {
    fn new(id: &'static str, title: impl Into<String>) -> Section {
        Section { id, title: title.into(), facts: vec![], chart: None, grid: None, notes: vec![] }
    }

    fn fact(&mut self, label: &str, value: impl Into<String>) {
        self.facts.push((label.to_string(), value.into()));
    }
}

fn value<'a>(frame: &'a DataFrame, column: &str, row: usize) -> AnyValue<'a> {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).unwrap_or(AnyValue::Null)
}

fn plain(frame: &DataFrame, column: &str, row: usize) -> String {
    cell_text(&value(frame, column, row), 2)
}

/// Exact money (a Decimal, or a float to the cent) with thousands separators; empty stays empty.
fn money(frame: &DataFrame, column: &str, row: usize) -> String {
    let text = plain(frame, column, row);
    if text.is_empty() { text } else { with_thousands(&text) }
}

fn float(frame: &DataFrame, column: &str, row: usize) -> Option<f64> {
    value(frame, column, row).extract::<f64>().filter(|v| v.is_finite())
}

fn percent(frame: &DataFrame, column: &str, row: usize) -> String {
    float(frame, column, row).map_or(String::new(), |v| format!("{:.1}%", v * 100.0))
}

fn identity(p: &Profile) -> Section {
    let mut s = Section::new("identity", "Identity");
    s.fact("customer_id", p.customer_id.clone());
    s.fact("name", p.name.as_ref().map_or("(none)".to_string(), |n| format!("{n} (from the {})", p.name_source)));
    if let Some(segment) = &p.segment {
        s.fact("segment", segment.clone());
    }
    let h = &p.history;
    s.fact("first order", plain(h, "first_order", 0));
    s.fact("last order", plain(h, "last_order", 0));
    s.fact("order days", plain(h, "order_days", 0));
    s.fact("lifetime sales", money(h, "lifetime_sales", 0));
    s
}

fn monthly(p: &Profile) -> Section {
    let m = &p.months;
    let labels: Vec<String> = (0..m.height()).map(|r| plain(m, "month", r)).collect();
    let texts: Vec<String> = (0..m.height()).map(|r| money(m, "sales", r)).collect();
    let values: Vec<f64> = (0..m.height()).map(|r| float(m, "sales", r).unwrap_or(0.0)).collect();
    let (first, last) = (labels.first().cloned().unwrap_or_default(), labels.last().cloned().unwrap_or_default());
    let mut s = Section::new("monthly-sales", format!("Monthly sales, {first} to {last}"));
    let total = m.column("sales").ok().and_then(|c| c.as_materialized_series().sum_reduce().ok()).map(|v| v.value().clone());
    s.fact(&format!("total, {MONTHS} months"), total.map_or(String::new(), |v| with_thousands(&cell_text(&v, 2))));
    if let Some((i, _)) = values.iter().enumerate().filter(|(_, v)| **v > 0.0).max_by(|a, b| a.1.total_cmp(b.1)) {
        s.fact("best month", format!("{} in {}", texts[i], labels[i]));
    }
    // Three months a row: a month and its sales per pair of columns.
    let mut grid = Grid { header: vec![], rows: vec![], right: vec![] };
    for _ in 0..3 {
        grid.header.extend(["month".to_string(), "sales".to_string()]);
        grid.right.extend([false, true]);
    }
    for chunk in labels.iter().zip(&texts).collect::<Vec<_>>().chunks(3) {
        grid.rows.push(chunk.iter().flat_map(|(l, t)| [l.to_string(), t.to_string()]).collect());
    }
    s.grid = Some(grid);
    let caption = format!("Net sales per month, {first} to {last} ({last} to {}).", p.as_of);
    s.chart = Some(Chart { labels, values, texts, caption });
    s
}

fn classes(p: &Profile) -> Section {
    let q = &p.quarters;
    let mut s = Section::new("class-history", format!("ABC class by quarter (last {QUARTERS}, kam abc rules)"));
    let rows = (0..q.height())
        .map(|r| {
            let rank = match (plain(q, "rank", r), plain(q, "customers", r)) {
                (rank, _) if rank.is_empty() => String::new(),
                (rank, n) => format!("{rank} of {n}"),
            };
            let class = plain(q, "class", r);
            vec![plain(q, "quarter", r), money(q, "sales", r), rank, if class.is_empty() { "-".into() } else { class }]
        })
        .collect();
    s.grid = Some(Grid { header: ["quarter", "sales", "rank", "class"].map(String::from).to_vec(), rows, right: vec![false, true, true, false] });
    s.notes.push(format!("The quarter of {} runs to that day; '-' is a quarter without sales.", p.as_of));
    s
}

fn products(p: &Profile) -> Section {
    let mut s = Section::new("products", format!("Top products and gross margin, last {MONTHS} months"));
    let m = &p.margin;
    match float(m, "gross_margin", 0) {
        Some(_) => s.fact(
            "gross margin",
            format!("{} (gross profit {} on sales {})", percent(m, "gross_margin", 0), money(m, "gross_profit", 0), money(m, "sales_with_cost", 0)),
        ),
        None => s.fact("gross margin", "unknown: no sales with a cost"),
    }
    let without = plain(m, "lines_without_cost", 0);
    if without != "0" && !without.is_empty() {
        s.notes.push(format!("{without} order lines without cost are left out of the gross margin."));
    }
    match &p.products {
        Ok(t) => {
            let named = t.get_column_index("product_name").is_some();
            let mut header = vec!["product_id"];
            header.extend(named.then_some("product_name"));
            header.extend(["sales", "share", "gross margin"]);
            let rows = (0..t.height())
                .map(|r| {
                    let mut row = vec![plain(t, "product_id", r)];
                    row.extend(named.then(|| plain(t, "product_name", r)));
                    row.extend([money(t, "sales", r), percent(t, "share", r), percent(t, "gross_margin", r)]);
                    row
                })
                .collect();
            let mut right = vec![false; header.len() - 3];
            right.extend([true, true, true]);
            s.grid = Some(Grid { header: header.into_iter().map(String::from).collect(), rows, right });
            s.notes.push(format!("The top {TOP_PRODUCTS} by net sales; share of the customer's sales; an empty margin: a line without cost."));
        }
        Err(why) => s.notes.push(format!("No product list: {why}.")),
    }
    s
}

fn rfm_and_clv(p: &Profile) -> Section {
    let mut s = Section::new("rfm", "RFM segment and purchase outlook");
    let r = &p.rfm;
    s.fact("segment", plain(r, "segment", 0));
    s.fact(
        "RFM scores",
        format!("{} (recency {}, frequency {}, monetary {}; 5 is best)", plain(r, "rfm", 0), plain(r, "r_score", 0), plain(r, "f_score", 0), plain(r, "m_score", 0)),
    );
    s.fact("recency", format!("{} days since the last order", plain(r, "recency_days", 0)));
    s.fact("frequency", format!("{} order days", plain(r, "frequency", 0)));
    s.fact("monetary", money(r, "monetary", 0));
    match &p.clv {
        Ok(c) if c.height() > 0 => {
            s.fact("P(alive)", float(c, "p_alive", 0).map_or(String::new(), |v| format!("{v:.3}")));
            s.fact("expected purchases", float(c, "expected_purchases", 0).map_or(String::new(), |v| format!("{v:.2} in 12 months")));
            s.fact("CLV, 12 months", float(c, "clv", 0).map_or(String::new(), |v| with_thousands(&format!("{v:.2}"))));
            s.notes.push("BG/NBD and Gamma-Gamma fitted on all customers (kam clv's defaults: 12 months, 10% a year).".into());
        }
        Ok(_) => s.notes.push("P(alive) and expected purchases: the customer is not in the CLV table.".into()),
        Err(why) => s.notes.push(format!("P(alive) and expected purchases are not shown: {why}.")),
    }
    s
}

fn receivables(p: &Profile) -> Option<Section> {
    let a = p.aging.as_ref()?;
    let mut s = Section::new("receivables", "Open receivables by aging bucket");
    if a.height() == 0 {
        s.notes.push(format!("No invoices of this customer dated on or before {}.", p.as_of));
        return Some(s);
    }
    let mut header = p.buckets.clone();
    header.push("open_total".into());
    let row = header.iter().map(|c| money(a, c, 0)).collect();
    s.grid = Some(Grid { right: vec![true; header.len()], header, rows: vec![row] });
    s.fact("open invoices", plain(a, "open_invoices", 0));
    let oldest = match value(a, "max_days_past_due", 0).extract::<i64>() {
        Some(d) if d <= 0 => format!("none: the oldest open invoice is due in {} days", -d),
        Some(d) => d.to_string(),
        None => String::new(),
    };
    s.fact("max days past due", oldest);
    let limit = money(a, "credit_limit", 0);
    s.fact("credit limit", if limit.is_empty() { "none given (--customers with credit_limit)".into() } else { limit });
    let over = match value(a, "over_limit", 0) {
        AnyValue::Boolean(true) => format!("yes, by {}", money(a, "excess", 0)),
        AnyValue::Boolean(false) => "no".into(),
        _ => String::new(),
    };
    if !over.is_empty() {
        s.fact("over limit", over);
    }
    Some(s)
}

fn alerts(p: &Profile) -> Section {
    let a = &p.alerts;
    let mut s = Section::new("alerts", format!("Alerts ({})", a.height()));
    if a.height() == 0 {
        s.notes.push("No alerts.".into());
        return s;
    }
    let columns = ["severity", "kind", "figure", "threshold", "reason"];
    let rows = (0..a.height()).map(|r| columns.iter().map(|c| plain(a, c, r)).collect()).collect();
    s.grid = Some(Grid { header: columns.map(String::from).to_vec(), rows, right: vec![false; columns.len()] });
    s
}

fn sections(p: &Profile) -> Vec<Section> {
    let mut all = vec![identity(p), monthly(p), classes(p), products(p), rfm_and_clv(p)];
    all.extend(receivables(p));
    all.push(alerts(p));
    if !p.notes.is_empty() {
        let mut notes = Section::new("notes", "Notes");
        notes.notes = p.notes.clone();
        all.push(notes);
    }
    all
}

fn title(p: &Profile) -> String {
    let name = p.name.as_ref().map_or(String::new(), |n| format!(" {n}"));
    format!("Customer {}{name}, as of {}", p.customer_id, p.as_of)
}

/// Words of `text` in lines of at most `width` characters, each starting with `indent`.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut lines = vec![];
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

/// ▁▂▃▄▅▆▇█ from the lowest to the highest value (months at or below 0 are ▁).
fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let high = values.iter().copied().fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|v| if high <= 0.0 || *v <= 0.0 { BARS[0] } else { BARS[((v / high) * 7.0).round() as usize] })
        .collect()
}

fn text_grid(g: &Grid) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width((WIDTH - 2) as u16)
        .set_header(g.header.clone());
    for row in &g.rows {
        table.add_row(row.clone());
    }
    for (i, right) in g.right.iter().enumerate() {
        if let (true, Some(column)) = (*right, table.column_mut(i)) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// The page as text.
pub fn text(p: &Profile) -> String {
    let title = title(p);
    let mut out = format!("{title}\n{}\n", "=".repeat(title.chars().count().min(WIDTH)));
    for s in sections(p) {
        out.push_str(&format!("\n{}\n{}\n", s.title, "-".repeat(s.title.chars().count().min(WIDTH))));
        let label_width = s.facts.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
        for (label, value) in &s.facts {
            let indent = " ".repeat(label_width + 4);
            let body = wrap(value, &indent, WIDTH);
            out.push_str(&format!("  {label:<label_width$}  {}\n", &body[indent.len()..]));
        }
        if let Some(chart) = &s.chart {
            out.push_str(&format!("  {}\n", sparkline(&chart.values)));
        }
        if let Some(grid) = &s.grid {
            out.push_str(&text_grid(grid));
            out.push('\n');
        }
        for note in &s.notes {
            out.push_str(&wrap(note, "  ", WIDTH));
            out.push('\n');
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:960px;color:#222;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}\
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}\
table.facts th{background:none;font-weight:normal;color:#555;border:none}table.facts td{border:none;font-weight:600}\
figure{margin:.5em 0}figcaption{font-size:.85em;color:#555}svg{max-width:100%;height:auto}.notes{color:#555;font-size:.9em}";

/// Bars of `chart` as inline SVG: one bar per value from a zero line, a tooltip each.
fn svg(chart: &Chart) -> String {
    let (width, height, pad) = (720.0, 160.0, 18.0);
    let high = chart.values.iter().copied().fold(0.0_f64, f64::max);
    let low = chart.values.iter().copied().fold(0.0_f64, f64::min);
    let span = if high - low > 0.0 { high - low } else { 1.0 };
    let y = |v: f64| pad + (high - v) / span * (height - 2.0 * pad);
    let step = width / chart.values.len().max(1) as f64;
    let mut out = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">", escape(&chart.caption));
    for (i, v) in chart.values.iter().enumerate() {
        let (top, bottom) = (y(v.max(0.0)), y(v.min(0.0)));
        out.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>",
            i as f64 * step + 1.0,
            step - 2.0,
            (bottom - top).max(0.5),
            if *v < 0.0 { "#b00020" } else { "#3b6ea5" },
            escape(&chart.labels[i]),
            escape(&chart.texts[i])
        ));
    }
    let zero = y(0.0);
    out.push_str(&format!("<line x1=\"0\" y1=\"{zero:.1}\" x2=\"{width}\" y2=\"{zero:.1}\" stroke=\"#888\"/>"));
    for (i, anchor) in [(0, "start"), (chart.labels.len().saturating_sub(1), "end")] {
        if let Some(label) = chart.labels.get(i) {
            let x = if anchor == "start" { 0.0 } else { width };
            out.push_str(&format!("<text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#555\">{}</text>", height - 3.0, escape(label)));
        }
    }
    out.push_str("</svg>");
    out
}

fn html_grid(g: &Grid) -> String {
    let cell = |tag: &str, text: &str, right: bool| {
        let class = if right { " class=\"num\"" } else { "" };
        format!("<{tag}{class}>{}</{tag}>", escape(text))
    };
    let mut html = String::from("<table><thead><tr>");
    for h in &g.header {
        html.push_str(&cell("th", h, false));
    }
    html.push_str("</tr></thead><tbody>");
    for row in &g.rows {
        html.push_str("<tr>");
        for (i, v) in row.iter().enumerate() {
            html.push_str(&cell("td", v, g.right.get(i).copied().unwrap_or(false)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// The page as one self-contained HTML document.
pub fn html(p: &Profile) -> String {
    let title = title(p);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1><p>Generated by kam {}.</p>\n",
        escape(&title),
        escape(&title),
        env!("CARGO_PKG_VERSION")
    );
    for s in sections(p) {
        html.push_str(&format!("<section id=\"{}\"><h2>{}</h2>", s.id, escape(&s.title)));
        if !s.facts.is_empty() {
            html.push_str("<table class=\"facts\">");
            for (label, value) in &s.facts {
                html.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>", escape(label), escape(value)));
            }
            html.push_str("</table>");
        }
        if let Some(chart) = &s.chart {
            html.push_str(&format!("<figure>{}<figcaption>{}</figcaption></figure>", svg(chart), escape(&chart.caption)));
        }
        if let Some(grid) = &s.grid {
            html.push_str(&html_grid(grid));
        }
        for note in &s.notes {
            html.push_str(&format!("<p class=\"notes\">{}</p>", escape(note)));
        }
        html.push_str("</section>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_and_wrap() {
        assert_eq!(sparkline(&[0.0, 7.0, 3.5, -2.0, 14.0]), "▁▅▃▁█");
        let wrapped = wrap("one two three four", "  ", 10);
        assert_eq!(wrapped, "  one two\n  three\n  four");
    }
}
