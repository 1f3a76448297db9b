//! polars settings for kam's workload, in one place, from the resolved command (never
//! from raw arguments). Measured in docs/PERFORMANCE.md on 10 M order lines. Set before
//! polars starts its threads; the environment's own values win.

/// What a command groups its rows by, which sizes polars' streaming group-by table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Groups {
    /// Products: tens of thousands.
    Products,
    /// Customers (or anything else): hundreds of thousands.
    Customers,
}

impl Groups {
    /// The streaming group-by keeps a table of "hot" groups per thread and buffers the
    /// rows of all other groups. With polars' 4,096 entries and 200,000 customers most
    /// rows were buffered (480 MB); a table far larger than the groups costs memory and
    /// cache misses (products by product, 20,000 products: 65,536 entries instead of
    /// 262,144 take 25–34 MiB less). More groups than entries still give the right
    /// result, with more memory.
    fn hot_table_size(self) -> &'static str {
        match self {
            Groups::Products => "65536",
            Groups::Customers => "262144",
        }
    }
}

/// Set the polars variables for a command grouping by `groups`.
pub fn tune(groups: Groups) {
    let defaults = [
        ("POLARS_HOT_TABLE_SIZE", groups.hot_table_size()),
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
            // Safe here: called first thing in main, before any other thread exists.
            std::env::set_var(name, value);
        }
    }
}
