//! Checks of option combinations that several commands share.

use rust_decimal::Decimal;

use crate::error::bad_input;
use crate::period::Period;

/// --total-assets only means something next to receivables (--customers also gives names).
pub(crate) fn require_receivables_for(receivables: &[String], total_assets: Option<Decimal>) -> anyhow::Result<()> {
    if receivables.is_empty() && total_assets.is_some() {
        return Err(bad_input("--total-assets needs --receivables FILE (open amounts come from receivables)"));
    }
    Ok(())
}

/// Refuse --from/--to for commands whose periods are fixed by --as-of.
pub(crate) fn reject_range(period: &Period, command: &str) -> anyhow::Result<()> {
    if period.from.is_some() || period.to != period.as_of {
        return Err(bad_input(format!(
            "{command} does not use --from/--to: its periods are calendar months ending with the month of --as-of \
             (see --period-months)"
        )));
    }
    Ok(())
}
