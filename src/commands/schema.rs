//! `kam schema`: show how kam reads a file — format, encoding, delimiter,
//! columns with their roles and detected types, and the first problems.

use polars::prelude::*;

use crate::cli::SchemaArgs;
use crate::config::Config;
use crate::settings::Settings;
use crate::tables::{InputFormat, TableKind};
use crate::input::parse::{self, date_from_text, trimmed};
use crate::input::resolve;
use crate::input::roles::{self, Role};
use crate::input::source::{self, Source};
use crate::input::{InputOptions, Request};
use crate::output;

fn table_roles(kind: TableKind) -> (&'static str, &'static [Role]) {
    (kind.name(), roles::of_table(kind.name()))
}

/// The table whose required roles the headers cover best (then most roles found).
fn guess_table(headers: &[String], config: &Config) -> TableKind {
    *TableKind::ALL
        .iter()
        .max_by_key(|&&kind| {
            let (name, table) = table_roles(kind);
            let request = Request::complete(name);
            let (found, missing) = resolve::resolve(table, headers, &config.columns_for(name), &request.must_have());
            let required = request.must_have().len();
            // Share of required roles found, in per mille, then the number of roles found.
            ((required - missing.len()) * 1000 / required.max(1), found.len())
        })
        .expect("tables")
}

pub fn run(args: SchemaArgs) -> anyhow::Result<()> {
    let first = Settings::resolve(&args.input.read, args.table.unwrap_or(TableKind::Orders), true)?;
    for location in source::expand(&args.input.inputs)? {
        let source = Source::open(&location, &first.table(first.main).read)?;
        let kind = args.table.unwrap_or_else(|| guess_table(&source.headers, &first.config));
        let (table_name, table) = table_roles(kind);
        // The file is the table it looks like: its options are that table's.
        let opts = Settings::resolve(&args.input.read, kind, true)?.input(kind, &args.input.inputs);
        let (found, missing) = resolve::resolve(table, &source.headers, &opts.columns, &Request::complete(table_name).must_have());
        let raw = source.read_columns(&(0..source.headers.len()).collect::<Vec<_>>())?;
        describe_source(&source, table_name, raw.height(), &missing);
        let mut columns = describe_columns(&source, &raw, &found, table_name, &opts)?;
        output::write(&mut columns, &args.output)?;
    }
    Ok(())
}

fn describe_source(source: &Source, table: &str, rows: usize, missing: &[Role]) {
    eprintln!("file:      {}", source.name);
    let format = match source.format {
        InputFormat::Csv | InputFormat::Tsv => "csv",
        InputFormat::Parquet => "parquet",
        InputFormat::Ndjson => "ndjson",
        InputFormat::Excel => "excel",
    };
    eprintln!("format:    {format}");
    if let Some((sheet, sheets)) = &source.sheet {
        eprintln!("sheet:     {sheet} (sheets: {})", sheets.join(", "));
    }
    if let Some(header) = source.header.as_ref().filter(|h| !h.is_first_row() || source.sheet.is_some()) {
        eprintln!("header:    {}", header.why);
    }
    if let Some(c) = source.csv() {
        let delimiter = if c.delimiter == b'\t' { "tab".to_string() } else { (c.delimiter as char).to_string() };
        let how = if c.delimiter_detected { "detected" } else { "given" };
        eprintln!("encoding:  {}", c.encoding);
        eprintln!("delimiter: '{delimiter}' ({how})");
    }
    eprintln!("rows:      {rows}");
    eprintln!("table:     {table}");
    for role in missing {
        eprintln!(
            "missing:   {} (required; map it with --col {}=HEADER)",
            role.name, role.name
        );
    }
}

/// One row per column: header, role, detected type, filled values, an example, the first problem.
fn describe_columns(
    source: &Source,
    raw: &DataFrame,
    found: &[(Role, String)],
    table: &'static str,
    opts: &InputOptions,
) -> anyhow::Result<DataFrame> {
    let mut headers = Vec::new();
    let mut role_names = Vec::new();
    let mut types = Vec::new();
    let mut filled = Vec::new();
    let mut examples = Vec::new();
    let mut problems = Vec::new();
    for (i, header) in source.headers.iter().enumerate() {
        let column = raw.columns()[i].clone();
        let mapped = found.iter().find(|(_, h)| h == header).map(|(r, _)| r.clone());
        let stats = column_stats(&column)?;
        headers.push(header.clone());
        role_names.push(mapped.as_ref().map_or(String::new(), |r| r.name.to_string()));
        types.push(stats.0);
        filled.push(stats.1);
        examples.push(stats.2);
        problems.push(match mapped {
            Some(role) => first_problem(&column, role, table, opts)?,
            None => String::new(),
        });
    }
    Ok(df!(
        "column" => headers,
        "role" => role_names,
        "type" => types,
        "filled" => filled,
        "example" => examples,
        "first_problem" => problems,
    )?)
}

/// (detected type, number of non-empty values, first non-empty value)
fn column_stats(column: &Column) -> anyhow::Result<(String, u32, String)> {
    if column.dtype() != &DataType::String {
        let filled = (column.len() - column.null_count()) as u32;
        let example = column.drop_nulls().get(0).map(|v| output::cell_text(&v, 4)).unwrap_or_default();
        return Ok((column.dtype().to_string(), filled, example));
    }
    let text = trimmed(col("v"));
    let frame = DataFrame::new(column.len(), vec![column.clone().with_name("v".into())])?;
    let stats = frame
        .lazy()
        .select([
            text.clone().is_not_null().sum().cast(DataType::UInt32).alias("filled"),
            date_from_text(text.clone(), None).is_not_null().sum().cast(DataType::UInt32).alias("dates"),
            text.clone()
                .str()
                .replace_all(lit(","), lit(""), true)
                .cast(DataType::Float64)
                .is_not_null()
                .sum()
                .cast(DataType::UInt32)
                .alias("numbers"),
            text.drop_nulls().first().alias("example"),
        ])
        .collect()?;
    let get = |c: &str| stats.column(c).ok().and_then(|c| c.u32().ok()?.get(0)).unwrap_or(0);
    let (filled, dates, numbers) = (get("filled"), get("dates"), get("numbers"));
    let kind = match filled {
        0 => "empty",
        n if dates == n => "date",
        n if numbers == n => "number",
        _ => "text",
    };
    let example = stats.column("example")?.str()?.get(0).unwrap_or("").to_string();
    Ok((kind.to_string(), filled, example))
}

fn first_problem(column: &Column, role: Role, table: &'static str, opts: &InputOptions) -> anyhow::Result<String> {
    let frame = DataFrame::new(column.len(), vec![column.clone().with_name(role.name.as_ref().into())])?;
    let request = Request::complete(table);
    let required = request.must_have();
    Ok(match parse::parse(&frame, &[role], &required, &opts.parse) {
        Ok(p) => p
            .problems
            .first()
            .map(|p| format!("row {}: {} ({} rows)", p.index + 1, p.reason, p.count))
            .unwrap_or_default(),
        Err((_, message)) => message,
    })
}
