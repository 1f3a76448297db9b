//! NDJSON: one JSON object per line, typed as polars reads it.

use std::io::Cursor;

use polars::prelude::*;

use crate::error::bad_input;

pub fn read(name: &str, bytes: Vec<u8>) -> anyhow::Result<DataFrame> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad_input(format!("{name}: the file is empty: expected one JSON object per line")));
    }
    JsonReader::new(Cursor::new(bytes))
        .with_json_format(JsonFormat::JsonLines)
        .finish()
        .map_err(|e| bad_input(format!("{name}: cannot read NDJSON: {e}")))
}

