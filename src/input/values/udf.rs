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

