//! `--bom` and `--output-encoding` for CSV and TSV: what Excel on a Chinese Windows
//! machine reads without mojibake (docs/cli.md).

use std::io::Write;

use super::args::{OutputArgs, OutputEncoding, OutputFormat};
use crate::error::bad_input;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes written around and instead of the rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Gbk,
}

impl Encoding {
    /// The encoding of the options, refused where it would be ignored.
    pub fn of(opts: &OutputArgs, format: OutputFormat) -> anyhow::Result<Encoding> {
        let text = matches!(format, OutputFormat::Csv | OutputFormat::Tsv);
        let wanted = match (opts.bom, opts.output_encoding) {
            (false, OutputEncoding::Utf8) => return Ok(Encoding::Utf8),
            (true, OutputEncoding::Utf8) => Encoding::Utf8WithBom,
            (false, OutputEncoding::Gbk) => Encoding::Gbk,
            (true, OutputEncoding::Gbk) => {
                return Err(bad_input("--bom is a UTF-8 mark: it does not go with --output-encoding gbk (GBK files have none)"))
            }
        };
        if !text {
            return Err(bad_input(format!(
                "--bom and --output-encoding apply to CSV and TSV output, not to {format:?} (add --format csv or -o FILE.csv)"
            )));
        }
        Ok(wanted)
    }

    /// Write what `render` writes, in this encoding.
    pub fn write(self, w: &mut dyn Write, render: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
        match self {
            Encoding::Utf8 => render(w),
            Encoding::Utf8WithBom => {
                w.write_all(UTF8_BOM)?;
                render(w)
            }
            Encoding::Gbk => {
                let mut utf8 = Vec::new();
                render(&mut utf8)?;
                w.write_all(&to_gbk(&String::from_utf8(utf8)?)?)?;
                Ok(())
            }
        }
    }
}

/// `text` in GBK; a character GBK does not have is an error naming it and its line.
fn to_gbk(text: &str) -> anyhow::Result<Vec<u8>> {
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
    if !had_errors {
        return Ok(bytes.into_owned());
    }
    for (number, line) in text.lines().enumerate() {
        let mut buf = [0u8; 4];
        if let Some(ch) = line.chars().find(|ch| encoding_rs::GBK.encode(ch.encode_utf8(&mut buf)).2) {
            return Err(bad_input(format!(
                "--output-encoding gbk: '{ch}' (U+{:04X}) on output line {} has no GBK code; use --output-encoding utf8 --bom",
                ch as u32,
                number + 1
            )));
        }
    }
    unreachable!("GBK reported an unencodable character that no line has")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_written_in_gbk() {
        // 客户 in GBK is BF CD BB A7.
        assert_eq!(to_gbk("id,客户\n").unwrap(), b"id,\xBF\xCD\xBB\xA7\n");
    }

    #[test]
    fn a_character_gbk_lacks_is_an_error_with_its_line() {
        let err = to_gbk("a\nb😀\n").unwrap_err().to_string();
        assert!(err.contains("U+1F600") && err.contains("line 2"), "{err}");
    }
}
