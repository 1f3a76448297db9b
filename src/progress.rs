//! Progress of long work on stderr: one line per stage, a spinner while it runs and a
//! bar where the work can be counted (files written). Shown only on a terminal and
//! without `-q`, so cron and pipelines see nothing. `KAM_TRACE_STAGES=1` prints each
//! stage's wall time instead (for profiling; also in cron).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// The bar of the reading stage on screen, which the streamed reads move
/// ([`rows_read`], called from input::scan as batches go past).
static READING: Mutex<Option<ProgressBar>> = Mutex::new(None);

fn reading_bar() -> std::sync::MutexGuard<'static, Option<ProgressBar>> {
    READING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `rows` more rows read by a streamed scan. The count is of an estimate (see
/// `input::scan::estimated_rows`), so the bar stops at 99% until its stage ends.
pub fn rows_read(rows: u64) {
    if let Some(bar) = reading_bar().as_ref() {
        let most = bar.length().unwrap_or(0) * 99 / 100;
        bar.set_position((bar.position() + rows).min(most));
    }
}

/// The read is not streamed after all (the table is loaded whole): a spinner, not a
/// bar that would stand still.
pub fn reading_unmeasured() {
    if let Some(bar) = reading_bar().take() {
        bar.set_style(ProgressStyle::with_template(SPINNER).expect("a valid template"));
    }
}

const SPINNER: &str = "{spinner} {msg} ({elapsed})";

pub struct Progress {
    bar: ProgressBar,
    trace: bool,
    stage: Option<(String, Instant)>,
}

impl Progress {
    /// Visible when stderr is a terminal and not `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
        Progress { bar, trace: std::env::var_os("KAM_TRACE_STAGES").is_some(), stage: None }
    }

    fn end_stage(&mut self) {
        reading_bar().take();
        if let Some((what, started)) = self.stage.take() {
            if self.trace {
                eprintln!("kam: trace: stage {what} ({:.3} s)", started.elapsed().as_secs_f64());
            }
        }
    }

    /// Start the stage `what` (ending the previous one), with a spinner.
    pub fn stage(&mut self, what: &str) {
        self.end_stage();
        self.stage = Some((what.to_string(), Instant::now()));
        self.bar.set_style(ProgressStyle::with_template(SPINNER).expect("a valid template"));
        self.bar.set_message(what.to_string());
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    /// Start the stage `what` of `total` counted steps, with a bar.
    pub fn counted(&mut self, what: &str, total: u64) {
        self.stage(what);
        self.bar.set_style(ProgressStyle::with_template("{spinner} {msg} {bar:30} {percent:>3}% ({elapsed})").expect("a valid template"));
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    /// Start the stage `what` that reads a table of about `rows` rows (None: not known),
    /// with a bar the streamed read moves.
    pub fn reading(&mut self, what: &str, rows: Option<u64>) {
        match rows.filter(|n| *n > 0 && !self.bar.is_hidden()) {
            Some(n) => {
                self.counted(what, n);
                *reading_bar() = Some(self.bar.clone());
            }
            None => self.stage(what),
        }
    }

    /// One step of a counted stage done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Clear the line: what follows on stderr is the command's summary.
    pub fn finish(&mut self) {
        self.end_stage();
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // An error on the way out: the message must not be drawn over by a spinner.
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reading_bar_stops_short_of_done_until_its_stage_ends() {
        let bar = ProgressBar::hidden();
        bar.set_length(1_000);
        *reading_bar() = Some(bar.clone());
        rows_read(400);
        assert_eq!(bar.position(), 400);
        // More rows than the estimate: 99%, not past the end.
        rows_read(900);
        assert_eq!(bar.position(), 990);
        reading_unmeasured();
        assert!(reading_bar().is_none());
        rows_read(5);
        assert_eq!(bar.position(), 990);
    }
}
