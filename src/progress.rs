//! Progress of long work on stderr: one line per stage, a spinner while it runs and a
//! bar where the work can be counted (files written). Shown only on a terminal and
//! without `-q`, so cron and pipelines see nothing. `KAM_TRACE_STAGES=1` prints each
//! stage's wall time instead (for profiling; also in cron).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

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
        self.bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"));
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
