//! CSV text: decoded (UTF-8 with or without BOM, or GBK on request), its delimiter
//! sniffed, title rows above the header skipped, and read with every column as text:
//! typing happens in values/, where a bad value can be reported with its row.

use std::io::Cursor;

use polars::prelude::*;

use super::header;
use crate::tables::Encoding;
use crate::error::bad_input;

/// What is known about a CSV source once it is decoded.
pub struct CsvText {
    /// The whole file as UTF-8, BOM removed.
    pub text: Vec<u8>,
    pub delimiter: u8,
    pub delimiter_detected: bool,
    pub encoding: &'static str,
    /// Lines above `text`'s header line in the file (title rows, a second header row):
    /// added to a line of `text` to give the file's line.
    pub line_offset: u64,
}

/// Decode CSV bytes to UTF-8 text, removing a BOM. Returns the text and the encoding seen.
pub fn decode(name: &str, bytes: Vec<u8>, encoding: Encoding) -> anyhow::Result<(Vec<u8>, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(bad_input(format!(
            "{name}: the file is UTF-16; save it as UTF-8 (or convert it: iconv -f utf-16 -t utf-8)"
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(bad_input(format!(
            "{name}: this is a ZIP archive (an Excel .xlsx workbook?), not CSV text: save the sheet as CSV (UTF-8)"
        )));
    }
    // (reliability fix) UTF-16 without a byte-order mark used to be read as UTF-8 with a NUL
    // between letters, and failed later with a confusing "no column" message.
    if let Some(order) = utf16_without_bom(&bytes) {
        return Err(bad_input(format!(
            "{name}: the file looks like UTF-16 ({order}, no byte-order mark); save it as UTF-8 \
             (or convert it: iconv -f utf-16{} -t utf-8)",
            if order == "little-endian" { "le" } else { "be" }
        )));
    }
    if encoding == Encoding::Gbk {
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
        if had_errors {
            let line = text.split('\u{FFFD}').next().map_or(0, |s| s.matches('\n').count()) + 1;
            return Err(bad_input(format!(
                "{name}: line {line} is not valid GBK/GB18030 text; check the file's encoding (--encoding utf8?)"
            )));
        }
        let text = text.trim_start_matches('\u{feff}');
        return Ok((text.as_bytes().to_vec(), "gbk"));
    }
    let (bytes, encoding_name) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest.to_vec(), "utf-8 (BOM)"),
        None => (bytes, "utf-8"),
    };
    if let Err(e) = std::str::from_utf8(&bytes) {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let gbk_reads = !encoding_rs::GB18030.decode_without_bom_handling(&bytes).1;
        let hint = if gbk_reads {
            "It reads cleanly as GBK, common in Chinese ERP exports: pass --encoding gbk (or convert: iconv -f gbk -t utf-8)"
        } else {
            "Save the export as UTF-8, or pass --encoding gbk for GBK files"
        };
        return Err(bad_input(format!(
            "{name}: line {line} is not valid UTF-8 (byte {at}). {hint}"
        )));
    }
    Ok((bytes, encoding_name))
}

/// "little-endian" or "big-endian" when the start of the file is ASCII text stored as
/// UTF-16: a NUL byte after (or before) every character of the first line.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(64).collect();
    if pairs.len() < 4 {
        return None;
    }
    let most = |f: &dyn Fn(&[u8]) -> bool| pairs.iter().filter(|p| f(p)).count() * 10 >= pairs.len() * 9;
    if most(&|p| p[0] != 0 && p[1] == 0) {
        Some("little-endian")
    } else if most(&|p| p[0] == 0 && p[1] != 0) {
        Some("big-endian")
    } else {
        None
    }
}

/// Parse a `--delimiter` value: one character, or `tab` / `\t`.
pub fn parse_delimiter(s: &str) -> anyhow::Result<u8> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(bad_input(format!("--delimiter takes one ASCII character or 'tab', not '{s}'"))),
    }
}

pub fn csv_text(name: &str, text: Vec<u8>, encoding: &'static str, delimiter: Option<u8>) -> anyhow::Result<CsvText> {
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad_input(format!(
            "{name}: the file is empty: expected a header line naming the columns \
             (e.g. order_date,customer_id,product_id,amount) and data rows below it"
        )));
    }
    // (reliability fix) Old Mac exports end lines with a lone CR. The csv crate (headers) took
    // CR as a line end and polars (rows) did not, so the two disagreed and the run failed with
    // an internal "not found" error. A file without any LF gets its CRs read as line ends.
    let mut text = text;
    if !text.contains(&b'\n') && text.contains(&b'\r') {
        for b in text.iter_mut().filter(|b| **b == b'\r') {
            *b = b'\n';
        }
    }
    // (reliability fix) Blank lines at the end of a file are not rows: polars read each one as
    // a row of empty values and the run stopped on "customer_id is empty". Cut the text after
    // the line holding the last non-blank character (line numbers are unchanged).
    if let Some(last) = text.iter().rposition(|b| !b.is_ascii_whitespace()) {
        let end = text[last..].iter().position(|&b| b == b'\n').map_or(text.len(), |i| last + i + 1);
        text.truncate(end);
    }
    let (delimiter, delimiter_detected) = match delimiter {
        Some(d) => (d, false),
        None => (sniff_delimiter(&text), true),
    };
    Ok(CsvText { text, delimiter, delimiter_detected, encoding, line_offset: 0 })
}

const DELIMITER_CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Count a byte outside double quotes in one line.
fn count_unquoted(line: &[u8], byte: u8) -> usize {
    let mut in_quotes = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == byte && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Pick the candidate that appears in the header and the same number of times
/// on most of the first lines; ',' when nothing fits (a one-column file).
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(50)
        .collect();
    // A title line above the header ("Sales Document List") has no delimiter at all:
    // the header is the first line with one.
    let Some(first) = lines.iter().position(|l| DELIMITER_CANDIDATES.iter().any(|&d| count_unquoted(l, d) > 0)).or((!lines.is_empty()).then_some(0)) else {
        return b',';
    };
    let lines = &lines[first..];
    let header = &lines[0];
    DELIMITER_CANDIDATES
        .iter()
        .map(|&d| {
            let in_header = count_unquoted(header, d);
            let consistent = lines.iter().filter(|l| count_unquoted(l, d) == in_header).count();
            (d, in_header, consistent)
        })
        .filter(|&(_, in_header, _)| in_header > 0)
        .max_by_key(|&(d, in_header, consistent)| {
            // Prefer consistency, then more fields, then the candidate order.
            let rank = DELIMITER_CANDIDATES.len() - DELIMITER_CANDIDATES.iter().position(|&c| c == d).unwrap();
            (consistent, in_header, rank)
        })
        .map_or(b',', |(d, _, _)| d)
}

fn csv_reader(c: &CsvText, has_headers: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(c.delimiter)
        .has_headers(has_headers)
        .flexible(true)
        .from_reader(&c.text[..])
}

#[cfg(test)]
fn csv_headers(name: &str, c: &CsvText) -> anyhow::Result<Vec<String>> {
    let mut reader = csv_reader(c, false);
    let mut record = csv::StringRecord::new();
    reader
        .read_record(&mut record)
        .map_err(|e| bad_input(format!("{name}: cannot read the header line: {e}")))?;
    Ok(record.iter().map(|h| h.trim().to_string()).collect())
}

/// Find the header among the first records (`header::pick`) and, when it is not the
/// first line alone, cut the title rows off `c.text` and put the (joined) header on
/// its first line, so every reader sees a plain CSV; line numbers stay the file's.
pub fn take_header(name: &str, c: &mut CsvText, forced: Option<usize>) -> anyhow::Result<header::HeaderPick> {
    let mut reader = csv_reader(c, false);
    let mut rows = Vec::new();
    let mut starts = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < header::LOOK_AT + 2 {
        let position = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(true) => {
                starts.push(position.byte() as usize);
                rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
            }
            Ok(false) => break,
            Err(e) if rows.is_empty() => return Err(bad_input(format!("{name}: cannot read the header line: {e}"))),
            Err(_) => break,
        }
    }
    if rows.is_empty() {
        return Err(bad_input(format!("{name}: cannot read the header line")));
    }
    let pick = header::pick(&rows, forced);
    if pick.index >= rows.len() {
        return Err(bad_input(format!("{name}: --header-row {} is past the end of the file", pick.index + 1)));
    }
    if !pick.is_first_row() {
        let start = starts.get(pick.skipped()).map_or(c.text.len(), |&byte| record_start(&c.text, byte));
        let line = line_of_byte(c, start);
        let mut writer = csv::WriterBuilder::new().delimiter(c.delimiter).from_writer(Vec::new());
        writer.write_record(&pick.names).map_err(|e| bad_input(format!("{name}: {e}")))?;
        let mut text = writer.into_inner().map_err(|e| bad_input(format!("{name}: {e}")))?;
        text.extend_from_slice(&c.text[start.min(c.text.len())..]);
        c.text = text;
        // The data's first line, `line` in the file, is line 2 of the new text.
        c.line_offset = line.saturating_sub(2);
    }
    Ok(pick)
}

/// The 1-based line on which data row `row` (1-based, header excluded) starts.
pub fn line_of_row(c: &CsvText, row: usize) -> Option<u64> {
    let mut reader = csv_reader(c, true);
    let mut record = csv::ByteRecord::new();
    for _ in 0..row {
        if !reader.read_byte_record(&mut record).ok()? {
            return None;
        }
    }
    record.position().map(|p| line_at(c, p))
}

/// The file line on which a record starts. csv's own line count lags by one after a
/// CRLF header (the '\n' is taken as the start of the next record), so lines are
/// counted from the byte offset: "\r\n", "\n" and a lone "\r" each end one line.
fn line_at(c: &CsvText, position: &csv::Position) -> u64 {
    line_of_byte(c, record_start(&c.text, position.byte() as usize))
}

/// Where the record csv places at `byte` starts: past the '\n' of a CRLF that csv
/// leaves in front of it. Only that '\n' is skipped: a blank line is a record of its own.
fn record_start(text: &[u8], byte: usize) -> usize {
    let start = byte.min(text.len());
    if start > 0 && text.get(start) == Some(&b'\n') && text[start - 1] == b'\r' {
        start + 1
    } else {
        start
    }
}

/// The file line of the text's byte `start`.
fn line_of_byte(c: &CsvText, start: usize) -> u64 {
    let before = &c.text[..start];
    let ends = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count() as u64;
    1 + ends + c.line_offset
}

/// The first data row of which `test` holds: (row, line, fields), 1-based, header excluded.
fn first_row(c: &CsvText, test: impl Fn(&csv::ByteRecord) -> bool) -> Option<(usize, u64, usize)> {
    let mut reader = csv_reader(c, true);
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while reader.read_byte_record(&mut record).ok()? {
        row += 1;
        if test(&record) {
            return Some((row, record.position().map_or(c.line_offset, |p| line_at(c, p)), record.len()));
        }
    }
    None
}

/// Find the first data row whose field count differs from the header's.
fn ragged_row(c: &CsvText, width: usize) -> Option<(usize, u64, usize)> {
    first_row(c, |record| record.len() != width)
}

/// The first quote that RFC 4180 does not allow: inside a field that does not start with
/// one, or after a closing quote. Returns (data row, line), both 1-based (header excluded).
fn stray_quote(c: &CsvText) -> Option<(usize, usize)> {
    let (d, text) = (c.delimiter, &c.text);
    let (mut line, mut record, mut i) = (1usize, 0usize, 0usize);
    let mut field_start = true;
    let mut in_quotes = false;
    while i < text.len() {
        let b = text[i];
        if in_quotes {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                    let next = text.get(i + 1).copied();
                    if !matches!(next, None | Some(b'\n' | b'\r')) && next != Some(d) {
                        return (record > 0).then_some((record, line + c.line_offset as usize));
                    }
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else if b == b'"' {
            if !field_start {
                return (record > 0).then_some((record, line + c.line_offset as usize));
            }
            in_quotes = true;
        } else if b == b'\n' {
            line += 1;
            record += 1;
        }
        field_start = !in_quotes && (b == d || b == b'\n');
        i += 1;
    }
    None
}

/// The first data row with a non-empty field beyond the header's width:
/// (row, line, fields). Empty extra fields (a trailing delimiter) are harmless.
fn row_with_extra_fields(c: &CsvText, width: usize) -> Option<(usize, u64, usize)> {
    first_row(c, |record| record.len() > width && record.iter().skip(width).any(|f| !f.iter().all(u8::is_ascii_whitespace)))
}

pub fn read_csv_columns(name: &str, c: &CsvText, positions: &[usize], headers: &[String]) -> anyhow::Result<DataFrame> {
    let width = headers.len();
    let parse = CsvParseOptions::default()
        .with_separator(c.delimiter)
        .with_quote_char(Some(b'"'))
        .with_missing_is_null(true)
        // Extra fields are checked below, the same way with or without a projection.
        .with_truncate_ragged_lines(true);
    let result = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_projection(Some(Arc::new(positions.to_vec())))
        .with_parse_options(parse)
        .into_reader_with_file_handle(Cursor::new(&c.text[..]))
        .finish();
    match result {
        Ok(mut df) => {
            // (reliability fix) polars silently dropped fields beyond the header's width, so
            // `C3,12,5` (a decimal comma) was read as 12.00: a wrong total, no error.
            if let Some((row, line, fields)) = row_with_extra_fields(c, width) {
                return Err(bad_input(format!(
                    "{name}: row {row} (line {line}) has {fields} fields but the header has {width}; \
                     check the delimiter ('{}'), a decimal comma, and the quoting of that line",
                    c.delimiter as char
                )));
            }
            // (reliability fix) polars names columns by its own reading of the header, which
            // keeps spaces (" Amount ") where kam's headers are trimmed: callers then failed to
            // select them ("not found", exit 1). Name the columns (returned in file order) by
            // kam's headers, except headers that are not unique.
            let mut sorted = positions.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            if df.width() == sorted.len() {
                let names: Vec<PlSmallStr> = sorted
                    .iter()
                    .zip(df.get_column_names_owned())
                    .map(|(&i, current)| {
                        let unique = headers.iter().filter(|h| **h == headers[i]).count() == 1;
                        if unique { headers[i].as_str().into() } else { current }
                    })
                    .collect();
                if let Err(e) = df.set_column_names(&names) {
                    return Err(bad_input(format!("{name}: cannot read the header line: {e}")));
                }
            }
            Ok(df)
        }
        Err(e) => match ragged_row(c, width) {
            Some((row, line, fields)) => Err(bad_input(format!(
                "{name}: row {row} (line {line}) has {fields} fields but the header has {width}; \
                 check the delimiter ('{}') and the quoting of that line",
                c.delimiter as char
            ))),
            // (reliability fix) A quote inside an unquoted field (`12" pipes`) made polars
            // fail with "CSV malformed" and no row: name the row and line.
            None => match stray_quote(c) {
                Some((row, line)) => Err(bad_input(format!(
                    "{name}: row {row} (line {line}) has a quote (\") inside a field that does not start with one; \
                     quote the whole field and double the inner quote (\"12\"\" pipes\"), or remove it"
                ))),
                None => Err(bad_input(format!("{name}: cannot read CSV: {e}"))),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::Encoding;

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n\"x|y\"|2\n"), b'|');
        assert_eq!(sniff_delimiter(b"single\n1\n"), b',');
    }

    fn csv(text: &[u8]) -> CsvText {
        csv_text("f.csv", text.to_vec(), "utf-8", None).unwrap()
    }

    fn read_all_columns(text: &[u8]) -> anyhow::Result<DataFrame> {
        let c = csv(text);
        let headers = csv_headers("f.csv", &c)?;
        read_csv_columns("f.csv", &c, &(0..headers.len()).collect::<Vec<_>>(), &headers)
    }

    // Regression tests for the reliability fixes (docs/reliability.md).
    #[test]
    fn extra_non_empty_fields_are_an_error_but_a_trailing_delimiter_is_not() {
        let err = read_all_columns(b"customer_id,amount\nC1,5\nC2,12,5\n").unwrap_err().to_string();
        assert!(err.contains("row 2 (line 3) has 3 fields but the header has 2"), "{err}");
        let ok = read_all_columns(b"customer_id,amount\nC1,5,\nC2,6, \n").unwrap();
        assert_eq!(ok.height(), 2);
    }

    #[test]
    fn a_stray_quote_is_located() {
        let err = read_all_columns(b"id,name,amount\nC1,x,5\nC1,Acme 12\" pipes,5.00\nC2,Beta,6.00\n").unwrap_err().to_string();
        assert!(err.contains("row 2 (line 3) has a quote"), "{err}");
        let c = csv(b"id,name\n\"a\nb\",x\n\"q\"x,y\n");
        assert_eq!(stray_quote(&c), Some((2, 4)));
        assert_eq!(stray_quote(&csv(b"id,name\n\"a,\"\"b\"\"\",x\r\n")), None);
    }

    #[test]
    fn columns_are_named_by_trimmed_headers() {
        let df = read_all_columns(b" Customer ID , Amount \nC1,5\n").unwrap();
        assert_eq!(df.get_column_names(), ["Customer ID", "Amount"]);
    }

    #[test]
    fn lone_cr_line_ends_and_trailing_blank_lines() {
        assert_eq!(csv(b"a,b\r1,2\r").text, b"a,b\n1,2\n");
        assert_eq!(csv(b"a,b\r\n1,2\r\n\r\n \n\t\n").text, b"a,b\r\n1,2\r\n");
        assert_eq!(csv(b"a,b\n1,2").text, b"a,b\n1,2");
        assert_eq!(read_all_columns(b"a,b\n1,2\n\n\n").unwrap().height(), 1);
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "customer_id,amount\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "customer_id,amount\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let err = decode("f.csv", le, Encoding::Utf8).unwrap_err().to_string();
        assert!(err.contains("UTF-16 (little-endian"), "{err}");
        let err = decode("f.csv", be, Encoding::Gbk).unwrap_err().to_string();
        assert!(err.contains("UTF-16 (big-endian"), "{err}");
        assert!(decode("f.csv", b"a,b\n1\x00,2\n".to_vec(), Encoding::Utf8).is_ok());
    }

    #[test]
    fn bom_is_removed_and_gbk_is_suggested() {
        let (text, enc) = decode("f.csv", b"\xEF\xBB\xBFa,b\n".to_vec(), Encoding::Utf8).unwrap();
        assert_eq!(text, b"a,b\n");
        assert_eq!(enc, "utf-8 (BOM)");
        let (gbk, _, _) = encoding_rs::GBK.encode("客户,金额\nC1,5\n");
        let err = decode("f.csv", gbk.to_vec(), Encoding::Utf8).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("--encoding gbk"), "{err}");
        let (text, _) = decode("f.csv", gbk.to_vec(), Encoding::Gbk).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "客户,金额\nC1,5\n");
    }
}
