//! `kam sql`: print one SQL statement that computes a kam metric in a warehouse
//! (src/sql renders it). This module settles the options and the columns: the
//! FILE's header resolved to roles by kam's own role resolution, or `--col`
//! mappings (and role names) when only `--table` is given. Options the SQL cannot
//! honour are refused (exit 2), never ignored.

use std::collections::HashMap;
use std::io::Write;

use crate::cli::{SqlArgs, SqlDialect, SqlMetric};
use crate::settings::Settings;
use crate::tables::{Encoding, InputFormat, TableKind};
use crate::values::Key;
use crate::error::bad_input;
use crate::input::resolve;
use crate::input::roles::{self, Role};
use crate::input::source::{self, Location, Source};
use crate::input::InputOptions;
use crate::metrics::abc::{key_column_name, Thresholds};
use crate::sql::lines::{self, Column};
use crate::sql::{abc, clv_summary, products, receivables, Dialect, Need};

use crate::pipelines::aging::dso_period;

pub fn run(args: SqlArgs) -> anyhow::Result<()> {
    let statement = statement(&args)?;
    let mut out = std::io::stdout().lock();
    out.write_all(statement.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn dialect(d: SqlDialect) -> Dialect {
    match d {
        SqlDialect::Duckdb => Dialect::DuckDb,
        SqlDialect::Postgres => Dialect::Postgres,
        SqlDialect::Spark => Dialect::Spark,
        SqlDialect::Trino => Dialect::Trino,
    }
}

/// What an option is called and which metrics take it, for the refusals.
fn refuse_unless(given: bool, option: &str, metric: &str, takes: &[SqlMetric], args: &SqlArgs) -> anyhow::Result<()> {
    if given && !takes.contains(&args.metric) {
        return Err(bad_input(format!("kam sql {metric}: {option} does not apply to this metric")));
    }
    Ok(())
}

/// The statement for these arguments.
pub(crate) fn statement(args: &SqlArgs) -> anyhow::Result<String> {
    let d = dialect(args.dialect);
    let metric = args.metric.name();
    use SqlMetric::*;
    refuse_unless(args.by.is_some(), "--by", metric, &[Abc, Products], args)?;
    refuse_unless(args.thresholds.is_some(), "--thresholds", metric, &[Abc, Products], args)?;
    refuse_unless(args.buckets.is_some(), "--buckets", metric, &[Receivables], args)?;
    let from_or_to = args.period.from.is_some() || args.period.to.is_some();
    if from_or_to && args.metric == ClvSummary {
        return Err(bad_input(
            "kam sql clv-summary: --from and --to do not apply: the summary reads the whole history up to --as-of, as kam clv does",
        ));
    }
    let (opts, thresholds) = settings(args)?;
    let scale = opts.parse.money_scale;
    let period = args.period.period()?;
    let input = Input::settle(args, &opts, d)?;
    let sql = match args.metric {
        Abc => {
            let key = args.by.clone().unwrap_or(Key::Customer).column().to_string();
            let spec = abc::Spec {
                key_out: key_column_name(&key),
                key,
                thresholds,
                from: period.from,
                to: period.to,
                money_scale: scale,
            };
            abc::render(d, input.lines(roles::ORDERS, &abc::needs(&spec), &opts)?, &spec)
        }
        Products => {
            if let Some(by) = args.by.as_ref().filter(|b| **b != Key::Product) {
                return Err(bad_input(format!(
                    "kam sql products: only --by product is rendered (not '{}'); run kam products --by customer,product on a file",
                    by.column()
                )));
            }
            let spec = products::Spec { thresholds, from: period.from, to: period.to, money_scale: scale };
            products::render(d, input.lines(roles::ORDERS, &products::needs(&spec), &opts)?, &spec)
        }
        ClvSummary => {
            let spec = clv_summary::Spec { as_of: period.as_of, money_scale: scale };
            clv_summary::render(d, input.lines(roles::ORDERS, &clv_summary::needs(&spec), &opts)?, &spec)
        }
        Receivables => {
            let as_of = period.as_of.ok_or_else(|| {
                bad_input("kam sql receivables needs --as-of DATE (e.g. --as-of 2024-06-30): the day the aging is for")
            })?;
            let (dso_from, dso_to, dso_days) = dso_period(&period, as_of)?;
            let buckets = args.buckets.clone().unwrap_or_default();
            let spec = receivables::Spec { as_of, buckets, dso_from, dso_to, dso_days, money_scale: scale };
            receivables::render(d, input.lines(roles::RECEIVABLES, &receivables::needs(&spec), &opts)?, &spec)
        }
    };
    Ok(sql)
}

/// The input options kam's readers would use for FILE (--col, --delimiter, --encoding,
/// --money-scale and kam.toml, resolved by crate::settings) and the thresholds.
fn settings(args: &SqlArgs) -> anyhow::Result<(InputOptions, Thresholds)> {
    let table = if args.metric == SqlMetric::Receivables { TableKind::Receivables } else { TableKind::Orders };
    let settings = Settings::resolve(&args.read_args(), table, true)?;
    let opts = settings.input(table, &args.file.iter().cloned().collect::<Vec<_>>());
    if opts.parse.date_format.is_some() {
        return Err(bad_input(
            "kam sql: a forced date format (date_format in kam.toml) cannot be honoured: the SQL reads dates as the engine's DATE type",
        ));
    }
    Ok((opts, settings.thresholds(args.thresholds)?))
}

/// Where the rows are and which headers the input has.
struct Input {
    source: lines::Source,
    /// The FILE's headers; None when only --table names the input.
    headers: Option<Vec<String>>,
    file_name: String,
    dialect: Dialect,
}

impl Input {
    fn settle(args: &SqlArgs, opts: &InputOptions, d: Dialect) -> anyhow::Result<Input> {
        let Some(file) = &args.file else {
            let Some(table) = &args.table else {
                return Err(bad_input("kam sql needs FILE (its header names the columns) or --table NAME (with --col ROLE=HEADER where the names differ from kam's roles)"));
            };
            return Ok(Input { source: lines::Source::Table(table.clone()), headers: None, file_name: table.clone(), dialect: d });
        };
        if file == "-" {
            return Err(bad_input("kam sql: FILE cannot be stdin: the statement names the file (or --table) it reads"));
        }
        let locations = source::expand(std::slice::from_ref(file))?;
        let [location] = locations.as_slice() else {
            return Err(bad_input(format!(
                "kam sql: '{file}' names {} files; give one file whose header names the columns",
                locations.len()
            )));
        };
        let (src, path) = open(location, opts)?;
        let source = match (&args.table, d) {
            (Some(table), _) => lines::Source::Table(table.clone()),
            (None, Dialect::DuckDb) => file_source(&src, &path, opts)?,
            (None, _) => {
                return Err(bad_input(format!(
                    "kam sql --dialect {}: give --table NAME, the table the statement reads (FILE only names the columns; \
                     only --dialect duckdb reads FILE itself)",
                    d.name()
                )))
            }
        };
        Ok(Input { source, headers: Some(src.headers.clone()), file_name: src.name.clone(), dialect: d })
    }

    /// The `lines` step for `needs`: each role's header from kam's role resolution.
    fn lines(&self, table_roles: &'static [Role], needs: &[Need], opts: &InputOptions) -> anyhow::Result<String> {
        let columns = self.columns(table_roles, needs, &opts.columns)?;
        Ok(lines::select(self.dialect, &self.source, &columns))
    }

    fn columns(&self, table_roles: &'static [Role], needs: &[Need], explicit: &HashMap<String, String>) -> anyhow::Result<Vec<Column>> {
        // A need that is not one of the table's roles is a column named by its header (abc --by region2).
        let wanted: Vec<Role> = needs
            .iter()
            .map(|n| {
                table_roles.iter().find(|r| r.name == n.role.as_str()).cloned().unwrap_or_else(|| Role::extra(&n.role))
            })
            .collect();
        let mut explicit = explicit.clone();
        for n in needs.iter().filter(|n| !table_roles.iter().any(|r| r.name == n.role)) {
            explicit.entry(n.role.clone()).or_insert_with(|| n.role.clone());
        }
        explicit.retain(|role, _| needs.iter().any(|n| n.role == *role));
        let found: HashMap<String, String> = match &self.headers {
            Some(headers) => {
                let must: Vec<&str> = needs.iter().filter(|n| n.required).map(|n| n.role.as_str()).collect();
                let (found, missing) = resolve::resolve(&wanted, headers, &explicit, &must);
                if let Some(role) = missing.iter().find(|r| needs.iter().any(|n| n.role == r.name && (n.required || explicit.contains_key(r.name.as_ref())))) {
                    return Err(bad_input(format!(
                        "{}: no column for {} (columns: {}); map one with --col {}=HEADER",
                        self.file_name,
                        role.name,
                        headers.join(", "),
                        role.name
                    )));
                }
                for (role, header) in &found {
                    if headers.iter().filter(|h| *h == header).count() > 1 {
                        return Err(bad_input(format!(
                            "{}: the header '{header}' appears more than once, so it cannot name {}",
                            self.file_name, role.name
                        )));
                    }
                }
                found.into_iter().map(|(r, h)| (r.name.to_string(), h)).collect()
            }
            // Only a table: the mapped header, else the role's own name; optional roles
            // are read only when mapped, since the table may not have them.
            None => wanted
                .iter()
                .zip(needs)
                .filter_map(|(r, n)| match explicit.get(r.name.as_ref()) {
                    Some(h) => Some((r.name.to_string(), h.clone())),
                    None if n.required => Some((r.name.to_string(), r.name.to_string())),
                    None => None,
                })
                .collect(),
        };
        Ok(needs.iter().map(|n| Column::new(&n.role, found.get(n.role.as_str()).cloned(), n.t, n.required)).collect())
    }
}

/// Open FILE far enough to know its headers (and a CSV's delimiter).
fn open(location: &Location, opts: &InputOptions) -> anyhow::Result<(Source, std::path::PathBuf)> {
    if let Some(head) = Source::open_head(location, &opts.read) {
        return Ok(head);
    }
    let path = location.path()?;
    Ok((Source::open(location, &opts.read)?, path))
}

/// FILE as DuckDB reads it: a UTF-8 CSV (values checked and typed by the statement)
/// or a Parquet file; GBK text and NDJSON are refused.
fn file_source(src: &Source, path: &std::path::Path, opts: &InputOptions) -> anyhow::Result<lines::Source> {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string();
    match src.format {
        InputFormat::Parquet => Ok(lines::Source::Parquet { path: absolute }),
        InputFormat::Ndjson | InputFormat::Excel => Err(bad_input(format!(
            "{}: NDJSON and workbooks are not rendered for DuckDB; convert it to CSV or Parquet, or load it into a table and pass --table",
            src.name
        ))),
        InputFormat::Csv | InputFormat::Tsv => {
            if opts.read.encoding != Encoding::Utf8 {
                return Err(bad_input(format!(
                    "{}: DuckDB reads UTF-8 text only; convert the file (e.g. iconv -f GBK -t UTF-8) or load it into a table and pass --table",
                    src.name
                )));
            }
            let delimiter = src.csv().map_or(b',', |c| c.delimiter);
            Ok(lines::Source::Csv { path: absolute, delimiter })
        }
    }
}
