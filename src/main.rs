use clap::Parser;

// polars allocates and frees many small buffers per batch; jemalloc spends far less
// time on that than glibc's malloc (see docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    // polars' streaming group-by keeps a small table of "hot" groups per thread and
    // buffers rows of all other groups until the end; with the tens of thousands of
    // customers or products of an ERP export, most rows were buffered (10 M lines:
    // 480 MB). A table large enough for them keeps memory to the groups themselves.
    if std::env::var_os("POLARS_HOT_TABLE_SIZE").is_none() {
        std::env::set_var("POLARS_HOT_TABLE_SIZE", "262144");
    }
    let cli = kam::cli::Cli::parse();
    if let Err(err) = kam::commands::run(cli) {
        eprintln!("kam: error: {err:#}");
        std::process::exit(kam::error::exit_code(&err));
    }
}
