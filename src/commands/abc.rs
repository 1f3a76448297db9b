//! `kam abc`: Pareto / ABC split of customers, products or any column.

use polars::prelude::*;

use crate::cli::AbcArgs;
use crate::error::bad_input;
use crate::input::{self, roles, Request};
use crate::metrics::abc::{self, Thresholds};
use crate::output;
use crate::period::Period;
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::Key;

pub fn run(args: AbcArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let period = args.period.period()?;
    let thresholds = settings.thresholds(args.thresholds)?;
    let (mut items, mut summary) = tables(&settings, &args.input.inputs, &args.by, &period, &thresholds)?;
    if !quiet {
        print_summary(&summary, &items, args.by.column(), &thresholds)?;
    }
    output::write(if args.summary { &mut summary } else { &mut items }, &args.output)
}

/// The item table and the per-class summary of `kam abc` over `files`.
pub(crate) fn tables(s: &Settings, files: &[String], by: &Key, period: &Period, thresholds: &Thresholds) -> anyhow::Result<(DataFrame, DataFrame)> {
    let opts = s.input(TableKind::Orders, files);
    let key = by.column().to_string();
    let name = by.name_column();
    let key_role = roles::ORDERS.iter().find(|r| r.name == key.as_str()).and_then(|r| r.static_name());
    let mut required = vec!["amount"];
    required.extend(key_role);
    if period.is_bounded() {
        required.push("order_date");
    }
    // The order date is read and checked whenever the file has it (`Request::needs`).
    let extra = if key_role.is_none() { vec![key.clone()] } else { vec![] };
    let request = Request::orders().require(&required).optional(&name.into_iter().collect::<Vec<_>>()).extra(&extra);
    // Every key and first name in the period is a row of the result; lines outside it count for nothing.
    let items = input::query_grouped(&opts, &request, |orders| {
        let name = name.filter(|n| orders.clone().collect_schema().is_ok_and(|s| s.contains(n)));
        let lines = period.filter(orders, "order_date");
        Ok(abc::items(lines, &key, name, thresholds))
    })?;
    if items.height() == 0 {
        return Err(bad_input(format!("no order lines in the period {}", period.describe())));
    }
    let summary = abc::summary(items.clone().lazy()).collect()?;
    Ok((items, summary))
}

fn print_summary(summary: &DataFrame, items: &DataFrame, key: &str, t: &Thresholds) -> anyhow::Result<()> {
    let what = key.trim_end_matches("_id");
    // "customers", "products", "classes", "regions".
    let whats = if what.ends_with('s') { format!("{what}es") } else { format!("{what}s") };
    output::eprint_table(
        &format!("ABC by {what}: A = first {} of cumulative sales, B = next {}, C = the rest", percent(t.a), percent(t.b)),
        summary,
    );
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
