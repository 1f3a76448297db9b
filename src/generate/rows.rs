//! The generated tables' rows, written through the csv crate (which quotes a field
//! only when it holds a delimiter, a quote or a line break). Numbers, money and dates
//! are formatted into one reused buffer, so a row costs no allocation.

use std::io::Write;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};

/// One CSV table being written, field by field.
pub(super) struct Rows<'w> {
    out: csv::Writer<&'w mut dyn Write>,
    scratch: Vec<u8>,
    name: &'static str,
}

impl<'w> Rows<'w> {
    /// A table named `name` (for messages) with `header`, written to `out`.
    pub(super) fn new(out: &'w mut dyn Write, name: &'static str, header: &str) -> Result<Rows<'w>> {
        let out = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(out);
        let mut rows = Rows { out, scratch: Vec::with_capacity(32), name };
        for field in header.split(',') {
            rows.text(field)?;
        }
        rows.end()?;
        Ok(rows)
    }

    fn field(&mut self, bytes: &[u8]) -> Result<&mut Self> {
        let name = self.name;
        self.out.write_field(bytes).with_context(|| format!("cannot write {name}"))?;
        Ok(self)
    }

    /// The scratch buffer, formatted by `format`, as the next field.
    fn formatted(&mut self, format: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<&mut Self> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        format(&mut scratch)?;
        self.field(&scratch)?;
        self.scratch = scratch;
        Ok(self)
    }

    pub(super) fn text(&mut self, s: &str) -> Result<&mut Self> {
        self.field(s.as_bytes())
    }

    pub(super) fn bytes(&mut self, b: &[u8]) -> Result<&mut Self> {
        self.field(b)
    }

    pub(super) fn empty(&mut self) -> Result<&mut Self> {
        self.field(b"")
    }

    pub(super) fn int(&mut self, v: i64) -> Result<&mut Self> {
        self.formatted(|b| write!(b, "{v}"))
    }

    /// Cents as `1234.50` / `-12.00`.
    pub(super) fn money(&mut self, cents: i64) -> Result<&mut Self> {
        self.formatted(|b| money_text(b, cents))
    }

    pub(super) fn date(&mut self, d: NaiveDate) -> Result<&mut Self> {
        self.formatted(|b| date_text(b, d))
    }

    /// Ends the row.
    pub(super) fn end(&mut self) -> Result<()> {
        let name = self.name;
        self.out.write_record(None::<&[u8]>).with_context(|| format!("cannot write {name}"))
    }

    /// Writes out what the csv writer still buffers; call once at the end.
    pub(super) fn finish(mut self) -> Result<()> {
        let name = self.name;
        self.out.flush().with_context(|| format!("cannot write {name}"))
    }
}

pub(super) fn money_text(out: &mut Vec<u8>, cents: i64) -> std::io::Result<()> {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    write!(out, "{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `YYYY-MM-DD`.
pub(super) fn date_text(out: &mut Vec<u8>, d: NaiveDate) -> std::io::Result<()> {
    write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Number of digits for zero-padded ids: at least `min`, enough for `max_value`.
pub(super) fn id_width(max_value: u64, min: usize) -> usize {
    max_value.to_string().len().max(min)
}
