//! `kam receivables`: aging buckets, credit limits, DSO and the company warning line.

use crate::cli::ReceivablesArgs;
use crate::output;
use crate::pipelines::names::NameSources;
use crate::pipelines::{aging, last_date};
use crate::settings::{self, Settings};
use crate::tables::TableKind;

pub fn run(args: ReceivablesArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Receivables, quiet)?;
    let period = args.period.period()?;
    let receivables = aging::receivables(&settings, &args.input.inputs)?;
    let last_invoice = || last_date(receivables.clone(), "invoice_date", "receivables");
    let as_of = settings::as_of_or_last(period.as_of, last_invoice, "invoice date", quiet)?;
    let inputs = aging::Aging {
        receivables: &args.input.inputs,
        customers: args.customers.as_deref(),
        orders: &args.orders,
        period,
        as_of,
        buckets: args.buckets.clone(),
        total_assets: args.total_assets.map(|a| a.0),
        warning_share: args.warning_line.0,
    };
    let (table, note) = aging::table_of(&settings, &inputs, receivables)?;
    let mut table = NameSources::customers(&settings, args.customers.as_deref(), None)?.beside_ids(table)?;
    if !quiet {
        eprintln!("Receivables as of {as_of}: {note}.");
        let over = table.column("over_limit")?.bool()?.sum().unwrap_or(0);
        if over > 0 {
            eprintln!("kam: warning: {over} customer(s) over their credit limit (over_limit = true).");
        }
    }
    if let Some(line) = aging::warning_line_note(&table, &inputs)? {
        eprintln!("{line}");
    }
    output::write(&mut table, &args.output)
}
