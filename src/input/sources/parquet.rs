//! Parquet: typed columns, read with projection.

use std::path::Path;

use anyhow::Context;
use polars::prelude::*;

use crate::error::bad_input;

pub fn schema(name: &str, path: &Path) -> anyhow::Result<Schema> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
    let schema = ParquetReader::new(file)
        .schema()
        .map_err(|e| bad_input(format!("{name}: not a readable Parquet file: {e}")))?;
    Ok(Schema::from_arrow_schema(&schema))
}


/// The columns `names` of a Parquet file.
pub fn read(name: &str, path: &Path, names: &[PlSmallStr]) -> anyhow::Result<DataFrame> {
    let lf = LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().to_string()), ScanArgsParquet::default())?;
    let exprs: Vec<Expr> = names.iter().map(|n| col(n.clone())).collect();
    lf.select(exprs).collect().map_err(|e| bad_input(format!("{name}: cannot read Parquet: {e}")))
}
