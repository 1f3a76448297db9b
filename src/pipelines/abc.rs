//! The ABC table of `kam abc` and the report: the items of a key, ranked by sales in
//! the period, with their classes, and the per-class summary.

use polars::prelude::*;

use crate::error::bad_input;
use crate::input::{self, roles, Request};
use crate::metrics::abc::{self, Thresholds};
use crate::metrics::migration;
use crate::period::Period;
use crate::settings::Settings;
use crate::tables::TableKind;
use crate::values::Key;

/// The item table and the per-class summary of `kam abc` over `files`.
pub fn tables(s: &Settings, files: &[String], by: &Key, period: &Period, thresholds: &Thresholds) -> anyhow::Result<(DataFrame, DataFrame)> {
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
    with_summary(items, period)
}

/// [`tables`] of customers from order rows already read (the report's order days):
/// the same sums, keys and order, without another pass over the files (issue 20). No
/// name column: the report puts the best name beside every id afterwards.
pub fn customer_tables(lines: &DataFrame, period: &Period, thresholds: &Thresholds) -> anyhow::Result<(DataFrame, DataFrame)> {
    let items = abc::items(period.filter(lines.clone().lazy(), "order_date"), "customer_id", None, thresholds).collect()?;
    with_summary(items, period)
}

fn with_summary(items: DataFrame, period: &Period) -> anyhow::Result<(DataFrame, DataFrame)> {
    if items.height() == 0 {
        return Err(bad_input(format!("no order lines in the period {}", period.describe())));
    }
    let summary = abc::summary(items.clone().lazy()).collect()?;
    Ok((items, summary))
}

/// The current period's `items` beside the ABC of the `compare` period over the same
/// files (metrics::migration).
pub fn migration(s: &Settings, files: &[String], by: &Key, items: &DataFrame, compare: &Period, thresholds: &Thresholds) -> anyhow::Result<DataFrame> {
    let previous = compared(tables(s, files, by, compare, thresholds))?;
    let key = abc::key_column_name(by.column());
    let name = by.name_column().filter(|n| items.get_column_index(n).is_some() && previous.get_column_index(n).is_some());
    Ok(migration::migration(items.clone().lazy(), previous.lazy(), &key, name).collect()?)
}

/// [`migration`] of customers from order rows already read ([`customer_tables`]).
pub fn customer_migration(lines: &DataFrame, items: &DataFrame, compare: &Period, thresholds: &Thresholds) -> anyhow::Result<DataFrame> {
    let previous = compared(customer_tables(lines, compare, thresholds))?;
    Ok(migration::migration(items.clone().lazy(), previous.lazy(), "customer_id", None).collect()?)
}

/// The compared period's item table, its error said as the compared period's.
fn compared(tables: anyhow::Result<(DataFrame, DataFrame)>) -> anyhow::Result<DataFrame> {
    tables.map(|(items, _)| items).map_err(|e| bad_input(format!("the compared period: {e:#}")))
}
