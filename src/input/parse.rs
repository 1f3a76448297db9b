//! Turning raw columns into typed ones, and saying exactly what is wrong when
//! a value cannot be read.
//!
//! Everything is a polars expression: each role gets a value expression and a
//! "bad" flag expression; one pass computes both for every row.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::fast;
use super::roles::{Kind, Role};

pub struct ParseSettings {
    /// Decimal places kept for money; values with more are rejected, never rounded.
    pub money_scale: usize,
    /// A forced chrono date format; otherwise ISO, 2024/3/5 and 20240305 are read.
    pub date_format: Option<String>,
}

/// The first unreadable value of one column, and how many there are.
#[derive(Debug, Clone)]
pub struct Problem {
    pub role: &'static str,
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

/// The money type: exact decimal with `scale` places.
pub fn money_type(scale: usize) -> DataType {
    DataType::Decimal(38, scale)
}

fn bad_name(role: &str) -> String {
    format!("__bad_{role}")
}

/// The column that holds a role's typed value until its flag is computed (see `typed`).
fn value_name(role: &str) -> String {
    format!("__value_{role}")
}

/// The value of a role the file lacks, for `select_typed`: null.
pub(super) fn missing(role: &Role, s: &ParseSettings) -> Expr {
    lit(NULL).cast(role_type(role.kind, s)).alias(value_name(role.name))
}

/// The typed columns of `roles`, named by role, then `flags`: `values` (from `typed`)
/// are computed first, the flags over them.
pub(super) fn select_typed(frame: LazyFrame, roles: &[Role], values: Vec<Expr>, flags: Vec<Expr>) -> LazyFrame {
    let mut out: Vec<Expr> = roles.iter().map(|r| col(value_name(r.name)).alias(r.name)).collect();
    out.extend(flags);
    frame.with_columns(values).select(out)
}

/// Text with surrounding space removed; empty text is null.
pub(crate) fn trimmed(raw: Expr) -> Expr {
    let t = raw.str().strip_chars(lit(NULL));
    when(t.clone().eq(lit(""))).then(lit(NULL).cast(DataType::String)).otherwise(t)
}

/// Dates as ISO, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305, with an optional time part.
pub(crate) fn date_from_text(text: Expr, format: Option<&str>) -> Expr {
    let options = |f: &str| StrptimeOptions {
        format: Some(f.into()),
        strict: false,
        exact: true,
        cache: true,
    };
    if let Some(f) = format {
        return text.str().to_date(options(f));
    }
    text.str()
        .replace(lit(r"[ T]\d{1,2}:\d{2}.*$"), lit(""), false)
        .str()
        .replace_all(lit(r"[/.年月]"), lit("-"), false)
        .str()
        .replace(lit("日$"), lit(""), false)
        .str()
        .replace(lit(r"^(\d{4})(\d{2})(\d{2})$"), lit("$1-$2-$3"), false)
        .str()
        .to_date(options("%Y-%m-%d"))
}

/// The money pattern after currency signs and spaces are removed: optional sign,
/// digits with optional correct thousands groups, at most `scale` decimals.
/// (reliability fix) ASCII digits only: `\d` also matched full-width and other Unicode digits
/// ('１２３'), which passed the check and then failed the cast, so an optional money column
/// (cost, paid_amount, ...) silently became empty instead of reporting the row.
fn money_pattern(scale: usize) -> String {
    if scale == 0 {
        r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)$".to_string()
    } else {
        format!(r"^[+-]?([0-9]{{1,3}}(,[0-9]{{3}})+|[0-9]+)(\.[0-9]{{1,{scale}}})?$")
    }
}

/// Strip currency signs, spaces and a leading '+', and turn (12.50) into -12.50.
fn money_text(text: Expr) -> Expr {
    text.str()
        .replace_all(lit(r"[¥￥$€£\s]|RMB|CNY|元"), lit(""), false)
        .str()
        .replace(lit(r"^\((.*)\)$"), lit("-$1"), false)
        .str()
        .replace(lit(r"^\+"), lit(""), false)
}

/// How much work parsing does. `Fast` reads what most exports hold (ISO dates, plain
/// amounts like -1234.50, identifiers without surrounding space) without copying text,
/// and flags anything else; `Thorough` trims, and also reads 2024/3/5, 20240305,
/// timestamps, thousands separators, currency signs and (12.50): its flags are the
/// real problems. Where the fast pass accepts a value, both give the same one, so
/// `parse` runs the thorough pass only on columns with a flag, and the streamed scan
/// (`scan`) on every column once any row has one.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Pass {
    Fast,
    Thorough,
}

/// Where the fast pass looks for text that needs trimming.
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
pub(super) fn typed(role: &Role, dtype: &DataType, required: bool, s: &ParseSettings, pass: Pass, text_check: TextCheck) -> Result<(Expr, Expr), String> {
    let raw = col(role.name);
    let val = col(value_name(role.name));
    let text = trimmed(raw.clone());
    let present = || text.clone().is_not_null();
    // What the fast pass flags needs the thorough one, so a flagged row's value is not used.
    let fast = pass == Pass::Fast;
    let (value, bad) = match (role.kind, dtype) {
        (Kind::Text, DataType::String) if fast && text_check == TextCheck::InResult => (raw.clone(), lit(false)),
        (Kind::Text, DataType::String) if fast => (raw.clone(), fast::test_text(raw.clone(), fast::needs_trimming).fill_null(lit(false))),
        (Kind::Text, DataType::String) => (text.clone(), lit(false)),
        (Kind::Text, _) => (raw.clone().cast(DataType::String), lit(false)),

        (Kind::Date, DataType::String) if fast => {
            let v = match s.date_format.as_deref() {
                Some(format) => date_from_text(raw.clone(), Some(format)),
                None => fast::iso_dates(raw.clone()),
            };
            (v, raw.clone().is_not_null().and(val.clone().is_null()))
        }
        (Kind::Date, DataType::String) => {
            let v = date_from_text(text.clone(), s.date_format.as_deref());
            (v, present().and(val.clone().is_null()))
        }
        (Kind::Date, DataType::Date) => (raw.clone(), lit(false)),
        (Kind::Date, DataType::Datetime(_, _)) => (raw.clone().cast(DataType::Date), lit(false)),

        (Kind::Money, DataType::String) if fast => {
            let v = fast::plain_amounts(raw.clone(), s.money_scale);
            (v, raw.clone().is_not_null().and(val.clone().is_null()))
        }
        (Kind::Money, DataType::String) => {
            let cleaned = money_text(text.clone());
            let valid = cleaned.clone().str().contains(lit(money_pattern(s.money_scale)), true);
            let digits = cleaned.str().replace_all(lit(","), lit(""), true);
            let v = when(valid.clone())
                .then(digits)
                .otherwise(lit(NULL).cast(DataType::String))
                .cast(money_type(s.money_scale));
            // (reliability fix) A value too large for Decimal(38, scale) passed the pattern and
            // became null in the cast: in an optional column it vanished silently. Null is bad too.
            (v, present().and(valid.not().fill_null(lit(true)).or(val.clone().is_null())))
        }
        (Kind::Money, DataType::Float32 | DataType::Float64) => {
            // Floats cannot hold cents exactly: round to the money scale, once, here.
            let finite = raw.clone().is_finite();
            let v = raw.clone().round(s.money_scale as u32, RoundMode::HalfToEven).cast(money_type(s.money_scale));
            // (reliability fix) A finite float too large for the decimal type became null in the
            // cast; report it like a non-finite one instead of dropping it.
            (v, raw.clone().is_not_null().and(finite.not().or(val.clone().is_null())))
        }
        (Kind::Money, dt) if dt.is_integer() || dt.is_decimal() => {
            // (reliability fix) A Parquet decimal with more places than the money scale
            // (1.2345 in a Decimal(38, 4) column) was rounded to cents silently, and one too
            // large became null. Both are now bad values, like the same text in a CSV.
            let v = raw.clone().cast(money_type(s.money_scale));
            if fits_money(dt, s.money_scale) {
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
    Ok((value.alias(value_name(role.name)), bad.alias(bad_name(role.name))))
}

/// Whether every value of `dtype` (an integer or decimal type) is a money value at
/// `scale` places as it is: no more places, and no more digits before the point than
/// Decimal(38, scale) holds (a 64-bit integer has at most 19 digits, unsigned 20).
fn fits_money(dtype: &DataType, scale: usize) -> bool {
    let whole_digits = 38 - scale.min(38);
    match dtype {
        DataType::Decimal(precision, places) => *places <= scale && precision.saturating_sub(*places) <= whole_digits,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => whole_digits >= 19,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => whole_digits >= 20,
        _ => false,
    }
}

pub fn role_type(kind: Kind, s: &ParseSettings) -> DataType {
    match kind {
        Kind::Text => DataType::String,
        Kind::Date => DataType::Date,
        Kind::Money => money_type(s.money_scale),
        Kind::Number => DataType::Float64,
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Date => "a date",
        Kind::Money => "an amount of money",
        Kind::Number => "a number",
    }
}

/// Parse `raw` (columns named by role) into typed columns.
/// `required` roles must have a value on every row.
pub fn parse(raw: &DataFrame, roles: &[Role], required: &[&str], s: &ParseSettings) -> Result<Parsed, (Role, String)> {
    let select = |roles: &[Role], pass: Pass| -> Result<DataFrame, (Role, String)> {
        let (mut values, mut flags) = (Vec::new(), Vec::new());
        for role in roles {
            let dtype = raw.column(role.name).map_err(|e| (*role, e.to_string()))?.dtype().clone();
            let (value, bad) = typed(role, &dtype, required.contains(&role.name), s, pass, TextCheck::PerRow).map_err(|m| (*role, m))?;
            values.push(value);
            flags.push(bad);
        }
        select_typed(raw.clone().lazy(), roles, values, flags).collect().map_err(|e| (roles[0], e.to_string()))
    };
    let mut frame = select(roles, Pass::Fast)?;
    // Most exports use ISO dates and plain amounts: only a column with another
    // notation pays for the slower, thorough pass.
    let retry: Vec<Role> = roles
        .iter()
        .filter(|r| frame.column(&bad_name(r.name)).ok().and_then(|c| c.bool().ok()?.any().then_some(())).is_some())
        .copied()
        .collect();
    if !retry.is_empty() {
        for column in select(&retry, Pass::Thorough)?.columns() {
            frame.with_column(column.clone()).map_err(|e| (retry[0], e.to_string()))?;
        }
    }
    let mut problems = Vec::new();
    let mut bad_rows = BooleanChunked::full("bad".into(), false, frame.height());
    for role in roles {
        let flags = frame.column(&bad_name(role.name)).and_then(|c| c.bool().cloned()).map_err(|e| (*role, e.to_string()))?;
        let count = flags.sum().unwrap_or(0) as usize;
        if count > 0 {
            let index = flags.iter().position(|b| b == Some(true)).unwrap_or(0);
            let value = raw_text(raw, role.name, index);
            let reason = explain(role, &value, required.contains(&role.name), s);
            problems.push(Problem { role: role.name, index, value, count, reason });
            bad_rows = &bad_rows | &flags;
        }
        let _ = frame.drop_in_place(&bad_name(role.name));
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
        Kind::Date => format!(
            "cannot read '{value}' as a date: expected a real calendar date like 2024-03-05, 2024/3/5 or 20240305{}",
            match &s.date_format {
                Some(f) => format!(" (or the format {f} given by --date-format)"),
                None => "; use --date-format to force another format, e.g. --date-format %d.%m.%Y".to_string(),
            }
        ),
        Kind::Money => explain_money(role, value, s.money_scale),
        Kind::Number if role.non_negative && v.parse::<f64>().is_ok_and(|x| x < 0.0) => {
            format!("{} cannot be negative here ('{value}'): correct the row or leave it out", role.name)
        }
        Kind::Number => format!("cannot read '{value}' as a finite number (expected e.g. 12 or 3.5)"),
        Kind::Text => format!("cannot read '{value}'"),
    }
}

fn explain_money(role: &Role, value: &str, scale: usize) -> String {
    if value.contains(',') && value.rfind(',') > value.rfind('.') && value.contains('.') {
        return format!(
            "cannot read '{value}' as money: it looks like ',' is the decimal separator and '.' groups thousands; \
             export with '.' as the decimal point"
        );
    }
    let cleaned: String = value
        .trim()
        .trim_start_matches(['¥', '￥', '$', '€', '£'])
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let integer_digits = cleaned.split('.').next().unwrap_or("").chars().filter(char::is_ascii_digit).count();
    if integer_digits > 38 - scale.min(38) && cleaned.chars().all(|c| c.is_ascii_digit() || "+-.()".contains(c)) {
        return format!(
            "'{value}' has {integer_digits} digits before the decimal point; money holds at most {} \
             (38 digits in all, {scale} of them decimals)",
            38 - scale.min(38)
        );
    }
    if let Ok(d) = cleaned.parse::<Decimal>() {
        if d.is_sign_negative() && role.non_negative {
            return format!("{} cannot be negative here ('{value}'): correct the row or leave it out", role.name);
        }
        if d.scale() as usize > scale {
            return format!(
                "'{value}' has {} decimal places but money is kept to {scale}: it is never rounded silently. \
                 Round it in the export, or pass --money-scale {}",
                d.scale(),
                d.scale()
            );
        }
    }
    format!("cannot read '{value}' as an amount of money (expected e.g. 1234.50, -12.00, 1,234.50 or ¥1,234.50)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::roles::ORDERS;

    fn role(name: &str) -> Role {
        *ORDERS.iter().find(|r| r.name == name).unwrap()
    }

    fn settings() -> ParseSettings {
        ParseSettings { money_scale: 2, date_format: None }
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
        // Regression (docs/reliability.md): '１２３' in an optional money column became null silently.
        let raw = df!("cost" => &["5.00", "１２３", "٣"]).unwrap();
        let p = parse(&raw, &[role("cost")], &[], &settings()).unwrap();
        assert_eq!((p.problems[0].index, p.problems[0].count), (1, 2), "{:?}", p.problems);
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
}
