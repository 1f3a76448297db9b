//! The first step of every statement: the input rows with one typed column per role,
//! named by the role, as kam's own reader would give them; a row kam would refuse
//! stops the statement (see `Dialect::fail`) instead of being counted some other way.

use super::dialect::{quote_text, Dialect, Type};

/// Where the rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A warehouse table (or view) whose columns are already typed.
    Table(String),
    /// A UTF-8 CSV file read by DuckDB as text, each value checked and typed here.
    Csv { path: String, delimiter: u8 },
    /// A Parquet file read by DuckDB: typed like a table.
    Parquet { path: String },
}

/// One role of the rows: the header that carries it (None: the input lacks it and the
/// role is empty on every row), its type, and whether every row needs a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub role: String,
    pub header: Option<String>,
    pub t: Type,
    pub required: bool,
}

impl Column {
    pub fn new(role: &str, header: Option<String>, t: Type, required: bool) -> Column {
        Column { role: role.to_string(), header, t, required }
    }
}

/// The money pattern of kam's fast reader: optional sign, digits, at most `scale`
/// decimals. Thousands separators and currency signs, which kam's thorough reader also
/// takes, stop the statement instead: clean them in the warehouse.
fn money_pattern(scale: usize) -> String {
    if scale == 0 {
        "[+-]?[0-9]+".to_string()
    } else {
        format!("[+-]?[0-9]+(\\.[0-9]{{1,{scale}}})?")
    }
}

/// The typed value of one column.
fn typed(d: Dialect, source: &Source, c: &Column) -> String {
    let Some(header) = &c.header else {
        return d.cast("NULL", c.t);
    };
    let raw = d.ident(header);
    let what = format!("column '{header}' ({})", c.role);
    let missing = |value: &str| {
        if c.required {
            d.fail(&format!("{what} is empty on a row; kam needs it on every row"), value, c.t)
        } else {
            d.cast("NULL", c.t)
        }
    };
    match source {
        // Text as kam reads it: trimmed, empty is missing.
        Source::Csv { .. } => {
            let v = format!("NULLIF(TRIM({raw}), '')");
            let value = match c.t {
                Type::Text => v.clone(),
                Type::Money(scale) => format!(
                    "CASE WHEN regexp_full_match({v}, {}) THEN {} ELSE {} END",
                    quote_text(&money_pattern(scale)),
                    d.cast(&v, c.t),
                    d.fail(&format!("{what} holds a value that is not a plain amount with at most {scale} decimals"), &v, c.t)
                ),
                Type::Date | Type::Double => d.cast(&v, c.t),
            };
            format!("CASE WHEN {v} IS NULL THEN {} ELSE {value} END", missing(&v))
        }
        Source::Table(_) | Source::Parquet { .. } => {
            let value = d.cast(&raw, c.t);
            let value = match c.t {
                // More decimals than the money scale: kam refuses them rather than round.
                // A difference, not `<>`: Spark compares DECIMAL(38, 2) with DECIMAL(18, 3)
                // in a common type of scale 2, where 0.13 equals 0.125.
                Type::Money(scale) => format!(
                    "CASE WHEN {value} - {raw} <> 0 THEN {} ELSE {value} END",
                    d.fail(&format!("{what} has a value with more than {scale} decimals"), &raw, c.t)
                ),
                _ => value,
            };
            format!("CASE WHEN {raw} IS NULL THEN {} ELSE {value} END", missing(&raw))
        }
    }
}

/// What the FROM clause reads.
fn from(d: Dialect, source: &Source) -> String {
    match source {
        Source::Table(name) => d.table(name),
        Source::Csv { path, delimiter } => format!(
            "read_csv({}, header = true, all_varchar = true, delim = {})",
            quote_text(path),
            quote_text(&(*delimiter as char).to_string())
        ),
        Source::Parquet { path } => format!("read_parquet({})", quote_text(path)),
    }
}

/// The body of the `lines` step: `SELECT <typed role columns> FROM <source>`.
pub fn select(d: Dialect, source: &Source, columns: &[Column]) -> String {
    let list: Vec<String> =
        columns.iter().map(|c| format!("    {} AS {}", typed(d, source, c), d.ident(&c.role))).collect();
    format!("  SELECT\n{}\n  FROM {}", list.join(",\n"), from(d, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_values_are_checked_and_typed() {
        let columns = [Column::new("amount", Some("金额".into()), Type::Money(2), true)];
        let sql = select(Dialect::DuckDb, &Source::Csv { path: "/d/o.csv".into(), delimiter: b';' }, &columns);
        assert!(sql.contains("regexp_full_match(NULLIF(TRIM(\"金额\"), ''), '[+-]?[0-9]+(\\.[0-9]{1,2})?')"), "{sql}");
        assert!(sql.contains("error('kam sql: column \""), "{sql}");
        assert!(sql.contains("read_csv('/d/o.csv', header = true, all_varchar = true, delim = ';')"), "{sql}");
    }

    #[test]
    fn a_missing_optional_role_is_typed_null() {
        let columns = [Column::new("cost", None, Type::Money(2), false)];
        let sql = select(Dialect::Spark, &Source::Table("db.orders".into()), &columns);
        assert!(sql.contains("CAST(NULL AS DECIMAL(38, 2)) AS `cost`"), "{sql}");
        assert!(sql.contains("FROM `db`.`orders`"), "{sql}");
    }
}
