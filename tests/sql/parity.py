#!/usr/bin/env python3
"""`make test-sql`: kam's SQL on real engines against kam's own output.

For each data set (the committed sample data, the boundary cases in tests/sql/data,
5,000 generated lines as Parquet, a generated file of 1 M order lines) and each case (abc, products, clv-summary,
receivables with their options), kam computes the table itself, `kam sql` renders
the statement, and each engine runs it:

- DuckDB (Python package): the duckdb rendering, reading the CSV file itself;
- Spark in local mode (pyspark, a JRE): the spark rendering, reading a table
  registered from the same file with warehouse types (DECIMAL(18, 2) money, DATE);
- PostgreSQL, where its server is installed (initdb, pg_ctl, psql): the postgres
  rendering on the file loaded into a typed table, by a throw-away server listening
  on a Unix socket only; without a server its rendering is only parsed (unit tests).

Rows kam refuses (tests/sql/refuse) must stop the statement with kam's message, and
docs/scale.md's route is run: Spark writes the CLV summary as Parquet, which must
equal kam clv's x, t_x, T, m (and, where kam has `kam clv --summary`, fit to the
same predictions).

Money must be equal to the cent, classes, keys, counts and ranks exactly, ratios
and weeks (doubles) to 1e-9 relative. The engines are installed by this script into
bench-data/sql-venv (git-ignored), as the bench does; Spark needs `java` (Debian's
default-jre-headless; .ci/run installs it where missing).

Environment: SQL_ENGINES (default "duckdb spark postgres"), SQL_LINES (default 1000000; 0
leaves the generated file out), KAM (default target/debug/kam).
Ends with a line "N passed, M failed"; exits 1 on any failure.
"""
import csv
import io
import math
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "bench-data"
VENV = DATA / "sql-venv"
PY = VENV / "bin" / "python"
PACKAGES = ["duckdb==2.0.0", "pyspark==4.0.1"]
KAM = Path(os.environ.get("KAM", ROOT / "target" / "debug" / "kam"))
ENGINES = os.environ.get("SQL_ENGINES", "duckdb spark postgres").split()
LINES = int(os.environ.get("SQL_LINES", "1000000"))

# The columns compared per metric: money (Decimal, equal to the cent and of the same
# scale), floats (to 1e-9 relative), the rest exactly. Bucket columns are money too.
COMPARED = {
    "abc": ["rank", "KEY", "sales", "cum_sales", "share", "cum_share", "class"],
    "products": ["product_id", "sales", "quantity", "cost", "gross_profit", "gross_margin_rate", "share", "cum_share", "class"],
    "clv-summary": ["customer_id", "x", "t_x", "T", "m"],
    "receivables": ["customer_id", "BUCKETS", "open_total", "open_invoices", "max_days_past_due", "credit_sales", "dso"],
}
MONEY_HEADERS = {"amount", "cost", "paid_amount", "open_amount", "credit_limit"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def setup():
    if not PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    # duckdb also reads kam's Parquet output, so it is installed for either engine.
    wanted = [p for p in PACKAGES if p.startswith("duckdb") or "spark" in ENGINES]
    missing = [spec for spec in wanted
               if subprocess.run([str(PY), "-c", f"import {spec.split('==')[0]}"], capture_output=True).returncode]
    if missing:
        log("installing", *missing, "into", VENV)
        subprocess.run([str(PY), "-m", "pip", "install", "-q", *missing], check=True)


def kam(*args):
    """kam's stdout; an error names the command and its stderr."""
    run = subprocess.run([str(KAM), *map(str, args)], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"kam {' '.join(map(str, args))} exited {run.returncode}: {run.stderr}")
    return run.stdout


def generated():
    directory = DATA / f"sql-orders-{LINES}"
    if not (directory / "orders.csv").exists():
        log(f"generating {LINES} order lines in {directory}")
        kam("generate", "--orders", LINES, "--seed", "1", "--out", directory, "-q")
    return directory


# On the generated file (slow for kam's debug build: ~50 s a command), these cases only.
LARGE_CASES = {"abc", "abc --by product --thresholds 0.5,0.3", "products", "clv-summary --as-of 2024-09-30",
               "receivables --as-of 2024-06-30"}


def parquet_set():
    """A small generated data set as Parquet (read by DuckDB's read_parquet route)."""
    directory = DATA / "sql-parquet-5000"
    if not (directory / "orders.parquet").exists():
        kam("generate", "--orders", 5000, "--seed", "3", "--format", "parquet", "--out", directory, "-q")
    return directory


def cases(directory, label, hand=False, large=False):
    """(name, metric, kam command, kam sql options, file) per case."""
    orders = directory / "orders.csv"
    if not orders.exists():
        orders = directory / "orders.parquet"
    out = []
    if hand:
        for f in sorted(directory.glob("*.csv")):
            out.append((f"abc {f.name}", "abc", ["abc", f], [], f))
            out.append((f"abc {f.name} --by product", "abc", ["abc", f, "--by", "product"], ["--by", "product"], f))
        return [(f"{label}: {n}", *rest) for n, *rest in out]
    out += [
        ("abc", "abc", ["abc", orders], [], orders),
        ("abc --by product --thresholds 0.5,0.3", "abc",
         ["abc", orders, "--by", "product", "--thresholds", "0.5,0.3"], ["--by", "product", "--thresholds", "0.5,0.3"], orders),
        ("abc --by region --from 2024-01-01 --to 2024-06-30", "abc",
         ["abc", orders, "--by", "region", "--from", "2024-01-01", "--to", "2024-06-30"],
         ["--by", "region", "--from", "2024-01-01", "--to", "2024-06-30"], orders),
        ("products", "products", ["products", orders], [], orders),
        ("products --from 2024-07-01 --to 2024-12-31", "products",
         ["products", orders, "--from", "2024-07-01", "--to", "2024-12-31"], ["--from", "2024-07-01", "--to", "2024-12-31"], orders),
        ("clv-summary --as-of 2024-09-30", "clv-summary",
         ["clv", orders, "--as-of", "2024-09-30", "--margin", "0.3"], ["--as-of", "2024-09-30"], orders),
        ("clv-summary (as of the last order)", "clv-summary", ["clv", orders, "--margin", "0.3"], [], orders),
    ]
    receivables = directory / "receivables.csv"
    if not receivables.exists():
        receivables = directory / "receivables.parquet"
    if receivables.exists():
        out.append(("receivables --as-of 2024-06-30", "receivables",
                    ["receivables", receivables, "--as-of", "2024-06-30"], ["--as-of", "2024-06-30"], receivables))
        out.append(("receivables --as-of 2024-12-31 --buckets 15,45 --from 2024-10-01", "receivables",
                    ["receivables", receivables, "--as-of", "2024-12-31", "--buckets", "15,45", "--from", "2024-10-01"],
                    ["--as-of", "2024-12-31", "--buckets", "15,45", "--from", "2024-10-01"], receivables))
    return [(f"{label}: {n}", *rest) for n, *rest in out if not large or n in LARGE_CASES]


def kam_rows(command, tmp):
    """kam's own table, read back from its Parquet output (exact decimals, full doubles)."""
    import duckdb
    out = tmp / "kam.parquet"
    kam(*command, "-q", "-o", out)
    cur = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, str) and not isinstance(a, str):  # psql's text: read as kam's type
        b = Decimal(b) if isinstance(a, Decimal) else float(b) if isinstance(a, float) else int(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal) and a == b and a.as_tuple().exponent == b.as_tuple().exponent
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, int) or isinstance(b, int):
        return int(a) == int(b)
    return str(a) == str(b)


def compare(metric, expected, got):
    """None when equal, else the first difference."""
    if len(expected) != len(got):
        return f"{len(expected)} rows from kam, {len(got)} from the engine"
    if not expected:
        return None
    names = list(expected[0].keys())
    columns = []
    for c in COMPARED[metric]:
        if c == "KEY":
            columns.append(names[1])
        elif c == "BUCKETS":
            # kam's bucket columns come first, after the id (and the name, with --customers)
            columns += [n for n in names[1:names.index("open_total")] if n != "customer_name"]
        else:
            columns.append(c)
    for i, (e, g) in enumerate(zip(expected, got)):
        for c in columns:
            if c not in g:
                return f"the engine's result has no column {c} (columns: {', '.join(g)})"
            if c == "m" and isinstance(e[c], Decimal) and isinstance(g[c], (float, str)):
                # kam writes m, a mean of money, at cents (docs/cli.md); the engine keeps the
                # double (psql gives it as text).
                engine_m = float(g[c])
                if abs(float(e[c]) - engine_m) > 0.005 + 1e-9 * max(1.0, abs(engine_m)):
                    return f"row {i + 1}, m: kam {e[c]!r}, engine {g[c]!r} (not equal at cents)"
                continue
            if not equal(e[c], g[c]):
                return f"row {i + 1}, {c}: kam {e[c]!r}, engine {g[c]!r}"
    return None


SPARK = {}


def spark_session():
    if "session" not in SPARK:
        from pyspark.sql import SparkSession
        started = time.time()
        SPARK["session"] = (SparkSession.builder.master("local[2]").appName("kam-sql-parity")
                            .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                            .config("spark.ui.showConsoleProgress", "false")
                            .config("spark.driver.memory", "2g").getOrCreate())
        SPARK["session"].sparkContext.setLogLevel("FATAL")  # the refusal cases raise on purpose
        log(f"Spark {SPARK['session'].version} started in local mode in {time.time() - started:.1f} s")
    return SPARK["session"]


def spark_table(data_file, money_scale=2):
    """Register the file as the view `orders`, typed as a warehouse would type it."""
    from pyspark.sql.types import StructType, StructField, StringType, DecimalType, DateType, DoubleType
    spark = spark_session()
    if SPARK.get("view") != (data_file, money_scale) and data_file.suffix == ".parquet":
        spark.read.parquet(str(data_file)).createOrReplaceTempView("orders")
        SPARK["view"] = (data_file, money_scale)
    if SPARK.get("view") != (data_file, money_scale):
        header = data_file.open(encoding="utf-8").readline().strip().split(",")

        def kind(h):
            if h in MONEY_HEADERS:
                return DecimalType(18, money_scale)
            if h.endswith("_date"):
                return DateType()
            if h == "quantity":
                return DoubleType()
            return StringType()

        schema = StructType([StructField(h, kind(h), True) for h in header])
        spark.read.csv(str(data_file), header=True, schema=schema, mode="FAILFAST").createOrReplaceTempView("orders")
        SPARK["view"] = (data_file, money_scale)
    return spark


PG = {}


def postgres_bin(name):
    import glob
    import shutil
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    return found


def as_postgres(command):
    """Run a server command as the postgres user when root (the server refuses root)."""
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in command)]
    return command


def postgres_available():
    if os.geteuid() == 0:
        import pwd
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return all(postgres_bin(b) for b in ("initdb", "pg_ctl", "psql"))


def postgres_start():
    """A throw-away PostgreSQL server on a Unix socket only (no TCP port)."""
    if "dir" not in PG:
        import tempfile
        directory = Path(tempfile.mkdtemp(prefix="kam-sql-pg-"))
        if os.geteuid() == 0:
            import shutil
            shutil.chown(directory, "postgres")
        PG["dir"] = directory  # set first: a server that does not start is not tried again
        subprocess.run(as_postgres([postgres_bin("initdb"), "-D", f"{directory}/data", "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        subprocess.run(as_postgres([postgres_bin("pg_ctl"), "start", "-D", f"{directory}/data", "-w", "-l", f"{directory}/log",
                                    "-o", f"-p 54329 -k {directory} -c listen_addresses="]), check=True, capture_output=True)
        PG["started"] = True
        log(f"PostgreSQL started on a socket in {directory}")
    return PG["dir"]


def postgres_stop():
    if "dir" in PG:
        if PG.get("started"):
            subprocess.run(as_postgres([postgres_bin("pg_ctl"), "stop", "-D", f"{PG['dir']}/data", "-w"]), capture_output=True)
        import shutil
        shutil.rmtree(PG["dir"], ignore_errors=True)


def psql(sql):
    directory = postgres_start()
    if not PG.get("started"):
        raise RuntimeError(f"the PostgreSQL server did not start (see {directory}/log)")
    run = subprocess.run([postgres_bin("psql"), "-h", str(directory), "-p", "54329", "-U", "postgres", "-q",
                          "-v", "ON_ERROR_STOP=1", "--csv", "-f", "-"], input=sql, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    return run.stdout


def postgres_table(data_file, money_scale=2):
    """The file as the table `orders`, typed as in Spark's view."""
    if PG.get("table") == (data_file, money_scale):
        return
    header = data_file.open(encoding="utf-8").readline().strip().split(",")

    def kind(h):
        if h in MONEY_HEADERS:
            return f"NUMERIC(18, {money_scale})"
        if h.endswith("_date"):
            return "DATE"
        if h == "quantity":
            return "DOUBLE PRECISION"
        return "TEXT"

    columns = ", ".join(f'"{h}" {kind(h)}' for h in header)
    psql(f"DROP TABLE IF EXISTS orders; CREATE TABLE orders ({columns});\n"
         f"\\copy orders FROM '{data_file}' WITH (FORMAT csv, HEADER true)\n")
    PG["table"] = (data_file, money_scale)


def run_engine(engine, statement, data_file):
    """The rows (dicts) and the seconds the engine took."""
    started = time.time()
    if engine == "postgres":
        postgres_table(data_file)
        started = time.time()
        result = list(csv.reader(io.StringIO(psql(statement))))
        # psql --csv writes NULL as an empty field; kam's text values are never empty.
        rows = [dict(zip(result[0], [v if v != "" else None for v in r])) for r in result[1:]]
        return rows, time.time() - started
    if engine == "duckdb":
        import duckdb
        cur = duckdb.connect().execute(statement)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    else:
        frame = spark_table(data_file).sql(statement)
        names = frame.columns
        rows = [tuple(r) for r in frame.collect()]
    return [dict(zip(names, r)) for r in rows], time.time() - started


# Rows kam refuses must stop the statement, never be counted some other way:
# (file in tests/sql/refuse, engines, the money scale of Spark's view). kam itself
# refuses all but thousands.csv, which it reads as 1000.00; the CSV route refuses it.
REFUSED = [
    ("empty_amount.csv", ["duckdb", "spark", "postgres"], 2),
    ("empty_customer.csv", ["duckdb", "spark", "postgres"], 2),
    ("more_decimals.csv", ["duckdb", "spark", "postgres"], 3),
    ("thousands.csv", ["duckdb"], 2),
]


def refusals():
    results = []
    for name, engines, scale in REFUSED:
        data_file = ROOT / "tests" / "sql" / "refuse" / name
        for engine in [e for e in engines if e in ENGINES]:
            dialect = ["--dialect", engine] + (["--table", "orders"] if engine != "duckdb" else [])
            statement = kam("sql", "abc", data_file, *dialect)
            try:
                if engine == "spark":
                    spark_table(data_file, scale)
                    rows = SPARK["session"].sql(statement).collect()
                elif engine == "postgres":
                    postgres_table(data_file, scale)
                    rows = list(csv.reader(io.StringIO(psql(statement))))[1:]
                else:
                    rows, _ = run_engine(engine, statement, data_file)
                results.append(f"FAIL {engine}: {name}: the statement gave {len(rows)} rows instead of stopping")
            except Exception as e:
                if "kam sql:" in str(e):
                    results.append(f"ok   {engine}: {name}: the statement stops (kam sql: ...)")
                else:
                    results.append(f"FAIL {engine}: {name}: stopped, but not by kam's check: {str(e)[:500]}")
    return results


def summary_route(tmp):
    """docs/scale.md's route: the CLV summary computed by Spark, saved as Parquet, then
    (where this kam has it) `kam clv --summary` on that Parquet, against kam clv."""
    import duckdb
    orders = ROOT / "sample-data" / "orders.csv"
    statement = kam("sql", "clv-summary", orders, "--dialect", "spark", "--table", "orders", "--as-of", "2024-09-30")
    out = tmp / "summary.parquet"
    spark_table(orders).sql(statement).coalesce(1).write.mode("overwrite").parquet(str(out))
    cur = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}/*.parquet') ORDER BY customer_id")
    names = [d[0] for d in cur.description]
    got = [dict(zip(names, r)) for r in cur.fetchall()]
    expected = sorted(kam_rows(["clv", orders, "--as-of", "2024-09-30", "--margin", "0.3"], tmp), key=lambda r: r["customer_id"])
    problem = compare("clv-summary", expected, got)
    results = [f"FAIL spark: summary saved as Parquet: {problem}" if problem else
               f"ok   spark: summary saved as Parquet: {len(got)} customers' x, t_x, T, m equal kam clv's"]
    help_text = subprocess.run([str(KAM), "clv", "--help"], capture_output=True, text=True).stdout
    if "--summary" not in help_text:
        log("note: this kam has no `kam clv --summary` yet; the fit on the Parquet summary is not run")
        return results
    try:
        # Spark writes a folder of part files; coalesce(1) above leaves one, and kam reads one file.
        part = next(out.glob("part-*.parquet"))
        fitted = {r["customer_id"]: r for r in kam_rows(["clv", "--summary", part, "--margin", "0.3"], tmp)}
        for e in expected:
            f = fitted.get(e["customer_id"])
            for c in ("p_alive", "expected_purchases", "clv"):
                # A refit, not a copy: Spark's T (a double) may differ in the last bits, so
                # the optimiser stops elsewhere on the flat ridge of the sample-data fit (same
                # log-likelihood to 4 decimals, docs/clv.md): predictions agree to 1e-4 relative.
                # clv is written at cents, so two values a 1e-5 apart may round a cent apart.
                abs_tol = 0.0100001 if c == "clv" else 1e-9
                if f is None or c not in f or not math.isclose(float(e[c]), float(f[c]), rel_tol=1e-4, abs_tol=abs_tol):
                    raise RuntimeError(f"customer {e['customer_id']}, {c}: kam clv {e.get(c)!r}, "
                                       f"kam clv --summary {None if f is None else f.get(c)!r}")
        results.append(f"ok   kam clv --summary on Spark's Parquet: {len(expected)} customers' predictions equal kam clv's")
    except Exception as e:
        results.append(f"FAIL kam clv --summary on Spark's Parquet: {str(e)[:2000]}")
    return results


def in_venv():
    import tempfile
    if "postgres" in ENGINES and not postgres_available():
        log("note: no PostgreSQL server here (initdb, pg_ctl, psql and a postgres user): its rendering is only parsed")
        ENGINES.remove("postgres")
    sets = [(ROOT / "sample-data", "sample-data", False, False), (ROOT / "tests" / "sql" / "data", "boundary cases", True, False)]
    sets.append((parquet_set(), "Parquet", False, True))
    if LINES > 0:
        sets.append((generated(), f"{LINES} lines", False, True))
    passed, failed = 0, 0
    started_all = time.time()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for directory, label, hand, large in sets:
            for name, metric, command, options, data_file in cases(directory, label, hand, large):
                started = time.time()
                expected = kam_rows(command, tmp)
                if metric == "clv-summary":
                    expected.sort(key=lambda r: r["customer_id"])  # kam clv sorts by clv
                kam_seconds = time.time() - started
                for engine in ENGINES:
                    if engine == "postgres" and data_file.suffix == ".parquet":
                        continue  # loaded from CSV only
                    dialect = ["--dialect", engine] + (["--table", "orders"] if engine != "duckdb" else [])
                    try:
                        statement = kam("sql", metric, data_file, *dialect, *options)
                        got, seconds = run_engine(engine, statement, data_file)
                        problem = compare(metric, expected, got)
                    except Exception as e:  # an engine's error is a failed case, not the end of the run
                        problem, seconds = f"{type(e).__name__}: {str(e)[:2000]}", 0.0
                    if problem:
                        failed += 1
                        print(f"FAIL {engine}: {name}: {problem}", flush=True)
                    else:
                        passed += 1
                        print(f"ok   {engine}: {name}: {len(expected)} rows equal ({engine} {seconds:.2f} s; kam {kam_seconds:.2f} s)", flush=True)
        for problem in refusals() + (summary_route(tmp) if "spark" in ENGINES else []):
            if problem.startswith("ok"):
                passed += 1
            else:
                failed += 1
            print(problem, flush=True)
    if "session" in SPARK:
        SPARK["session"].stop()
    postgres_stop()
    print(f"all cases in {time.time() - started_all:.0f} s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def main():
    if Path(sys.prefix).resolve() != VENV.resolve():
        setup()
        # Spark binds its driver to this machine only.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.execv(str(PY), [str(PY), __file__])
    in_venv()


if __name__ == "__main__":
    main()
