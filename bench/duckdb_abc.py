"""ABC split of customers (SPEC §2) in DuckDB: the baseline for `kam abc`.

Same rules as kam: the customer's name beside the key (names are constant per
customer in generated data, so MIN is kam's first non-empty name), exact decimal
sums, positive sales first by sales desc then key asc, class by
`sales before × 100 < total × 75` (A) / `× 95` (B).
Usage: duckdb_abc.py INPUT(.csv|.parquet) OUTPUT.csv
"""
import sys

import duckdb

src, out = sys.argv[1], sys.argv[2]
if src.endswith(".parquet"):
    scan = f"read_parquet('{src}')"
    amount = "amount"
else:
    scan = f"read_csv('{src}', header=true, all_varchar=true)"
    amount = "CAST(amount AS DECIMAL(18,2))"

duckdb.sql(f"""
COPY (
  WITH s AS (
    SELECT customer_id, MIN(customer_name) AS customer_name, SUM({amount}) AS sales
    FROM {scan} GROUP BY customer_id
  ), r AS (
    SELECT *,
      SUM(sales) OVER (ORDER BY sales > 0 DESC, sales DESC, customer_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_sales,
      SUM(sales) OVER () AS total,
      ROW_NUMBER() OVER (ORDER BY sales > 0 DESC, sales DESC, customer_id) AS rank
    FROM s
  )
  SELECT rank, customer_id, customer_name, sales, cum_sales,
    CASE WHEN sales <= 0 OR total <= 0 THEN 'C'
         WHEN (cum_sales - sales) * 100 < total * 75 THEN 'A'
         WHEN (cum_sales - sales) * 100 < total * 95 THEN 'B'
         ELSE 'C' END AS class
  FROM r ORDER BY rank
) TO '{out}' (HEADER, DELIMITER ',')
""")
