//! `kam cohorts`: customers by the month of their first order, and how many of each
//! cohort ordered in each month after it (or the cohort's sales, with --value sales).

use crate::cli::{CohortValueArg, CohortsArgs};
use crate::error::bad_input;
use crate::metrics::cohorts::CohortValue;
use crate::output;
use crate::pipelines::{cohorts, orders};
use crate::settings::Settings;
use crate::tables::TableKind;

pub fn run(args: CohortsArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let as_of = args.as_of.map(|d| d.0);
    let lines = orders::lines(&settings, &args.input.inputs, &[])?;
    let as_of = orders::as_of(&settings, as_of, &lines)?;
    let value = match args.value {
        CohortValueArg::Customers => CohortValue::Customers,
        CohortValueArg::Sales => CohortValue::Sales,
    };
    let mut table = cohorts::matrix(&lines, as_of, value)?;
    if table.height() == 0 {
        return Err(bad_input(format!("no order lines on or before {as_of}")));
    }
    if !quiet {
        let what = match value {
            CohortValue::Customers => "share of the cohort's customers who ordered",
            CohortValue::Sales => "the cohort's sales against its first month's",
        };
        eprintln!("Cohorts as of {as_of}: {} first-order months; m0, m1, … = {what} in the cohort's month 0, 1, …", table.height());
    }
    output::write(&mut table, &args.output)
}
