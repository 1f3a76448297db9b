"""ABC split of customers (SPEC §2) in polars (Python): the baseline for `kam abc`.

Usage: polars_abc.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import polars as pl

from baseline import polars_class, polars_source

src, out = sys.argv[1], sys.argv[2]
lf = polars_source(src, money=["amount"], text=["customer_id"])
(
    lf.group_by("customer_id")
    .agg(pl.col("customer_name").min(), pl.col("amount").sum().alias("sales"))
    .sort([pl.col("sales") > 0, "sales", "customer_id"], descending=[True, True, False])
    .with_row_index("rank", offset=1)
    .with_columns(pl.col("sales").cum_sum().alias("cum_sales"))
    .with_columns(polars_class())
    .select("rank", "customer_id", "customer_name", "sales", "cum_sales", "class")
    .collect()
    .write_csv(out)
)
