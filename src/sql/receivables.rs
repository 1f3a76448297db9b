//! `kam sql receivables`: the aging of `kam receivables` without credit limits or total
//! assets (metrics/receivables.rs, SPEC §5): per customer the open amount as of a date
//! in kam's past-due buckets, open_total, open_invoices, max_days_past_due, credit
//! sales (invoiced in the DSO period) and DSO, then the company Total line.
//!
//! The payment of an invoice is the first of: paid_amount; amount − open_amount; the
//! whole amount when only a paid_date is given; nothing. It counts when it has no date
//! or is dated on or before as-of; open = amount − payment counted. Invoices dated
//! after as-of are left out.

use chrono::NaiveDate;

use super::dialect::{quote_text, Dialect, Type};
use super::{need, Need, Steps};
use crate::metrics::receivables::{Buckets, TOTAL};

#[derive(Debug, Clone)]
pub struct Spec {
    pub as_of: NaiveDate,
    pub buckets: Buckets,
    /// The DSO period, inclusive, and its length in days.
    pub dso_from: NaiveDate,
    pub dso_to: NaiveDate,
    pub dso_days: i64,
    pub money_scale: usize,
}

pub fn needs(spec: &Spec) -> Vec<Need> {
    let money = Type::Money(spec.money_scale);
    vec![
        need("customer_id", Type::Text, true),
        need("invoice_id", Type::Text, true),
        need("invoice_date", Type::Date, true),
        need("due_date", Type::Date, true),
        need("amount", money, true),
        need("paid_amount", money, false),
        need("open_amount", money, false),
        need("paid_date", Type::Date, false),
    ]
}

/// The bucket label of a days-past-due expression, as `Buckets::label_of`.
fn label(dpd: &str, buckets: &Buckets) -> String {
    let labels = buckets.labels();
    let mut arms = vec![format!("WHEN {dpd} <= 0 THEN {}", quote_text(&labels[0]))];
    for (i, e) in buckets.edges.iter().enumerate() {
        arms.push(format!("WHEN {dpd} <= {e} THEN {}", quote_text(&labels[i + 1])));
    }
    format!("CASE {} ELSE {} END", arms.join(" "), quote_text(labels.last().expect("labels")))
}

/// Columns customer_id, one per bucket (current, d1_30, ...), open_total, open_invoices,
/// max_days_past_due, credit_sales, dso; customers by open_total descending, then the
/// Total line.
pub fn render(d: Dialect, lines: String, spec: &Spec) -> String {
    let money = Type::Money(spec.money_scale);
    let i = |c: &str| d.ident(c);
    let (customer, amount, paid_date) = (i("customer_id"), i("amount"), i("paid_date"));
    let zero = d.cast("0", money);
    let as_of = d.date(spec.as_of);
    let payment = format!(
        "COALESCE({}, {amount} - {}, CASE WHEN {paid_date} IS NOT NULL THEN {amount} ELSE {zero} END)",
        i("paid_amount"),
        i("open_amount")
    );
    let counted = format!("CASE WHEN {paid_date} IS NULL OR {paid_date} <= {as_of} THEN {payment} ELSE {zero} END");
    let dpd = d.days_between(&i("due_date"), &as_of);
    let mut steps = Steps::new(lines);
    steps.step(
        "items",
        format!(
            "  SELECT\n    {customer},\n    {} AS {open},\n    {dpd} AS {dpd_name}\n  FROM lines\n  WHERE {} <= {as_of}",
            d.cast(&format!("{amount} - {counted}"), money),
            i("invoice_date"),
            open = i("open"),
            dpd_name = i("days_past_due"),
        ),
    );
    let (open, dpd_col) = (i("open"), i("days_past_due"));
    let labels = spec.buckets.labels();
    let bucket = label(&dpd_col, &spec.buckets);
    let mut aggs: Vec<String> = labels
        .iter()
        .map(|l| format!("{} AS {}", d.cast(&format!("SUM(CASE WHEN {bucket} = {} THEN {open} ELSE {zero} END)", quote_text(l)), money), i(l)))
        .collect();
    aggs.extend([
        format!("{} AS {}", d.cast(&format!("SUM({open})"), money), i("open_total")),
        format!("SUM(CASE WHEN {open} <> 0 THEN 1 ELSE 0 END) AS {}", i("open_invoices")),
        format!("MAX(CASE WHEN {open} > 0 THEN {dpd_col} END) AS {}", i("max_days_past_due")),
    ]);
    steps.step("aged", format!("  SELECT\n    {customer},\n    {}\n  FROM items\n  GROUP BY {customer}", aggs.join(",\n    ")));
    steps.step(
        "sales",
        format!(
            "  SELECT {customer}, {} AS {}\n  FROM lines\n  WHERE {date} >= {} AND {date} <= {}\n  GROUP BY {customer}",
            d.cast(&format!("SUM({amount})"), money),
            i("credit_sales"),
            d.date(spec.dso_from),
            d.date(spec.dso_to),
            date = i("invoice_date"),
        ),
    );
    let (total, credit) = (i("open_total"), i("credit_sales"));
    steps.step(
        "customers",
        format!(
            "  SELECT aged.*, COALESCE(sales.{credit}, {zero}) AS {credit}\n  FROM aged LEFT JOIN sales ON aged.{customer} = sales.{customer}"
        ),
    );
    let dso = |open: &str, sales: &str| {
        format!(
            "CASE WHEN {sales} > 0 THEN {} / {} * {} END",
            d.cast(open, Type::Double),
            d.cast(sales, Type::Double),
            d.cast(&spec.dso_days.to_string(), Type::Double)
        )
    };
    let mut per_customer: Vec<String> = vec![format!("{} AS {customer}", d.cast(&customer, Type::Text))];
    let mut company: Vec<String> = vec![format!("{} AS {customer}", d.cast(&quote_text(TOTAL), Type::Text))];
    for l in &labels {
        per_customer.push(i(l));
        company.push(format!("{} AS {}", d.cast(&format!("SUM({})", i(l)), money), i(l)));
    }
    let (invoices, max_dpd) = (i("open_invoices"), i("max_days_past_due"));
    per_customer.extend([total.clone(), invoices.clone(), max_dpd.clone(), credit.clone()]);
    per_customer.push(format!("{} AS {}", dso(&total, &credit), i("dso")));
    company.extend([
        format!("{} AS {total}", d.cast(&format!("SUM({total})"), money)),
        format!("SUM({invoices}) AS {invoices}"),
        format!("MAX({max_dpd}) AS {max_dpd}"),
        format!("{} AS {credit}", d.cast(&format!("SUM({credit})"), money)),
        format!("{} AS {}", dso(&format!("SUM({total})"), &format!("SUM({credit})")), i("dso")),
    ]);
    let line = i("__line");
    steps.step(
        "report",
        format!(
            "  SELECT 0 AS {line}, {}\n  FROM customers\n  UNION ALL\n  SELECT 1 AS {line}, {}\n  FROM customers",
            per_customer.join(", "),
            company.join(", ")
        ),
    );
    let mut columns = vec![customer.clone()];
    columns.extend(labels.iter().map(|l| i(l)));
    columns.extend([total.clone(), invoices, max_dpd, credit, i("dso")]);
    steps.finish(format!(
        "SELECT\n  {}\nFROM report\nORDER BY {line}, {total} DESC, {}",
        columns.join(",\n  "),
        d.text_order(&customer)
    ))
}
