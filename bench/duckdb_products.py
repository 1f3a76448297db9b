"""Per-product sales, quantity, cost, gross profit and ABC class (SPEC §3) in DuckDB:
the baseline for `kam products` without inventory.

Same rules as kam: exact decimal sums, gross profit = sales - cost, classes as in
`kam abc` (positive sales first by sales desc then key asc; A below 75% of the
total before the product, B below 95%).
Usage: duckdb_products.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import duckdb

from baseline import CLASS_SQL, duckdb_source

src, out = sys.argv[1], sys.argv[2]
scan, typed = duckdb_source(src, money=["amount", "cost"], numbers=["quantity"])

duckdb.sql(f"""
COPY (
  WITH s AS (
    SELECT product_id, MIN(product_name) AS product_name, SUM({typed['amount']}) AS sales,
      SUM({typed['quantity']}) AS quantity, SUM({typed['cost']}) AS cost
    FROM {scan} GROUP BY product_id
  ), r AS (
    SELECT *,
      SUM(sales) OVER (ORDER BY sales > 0 DESC, sales DESC, product_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_sales,
      SUM(sales) OVER () AS total
    FROM s
  )
  SELECT product_id, product_name, sales, quantity, cost, sales - cost AS gross_profit,
    {CLASS_SQL} AS class
  FROM r ORDER BY product_id
) TO '{out}' (HEADER, DELIMITER ',')
""")
