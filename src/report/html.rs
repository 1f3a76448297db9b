//! report.html: one self-contained page (inline CSS, inline SVG, no scripts, no
//! network) with the summary figures, the Pareto and aging charts and the top warnings.

use polars::prelude::*;

use crate::output::cell_text;

/// Everything the page shows.
pub struct Page<'a> {
    pub period: &'a str,
    pub as_of: &'a str,
    /// (label, value) pairs of the summary.
    pub figures: Vec<(String, String)>,
    pub pareto_svg: Option<String>,
    pub aging_svg: Option<String>,
    /// The alerts table (most severe first); the first rows are shown.
    pub alerts: Option<&'a DataFrame>,
    /// The scorecard; false key accounts are listed.
    pub scorecard: Option<&'a DataFrame>,
    /// The customers whose ABC class changed against the previous month, by sales at stake.
    pub movers: Option<&'a DataFrame>,
    /// The cohort matrix (cohort, customers, m0, m1, ...), shown as a heat map.
    pub cohorts: Option<&'a DataFrame>,
    pub notes: &'a [String],
    /// The files written beside the page.
    pub files: Vec<String>,
}

/// Rows of warnings shown on the page.
pub const TOP_WARNINGS: usize = 20;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.8em}\
.figure{border:1px solid #ddd;border-radius:6px;padding:.6em .8em;background:#fafafa}\
.figure .label{font-size:.8em;color:#666}.figure .value{font-size:1.3em;font-weight:600}\
table{border-collapse:collapse;font-size:.85em;width:100%}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left}\
th{background:#f0f0f0}.critical{color:#b00020;font-weight:600}.warning{color:#a65e00}.info{color:#555}\
.chart svg{max-width:100%;height:auto}.notes li{color:#555}.caption{color:#555;font-size:.85em}\
.heat{font-size:.72em;width:auto}.heat td,.heat th{white-space:nowrap;padding:.2em .3em}.heat td{text-align:right}\
.wide{overflow-x:auto}";

/// The cohort matrix as a table whose month cells are shaded by their share (0 to 1).
fn heat_map(frame: &DataFrame) -> String {
    let mut html = String::from("<table class=\"heat\"><thead><tr>");
    for c in frame.columns() {
        html.push_str(&format!("<th>{}</th>", escape(c.name().as_str())));
    }
    html.push_str("</tr></thead><tbody>");
    for r in 0..frame.height() {
        html.push_str("<tr>");
        for c in frame.columns() {
            let v = c.get(r).map(|v| cell_text(&v, 2)).unwrap_or_default();
            let shade = match c.dtype() {
                DataType::Float64 => c.f64().ok().and_then(|f| f.get(r)).map(|x| format!(" style=\"background:rgba(33,102,172,{:.2})\"", x.clamp(0.0, 1.0) * 0.8)),
                _ => None,
            };
            let shown = match c.dtype() {
                DataType::Float64 if !v.is_empty() => format!("{:.0}%", v.parse::<f64>().unwrap_or(0.0) * 100.0),
                _ => v,
            };
            html.push_str(&format!("<td{}>{}</td>", shade.unwrap_or_default(), escape(&shown)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// A table of the first `limit` rows of `frame`'s `columns` (those that exist).
fn table(frame: &DataFrame, columns: &[&str], limit: usize, class_of: Option<&str>) -> String {
    let present: Vec<&Column> = columns.iter().filter_map(|c| frame.column(c).ok()).collect();
    let mut html = String::from("<table><thead><tr>");
    for c in &present {
        html.push_str(&format!("<th>{}</th>", escape(c.name().as_str())));
    }
    html.push_str("</tr></thead><tbody>");
    for r in 0..frame.height().min(limit) {
        let class = class_of
            .and_then(|c| frame.column(c).ok())
            .and_then(|c| c.get(r).ok().map(|v| cell_text(&v, 2)))
            .map_or(String::new(), |v| format!(" class=\"{}\"", escape(&v)));
        html.push_str(&format!("<tr{class}>"));
        for c in &present {
            let v = c.get(r).map(|v| cell_text(&v, 2)).unwrap_or_default();
            html.push_str(&format!("<td>{}</td>", escape(&v)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

pub fn render(p: &Page) -> String {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    html.push_str(&format!("<title>kam report {}</title><style>{STYLE}</style></head><body>\n", escape(p.period)));
    html.push_str(&format!(
        "<h1>Key-account report {}</h1><p>As of {}. Generated by kam {}.</p>\n",
        escape(p.period),
        escape(p.as_of),
        env!("CARGO_PKG_VERSION")
    ));
    html.push_str("<h2>Summary</h2><div class=\"figures\">");
    for (label, value) in &p.figures {
        html.push_str(&format!(
            "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>",
            escape(label),
            escape(value)
        ));
    }
    html.push_str("</div>\n");
    html.push_str("<h2 id=\"pareto\">Pareto (ABC) of customers</h2>");
    match &p.pareto_svg {
        Some(svg) => html.push_str(&format!("<div class=\"chart\" id=\"pareto-chart\">{svg}</div>\n")),
        None => html.push_str("<p>No positive sales in the period: no Pareto chart.</p>\n"),
    }
    html.push_str("<h2 id=\"aging\">Receivables aging</h2>");
    match &p.aging_svg {
        Some(svg) => html.push_str(&format!("<div class=\"chart\" id=\"aging-chart\">{svg}</div>\n")),
        None => html.push_str("<p>No receivables given: no aging chart.</p>\n"),
    }
    html.push_str("<h2 id=\"warnings\">Top warnings</h2>");
    match p.alerts {
        Some(a) if a.height() > 0 => {
            html.push_str(&format!(
                "<p>{} alerts; the first {} (most severe first) are shown, all are in alerts.csv.</p>",
                a.height(),
                a.height().min(TOP_WARNINGS)
            ));
            html.push_str(&table(a, &["severity", "kind", "customer_id", "figure", "threshold", "reason"], TOP_WARNINGS, Some("severity")));
        }
        _ => html.push_str("<p>No alerts.</p>"),
    }
    if let Some(s) = p.scorecard {
        html.push_str("\n<h2 id=\"scorecard\">Scorecard: top customers</h2>");
        html.push_str(&table(s, &["rank", "customer_id", "customer_name", "score", "tier", "class", "sales_12m", "flags"], 15, None));
        if let Ok(flagged) = s.clone().lazy().filter(col("false_key_account")).collect() {
            html.push_str(&format!("<h2 id=\"false-key-accounts\">False key accounts (假大户): {}</h2>", flagged.height()));
            if flagged.height() > 0 {
                html.push_str(&table(&flagged, &["customer_id", "customer_name", "score", "tier", "class", "sales_12m", "flags"], 30, None));
            }
        }
    }
    if let Some(m) = p.movers {
        html.push_str("\n<h2 id=\"movers\">Movers: customers whose class changed</h2>");
        html.push_str(&format!(
            "<p class=\"caption\">{} customers changed ABC class against the previous month (up, down, new, lost), largest change in sales first; all are in movers.csv.</p>",
            m.height()
        ));
        html.push_str(&table(m, &["customer_id", "customer_name", "prev_class", "class", "prev_sales", "sales", "sales_change", "change"], 20, None));
    }
    if let Some(c) = p.cohorts {
        html.push_str("\n<h2 id=\"cohorts\">Cohorts</h2>");
        html.push_str("<p class=\"caption\">Customers by the month of their first order; m1, m2, … is the share of the cohort that ordered 1, 2, … months later (darker is more).</p>");
        html.push_str(&format!("<div class=\"wide\">{}</div>", heat_map(c)));
    }
    if !p.notes.is_empty() {
        html.push_str("\n<h2>Notes</h2><ul class=\"notes\">");
        for n in p.notes {
            html.push_str(&format!("<li>{}</li>", escape(n)));
        }
        html.push_str("</ul>");
    }
    html.push_str("\n<h2>Files</h2><p>");
    html.push_str(&p.files.iter().map(|f| escape(f)).collect::<Vec<_>>().join(", "));
    html.push_str("</p>\n</body></html>\n");
    html
}
