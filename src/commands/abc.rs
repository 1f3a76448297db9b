//! `kam abc`: Pareto / ABC split of customers, products or any column.

use polars::prelude::*;

use chrono::NaiveDate;

use crate::cli::AbcArgs;
use crate::error::bad_input;
use crate::metrics::abc::{self, Thresholds};
use crate::metrics::migration;
use crate::output;
use crate::period::Period;
use crate::pipelines::{self, abc::tables};
use crate::settings::Settings;
use crate::tables::TableKind;

pub fn run(args: AbcArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    let thresholds = settings.thresholds(args.thresholds)?;
    if let Some(range) = args.compare {
        // Checked before anything is read: one period cannot be compared with itself.
        let compare = Period { from: Some(range.from), to: Some(range.to), as_of: None };
        let (from, to) = (period.from.unwrap_or(NaiveDate::MIN), period.to.unwrap_or(NaiveDate::MAX));
        if from <= range.to && range.from <= to {
            return Err(bad_input(format!(
                "--compare {}..{} overlaps the period {}: give --from and --to for the current period",
                range.from,
                range.to,
                period.describe()
            )));
        }
        let (items, _) = tables(&settings, &args.input.inputs, &args.by, &period, &thresholds)?;
        let mut moved = pipelines::abc::migration(&settings, &args.input.inputs, &args.by, &items, &compare, &thresholds)?;
        let mut matrix = migration::transitions(moved.clone().lazy()).collect()?;
        // With --summary the matrix is the output: not printed twice on a terminal.
        if !quiet && !args.summary {
            output::eprint_table(&format!("Class transitions, {} against {}..{}:", period.describe(), range.from, range.to), &matrix);
        }
        return output::write(if args.summary { &mut matrix } else { &mut moved }, &args.output);
    }
    let (mut items, mut summary) = tables(&settings, &args.input.inputs, &args.by, &period, &thresholds)?;
    if !quiet {
        print_summary(&summary, &items, args.by.column(), &thresholds, !args.summary)?;
    }
    output::write(if args.summary { &mut summary } else { &mut items }, &args.output)
}

/// The class rule, the class table (unless it is the output itself) and the Pareto check.
fn print_summary(summary: &DataFrame, items: &DataFrame, key: &str, t: &Thresholds, with_table: bool) -> anyhow::Result<()> {
    let what = key.trim_end_matches("_id");
    // "customers", "products", "classes", "regions".
    let whats = if what.ends_with('s') { format!("{what}es") } else { format!("{what}s") };
    let rule = format!("ABC by {what}: A = first {} of cumulative sales, B = next {}, C = the rest", percent(t.a), percent(t.b));
    if with_table {
        output::eprint_table(&rule, summary);
    } else {
        eprintln!("{rule}");
    }
    match abc::pareto_check(items)? {
        Some(p) => eprintln!(
            "Pareto check: the top 20% of {whats} ({} of {}) hold {:.1}% of sales; 80% of sales is held by {} {whats} ({:.1}%).",
            p.top_items,
            p.items,
            p.top_share * 100.0,
            p.items_for_80,
            p.items_for_80 as f64 * 100.0 / p.items as f64
        ),
        None => eprintln!("Pareto check: total sales are not positive, so shares are undefined."),
    }
    Ok(())
}

fn percent(d: rust_decimal::Decimal) -> String {
    format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).normalize())
}
