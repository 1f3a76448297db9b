//! `kam rfm`: recency, frequency and monetary scores and segments per customer.

use polars::prelude::IntoLazy;

use crate::cli::RfmArgs;
use crate::metrics::rfm::{self as metric, RfmParams};
use crate::output;
use crate::pipelines::{orders, rfm};
use crate::settings::Settings;
use crate::tables::TableKind;

pub fn run(args: RfmArgs) -> anyhow::Result<()> {
    let quiet = args.output.quiet;
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, quiet)?;
    let lines = rfm::lines(&settings, &args.input.inputs)?;
    let as_of = orders::as_of(&settings, args.as_of.map(|d| d.0), &lines)?;
    let p = RfmParams { as_of, window_days: args.window, bins: args.bins, lang: args.lang.lang() };
    let mut table = rfm::table(&lines, &p)?;
    if !quiet {
        let window = match p.window_start() {
            Some(start) => format!("{start} to {as_of}"),
            None => format!("all orders up to {as_of}"),
        };
        let counts = metric::segment_counts(table.clone().lazy(), p.lang).collect()?;
        output::eprint_table(
            &format!("RFM as of {as_of}: {} customers; frequency and monetary over {window}; scores 1 to {}.", table.height(), p.bins),
            &counts,
        );
    }
    output::write(&mut table, &args.output)
}
