//! `kam churn`: churn status and sales-progress flags per customer as of a date.

use chrono::Datelike;

use crate::cli::ChurnArgs;
use crate::metrics::by_customer::ByCustomer;
use crate::output;
use crate::pipelines::names::NameSources;
use crate::pipelines::{churn, orders, plan};
use crate::settings::Settings;
use crate::tables::TableKind;

use super::shared::reject_range;

pub fn run(args: ChurnArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    reject_range(&period, "churn")?;
    let (lines, names) = orders::churn_order_days(&settings, &args.input.inputs)?;
    let as_of = orders::as_of(&settings, period.as_of, &lines)?;
    let p = churn::rules(&args.rules, &settings, as_of);
    let plan = plan::optional(&settings, args.rules.plan.as_deref())?;
    let by_customer = ByCustomer::of_orders(lines)?;
    let table = churn::table(&by_customer, plan, &p, args.rules.params.as_deref().map(std::path::Path::new))?;
    drop(by_customer);
    let mut table = NameSources::with_order_names(&settings, args.customers.as_deref(), names)?.beside_ids(table)?;
    if !quiet {
        let count = |s: &str| -> anyhow::Result<usize> { Ok(table.column("status")?.str()?.iter().filter(|v| *v == Some(s)).count()) };
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
