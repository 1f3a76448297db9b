//! `kam alerts`: every early warning in one report; exit code 3 with `--fail-on`.

use crate::cli::{AlertsArgs, FailOn};
use crate::error::WarningsFound;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::alerts as metric;
use crate::output;
use crate::pipelines::names::NameSources;
use crate::pipelines::{aging, alerts, churn, orders, plan};
use crate::settings::Settings;
use crate::tables::TableKind;

use super::shared::{reject_range, require_receivables_for};

pub fn run(args: AlertsArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    reject_range(&period, "alerts")?;
    let total_assets = args.total_assets.map(|a| a.0);
    require_receivables_for(&args.receivables, total_assets)?;
    let (lines, names) = orders::churn_order_days(&settings, &args.input.inputs)?;
    let as_of = orders::as_of(&settings, period.as_of, &lines)?;
    let p = churn::rules(&args.rules, &settings, as_of);
    let plan = plan::optional(&settings, args.rules.plan.as_deref())?;
    let by_customer = ByCustomer::of_orders(lines)?;
    let churn = churn::table(&by_customer, plan, &p, args.rules.params.as_deref().map(std::path::Path::new))?;
    drop(by_customer);
    let aging = if args.receivables.is_empty() {
        None
    } else {
        let inputs = aging::Aging {
            receivables: &args.receivables,
            customers: args.customers.as_deref(),
            orders: &[],
            period,
            as_of,
            buckets: args.buckets.clone(),
            total_assets,
            warning_share: args.warning_line.0,
        };
        Some(aging::table(&settings, &inputs)?.0)
    };
    let expenses = args.expenses.as_deref().map(|file| alerts::expense_alerts(&settings, file, as_of)).transpose()?;
    let table = alerts::table(&churn, &p, aging.as_ref(), &args.buckets, args.warning_line.0, expenses)?;
    let mut table = NameSources::with_order_names(&settings, args.customers.as_deref(), names)?.beside_ids(table)?;
    if !quiet {
        let n = |level: &str| table.column("severity").ok().and_then(|c| c.str().ok().map(|s| s.iter().filter(|v| *v == Some(level)).count())).unwrap_or(0);
        eprintln!(
            "Alerts as of {as_of}: {} critical, {} warning, {} info.{}",
            n("critical"),
            n("warning"),
            n("info"),
            if args.receivables.is_empty() { " No --receivables: credit-limit, aging and assets warnings not checked." } else { "" }
        );
    }
    output::write(&mut table, &args.output)?;
    let level = match args.fail_on {
        FailOn::Never => return Ok(()),
        FailOn::Info => "info",
        FailOn::Warning => "warning",
        FailOn::Critical => "critical",
    };
    let found = metric::at_or_above(&table, level)?;
    if found > 0 {
        return Err(WarningsFound(format!("{found} alert(s) at or above '{level}' (--fail-on {level}); the report was written")).into());
    }
    Ok(())
}
