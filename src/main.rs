use clap::Parser;

// polars allocates and frees many small buffers per batch; jemalloc spends far less
// time on that than glibc's malloc (see docs/PERFORMANCE.md). Unix only: jemalloc is
// built from C sources with a Unix toolchain; elsewhere the system allocator is used.
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read before main (the environment's `_RJEM_MALLOC_CONF` still
/// overrides them). One arena instead of one per 4 × CPUs: polars frees buffers on other
/// threads than the ones that filled them, and with several arenas each kept its own
/// freed pages; 10 M lines, peak anonymous memory: Parquet `products` 219–293 -> 184–207
/// MiB, CSV `products` 123–139 -> 77–81 MiB, no slower (docs/PERFORMANCE.md). Freed
/// pages go back to the system after 200 ms instead of 10 s: a stage's garbage is then
/// mostly returned before the next stage peaks. 10 M lines, peak anonymous memory: 10 s
/// -> 1 s, report 1,608 -> 1,555, scorecard 1,549 -> 1,413, clv 1,433 -> 1,279, churn
/// 1,180 -> 1,065 MiB; 1 s -> 200 ms (once the report held its rows once), report
/// 953-1,000 -> 893-906, churn 812-826 -> 768-774 MiB; time within the run-to-run noise
/// both times. At 0 ms the report took 23-24 s instead of 19-20 (docs/PERFORMANCE.md).
#[cfg(unix)]
#[export_name = "_rjem_malloc_conf"]
static MALLOC_CONF: MallocConf = MallocConf(c"narenas:1,dirty_decay_ms:200".as_ptr());

#[cfg(unix)]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);
// The pointer is to a constant string that nothing writes.
#[cfg(unix)]
unsafe impl Sync for MallocConf {}

fn main() {
    let cli = kam::cli::Cli::parse();
    kam::engine::tune(cli.command.groups());
    let result = kam::commands::run(cli);
    kam::input::source::remove_stdin_copy();
    if let Err(err) = result {
        eprintln!("kam: error: {err:#}");
        std::process::exit(kam::error::exit_code(&err));
    }
}
