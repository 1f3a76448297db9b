//! Reading input tables: find the files, map columns to roles, parse values
//! exactly, and stop with a precise message (file, row, column, value, fix)
//! at the first value that cannot be read.

mod fast;
pub mod parse;
pub mod roles;
pub mod scan;
pub mod source;

use std::collections::HashMap;

use polars::prelude::*;

use crate::cli::{Encoding, InputArgs};
use crate::config::Config;
use crate::error::bad_input;
use parse::{ParseSettings, Problem};
use roles::{Kind, Role};
use source::{Location, ReadSettings, Source};

/// Everything that decides how input is read, from options and kam.toml.
pub struct InputOptions {
    pub inputs: Vec<String>,
    pub read: ReadSettings,
    pub parse: ParseSettings,
    /// role name -> header, from --col and kam.toml
    pub columns: HashMap<String, String>,
    pub skip_bad_rows: bool,
    pub quiet: bool,
}

impl InputOptions {
    /// Combine command-line options with kam.toml; the command line wins.
    pub fn new(args: &InputArgs, config: &Config, table: &str, quiet: bool) -> anyhow::Result<InputOptions> {
        let mut columns = config.columns_for(table);
        for mapping in &args.columns {
            let (role, header) = mapping
                .split_once('=')
                .ok_or_else(|| bad_input(format!("--col takes ROLE=HEADER (e.g. amount=金额), not '{mapping}'")))?;
            columns.insert(role.trim().to_string(), header.trim().to_string());
        }
        let delimiter = match args.delimiter.as_deref().or(config.input.delimiter.as_deref()) {
            Some(d) => Some(source::parse_delimiter(d)?),
            None => None,
        };
        let encoding = match (args.encoding, config.input.encoding.as_deref()) {
            (Some(e), _) => e,
            (None, Some(e)) if e.eq_ignore_ascii_case("gbk") || e.eq_ignore_ascii_case("gb18030") => Encoding::Gbk,
            (None, Some(e)) if e.to_ascii_lowercase().replace('-', "") == "utf8" => Encoding::Utf8,
            (None, Some(e)) => return Err(bad_input(format!("kam.toml: unknown encoding '{e}' (utf8 or gbk)"))),
            (None, None) => Encoding::Utf8,
        };
        let money_scale = args.money_scale.or(config.input.money_scale).unwrap_or(2);
        if money_scale > 12 {
            return Err(bad_input("--money-scale must be between 0 and 12"));
        }
        Ok(InputOptions {
            inputs: args.inputs.clone(),
            read: ReadSettings { format: args.input_format, delimiter, encoding },
            parse: ParseSettings {
                money_scale,
                date_format: args.date_format.clone().or(config.input.date_format.clone()),
            },
            columns,
            skip_bad_rows: args.skip_bad_rows,
            quiet,
        })
    }
}

/// What a command needs from one table.
pub struct Request {
    /// The table's name in messages and kam.toml: "orders", "inventory", ...
    pub table: &'static str,
    pub roles: &'static [Role],
    /// Roles that must be present and filled on every row.
    pub required: Vec<&'static str>,
    /// Roles used when the file has them.
    pub optional: Vec<&'static str>,
    /// Other columns kept as text under their own header (e.g. `abc --by region2`).
    pub extra: Vec<String>,
}

impl Request {
    /// The plan table (SPEC §1): customer_id, period (YYYY-MM), planned_amount.
    pub fn plan() -> Request {
        Request {
            table: "plan",
            roles: roles::PLAN,
            required: vec!["customer_id", "period", "planned_amount"],
            optional: vec![],
            extra: vec![],
        }
    }

    /// The names of `roles` that must be filled on every row.
    fn required_of(&self, roles: &[Role]) -> Vec<&'static str> {
        roles
            .iter()
            .map(|r| r.name)
            .filter(|n| self.required.contains(n) || self.extra.iter().any(|e| e == n))
            .collect()
    }

    fn wanted_roles(&self) -> Vec<Role> {
        let mut wanted: Vec<Role> = self
            .roles
            .iter()
            .filter(|r| self.required.contains(&r.name) || self.optional.contains(&r.name))
            .copied()
            .collect();
        for header in &self.extra {
            // Extra columns are plain text roles named by their header. The name must
            // outlive the run's frames, and there are only a few: leaking is simplest.
            let name: &'static str = Box::leak(header.clone().into_boxed_str());
            wanted.push(Role { name, kind: Kind::Text, required: true, non_negative: false, aliases: &[] });
        }
        wanted
    }
}

/// Compute `query` over the request's table. Files the streamed scan can read are
/// streamed from disk, with every row checked in the same pass: first with the fast
/// parse, then, if a value needs it, with the thorough one. If the scan declines, or
/// a value is bad, the table is loaded thoroughly and the query runs on it: that is
/// the way that explains problems. The result is the same every way.
pub fn query(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<LazyFrame>) -> anyhow::Result<DataFrame> {
    query_checking(opts, req, parse::TextCheck::PerRow, query)
}

/// `query` for a grouping query whose result shows each group's key and first name:
/// the fast pass then checks text for surrounding space on those values instead of on
/// every row (see `parse::TextCheck::InResult`). 10 M lines of Parquet, `kam abc`: the
/// check was 6% of CPU time.
pub fn query_grouped(opts: &InputOptions, req: &Request, query: impl Fn(LazyFrame) -> anyhow::Result<LazyFrame>) -> anyhow::Result<DataFrame> {
    query_checking(opts, req, parse::TextCheck::InResult, query)
}

fn query_checking(
    opts: &InputOptions,
    req: &Request,
    text_check: parse::TextCheck,
    query: impl Fn(LazyFrame) -> anyhow::Result<LazyFrame>,
) -> anyhow::Result<DataFrame> {
    if opts.inputs.iter().any(|i| i == "-") {
        source::claim_stdin(req.table)?;
    }
    let started = std::time::Instant::now();
    let trace = |how: &str| {
        if std::env::var_os("KAM_TRACE_READ").is_some() {
            eprintln!("kam: trace: {} {how} ({:.3} s)", req.table, started.elapsed().as_secs_f64());
        }
    };
    for pass in [parse::Pass::Fast, parse::Pass::Thorough] {
        let Some(scanned) = scan::scan(opts, req, pass, text_check) else {
            trace("loaded: the scan declined");
            break;
        };
        match scan::collect_checked(query(scanned.frame)?, &scanned.check, text_check) {
            Ok(frame) => {
                trace(&format!("streamed, {pass:?} pass"));
                return Ok(frame);
            }
            Err(why) => trace(&format!("not streamed, {pass:?} pass: {why}")),
        }
    }
    trace("loaded");
    Ok(query(load_thoroughly(opts, req)?.lazy())?.collect()?)
}

/// Read every input of a request into one typed frame with columns named by role
/// (streamed where possible, see `query`).
pub fn load(opts: &InputOptions, req: &Request) -> anyhow::Result<DataFrame> {
    query(opts, req, Ok)
}

/// `load` the thorough way: the whole input read, every value typed, and the first
/// problem of each column found and explained.
fn load_thoroughly(opts: &InputOptions, req: &Request) -> anyhow::Result<DataFrame> {
    let locations = source::expand(&opts.inputs)?;
    let wanted = req.wanted_roles();
    let mut frames = Vec::new();
    for location in &locations {
        frames.push(load_one(location, opts, req, &wanted)?);
    }
    let frame = concat_frames(frames, &wanted, &opts.parse)?;
    Ok(frame)
}

fn load_one(location: &Location, opts: &InputOptions, req: &Request, wanted: &[Role]) -> anyhow::Result<DataFrame> {
    let source = Source::open(location, &opts.read)?;
    let found = resolve_columns(&source, opts, req, wanted)?;
    let positions: Vec<usize> = found
        .iter()
        .map(|(_, h)| source.headers.iter().position(|x| x == h).expect("resolved header exists"))
        .collect();
    // Readers return projected columns in file order: select them back into role order.
    let read = source.read_columns(&positions)?;
    let mut raw = read.select(found.iter().map(|(_, h)| h.as_str()))?;
    let names: Vec<&str> = found.iter().map(|(r, _)| r.name).collect();
    raw.set_column_names(&names)?;
    if raw.height() == 0 {
        return Err(bad_input(format!(
            "{}: the file has a header but no data rows; nothing to analyse",
            source.name
        )));
    }
    let mapped_roles: Vec<Role> = found.iter().map(|(r, _)| *r).collect();
    let required = req.required_of(&mapped_roles);
    let parsed = parse::parse(&raw, &mapped_roles, &required, &opts.parse)
        .map_err(|(role, msg)| bad_input(format!("{}: column '{}' ({}) {msg}", source.name, header_of(&found, role.name), role.name)))?;
    if parsed.problems.is_empty() {
        return Ok(parsed.frame);
    }
    let first = parsed.problems.iter().min_by_key(|p| p.index).expect("non-empty");
    let header = header_of(&found, first.role);
    if !opts.skip_bad_rows {
        return Err(bad_input(problem_message(&source, header, first, true)));
    }
    let keep = !&parsed.bad_rows;
    let skipped = parsed.bad_rows.sum().unwrap_or(0);
    if !opts.quiet {
        eprintln!(
            "kam: warning: skipped {skipped} of {} rows with unreadable values; the first: {}",
            raw.height(),
            problem_message(&source, header, first, false)
        );
    }
    Ok(parsed.frame.filter(&keep)?)
}

/// Which header holds each wanted role of this source; a clear error when a role the
/// request needs has no column, or its header is not unique.
fn resolve_columns(source: &Source, opts: &InputOptions, req: &Request, wanted: &[Role]) -> anyhow::Result<Vec<(Role, String)>> {
    let mut explicit = opts.columns.clone();
    for header in &req.extra {
        explicit.insert(header.clone(), header.clone());
    }
    explicit.retain(|role, _| wanted.iter().any(|r| r.name == role));
    let (found, missing) = roles::resolve(wanted, &source.headers, &explicit);
    let must_have: Vec<&Role> = missing
        .iter()
        .filter(|r| req.required.contains(&r.name) || req.extra.iter().any(|e| e == r.name) || explicit.contains_key(r.name))
        .collect();
    if let Some(role) = must_have.first() {
        return Err(bad_input(missing_column_message(source, req.table, role, explicit.get(role.name))));
    }
    check_duplicate_headers(source, &found)?;
    Ok(found)
}

fn header_of<'a>(found: &'a [(Role, String)], role: &'a str) -> &'a str {
    found.iter().find(|(r, _)| r.name == role).map_or(role, |(_, h)| h.as_str())
}

/// "FILE: row R (line L), column 'H': reason" — rows are 1-based data rows.
fn problem_message(source: &Source, header: &str, p: &Problem, with_count: bool) -> String {
    let row = p.index + 1;
    let line = source
        .csv()
        .and_then(|c| source::line_of_row(c, row))
        .map_or(String::new(), |l| format!(" (line {l})"));
    let count = if with_count && p.count > 1 {
        format!(" [{} rows in this column have problems; --skip-bad-rows skips bad rows and counts them]", p.count)
    } else {
        String::new()
    };
    format!("{}: row {row}{line}, column '{header}' ({}): {}{count}", source.name, p.role, p.reason)
}

fn missing_column_message(source: &Source, table: &str, role: &Role, explicit: Option<&String>) -> String {
    let columns = source.headers.join(", ");
    let mut msg = match explicit {
        Some(h) => format!(
            "{}: column '{h}' (mapped to {} by --col or kam.toml) is not in the file. Columns in the file: {columns}",
            source.name, role.name
        ),
        None => {
            let tried: Vec<&str> = std::iter::once(role.name).chain(role.aliases.iter().copied()).take(8).collect();
            format!(
                "{}: the {table} file has no column for {} (looked for: {}). Columns in the file: {columns}. \
                 Map one with --col {}=HEADER or in kam.toml under [columns]",
                source.name,
                role.name,
                tried.join(", "),
                role.name
            )
        }
    };
    if let (Some(c), [only]) = (source.csv(), source.headers.as_slice()) {
        let other = [b';', b'\t', b'|', b','].into_iter().find(|&d| d != c.delimiter && only.contains(d as char));
        if let Some(d) = other {
            let shown = if d == b'\t' { "tab".to_string() } else { (d as char).to_string() };
            msg.push_str(&format!(
                ". The header was read as one column using the delimiter '{}': the file seems to use '{shown}': pass --delimiter '{shown}'",
                c.delimiter as char
            ));
        }
    }
    msg
}

fn check_duplicate_headers(source: &Source, found: &[(Role, String)]) -> anyhow::Result<()> {
    for (role, header) in found {
        let count = source.headers.iter().filter(|h| *h == header).count();
        if count > 1 {
            return Err(bad_input(format!(
                "{}: the header '{header}' appears {count} times, so kam cannot tell which one is {}; \
                 rename the columns in the export",
                source.name, role.name
            )));
        }
    }
    Ok(())
}

/// Stack frames from several files; a role missing from some files becomes null there.
fn concat_frames(frames: Vec<DataFrame>, wanted: &[Role], settings: &ParseSettings) -> anyhow::Result<DataFrame> {
    let present: Vec<&Role> = wanted
        .iter()
        .filter(|r| frames.iter().any(|f| f.get_column_index(r.name).is_some()))
        .collect();
    let mut out: Option<DataFrame> = None;
    for frame in frames {
        let height = frame.height();
        let columns: Vec<Column> = present
            .iter()
            .map(|r| match frame.column(r.name) {
                Ok(c) => c.clone(),
                Err(_) => Column::full_null(r.name.into(), height, &parse::role_type(r.kind, settings)),
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
