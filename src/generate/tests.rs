//! Tests of `kam generate`: properties that can be checked by hand, not snapshots of
//! the output (sample-data/ is the snapshot: `make sample-data` must reproduce it).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Duration, NaiveDate};

use super::accounts::planned_amount;
use super::customers::{REGIONS, SEGMENTS};
use super::orders::line_amount;
use super::rows::money_text;
use super::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A fresh, empty directory for one test.
fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kam-generate-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

const ALL_FILES: [&str; 5] = [
    ORDERS_FILE,
    INVENTORY_FILE,
    RECEIVABLES_FILE,
    CUSTOMERS_FILE,
    PLAN_FILE,
];

/// The five files of one run, read into memory (the directory is removed).
struct Dataset {
    files: BTreeMap<&'static str, String>,
    /// Names in the output directory after the run.
    dir_listing: BTreeSet<String>,
}

fn load(dir: &Path) -> Dataset {
    let files = ALL_FILES
        .iter()
        .map(|f| (*f, fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    let dir_listing = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    fs::remove_dir_all(dir).unwrap();
    Dataset { files, dir_listing }
}

fn generate(name: &str, order_lines: u64, seed: u64) -> Dataset {
    let opts = GenerateOptions {
        order_lines,
        seed,
        out_dir: test_dir(name),
        ..Default::default()
    };
    generate_csv(&opts, &mut |_| {}).unwrap();
    load(&opts.out_dir)
}

/// The 20 000-line default data set, generated once and shared by read-only tests.
fn sample() -> &'static Dataset {
    static SAMPLE: OnceLock<Dataset> = OnceLock::new();
    SAMPLE.get_or_init(|| generate("sample", 20_000, 42))
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

fn read(data: &Dataset, file: &str) -> Table {
    let mut reader = csv::Reader::from_reader(data.files[file].as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    Table { header, rows }
}

fn is_money(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let Some((whole, cents)) = digits.split_once('.') else {
        return false;
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
}

fn cents(s: &str) -> i64 {
    assert!(is_money(s), "not money: {s:?}");
    let negative = s.starts_with('-');
    let (whole, frac) = s.trim_start_matches('-').split_once('.').unwrap();
    let v = whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
    if negative {
        -v
    } else {
        v
    }
}

/// Invoice and credit-note numbers are the order numbers.
fn order_number(id: &str) -> u64 {
    id.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap()
}

#[test]
fn writes_exactly_the_requested_number_of_order_lines() {
    for (i, n) in [1u64, 2, 7, 100, 1_234].into_iter().enumerate() {
        let data = generate(&format!("count-{i}"), n, 7);
        assert_eq!(
            read(&data, ORDERS_FILE).rows.len() as u64,
            n,
            "order_lines = {n}"
        );
    }
    assert_eq!(read(sample(), ORDERS_FILE).rows.len(), 20_000);
}

#[test]
fn headers_are_exact_and_no_temporary_files_remain() {
    let data = sample();
    for (file, header) in [
        (ORDERS_FILE, ORDERS_HEADER),
        (INVENTORY_FILE, INVENTORY_HEADER),
        (RECEIVABLES_FILE, RECEIVABLES_HEADER),
        (CUSTOMERS_FILE, CUSTOMERS_HEADER),
        (PLAN_FILE, PLAN_HEADER),
    ] {
        let text = &data.files[file];
        assert_eq!(text.lines().next(), Some(header), "{file}");
        assert!(!text.starts_with('\u{feff}'));
        assert!(text.ends_with('\n') && !text.contains('\r'));
    }
    let expected: BTreeSet<String> = ALL_FILES.iter().map(|s| s.to_string()).collect();
    assert_eq!(data.dir_listing, expected);
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let a = generate("det-a", 3_000, 11);
    let b = generate("det-b", 3_000, 11);
    let c = generate("det-c", 3_000, 12);
    for file in ALL_FILES {
        assert!(
            a.files[file] == b.files[file],
            "{file} differs between identical runs"
        );
    }
    assert!(a.files[ORDERS_FILE] != c.files[ORDERS_FILE]);
}

#[test]
fn every_money_field_has_exactly_two_decimals() {
    let money_columns = [
        (ORDERS_FILE, &["amount", "cost"][..]),
        (INVENTORY_FILE, &["value"][..]),
        (RECEIVABLES_FILE, &["amount", "paid_amount"][..]),
        (CUSTOMERS_FILE, &["credit_limit"][..]),
        (PLAN_FILE, &["planned_amount"][..]),
    ];
    for (file, columns) in money_columns {
        let table = read(sample(), file);
        for column in columns {
            let i = table.col(column);
            for row in &table.rows {
                let optional = *column == "credit_limit";
                assert!(
                    is_money(&row[i]) || (optional && row[i].is_empty()),
                    "{file}.{column}: {:?}",
                    row[i]
                );
            }
        }
    }
}

#[test]
fn orders_lie_in_the_period_sorted_by_date_then_id_with_distinct_products() {
    let table = read(sample(), ORDERS_FILE);
    let opts = GenerateOptions::default();
    let (id, day, product) = (
        table.col("order_id"),
        table.col("order_date"),
        table.col("product_id"),
    );
    let mut previous: Option<(String, String)> = None;
    let mut products_of_order: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in &table.rows {
        let d = date(&row[day]);
        assert!(opts.start <= d && d <= opts.end, "{d} outside the period");
        let key = (row[day].clone(), row[id].clone());
        if let Some(prev) = &previous {
            assert!(prev <= &key, "{prev:?} before {key:?}");
        }
        previous = Some(key);
        assert!(
            products_of_order
                .entry(&row[id])
                .or_default()
                .insert(&row[product]),
            "repeated product"
        );
    }
    assert!(products_of_order
        .values()
        .all(|p| (1..=5).contains(&p.len())));
}

#[test]
fn returns_are_negative_and_refer_to_earlier_purchases() {
    let table = read(sample(), ORDERS_FILE);
    let (id, customer, product) = (
        table.col("order_id"),
        table.col("customer_id"),
        table.col("product_id"),
    );
    let (qty, amount, cost) = (
        table.col("quantity"),
        table.col("amount"),
        table.col("cost"),
    );
    let mut bought: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut returns = 0;
    for row in &table.rows {
        let q: i64 = row[qty].parse().unwrap();
        if row[id].starts_with('R') {
            returns += 1;
            assert!(
                q < 0 && cents(&row[amount]) < 0 && cents(&row[cost]) < 0,
                "{row:?}"
            );
            assert!(
                bought.contains(&(&row[customer], &row[product])),
                "return of something never bought: {row:?}"
            );
        } else {
            assert!(row[id].starts_with("SO"));
            assert!(
                q > 0 && cents(&row[amount]) > 0 && cents(&row[cost]) > 0,
                "{row:?}"
            );
            bought.insert((&row[customer], &row[product]));
        }
    }
    let share = returns as f64 / table.rows.len() as f64;
    assert!((0.01..=0.03).contains(&share), "return share {share}");
}

#[test]
fn each_invoice_equals_its_order_and_is_consistent() {
    let orders = read(sample(), ORDERS_FILE);
    let (id, customer, amount) = (
        orders.col("order_id"),
        orders.col("customer_id"),
        orders.col("amount"),
    );
    let mut order_totals: BTreeMap<u64, (String, i64, bool)> = BTreeMap::new();
    for row in &orders.rows {
        let entry = order_totals.entry(order_number(&row[id])).or_insert((
            row[customer].clone(),
            0,
            row[id].starts_with('R'),
        ));
        entry.1 += cents(&row[amount]);
    }

    let end = GenerateOptions::default().end;
    let inv = read(sample(), RECEIVABLES_FILE);
    let c = |n: &str| inv.col(n);
    assert_eq!(inv.rows.len(), order_totals.len(), "one invoice per order");
    let mut terms_of_customer: BTreeMap<String, i64> = BTreeMap::new();
    for row in &inv.rows {
        let (cust, total, is_return) = &order_totals[&order_number(&row[c("invoice_id")])];
        assert_eq!(&row[c("customer_id")], cust);
        let amount = cents(&row[c("amount")]);
        let paid = cents(&row[c("paid_amount")]);
        assert_eq!(amount, *total, "invoice {}", row[c("invoice_id")]);
        let invoiced = date(&row[c("invoice_date")]);
        let terms = (date(&row[c("due_date")]) - invoiced).num_days();
        assert!([30, 60, 90].contains(&terms));
        assert_eq!(
            *terms_of_customer.entry(cust.clone()).or_insert(terms),
            terms,
            "terms fixed per customer"
        );
        if *is_return {
            assert!(row[c("invoice_id")].starts_with("CN"));
            assert_eq!(paid, amount, "credit notes are settled");
            assert_eq!(row[c("paid_date")], row[c("invoice_date")]);
        } else {
            assert!(row[c("invoice_id")].starts_with("INV"));
            assert!((0..=amount).contains(&paid));
            // paid_date is the date of the last payment, empty when nothing was paid.
            assert_eq!(row[c("paid_date")].is_empty(), paid == 0, "{row:?}");
            if !row[c("paid_date")].is_empty() {
                let paid_on = date(&row[c("paid_date")]);
                assert!(invoiced <= paid_on && paid_on <= end, "{row:?}");
            }
        }
    }
    let open = inv
        .rows
        .iter()
        .filter(|r| r[c("paid_date")].is_empty())
        .count();
    assert!(open > 0, "some invoices are still open at the end");
}

#[test]
fn top_fifth_of_customers_holds_most_of_the_sales() {
    let orders = read(sample(), ORDERS_FILE);
    let (customer, amount) = (orders.col("customer_id"), orders.col("amount"));
    let mut sales: BTreeMap<&str, i64> = BTreeMap::new();
    for row in &orders.rows {
        *sales.entry(&row[customer]).or_default() += cents(&row[amount]);
    }
    let mut values: Vec<i64> = sales.into_values().collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    let n_customers = read(sample(), CUSTOMERS_FILE).rows.len();
    let top = (n_customers as f64 * 0.2).round() as usize;
    let share = values[..top].iter().sum::<i64>() as f64 / values.iter().sum::<i64>() as f64;
    assert!((0.65..=0.90).contains(&share), "top 20 % share {share}");
}

#[test]
fn plan_is_last_years_month_plus_ten_percent_in_hundreds() {
    let orders = read(sample(), ORDERS_FILE);
    let (id, day, customer, amount) = (
        orders.col("order_id"),
        orders.col("order_date"),
        orders.col("customer_id"),
        orders.col("amount"),
    );
    let mut monthly: BTreeMap<(&str, u32), i64> = BTreeMap::new();
    let mut bought_in_2023: BTreeSet<&str> = BTreeSet::new();
    for row in orders.rows.iter().filter(|r| r[day].starts_with("2023-")) {
        let month = row[day][5..7].parse().unwrap();
        *monthly.entry((&row[customer], month)).or_default() += cents(&row[amount]);
        if !row[id].starts_with('R') {
            bought_in_2023.insert(&row[customer]);
        }
    }
    let plan = read(sample(), PLAN_FILE);
    let planned_customers: BTreeSet<&str> = plan.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(planned_customers, bought_in_2023);
    assert_eq!(plan.rows.len(), 12 * bought_in_2023.len());
    for row in &plan.rows {
        let month: u32 = row[1].strip_prefix("2024-").expect("plan for 2024")[..2]
            .parse()
            .unwrap();
        let previous = monthly
            .get(&(row[0].as_str(), month))
            .copied()
            .unwrap_or(0)
            .max(0);
        // previous × 1.1 = previous × 11 / 10 cents; in hundreds of yuan (10 000 cents),
        // rounded half up: (previous × 11 / 10 + 5 000) / 10 000, done exactly in integers.
        let expected = (previous * 11 + 50_000) / 100_000 * 10_000;
        assert_eq!(cents(&row[2]), expected, "{row:?} from {previous}");
    }
}

#[test]
fn plan_has_only_its_header_within_one_calendar_year() {
    let opts = GenerateOptions {
        order_lines: 500,
        start: date("2024-03-01"),
        end: date("2024-10-31"),
        out_dir: test_dir("one-year"),
        ..Default::default()
    };
    generate_csv(&opts, &mut |_| {}).unwrap();
    let data = load(&opts.out_dir);
    assert_eq!(data.files[PLAN_FILE], format!("{PLAN_HEADER}\n"));
    assert!(
        read(&data, INVENTORY_FILE)
            .rows
            .iter()
            .any(|r| r[0] == "2024-02-29"),
        "opening snapshot"
    );
    assert!(read(&data, INVENTORY_FILE)
        .rows
        .iter()
        .any(|r| r[0] == "2024-10-31"));
}

#[test]
fn odd_periods_plan_the_last_calendar_year_from_the_one_before() {
    let opts = GenerateOptions {
        order_lines: 4_000,
        start: date("2022-02-15"),
        end: date("2024-06-15"),
        out_dir: test_dir("odd-period"),
        ..Default::default()
    };
    generate_csv(&opts, &mut |_| {}).unwrap();
    let data = load(&opts.out_dir);
    let orders = read(&data, ORDERS_FILE);
    assert_eq!(orders.rows.len(), 4_000);
    assert!(orders
        .rows
        .iter()
        .all(|r| ("2022-02-15"..="2024-06-15").contains(&r[1].as_str())));
    let plan = read(&data, PLAN_FILE);
    let periods: BTreeSet<&str> = plan.rows.iter().map(|r| r[1].as_str()).collect();
    let expected: BTreeSet<String> = (1..=12).map(|m| format!("2024-{m:02}")).collect();
    assert_eq!(periods, expected.iter().map(String::as_str).collect());
    let planned: BTreeSet<&str> = plan.rows.iter().map(|r| r[0].as_str()).collect();
    let bought_2023: BTreeSet<&str> = orders
        .rows
        .iter()
        .filter(|r| r[1].starts_with("2023-") && r[0].starts_with("SO"))
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(
        planned, bought_2023,
        "planned from 2023, the year before the last"
    );
    let inventory = read(&data, INVENTORY_FILE);
    let snapshots: BTreeSet<&str> = inventory.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(snapshots.first(), Some(&"2022-02-14"));
    assert_eq!(
        snapshots.last(),
        Some(&"2024-06-15"),
        "last snapshot on the end date"
    );
    assert!(snapshots.contains("2022-02-28") && snapshots.contains("2024-05-31"));
    assert_eq!(snapshots.len(), 1 + 29);
}

#[test]
fn inventory_has_opening_and_month_end_snapshots_without_negative_stock() {
    let table = read(sample(), INVENTORY_FILE);
    let (day, product, warehouse, customer) = (
        table.col("snapshot_date"),
        table.col("product_id"),
        table.col("warehouse"),
        table.col("customer_id"),
    );
    let (qty, value) = (table.col("quantity"), table.col("value"));
    let n_products = 200; // default for 20 000 lines: 20 000 / 100
    let mut own: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut unit_cost: BTreeMap<&str, i64> = BTreeMap::new();
    let mut held_by_customers = 0;
    let mut zero_stock = 0;
    for row in &table.rows {
        let q: i64 = row[qty].parse().unwrap();
        assert!(q >= 0, "{row:?}");
        let v = cents(&row[value]);
        if q > 0 {
            let cost = *unit_cost.entry(&row[product]).or_insert(v / q);
            assert_eq!(v, q * cost, "value is quantity × unit cost: {row:?}");
        } else {
            zero_stock += 1;
            assert_eq!(v, 0);
        }
        if row[customer].is_empty() {
            assert!(row[warehouse].starts_with("WH-"));
            own.entry(&row[day]).or_default().insert(&row[product]);
        } else {
            assert!(row[warehouse].is_empty());
            held_by_customers += 1;
        }
    }
    assert!(own.contains_key("2022-12-31"), "opening snapshot");
    let expected_dates: BTreeSet<String> = std::iter::once("2022-12-31".to_string())
        .chain((2023..=2024).flat_map(|y| {
            (1..=12).map(move |m| {
                let next = if m == 12 {
                    date(&format!("{}-01-01", y + 1))
                } else {
                    date(&format!("{y}-{:02}-01", m + 1))
                };
                (next - Duration::days(1)).to_string()
            })
        }))
        .collect();
    assert_eq!(
        own.keys().map(|d| d.to_string()).collect::<BTreeSet<_>>(),
        expected_dates
    );
    assert!(
        own.values().all(|products| products.len() == n_products),
        "every product in every snapshot"
    );
    assert!(held_by_customers > 0, "stock held at key distributors");
    assert!(zero_stock > 0, "some month-end stock-outs");
}

#[test]
fn customers_since_precedes_their_first_order_and_lifecycles_show() {
    let orders = read(sample(), ORDERS_FILE);
    let (day, customer) = (orders.col("order_date"), orders.col("customer_id"));
    let mut first: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for row in &orders.rows {
        first.entry(&row[customer]).or_insert(date(&row[day]));
        last.insert(&row[customer], date(&row[day]));
    }
    let customers = read(sample(), CUSTOMERS_FILE);
    let opts = GenerateOptions::default();
    let mut new = 0;
    for row in &customers.rows {
        let since = date(&row[customers.col("since")]);
        if let Some(f) = first.get(row[0].as_str()) {
            assert!(since <= *f, "{row:?} first ordered on {f}");
        }
        assert!(SEGMENTS
            .iter()
            .any(|s| s.name == row[customers.col("segment")]));
        assert!(REGIONS.contains(&row[customers.col("region")].as_str()));
        new += (since >= opts.start) as usize;
    }
    let n = customers.rows.len() as f64;
    assert!(
        (0.10..=0.20).contains(&(new as f64 / n)),
        "about 15 % new customers, got {new}"
    );
    let quiet_last_half_year =
        last.values().filter(|d| **d < date("2024-07-01")).count() as f64;
    assert!(
        quiet_last_half_year / n > 0.05,
        "some customers stopped ordering"
    );
    let no_limit = customers
        .rows
        .iter()
        .filter(|r| r[customers.col("credit_limit")].is_empty())
        .count();
    assert!(no_limit > 0);
}

#[test]
fn one_off_bulk_buyer_has_a_single_very_large_order() {
    let inv = read(sample(), RECEIVABLES_FILE);
    let mut per_customer: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for row in &inv.rows {
        per_customer
            .entry(&row[0])
            .or_default()
            .push(cents(&row[inv.col("amount")]));
    }
    let mut all: Vec<i64> = inv
        .rows
        .iter()
        .map(|r| cents(&r[inv.col("amount")]))
        .collect();
    all.sort_unstable();
    let median = all[all.len() / 2];
    assert!(per_customer
        .values()
        .any(|v| v.len() == 1 && v[0] > 30 * median));
}

#[test]
fn tiny_scales_still_work() {
    let opts = GenerateOptions {
        order_lines: 3,
        customers: Some(1),
        products: Some(1),
        start: date("2024-05-05"),
        end: date("2024-05-05"),
        out_dir: test_dir("tiny"),
        ..Default::default()
    };
    let mut last_progress = 0;
    let files = generate_csv(&opts, &mut |n| last_progress = n).unwrap();
    assert_eq!(files, ALL_FILES.map(|f| opts.out_dir.join(f)).to_vec());
    assert_eq!(last_progress, 3);
    let data = load(&opts.out_dir);
    let orders = read(&data, ORDERS_FILE);
    assert_eq!(orders.rows.len(), 3);
    assert!(orders
        .rows
        .iter()
        .all(|r| r[1] == "2024-05-05" && r[2] == "C00001" && r[4] == "P0001"));
    assert_eq!(
        read(&data, RECEIVABLES_FILE).rows.len(),
        3,
        "three single-line orders"
    );
}

#[test]
fn invalid_options_are_rejected_clearly() {
    let base = GenerateOptions {
        out_dir: test_dir("invalid"),
        ..Default::default()
    };
    let err = |opts: GenerateOptions| generate_csv(&opts, &mut |_| {}).unwrap_err().to_string();
    assert!(err(GenerateOptions {
        order_lines: 0,
        ..base.clone()
    })
    .contains("order_lines"));
    assert!(err(GenerateOptions {
        start: date("2025-01-01"),
        ..base.clone()
    })
    .contains("after end date"));
    assert!(err(GenerateOptions {
        customers: Some(0),
        ..base.clone()
    })
    .contains("customers"));
    assert!(err(GenerateOptions {
        products: Some(0),
        ..base.clone()
    })
    .contains("products"));
    assert!(
        !base.out_dir.exists(),
        "nothing is written for invalid options"
    );
}

#[test]
fn money_helpers_are_exact() {
    let texts: Vec<String> = [123_450, -1_200, 5, 0, -5]
        .map(|cents| {
            let mut text = Vec::new();
            money_text(&mut text, cents).unwrap();
            String::from_utf8(text).unwrap()
        })
        .to_vec();
    assert_eq!(texts, ["1234.50", "-12.00", "0.05", "0.00", "-0.05"]);
    assert_eq!(line_amount(3, 99_900, 1_000), 269_730);
    assert_eq!(line_amount(-3, 99_900, 1_000), -269_730);
    assert_eq!(line_amount(1, 333, 1_500), 283); // 283.05 rounds down
    assert_eq!(planned_amount(1_000_000), 1_100_000);
    assert_eq!(planned_amount(450_000), 500_000); // 4 500 × 1.1 = 4 950 → 5 000
    assert_eq!(planned_amount(454_000), 500_000);
    assert_eq!(planned_amount(-5), 0);
}
