//! `kam report`: abc, products, clv, churn, receivables, alerts and scorecard for one
//! month, written into one directory (CSV, Parquet, XLSX and report.html), atomically.

use polars::prelude::*;

use crate::cli::{ChurnOptions, ReportArgs, TurnoverBasis};
use crate::error::bad_input;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::alerts::SEVERITIES;
use crate::metrics::products::Average;
use crate::metrics::receivables::TOTAL;
use crate::metrics::scorecard as score_metric;
use crate::output::cell_text;
use crate::period::Period;
use crate::progress::Progress;
use crate::metrics::migration;
use crate::pipelines::names::NameSources;
use crate::pipelines::{abc, aging, alerts, churn, clv, cohorts, orders, plan, products, scorecard};
use crate::input::sources::{self, Source};
use crate::report::format::decimal_at;
use crate::report::lang::Lang;
use crate::report::{self, charts, headline, html, stake, xlsx, Card, CardValue, Table};
use crate::settings::Settings;
use crate::tables::{InputFormat, TableKind};
use crate::values::Amount;

use super::shared::require_receivables_for;

fn pick(option: &[String], config: &[String]) -> Vec<String> {
    if option.is_empty() {
        config.to_vec()
    } else {
        option.to_vec()
    }
}

fn text(frame: &DataFrame, column: &str, row: usize) -> String {
    frame.column(column).and_then(|c| c.get(row)).map(|v| cell_text(&v, 2)).unwrap_or_default()
}

fn count(frame: &DataFrame, column: &str, row: usize) -> u64 {
    text(frame, column, row).parse().unwrap_or(0)
}

/// `--lang`, else kam.toml `[report] lang` (checked before anything is computed).
fn chosen_language(args: &ReportArgs, settings: &Settings) -> anyhow::Result<Option<Lang>> {
    if let Some(l) = args.lang {
        return Ok(Some(if l == crate::cli::SegmentLang::Zh { Lang::Zh } else { Lang::En }));
    }
    match &settings.config.report.lang {
        Some(text) => Ok(Some(Lang::parse(text).map_err(|e| bad_input(format!("kam.toml [report] lang: {e}")))?)),
        None => Ok(None),
    }
}

/// Without a chosen language: zh when the first order file's headers are Chinese
/// (客户编码, 金额 …), else en.
fn language_of_headers(settings: &Settings, orders: &[String]) -> Lang {
    // Read after the orders were: a file that cannot be opened was already refused, and
    // stdin has been copied.
    let read = &settings.table(TableKind::Orders).read;
    let headers = sources::expand(orders).ok().and_then(|locations| {
        let first = locations.first()?;
        match Source::open_head(first, read) {
            Some((source, _)) => Some(source.headers),
            None => match sources::format_of(first, read.format) {
                InputFormat::Csv | InputFormat::Tsv => csv_head_headers(first, read),
                _ => Source::open(first, read).ok().map(|s| s.headers),
            },
        }
    });
    headers.map_or(Lang::En, |h| Lang::of_headers(&h))
}

/// The header of a CSV that `Source::open_head` declines (GBK, title rows) from its first
/// 256 KiB, so that a large ERP export is not read once more only for its header.
fn csv_head_headers(location: &sources::Location, read: &sources::ReadSettings) -> Option<Vec<String>> {
    use std::io::Read;
    let name = location.display_name();
    let mut head = Vec::new();
    std::fs::File::open(location.path().ok()?).ok()?.take(256 * 1024).read_to_end(&mut head).ok()?;
    // whole lines only: a GBK character never contains the newline byte
    head.truncate(head.iter().rposition(|&b| b == b'\n')? + 1);
    let (text, encoding) = sources::csv::decode(&name, head, read.encoding).ok()?;
    let delimiter = read.delimiter.or((sources::format_of(location, read.format) == InputFormat::Tsv).then_some(b'\t'));
    let mut c = sources::csv::csv_text(&name, text, encoding, delimiter).ok()?;
    Some(sources::csv::take_header(&name, &mut c, read.header_row).ok()?.names)
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let quiet = args.quiet;
    let settings = Settings::resolve(&args.read, TableKind::Orders, quiet)?;
    let (first, as_of) = (args.period.first_day(), args.period.last_day());
    let period = args.period.to_string();
    let rc = &settings.config.report;
    let orders = pick(&args.orders, &rc.orders);
    if orders.is_empty() {
        return Err(bad_input("kam report needs --orders FILE... (or orders = [...] under [report] in kam.toml)"));
    }
    let inventory = pick(&args.inventory, &rc.inventory);
    let receivables = pick(&args.receivables, &rc.receivables);
    let customers = args.customers.clone().or(rc.customers.clone());
    let plan_file = args.plan.clone().or(rc.plan.clone());
    let chosen_language = chosen_language(&args, &settings)?;
    // Stdin ('-') can be one of the inputs: said before anything is computed.
    if orders.iter().chain(&inventory).chain(&receivables).chain(&customers).chain(&plan_file).filter(|i| *i == "-").count() > 1 {
        return Err(bad_input("'-' (stdin) can be one input of kam report only: give the others as files"));
    }
    let total_assets = match (args.total_assets, rc.total_assets.as_deref()) {
        (Some(a), _) => Some(a.0),
        (None, Some(text)) => Some(text.parse::<Amount>().map_err(|e| bad_input(format!("kam.toml [report] total_assets: {e}")))?.0),
        (None, None) => None,
    };
    require_receivables_for(&receivables, total_assets)?;
    let month = Period { from: Some(first), to: Some(as_of), as_of: None };
    let mut notes: Vec<String> = vec![format!(
        "abc and products cover the month {first} to {as_of}; churn, receivables, alerts, clv and the scorecard are as of {as_of}."
    )];

    let mut progress = Progress::new(quiet);
    // The orders are read once: summed per order and day for abc, churn, CLV, the
    // scorecard, movers, cohorts and the headline, and per product for products.
    let estimated = |table, files: &[String]| crate::input::scan::estimated_rows(&settings.input(table, files));
    progress.reading("reading the order lines", estimated(TableKind::Orders, &orders));
    let thresholds = settings.thresholds(None)?;
    let spec = products::Spec {
        orders: &orders,
        inventory: &inventory,
        period: month,
        basis: args.basis.map(TurnoverBasis::basis),
        average: Average::Ends,
        by_customer: false,
        sort: None,
        thresholds,
        notes: false,
    };
    let ((lines, order_names), products_table) =
        products::table_of_a_pass(&settings, &spec, |roles, sums| orders::scored_order_days_and(&settings, &orders, roles, sums))?;
    // abc (customers, the month) and products (the month)
    progress.stage("abc of the month");
    let (abc_items, abc_summary) = abc::customer_tables(&lines, &month, &thresholds)?;
    let products_table = products_table?;

    // churn, receivables, alerts (as of the month end)
    progress.stage("churn");
    let rules = churn::rules(&ChurnOptions::defaults(), &settings, as_of);
    let plan = plan::optional(&settings, plan_file.as_deref())?;
    // Sorted by customer once, for churn, the scorecard's activity, the CLV summary, the
    // cohorts and the yearly sales.
    let (mut by_customer, lines) = ByCustomer::of_orders_and_lines(lines)?;
    let churn_table = churn::table(&by_customer, plan, &rules, None)?;
    let params = settings.score_params(as_of, None, None)?;
    let activity = scorecard::activity(&by_customer, &params)?;
    progress.reading("receivables", estimated(TableKind::Receivables, &receivables));
    let aging_spec = aging::Aging::standard(&receivables, customers.as_deref(), as_of, total_assets);
    let (aging_table, payment_history) = if receivables.is_empty() {
        notes.push("no receivables: no aging table or chart; credit-limit, aging and assets warnings and the payment component are left out".into());
        (None, None)
    } else {
        let (table, note, history) = aging::table_and_payments(&settings, &aging_spec)?;
        notes.push(format!("receivables: {note}"));
        (Some(table), Some(history))
    };
    let buckets = &aging_spec.buckets;
    progress.stage("alerts");
    let alerts_table = alerts::table(&churn_table, &rules, aging_table.as_ref(), buckets, aging_spec.warning_share, None)?;

    // clv and scorecard
    progress.stage("fitting CLV");
    let clv = clv::default_table(&lines, &by_customer, as_of);
    progress.stage("scorecard");
    let payment = match (&aging_table, payment_history) {
        (Some(a), Some(h)) => Some(scorecard::payment_frame(a, h)),
        _ => None,
    };
    let (score_table, score_notes) = scorecard::scorecard_table(&lines, activity, payment, &clv, &params, &thresholds)?;
    notes.extend(score_notes);
    let aging = aging_table;

    // The headline against the previous month and the same month last year
    // (src/report/headline.rs): the last part that reads order_id and cost, which are
    // then let go (10 M lines: 176 MB of the 5.5 M order days).
    let open_total = aging.as_ref().and_then(|a| decimal_at(a, "open_total", a.height().saturating_sub(1)));
    progress.stage("headline");
    let head = headline::headline(&lines, args.period, open_total)?;
    let lines = by_customer.let_go(&["order_id", "cost"], lines)?;

    // What moved: the month's ABC against the previous month's, and the cohorts.
    let previous = Period { from: Some(args.period.previous().first_day()), to: Some(args.period.previous().last_day()), as_of: None };
    progress.stage("movers against the previous month");
    let movers = match abc::customer_migration(&lines, &abc_items, &previous, &thresholds) {
        Ok(m) => Some(migration::movers(m.lazy()).collect()?),
        Err(why) => {
            notes.push(format!("no movers table: {why:#}"));
            None
        }
    };
    progress.stage("cohorts");
    let cohorts_table = cohorts::matrix_by_customer(&by_customer, as_of)?;

    let chosen = chosen_language.is_some();
    let lang = chosen_language.unwrap_or_else(|| language_of_headers(&settings, &orders));
    let zh = |en: &str, zh: &str| lang.pick(en, zh).to_string();

    // The customers behind the changes (src/report/stake.rs).
    progress.stage("sales at stake");
    let changes = stake::sales_changes(&lines, order_names.as_ref(), args.period)?;
    let yearly = stake::yearly_sales(&by_customer, order_names.as_ref(), as_of)?;
    // The order days are let go before the names and the files (they share their columns).
    drop(by_customer);
    drop(lines);
    let lost = stake::lost_and_at_risk(&churn_table, yearly.clone().lazy())?;
    let warnings = stake::warnings(&alerts_table, &churn_table, aging.as_ref(), &buckets.oldest(), yearly.lazy())?;

    // the other summary figures
    progress.stage("summary figures and charts");
    let mut cards = vec![];
    let class_a = abc_summary.clone().lazy().filter(col("class").eq(lit("A"))).collect()?;
    cards.push(Card {
        label: zh("Class A customers", "A类客户数"),
        value: CardValue::Count(if class_a.height() > 0 { count(&class_a, "items", 0) } else { 0 }),
    });
    if let Some(a) = &aging {
        let days = buckets.edges.last().copied().unwrap_or(90);
        if let Some(v) = decimal_at(a, &buckets.oldest(), a.height() - 1) {
            cards.push(Card { label: if lang == Lang::Zh { format!("逾期{days}天以上应收") } else { format!("Open > {days} days") }, value: CardValue::Money(v) });
        }
    }
    if let Ok(c) = &clv {
        let total: f64 = c.column("clv")?.f64()?.iter().flatten().sum();
        // a prediction, not booked money: rounded to the cent for display; no card
        // rather than a made-up 0 when the model gave no finite total
        if let Some(total) = rust_decimal::Decimal::from_f64_retain(total).filter(|_| total.is_finite()) {
            cards.push(Card { label: zh("Predicted CLV, 12 months", "预测未来12个月客户终身价值"), value: CardValue::Money(total.round_dp(2)) });
        }
    }
    for level in SEVERITIES.iter().rev() {
        let n = alerts_table.column("severity")?.str()?.iter().filter(|v| *v == Some(level)).count();
        cards.push(Card { label: format!("{}{}", zh("Alerts: ", "预警："), lang.value(level)), value: CardValue::Count(n as u64) });
    }
    let tiers = score_metric::tier_summary(score_table.clone().lazy()).collect()?;
    for r in 0..tiers.height() {
        let tier = text(&tiers, "tier", r);
        cards.push(Card { label: format!("{}{}", zh("Tier ", "等级："), lang.value(&tier)), value: CardValue::Count(count(&tiers, "customers", r)) });
    }
    let flagged = score_table.column("false_key_account")?.bool()?.sum().unwrap_or(0);
    cards.push(Card { label: zh("False key accounts (假大户)", "假大户"), value: CardValue::Count(u64::from(flagged)) });

    let cum: Vec<f64> = abc_items.column("cum_share")?.f64()?.iter().flatten().collect();
    let pareto = if cum.len() == abc_items.height() && !cum.is_empty() {
        let a = thresholds.a.to_string().parse::<f64>().unwrap_or(0.75);
        let ab = (thresholds.a + thresholds.b).to_string().parse::<f64>().unwrap_or(0.95);
        Some(charts::pareto_svg(&cum, a, ab, lang)?)
    } else {
        None
    };
    let aging_chart = match &aging {
        Some(a) => {
            let total = a.clone().lazy().filter(col("customer_id").eq(lit(TOTAL))).collect()?;
            let mut bars = vec![];
            for label in buckets.labels() {
                let v = total.column(&label)?.cast(&DataType::Float64)?.f64()?.get(0).unwrap_or(0.0);
                bars.push((lang.column(&label), v));
            }
            Some(charts::aging_svg(&bars, lang)?)
        }
        None => None,
    };

    let mut tables = vec![
        Table { name: "abc", title: "ABC of customers (the month)", frame: abc_items },
        Table { name: "abc_summary", title: "ABC summary (the month)", frame: abc_summary },
        Table { name: "products", title: "Products (the month)", frame: products_table },
    ];
    match clv {
        Ok(c) => tables.push(Table { name: "clv", title: "Customer lifetime value", frame: c }),
        Err(why) => notes.push(format!("no clv table: {why}")),
    }
    tables.push(Table { name: "churn", title: "Churn and sales progress", frame: churn_table });
    if let Some(a) = aging {
        tables.push(Table { name: "receivables", title: "Receivables aging", frame: a });
    }
    tables.push(Table { name: "alerts", title: "Alerts", frame: alerts_table });
    tables.push(Table { name: "scorecard", title: "Key-account scorecard", frame: score_table });
    if let Some(m) = movers {
        tables.push(Table { name: "movers", title: "Movers (class changes against the previous month)", frame: m });
    }
    tables.push(Table { name: "cohorts", title: "Cohorts (share ordering per month)", frame: cohorts_table });
    // Every per-customer table with customer_name beside customer_id, as the commands write them.
    progress.stage("names beside ids");
    let names = NameSources::with_order_names(&settings, customers.as_deref(), order_names)?.combined()?;
    for t in tables.iter_mut() {
        t.frame = names.beside_ids(std::mem::take(&mut t.frame))?;
    }

    // The two lists of the page, whole (they have their names already).
    tables.push(Table { name: "top_movers", title: "Sales changes against the previous month", frame: changes.clone() });
    tables.push(Table { name: "at_risk", title: "Churned and at-risk customers with sales at stake", frame: lost.clone() });

    // The workbook: a sheet per table, the alerts by money at stake (with names); a long
    // table cut to its weightiest rows.
    let mut sheets: Vec<(&'static str, DataFrame)> = vec![];
    let mut cut = vec![];
    for (name, frame) in tables.iter().map(|t| (t.name, if t.name == "alerts" { &warnings } else { &t.frame })) {
        let (rows, was_cut) = xlsx::sheet_rows(name, frame)?;
        if was_cut {
            cut.push((name, frame.height()));
        }
        sheets.push((name, rows));
    }
    notes.extend(xlsx::cut_summary(&cut));
    let workbook_notes: Vec<String> = cut.iter().map(|(name, rows)| xlsx::cut_note(name, *rows, lang)).collect();

    let mut files: Vec<String> = tables.iter().flat_map(|t| [format!("{}.csv", t.name), format!("{}.parquet", t.name)]).collect();
    files.extend(["report.xlsx".to_string(), "report.html".to_string()]);
    let find = |name: &str| tables.iter().find(|t| t.name == name).map(|t| &t.frame);
    progress.stage("report.html");
    let page = html::render(&html::Page {
        lang,
        period: &period,
        as_of: &as_of.to_string(),
        headline: &head,
        cards: &cards,
        pareto_svg: pareto,
        aging_svg: aging_chart,
        changes: Some(&changes),
        products: find("products"),
        lost: Some(&lost),
        warnings: Some(&warnings),
        scorecard: find("scorecard"),
        movers: find("movers"),
        cohorts: find("cohorts"),
        notes: &notes,
        files: files.clone(),
    });
    report::write_dir(&args.out, |dir| {
        // The BOM only when zh was asked for: a pipeline reading the CSVs of a Chinese
        // ERP export keeps its bytes unless the user opts in for Excel.
        report::write_tables(dir, &mut tables, chosen && lang == Lang::Zh, &mut progress)?;
        progress.stage("writing report.xlsx");
        let sheets: Vec<xlsx::Sheet> = sheets.iter().map(|(name, frame)| xlsx::Sheet { name, frame }).collect();
        xlsx::write(&dir.join("report.xlsx"), lang, &head, &cards, &workbook_notes, &sheets, as_of)?;
        std::fs::write(dir.join("report.html"), page.as_bytes())?;
        Ok(())
    })?;
    progress.finish();
    if !quiet {
        eprintln!("Report {period} (as of {as_of}) written to {}: {}", args.out.display(), files.join(", "));
        for n in &notes {
            eprintln!("kam: note: {n}");
        }
    }
    Ok(())
}
