"""What the baseline scripts share, so DuckDB and polars apply the same rules as kam.

The ABC class of SPEC §2 at the default thresholds (A while the sales before an
item are under 75% of the total, B under 95%, C the rest and every item without
positive sales), and how each tool reads a generated orders file with exact money.
"""

# Over rows ordered by positive sales first, sales descending, key ascending, with
# `cum_sales` the running sum and `total` the sum of all.
CLASS_SQL = """CASE WHEN sales <= 0 OR total <= 0 THEN 'C'
         WHEN (cum_sales - sales) * 100 < total * 75 THEN 'A'
         WHEN (cum_sales - sales) * 100 < total * 95 THEN 'B'
         ELSE 'C' END"""


def duckdb_source(src, money, numbers=()):
    """(FROM clause, {column: typed expression}) for DuckDB: CSV read as text and cast,
    the way kam reads it; Parquet keeps its types."""
    if src.endswith(".parquet"):
        return f"read_parquet('{src}')", {c: c for c in [*money, *numbers]}
    typed = {c: f"CAST({c} AS DECIMAL(18,2))" for c in money}
    typed.update({c: f"CAST({c} AS DOUBLE)" for c in numbers})
    return f"read_csv('{src}', header=true, all_varchar=true)", typed


def polars_source(src, money, text):
    """A polars LazyFrame of the orders with `money` columns as Decimal(18, 2)."""
    import polars as pl

    if src.endswith(".parquet"):
        lf = pl.scan_parquet(src)
    else:
        lf = pl.scan_csv(src, schema_overrides={c: pl.String for c in [*money, *text]})
    return lf.with_columns([pl.col(c).cast(pl.Decimal(18, 2)) for c in money])


def polars_class():
    """CLASS_SQL as a polars expression over `sales` and `cum_sales`."""
    import polars as pl

    total = pl.col("sales").sum()
    before = pl.col("cum_sales") - pl.col("sales")
    return (
        pl.when((pl.col("sales") <= 0) | (total <= 0)).then(pl.lit("C"))
        .when(before * 100 < total * 75).then(pl.lit("A"))
        .when(before * 100 < total * 95).then(pl.lit("B"))
        .otherwise(pl.lit("C")).alias("class")
    )
