//! The thorough load: the whole input read, non-data rows dropped, every value typed,
//! the first problem of each column found and explained, then the checks across files.
//! The way that explains problems, and reads what the streamed scan declines.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::checks::{self, FileRows};
use super::request::{InputOptions, Request};
use super::resolve::{header_of, resolve_columns};
use super::roles::{Kind, Role};
use super::rows;
use super::sources::{self, Location, Source};
use super::values::{self, money, ParseSettings, Problem};
use crate::error::bad_input;
use crate::output::with_thousands;

pub fn load_thoroughly(opts: &InputOptions, req: &Request) -> anyhow::Result<DataFrame> {
    let locations = sources::expand(&opts.inputs)?;
    let wanted = req.wanted_roles();
    let several = locations.len() > 1;
    let mut files = Vec::new();
    for location in &locations {
        files.push(load_one(location, opts, req, several)?);
    }
    if several {
        checks::duplicates(&mut files, opts)?;
    }
    let frame = concat_frames(files.into_iter().map(|f| f.frame).collect(), &wanted, &opts.parse)?;
    checks::currencies(frame, opts)
}

fn load_one(location: &Location, opts: &InputOptions, req: &Request, keyed: bool) -> anyhow::Result<FileRows> {
    let source = Source::open(location, &opts.read)?;
    let found = resolve_columns(&source, opts, req)?;
    let positions: Vec<usize> = found
        .iter()
        .map(|(_, h)| source.headers.iter().position(|x| x == h).expect("resolved header exists"))
        .collect();
    // With several files, every column is read: a row is a copy of another only if all
    // its cells are.
    let all: Vec<usize> = if keyed { (0..source.headers.len()).collect() } else { positions.clone() };
    let read = source.read_columns(&all)?;
    // Readers return projected columns in file order: select them back into role order.
    let mut raw = read.select(found.iter().map(|(_, h)| h.as_str()))?;
    let names: Vec<&str> = found.iter().map(|(r, _)| r.name.as_ref()).collect();
    raw.set_column_names(&names)?;
    if raw.height() == 0 {
        return Err(bad_input(format!("{}: the file has a header but no data rows; nothing to analyse", source.name)));
    }
    let mut settings = ParseSettings { date_format: opts.parse.date_format.clone(), ..opts.parse };
    // A ';' between fields goes with a decimal comma in many European exports: read
    // ',' as the decimal point where the amounts use it, and only it.
    if !opts.decimal_comma && source.csv().is_some_and(|c| c.delimiter == b';') {
        settings.decimal_comma = found.iter().filter(|(r, _)| r.kind == Kind::Money).any(|(r, _)| raw.column(&r.name).ok().and_then(|c| c.str().ok()).is_some_and(money::decimal_comma_in));
    }
    let probes = probes(&source, &found, req);
    let mut checked = raw.clone();
    if !probes.is_empty() {
        let at: Vec<usize> = probes.iter().filter_map(|(_, h)| source.headers.iter().position(|x| x == h)).collect();
        let extra = source.read_columns(&at)?;
        for (role, header) in &probes {
            checked.with_column(extra.column(header)?.clone().with_name(role.name.as_ref().into()))?;
        }
    }
    let checked_roles: Vec<(Role, String)> = found.iter().cloned().chain(probes).collect();
    let dropped = rows::find(&checked, &checked_roles, settings.money_scale, settings.decimal_comma);
    let kept = IdxCa::from_vec("kept".into(), dropped.kept.iter().map(|&i| i as IdxSize).collect());
    let raw_kept = if dropped.rows > 0 { raw.take(&kept)? } else { raw.clone() };
    if raw_kept.height() == 0 {
        return Err(bad_input(format!("{}: the file has no data rows, only totals, headers or footers", source.name)));
    }
    let required: Vec<&str> = found.iter().map(|(r, _)| r.name.as_ref()).filter(|n| req.needs(n)).collect();
    let mapped_roles: Vec<Role> = found.iter().map(|(r, _)| r.clone()).collect();
    let parsed = values::parse(&raw_kept, &mapped_roles, &required, &settings)
        .map_err(|(role, msg)| bad_input(format!("{}: column '{}' ({}) {msg}", source.name, header_of(&found, &role.name), role.name)))?;
    let row_of = |index: usize| dropped.kept.get(index).copied().unwrap_or(index);
    let mut frame = parsed.frame;
    let mut keep_rows = None;
    if let Some(first) = parsed.problems.iter().min_by_key(|p| p.index) {
        let header = header_of(&found, &first.role);
        let at_row = Problem { index: row_of(first.index), ..first.clone() };
        if !opts.skip_bad_rows {
            return Err(bad_input(problem_message(&source, header, &at_row, true)));
        }
        let keep = !&parsed.bad_rows;
        let skipped = parsed.bad_rows.sum().unwrap_or(0);
        if !opts.quiet {
            say_once!(
                "kam: warning: skipped {skipped} of {} rows with unreadable values; the first: {}",
                raw_kept.height(),
                problem_message(&source, header, &at_row, false)
            );
        }
        frame = frame.filter(&keep)?;
        keep_rows = Some(keep);
    }
    if dropped.rows > 0 {
        note_dropped(&source, &dropped, &frame, rows::money_column(&found), opts);
    }
    let keys = if keyed {
        let mut all_kept = read.take(&kept)?;
        if let Some(keep) = &keep_rows {
            all_kept = all_kept.filter(keep)?;
        }
        row_keys(&all_kept)?
    } else {
        vec![]
    };
    Ok(FileRows { name: source.name, frame, keys })
}

/// The key columns of the table the request does not read (order_id for `kam abc`):
/// a totals row is often marked there (Kingdee's 小计 in 单据编号).
fn probes(source: &Source, found: &[(Role, String)], req: &Request) -> Vec<(Role, String)> {
    let keys: Vec<Role> = req.roles.iter().filter(|r| r.kind == Kind::Text && r.name.ends_with("_id")).cloned().collect();
    let (extra, _) = super::resolve::resolve(&keys, &source.headers, &std::collections::HashMap::new(), &[]);
    extra
        .into_iter()
        .filter(|(r, h)| !found.iter().any(|(f, fh)| f.name == r.name || fh == h) && source.headers.iter().filter(|x| *x == h).count() == 1)
        .map(|(r, h)| (Role { name: format!("__probe_{}", r.name).into(), ..r }, h))
        .collect()
}

/// Each row's cells joined as one text: equal keys, equal rows.
fn row_keys(frame: &DataFrame) -> anyhow::Result<Vec<String>> {
    let texts: Vec<Expr> = frame.get_column_names().iter().map(|n| col(n.as_str()).cast(DataType::String).fill_null(lit("\u{0}"))).collect();
    let keyed = frame.clone().lazy().select([concat_str(texts, "\u{1f}", false).alias("key")]).collect()?;
    Ok(keyed.column("key")?.str()?.iter().map(|k| k.unwrap_or_default().to_string()).collect())
}

/// The stderr note on the rows dropped, and the check of a stated grand total.
fn note_dropped(source: &Source, dropped: &rows::Dropped, kept: &DataFrame, money: Option<&str>, opts: &InputOptions) {
    let first = dropped.first.as_ref().map_or(String::new(), |(i, why)| format!("; the first: '{why}' at row {}{}", i + 1, source.place_of_row(i + 1)));
    let kept_sum: Option<Decimal> = money
        .and_then(|name| kept.column(name).ok())
        .and_then(|c| c.as_materialized_series().sum_reduce().ok())
        .and_then(|s| s.value().to_string().parse().ok());
    if let (Some((i, stated)), Some(sum)) = (dropped.grand_total, kept_sum) {
        if stated != sum {
            say_once!(
                "kam: warning: {}: the file states a total of {} (row {}{}) but the rows kept add up to {}: check the export",
                source.name,
                with_thousands(&stated.to_string()),
                i + 1,
                source.place_of_row(i + 1),
                with_thousands(&sum.to_string())
            );
        }
    }
    if !opts.quiet {
        let stated = match (dropped.grand_total, kept_sum) {
            (Some((_, s)), Some(k)) if s == k => " The rows kept add up to the file's stated total.",
            _ => "",
        };
        // "Sum to 0" would read as a checked figure when no dropped row had an amount at all.
        let amounts = match (money, dropped.amounts) {
            (None, _) => String::new(),
            (Some(_), 0) => "; none of them has an amount".to_string(),
            (Some(_), n) if n < dropped.rows => format!("; the {n} with an amount sum to {}", with_thousands(&dropped.sum.to_string())),
            (Some(_), _) => format!("; their amounts sum to {}", with_thousands(&dropped.sum.to_string())),
        };
        say_once!(
            "kam: note: {}: dropped {} row(s) that are not data (totals, subtotals, repeated headers, footers){first}{amounts}.{stated}",
            source.name,
            dropped.rows
        );
    }
}

/// "FILE: row R (line L), column 'H': reason" — rows are 1-based data rows.
fn problem_message(source: &Source, header: &str, p: &Problem, with_count: bool) -> String {
    let row = p.index + 1;
    let line = source.place_of_row(row);
    let count = if with_count && p.count > 1 {
        format!(" [{} rows in this column have problems; --skip-bad-rows skips bad rows and counts them]", p.count)
    } else {
        String::new()
    };
    format!("{}: row {row}{line}, column '{header}' ({}): {}{count}", source.name, p.role, p.reason)
}

/// Stack frames from several files; a role missing from some files becomes null there.
fn concat_frames(frames: Vec<DataFrame>, wanted: &[Role], settings: &ParseSettings) -> anyhow::Result<DataFrame> {
    let present: Vec<&Role> = wanted.iter().filter(|r| frames.iter().any(|f| f.get_column_index(&r.name).is_some())).collect();
    let mut out: Option<DataFrame> = None;
    for frame in frames {
        let height = frame.height();
        let columns: Vec<Column> = present
            .iter()
            .map(|r| match frame.column(&r.name) {
                Ok(c) => c.clone(),
                Err(_) => Column::full_null(r.name.as_ref().into(), height, &values::role_type(r.kind, settings)),
            })
            .collect();
        let frame = DataFrame::new(height, columns)?;
        match &mut out {
            None => out = Some(frame),
            Some(acc) => {
                acc.vstack_mut(&frame)?;
            }
        }
    }
    let mut out = out.ok_or_else(|| bad_input("no input files"))?;
    out.rechunk_mut();
    Ok(out)
}
