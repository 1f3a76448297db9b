"""Per-product sales, quantity, cost, gross profit and ABC class (SPEC §3) in polars
(Python): the baseline for `kam products` without inventory.

Usage: polars_products.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import polars as pl

src, out = sys.argv[1], sys.argv[2]
money = pl.Decimal(18, 2)
if src.endswith(".parquet"):
    lf = pl.scan_parquet(src)
else:
    lf = pl.scan_csv(src, schema_overrides={"amount": pl.String, "cost": pl.String,
                                            "product_id": pl.String})
lf = lf.select(pl.col("product_id"), pl.col("product_name"), pl.col("amount").cast(money),
               pl.col("cost").cast(money), pl.col("quantity").cast(pl.Float64))

total = pl.col("sales").sum()
before = pl.col("cum_sales") - pl.col("sales")
(
    lf.group_by("product_id")
    .agg(pl.col("product_name").min(), pl.col("amount").sum().alias("sales"),
         pl.col("quantity").sum(), pl.col("cost").sum())
    .sort([pl.col("sales") > 0, "sales", "product_id"], descending=[True, True, False])
    .with_columns(pl.col("sales").cum_sum().alias("cum_sales"),
                  (pl.col("sales") - pl.col("cost")).alias("gross_profit"))
    .with_columns(
        pl.when((pl.col("sales") <= 0) | (total <= 0)).then(pl.lit("C"))
        .when(before * 100 < total * 75).then(pl.lit("A"))
        .when(before * 100 < total * 95).then(pl.lit("B"))
        .otherwise(pl.lit("C")).alias("class")
    )
    .select("product_id", "product_name", "sales", "quantity", "cost", "gross_profit", "class")
    .sort("product_id")
    .collect()
    .write_csv(out)
)
