"""Per-product sales, quantity, cost, gross profit and ABC class (SPEC §3) in polars
(Python): the baseline for `kam products` without inventory.

Usage: polars_products.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import polars as pl

from baseline import polars_class, polars_source

src, out = sys.argv[1], sys.argv[2]
lf = polars_source(src, money=["amount", "cost"], text=["product_id"])
lf = lf.with_columns(pl.col("quantity").cast(pl.Float64))
(
    lf.group_by("product_id")
    .agg(pl.col("product_name").min(), pl.col("amount").sum().alias("sales"),
         pl.col("quantity").sum(), pl.col("cost").sum())
    .sort([pl.col("sales") > 0, "sales", "product_id"], descending=[True, True, False])
    .with_columns(pl.col("sales").cum_sum().alias("cum_sales"),
                  (pl.col("sales") - pl.col("cost")).alias("gross_profit"))
    .with_columns(polars_class())
    .select("product_id", "product_name", "sales", "quantity", "cost", "gross_profit", "class")
    .sort("product_id")
    .collect()
    .write_csv(out)
)
