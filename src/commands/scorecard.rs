//! `kam scorecard`: weighted key-account score, tier and false-key-account flags (SPEC §6).

use chrono::NaiveDate;
use polars::prelude::*;

use crate::cli::{InputArgs, ScorecardArgs};
use crate::config::Config;
use crate::error::bad_input;
use crate::metrics::abc::{self, Thresholds};
use crate::metrics::clv::summary as clv_summary;
use crate::metrics::credit;
use crate::metrics::receivables::{default_warning_share, Buckets};
use crate::metrics::scorecard::{self as metric, ScoreParams, Tiers, Weights};
use crate::output;
use crate::period::Period;

use super::clv;
use super::receivables::{aging_table, load_receivables, AgingInputs};
use super::shared::{self, money_type, reject_range, require_as_of, with_missing};

/// CLV settings used by the scorecard and the report: `kam clv`'s defaults.
pub(crate) const CLV_HORIZON_MONTHS: u32 = 12;
pub(crate) const CLV_DISCOUNT: f64 = 0.10;

/// Order lines with the roles the scorecard and CLV need; `cost` empty when the file has none.
pub(crate) fn load_orders(input: &InputArgs, config: &Config, files: &[String], quiet: bool) -> anyhow::Result<DataFrame> {
    let frame = shared::load_orders(input, config, files, quiet, vec!["order_id", "cost", "customer_name"])?;
    Ok(with_missing(frame, &[("cost", money_type(input, config))]).collect()?)
}

/// The CLV table of `kam clv` (its defaults: 12 months, 10% a year, margin from the
/// cost data), built with the same metric functions; or why it could not be made.
pub(crate) fn clv_table(orders: &DataFrame, as_of: NaiveDate) -> Result<DataFrame, String> {
    let has_order_id = orders.get_column_index("order_id").is_some();
    let has_cost = orders.column("cost").is_ok_and(|c| c.null_count() < c.len());
    if !has_cost {
        return Err("the orders have no cost, so the profit margin for CLV is unknown".into());
    }
    let inner = || -> anyhow::Result<Result<DataFrame, String>> {
        let lines = orders.clone().lazy();
        let stats = clv_summary::company_margin(lines.clone(), as_of).collect()?;
        let Some(margin) = stats.column("margin")?.f64()?.get(0).filter(|m| m.is_finite()) else {
            return Ok(Err("the sales of the order lines with cost are not positive, so the margin is unknown".into()));
        };
        let customers = clv_summary::customers(lines, as_of, has_order_id, true).collect()?;
        let inputs = clv::Inputs::from_summary(&customers)?;
        let saved = match clv::fit_models(&inputs, as_of, true) {
            Ok((saved, _)) => saved,
            Err(e) => return Ok(Err(format!("{e:#}"))),
        };
        let terms = clv::ValueTerms { margin, horizon_months: CLV_HORIZON_MONTHS, discount: CLV_DISCOUNT };
        let table = clv::predictions(customers, &inputs, &saved.bg(), &saved.gg(), &terms, true)?;
        Ok(Ok(table))
    };
    match inner() {
        Ok(r) => r,
        Err(e) => Err(format!("{e:#}")),
    }
}

/// The payment inputs of the scorecard: payment history and over-limit per customer.
pub(crate) fn payment_frame(aging: &DataFrame, receivables: LazyFrame, as_of: NaiveDate) -> LazyFrame {
    metric::payment(credit::payment_history(receivables, as_of), aging.clone().lazy())
}

/// Weights, tiers and thresholds from the options, else kam.toml, else the defaults.
pub(crate) fn score_params(
    config: &Config,
    as_of: NaiveDate,
    weights: Option<&str>,
    tiers: Option<&str>,
    thresholds: Option<&str>,
) -> anyhow::Result<(ScoreParams, Thresholds)> {
    let mut p = ScoreParams::new(as_of);
    if let Some(w) = weights.or(config.scorecard.weights.as_deref()) {
        p.weights = Weights::parse(w)?;
    }
    if let Some(t) = tiers.or(config.scorecard.tiers.as_deref()) {
        p.tiers = Tiers::parse(t)?;
    }
    let thresholds = match thresholds.or(config.abc.thresholds.as_deref()) {
        Some(t) => Thresholds::parse(t)?,
        None => Thresholds::default(),
    };
    Ok((p, thresholds))
}

/// The scorecard table and notes for stderr (and the report).
pub(crate) fn scorecard_table(
    orders: &DataFrame,
    payment: Option<LazyFrame>,
    clv: &Result<DataFrame, String>,
    p: &ScoreParams,
    thresholds: &Thresholds,
) -> anyhow::Result<(DataFrame, Vec<String>)> {
    let w = &p.windows;
    let has_order_id = orders.get_column_index("order_id").is_some();
    let lines = orders.clone().lazy();
    let activity = metric::activity(lines.clone(), w, has_order_id);
    let current = lines.clone().filter(col("order_date").gt_eq(lit(w.current.0)).and(col("order_date").lt_eq(lit(w.current.1))));
    let classes = abc::items(current, "customer_id", None, thresholds);
    let margin = metric::company_margin(lines, w).collect()?.column("margin_rate")?.f64()?.get(0);
    let names = orders.get_column_index("customer_name").is_some().then(|| {
        orders
            .clone()
            .lazy()
            .filter(col("customer_name").is_not_null())
            .group_by([col("customer_id")])
            .agg([col("customer_name").sort(SortOptions::default()).first()])
    });
    let mut notes = vec![];
    if payment.is_none() {
        notes.push("no receivables: the payment component is 50 (neutral) for everyone; late-payer and over-limit flags not checked".to_string());
    }
    if let Err(why) = clv {
        notes.push(format!("CLV not available ({why}): the clv component is 50 (neutral) for everyone"));
    }
    if margin.is_none() {
        notes.push("no cost data in the current 12 months: gross profit is neutral and the low-margin flag is not checked".to_string());
    }
    let clv_frame = clv.as_ref().ok().map(|f| f.clone().lazy());
    let table = metric::scorecard(activity, classes, payment, clv_frame, names, margin, p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no order lines from {} to {}", w.previous.0, w.current.1)));
    }
    Ok((table, notes))
}

pub fn run(args: ScorecardArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let as_of = require_as_of(&period, "scorecard")?;
    reject_range(&period, "scorecard")?;
    let (params, thresholds) =
        score_params(&config, as_of, args.weights.as_deref(), args.tiers.as_deref(), args.thresholds.as_deref())?;
    if args.receivables.is_empty() && args.customers.is_some() {
        return Err(bad_input("--customers needs --receivables FILE (over-limit compares open receivables with the limit)"));
    }
    let orders = load_orders(&args.input, &config, &args.input.inputs, quiet)?;
    let payment = if args.receivables.is_empty() {
        None
    } else {
        let inputs = AgingInputs {
            input: &args.input,
            config: &config,
            receivables: &args.receivables,
            customers: args.customers.as_deref(),
            orders: &[],
            period,
            as_of,
            buckets: Buckets::default(),
            total_assets: None,
            warning_share: default_warning_share(),
            quiet,
        };
        let (aging, _) = aging_table(&inputs)?;
        let receivables = load_receivables(&args.input, &config, &args.receivables, quiet)?;
        Some(payment_frame(&aging, receivables, as_of))
    };
    let clv = clv_table(&orders, as_of);
    let (mut table, notes) = scorecard_table(&orders, payment, &clv, &params, &thresholds)?;
    if !quiet {
        let w = params.windows;
        eprintln!(
            "Scorecard as of {as_of}: {} customers; current 12 months {} to {}, previous {} to {}; weights {}; tiers key >= {}, major >= {}, regular >= {}.",
            table.height(),
            w.current.0,
            w.current.1,
            w.previous.0,
            w.previous.1,
            params.weights.describe(),
            params.tiers.key,
            params.tiers.major,
            params.tiers.regular
        );
        let summary = metric::tier_summary(table.clone().lazy()).collect()?;
        output::eprint_table("Customers per tier:", &summary);
        for n in notes {
            eprintln!("kam: note: {n}");
        }
    }
    output::write(&mut table, &args.output)
}
