//! `kam churn`: churn status and sales-progress flags per customer as of a date.

use chrono::Datelike;
use polars::prelude::*;

use crate::cli::{ChurnArgs, ChurnOptions, InputArgs};
use crate::config::Config;
use crate::error::bad_input;
use crate::input::Request;
use crate::metrics::churn::{self as metric, ChurnParams, Windows};
use crate::metrics::clv::summary::customers;
use crate::output;
use crate::period::Period;

use crate::metrics::clv::{load_params, Inputs};
use super::shared::{load_orders, load_table, money_type, parse_share, reject_range, require_as_of};

/// Build the rule settings from the options.
pub(crate) fn params(o: &ChurnOptions, input: &InputArgs, config: &Config, as_of: chrono::NaiveDate) -> anyhow::Result<ChurnParams> {
    if !(o.gap_multiple > 0.0 && o.gap_multiple.is_finite()) {
        return Err(bad_input("--gap-multiple must be a positive number (e.g. 2)"));
    }
    if o.churn_days <= 0 {
        return Err(bad_input("--churn-days must be a positive number of days"));
    }
    if o.period_months == 0 || o.period_months > 12 {
        return Err(bad_input("--period-months must be between 1 and 12"));
    }
    let drop = parse_share("--drop", &o.drop)?;
    if drop >= rust_decimal::Decimal::ONE {
        return Err(bad_input("--drop must be below 1 (e.g. 0.20 or 20%)"));
    }
    let min_p_alive = match (&o.params, o.min_p_alive) {
        (None, Some(_)) => return Err(bad_input("--min-p-alive needs --params FILE (a `kam clv --params-out` file)")),
        (None, None) => None,
        (Some(_), m) => {
            let m = m.unwrap_or(0.2);
            if !(m > 0.0 && m <= 1.0) {
                return Err(bad_input("--min-p-alive must be above 0 and at most 1 (e.g. 0.2)"));
            }
            Some(m)
        }
    };
    Ok(ChurnParams {
        min_p_alive,
        as_of,
        k: o.gap_multiple,
        churn_days: o.churn_days,
        drop,
        windows: Windows::new(as_of, o.period_months),
        money: money_type(input, config),
    })
}

/// The order lines churn needs from `orders` files: customer_id, order_date, amount,
/// and order_id when present.
pub(crate) fn churn_lines(input: &InputArgs, config: &Config, orders: &[String], quiet: bool) -> anyhow::Result<DataFrame> {
    load_orders(input, config, orders, quiet, vec!["order_id"])
}

/// The churn table of order `lines` (see [`churn_lines`]; other columns are ignored),
/// and an optional plan file.
pub(crate) fn churn_table(lines: DataFrame, input: &InputArgs, config: &Config, o: &ChurnOptions, as_of: chrono::NaiveDate, quiet: bool) -> anyhow::Result<(DataFrame, ChurnParams)> {
    let p = params(o, input, config, as_of)?;
    let has_order_id = lines.get_column_index("order_id").is_some();
    let plan = match &o.plan {
        Some(file) => {
            Some(load_table(input, config, std::slice::from_ref(file), &Request::plan(), quiet)?.lazy())
        }
        None => None,
    };
    let mut table = metric::churn(lines.clone().lazy(), plan, has_order_id, &p).collect()?;
    if table.height() == 0 {
        return Err(bad_input(format!("no orders on or before {as_of}")));
    }
    if let (Some(file), Some(min)) = (&o.params, p.min_p_alive) {
        table = add_p_alive(table, &lines, has_order_id, std::path::Path::new(file), min, as_of)?;
    }
    Ok((table, p))
}

/// Add p_alive (BG/NBD, parameters from a `kam clv --params-out` file, x, t_x, T as
/// of as-of) after `reason`, and mark a customer churned when p_alive < `min`
/// (a customer already churned by the days rule keeps that reason).
fn add_p_alive(
    table: DataFrame,
    lines: &DataFrame,
    has_order_id: bool,
    file: &std::path::Path,
    min: f64,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<DataFrame> {
    let bg = load_params(file)?.bg();
    let summary = customers(lines.clone().lazy(), as_of, has_order_id, false).collect()?;
    let inputs = Inputs::from_summary(&summary)?;
    let p_alive: Vec<f64> = (0..inputs.x.len()).map(|i| bg.p_alive(inputs.x[i], inputs.t_x[i], inputs.t[i])).collect();
    // The model's answer per customer, with the reason it would give: formatting the
    // figure here keeps the two decimals of the other reasons.
    let because: Vec<String> = p_alive.iter().map(|pa| format!("P(alive) {pa:.2} < {min:.2}")).collect();
    let probs = DataFrame::new(
        summary.height(),
        vec![
            summary.column("customer_id")?.clone(),
            Column::new("p_alive".into(), p_alive),
            Column::new("p_alive_reason".into(), because),
        ],
    )?;
    let mut columns: Vec<Expr> = Vec::new();
    for name in table.get_column_names() {
        columns.push(col(name.as_str()));
        if name.as_str() == "reason" {
            columns.push(col("p_alive"));
        }
    }
    // A customer already churned by the days rule keeps that reason.
    let below = col("p_alive").lt(lit(min)).and(col("status").neq(lit("churned"))).fill_null(lit(false));
    Ok(table
        .lazy()
        .join(probs.lazy(), [col("customer_id")], [col("customer_id")], JoinArgs::new(JoinType::Left))
        .with_columns([
            when(below.clone()).then(lit("churned")).otherwise(col("status")).alias("status"),
            when(below).then(col("p_alive_reason")).otherwise(col("reason")).alias("reason"),
        ])
        .select(columns)
        .collect()?)
}

pub fn run(args: ChurnArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let as_of = require_as_of(&period, "churn")?;
    reject_range(&period, "churn")?;
    let lines = churn_lines(&args.input, &config, &args.input.inputs, quiet)?;
    let (mut table, p) = churn_table(lines, &args.input, &config, &args.rules, as_of, quiet)?;
    if !quiet {
        let count = |s: &str| -> anyhow::Result<usize> {
            Ok(table.column("status")?.str()?.iter().filter(|v| *v == Some(s)).count())
        };
        let w = p.windows;
        eprintln!(
            "Churn as of {as_of}: {} active, {} at risk, {} churned. Period {} to {}, compared with {} to {} and {} to {}.",
            count("active")?,
            count("at_risk")?,
            count("churned")?,
            w.current.0,
            w.current.1,
            w.previous.0,
            w.previous.1,
            w.last_year.0,
            w.last_year.1
        );
        if (as_of + chrono::Duration::days(1)).day() != 1 {
            eprintln!("Note: {as_of} is not a month end, so this period is month to date and so are the periods it is compared with.");
        }
    }
    output::write(&mut table, &args.output)
}
