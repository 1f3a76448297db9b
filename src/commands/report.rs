//! `kam report`: abc, products, clv, churn, receivables, alerts and scorecard for one
//! month, written into one directory (CSV, Parquet, XLSX and report.html), atomically.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::cli::{AbcArgs, AverageInventory, ChurnOptions, InputArgs, OutputArgs, PerInterval, PeriodArgs, ProductsArgs, ReportArgs};
use crate::config::Config;
use crate::error::bad_input;
use crate::metrics::alerts::SEVERITIES;
use crate::metrics::receivables::{default_warning_share, Buckets, TOTAL};
use crate::metrics::scorecard as score_metric;
use crate::output::cell_text;
use crate::report::{self, charts, html, xlsx, Table};

use super::receivables::{aging_table, load_receivables, AgingInputs};
use super::shared::{parse_total_assets, require_receivables_for};
use super::{abc, alerts, churn, products, scorecard};

/// "2024-06" -> (2024-06-01, 2024-06-30).
fn month_bounds(text: &str) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let bad = || bad_input(format!("--period: '{text}' is not a month (expected YYYY-MM, e.g. 2024-06)"));
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    Ok((first, next.ok_or_else(bad)?.pred_opt().ok_or_else(bad)?))
}

fn pick(option: &[String], config: &[String]) -> Vec<String> {
    if option.is_empty() {
        config.to_vec()
    } else {
        option.to_vec()
    }
}

fn money(frame: &DataFrame, column: &str, row: usize) -> String {
    frame.column(column).and_then(|c| c.get(row)).map(|v| cell_text(&v, 2)).unwrap_or_default()
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let config = Config::load(args.config.as_deref())?;
    let quiet = args.quiet;
    let (first, as_of) = month_bounds(&args.period)?;
    let period = format!("{:04}-{:02}", first.year(), first.month());
    let rc = &config.report;
    let orders = pick(&args.orders, &rc.orders);
    if orders.is_empty() {
        return Err(bad_input("kam report needs --orders FILE... (or orders = [...] under [report] in kam.toml)"));
    }
    let inventory = pick(&args.inventory, &rc.inventory);
    let receivables = pick(&args.receivables, &rc.receivables);
    let customers = args.customers.clone().or(rc.customers.clone());
    let plan = args.plan.clone().or(rc.plan.clone());
    // Stdin ('-') can be one of the inputs: said before anything is computed.
    if orders.iter().chain(&inventory).chain(&receivables).chain(&customers).chain(&plan).filter(|i| *i == "-").count() > 1 {
        return Err(bad_input("'-' (stdin) can be one input of kam report only: give the others as files"));
    }
    let total_assets = parse_total_assets(args.total_assets.as_deref().or(rc.total_assets.as_deref()))?;
    require_receivables_for(&receivables, total_assets, customers.is_some())?;
    let input = InputArgs { inputs: orders.clone(), config: args.config.clone(), ..InputArgs::default() };
    let month = PeriodArgs { from: Some(first.to_string()), to: Some(as_of.to_string()), as_of: None };
    let silent = OutputArgs { format: None, output: None, quiet: true };
    let mut notes: Vec<String> = vec![format!(
        "abc and products cover the month {first} to {as_of}; churn, receivables, alerts, clv and the scorecard are as of {as_of}."
    )];

    // abc (customers, the month) and products (the month)
    let abc_args = AbcArgs { input: input.clone(), period: month.clone(), output: silent.clone(), by: "customer".into(), thresholds: None, summary: false };
    let (abc_items, abc_summary, _, thresholds) = abc::tables(&abc_args)?;
    let products_args = ProductsArgs {
        input: input.clone(),
        period: month,
        output: silent,
        inventory: inventory.clone(),
        inventory_columns: vec![],
        basis: None,
        avg: AverageInventory::Ends,
        by: "product".into(),
        sort: None,
        thresholds: None,
        per: None,
        interval: PerInterval::Month,
        plan: vec![],
    };
    let products_table = products::table(&products_args)?.ok_or_else(|| anyhow::anyhow!("kam products returned no table"))?;

    // churn, receivables, alerts (as of the month end)
    let rules = ChurnOptions { plan, gap_multiple: 2.0, churn_days: 180, drop: "0.20".into(), period_months: 1, params: None, min_p_alive: None };
    // The order lines for churn, CLV and the scorecard, read once (scorecard's columns
    // are a superset of churn's).
    let lines = scorecard::load_orders(&input, &config, &orders, true)?;
    let (churn_table, churn_params) = churn::churn_table(lines.clone(), &input, &config, &rules, as_of, true)?;
    let buckets = Buckets::default();
    let warning_share = default_warning_share();
    let aging = if receivables.is_empty() {
        notes.push("no receivables: no aging table or chart; credit-limit, aging and assets warnings and the payment component are left out".into());
        None
    } else {
        let inputs = AgingInputs {
            input: &input,
            config: &config,
            receivables: &receivables,
            customers: customers.as_deref(),
            orders: &[],
            period: crate::period::Period { from: None, to: Some(as_of), as_of: Some(as_of) },
            as_of,
            buckets: buckets.clone(),
            total_assets,
            warning_share,
            quiet: true,
        };
        let (table, note) = aging_table(&inputs)?;
        notes.push(format!("receivables: {note}"));
        Some(table)
    };
    let alerts_table = alerts::alerts_table(&churn_table, &churn_params, aging.as_ref(), &buckets, warning_share, None)?;

    // clv and scorecard
    let clv = scorecard::clv_table(&lines, as_of);
    let payment = match &aging {
        Some(a) => Some(scorecard::payment_frame(a, load_receivables(&input, &config, &receivables, true)?, as_of)),
        None => None,
    };
    let (params, score_thresholds) = scorecard::score_params(&config, as_of, None, None, None)?;
    let (score_table, score_notes) = scorecard::scorecard_table(&lines, payment, &clv, &params, &score_thresholds)?;
    notes.extend(score_notes);

    // summary figures and charts
    let mut figures = vec![];
    let total_row = abc_summary.height().saturating_sub(1);
    figures.push(("Sales in the month".to_string(), money(&abc_summary, "sales", total_row)));
    figures.push(("Customers with sales".to_string(), abc_items.height().to_string()));
    if let Ok(Some(a)) = abc_summary.column("items").and_then(|c| c.get(0)).map(|v| Some(cell_text(&v, 0))) {
        figures.push(("Class A customers".to_string(), a));
    }
    if let Some(a) = &aging {
        let last = a.height() - 1;
        figures.push(("Open receivables".to_string(), money(a, "open_total", last)));
        figures.push((format!("Open > {} days", buckets.edges.last().copied().unwrap_or(90)), money(a, &buckets.oldest(), last)));
    }
    if let Ok(c) = &clv {
        let total: f64 = c.column("clv")?.f64()?.iter().flatten().sum();
        figures.push(("Predicted CLV, 12 months".to_string(), format!("{total:.2}")));
    }
    for level in SEVERITIES.iter().rev() {
        let n = alerts_table.column("severity")?.str()?.iter().filter(|v| *v == Some(level)).count();
        figures.push((format!("Alerts: {level}"), n.to_string()));
    }
    let tiers = score_metric::tier_summary(score_table.clone().lazy()).collect()?;
    for r in 0..tiers.height() {
        figures.push((format!("Tier {}", money(&tiers, "tier", r)), money(&tiers, "customers", r)));
    }
    let flagged = score_table.column("false_key_account")?.bool()?.sum().unwrap_or(0);
    figures.push(("False key accounts (假大户)".to_string(), flagged.to_string()));

    let cum: Vec<f64> = abc_items.column("cum_share")?.f64()?.iter().flatten().collect();
    let pareto = if cum.len() == abc_items.height() && !cum.is_empty() {
        let a = thresholds.a.to_string().parse::<f64>().unwrap_or(0.75);
        let ab = (thresholds.a + thresholds.b).to_string().parse::<f64>().unwrap_or(0.95);
        Some(charts::pareto_svg(&cum, a, ab)?)
    } else {
        None
    };
    let aging_chart = match &aging {
        Some(a) => {
            let total = a.clone().lazy().filter(col("customer_id").eq(lit(TOTAL))).collect()?;
            let mut bars = vec![];
            for label in buckets.labels() {
                let v = total.column(&label)?.cast(&DataType::Float64)?.f64()?.get(0).unwrap_or(0.0);
                bars.push((label, v));
            }
            Some(charts::aging_svg(&bars)?)
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

    let mut files: Vec<String> = tables.iter().flat_map(|t| [format!("{}.csv", t.name), format!("{}.parquet", t.name)]).collect();
    files.extend(["report.xlsx".to_string(), "report.html".to_string()]);
    let page = html::render(&html::Page {
        period: &period,
        as_of: &as_of.to_string(),
        figures,
        pareto_svg: pareto,
        aging_svg: aging_chart,
        alerts: tables.iter().find(|t| t.name == "alerts").map(|t| &t.frame),
        scorecard: tables.iter().find(|t| t.name == "scorecard").map(|t| &t.frame),
        notes: &notes,
        files: files.clone(),
    });
    report::write_dir(&args.out, |dir| {
        report::write_tables(dir, &mut tables)?;
        xlsx::write(&dir.join("report.xlsx"), &tables, as_of)?;
        std::fs::write(dir.join("report.html"), page.as_bytes())?;
        Ok(())
    })?;
    if !quiet {
        eprintln!("Report {period} (as of {as_of}) written to {}: {}", args.out.display(), files.join(", "));
        for n in &notes {
            eprintln!("kam: note: {n}");
        }
    }
    Ok(())
}
