"""ABC split of customers (SPEC §2) in polars (Python): the baseline for `kam abc`.

Usage: polars_abc.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import polars as pl

src, out = sys.argv[1], sys.argv[2]
money = pl.Decimal(18, 2)
if src.endswith(".parquet"):
    lf = pl.scan_parquet(src)
else:
    lf = pl.scan_csv(src, schema_overrides={"amount": pl.String, "customer_id": pl.String})
lf = lf.select(pl.col("customer_id"), pl.col("customer_name"), pl.col("amount").cast(money))

total = pl.col("sales").sum()
before = pl.col("cum_sales") - pl.col("sales")
(
    lf.group_by("customer_id")
    .agg(pl.col("customer_name").min(), pl.col("amount").sum().alias("sales"))
    .sort([pl.col("sales") > 0, "sales", "customer_id"], descending=[True, True, False])
    .with_row_index("rank", offset=1)
    .with_columns(pl.col("sales").cum_sum().alias("cum_sales"))
    .with_columns(
        pl.when((pl.col("sales") <= 0) | (total <= 0)).then(pl.lit("C"))
        .when(before * 100 < total * 75).then(pl.lit("A"))
        .when(before * 100 < total * 95).then(pl.lit("B"))
        .otherwise(pl.lit("C")).alias("class")
    )
    .select("rank", "customer_id", "customer_name", "sales", "cum_sales", "class")
    .collect()
    .write_csv(out)
)
