//! Plain Rust functions over a text column's values as polars expressions: the way
//! the fast readers of values/ (money, dates, text) run, one pass per column. Each
//! replaces a check and a polars cast that went over the column twice.

use polars::prelude::arity::{unary_elementwise, unary_elementwise_values};
use polars::prelude::*;
use polars_plan::prelude::FunctionOptions;

/// `function` applied to the column `input`, batch by batch, as `Expr::map` does, but
/// declared to never run a polars query itself. polars' streaming engine runs a
/// function that might (as `Expr::map` declares every function) on a separate thread
/// pool, one hand-over per batch and expression: 26,000 context switches in a 2 s
/// `kam products` on 10 M lines of CSV, against 1,000 for the same query in polars'
/// Python package.
pub(super) fn map_column(
    input: Expr,
    function: impl Fn(Column) -> PolarsResult<Column> + Send + Sync + 'static,
    output: impl Fn(&Field) -> Field + Send + Sync + 'static,
) -> Expr {
    let udf = BaseColumnUdf::new(
        move |c: &mut [Column]| function(std::mem::take(&mut c[0])),
        move |_: &Schema, fields: &[Field]| Ok(output(&fields[0])),
    );
    Expr::AnonymousFunction {
        input: vec![input],
        function: new_column_udf(udf),
        options: FunctionOptions::elementwise(),
        fmt_str: Box::new("map".into()),
    }
}

/// `read` of each text value, null where the value is null or `read` gives None,
/// made a column of `dtype` by `finish`.
pub(super) fn read_text<T: PolarsNumericType>(
    text: Expr,
    dtype: DataType,
    read: impl Fn(&str) -> Option<T::Native> + Send + Sync + 'static,
    finish: impl Fn(ChunkedArray<T>) -> Series + Send + Sync + 'static,
) -> Expr {
    map_column(
        text,
        move |c: Column| {
            let values: ChunkedArray<T> = unary_elementwise(c.str()?, |v| v.and_then(&read));
            Ok(finish(values).into_column())
        },
        move |field| Field::new(field.name().clone(), dtype.clone()),
    )
}

/// A boolean column: `test` of each text value (null stays null), built straight
/// from the values without a per-row option.
pub fn test_text(text: Expr, test: fn(&str) -> bool) -> Expr {
    map_column(
        text,
        move |c: Column| Ok(unary_elementwise_values::<_, BooleanType, _>(c.str()?, test).into_column()),
        |field| Field::new(field.name().clone(), DataType::Boolean),
    )
}

/// True on a row whose `first` and `second` texts are not both those of the row just
/// before it in the same batch (the first row of a batch is always true; null equals
/// null). Filtering by it keeps the first row of every run of equal pairs, so each
/// distinct pair keeps its first row, however the rows are cut into batches: a
/// grouping of the pairs by first row then sees one row per run instead of per line.
pub fn starts_a_run(first: Expr, second: Expr) -> Expr {
    map_column(
        as_struct(vec![first, second]),
        |c: Column| {
            let fields = c.struct_()?.fields_as_series();
            let (a, b) = (fields[0].str()?, fields[1].str()?);
            let mut before: Option<(Option<&str>, Option<&str>)> = None;
            let starts: BooleanChunked = a
                .iter()
                .zip(b.iter())
                .map(|pair| {
                    let start = before != Some(pair);
                    before = Some(pair);
                    start
                })
                .collect();
            Ok(starts.with_name(c.name().clone()).into_column())
        },
        |field| Field::new(field.name().clone(), DataType::Boolean),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_starts_where_the_pair_differs_from_the_row_before() {
        let rows = df!(
            "id" => [Some("C1"), Some("C1"), Some("C2"), Some("C1"), None, None, Some("C1")],
            "name" => [Some("x"), Some("x"), Some("x"), Some("x"), Some("y"), Some("y"), None]
        )
        .unwrap();
        let out = rows.lazy().select([starts_a_run(col("id"), col("name")).alias("start")]).collect().unwrap();
        let starts: Vec<Option<bool>> = out.column("start").unwrap().bool().unwrap().iter().collect();
        // Row 2 repeats row 1; row 4 (C1, x) follows C2, so it starts a run; row 6 repeats
        // row 5 (null equals null); row 7 differs in the name.
        let want = [true, false, true, true, true, false, true];
        assert_eq!(starts, want.map(Some));
    }
}
