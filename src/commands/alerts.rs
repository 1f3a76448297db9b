//! `kam alerts`: every early warning in one report; exit code 3 with `--fail-on`.

use chrono::{Datelike, NaiveDate};
use polars::prelude::{DataFrame, IntoLazy, LazyFrame};
use rust_decimal::Decimal;

use crate::cli::{AlertsArgs, FailOn, InputArgs};
use crate::config::Config;
use crate::error::WarningsFound;
use crate::input::Request;
use crate::metrics::alerts::{self as metric, AlertParams};
use crate::metrics::churn::ChurnParams;
use crate::metrics::receivables::Buckets;
use crate::output;
use crate::period::Period;

use super::churn::{churn_lines, churn_table};
use super::receivables::{aging_table, AgingInputs};
use super::shared::{load_table, parse_share, parse_total_assets, reject_range, require_as_of, require_receivables_for};

pub fn run(args: AlertsArgs) -> anyhow::Result<()> {
    let config = Config::load(args.input.config.as_deref())?;
    let quiet = args.output.quiet;
    let period = Period::from_args(&args.period)?;
    let as_of = require_as_of(&period, "alerts")?;
    reject_range(&period, "alerts")?;
    let buckets = Buckets::parse(&args.buckets)?;
    let total_assets = parse_total_assets(args.total_assets.as_deref())?;
    require_receivables_for(&args.receivables, total_assets, args.customers.is_some())?;
    let warning_share = parse_share("--warning-line", &args.warning_line)?;
    let lines = churn_lines(&args.input, &config, &args.input.inputs, quiet)?;
    let (churn, rules) = churn_table(lines, &args.input, &config, &args.rules, as_of, quiet)?;
    let aging = if args.receivables.is_empty() {
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
            buckets: buckets.clone(),
            total_assets,
            warning_share,
            quiet,
        };
        Some(aging_table(&inputs)?.0)
    };
    let expenses = match &args.expenses {
        Some(file) => Some(expense_alerts(&args.input, &config, file, as_of, quiet)?),
        None => None,
    };
    let mut alerts = alerts_table(&churn, &rules, aging.as_ref(), &buckets, warning_share, expenses)?;
    if !quiet {
        let n = |level: &str| alerts.column("severity").ok().and_then(|c| c.str().ok().map(|s| s.iter().filter(|v| *v == Some(level)).count())).unwrap_or(0);
        eprintln!(
            "Alerts as of {as_of}: {} critical, {} warning, {} info.{}",
            n("critical"),
            n("warning"),
            n("info"),
            if args.receivables.is_empty() { " No --receivables: credit-limit, aging and assets warnings not checked." } else { "" }
        );
    }
    output::write(&mut alerts, &args.output)?;
    let level = match args.fail_on {
        FailOn::Never => return Ok(()),
        FailOn::Info => "info",
        FailOn::Warning => "warning",
        FailOn::Critical => "critical",
    };
    let found = metric::at_or_above(&alerts, level)?;
    if found > 0 {
        return Err(WarningsFound(format!(
            "{found} alert(s) at or above '{level}' (--fail-on {level}); the report was written"
        ))
        .into());
    }
    Ok(())
}

/// The alerts table from the churn table and, when receivables were given, the aging table.
pub(crate) fn alerts_table(
    churn: &DataFrame,
    rules: &ChurnParams,
    aging: Option<&DataFrame>,
    buckets: &Buckets,
    warning_share: Decimal,
    expenses: Option<LazyFrame>,
) -> anyhow::Result<DataFrame> {
    let params = AlertParams {
        k: rules.k,
        churn_days: rules.churn_days,
        drop: rules.drop,
        oldest_bucket: buckets.oldest(),
        oldest_days: *buckets.edges.last().expect("at least one edge"),
        warning_share,
        min_p_alive: rules.min_p_alive,
    };
    let mut parts = metric::from_churn(churn.clone().lazy(), &params);
    if let Some(aging) = aging {
        parts.extend(metric::from_aging(aging.clone().lazy(), &params));
    }
    parts.extend(expenses);
    Ok(metric::combine(parts)?.collect()?)
}

/// The sales_expense alerts of the month of `as_of` from an expenses file (`--expenses`).
fn expense_alerts(input: &InputArgs, config: &Config, file: &str, as_of: NaiveDate, quiet: bool) -> anyhow::Result<LazyFrame> {
    let keys = ["customer_id", "salesperson", "region"];
    let request = Request::expenses().require(&["period", "amount", "budget"]).optional(&keys);
    let table = load_table(input, config, std::slice::from_ref(&file.to_string()), &request, quiet)?;
    let present: Vec<&str> = keys.iter().copied().filter(|k| table.get_column_index(k).is_some()).collect();
    let month = format!("{:04}{:02}", as_of.year(), as_of.month());
    metric::from_expenses(table.lazy(), &month, &present)
}
