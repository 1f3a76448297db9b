//! `kam report`: abc, products, clv, churn, receivables, alerts and scorecard for one
//! month, written into one directory (CSV, Parquet, XLSX and report.html), atomically.

use polars::prelude::*;

use crate::cli::{ChurnOptions, ReportArgs, TurnoverBasis};
use crate::error::bad_input;
use crate::metrics::alerts::SEVERITIES;
use crate::metrics::products::Average;
use crate::metrics::receivables::TOTAL;
use crate::metrics::scorecard as score_metric;
use crate::output::cell_text;
use crate::period::Period;
use crate::metrics::cohorts::CohortValue;
use crate::metrics::migration;
use crate::pipelines::{abc, aging, alerts, churn, clv, cohorts, orders, plan, products, scorecard};
use crate::report::{self, charts, html, xlsx, Table};
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::{Amount, Key};

use super::shared::require_receivables_for;

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
    if receivables.is_empty() && customers.is_some() {
        return Err(bad_input("kam report uses --customers for credit limits: it needs --receivables FILE too"));
    }
    let month = Period { from: Some(first), to: Some(as_of), as_of: None };
    let mut notes: Vec<String> = vec![format!(
        "abc and products cover the month {first} to {as_of}; churn, receivables, alerts, clv and the scorecard are as of {as_of}."
    )];

    // abc (customers, the month) and products (the month)
    let thresholds = settings.thresholds(None)?;
    let (abc_items, abc_summary) = abc::tables(&settings, &orders, &Key::Customer, &month, &thresholds)?;
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
    let (products_table, _) = products::table(&settings, &spec)?;

    // churn, receivables, alerts (as of the month end). The order lines for churn, CLV
    // and the scorecard are read once (the scorecard's columns are a superset of churn's).
    let lines = orders::scored_lines(&settings, &orders)?;
    let rules = churn::rules(&ChurnOptions::defaults(), &settings, as_of);
    let plan = plan::optional(&settings, plan_file.as_deref())?;
    let churn_table = churn::table(&lines, plan, &rules, None)?;
    let aging_spec = aging::Aging::standard(&receivables, customers.as_deref(), as_of, total_assets);
    let (aging_table, receivables_lines) = if receivables.is_empty() {
        notes.push("no receivables: no aging table or chart; credit-limit, aging and assets warnings and the payment component are left out".into());
        (None, None)
    } else {
        let lines = aging::receivables(&settings, &receivables)?;
        let (table, note) = aging::table_of(&settings, &aging_spec, lines.clone())?;
        notes.push(format!("receivables: {note}"));
        (Some(table), Some(lines))
    };
    let buckets = &aging_spec.buckets;
    let alerts_table = alerts::table(&churn_table, &rules, aging_table.as_ref(), buckets, aging_spec.warning_share, None)?;

    // clv and scorecard
    let clv = clv::default_table(&lines, as_of);
    let payment = match (&aging_table, receivables_lines) {
        (Some(a), Some(r)) => Some(scorecard::payment_frame(a, r, as_of)),
        _ => None,
    };
    let params = settings.score_params(as_of, None, None)?;
    let (score_table, score_notes) = scorecard::scorecard_table(&lines, payment, &clv, &params, &thresholds)?;
    notes.extend(score_notes);
    let aging = aging_table;

    // What moved: the month's ABC against the previous month's, and the cohorts.
    let previous = Period { from: Some(args.period.previous().first_day()), to: Some(args.period.previous().last_day()), as_of: None };
    let movers = match abc::migration(&settings, &orders, &Key::Customer, &abc_items, &previous, &thresholds) {
        Ok(m) => Some(migration::movers(m.lazy()).collect()?),
        Err(why) => {
            notes.push(format!("no movers table: {why:#}"));
            None
        }
    };
    let cohorts_table = cohorts::matrix(&lines, as_of, CohortValue::Customers)?;

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
    if let Some(m) = movers {
        tables.push(Table { name: "movers", title: "Movers (class changes against the previous month)", frame: m });
    }
    tables.push(Table { name: "cohorts", title: "Cohorts (share ordering per month)", frame: cohorts_table });

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
        movers: tables.iter().find(|t| t.name == "movers").map(|t| &t.frame),
        cohorts: tables.iter().find(|t| t.name == "cohorts").map(|t| &t.frame),
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
