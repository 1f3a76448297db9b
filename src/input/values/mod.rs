//! Value readers: turning raw columns into typed ones, and saying exactly what is
//! wrong when a value cannot be read. money, dates and text each hold their fast
//! reader, their thorough reader and their explanation of a bad value; this module
//! picks one per role and column type.
//!
//! Everything is a polars expression: each role gets a value expression and a
//! "bad" flag expression; one pass computes both for every row.

pub mod dates;
pub mod money;
pub mod months;
pub mod text;
mod udf;

use polars::prelude::*;

use super::roles::{Kind, Role};
pub use dates::{date_from_text, DateOrder};
pub use money::money_type;
pub use text::trimmed;
pub use udf::{run_sums, starts_a_run, test_text, RUN_START};

#[derive(Clone)]
pub struct ParseSettings {
    /// Decimal places kept for money; values with more are rejected, never rounded.
    pub money_scale: usize,
    /// A forced chrono date format; otherwise ISO, 2024/3/5, 20240305, serials... are read.
    pub date_format: Option<String>,
    /// Day-first or month-first for dates like 05/03/2024; None: settled per column.
    pub date_order: Option<DateOrder>,
    /// ',' is the decimal separator (forced, or detected per file).
    pub decimal_comma: bool,
}

/// The first unreadable value of one column, and how many there are.
#[derive(Debug, Clone)]
pub struct Problem {
    pub role: String,
    /// Index of the first bad row in the frame (0-based).
    pub index: usize,
    pub value: String,
    pub count: usize,
    pub reason: String,
}

pub struct Parsed {
    /// Typed columns named by role.
    pub frame: DataFrame,
    /// Problems by column, in the roles' order.
    pub problems: Vec<Problem>,
    /// True where any column of the row is bad.
    pub bad_rows: BooleanChunked,
}

fn bad_name(role: &str) -> String {
    format!("__bad_{role}")
}

/// The column that holds a role's typed value until its flag is computed (see `typed`).
fn value_name(role: &str) -> String {
    format!("__value_{role}")
}

/// The value of a role the file lacks, for `select_typed`: null.
pub fn missing(role: &Role, s: &ParseSettings) -> Expr {
    lit(NULL).cast(role_type(role.kind, s)).alias(value_name(&role.name))
}

/// The typed columns of `roles`, named by role, then `flags`: `values` (from `typed`)
/// are computed first, the flags over them.
pub fn select_typed(frame: LazyFrame, roles: &[Role], values: Vec<Expr>, flags: Vec<Expr>) -> LazyFrame {
    let mut out: Vec<Expr> = roles.iter().map(|r| col(value_name(&r.name)).alias(r.name.as_ref())).collect();
    out.extend(flags);
    frame.with_columns(values).select(out)
}

/// How much work parsing does. `Fast` reads what most exports hold (ISO dates, plain
/// amounts like -1234.50, identifiers without surrounding space) without copying text,
/// and flags anything else; `Thorough` trims, and also reads 2024/3/5, 20240305,
/// timestamps, thousands separators, currency signs and (12.50): its flags are the
/// real problems. Where the fast pass accepts a value, both give the same one, so
/// `parse` runs the thorough pass only on columns with a flag, and the streamed scan
/// on every column once any row has one.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Pass {
    Fast,
    Thorough,
}

/// Where the fast pass looks for text that needs trimming (or is a totals marker).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum TextCheck {
    /// On every row.
    PerRow,
    /// On the query's result only (`scan::collect_checked`). For queries whose result
    /// shows every text value that decides it: group keys, and each group's first
    /// name. If the first non-null name needs no trimming, the thorough pass, which
    /// trims every name and takes the first left non-null, finds the same one.
    InResult,
}

/// Value and bad-flag expressions for one role whose raw column has type `dtype`: the
/// value is named `value_name(role)`, and the flag reads it from that column, so a
/// frame computes the values first and the flags over them (`select_typed`). One
/// expression for both let polars evaluate the parse twice where its common
/// subexpression elimination did not share it (CSV `kam abc`: 10% more CPU).
pub fn typed(role: &Role, dtype: &DataType, required: bool, s: &ParseSettings, pass: Pass, text_check: TextCheck) -> Result<(Expr, Expr), String> {
    let raw = col(role.name.as_ref());
    let val = col(value_name(&role.name));
    let text = trimmed(raw.clone());
    let present = || text.clone().is_not_null();
    // What the fast pass flags needs the thorough one, so a flagged row's value is not used.
    let fast = pass == Pass::Fast;
    let (value, bad) = match (role.kind, dtype) {
        (Kind::Text, DataType::String) if fast && text_check == TextCheck::InResult => (raw.clone(), lit(false)),
        (Kind::Text, DataType::String) if fast => (raw.clone(), test_text(raw.clone(), text::needs_a_closer_look).fill_null(lit(false))),
        // A totals or footer marker in a key is not data: the thorough load drops the row.
        (Kind::Text, DataType::String) => (text.clone(), test_text(text.clone(), text::is_non_data).fill_null(lit(false))),
        (Kind::Text, _) => (raw.clone().cast(DataType::String), lit(false)),

        (Kind::Date, DataType::String) if fast => {
            let v = match s.date_format.as_deref() {
                Some(format) => date_from_text(raw.clone(), Some(format)),
                None => dates::iso_dates(raw.clone()),
            };
            (v, raw.clone().is_not_null().and(val.clone().is_null()))
        }
        (Kind::Date, DataType::String) => {
            let v = match s.date_format.as_deref() {
                Some(format) => date_from_text(text.clone(), Some(format)),
                None => dates::thorough_dates(text.clone(), s.date_order),
            };
            (v, present().and(val.clone().is_null()))
        }
        (Kind::Date, DataType::Date) => (raw.clone(), dates::out_of_range(raw.clone())),
        (Kind::Date, DataType::Datetime(_, _)) => {
            let v = raw.clone().cast(DataType::Date);
            (v, dates::out_of_range(val.clone()))
        }

        (Kind::Money, DataType::String) if fast => {
            let v = money::plain_amounts(raw.clone(), s.money_scale, s.decimal_comma);
            (v, raw.clone().is_not_null().and(val.clone().is_null()))
        }
        (Kind::Money, DataType::String) => {
            let v = money::thorough_amounts(text.clone(), s.money_scale, s.decimal_comma);
            (v, present().and(val.clone().is_null()))
        }
        (Kind::Money, DataType::Float32 | DataType::Float64) => {
            // The CSV rule for floats too: a value is taken when it has at most the money
            // scale's decimals (x rounded to them is x itself), never rounded silently.
            let exact = raw.clone().round(s.money_scale as u32, RoundMode::HalfToEven).eq(raw.clone());
            let v = raw.clone().round(s.money_scale as u32, RoundMode::HalfToEven).cast(money_type(s.money_scale));
            (v, raw.clone().is_not_null().and(exact.not().fill_null(lit(true)).or(val.clone().is_null())))
        }
        (Kind::Money, dt) if dt.is_integer() || dt.is_decimal() => {
            // A Parquet decimal with more places than the money scale (1.2345 in a
            // Decimal(38, 4) column) or too large for it is a bad value, like such text.
            let v = raw.clone().cast(money_type(s.money_scale));
            if money::fits_money(dt, s.money_scale) {
                // Every value of the type is a money value: nothing to compare, row by row
                // (Parquet `kam products`: two 16-byte comparisons per line).
                (v, lit(false))
            } else {
                let changed = val.clone().is_null().or(val.clone().neq(raw.clone()));
                (v, raw.clone().is_not_null().and(changed))
            }
        }

        (Kind::Number, DataType::String) => {
            let digits = if fast { raw.clone() } else { text.clone().str().replace_all(lit(","), lit(""), true) };
            let v = digits.clone().cast(DataType::Float64);
            (v, digits.is_not_null().and(val.clone().is_finite().not().fill_null(lit(true))))
        }
        (Kind::Number, dt) if dt.is_primitive_numeric() || dt.is_decimal() => {
            let v = raw.clone().cast(DataType::Float64);
            (v, val.clone().is_finite().not().fill_null(lit(false)))
        }
        // A plan or expense period: one month reader for text, numbers (202403) and dates.
        (Kind::Month, DataType::String) => {
            let v = months::months(if fast { raw.clone() } else { text.clone() });
            (v, present().and(val.clone().is_null()))
        }
        (Kind::Month, dt) if dt.is_integer() => {
            let v = months::months(raw.clone().cast(DataType::String));
            (v, raw.clone().is_not_null().and(val.clone().is_null()))
        }
        (Kind::Month, DataType::Date) => (raw.clone(), months::not_first_day(raw.clone())),

        (_, DataType::Null) => (lit(NULL).cast(role_type(role.kind, s)), lit(false)),
        (kind, dt) => return Err(format!("is of type {dt}, which cannot hold {}", kind_words(kind))),
    };
    let mut bad = bad;
    if role.non_negative {
        bad = bad.or(val.clone().lt(lit(0)).fill_null(lit(false)));
    }
    if required {
        bad = bad.or(val.is_null());
    }
    Ok((value.alias(value_name(&role.name)), bad.alias(bad_name(&role.name))))
}

pub fn role_type(kind: Kind, s: &ParseSettings) -> DataType {
    match kind {
        Kind::Text => DataType::String,
        Kind::Date | Kind::Month => DataType::Date,
        Kind::Money => money_type(s.money_scale),
        Kind::Number => DataType::Float64,
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Date => "a date",
        Kind::Month => "a month",
        Kind::Money => "an amount of money",
        Kind::Number => "a number",
    }
}

/// Parse `raw` (columns named by role) into typed columns.
/// `required` roles must have a value on every row.
pub fn parse(raw: &DataFrame, roles: &[Role], required: &[&str], s: &ParseSettings) -> Result<Parsed, (Role, String)> {
    // Day-first or month-first is a property of a whole column: settled here, where the
    // whole column is at hand, before any value is read.
    let orders: Vec<Option<DateOrder>> = roles
        .iter()
        .map(|r| match (r.kind, s.date_order, raw.column(&r.name).ok().and_then(|c| c.str().ok())) {
            (Kind::Date, None, Some(values)) => dates::column_order(values),
            (_, order, _) => order,
        })
        .collect();
    let select = |roles: &[Role], pass: Pass| -> Result<DataFrame, (Role, String)> {
        let (mut values, mut flags) = (Vec::new(), Vec::new());
        for role in roles {
            let dtype = raw.column(&role.name).map_err(|e| (role.clone(), e.to_string()))?.dtype().clone();
            let index = roles.iter().position(|r| r.name == role.name).unwrap_or(0);
            let own = ParseSettings { date_order: orders.get(index).copied().flatten().or(s.date_order), date_format: s.date_format.clone(), ..*s };
            let (value, bad) = typed(role, &dtype, required.contains(&role.name.as_ref()), &own, pass, TextCheck::PerRow).map_err(|m| (role.clone(), m))?;
            values.push(value);
            flags.push(bad);
        }
        select_typed(raw.clone().lazy(), roles, values, flags).collect().map_err(|e| (roles[0].clone(), e.to_string()))
    };
    let mut frame = select(roles, Pass::Fast)?;
    // Most exports use ISO dates and plain amounts: only a column with another
    // notation pays for the slower, thorough pass.
    let retry: Vec<Role> = roles
        .iter()
        .filter(|r| frame.column(&bad_name(&r.name)).ok().and_then(|c| c.bool().ok()?.any().then_some(())).is_some())
        .cloned()
        .collect();
    if !retry.is_empty() {
        for column in select(&retry, Pass::Thorough)?.columns() {
            frame.with_column(column.clone()).map_err(|e| (retry[0].clone(), e.to_string()))?;
        }
    }
    let mut problems = Vec::new();
    let mut bad_rows = BooleanChunked::full("bad".into(), false, frame.height());
    for (i, role) in roles.iter().enumerate() {
        let flags = frame.column(&bad_name(&role.name)).and_then(|c| c.bool().cloned()).map_err(|e| (role.clone(), e.to_string()))?;
        let count = flags.sum().unwrap_or(0) as usize;
        if count > 0 {
            let index = flags.iter().position(|b| b == Some(true)).unwrap_or(0);
            let value = raw_text(raw, &role.name, index);
            let own = ParseSettings { date_order: orders[i].or(s.date_order), date_format: s.date_format.clone(), ..*s };
            let mut reason = explain(role, &value, required.contains(&role.name.as_ref()), &own);
            if role.kind == Kind::Date && orders[i].is_none() && s.date_order.is_none() && s.date_format.is_none() {
                if let Some(values) = raw.column(&role.name).ok().and_then(|c| c.str().ok()) {
                    reason.push_str(&dates::order_hint(values));
                }
            }
            problems.push(Problem { role: role.name.to_string(), index, value, count, reason });
            bad_rows = &bad_rows | &flags;
        }
        let _ = frame.drop_in_place(&bad_name(&role.name));
    }
    Ok(Parsed { frame, problems, bad_rows })
}

fn raw_text(raw: &DataFrame, name: &str, index: usize) -> String {
    match raw.column(name).and_then(|c| c.get(index)) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(v) => v.get_str().map_or_else(|| v.to_string(), str::to_string),
    }
}

/// Say in plain words why `value` is not acceptable for `role`, and how to fix it.
pub fn explain(role: &Role, value: &str, required: bool, s: &ParseSettings) -> String {
    let v = value.trim();
    if v.is_empty() {
        return if required {
            format!("{} is empty; every row needs one", role.name)
        } else {
            format!("cannot read '{value}'")
        };
    }
    match role.kind {
        Kind::Date => dates::explain_date(value, s.date_format.as_deref()),
        Kind::Month => months::explain_month(value),
        Kind::Money => money::explain_money(role, value, s.money_scale),
        Kind::Number if role.non_negative && v.parse::<f64>().is_ok_and(|x| x < 0.0) => {
            format!("{} cannot be negative here ('{value}'): correct the row or leave it out", role.name)
        }
        Kind::Number => format!("cannot read '{value}' as a finite number (expected e.g. 12 or 3.5)"),
        Kind::Text if text::is_non_data(v) => format!("'{value}' marks a totals or footer row, not an order line"),
        Kind::Text => format!("cannot read '{value}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::money::fits_money;
    use crate::input::roles::ORDERS;

    fn role(name: &str) -> Role {
        ORDERS.iter().find(|r| r.name == name).unwrap().clone()
    }

    fn settings() -> ParseSettings {
        ParseSettings { money_scale: 2, date_format: None, date_order: None, decimal_comma: false }
    }

    #[test]
    fn money_is_exact_and_accepts_erp_notations() {
        let raw = df!("amount" => &["1,234.50", "¥12", "(7.25)", " -0.10 ", "+3.5", "RMB 1,000,000.01"]).unwrap();
        let p = parse(&raw, &[role("amount")], &["amount"], &settings()).unwrap();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let texts: Vec<String> = p.frame.column("amount").unwrap().as_materialized_series()
            .iter().map(|v| v.to_string()).collect();
        assert_eq!(texts, ["1234.50", "12.00", "-7.25", "-0.10", "3.50", "1000000.01"]);
    }

    #[test]
    fn bad_money_is_reported_with_its_row_and_reason() {
        let raw = df!("amount" => &["1.00", "12.345", "1.234,56", "abc"]).unwrap();
        let p = parse(&raw, &[role("amount")], &["amount"], &settings()).unwrap();
        let problem = &p.problems[0];
        assert_eq!((problem.index, problem.count), (1, 3));
        assert!(problem.reason.contains("3 decimal places"), "{}", problem.reason);
        assert!(explain(&role("amount"), "1.234,56", true, &settings()).contains("decimal separator"));
        assert_eq!(p.bad_rows.iter().map(|b| b.unwrap()).collect::<Vec<_>>(), [false, true, true, true]);
    }

    #[test]
    fn dates_in_common_formats_and_impossible_dates() {
        let raw = df!("order_date" => &["2024-03-05", "2024/3/5", "20240305", "2024-03-05 10:11:12", "2024年3月5日", "2024-02-30"]).unwrap();
        let p = parse(&raw, &[role("order_date")], &[], &settings()).unwrap();
        let dates = p.frame.column("order_date").unwrap().as_materialized_series().iter()
            .map(|v| v.to_string()).collect::<Vec<_>>();
        assert_eq!(&dates[..5], ["2024-03-05"; 5]);
        assert_eq!((p.problems[0].index, p.problems[0].value.as_str()), (5, "2024-02-30"));
    }

    #[test]
    fn unicode_digits_in_optional_money_are_reported_not_dropped() {
        // Regression (docs/reliability.md): '１２３' in an optional money column became null
        // silently. Full-width digits are now read (#16); other digits are still reported.
        let raw = df!("cost" => &["5.00", "１２３", "٣"]).unwrap();
        let p = parse(&raw, &[role("cost")], &[], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (2, 1), "{:?}", p.problems);
    }

    #[test]
    fn money_too_large_for_the_decimal_type_is_reported() {
        // Regression (docs/reliability.md): 37+ integer digits became null silently when optional.
        let big = "1234567890123456789012345678901234567.00";
        let raw = df!("cost" => &["5.00", big, "999999999999999999999999999999999999.99"]).unwrap();
        let p = parse(&raw, &[role("cost")], &[], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (1, 1), "{:?}", p.problems);
        assert!(p.problems[0].reason.contains("37 digits before the decimal point"), "{}", p.problems[0].reason);
    }

    #[test]
    fn typed_decimals_with_more_places_are_not_rounded() {
        // Regression (docs/reliability.md): a Parquet Decimal(38, 4) amount was rounded to cents silently.
        let raw = df!("amount" => &["1.2300", "1.2345", "7"]).unwrap()
            .lazy().with_column(col("amount").cast(DataType::Decimal(38, 4))).collect().unwrap();
        let p = parse(&raw, &[role("amount")], &["amount"], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (1, 1), "{:?}", p.problems);
        assert!(p.problems[0].reason.contains("4 decimal places"), "{}", p.problems[0].reason);
        let ints = df!("amount" => &[5i64, -3]).unwrap();
        assert!(parse(&ints, &[role("amount")], &["amount"], &settings()).unwrap().problems.is_empty());
        // 10^37 whole units need 37 digits before the point; Decimal(38, 2) has 36.
        let wide = df!("amount" => &["7", "10000000000000000000000000000000000000"]).unwrap()
            .lazy().with_column(col("amount").cast(DataType::Decimal(38, 0))).collect().unwrap();
        let p = parse(&wide, &[role("amount")], &["amount"], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (1, 1), "{:?}", p.problems);
    }

    #[test]
    fn money_types_that_need_no_check_row_by_row() {
        // Decimal(p, s) fits Decimal(38, 2) when s <= 2 and p - s <= 36 whole digits.
        assert!(fits_money(&DataType::Decimal(38, 2), 2));
        assert!(fits_money(&DataType::Decimal(18, 2), 2));
        assert!(fits_money(&DataType::Decimal(36, 0), 2));
        assert!(!fits_money(&DataType::Decimal(37, 0), 2));
        assert!(!fits_money(&DataType::Decimal(38, 4), 2));
        assert!(fits_money(&DataType::Decimal(38, 4), 4));
        // i64::MIN has 19 digits and u64::MAX 20: both fit 36 whole digits, and 19 or 20 exactly.
        assert!(fits_money(&DataType::Int64, 2) && fits_money(&DataType::UInt64, 2));
        assert!(fits_money(&DataType::Int64, 19) && !fits_money(&DataType::Int64, 20));
        assert!(fits_money(&DataType::UInt64, 18) && !fits_money(&DataType::UInt64, 19));
        assert!(!fits_money(&DataType::Float64, 2));
    }

    #[test]
    fn empty_required_values_are_problems() {
        let raw = df!("customer_id" => &[Some("C1"), Some("  "), None]).unwrap();
        let p = parse(&raw, &[role("customer_id")], &["customer_id"], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (1, 2));
        assert!(p.problems[0].reason.contains("empty"));
    }


    #[test]
    fn columns_keep_nulls_and_read_each_value() {
        let df = df!("t" => [Some("12.30"), None, Some("x"), Some("2024-02-29")]).unwrap();
        let out = df
            .lazy()
            .select([
                money::plain_amounts(col("t"), 2, false).alias("amount"),
                dates::iso_dates(col("t")).alias("date"),
                test_text(col("t"), text::needs_trimming).alias("trim"),
            ])
            .collect()
            .unwrap();
        let amounts: Vec<Option<String>> =
            out.column("amount").unwrap().as_materialized_series().iter().map(|v| (!v.is_null()).then(|| v.to_string())).collect();
        assert_eq!(amounts, [Some("12.30".to_string()), None, None, None]);
        assert_eq!(out.column("date").unwrap().dtype(), &DataType::Date);
        assert_eq!(out.column("date").unwrap().null_count(), 3);
        let trim: Vec<Option<bool>> = out.column("trim").unwrap().bool().unwrap().iter().collect();
        assert_eq!(trim, [Some(false), None, Some(false), Some(false)]);
    }
}
