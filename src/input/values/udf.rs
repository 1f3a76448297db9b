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
            let starts = run_starts(&c.struct_()?.fields_as_series(), c.len())?;
            Ok(BooleanChunked::from_slice(c.name().clone(), &starts).into_column())
        },
        |field| Field::new(field.name().clone(), DataType::Boolean),
    )
}

/// The field of [`run_sums`]' struct that is true on a run's first row.
pub const RUN_START: &str = "__run_start";

/// Consecutive rows of a batch with equal `keys` (null equals null) as runs: a struct of
/// [`RUN_START`], true on a run's first row (the first row of a batch always starts
/// one), and for each of `sums` (Decimal columns) the sum of the run's values on its
/// first row, null on the others (a null value counts as 0, as in a polars sum).
/// Filtered by [`RUN_START`], the rows are those of a grouping by `keys` summing `sums`
/// where rows of equal keys come one after the other, as the lines of an order in an
/// ERP export do, and where they do not, more rows, each holding part of a sum; all
/// without a hash table of the keys.
pub fn run_sums(keys: Vec<Expr>, sums: Vec<Expr>) -> Expr {
    let key_count = keys.len();
    let mut inputs = keys;
    inputs.extend(sums);
    map_column(
        as_struct(inputs),
        move |c: Column| {
            let fields = c.struct_()?.fields_as_series();
            let (keys, sums) = fields.split_at(key_count);
            let starts = run_starts(keys, c.len())?;
            let mut out = vec![BooleanChunked::from_slice(RUN_START.into(), &starts).into_series()];
            for values in sums {
                out.push(sum_per_run(values, &starts)?);
            }
            Ok(StructChunked::from_series(c.name().clone(), c.len(), out.iter())?.into_column())
        },
        move |field| {
            let DataType::Struct(fields) = field.dtype() else { return field.clone() };
            let mut out = vec![Field::new(RUN_START.into(), DataType::Boolean)];
            out.extend(fields[key_count..].iter().cloned());
            Field::new(field.name().clone(), DataType::Struct(out))
        },
    )
}

/// True where a row's keys are not all equal to the row before's, and on the first row.
fn run_starts(keys: &[Series], len: usize) -> PolarsResult<Vec<bool>> {
    let mut same = BooleanChunked::full("".into(), true, len);
    for key in keys {
        same = &same & &key.equal_missing(&key.shift(1))?;
    }
    let mut starts: Vec<bool> = same.iter().map(|same| same != Some(true)).collect();
    // The first row's key compares with a null from the shift; it starts a run anyway.
    if let Some(first) = starts.first_mut() {
        *first = true;
    }
    Ok(starts)
}

/// The sums of a Decimal column's runs, on each run's first row.
fn sum_per_run(values: &Series, starts: &[bool]) -> PolarsResult<Series> {
    let DataType::Decimal(precision, scale) = *values.dtype() else {
        polars_bail!(InvalidOperation: "run sums are of Decimal columns, not {}", values.dtype())
    };
    let mut sums: Vec<Option<i128>> = vec![None; values.len()];
    let (mut first, mut sum) = (0usize, 0i128);
    for (row, (value, start)) in values.decimal()?.physical().iter().zip(starts).enumerate() {
        if *start && row > 0 {
            sums[first] = Some(sum);
            (first, sum) = (row, 0);
        }
        sum = sum.checked_add(value.unwrap_or(0)).ok_or_else(|| polars_err!(ComputeError: "the sum of {} overflows", values.name()))?;
    }
    if !sums.is_empty() {
        sums[first] = Some(sum);
    }
    Ok(Int128Chunked::from_iter_options(values.name().clone(), sums.into_iter()).into_decimal_unchecked(precision, scale).into_series())
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

    #[test]
    fn run_sums_are_on_each_runs_first_row() {
        let cents = |v: &[Option<i128>]| Int128Chunked::from_iter_options("amount".into(), v.iter().copied()).into_decimal_unchecked(38, 2);
        let rows = df!(
            "id" => ["C1", "C1", "C2", "C1", "C1"],
            "order" => [Some("O1"), Some("O1"), Some("O2"), None, None]
        )
        .unwrap()
        .hstack(&[cents(&[Some(150), Some(25), Some(-100), None, Some(7)]).into_series().into_column()])
        .unwrap();
        let out = rows
            .lazy()
            .select([run_sums(vec![col("id"), col("order")], vec![col("amount")]).alias("runs")])
            .unnest(cols(["runs"]), None)
            .collect()
            .unwrap();
        let starts: Vec<Option<bool>> = out.column(RUN_START).unwrap().bool().unwrap().iter().collect();
        let sums: Vec<Option<i128>> = out.column("amount").unwrap().decimal().unwrap().physical().iter().collect();
        // 1.50 + 0.25 for C1's O1; C2's O2 alone; C1 without an order twice (null equals
        // null), its empty amount counting as 0: 0.07.
        assert_eq!(starts, [true, false, true, true, false].map(Some));
        assert_eq!(sums, [Some(175), None, Some(-100), Some(7), None]);
        assert_eq!(out.column("amount").unwrap().dtype(), &DataType::Decimal(38, 2));
    }
}
