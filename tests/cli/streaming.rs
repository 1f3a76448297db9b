//! The streamed read (src/input/scan.rs) against the thorough one: the same result
//! to the byte, and every problem the thorough read explains still found when it
//! lies far past the start of the file that the scan looks at. `KAM_TRACE_READ=1`
//! makes kam say which way it read each table.

use crate::common::*;

const TRACE: [(&str, &str); 1] = [("KAM_TRACE_READ", "1")];

/// How kam read the orders, from its trace.
#[derive(Debug, PartialEq)]
enum Read {
    Fast,
    Thorough,
    Loaded,
}

/// `kam abc FILE -q` as CSV text, and how the orders were read.
fn abc(file: &str) -> (String, Read) {
    traced(&["abc", file, "-q", "--format", "csv"])
}

/// kam's output for `args`, and how it read the orders.
fn traced(args: &[&str]) -> (String, Read) {
    let run = kam_env(args, &TRACE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = if run.stderr.contains("orders streamed, Fast pass") {
        Read::Fast
    } else if run.stderr.contains("orders streamed, Thorough pass") {
        Read::Thorough
    } else {
        assert!(run.stderr.contains("kam: trace: orders loaded"), "{}", run.stderr);
        Read::Loaded
    };
    (run.stdout, read)
}

fn sample_orders() -> String {
    std::fs::read_to_string(sample("orders.csv")).unwrap()
}

#[test]
fn a_clean_export_is_streamed_and_a_padded_one_read_thoroughly_to_the_same_result() {
    let (streamed, read) = abc(&sample("orders.csv"));
    assert_eq!(read, Read::Fast, "sample-data/orders.csv should stream with the fast pass");

    // The same data with one identifier padded by spaces and one amount written with a
    // thousands separator: the fast pass flags them, the thorough read trims and reads them.
    let text = sample_orders();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (id, amount) = (
        header.iter().position(|h| *h == "customer_id").unwrap(),
        header.iter().position(|h| *h == "amount").unwrap(),
    );
    let row = lines.iter().skip(1).position(|l| {
        let f: Vec<&str> = l.split(',').collect();
        f.len() == header.len() && f[amount].split('.').next().unwrap().len() >= 4
    });
    let row = row.expect("a plain row with an amount of at least 1000") + 1;
    let mut fields: Vec<String> = lines[row].split(',').map(String::from).collect();
    let whole = fields[amount].split('.').next().unwrap().to_string();
    let (thousands, rest) = whole.split_at(whole.len() - 3);
    fields[amount] = format!("\"{thousands},{rest}.{}\"", fields[amount].split('.').nth(1).unwrap_or("00"));
    fields[id] = format!("  {}  ", fields[id]);
    lines[row] = fields.join(",");
    let dir = tempdir();
    let padded = write(dir.path(), "padded.csv", (lines.join("\n") + "\n").as_bytes());
    let (thorough, read) = abc(padded.to_str().unwrap());
    assert_eq!(read, Read::Thorough, "a padded identifier must send the file to the thorough pass");
    assert_eq!(streamed, thorough);
    // GBK text is read whole (the scan declines): the same orders give the same table.
    let gbk = encoding_rs::GBK.encode(&text).0;
    let gbk_path = write(dir.path(), "gbk.csv", &gbk);
    let run = kam_env(&["abc", gbk_path.to_str().unwrap(), "--encoding", "gbk", "-q", "--format", "csv"], &TRACE);
    assert!(run.stderr.contains("orders loaded"), "{}", run.stderr);
    assert_eq!(run.stdout, streamed);
}

#[test]
fn parquet_and_csv_of_the_same_orders_give_the_same_table() {
    let dir = tempdir();
    let d = dir.path().to_str().unwrap();
    for (format, sub) in [("csv", "c"), ("parquet", "p")] {
        let out = format!("{d}/{sub}");
        let run = kam(&["generate", "--orders", "3000", "--seed", "3", "--format", format, "--out", &out, "-q"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let (from_csv, csv_read) = abc(&format!("{d}/c/orders.csv"));
    let (from_parquet, parquet_read) = abc(&format!("{d}/p/orders.parquet"));
    assert_eq!((csv_read, parquet_read), (Read::Fast, Read::Fast));
    assert_eq!(from_csv, from_parquet);
}

/// sample-data/orders.csv with one more line at the end: far past the 64 KiB the
/// scan reads for the header and delimiter.
fn with_last_line(line: &str) -> (tempfile::TempDir, String) {
    let dir = tempdir();
    let text = sample_orders() + line + "\n";
    let path = write(dir.path(), "orders.csv", text.as_bytes());
    (dir, path.to_str().unwrap().to_string())
}

#[test]
fn problems_past_the_start_of_the_file_are_still_found_and_located() {
    let rows = sample_orders().lines().count() - 1;
    let last = rows + 1;
    // A decimal comma splits the amount into an extra field: polars drops it when it
    // reads only some columns, so the scan reads the fields past the header itself.
    let (_d, path) = with_last_line("SO9999999,2024-06-30,C0001,x,P0001,y,华东,直销,张伟,1,12,50,10.00");
    let run = kam(&["abc", &path, "-q"]);
    assert_bad_input(&run, &[&format!("row {last} (line {})", last + 1), "fields but the header has 12"]);

    let (_d, path) = with_last_line("SO9999999,2024-06-30,C0001,x,P0001,y,华东,直销,张伟,1,12.505,10.00");
    let run = kam(&["abc", &path, "-q"]);
    assert_bad_input(&run, &[&format!("row {last}"), "'amount'", "3 decimal places"]);

    let (_d, path) = with_last_line("SO9999999,2024-02-30,C0001,x,P0001,y,华东,直销,张伟,1,12.50,10.00");
    let run = kam(&["abc", &path, "-q"]);
    assert_bad_input(&run, &[&format!("row {last}"), "'order_date'", "2024-02-30"]);
}

#[test]
fn a_trailing_delimiter_on_every_line_keeps_the_streamed_read() {
    let text: String = sample_orders().lines().map(|l| format!("{l},\n")).collect();
    let dir = tempdir();
    let path = write(dir.path(), "trailing.csv", text.as_bytes());
    let (with_trailing, read) = abc(path.to_str().unwrap());
    assert_eq!(read, Read::Fast, "empty fields past the header are harmless and need no thorough read");
    assert_eq!(with_trailing, abc(&sample("orders.csv")).0);
}

#[test]
fn files_with_and_without_an_optional_column_are_read_together() {
    // Split the sample in two; the second half loses customer_name. The names of
    // customers seen in the first half still show; the totals are those of the whole.
    // Several files are loaded, not streamed: every line is checked against the lines
    // of the earlier files for copies (overlapping exports, #16).
    let text = sample_orders();
    let lines: Vec<&str> = text.lines().collect();
    let half = lines.len() / 2;
    let name_at = lines[0].split(',').position(|h| h == "customer_name").unwrap();
    let drop_name = |l: &&str| -> String {
        l.split(',').enumerate().filter(|(i, _)| *i != name_at).map(|(_, f)| f).collect::<Vec<_>>().join(",")
    };
    let dir = tempdir();
    let first: String = lines[..half].iter().map(|l| format!("{l}\n")).collect();
    let second: String = std::iter::once(&lines[0]).chain(&lines[half..]).map(|l| drop_name(l) + "\n").collect();
    write(dir.path(), "part1.csv", first.as_bytes());
    write(dir.path(), "part2.csv", second.as_bytes());
    let glob = format!("{}/part*.csv", dir.path().display());
    let run = kam_env(&["abc", &glob, "-q", "--format", "csv"], &TRACE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("orders loaded: the scan declined"), "{}", run.stderr);
    let whole = abc(&sample("orders.csv")).0;
    assert_eq!(column(&run.stdout, "sales"), column(&whole, "sales"));
    assert_eq!(column(&run.stdout, "customer_id"), column(&whole, "customer_id"));
}

/// `kam abc` and `kam products` check identifiers and names for surrounding space on
/// their result (products: its sums per key, which keep keys with lines outside the
/// period), not on every line: a padded value that decides nothing leaves the fast
/// read alone, one that does sends kam to the thorough read. Expected tables worked
/// out by hand from the rows below.
#[test]
fn padded_text_is_judged_by_the_result_where_the_result_shows_it() {
    let text = "order_date,customer_id,customer_name,product_id,product_name,amount\n\
                2023-06-01, C1,Old,P9 ,Alpha,5.00\n\
                2024-03-01,C1,Acme,P9,Beta,10.00\n\
                2024-03-01,C2,Bravo,P8,Gamma,20.00\n\
                2024-03-02,C2, Bravo ,P8, Gamma ,1.00\n";
    let dir = tempdir();
    let file = write(dir.path(), "padded.csv", text.as_bytes());
    let file = file.to_str().unwrap();
    let row = |table: &str, key: &str| csv_rows(table).into_iter().find(|r| r.contains(&key.to_string())).unwrap();

    // From 2024: the padded id is outside the period and C2's padded name is not its first.
    let (table, read) = traced(&["abc", file, "--from", "2024-01-01", "-q", "--format", "csv"]);
    assert_eq!(read, Read::Fast);
    assert_eq!(column(&table, "customer_id"), ["C2", "C1"]);
    assert_eq!(column(&table, "customer_name"), ["Bravo", "Acme"]);
    assert_eq!(column(&table, "sales"), ["21.00", "10.00"]);
    // All of 2023 and 2024: " C1" is C1's first line, so C1 sells 15.00 under the name Old.
    let (table, read) = abc(file);
    assert_eq!(read, Read::Thorough);
    assert_eq!(column(&table, "customer_name"), ["Bravo", "Old"]);
    assert_eq!(column(&table, "sales"), ["21.00", "15.00"]);

    // products from 2024: "P9 " (2023) has no row in the table, but its name Alpha is P9's first.
    let (table, read) = traced(&["products", file, "--from", "2024-01-01", "-q", "--format", "csv"]);
    assert_eq!(read, Read::Thorough);
    let p9 = row(&table, "P9");
    assert!(p9.contains(&"Alpha".to_string()) && p9.contains(&"10.00".to_string()), "{p9:?}");
    let (table, read) = traced(&["products", file, "-q", "--format", "csv"]);
    assert_eq!(read, Read::Thorough);
    let p9 = row(&table, "P9");
    assert!(p9.contains(&"Alpha".to_string()) && p9.contains(&"15.00".to_string()), "{p9:?}");
    // P8's padded name comes second: products keeps the fast read, with a period or not.
    let p8_only: String = text.lines().filter(|l| !l.contains("P9")).map(|l| format!("{l}\n")).collect();
    let file = write(dir.path(), "p8.csv", p8_only.as_bytes());
    let (table, read) = traced(&["products", file.to_str().unwrap(), "-q", "--format", "csv"]);
    assert_eq!(read, Read::Fast);
    assert_eq!(column(&table, "product_name"), ["Gamma"]);
    assert_eq!(column(&table, "sales"), ["21.00"]);
    let (table, read) = traced(&["products", file.to_str().unwrap(), "--from", "2024-03-02", "-q", "--format", "csv"]);
    assert_eq!(read, Read::Fast);
    assert_eq!(column(&table, "product_name"), ["Gamma"]);
    assert_eq!(column(&table, "sales"), ["1.00"]);
}

/// In the fast pass polars' CSV reader parses quantities itself; one it cannot parse
/// ("1,000") stops that pass, and the thorough one reads it. Sums by hand: P1 2 + 1000,
/// P2 3 (written " 3", which polars' reader reads as 3 too).
#[test]
fn a_quantity_the_csv_reader_cannot_parse_is_read_thoroughly() {
    let text = "order_date,product_id,amount,quantity\n\
                2024-01-01,P1,10.00,2\n\
                2024-01-02,P1,5.00,\"1,000\"\n\
                2024-01-03,P2,1.00, 3\n";
    let dir = tempdir();
    let file = write(dir.path(), "quantities.csv", text.as_bytes());
    let (table, read) = traced(&["products", file.to_str().unwrap(), "-q", "--format", "csv"]);
    assert_eq!(read, Read::Thorough);
    assert_eq!(column(&table, "product_id"), ["P1", "P2"]);
    assert_eq!(column(&table, "quantity"), ["1002", "3"]);
    let clean = text.replace("\"1,000\"", "1000");
    let file = write(dir.path(), "clean.csv", clean.as_bytes());
    let (streamed, read) = traced(&["products", file.to_str().unwrap(), "-q", "--format", "csv"]);
    assert_eq!(read, Read::Fast);
    assert_eq!(streamed, table);
}

#[test]
fn long_lines_at_the_start_still_stream() {
    // 60 lines of 2 KB: the 50 lines the delimiter sniffer reads are past the first 64 KiB.
    let mut text = String::from("customer_id;customer_name;amount\n");
    for i in 0..60 {
        text.push_str(&format!("C{};{};{}.50\n", i % 7, "x".repeat(2000), i));
    }
    let dir = tempdir();
    let path = write(dir.path(), "long.csv", text.as_bytes());
    let (table, read) = abc(path.to_str().unwrap());
    assert_eq!(read, Read::Fast);
    // C0 has rows 0, 7, ..., 56: 9 rows, 0+7+...+56 = 252, plus 9 × 0.50.
    let rows = csv_rows(&table);
    let c0 = rows.iter().find(|r| r[1] == "C0").expect("C0");
    assert!(c0.contains(&"256.50".to_string()), "{c0:?}");
}

/// `kam products` with inventory and no period: the period's ends come from a first
/// streamed pass over the order dates, then the computation streams; the same table
/// as from the same orders in GBK, which kam reads whole, and from stdin.
#[test]
fn products_with_inventory_stream_twice_and_match_the_whole_read() {
    let inventory = sample("inventory.csv");
    let args = |orders: &str| -> Vec<String> {
        ["products", orders, "--inventory", &inventory, "-q", "--format", "csv"].map(String::from).to_vec()
    };
    let streamed_args = args(&sample("orders.csv"));
    let run = kam_env(&streamed_args, &TRACE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("orders streamed, Fast pass").count(), 2, "{}", run.stderr);
    assert!(!run.stderr.contains("orders loaded"), "{}", run.stderr);

    let dir = tempdir();
    let gbk = write(dir.path(), "gbk.csv", &encoding_rs::GBK.encode(&sample_orders()).0);
    let mut whole_args = args(gbk.to_str().unwrap());
    whole_args.extend(["--encoding".into(), "gbk".into()]);
    let whole = kam_env(&whole_args, &TRACE);
    assert!(whole.stderr.contains("orders loaded"), "{}", whole.stderr);
    assert_eq!(run.stdout, whole.stdout);
    assert!(column(&run.stdout, "closing_qty").iter().any(|q| !q.is_empty()), "inventory levels are filled");
    // Stdin is copied to a temporary file once, then streamed twice like the file.
    let piped = kam_stdin_env(&["products", "-", "--inventory", &inventory, "-q", "--format", "csv"], sample_orders().as_bytes(), &TRACE);
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(piped.stderr.matches("orders streamed, Fast pass").count(), 2, "{}", piped.stderr);
    assert_eq!(piped.stdout, run.stdout);
}

/// Quoted names holding commas, doubled quotes and line breaks, of every length up to
/// 150 bytes so they cross the 64-byte blocks of the line and field scans (kam's patch
/// to polars-io, vendor/README.md). polars slices the mapped file into chunks of 32 KiB,
/// 128 KiB, then 512 KiB, each carrying the unfinished line of the one before (the
/// patch's second change); 12,000 rows (about 1.3 MB) put four chunk edges among them.
/// The expected table is summed here from the rows as written.
#[test]
fn quoted_fields_across_scan_blocks_and_chunk_edges_are_read_whole() {
    use rust_decimal::Decimal;
    use std::collections::BTreeMap;
    let pieces = ["Acme", ", Ltd", " \"East\"", "\nBranch", "商贸", " & Co", ",", "\"", "\r\n2F"];
    let name = |k: usize| -> String {
        let mut s = format!("N{k}");
        let mut i = k;
        while s.len() < k * 150 / 40 {
            s.push_str(pieces[i % pieces.len()]);
            i = (i * 7 + 3) % 1009;
        }
        s + "."
    };
    let mut file = csv::Writer::from_writer(Vec::new());
    file.write_record(["order_date", "customer_id", "customer_name", "amount"]).unwrap();
    let mut expected: BTreeMap<String, (String, Decimal)> = BTreeMap::new();
    for row in 0..12_000usize {
        let k = row * 17 % 41;
        let cents = (row * 7919 % 100_000) as i64 + 1;
        let (id, amount) = (format!("C{k:03}"), Decimal::new(cents, 2));
        file.write_record([&format!("2024-03-{:02}", row % 28 + 1), &id, &name(k), &amount.to_string()]).unwrap();
        expected.entry(id).or_insert((name(k), Decimal::ZERO)).1 += amount;
    }
    let dir = tempdir();
    let path = write(dir.path(), "quoted.csv", &file.into_inner().unwrap());
    let run = kam_env(&["abc", path.to_str().unwrap(), "-q", "--format", "csv"], &TRACE);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("orders streamed"), "the scan must read this file: {}", run.stderr);
    let ids = column(&run.stdout, "customer_id");
    let names = column(&run.stdout, "customer_name");
    let sales = column(&run.stdout, "sales");
    let got: BTreeMap<String, (String, Decimal)> = (0..ids.len())
        .map(|i| (ids[i].clone(), (names[i].clone(), sales[i].parse().unwrap())))
        .collect();
    assert_eq!(got.len(), expected.len());
    for (id, want) in &expected {
        assert_eq!(&got[id], want, "customer {id}");
    }
}
