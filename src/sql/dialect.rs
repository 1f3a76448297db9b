//! What differs between the SQL engines kam renders for: identifier quoting, type
//! names, day differences, string order and how a statement stops on bad data.
//! Everything else kam writes is standard SQL that all four accept.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Postgres,
    Spark,
    Trino,
}

/// The SQL type of a value in the lines kam reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Date,
    /// Exact money with this many decimal places.
    Money(usize),
    Double,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
        }
    }

    /// A quoted identifier: headers may hold spaces, Chinese or upper case (T).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A possibly qualified table name, `db.schema.table`, each part quoted.
    pub fn table(self, name: &str) -> String {
        name.split('.').map(|part| self.ident(part.trim())).collect::<Vec<_>>().join(".")
    }

    pub fn type_name(self, t: Type) -> String {
        match t {
            Type::Text => match self {
                Dialect::Spark => "STRING".into(),
                _ => "VARCHAR".into(),
            },
            Type::Date => "DATE".into(),
            // 38 digits: the widest decimal of DuckDB, Spark and Trino, and what kam uses.
            Type::Money(scale) => format!("DECIMAL(38, {scale})"),
            Type::Double => match self {
                Dialect::Postgres => "DOUBLE PRECISION".into(),
                _ => "DOUBLE".into(),
            },
        }
    }

    pub fn cast(self, expr: &str, t: Type) -> String {
        format!("CAST({expr} AS {})", self.type_name(t))
    }

    /// Whole days from `start` to `end` (both dates), as an integer.
    pub fn days_between(self, start: &str, end: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Trino => format!("date_diff('day', {start}, {end})"),
            Dialect::Spark => format!("datediff({end}, {start})"),
            // date - date is an integer number of days in PostgreSQL.
            Dialect::Postgres => format!("({end} - {start})"),
        }
    }

    pub fn date(self, d: NaiveDate) -> String {
        format!("DATE '{d}'")
    }

    /// ORDER BY text in code-point order, as kam (polars) sorts: PostgreSQL would
    /// otherwise use the database's collation; the others compare bytes already.
    pub fn text_order(self, expr: &str) -> String {
        match self {
            Dialect::Postgres => format!("{expr} COLLATE \"C\""),
            _ => expr.to_string(),
        }
    }

    /// An expression of type `t` that stops the statement with `message`: kam refuses
    /// such a row, so the SQL must not quietly give an answer for it. `context` is a
    /// column of the row, so PostgreSQL cannot fold the failure at planning time.
    pub fn fail(self, message: &str, context: &str, t: Type) -> String {
        // No quote or backslash in the message: Spark SQL escapes those with a backslash
        // (where `''` joins two literals, dropping the quote), the others by doubling.
        let text = quote_text(&format!("kam sql: {}", message.replace('\'', "\"").replace('\\', "/")));
        match self {
            Dialect::DuckDb => self.cast(&format!("error({text})"), t),
            Dialect::Spark => self.cast(&format!("raise_error({text})"), t),
            Dialect::Trino => self.cast(&format!("fail({text})"), t),
            // No error function in plain SQL: a cast of the message itself fails, and
            // the message is what PostgreSQL shows ("invalid input syntax ...").
            Dialect::Postgres => {
                let dynamic = format!("concat({text}, ': ', CAST({context} AS VARCHAR))");
                match t {
                    Type::Text => format!("CAST(CAST({dynamic} AS INTEGER) AS VARCHAR)"),
                    _ => self.cast(&dynamic, t),
                }
            }
        }
    }
}

/// A string literal.
pub fn quote_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_per_dialect() {
        assert_eq!(Dialect::DuckDb.ident("T"), "\"T\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Postgres.ident("单据\"日期"), "\"单据\"\"日期\"");
        assert_eq!(Dialect::Trino.table("hive.sales.orders"), "\"hive\".\"sales\".\"orders\"");
    }

    #[test]
    fn day_differences() {
        assert_eq!(Dialect::Spark.days_between("a", "b"), "datediff(b, a)");
        assert_eq!(Dialect::Postgres.days_between("a", "b"), "(b - a)");
        assert_eq!(Dialect::Trino.days_between("a", "b"), "date_diff('day', a, b)");
    }
}
