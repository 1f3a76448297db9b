//! The reliability corpus: every case of tests/corpus/manifest.toml through the built binary.
//! Files too big or too binary to commit (10 MB lines, Parquet) are written at test time.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use polars::prelude::*;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize, Debug)]
struct Case {
    file: String,
    #[serde(default)]
    generated: bool,
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
    total: Option<String>,
    items: Option<usize>,
    why: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.toml")).expect("read manifest.toml");
    toml::from_str(&text).expect("parse manifest.toml")
}

fn write_parquet(path: &Path, mut frame: DataFrame) {
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

/// Write the files marked `generated` in the manifest.
fn generate(dir: &Path, name: &str) {
    let path = dir.join(name);
    match name {
        "ten_mb_single_line.csv" => {
            let mut line = b"customer_id,amount,".to_vec();
            line.resize(10 * 1024 * 1024, b'x');
            std::fs::write(path, line).unwrap();
        }
        "ten_mb_field.csv" => {
            let mut text = b"order_date,customer_id,customer_name,amount\n2024-01-02,C1,\"".to_vec();
            text.resize(text.len() + 10 * 1024 * 1024, b'x');
            text.extend_from_slice(b"\",1.00\n2024-01-03,C2,Beta,2.00\n");
            std::fs::write(path, text).unwrap();
        }
        // Float money follows the CSV rule (#16): 1234.565 and 2.675 have 3 decimals, more
        // than the money scale 2, so the file is refused at row 3, not rounded.
        "float_amounts.parquet" => write_parquet(
            &path,
            df!(
                "customer_id" => ["C1", "C1", "C2", "C3", "C3"],
                "amount" => [0.1f64, 0.2, 1234.565, 7.0, 2.675],
            )
            .unwrap(),
        ),
        "nan_amount.parquet" => write_parquet(
            &path,
            df!("customer_id" => ["C1", "C2"], "amount" => [1.0f64, f64::NAN]).unwrap(),
        ),
        "decimal_places.parquet" => write_parquet(
            &path,
            df!("customer_id" => ["C1", "C2", "C2"], "amount" => ["10.5000", "1.2345", "2.0050"])
                .unwrap()
                .lazy()
                .with_column(col("amount").cast(DataType::Decimal(38, 4)))
                .collect()
                .unwrap(),
        ),
        "not_parquet.parquet" => std::fs::write(path, b"customer_id,amount\nC1,1.00\n").unwrap(),
        other => panic!("manifest.toml: no generator for {other}"),
    }
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, case: &Case) -> Outcome {
    let args: Vec<&str> = case.args.iter().map(|a| if a == "FILE" { case.file.as_str() } else { a.as_str() }).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run kam");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every way the outcome differs from the case; empty when it matches.
fn check(case: &Case, o: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    if o.code != case.exit {
        bad.push(format!("exit {} (expected {})", o.code, case.exit));
    }
    if o.stderr.contains("panicked") {
        bad.push("panicked".to_string());
    }
    for s in &case.stderr {
        if !o.stderr.contains(s.as_str()) {
            bad.push(format!("stderr lacks {s:?}"));
        }
    }
    for s in &case.stdout {
        if !o.stdout.contains(s.as_str()) {
            bad.push(format!("stdout lacks {s:?}"));
        }
    }
    if case.total.is_some() || case.items.is_some() {
        let rows = common::csv_rows(&o.stdout);
        if rows.is_empty() {
            bad.push("no CSV on stdout".to_string());
            return bad;
        }
        if let Some(items) = case.items {
            if rows.len() - 1 != items {
                bad.push(format!("{} items (expected {items})", rows.len() - 1));
            }
        }
        if let Some(total) = &case.total {
            let sales = common::column(&o.stdout, "sales");
            let sum: Decimal = sales.iter().map(|s| s.parse::<Decimal>().expect("sales is a decimal")).sum();
            if sum != total.parse::<Decimal>().unwrap() {
                bad.push(format!("total {sum} (expected {total})"));
            }
        }
    }
    bad
}

#[test]
fn every_corpus_case_behaves_as_documented() {
    let manifest = manifest();
    assert!(manifest.case.len() >= 30);
    let generated_dir = common::tempdir();
    let generated: BTreeSet<&str> = manifest.case.iter().filter(|c| c.generated).map(|c| c.file.as_str()).collect();
    for name in &generated {
        generate(generated_dir.path(), name);
    }
    // Two workers: the cases are independent processes.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|worker| {
                let cases = &manifest.case;
                let generated_dir = generated_dir.path();
                s.spawn(move || {
                    let mut failures = Vec::new();
                    for case in cases.iter().skip(worker).step_by(2) {
                        let dir = if case.generated { generated_dir.to_path_buf() } else { corpus_dir() };
                        let outcome = run(&dir, case);
                        let bad = check(case, &outcome);
                        if !bad.is_empty() {
                            failures.push(format!(
                                "kam {} ({}): {}\n  stderr: {}",
                                case.args.join(" ").replace("FILE", &case.file),
                                case.why,
                                bad.join("; "),
                                outcome.stderr.chars().take(600).collect::<String>()
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{} corpus case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_corpus_file_is_in_the_manifest() {
    let listed: BTreeSet<String> = manifest().case.into_iter().filter(|c| !c.generated).map(|c| c.file).collect();
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "manifest.toml" {
            files.insert(name);
        }
    }
    let unlisted: Vec<_> = files.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&files).collect();
    assert!(unlisted.is_empty() && missing.is_empty(), "not in the manifest: {unlisted:?}; missing files: {missing:?}");
    assert!(files.len() >= 30, "{} files", files.len());
}
