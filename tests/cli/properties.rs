//! Property tests of the ABC split and the money parser (proptest), on the library.
//! Cases are few (polars debug builds are slow); each case holds many rows.

use std::collections::HashMap;

use kam::tables::Encoding;
use kam::input::parse::{parse, ParseSettings};
use kam::input::roles::ORDERS;
use kam::input::source::ReadSettings;
use kam::input::{self, InputOptions, Request};
use kam::metrics::abc::{items, summary, Thresholds};
use polars::prelude::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Cents as a decimal text: -1234567 -> "-12345.67".
fn cents_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// Order lines: (customer, cents). Amounts from -10,000.00 to 1,000,000.00, mostly positive.
fn lines(max: usize) -> impl Strategy<Value = Vec<(u8, i64)>> {
    prop::collection::vec((0u8..25, prop_oneof![4 => 0i64..100_000_000, 1 => -1_000_000i64..0]), 1..max)
}

fn frame(lines: &[(u8, i64)]) -> LazyFrame {
    let keys: Vec<String> = lines.iter().map(|(k, _)| format!("K{k:02}")).collect();
    let amounts: Vec<String> = lines.iter().map(|(_, c)| cents_text(*c)).collect();
    df!("customer_id" => keys, "amount" => amounts)
        .unwrap()
        .lazy()
        .with_column(col("amount").cast(DataType::Decimal(38, 2)))
}

fn thresholds() -> impl Strategy<Value = Thresholds> {
    (1i64..=95, 0i64..=50).prop_filter_map("A + B <= 1", |(a, b)| {
        (a + b <= 100).then(|| Thresholds { a: Decimal::new(a, 2), b: Decimal::new(b, 2) })
    })
}

fn texts(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c).unwrap().as_materialized_series().iter().map(|v| v.to_string().trim_matches('"').to_string()).collect()
}

fn decimals(df: &DataFrame, c: &str) -> Vec<Decimal> {
    texts(df, c).iter().map(|s| s.parse().unwrap()).collect()
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn class_sales_sum_exactly_to_the_total(lines in lines(200), t in thresholds()) {
        let it = items(frame(&lines), "customer_id", None, &t).collect().unwrap();
        let s = summary(it.clone().lazy()).collect().unwrap();
        prop_assert_eq!(texts(&s, "class"), ["A", "B", "C", "Total"]);
        let sales = decimals(&s, "sales");
        let expected: Decimal = lines.iter().map(|(_, c)| Decimal::new(*c, 2)).sum();
        prop_assert_eq!(sales[0] + sales[1] + sales[2], sales[3]);
        prop_assert_eq!(sales[3], expected);
        prop_assert_eq!(decimals(&it, "sales").into_iter().sum::<Decimal>(), expected);
        let counts: Vec<usize> = texts(&s, "items").iter().map(|n| n.parse().unwrap()).collect();
        prop_assert_eq!(counts[0] + counts[1] + counts[2], counts[3]);
        prop_assert_eq!(counts[3], it.height());
    }

    #[test]
    fn classes_are_monotone_in_sales(lines in lines(200), t in thresholds()) {
        let it = items(frame(&lines), "customer_id", None, &t).collect().unwrap();
        let sales = decimals(&it, "sales");
        let classes = texts(&it, "class");
        for i in 0..it.height() {
            if sales[i] <= Decimal::ZERO {
                prop_assert_eq!(&classes[i], "C", "non-positive sales are C");
            }
            for j in 0..it.height() {
                // A lower class (later letter) never has more positive sales than a higher one.
                if classes[i] > classes[j] && sales[i] > Decimal::ZERO {
                    prop_assert!(sales[i] <= sales[j], "{} {} vs {} {}", classes[i], sales[i], classes[j], sales[j]);
                }
            }
        }
        // Class A is never empty when there are positive total sales.
        if sales.iter().sum::<Decimal>() > Decimal::ZERO {
            prop_assert_eq!(&classes[0], "A");
        }
    }

    #[test]
    fn shares_sum_to_one_when_all_sales_are_positive(
        lines in prop::collection::vec((0u8..25, 1i64..100_000_000), 1..200),
        t in thresholds(),
    ) {
        let it = items(frame(&lines), "customer_id", None, &t).collect().unwrap();
        let shares: Vec<f64> = it.column("share").unwrap().f64().unwrap().into_no_null_iter().collect();
        prop_assert_eq!(shares.len(), it.height());
        prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{}", shares.iter().sum::<f64>());
        let last = it.column("cum_share").unwrap().f64().unwrap().get(it.height() - 1).unwrap();
        prop_assert!((last - 1.0).abs() < 1e-9);
    }

    #[test]
    fn permuting_input_rows_changes_no_output(
        (lines, shuffled) in lines(150).prop_flat_map(|l| (Just(l.clone()), Just(l).prop_shuffle())),
        t in thresholds(),
    ) {
        let a = items(frame(&lines), "customer_id", None, &t).collect().unwrap();
        let b = items(frame(&shuffled), "customer_id", None, &t).collect().unwrap();
        prop_assert!(a.equals_missing(&b), "{a}\n{b}");
        let sa = summary(a.lazy()).collect().unwrap();
        let sb = summary(b.lazy()).collect().unwrap();
        prop_assert!(sa.equals_missing(&sb), "{sa}\n{sb}");
    }
}

fn write_orders(path: &std::path::Path, lines: &[(u8, i64)]) {
    let mut text = String::from("order_date,customer_id,amount\n");
    for (k, c) in lines {
        text.push_str(&format!("2024-01-{:02},K{k:02},{}\n", 1 + (*k as usize % 28), cents_text(*c)));
    }
    std::fs::write(path, text).unwrap();
}

/// `kam abc`'s input path: read the files given, as `kam abc FILES...` does.
fn load(paths: &[&std::path::Path]) -> DataFrame {
    let opts = InputOptions {
        inputs: paths.iter().map(|p| p.display().to_string()).collect(),
        read: ReadSettings { format: None, delimiter: None, encoding: Encoding::Utf8, sheet: None, header_row: None },
        parse: ParseSettings { money_scale: 2, date_format: None, date_order: None, decimal_comma: false },
        columns: HashMap::new(),
        skip_bad_rows: false,
        decimal_comma: false,
        dedupe: false,
        currency: None,
        fx: None,
        quiet: true,
        scope: None,
    };
    let request = Request::orders().require(&["amount", "customer_id"]).optional(&["customer_name"]);
    input::load(&opts, &request).unwrap()
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn splitting_a_file_in_two_gives_the_same_output(lines in lines(150), cut in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().unwrap();
        let k = cut.index(lines.len() + 1);
        let (whole, first, second) = (dir.path().join("whole.csv"), dir.path().join("a.csv"), dir.path().join("b.csv"));
        write_orders(&whole, &lines);
        write_orders(&first, &lines[..k]);
        write_orders(&second, &lines[k..]);
        let t = Thresholds::default();
        // An empty half is a header-only file, which kam refuses: split only where both halves have rows.
        prop_assume!(k > 0 && k < lines.len());
        let a = items(load(&[&whole]).lazy(), "customer_id", None, &t).collect().unwrap();
        let b = items(load(&[&first, &second]).lazy(), "customer_id", None, &t).collect().unwrap();
        prop_assert!(a.equals_missing(&b), "{a}\n{b}");
    }
}

/// How an amount is written in an export.
#[derive(Debug, Clone)]
struct Written {
    cents: i64,
    /// 0, 1 or 2 decimal places (only when the cents allow it).
    places: u32,
    thousands: bool,
    currency: &'static str,
    parentheses: bool,
}

fn written() -> impl Strategy<Value = Written> {
    (
        prop_oneof![-1_000_000_000_000_000i64..1_000_000_000_000_000, -100_000i64..100_000],
        0u32..=2,
        any::<bool>(),
        prop::sample::select(vec!["", "¥", "$", "￥", "RMB "]),
        any::<bool>(),
    )
        .prop_map(|(cents, places, thousands, currency, parentheses)| {
            // Fewer places only when the dropped digits are zero.
            let cents = match places {
                0 => cents / 100 * 100,
                1 => cents / 10 * 10,
                _ => cents,
            };
            Written { cents, places, thousands, currency, parentheses: parentheses && cents < 0 }
        })
}

impl Written {
    fn text(&self) -> String {
        let abs = self.cents.unsigned_abs();
        let mut int = (abs / 100).to_string();
        if self.thousands {
            let digits: Vec<char> = int.chars().collect();
            let mut grouped = String::new();
            for (i, d) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(*d);
            }
            int = grouped;
        }
        let frac = match self.places {
            0 => String::new(),
            1 => format!(".{}", abs % 100 / 10),
            _ => format!(".{:02}", abs % 100),
        };
        let body = format!("{}{int}{frac}", self.currency);
        match (self.cents < 0, self.parentheses) {
            (false, _) => body,
            (true, true) => format!("({body})"),
            (true, false) => format!("-{body}"),
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn money_parser_round_trips_decimals_with_up_to_two_places(values in prop::collection::vec(written(), 1..40)) {
        let texts: Vec<String> = values.iter().map(Written::text).collect();
        let raw = df!("amount" => texts.clone()).unwrap();
        let amount = ORDERS.iter().find(|r| r.name == "amount").unwrap().clone();
        let p = parse(&raw, &[amount], &["amount"], &ParseSettings { money_scale: 2, date_format: None, date_order: None, decimal_comma: false }).unwrap();
        prop_assert!(p.problems.is_empty(), "{:?} in {:?}", p.problems, texts);
        let got: Vec<String> = p.frame.column("amount").unwrap().as_materialized_series().iter().map(|v| v.to_string()).collect();
        let want: Vec<String> = values.iter().map(|w| cents_text(w.cents)).collect();
        prop_assert_eq!(got, want, "{:?}", texts);
    }
}
