# kam: set-up and everyday tasks. Needs only the Rust toolchain (cargo).
CARGO ?= cargo
# The demo, the tests and sample-data share one build, the dev profile: the sample data
# is small, and a newcomer then compiles polars once instead of twice (release
# alone took 29 minutes on 2 cores). The release build is only for the benchmarks.
KAM := target/debug/kam

.PHONY: all build release test test-sql demo sample-data bench bench-large fuzz clean

all: build

build:
	$(CARGO) build --locked

release:
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
	$(KAM) schema sample-data/orders_erp_gbk.csv --encoding gbk --format table
	@echo
	@echo "== kam abc: customers by sales (top 15 rows)"
	$(KAM) abc sample-data/orders.csv --format table | head -n 18
	@echo
	@echo "== kam abc --by product --summary"
	$(KAM) abc sample-data/orders.csv --by product --summary --format table
	@echo
	@echo "== kam report: the monthly report for 2024-12 (CSV, Parquet, XLSX, report.html)"
	$(KAM) report --period 2024-12 --out target/demo-report --orders sample-data/orders.csv \
	  --inventory sample-data/inventory.csv --receivables sample-data/receivables.csv \
	  --customers sample-data/customers.csv --plan sample-data/plan.csv --total-assets 5000000
	ls -l target/demo-report

# kam against DuckDB and polars (Python) on generated files of 1 M and 10 M order
# lines; installs the baselines into bench-data/venv. Figures: docs/PERFORMANCE.md.
bench: release
	python3 bench/run.py

# kam abc on 100 M order lines (13 GB of CSV) unconstrained and in a 1 GiB memory
# cgroup (needs root); both outputs must be identical. Figures: docs/PERFORMANCE.md.
bench-large: release
	bash bench/larger_than_memory.sh

# Each fuzz target for FUZZ_TIME seconds, one after another (run by hand, not by
# `make test` or CI; figures in docs/reliability.md). Needs `cargo install cargo-fuzz`;
# the stable toolchain is given nightly flags. fuzz/Cargo.lock starts as a copy of kam's,
# so the fuzzers build the same polars (and the same patched polars-io) as kam.
# FUZZ_BUILD: `--dev` (polars unoptimised, builds fast) or `-O`; add `-s none` to drop
# ASan. ASan's fake stacks for use-after-return halve the executions a second: off.
FUZZ_TIME ?= 600
FUZZ_BUILD ?= --dev
FUZZ_TARGETS ?= dates money option_values parse_values input_abc
FUZZ_FLAGS ?=
fuzz:
	test -f fuzz/Cargo.lock || cp Cargo.lock fuzz/Cargo.lock
	cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz build $(FUZZ_BUILD)
	sh fuzz/seed.sh
	for t in $(FUZZ_TARGETS); do \
	  (cd fuzz && RUSTC_BOOTSTRAP=1 ASAN_OPTIONS=detect_stack_use_after_return=0 $(CARGO) fuzz run $(FUZZ_BUILD) $$t -- -max_total_time=$(FUZZ_TIME) $(FUZZ_FLAGS)) || exit 1; \
	done

# Re-create sample-data/ deterministically.
sample-data: build
	$(KAM) generate --orders 5000 --customers 300 --products 60 --seed 7 --out sample-data --erp-export

clean:
	$(CARGO) clean
