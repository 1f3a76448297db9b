//! `kam scorecard`: weighted key-account score, tier and false-key-account flags.

use polars::prelude::IntoLazy;

use crate::cli::ScorecardArgs;
use crate::metrics::by_customer::ByCustomer;
use crate::metrics::scorecard as metric;
use crate::output;
use crate::pipelines::names::NameSources;
use crate::pipelines::{aging, clv, orders, scorecard};
use crate::settings::Settings;
use crate::tables::TableKind;

use super::shared::reject_range;

pub fn run(args: ScorecardArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    reject_range(&period, "scorecard")?;
    let thresholds = settings.thresholds(args.thresholds)?;
    let (lines, order_names) = orders::scored_order_days(&settings, &args.input.inputs)?;
    let as_of = orders::as_of(&settings, period.as_of, &lines)?;
    let params = settings.score_params(as_of, args.weights, args.tiers)?;
    let payment = if args.receivables.is_empty() {
        None
    } else {
        let inputs = aging::Aging::standard(&args.receivables, args.customers.as_deref(), as_of, None);
        let (table, _, history) = aging::table_and_payments(&settings, &inputs)?;
        Some(scorecard::payment_frame(&table, history))
    };
    let (by_customer, lines) = ByCustomer::of_orders_and_lines(lines)?;
    let activity = scorecard::activity(&by_customer, &params)?;
    let clv = clv::default_table(&lines, &by_customer, as_of);
    drop(by_customer);
    let (table, notes) = scorecard::scorecard_table(&lines, activity, payment, &clv, &params, &thresholds)?;
    let mut table = NameSources::with_order_names(&settings, args.customers.as_deref(), order_names)?.beside_ids(table)?;
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
