//! Stdin as a source: copied once to a temporary file, then read like any file.

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context;

use crate::error::bad_input;

/// Stdin is copied once to a temporary file and then read like any file: streamed in
/// batches instead of held in memory, and as often as a command needs (the report reads
/// its orders three times). `remove_stdin_copy` deletes it when kam ends.
static STDIN_COPY: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Which table stdin is, once a command has taken it for one.
static STDIN_TABLE: Mutex<Option<String>> = Mutex::new(None);

pub(super) fn stdin_copy() -> anyhow::Result<PathBuf> {
    let mut copy = STDIN_COPY.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = copy.as_ref() {
        return Ok(path.clone());
    }
    let dir = std::env::temp_dir();
    let mut file = tempfile::Builder::new()
        .prefix("kam-stdin-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot make a temporary file for stdin in {} (set TMPDIR to a writable directory)", dir.display()))?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file)
        .with_context(|| format!("cannot copy stdin to {} (set TMPDIR to a directory with room for it)", dir.display()))?;
    let path = file.into_temp_path().keep().context("cannot keep the copy of stdin")?;
    *copy = Some(path.clone());
    Ok(path)
}

/// Delete the copy of stdin, if one was made.
pub fn remove_stdin_copy() {
    if let Some(path) = STDIN_COPY.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = std::fs::remove_file(path);
    }
}

/// Stdin can be one table of a run only: a second table named '-' would get the same rows.
pub fn claim_stdin(table: &str) -> anyhow::Result<()> {
    let mut owner = STDIN_TABLE.lock().unwrap_or_else(|e| e.into_inner());
    match owner.as_deref() {
        Some(first) if first != table => Err(bad_input(format!(
            "'-' (stdin) is already the {first} input: give the {table} as a file"
        ))),
        _ => {
            *owner = Some(table.to_string());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_one_table_of_a_run() {
        claim_stdin("orders").unwrap();
        claim_stdin("orders").unwrap();
        let err = claim_stdin("inventory").unwrap_err().to_string();
        assert!(err.contains("already the orders input") && err.contains("give the inventory as a file"), "{err}");
    }
}
