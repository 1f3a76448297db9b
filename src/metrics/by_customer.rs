//! Order rows grouped by customer without hashing the id text in every grouping.
//!
//! polars 0.55 hashes and compares the customer_id text in each grouping, and churn and
//! the scorecard each need several over every row (distinct dates, gaps, distinct orders,
//! order sums). Here the ids are hashed once, into an integer code, and the rows are
//! sorted once by (code, order date); distinct dates, months and orders are then
//! comparisons with the previous row, and the groupings are by integer. 10 M lines,
//! 200,000 customers: churn's date history 2.5 s -> 0.5 s (docs/PERFORMANCE.md).

use chrono::NaiveDate;
use polars::prelude::*;

use super::receivables::{days, epoch_days};

/// The integer code of a customer; dropped before any table is shown.
pub const CODE: &str = "__code";

/// Rows sorted by customer code and order date, with the code's customer_id.
pub struct ByCustomer {
    /// CODE, customer_id.
    ids: DataFrame,
    /// CODE and the requested columns (order_date first), sorted by CODE then order_date;
    /// the rows of one customer and date keep their input order.
    sorted: DataFrame,
    /// The first and last order date of the rows, in days since 1970-01-01 (0, 0 for
    /// no rows).
    dates: (i64, i64),
}

impl ByCustomer {
    /// `rows` (customer_id, order_date and `columns`; customer_id and order_date never
    /// empty, as the input layer checks) by customer code and date.
    pub fn new(rows: LazyFrame, columns: &[&str]) -> PolarsResult<ByCustomer> {
        // Computed once (nothing to do for a frame): the ids, the dates and the codes read it.
        let rows = rows.collect()?;
        let ids = rows.clone().lazy().select([col("customer_id")]).unique(None, UniqueKeepStrategy::Any).with_row_index(CODE, None).collect()?;
        let (mut sorted, dates) = sorted_by_code_and_date(rows, &ids, columns)?;
        // Said sorted, so that polars groups by CODE as slices of the rows, without a hash
        // table (polars-core's sorted-key path).
        let mut code = sorted.column(CODE)?.clone();
        code.set_sorted_flag(polars::series::IsSorted::Ascending);
        sorted.with_column(code)?;
        Ok(ByCustomer { ids, sorted, dates })
    }

    /// [`ByCustomer::new`] of order rows with whichever of amount, cost and order_id they
    /// have. (The names come from the read: pipelines::orders.) The rows are let go.
    pub fn of_orders(rows: DataFrame) -> PolarsResult<ByCustomer> {
        let columns = order_columns(&rows);
        ByCustomer::new(rows.lazy(), &columns)
    }

    /// [`ByCustomer::of_orders`], and the rows back (the same columns, sorted by customer
    /// and date) for the commands that also take them whole, in the columns of the sorted
    /// rows instead of a copy beside them: 10 M lines' 5.5 M order days are 280 MB.
    pub fn of_orders_and_lines(rows: DataFrame) -> PolarsResult<(ByCustomer, DataFrame)> {
        let names = rows.get_column_names_owned();
        let mut columns = order_columns(&rows);
        columns.push("customer_id");
        let by_customer = ByCustomer::new(rows.lazy(), &columns)?;
        let lines = by_customer.sorted.select(names)?;
        Ok((by_customer, lines))
    }

    /// Drop `columns` (those there are) from the sorted rows and from `lines`, the rows
    /// of [`ByCustomer::of_orders_and_lines`], which share them: a column is freed only
    /// when neither holds it.
    pub fn let_go(&mut self, columns: &[&str], mut lines: DataFrame) -> PolarsResult<DataFrame> {
        for column in columns {
            if self.has(column) {
                self.sorted.drop_in_place(column)?;
            }
            if lines.get_column_index(column).is_some() {
                lines.drop_in_place(column)?;
            }
        }
        Ok(lines)
    }

    /// Whether the rows have `column`.
    pub fn has(&self, column: &str) -> bool {
        self.sorted.get_column_index(column).is_some()
    }

    /// The sorted rows (CODE, order_date and the requested columns).
    pub fn rows(&self) -> LazyFrame {
        self.sorted.clone().lazy()
    }

    /// The sorted rows where `keep` holds, still said sorted by CODE (a filter keeps the
    /// order but polars drops the flag).
    fn rows_where(&self, keep: Expr) -> LazyFrame {
        self.rows().filter(keep).with_column(ascending(col(CODE)))
    }

    /// The sorted rows dated from `from` (None: the first) to `to`, still said sorted by
    /// CODE. When every row is inside, the rows themselves: the in-memory engine copies
    /// what a filter keeps, which for every row of 10 M lines' 5.5 M order days is
    /// 300 MB more at once.
    pub fn rows_dated(&self, from: Option<NaiveDate>, to: NaiveDate) -> LazyFrame {
        let (first, last) = self.dates;
        let from_inside = from.is_none_or(|from| i64::from(epoch_days(from)) <= first);
        if from_inside && last <= i64::from(epoch_days(to)) {
            return self.rows();
        }
        let up_to = col("order_date").lt_eq(lit(to));
        self.rows_where(match from {
            Some(from) => col("order_date").gt_eq(lit(from)).and(up_to),
            None => up_to,
        })
    }

    /// `per_code` (one row per CODE) with customer_id in place of CODE.
    pub fn with_ids(&self, per_code: LazyFrame) -> LazyFrame {
        per_code.join(self.ids.clone().lazy(), [col(CODE)], [col(CODE)], JoinArgs::new(JoinType::Left)).drop(columns_named(&[CODE]))
    }
}

/// Whichever of amount, cost and order_id the order rows have.
fn order_columns(rows: &DataFrame) -> Vec<&'static str> {
    ["amount", "cost", "order_id"].into_iter().filter(|c| rows.get_column_index(c).is_some()).collect()
}

/// True on a row of the same customer as the row before.
pub fn same_customer() -> Expr {
    col(CODE).eq(col(CODE).shift(lit(1))).fill_null(lit(false))
}

/// True on a customer's first row of each order date (rows sorted as [`ByCustomer`]'s).
pub fn new_date() -> Expr {
    same_customer().not().or(col("order_date").neq(col("order_date").shift(lit(1))).fill_null(lit(true)))
}

/// True on a customer's first row of each calendar month (rows sorted as [`ByCustomer`]'s).
pub fn new_month() -> Expr {
    let month = || col("order_date").dt().year() * lit(12) + col("order_date").dt().month().cast(DataType::Int32);
    same_customer().not().or(month().neq(month().shift(lit(1))).fill_null(lit(true)))
}

/// True on the first row of a run: consecutive rows of one customer, date and order_id
/// (of one customer and date without order_id). When a customer has as many runs as
/// distinct order_ids, each of its orders is one run on one date.
pub fn run_start(has_order_id: bool) -> Expr {
    if has_order_id {
        new_date().or(col("order_id").neq_missing(col("order_id").shift(lit(1))))
    } else {
        new_date()
    }
}

/// `e`, said to be sorted ascending (a running count, say), for the sorted-key grouping.
pub fn ascending(e: Expr) -> Expr {
    e.set_sorted_flag(polars_plan::plans::AExprSorted { descending: Some(false), nulls_last: None })
}

/// A selector of columns by name, for `drop`.
pub fn columns_named(columns: &[&str]) -> Selector {
    Selector::ByName { names: columns.iter().map(|c| PlSmallStr::from(*c)).collect(), strict: true }
}

/// The rows as CODE, order_date and `columns`, sorted by CODE then order_date. The sort key
/// is code × span of the dates + day, one integer, which sorts faster than the two
/// columns (0.58 s against 0.85 s at 10 M lines); the two columns when that product does
/// not fit an i64. The sort finds the rows' order; the columns are then put in that
/// order one at a time, each let go once copied: sorting the frame copied them all at
/// once, with the sort's own buffers (10 M lines: the rows' 300 MB took 766 MB more).
fn sorted_by_code_and_date(mut rows: DataFrame, ids: &DataFrame, columns: &[&str]) -> PolarsResult<(DataFrame, (i64, i64))> {
    let bounds = rows.clone().lazy().select([days("order_date").min().alias("lo"), days("order_date").max().alias("hi")]).collect()?;
    let day = |name: &str| -> PolarsResult<i64> { Ok(bounds.column(name)?.get(0)?.extract::<i64>().unwrap_or(0)) };
    let (lo, hi) = (day("lo")?, day("hi")?);
    let span = hi - lo + 1;
    // The rows' own order, so that the lines of an order stay together (an inner join
    // in row order took 0.68 s at 10 M lines, a left join 0.27 s; every row has a code).
    let in_row_order = JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) };
    let codes = rows.clone().lazy().select([col("customer_id"), col("order_date")]).join(ids.clone().lazy(), [col("customer_id")], [col("customer_id")], in_row_order);
    let keep_order = SortMultipleOptions::default().with_maintain_order(true);
    let by_key = match (ids.height() as i64).checked_mul(span) {
        Some(_) => {
            let key = col(CODE).cast(DataType::Int64) * lit(span) + (days("order_date").cast(DataType::Int64) - lit(lo));
            codes.with_row_index(ROW, None).sort_by_exprs([key], keep_order)
        }
        None => codes.with_row_index(ROW, None).sort_by_exprs([col(CODE), col("order_date")], keep_order),
    };
    let mut by_key = by_key.select([col(ROW), col(CODE)]).collect()?;
    let order = by_key.column(ROW)?.idx()?.clone();
    let mut sorted = vec![by_key.drop_in_place(CODE)?];
    for name in std::iter::once(&"order_date").chain(columns) {
        // In one piece first: the streamed read leaves many, and a gather across them
        // looks up each row's piece (at 10 M lines 0.40-0.74 s a column, 0.05-0.15 s so).
        let column = rows.drop_in_place(name)?.rechunk();
        sorted.push(column.take(&order)?);
    }
    Ok((DataFrame::new(order.len(), sorted)?, (lo, hi)))
}

/// The row number of the rows before the sort.
const ROW: &str = "__row";

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rows_dated_keeps_the_rows_inside_and_all_when_all_are() {
        let dates = [date("2024-01-31"), date("2024-03-01"), date("2024-02-10")];
        let rows = df!("customer_id" => ["B", "A", "B"], "order_date" => dates, "amount" => [1i64, 2, 3]).unwrap();
        let by_customer = ByCustomer::new(rows.lazy(), &["amount"]).unwrap();
        let amounts = |frame: LazyFrame| -> Vec<i64> {
            let frame = frame.collect().unwrap();
            let mut amounts: Vec<i64> = frame.column("amount").unwrap().i64().unwrap().into_no_null_iter().collect();
            // The codes' order is not fixed; the rows' set is what is checked.
            amounts.sort();
            amounts
        };
        assert_eq!(amounts(by_customer.rows_dated(None, date("2024-03-01"))), [1, 2, 3]);
        assert_eq!(amounts(by_customer.rows_dated(Some(date("2024-01-31")), date("2024-12-31"))), [1, 2, 3]);
        assert_eq!(amounts(by_customer.rows_dated(None, date("2024-02-29"))), [1, 3]);
        assert_eq!(amounts(by_customer.rows_dated(Some(date("2024-02-01")), date("2024-03-01"))), [2, 3]);
        assert_eq!(amounts(by_customer.rows_dated(Some(date("2024-02-11")), date("2024-02-29"))), Vec::<i64>::new());
    }
}
