//! The house rules of src/, checked on the source text: no file over 1,000 lines, and
//! no two modules that import each other (a child's `super::` back into its parent
//! counts, as does any `use crate::...`). Test modules (`tests.rs`, and everything after
//! `#[cfg(test)]` in a file) are left out: `use super::*` is what they are for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Pairs of modules that may import each other. Empty since issue #18 took the last
/// ones apart; the test still fails if a listed pair stops being a cycle, so keep it empty.
const KNOWN_CYCLES: &[(&str, &str)] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `input::parse` for src/input/parse.rs, `input` for src/input/mod.rs; None for the
/// crate roots and test modules.
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src_dir()).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop()?.trim_end_matches(".rs").to_string();
    if last == "tests" || (parts.is_empty() && (last == "lib" || last == "main")) {
        return None;
    }
    if last != "mod" {
        parts.push(last);
    }
    Some(parts.join("::"))
}

/// The file's text before its first `#[cfg(test)]`.
fn non_test_text(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.split("#[cfg(test)]").next().unwrap_or("").to_string()
}

/// Module paths a text names: `crate::a::b`, `super::x`, `self::y`, and bare `child::`
/// for the module's own children. Use groups (`use crate::{a, b::c}`) are expanded.
fn named_paths(module: &str, text: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let parent: Vec<String> = module.split("::").map(String::from).collect();
    let mut found = Vec::new();
    // Join each `use` statement onto one line, so groups over several lines are seen whole.
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("").trim();
        if current.is_empty() && !(code.starts_with("use ") || code.contains(" use ")) {
            statements.push(code.to_string());
            continue;
        }
        current.push_str(code);
        current.push(' ');
        if code.ends_with(';') {
            statements.push(std::mem::take(&mut current));
        }
    }
    for statement in statements {
        let tokens: Vec<&str> = statement.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{' || c == '}' || c == ',')).collect();
        for token in tokens {
            if !token.contains("::") {
                continue; // `pub(super)`, a plain name
            }
            let head = token.split('{').next().unwrap_or("");
            let mut group: Vec<String> = vec![head.trim_end_matches("::").to_string()];
            if let Some(inner) = token.split_once('{').map(|(_, r)| r) {
                group = inner
                    .split([',', '}', '{'])
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{}::{}", head.trim_end_matches("::"), s))
                    .collect();
            }
            for path in group {
                let segments: Vec<String> = path.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
                let Some(first) = segments.first() else { continue };
                let absolute: Vec<String> = match first.as_str() {
                    "crate" => segments[1..].to_vec(),
                    "super" => {
                        let ups = segments.iter().take_while(|s| *s == "super").count();
                        let mut base = parent.clone();
                        base.truncate(parent.len().saturating_sub(ups));
                        base.extend(segments[ups..].iter().cloned());
                        base
                    }
                    "self" => parent.iter().chain(&segments[1..]).cloned().collect(),
                    child if children.contains(child) && segments.len() > 1 => {
                        parent.iter().chain(&segments).cloned().collect()
                    }
                    _ => continue,
                };
                found.push(absolute);
            }
        }
    }
    found
}

/// Which modules each module imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let modules: BTreeMap<String, PathBuf> = files.iter().filter_map(|f| Some((module_of(f)?, f.clone()))).collect();
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let prefix = format!("{module}::");
        let children: BTreeSet<String> = modules
            .keys()
            .filter_map(|m| m.strip_prefix(&prefix))
            .filter(|rest| !rest.contains("::"))
            .map(String::from)
            .collect();
        let mut targets = BTreeSet::new();
        for path in named_paths(module, &non_test_text(file), &children) {
            // The longest prefix of the path that is a module file.
            let target = (1..=path.len()).rev().map(|n| path[..n].join("::")).find(|m| modules.contains_key(m));
            if let Some(target) = target.filter(|t| t != module) {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = imports();
    let mut cycles = BTreeSet::new();
    for (a, targets) in &graph {
        for b in targets {
            if a < b && graph.get(b).is_some_and(|t| t.contains(a)) {
                cycles.insert((a.clone(), b.clone()));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_CYCLES.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let new: Vec<_> = cycles.difference(&known).collect();
    assert!(new.is_empty(), "modules that import each other: {new:?}");
    let gone: Vec<_> = known.difference(&cycles).collect();
    assert!(gone.is_empty(), "no longer cycles, remove them from KNOWN_CYCLES: {gone:?}");
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > 1000).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}
