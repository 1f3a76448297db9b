//! `kam profile`: one customer's page, as text or a self-contained HTML file.

use std::io::Write;

use crate::cli::{ProfileArgs, ProfileFormat};
use crate::output;
use crate::pipelines::profile::{profile, ProfileInputs};
use crate::report::profile as page;
use crate::settings::Settings;
use crate::tables::TableKind;

/// `--format`, else html for `-o x.html`, else text.
fn format(args: &ProfileArgs) -> ProfileFormat {
    let html_file = args.output.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()).is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        e == "html" || e == "htm"
    });
    args.format.unwrap_or(if html_file { ProfileFormat::Html } else { ProfileFormat::Text })
}

pub fn run(args: ProfileArgs) -> anyhow::Result<()> {
    let settings = Settings::resolve(&args.input.read, TableKind::Orders, args.quiet)?;
    let thresholds = settings.thresholds(None)?;
    let inputs = ProfileInputs {
        customer: args.customer.trim(),
        orders: &args.input.inputs,
        receivables: &args.receivables,
        customers: args.customers.as_deref(),
        as_of: args.as_of.map(|d| d.0),
    };
    let profile = profile(&settings, &inputs, &thresholds)?;
    let text = match format(&args) {
        ProfileFormat::Text => page::text(&profile),
        ProfileFormat::Html => page::html(&profile),
    };
    match &args.output {
        Some(path) => {
            output::write_atomically(path, |w| Ok(w.write_all(text.as_bytes())?))?;
            if !args.quiet {
                eprintln!("Profile of {} written to {}.", profile.customer_id, path.display());
            }
            Ok(())
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}
