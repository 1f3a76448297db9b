use clap::Parser;
use kam::cli::Command;

// polars allocates and frees many small buffers per batch; jemalloc spends far less
// time on that than glibc's malloc (see docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read before main (the environment's `_RJEM_MALLOC_CONF` still
/// overrides them). One arena instead of one per 4 × CPUs: polars frees buffers on other
/// threads than the ones that filled them, and with several arenas each kept its own
/// freed pages; 10 M lines, peak anonymous memory: Parquet `products` 219–293 -> 184–207
/// MiB, CSV `products` 123–139 -> 77–81 MiB, no slower (docs/PERFORMANCE.md).
#[export_name = "_rjem_malloc_conf"]
static MALLOC_CONF: MallocConf = MallocConf(c"narenas:1".as_ptr());

#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);
// The pointer is to a constant string that nothing writes.
unsafe impl Sync for MallocConf {}

/// polars settings for kam's workload, unless the environment sets them (measured in
/// docs/PERFORMANCE.md, 10 M order lines). Set before polars starts its threads.
fn tune_polars(command: &Command) {
    let defaults = [
        ("POLARS_HOT_TABLE_SIZE", hot_table_size(command)),
        // Parquet row groups decoded ahead of need: one is enough for a local file and
        // halves kam products' memory (619 -> 324 MB).
        ("POLARS_ROW_GROUP_PREFETCH_SIZE", "1"),
        // Values per Parquet decode task: polars' 16,777,216 decodes a row group's columns
        // on one thread, so the first row group (and each decode after) left the other
        // core idle. 10 M lines, 385,000-line row groups: `kam products` 0.80 -> 0.75 s,
        // `kam abc` 1.27 -> 1.18 s; one task per column was faster still (0.72 s) but
        // took 11% more memory.
        ("POLARS_PARQUET_DECODE_TARGET_VALUES_PER_THREAD", "1000000"),
    ];
    for (name, value) in defaults {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

/// The streaming group-by keeps a table of "hot" groups per thread and buffers the rows
/// of all other groups. Sized for the keys the command groups by: with polars' 4,096
/// entries and 200,000 customers most rows were buffered (480 MB); a table far larger
/// than the groups costs memory and cache misses (products by product, 20,000 products:
/// 65,536 entries instead of 262,144 take 25–34 MiB less). Products are taken to number
/// tens of thousands, customers hundreds of thousands; more groups than entries still
/// give the right result, with more memory.
fn hot_table_size(command: &Command) -> &'static str {
    let is_product = |by: &str| by.trim().trim_end_matches("_id").eq_ignore_ascii_case("product");
    match command {
        Command::Abc(args) if is_product(&args.by) => "65536",
        Command::Products(args) if args.per.is_none() && is_product(&args.by) => "65536",
        _ => "262144",
    }
}

fn main() {
    let cli = kam::cli::Cli::parse();
    tune_polars(&cli.command);
    let result = kam::commands::run(cli);
    kam::input::source::remove_stdin_copy();
    if let Err(err) = result {
        eprintln!("kam: error: {err:#}");
        std::process::exit(kam::error::exit_code(&err));
    }
}
