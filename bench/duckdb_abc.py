"""ABC split of customers (SPEC §2) in DuckDB: the baseline for `kam abc`.

Same rules as kam: the customer's name beside the key (names are constant per
customer in generated data, so MIN is kam's first non-empty name), exact decimal
sums, positive sales first by sales desc then key asc, class by
`sales before × 100 < total × 75` (A) / `× 95` (B).
Usage: duckdb_abc.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import duckdb

from baseline import CLASS_SQL, duckdb_source

src, out = sys.argv[1], sys.argv[2]
scan, typed = duckdb_source(src, money=["amount"])

duckdb.sql(f"""
COPY (
  WITH s AS (
    SELECT customer_id, MIN(customer_name) AS customer_name, SUM({typed['amount']}) AS sales
    FROM {scan} GROUP BY customer_id
  ), r AS (
    SELECT *,
      SUM(sales) OVER (ORDER BY sales > 0 DESC, sales DESC, customer_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_sales,
      SUM(sales) OVER () AS total,
      ROW_NUMBER() OVER (ORDER BY sales > 0 DESC, sales DESC, customer_id) AS rank
    FROM s
  )
  SELECT rank, customer_id, customer_name, sales, cum_sales, {CLASS_SQL} AS class
  FROM r ORDER BY rank
) TO '{out}' (HEADER, DELIMITER ',')
""")
