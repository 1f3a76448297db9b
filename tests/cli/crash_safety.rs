//! Crash safety: a run killed with SIGKILL in the middle of writing leaves no partial
//! target file and every earlier output intact. What may be left behind is the
//! temporary file itself (`.kam-*.part`), which is harmless: no command reads it, and
//! the next run writes a new one.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PREVIOUS: &[u8] = b"previous output: must survive a killed run\n";

fn start(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kam")
}

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).map_or(vec![], |d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
}

fn is_temporary(name: &str) -> bool {
    (name.starts_with(".kam-") && name.ends_with(".part")) || (name.starts_with('.') && name.ends_with(".tmp"))
}

/// Poll `dir` until a temporary file matching `wanted` appears (then SIGKILL the child and
/// return true), or the child exits by itself (false).
fn kill_when_writing(child: &mut Child, dir: &Path, wanted: impl Fn(&Path, &str) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if names(dir).iter().any(|n| wanted(dir, n)) {
            child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
            let status = child.wait().unwrap();
            // The child may have finished between our look and the kill: then it was not killed.
            return status.code().is_none();
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(Instant::now() < deadline, "kam neither wrote nor finished in 120 s");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn readable_parquet(path: &PathBuf) -> bool {
    use polars::prelude::*;
    std::fs::File::open(path).ok().is_some_and(|f| ParquetReader::new(f).finish().is_ok())
}

const TABLES: [&str; 5] = ["orders", "inventory", "receivables", "customers", "plan"];

/// `kam generate --format parquet` writes each Parquet file with the shared atomic writer
/// (`.kam-*.part`, renamed at the end). Killed while the first one is being written, every
/// target is either the previous file, byte for byte, or a complete new file.
#[test]
fn sigkill_while_writing_parquet_keeps_previous_outputs() {
    let mut killed = false;
    for orders in ["100000", "300000", "1000000"] {
        let dir = common::tempdir();
        for t in TABLES {
            std::fs::write(dir.path().join(format!("{t}.parquet")), PREVIOUS).unwrap();
        }
        let out = dir.path().to_str().unwrap();
        let mut child = start(&["generate", "--orders", orders, "--format", "parquet", "--out", out, "-q"]);
        killed = kill_when_writing(&mut child, dir.path(), |_, n| n.starts_with(".kam-") && n.ends_with(".part"));
        for t in TABLES {
            let target = dir.path().join(format!("{t}.parquet"));
            let bytes = std::fs::read(&target).unwrap_or_else(|e| panic!("{t}.parquet is gone: {e}"));
            assert!(bytes == PREVIOUS || readable_parquet(&target), "{t}.parquet is partial after SIGKILL");
        }
        if killed {
            // The first file in the making was orders.parquet: it must be the old one.
            assert_eq!(std::fs::read(dir.path().join("orders.parquet")).unwrap(), PREVIOUS);
        }
        for name in names(dir.path()) {
            let expected = TABLES.iter().any(|t| name == format!("{t}.parquet")) || name == ".kam-generate-csv";
            assert!(expected || is_temporary(&name), "unexpected file after SIGKILL: {name}");
        }
        if killed {
            break;
        }
        // It finished before the kill: the outputs are complete (checked above). Try a larger run.
    }
    assert!(killed, "kam always finished before it could be killed; the writes were checked complete");
}

/// `kam generate` (CSV) writes each table under a temporary name and renames them all at the end.
#[test]
fn sigkill_while_generating_csv_keeps_previous_outputs() {
    let mut killed = false;
    for orders in ["300000", "1000000"] {
        let dir = common::tempdir();
        for t in TABLES {
            std::fs::write(dir.path().join(format!("{t}.csv")), PREVIOUS).unwrap();
        }
        let out = dir.path().to_str().unwrap();
        let mut child = start(&["generate", "--orders", orders, "--out", out, "-q"]);
        // Kill once the orders file in the making holds some data.
        killed = kill_when_writing(&mut child, dir.path(), |d, n| {
            is_temporary(n) && std::fs::metadata(d.join(n)).is_ok_and(|m| m.len() > 1 << 20)
        });
        if killed {
            for t in TABLES {
                assert_eq!(std::fs::read(dir.path().join(format!("{t}.csv"))).unwrap(), PREVIOUS, "{t}.csv changed");
            }
            for name in names(dir.path()) {
                let expected = TABLES.iter().any(|t| name == format!("{t}.csv"));
                assert!(expected || is_temporary(&name), "unexpected file after SIGKILL: {name}");
            }
            break;
        }
        // Finished before the kill: all five files are complete and new.
        for t in TABLES {
            assert_ne!(std::fs::read(dir.path().join(format!("{t}.csv"))).unwrap(), PREVIOUS);
        }
    }
    assert!(killed, "kam generate always finished before it could be killed");
}
