//! Bad input: exit code 2 and a message naming the file, the row and the column.
//! Failed runs never damage an existing output file.

use crate::common::*;

#[test]
fn bad_date_on_row_57() {
    let run = kam(&["abc", &data("bad_date_row57.csv")]);
    assert_bad_input(&run, &["bad_date_row57.csv", "row 57", "line 58", "order_date", "2024-02-30"]);
}

#[test]
fn missing_column_lists_what_is_there() {
    let dir = tempdir();
    let p = write(dir.path(), "m.csv", b"order_date,client_name,amount\n2024-01-01,x,5\n");
    let run = kam(&["abc", p.to_str().unwrap()]);
    assert_bad_input(&run, &["m.csv", "customer_id", "client_name", "--col customer_id="]);
}

#[test]
fn unparseable_amount_names_row_column_and_value() {
    let dir = tempdir();
    let p = write(dir.path(), "a.csv", b"customer_id,amount\nC1,5.00\nC2,12.5x\nC3,abc\n");
    let run = kam(&["abc", p.to_str().unwrap()]);
    assert_bad_input(&run, &["a.csv", "row 2", "line 3", "'amount'", "12.5x", "2 rows"]);
    let skipped = kam(&["abc", p.to_str().unwrap(), "--skip-bad-rows", "--format", "csv"]);
    assert_eq!(skipped.code, 0, "{}", skipped.stderr);
    assert!(skipped.stderr.contains("skipped 2 of 3 rows"), "{}", skipped.stderr);
    assert_eq!(column(&skipped.stdout, "customer_id"), ["C1"]);
}

#[test]
fn too_many_decimals_are_refused_not_rounded() {
    let dir = tempdir();
    let p = write(dir.path(), "d.csv", b"customer_id,amount\nC1,1.005\n");
    let run = kam(&["abc", p.to_str().unwrap()]);
    assert_bad_input(&run, &["d.csv", "row 1", "3 decimal places", "--money-scale 3"]);
    let ok = kam(&["abc", p.to_str().unwrap(), "--money-scale", "3", "--format", "csv", "-q"]);
    assert_eq!(column(&ok.stdout, "sales"), ["1.005"]);
}

#[test]
fn empty_file_and_header_only() {
    let dir = tempdir();
    let empty = write(dir.path(), "empty.csv", b"");
    assert_bad_input(&kam(&["abc", empty.to_str().unwrap()]), &["empty.csv", "empty"]);
    let header = write(dir.path(), "header.csv", b"customer_id,amount\n");
    assert_bad_input(&kam(&["abc", header.to_str().unwrap()]), &["header.csv", "no data rows"]);
}

#[test]
fn wrong_delimiter_is_explained() {
    let dir = tempdir();
    let p = write(dir.path(), "semi.csv", b"customer_id;amount\nC1;5\n");
    let run = kam(&["abc", p.to_str().unwrap(), "--delimiter", ","]);
    assert_bad_input(&run, &["semi.csv", "--delimiter ';'"]);
    // Without the wrong option the delimiter is detected.
    assert_eq!(kam(&["abc", p.to_str().unwrap(), "-q"]).code, 0);
}

#[test]
fn ragged_row_is_located() {
    let dir = tempdir();
    let p = write(dir.path(), "r.csv", b"customer_id,amount\nC1,5\nC2,6,7\n");
    let run = kam(&["abc", p.to_str().unwrap()]);
    assert_bad_input(&run, &["r.csv", "row 2", "line 3", "3 fields", "header has 2"]);
}

#[test]
fn missing_file_and_bad_options() {
    assert_bad_input(&kam(&["abc", "/nonexistent/x.csv"]), &["/nonexistent/x.csv"]);
    assert_bad_input(&kam(&["abc", &data("abc_hand.csv"), "--thresholds", "0.9,0.3"]), &["A + B <= 1"]);
    assert_bad_input(&kam(&["abc", &data("abc_hand.csv"), "--from", "2024-13-01"]), &["--from", "2024-13-01"]);
    // clap's own usage errors are exit 2 too.
    assert_eq!(kam(&["abc", &data("abc_hand.csv"), "--no-such-option"]).code, 2);
}

#[test]
fn failed_run_leaves_the_previous_output_intact() {
    let dir = tempdir();
    let out = dir.path().join("abc.csv");
    let good = kam(&["abc", &data("abc_hand.csv"), "-o", out.to_str().unwrap(), "-q"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    let before = std::fs::read(&out).unwrap();
    let bad = kam(&["abc", &data("bad_date_row57.csv"), "-o", out.to_str().unwrap()]);
    assert_eq!(bad.code, 2);
    assert_eq!(std::fs::read(&out).unwrap(), before, "the last good output was changed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind: {leftovers:?}");
}

/// `-o` of a named pipe (as of /dev/null or /dev/stdout) writes into it: the atomic
/// write's rename would put a file in its place (run as root, `-o /dev/null` replaced
/// the device with a file). The reader gets the same CSV as a file does.
#[cfg(unix)]
#[test]
fn output_to_a_pipe_writes_into_it_and_leaves_it_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let fifo = dir.path().join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // Read on a thread that reports back, so that a pipe nobody writes fails the test
    // instead of blocking it.
    let (sender, piped) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || sender.send(std::fs::read(path).unwrap()));
    let run = kam(&["abc", &data("abc_hand.csv"), "-o", fifo.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let piped = piped.recv_timeout(std::time::Duration::from_secs(30)).expect("kam wrote nothing into the pipe");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe was replaced");
    let file = dir.path().join("abc.csv");
    let run = kam(&["abc", &data("abc_hand.csv"), "-o", file.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(piped, std::fs::read(&file).unwrap());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no temporary file left beside the pipe: {names:?}");
}

/// A Windows (CRLF) export with two bad dates: the message names row 11 on line 12
/// (line 1 is the header), as for LF and CR-only files. It said line 11 before.
#[test]
fn line_numbers_are_right_with_crlf_and_cr_line_ends() {
    let dir = tempdir();
    for (name, end) in [("crlf.csv", "\r\n"), ("lf.csv", "\n"), ("cr.csv", "\r")] {
        let mut text = format!("order_date,customer_id,amount{end}");
        for i in 1..=20 {
            let date = if i == 11 || i == 15 { "2024-01-0x" } else { "2024-01-05" };
            text.push_str(&format!("{date},C{i},10.00{end}"));
        }
        let path = write(dir.path(), name, text.as_bytes());
        let run = kam(&["abc", path.to_str().unwrap()]);
        assert_bad_input(&run, &["row 11 (line 12)", "2 rows in this column have problems"]);
    }
}
