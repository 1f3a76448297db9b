//! Errors that decide the exit code.
//!
//! 0 success, 1 the run failed (I/O, a fit that did not converge),
//! 2 bad usage or bad input, 3 `alerts` found warnings at or above `--fail-on`.

use std::fmt;

/// Bad input: a missing column, an unparseable value, an empty file. Exit code 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Build an input error (exit code 2) from a message.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    InputError(message.into()).into()
}

/// `kam alerts --fail-on`: the report was written and holds warnings at or above
/// the level. Not a failure of the run; exit code 3 so that cron can notice.
#[derive(Debug)]
pub struct WarningsFound(pub String);

impl fmt::Display for WarningsFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WarningsFound {}

pub const EXIT_FAILED: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_WARNINGS: i32 = 3;

/// The exit code for an error: 3 for [`WarningsFound`], 2 when any cause in its chain is an [`InputError`].
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(|e| e.is::<WarningsFound>()) {
        EXIT_WARNINGS
    } else if err.chain().any(|e| e.is::<InputError>()) {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILED
    }
}
