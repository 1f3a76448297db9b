//! The documented examples give the same output, byte for byte, as when they were last
//! blessed: tests/golden/examples.txt lists them, tests/golden/<name>.out holds each one's
//! exit code, stdout, stderr and the text files it wrote. A refactor must leave them all
//! unchanged; an intended change is blessed with `KAM_BLESS=1 make test` and shows in the
//! diff of the .out files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::common::{kam_in, tempdir};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// (name, arguments) of each example; `{out}` stands for a fresh directory.
fn examples() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(golden_dir().join("examples.txt")).expect("tests/golden/examples.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace().map(str::to_string);
            let name = words.next().unwrap();
            (name, words.collect())
        })
        .collect()
}

/// Every file under `dir`, sorted, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// What one example printed and wrote, with the temporary directory written `{out}`
/// and the repository's directory `{repo}`.
fn record(args: &[String]) -> String {
    let out = tempdir();
    let out_text = out.path().display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{out}", &out_text)).collect();
    let run = kam_in(Some(Path::new(env!("CARGO_MANIFEST_DIR"))), &args);
    let mut text = format!("exit {}\n--- stdout\n{}--- stderr\n{}", run.code, run.stdout, run.stderr);
    for file in files_under(out.path()) {
        let bytes = std::fs::read(out.path().join(&file)).unwrap();
        // Parquet and XLSX are binary: their content is checked by the report and
        // output tests; here their presence and size say the same file was written.
        match String::from_utf8(bytes.clone()) {
            Ok(content) if !matches!(file.extension().and_then(|e| e.to_str()), Some("parquet" | "xlsx")) => {
                let _ = write!(text, "--- file {}\n{}", file.display(), content);
            }
            _ => {
                let _ = writeln!(text, "--- binary file {}", file.display());
            }
        }
    }
    // `kam sql` writes the input's absolute path into the query: written `{repo}`, so the
    // outputs do not depend on where the repository is checked out.
    without_timings(&text.replace(&out_text, "{out}").replace(env!("CARGO_MANIFEST_DIR"), "{repo}"))
}

/// Durations in the notes ("BG/NBD in 0.12 s") vary from run to run: written `_ s`.
fn without_timings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" s") {
        let (head, tail) = rest.split_at(i);
        let number_start = head.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.').len();
        let number = &head[number_start..];
        let is_duration = number.contains('.') && number.starts_with(|c: char| c.is_ascii_digit())
            && !tail[2..].starts_with(|c: char| c.is_alphanumeric());
        out.push_str(if is_duration { &head[..number_start] } else { head });
        out.push_str(if is_duration { "_ s" } else { " s" });
        rest = &tail[2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn documented_examples_are_unchanged() {
    let bless = std::env::var_os("KAM_BLESS").is_some();
    let mut changed = vec![];
    for (name, args) in examples() {
        let path = golden_dir().join(format!("{name}.out"));
        let now = record(&args);
        if bless {
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let before = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run KAM_BLESS=1 make test", path.display()));
        if before != now {
            let line = before.lines().zip(now.lines()).position(|(a, b)| a != b).unwrap_or(before.lines().count().min(now.lines().count()));
            changed.push(format!(
                "{name} (kam {}): first difference at line {}\n  was: {}\n  now: {}",
                args.join(" "),
                line + 1,
                before.lines().nth(line).unwrap_or("<end>"),
                now.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(changed.is_empty(), "documented examples changed (bless with KAM_BLESS=1 if intended):\n{}", changed.join("\n"));
}
