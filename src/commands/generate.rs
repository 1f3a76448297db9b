//! `kam generate`: a synthetic, realistic ERP data set (see src/generate/),
//! as CSV or Parquet, plus optionally an ERP-style export with Chinese headers in GBK.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use polars::prelude::*;

use crate::cli::{GenerateArgs, GenerateFormat};
use crate::error::bad_input;
use crate::generate::{generate_csv, write_erp_export, GenerateOptions};
use crate::input::parse::money_type;
use crate::output::write_atomically;

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let opts = GenerateOptions {
        order_lines: args.orders,
        customers: args.customers,
        products: args.products,
        seed: args.seed,
        start: args.start.0,
        end: args.end.0,
        out_dir: match args.format {
            GenerateFormat::Csv => args.out.clone(),
            // CSV first, in a scratch directory, then typed Parquet beside it.
            GenerateFormat::Parquet => args.out.join(".kam-generate-csv"),
        },
    };
    if opts.order_lines == 0 || opts.start > opts.end {
        return Err(bad_input("generate: need --orders >= 1 and --start <= --end"));
    }
    let bar = progress_bar(args.orders, args.quiet);
    let files = generate_csv(&opts, &mut |n| bar.set_position(n))?;
    bar.finish_and_clear();
    if args.erp_export {
        let orders = opts.out_dir.join("orders.csv");
        write_erp_export(&orders, &args.out.join("orders_erp_gbk.csv"))?;
    }
    if args.format == GenerateFormat::Parquet {
        for csv in &files {
            let stem = csv.file_stem().and_then(|s| s.to_str()).unwrap_or("table");
            csv_to_parquet(csv, &args.out.join(format!("{stem}.parquet")))?;
        }
        std::fs::remove_dir_all(&opts.out_dir).ok();
    }
    if !args.quiet {
        eprintln!("kam: wrote {} order lines and their inventory, receivables, customers and plan to {}", args.orders, args.out.display());
    }
    Ok(())
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} generating order lines {bar:40} {pos}/{len} ({eta})")
            .expect("valid template"),
    );
    bar
}

/// Column types of the generated tables: money exact, dates as dates.
fn typed_column(name: &str) -> Expr {
    let c = col(name);
    match name {
        "amount" | "cost" | "value" | "paid_amount" | "credit_limit" | "planned_amount" => c.cast(money_type(2)),
        "order_date" | "snapshot_date" | "invoice_date" | "due_date" | "paid_date" | "since" => {
            c.str().to_date(StrptimeOptions { format: Some("%Y-%m-%d".into()), ..Default::default() })
        }
        "quantity" => c.cast(DataType::Float64),
        _ => c,
    }
}

fn csv_to_parquet(csv: &Path, parquet: &Path) -> anyhow::Result<()> {
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))?
        .finish()
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", csv.display()))?;
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut typed = frame.lazy().select(names.iter().map(|n| typed_column(n)).collect::<Vec<_>>()).collect()?;
    write_atomically(parquet, |w| {
        let mut buf = Vec::new();
        ParquetWriter::new(&mut buf).finish(&mut typed)?;
        w.write_all(&buf)?;
        Ok(())
    })
}
