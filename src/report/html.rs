//! report.html: one self-contained page (inline CSS, inline SVG, no scripts, no
//! network) to forward: the headline against last month (环比) and last year (同比),
//! the top movers, products, churned and at-risk customers, the charts, the warnings by
//! money at stake, the scorecard and the cohorts — each with a caption saying how to read it.

use polars::prelude::*;

use super::format::{self, Kind};
use super::headline::{change_text, Headline, Measure};
use super::lang::Lang;
use super::{Card, CardValue};
use crate::output::with_thousands;

/// Everything the page shows.
pub struct Page<'a> {
    pub lang: Lang,
    pub period: &'a str,
    pub as_of: &'a str,
    pub headline: &'a Headline,
    pub cards: &'a [Card],
    pub pareto_svg: Option<String>,
    pub aging_svg: Option<String>,
    /// Per customer: sales against the previous month (stake::sales_changes).
    pub changes: Option<&'a DataFrame>,
    pub products: Option<&'a DataFrame>,
    /// Churned and at-risk customers with their sales at stake (stake::lost_and_at_risk).
    pub lost: Option<&'a DataFrame>,
    /// The alerts by money at stake (stake::warnings).
    pub warnings: Option<&'a DataFrame>,
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
/// Customers shown in each of the movers' lists.
const TOP_MOVERS: usize = 10;

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

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:1.2em 0 .3em}\
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:.8em;margin-top:1em}\
.figure{border:1px solid #ddd;border-radius:6px;padding:.6em .8em;background:#fafafa}\
.figure .label{font-size:.8em;color:#666}.figure .value{font-size:1.3em;font-weight:600;font-variant-numeric:tabular-nums}\
table{border-collapse:collapse;font-size:.85em;width:100%}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#f0f0f0;white-space:nowrap}td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\
td.name{white-space:nowrap}td.up{color:#1a7f37}td.down{color:#b00020}\
.critical td:first-child{color:#b00020;font-weight:600}.warning td:first-child{color:#a65e00}.info td:first-child{color:#555}\
.chart svg{max-width:100%;height:auto}.notes li{color:#555}.caption{color:#555;font-size:.85em;margin:.3em 0 .6em}\
.heat{font-size:.72em;width:auto}.heat td,.heat th{white-space:nowrap;padding:.2em .3em}.heat td{text-align:right}\
.narrow{max-width:640px}.wide{overflow-x:auto;-webkit-overflow-scrolling:touch}.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1em}\
@media (max-width:600px){body{margin:1em auto;padding:0 .5em}table{font-size:.78em}.pair{grid-template-columns:1fr}\
.chart{overflow-x:auto}.chart svg{min-width:560px}.wide td,.wide th{white-space:nowrap}#headline-table td:nth-child(3),#headline-table th:nth-child(3),#headline-table td:nth-child(5),#headline-table th:nth-child(5){display:none}.wide td:first-child{position:sticky;left:0;background:#fff}.wide th:first-child{position:sticky;left:0}}";

/// Coded values shown in the page's language (the CSV keeps the codes).
const CODED: &[&str] = &["kind", "severity", "status", "change", "tier", "class_change"];

/// A table of the first `limit` rows of `frame`'s `columns` (those that exist), money
/// right-aligned with separators, ratios as percentages; the row's class from `class_of`.
fn table(frame: &DataFrame, columns: &[&str], limit: usize, lang: Lang, class_of: Option<&str>) -> String {
    let present: Vec<(&Column, Kind)> =
        columns.iter().filter_map(|c| frame.column(c).ok()).map(|c| (c, format::kind_of(c.name(), c.dtype()))).collect();
    let mut html = String::from("<div class=\"wide\"><table><thead><tr>");
    for (c, kind) in &present {
        let class = if kind.is_numeric() { " class=\"num\"" } else { "" };
        html.push_str(&format!("<th{class}>{}</th>", escape(&lang.label(c.name()))));
    }
    html.push_str("</tr></thead><tbody>");
    for r in 0..frame.height().min(limit) {
        let class = class_of
            .and_then(|c| frame.column(c).ok())
            .and_then(|c| c.get(r).ok().map(|v| format::cell(&v, Kind::Text)))
            .map_or(String::new(), |v| format!(" class=\"{}\"", escape(&v)));
        html.push_str(&format!("<tr{class}>"));
        for (c, kind) in &present {
            let v = c.get(r).map(|v| format::cell(&v, *kind)).unwrap_or_default();
            let v = if CODED.contains(&c.name().as_str()) { lang.value(&v) } else { v };
            let v = if *kind == Kind::Bool { translate_bool(&v, lang) } else { v };
            let v = if c.name() == "flags" { flags_text(&v, lang) } else { v };
            let class = match kind {
                k if k.is_numeric() && c.name().ends_with("change") && v.starts_with('-') => " class=\"num down\"",
                k if k.is_numeric() && c.name().ends_with("change") && !v.is_empty() && v != "0.00" => " class=\"num up\"",
                k if k.is_numeric() => " class=\"num\"",
                // an alert's figure is a number with its unit: aligned as one
                _ if c.name() == "figure" || c.name() == "threshold" => " class=\"num\"",
                // names stay on one line; free text (flags) wraps instead
                _ if c.name().ends_with("_name") || c.name().ends_with("_id") => " class=\"name\"",
                _ => "",
            };
            html.push_str(&format!("<td{class}>{}</td>", escape(&v)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>");
    html
}

fn translate_bool(v: &str, lang: Lang) -> String {
    match (v, lang) {
        ("true", Lang::Zh) => "是".into(),
        ("false", Lang::Zh) => "否".into(),
        _ => v.to_string(),
    }
}

/// An alert's figure or threshold text in the page's words, money with separators:
/// "348 days" -> "348天", "14350.60" -> "14,350.60", "> 90 days past due" -> "> 逾期90天".
fn figure_text(text: &str, lang: Lang) -> String {
    let (number, unit) = super::xlsx::split_figure(text);
    let whole = |n: f64| if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n}") };
    match (number, unit.as_str()) {
        (Some(n), "money") => with_thousands(&format!("{n:.2}")),
        (Some(n), "days") => format!("{}{}", whole(n), lang.pick(" days", "天")),
        (Some(n), "orders") => format!("{}{}", whole(n), lang.pick(" orders", "单")),
        _ if lang == Lang::Zh => {
            let t = text.trim();
            if let Some(days) = t.strip_prefix("> ").and_then(|r| r.strip_suffix(" days past due")) {
                return format!("> 逾期{days}天");
            }
            if let Some(orders) = t.strip_prefix("< ").and_then(|r| r.strip_suffix(" orders")) {
                return format!("< {orders}单");
            }
            t.to_string()
        }
        _ => text.to_string(),
    }
}

/// The scorecard's flags (English sentences from the scorecard) in Chinese, phrase by phrase.
fn flags_text(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    text.split("; ")
        .map(|f| {
            let between = |a: &str, b: &str| f.strip_prefix(a).and_then(|r| r.split_once(b));
            if f == "over its credit limit (扒皮大户)" {
                "超信用额度（扒皮大户）".to_string()
            } else if let Some((days, _)) = between("pays late: ", " days on average") {
                format!("平均逾期{days}天（扒皮大户）")
            } else if let Some((own, company)) = between("low margin: ", " against the company's ") {
                format!("毛利率低：{own}，公司为{company}")
            } else if let Some((share, rest)) = between("one-off bulk buyer: one order holds ", " of its 24-month sales (") {
                format!("一次性大单：单笔订单占近24个月销售额的{share}（{}单）", rest.trim_end_matches(" orders)"))
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A note of the run (English on stderr) in the page's words, where its sentence is
/// known; any other keeps its English.
fn note_text(note: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return note.to_string();
    }
    let tail = |prefix: &str| note.strip_prefix(prefix);
    if let Some((month, as_of)) = tail("abc and products cover the month ").and_then(|r| r.split_once("; churn, receivables, alerts, clv and the scorecard are as of ")) {
        return format!("ABC和产品统计{}；流失、应收、预警、客户终身价值和评分截至{}。", month.replace(" to ", "至"), as_of.trim_end_matches('.'));
    }
    if let Some(r) = tail("receivables: DSO over ").and_then(|r| r.split_once(", credit sales = ")) {
        let (over, credit) = r;
        let credit = match credit {
            "receivables invoiced in that period" => "该区间内开具的应收",
            "order lines in that period" => "该区间内的订单金额",
            other => other,
        };
        return format!("应收：DSO计算区间 {}，赊销额 = {credit}", over.replace(" to ", " 至 ").replace(" days)", " 天)"));
    }
    if note.starts_with("no receivables: no aging table") {
        return "未提供应收数据：无账龄表和账龄图；不含超信用额度、账龄和资产警戒线预警，评分不含回款项。".to_string();
    }
    if note.starts_with("no receivables: the payment component is 50") {
        return "未提供应收数据：所有客户的回款得分为50（中性）；未检查逾期和超额度标记。".to_string();
    }
    if let Some(r) = tail("no movers table: ") {
        return format!("无ABC变动表：{r}");
    }
    if let Some(r) = tail("no clv table: ") {
        return format!("无客户终身价值表：{r}");
    }
    note.to_string()
}

/// The warnings with figure and threshold in the page's words.
fn localized_figures(frame: &DataFrame, lang: Lang) -> DataFrame {
    let mut out = frame.clone();
    for name in ["figure", "threshold"] {
        if let Ok(c) = frame.column(name).and_then(|c| c.str().cloned()) {
            let shown: Vec<Option<String>> = c.iter().map(|v| v.map(|t| figure_text(t, lang))).collect();
            let _ = out.with_column(Column::new(name.into(), shown));
        }
    }
    out
}

fn caption(text: &str) -> String {
    format!("<p class=\"caption\">{}</p>", escape(text))
}

/// The cohort matrix as a table whose month cells are shaded by their share (0 to 1).
fn heat_map(frame: &DataFrame, lang: Lang) -> String {
    let mut html = String::from("<table class=\"heat\"><thead><tr>");
    for c in frame.columns() {
        html.push_str(&format!("<th>{}</th>", escape(&lang.column(c.name()))));
    }
    html.push_str("</tr></thead><tbody>");
    for r in 0..frame.height() {
        html.push_str("<tr>");
        for c in frame.columns() {
            let value = c.get(r).ok();
            let shade = match c.dtype() {
                DataType::Float64 => c.f64().ok().and_then(|f| f.get(r)).map(|x| format!(" style=\"background:rgba(33,102,172,{:.2})\"", x.clamp(0.0, 1.0) * 0.8)),
                _ => None,
            };
            let shown = match (c.dtype(), value) {
                (DataType::Float64, Some(v)) => v.extract::<f64>().map_or(String::new(), |f| format!("{:.0}%", f * 100.0)),
                (dt, Some(v)) => format::cell(&v, format::kind_of(c.name(), dt)),
                _ => String::new(),
            };
            html.push_str(&format!("<td{}>{}</td>", shade.unwrap_or_default(), escape(&shown)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

fn headline_value(measure: Measure, v: Option<rust_decimal::Decimal>) -> String {
    match (measure, v) {
        (_, None) => "—".to_string(),
        (Measure::Money, Some(d)) => format::money(d),
        (Measure::Count, Some(d)) => with_thousands(&d.normalize().to_string()),
        (Measure::Rate, Some(d)) => format::percent(d.to_string().parse::<f64>().unwrap_or(0.0)),
    }
}

fn headline_table(h: &Headline, lang: Lang) -> String {
    let l = |en, zh| lang.pick(en, zh);
    let mut html = String::from("<div class=\"wide\"><table id=\"headline-table\"><thead><tr>");
    html.push_str(&format!("<th>{}</th>", l("Figure", "指标")));
    for head in [
        format!("{} {}", l("This month", "本月"), h.month),
        format!("{} {}", l("Previous month", "上月"), h.previous),
        l("vs previous month (环比)", "环比").to_string(),
        format!("{} {}", l("Same month last year", "去年同月"), h.last_year),
        l("vs last year (同比)", "同比").to_string(),
    ] {
        html.push_str(&format!("<th class=\"num\">{}</th>", escape(&head)));
    }
    html.push_str("</tr></thead><tbody>");
    for f in &h.figures {
        let changed = |t: String| {
            let class = if t.starts_with('+') { "num up" } else if t.starts_with('-') { "num down" } else { "num" };
            format!("<td class=\"{class}\">{}</td>", escape(&t))
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\">{}</td>{}<td class=\"num\">{}</td>{}</tr>",
            escape(f.label(lang)),
            escape(&headline_value(f.measure, f.now)),
            escape(&headline_value(f.measure, f.prev)),
            changed(change_text(f.measure, f.mom(), lang)),
            escape(&headline_value(f.measure, f.last_year)),
            changed(change_text(f.measure, f.yoy(), lang)),
        ));
    }
    html.push_str("</tbody></table></div>");
    html
}

fn cards(cards: &[Card]) -> String {
    let mut html = String::from("<div class=\"figures\">");
    for c in cards {
        let value = match &c.value {
            CardValue::Money(d) => format::money(*d),
            CardValue::Count(n) => with_thousands(&n.to_string()),
        };
        html.push_str(&format!(
            "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>",
            escape(&c.label),
            escape(&value)
        ));
    }
    html.push_str("</div>\n");
    html
}

/// Sum of a money column as exact text ("" when it has none).
fn total(frame: &DataFrame, column: &str) -> String {
    frame
        .column(column)
        .ok()
        .and_then(|c| c.as_materialized_series().sum_reduce().ok())
        .map(|s| format::cell(&s.value().clone(), Kind::Money))
        .unwrap_or_default()
}

fn products_section(html: &mut String, products: &DataFrame, lang: Lang) {
    let l = |en, zh| lang.pick(en, zh);
    html.push_str(&format!("\n<h2 id=\"products\">{}</h2>", l("Products", "产品")));
    let cols = ["product_id", "product_name", "class", "sales", "share", "gross_margin_rate", "turnover", "days_of_inventory", "cross_ratio"];
    // The products' ABC: count, sales and share of sales per class.
    let by_class = products
        .clone()
        .lazy()
        .group_by([col("class")])
        .agg([len().cast(DataType::UInt32).alias("items"), col("sales").sum(), col("share").sum().alias("sales_share")])
        .sort(["class"], Default::default())
        .collect();
    if let Ok(c) = by_class {
        html.push_str(&format!("<h3>{}</h3>", l("ABC of products", "产品ABC分类")));
        html.push_str(&caption(l(
            "Products by class: A are the few products that make most of the month's sales (up to the A cut-off of cumulative sales, 75% unless set), C the long tail.",
            "按ABC分类的产品：A类是贡献本月大部分销售额（累计占比至A类分界，默认75%）的少数产品，C类是长尾。",
        )));
        html.push_str(&format!("<div class=\"narrow\">{}</div>", table(&c, &["class", "items", "sales", "sales_share"], 10, lang, None)));
    }
    html.push_str(&format!("<h3>{}</h3>", l("Top products by sales", "销售额前十的产品")));
    html.push_str(&caption(l(
        "The ten largest products of the month: share of sales, gross margin rate, inventory turnover (times in the month), days of inventory, and cross ratio (margin × turnover: high is a product worth pushing). All products are in products.csv.",
        "本月销售额最大的十个产品：销售占比、毛利率、库存周转率（本月周转次数）、库存天数和交叉比率（毛利率×周转率，越高越值得推广）。全部产品见 products.csv。",
    )));
    let by_sales = products.clone().lazy().sort(["sales"], SortMultipleOptions::default().with_order_descending(true)).collect();
    if let Ok(s) = by_sales {
        html.push_str(&table(&s, &cols, 10, lang, None));
    }
    let with_ratio = products.clone().lazy().filter(col("cross_ratio").is_not_null()).collect();
    match with_ratio {
        Ok(r) if r.height() > 0 => {
            let sorted = |descending: bool| {
                r.clone()
                    .lazy()
                    .sort_by_exprs([col("cross_ratio"), col("product_id")], SortMultipleOptions::default().with_order_descending_multi([descending, false]))
                    .collect()
            };
            html.push_str("<div class=\"pair\">");
            for (descending, en, zh) in [
                (true, "Cross-ratio leaders", "交叉比率领先"),
                (false, "Cross-ratio laggards", "交叉比率落后"),
            ] {
                if let Ok(s) = sorted(descending) {
                    html.push_str(&format!("<div><h3>{}</h3>", l(en, zh)));
                    html.push_str(&caption(if descending {
                        l("Highest margin × turnover: products that earn and sell fast.", "毛利率×周转率最高：赚钱又好卖的产品。")
                    } else {
                        l("Lowest margin × turnover: stock that earns little or sits long.", "毛利率×周转率最低：利润薄或积压的库存。")
                    }));
                    html.push_str(&table(&s, &["product_id", "product_name", "gross_margin_rate", "turnover", "cross_ratio"], 5, lang, None));
                    html.push_str("</div>");
                }
            }
            html.push_str("</div>");
        }
        _ => html.push_str(&caption(l(
            "No inventory given: no turnover or cross ratio (give --inventory).",
            "未提供库存数据：无周转率和交叉比率（请用 --inventory）。",
        ))),
    }
}

/// A chart's section: its heading, the SVG and its caption, or why there is no chart.
fn chart_section(html: &mut String, id: &str, title: &str, svg: Option<&str>, explained: &str, missing: &str) {
    html.push_str(&format!("<h2 id=\"{id}\">{title}</h2>"));
    match svg {
        Some(svg) => {
            html.push_str(&format!("<div class=\"chart\" id=\"{id}-chart\">{svg}</div>\n"));
            html.push_str(&caption(explained));
        }
        None => html.push_str(&caption(missing)),
    }
}

pub fn render(p: &Page) -> String {
    let lang = p.lang;
    let l = |en, zh| lang.pick(en, zh);
    let mut html = String::new();
    html.push_str(&format!("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">", l("en", "zh-CN")));
    html.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    html.push_str(&format!(
        "<title>{} {}</title><style>{STYLE}</style></head><body>\n",
        l("kam report", "大客户月报"),
        escape(p.period)
    ));
    html.push_str(&format!(
        "<h1>{} {}</h1><p>{} {}. {} kam {}.</p>\n",
        l("Key-account report", "大客户管理月报"),
        escape(p.period),
        l("As of", "截至"),
        escape(p.as_of),
        l("Generated by", "生成工具"),
        env!("CARGO_PKG_VERSION")
    ));

    html.push_str(&format!("<h2 id=\"headline\">{}</h2>", l("Headline", "核心指标")));
    html.push_str(&caption(l(
        "The month against the previous month (环比, month on month) and the same month a year earlier (同比, year on year); the gross margin's change is in percentage points. — means the comparison month has no data or its figure is zero. Receivables are a snapshot at the month end, so they have no comparison. On a phone the comparison months' own figures are hidden.",
        "本月与上月（环比）及去年同月（同比）的对比；毛利率的变化以百分点计。“—”表示对比月份没有数据或其数值为零。应收余额是月末时点数据，无对比。手机上不显示对比月份的数值。",
    )));
    html.push_str(&headline_table(p.headline, lang));
    html.push_str(&cards(p.cards));

    if let Some(c) = p.changes {
        html.push_str(&format!("\n<h2 id=\"top-movers\">{}</h2>", l("Top movers against the previous month", "销售变动最大的客户（环比）")));
        html.push_str(&caption(l(
            "The customers whose sales rose or fell most against the previous month, in money; change % is against the previous month's sales (empty when those were zero).",
            "本月销售额较上月增加或减少最多的客户（按金额）；变化率相对上月销售额（上月为零时留空）。",
        )));
        for (up, en, zh) in [(true, "Up", "增长最多"), (false, "Down", "下降最多")] {
            html.push_str(&format!("<h3>{}</h3>", l(en, zh)));
            match super::stake::movers(c, up, TOP_MOVERS) {
                Ok(m) if m.height() > 0 => html.push_str(&table(&m, &["customer_id", "customer_name", "prev_sales", "sales", "sales_change", "change_pct"], TOP_MOVERS, lang, None)),
                _ => html.push_str(&caption(l("None.", "无。"))),
            }
        }
    }

    if let Some(pr) = p.products {
        products_section(&mut html, pr, lang);
    }

    if let Some(lost) = p.lost {
        html.push_str(&format!("\n<h2 id=\"churn\">{}</h2>", l("Churned and at-risk customers", "已流失和有流失风险的客户")));
        let at_stake = total(lost, "at_stake");
        html.push_str(&caption(&match lang {
            Lang::En => format!(
                "{} customers churned or at risk, with {at_stake} of yearly sales at stake. At stake is a customer's sales in the 365 days up to their last order: what a year of their business was worth. Most at stake first; all are in churn.csv.",
                lost.height()
            ),
            Lang::Zh => format!(
                "{} 个客户已流失或有流失风险，涉及年销售额合计 {at_stake}。涉及金额为客户最后一次下单前365天的销售额，即其一年业务的价值。按涉及金额从大到小排列；全部见 churn.csv。",
                lost.height()
            ),
        }));
        html.push_str(&table(lost, &["customer_id", "customer_name", "status", "last_order", "days_since_last", "at_stake", "sales_last_year"], 20, lang, None));
    }

    html.push('\n');
    chart_section(
        &mut html,
        "pareto",
        l("Pareto (ABC) of customers", "客户帕累托（ABC）分析"),
        p.pareto_svg.as_deref(),
        l(
            "Cumulative share of the month's sales against the share of customers, largest first: the steeper the start, the more sales depend on a few customers. Where the curve crosses the red and green lines is where class A and B end.",
            "按销售额从大到小排列的客户累计销售占比：曲线起步越陡，销售越依赖少数客户。曲线与红线、绿线的交点即A类、B类的分界。",
        ),
        l("No positive sales in the period: no Pareto chart.", "本期没有正的销售额：无帕累托图。"),
    );
    chart_section(
        &mut html,
        "aging",
        l("Receivables aging", "应收账款账龄"),
        p.aging_svg.as_deref(),
        l(
            "Open receivables at the month end by days past due: money in the right-hand bars is the hardest to collect. Per customer in receivables.csv.",
            "月末未收应收款按逾期天数分段：越靠右的金额越难收回。各客户明细见 receivables.csv。",
        ),
        l("No receivables given: no aging chart.", "未提供应收数据：无账龄图。"),
    );

    html.push_str(&format!("<h2 id=\"warnings\">{}</h2>", l("Top warnings by money at stake", "涉及金额最大的预警")));
    match p.warnings {
        Some(a) if a.height() > 0 => {
            let (n, shown) = (a.height(), a.height().min(TOP_WARNINGS));
            html.push_str(&caption(&match lang {
                Lang::En => format!(
                    "{n} alerts; the first {shown} are shown, most money at stake first: the shortfall for a sales drop, the open amount for credit and aging, a year of sales for churn. The reasons and all alerts are in alerts.csv."
                ),
                Lang::Zh => format!(
                    "共 {n} 条预警，显示前 {shown} 条，按涉及金额从大到小：销售下降为差额，信用和账龄为未收金额，流失为一年的销售额。原因说明及全部预警见 alerts.csv。"
                ),
            }));
            let a = &localized_figures(a, lang);
            html.push_str(&table(a, &["severity", "kind", "customer_id", "customer_name", "at_stake", "figure", "threshold"], TOP_WARNINGS, lang, Some("severity")));
        }
        _ => html.push_str(&caption(l("No alerts.", "无预警。"))),
    }
    if let Some(s) = p.scorecard {
        html.push_str(&format!("\n<h2 id=\"scorecard\">{}</h2>", l("Scorecard: top customers", "大客户评分：前15名")));
        html.push_str(&caption(l(
            "The 15 best-scored customers (0–100, weighted from sales, gross profit, growth, regularity, payment and CLV over 12 months); the tier follows from the score. All are in scorecard.csv.",
            "评分最高的15个客户（0–100分，由近12个月的销售额、毛利、增长、规律性、回款和终身价值加权）；等级由评分决定。全部见 scorecard.csv。",
        )));
        html.push_str(&table(s, &["rank", "customer_id", "customer_name", "score", "tier", "class", "sales_12m", "flags"], 15, lang, None));
        if let Ok(flagged) = s.clone().lazy().filter(col("false_key_account")).collect() {
            html.push_str(&format!("<h2 id=\"false-key-accounts\">{}: {}</h2>", l("False key accounts (假大户)", "假大户"), flagged.height()));
            html.push_str(&caption(l(
                "Customers with large sales but weak margin, payment or regularity: big on paper only.",
                "销售额大但毛利、回款或规律性差的客户：只是看起来大。",
            )));
            if flagged.height() > 0 {
                html.push_str(&table(&flagged, &["customer_id", "customer_name", "score", "tier", "class", "sales_12m", "flags"], 30, lang, None));
            }
        }
    }
    if let Some(m) = p.movers {
        html.push_str(&format!("\n<h2 id=\"movers\">{}</h2>", l("Movers: customers whose class changed", "ABC类别变动的客户")));
        html.push_str(&caption(&format!(
            "{} {}",
            m.height(),
            l(
                "customers changed ABC class against the previous month (up, down, new, lost), largest change in sales first; all are in movers.csv.",
                "个客户的ABC类别较上月发生变化（升级、降级、新增、流失），按销售额变化从大到小；全部见 movers.csv。"
            )
        )));
        html.push_str(&table(m, &["customer_id", "customer_name", "prev_class", "class", "prev_sales", "sales", "sales_change", "change"], 20, lang, None));
    }
    if let Some(c) = p.cohorts {
        html.push_str(&format!("\n<h2 id=\"cohorts\">{}</h2>", l("Cohorts", "客户群组留存")));
        html.push_str(&caption(l(
            "Customers by the month of their first order; m1, m2, … is the share of the cohort that ordered 1, 2, … months later (darker is more).",
            "按首次下单月份分组的客户；第1月、第2月……为该组在之后第1、2……个月仍下单的客户占比（颜色越深越高）。",
        )));
        html.push_str(&format!("<div class=\"wide\">{}</div>", heat_map(c, lang)));
    }
    if !p.notes.is_empty() {
        html.push_str(&format!("\n<h2>{}</h2><ul class=\"notes\">", l("Notes", "说明")));
        for n in p.notes {
            html.push_str(&format!("<li>{}</li>", escape(&note_text(n, lang))));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!("\n<h2>{}</h2><p>", l("Files", "文件")));
    html.push_str(&p.files.iter().map(|f| escape(f)).collect::<Vec<_>>().join(", "));
    html.push_str("</p>\n</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_figures_in_chinese() {
        let flags = "low margin: 10.6% against the company's 26.0%; pays late: 117.5 days on average (扒皮大户); over its credit limit (扒皮大户)";
        assert_eq!(flags_text(flags, Lang::Zh), "毛利率低：10.6%，公司为26.0%；平均逾期117.5天（扒皮大户）；超信用额度（扒皮大户）");
        assert_eq!(flags_text(flags, Lang::En), flags);
        assert_eq!(
            flags_text("one-off bulk buyer: one order holds 91.1% of its 24-month sales (2 orders)", Lang::Zh),
            "一次性大单：单笔订单占近24个月销售额的91.1%（2单）"
        );
        assert_eq!(figure_text("348 days", Lang::Zh), "348天");
        assert_eq!(figure_text("14350.60", Lang::En), "14,350.60");
        assert_eq!(figure_text("> 90 days past due", Lang::Zh), "> 逾期90天");
        assert_eq!(figure_text("-20%", Lang::Zh), "-20%");
        let note = "abc and products cover the month 2024-12-01 to 2024-12-31; churn, receivables, alerts, clv and the scorecard are as of 2024-12-31.";
        assert_eq!(note_text(note, Lang::Zh), "ABC和产品统计2024-12-01至2024-12-31；流失、应收、预警、客户终身价值和评分截至2024-12-31。");
        assert_eq!(note_text("something new", Lang::Zh), "something new");
    }
}
