//! `kam abc` end to end on files whose split was worked out by hand.

use crate::common::*;

// tests/data/abc_hand.csv, by hand (net sales per customer):
//   A1 300 + 200 = 500.00     B1 250.00     B2 120 + 10.10 - 10.10 = 120.00 (a return)
//   C1 80.00   T1 80.00 (tie with C1: key order)   C2 30.00   C3 20.00
//   Z0 15 - 15 = 0.00 (zero sales)   R1 -5.00 (returns only)      total 1075.00
// cum_before / total:  A1 0 -> A;  B1 500/1075 = .465 -> A;  B2 750/1075 = .698 -> A;
//   C1 870/1075 = .809 -> B;  T1 950/1075 = .884 -> B;  C2 1030/1075 = .958 -> C;  C3 -> C;
//   Z0 and R1 (sales <= 0) -> C, listed last.
// Class sales: A 870.00, B 160.00, C 30 + 20 + 0 - 5 = 45.00; total 1075.00.

#[test]
fn customers_by_hand() {
    let run = kam(&["abc", &data("abc_hand.csv"), "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert_eq!(column(out, "customer_id"), ["A1", "B1", "B2", "C1", "T1", "C2", "C3", "Z0", "R1"]);
    assert_eq!(column(out, "class"), ["A", "A", "A", "B", "B", "C", "C", "C", "C"]);
    assert_eq!(
        column(out, "sales"),
        ["500.00", "250.00", "120.00", "80.00", "80.00", "30.00", "20.00", "0.00", "-5.00"]
    );
    assert_eq!(column(out, "rank"), ["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    // share = 500 / 1075 = 0.465116 (six decimals in CSV)
    assert_eq!(column(out, "share")[0], "0.465116");
    assert_eq!(column(out, "cum_share")[6], "1.004651"); // 1080 / 1075: returns come after
}

#[test]
fn summary_reconciles_to_the_cent() {
    let run = kam(&["abc", &data("abc_hand.csv"), "--summary", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "class"), ["A", "B", "C", "Total"]);
    assert_eq!(column(&run.stdout, "items"), ["3", "2", "4", "9"]);
    assert_eq!(column(&run.stdout, "sales"), ["870.00", "160.00", "45.00", "1075.00"]);
    // The summary and the Pareto check go to stderr when the items go to stdout.
    let items = kam(&["abc", &data("abc_hand.csv"), "--format", "csv"]);
    assert!(items.stderr.contains("Pareto check"), "{}", items.stderr);
    // top 20% of 9 items = 2 items (rounded up) = 750 / 1075 = 69.8%; 80% needs 4 items (870 < 860? no:
    // cum 500, 750, 870 >= 0.8 * 1075 = 860) -> 3 items.
    assert!(items.stderr.contains("(2 of 9) hold 69.8%"), "{}", items.stderr);
    assert!(items.stderr.contains("held by 3 customers"), "{}", items.stderr);
}

#[test]
fn products_and_custom_thresholds() {
    // Products: P1 300 + 120 + 80 + 20 = 520; P2 250 + 200 + 30 + 15 - 15 = 480; P3 10.10 - 10.10 + 80 - 5 = 75.
    // Total 1075. With A = 50%: P1 0 -> A; P2 520/1075 = .484 -> A; P3 1000/1075 = .930 < .50 + .45 -> B.
    let run = kam(&["abc", &data("abc_hand.csv"), "--by", "product", "--thresholds", "0.5,0.45", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "product_id"), ["P1", "P2", "P3"]);
    assert_eq!(column(&run.stdout, "sales"), ["520.00", "480.00", "75.00"]);
    assert_eq!(column(&run.stdout, "class"), ["A", "A", "B"]);
}

#[test]
fn period_filter_is_inclusive() {
    // February only: B2 120 + 10.10 - 10.10 = 120, C1 80, T1 80. Total 280.
    let run = kam(&["abc", &data("abc_hand.csv"), "--from", "2024-02-01", "--to", "2024-02-12", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["B2", "C1", "T1"]);
    assert_eq!(column(&run.stdout, "sales"), ["120.00", "80.00", "80.00"]);
}

#[test]
fn piped_output_chains_into_another_abc() {
    let first = kam(&["abc", &data("abc_hand.csv"), "-q"]);
    assert_eq!(first.code, 0);
    // Not a terminal: CSV by default. Classify the classes themselves.
    let second = kam_stdin(&["abc", "-", "--by", "class", "--format", "csv", "-q"], first.stdout.as_bytes());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(column(&second.stdout, "by_class"), ["A", "B", "C"]);
    assert_eq!(column(&second.stdout, "sales"), ["870.00", "160.00", "45.00"]);
}

/// Parquet and NDJSON on stdin are recognised by their content: no --input-format.
#[test]
fn piped_parquet_and_ndjson_need_no_input_format() {
    for format in ["parquet", "ndjson"] {
        let first = kam(&["abc", &data("abc_hand.csv"), "--format", format, "-q"]);
        assert_eq!(first.code, 0, "{format}: {}", first.stderr);
        let second = kam_stdin(&["abc", "-", "--by", "class", "--format", "csv", "-q"], &first.raw_stdout);
        assert_eq!(second.code, 0, "{format}: {}", second.stderr);
        assert_eq!(column(&second.stdout, "sales"), ["870.00", "160.00", "45.00"], "{format}");
    }
    // Parquet's magic bytes with the rest cut off: the Parquet reader says what is wrong.
    let cut = kam_stdin(&["abc", "-", "-q"], b"PAR1\x15\x04");
    assert_bad_input(&cut, &["<stdin>", "Parquet"]);
}

#[test]
fn every_output_format_carries_the_same_money() {
    let dir = tempdir();
    for (format, needle) in [
        ("json", "\"sales\":\"500.00\""),
        ("ndjson", "\"sales\":\"500.00\""),
        ("markdown", "| 1 | A1 | 500.00 |"),
        ("tsv", "1\tA1\t500.00"),
        ("table", "500.00"),
    ] {
        let run = kam(&["abc", &data("abc_hand.csv"), "--format", format, "-q"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(run.stdout.contains(needle), "{format}: {}", run.stdout);
    }
    // Parquet written with -o, read back by kam itself.
    let pq = dir.path().join("abc.parquet");
    let run = kam(&["abc", &data("abc_hand.csv"), "-o", pq.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let back = kam(&["abc", pq.to_str().unwrap(), "--format", "csv", "-q"]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(column(&back.stdout, "sales")[0], "500.00");
}

#[test]
fn several_files_and_globs_equal_the_whole() {
    let dir = tempdir();
    let text = std::fs::read_to_string(data("abc_hand.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (header, body) = (lines[0], &lines[1..]);
    let part1 = format!("{header}\n{}\n", body[..6].join("\n"));
    let part2 = format!("{header}\n{}\n", body[6..].join("\n"));
    write(dir.path(), "part1.csv", part1.as_bytes());
    write(dir.path(), "part2.csv", part2.as_bytes());
    let whole = kam(&["abc", &data("abc_hand.csv"), "--format", "csv", "-q"]);
    let glob = format!("{}/part*.csv", dir.path().display());
    let parts = kam(&["abc", &glob, "--format", "csv", "-q"]);
    assert_eq!(parts.code, 0, "{}", parts.stderr);
    assert_eq!(whole.stdout, parts.stdout);
}

#[test]
fn chinese_headers_gbk_and_bom() {
    let dir = tempdir();
    let text = "单据日期,客户编码,存货编码,金额\n2024/3/5,C1,P1,\"1,234.50\"\n20240306,C2,P1,￥100\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let gbk_path = write(dir.path(), "gbk.csv", &gbk);
    let refused = kam(&["abc", gbk_path.to_str().unwrap()]);
    assert_bad_input(&refused, &["gbk.csv", "line 1", "--encoding gbk"]);
    let read = kam(&["abc", gbk_path.to_str().unwrap(), "--encoding", "gbk", "--format", "csv", "-q"]);
    assert_eq!(read.code, 0, "{}", read.stderr);
    assert_eq!(column(&read.stdout, "sales"), ["1234.50", "100.00"]);
    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let bom_path = write(dir.path(), "bom.csv", &bom);
    let read = kam(&["abc", bom_path.to_str().unwrap(), "--format", "csv", "-q"]);
    assert_eq!(read.code, 0, "{}", read.stderr);
    assert_eq!(column(&read.stdout, "customer_id"), ["C1", "C2"]);
}

#[test]
fn column_mapping_by_option_and_config() {
    let dir = tempdir();
    write(dir.path(), "x.csv", b"Kunde;Umsatz;Datum\nK1;10.50;2024-01-01\nK2;5.25;2024-01-02\n");
    let run = kam_in(Some(dir.path()), &["abc", "x.csv", "--col", "customer_id=Kunde", "--col", "amount=Umsatz", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "sales"), ["10.50", "5.25"]);
    write(dir.path(), "kam.toml", "[columns]\ncustomer_id = \"Kunde\"\namount = \"Umsatz\"\n".as_bytes());
    let run = kam_in(Some(dir.path()), &["abc", "x.csv", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["K1", "K2"]);
}

#[test]
fn columns_in_any_order() {
    // Roles are found by name wherever they stand in the file.
    let dir = tempdir();
    write(dir.path(), "o.csv", "金额,备注,客户编码,单据日期\n10.00,x,K2,2024-01-02\n30.00,,K1,2024-01-01\n".as_bytes());
    let run = kam_in(Some(dir.path()), &["abc", "o.csv", "--format", "csv", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(column(&run.stdout, "customer_id"), ["K1", "K2"]);
    assert_eq!(column(&run.stdout, "sales"), ["30.00", "10.00"]);
}
