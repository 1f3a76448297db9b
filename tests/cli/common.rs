//! Helpers for tests that run the built `kam` binary.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

pub fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name).display().to_string()
}

pub fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data").join(name).display().to_string()
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    }
}

/// Run kam with arguments, no stdin, in `dir` (or the crate root).
pub fn kam_in(dir: Option<&Path>, args: &[impl AsRef<OsStr>]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kam"));
    cmd.args(args).stdin(Stdio::null());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    finish(cmd.output().expect("run kam"))
}

pub fn kam(args: &[impl AsRef<OsStr>]) -> Run {
    kam_in(None, args)
}

/// Run kam with arguments and extra environment variables.
pub fn kam_env(args: &[impl AsRef<OsStr>], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kam"));
    cmd.args(args).stdin(Stdio::null()).envs(env.iter().copied());
    finish(cmd.output().expect("run kam"))
}

/// Run kam with bytes on stdin.
pub fn kam_stdin(args: &[impl AsRef<OsStr>], input: &[u8]) -> Run {
    kam_stdin_env(args, input, &[])
}

/// Run kam with bytes on stdin and extra environment variables.
pub fn kam_stdin_env(args: &[impl AsRef<OsStr>], input: &[u8], env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kam");
    child.stdin.take().unwrap().write_all(input).unwrap();
    finish(child.wait_with_output().unwrap())
}

/// A fresh temporary directory for one test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Parse CSV output into rows of fields (header included).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The values of one named column of CSV output.
pub fn column(text: &str, name: &str) -> Vec<String> {
    let rows = csv_rows(text);
    let i = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

pub fn assert_bad_input(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "expected exit 2, got {}; stderr: {}", run.code, run.stderr);
    for n in needles {
        assert!(run.stderr.contains(n), "stderr lacks {n:?}: {}", run.stderr);
    }
}

/// What kam prints on a pseudo-terminal `width` columns wide and 30 lines high (util-linux
/// script): stdout, and stderr too when `with_stderr`. None without `script`.
pub fn on_terminal(width: usize, args: &[&str], with_stderr: bool) -> Option<String> {
    let kam = env!("CARGO_BIN_EXE_kam");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let stderr = if with_stderr { "" } else { " 2>/dev/null" };
    let inner = format!("stty cols {width} rows 30; '{kam}' {}{stderr}", quoted.join(" "));
    let out = std::process::Command::new("script").args(["-qec", &inner, "/dev/null"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).replace('\r', ""))
}
