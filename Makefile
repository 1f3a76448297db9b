# kam: set-up and everyday tasks. Needs only the Rust toolchain (cargo).
CARGO ?= cargo
KAM_RELEASE := target/release/kam

.PHONY: all build test test-sql demo sample-data bench bench-large clean

all: build

build:
	$(CARGO) build --release --locked

# Unit tests and end-to-end tests that run the built binary (one profile: dev).
test:
	$(CARGO) test --locked

# kam sql's statements on DuckDB and Spark local mode against kam's own output, on the
# sample data, boundary cases and 1 M generated lines (SQL_LINES=0 leaves those out).
# Installs duckdb and pyspark into bench-data/sql-venv; Spark needs java. docs/scale.md.
test-sql:
	$(CARGO) build --locked
	python3 tests/sql/parity.py

# The main job on the committed sample data.
demo: build
	@echo "== kam schema: how kam reads an ERP export with Chinese headers in GBK"
	$(KAM_RELEASE) schema sample-data/orders_erp_gbk.csv --encoding gbk --format table
	@echo
	@echo "== kam abc: customers by sales (top 15 rows)"
	$(KAM_RELEASE) abc sample-data/orders.csv --format table | head -n 18
	@echo
	@echo "== kam abc --by product --summary"
	$(KAM_RELEASE) abc sample-data/orders.csv --by product --summary --format table
	@echo
	@echo "== kam report: the monthly report for 2024-12 (CSV, Parquet, XLSX, report.html)"
	$(KAM_RELEASE) report --period 2024-12 --out target/demo-report --orders sample-data/orders.csv \
	  --inventory sample-data/inventory.csv --receivables sample-data/receivables.csv \
	  --customers sample-data/customers.csv --plan sample-data/plan.csv --total-assets 5000000
	ls -l target/demo-report

# kam against DuckDB and polars (Python) on generated files of 1 M and 10 M order
# lines; installs the baselines into bench-data/venv. Figures: docs/PERFORMANCE.md.
bench: build
	python3 bench/run.py

# kam abc on 100 M order lines (13 GB of CSV) unconstrained and in a 1 GiB memory
# cgroup (needs root); both outputs must be identical. Figures: docs/PERFORMANCE.md.
bench-large: build
	bash bench/larger_than_memory.sh

# Re-create sample-data/ deterministically.
sample-data: build
	$(KAM_RELEASE) generate --orders 5000 --customers 300 --products 60 --seed 7 --out sample-data --erp-export

clean:
	$(CARGO) clean
