#!/usr/bin/env python3
"""`make bench`: kam against DuckDB and polars (Python) on the same generated files.

For each size and format, each tool computes the same ABC split RUNS times under
/usr/bin/time; we report the median wall time and the peak RSS, and the ratios
against the baselines measured in the same run. Before timing, the outputs are
compared to the cent: a baseline that computes something else would make the
comparison meaningless, so a mismatch stops the bench.

Environment: BENCH_SIZES (default "1000000 10000000"), BENCH_RUNS (default 3),
BENCH_FORMATS (default "csv parquet").
"""
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
VENV = DATA / "venv"
KAM = ROOT / "target" / "release" / "kam"
PY = VENV / "bin" / "python"
BASELINES = {"duckdb": "duckdb==2.0.0", "polars": "polars==2.1.0"}


def sh(cmd, **kw):
    print("+", " ".join(map(str, cmd)), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def setup():
    if not PY.exists():
        sh([sys.executable, "-m", "venv", str(VENV)])
    missing = [spec for name, spec in BASELINES.items()
               if subprocess.run([str(PY), "-c", f"import {name}"], capture_output=True).returncode]
    if missing:
        sh([str(PY), "-m", "pip", "install", "-q", *missing])


def dataset(lines, fmt):
    directory = DATA / f"orders-{lines}-{fmt}"
    target = directory / f"orders.{fmt}"
    if not target.exists():
        sh([str(KAM), "generate", "--orders", str(lines), "--seed", "1", "--format", fmt,
            "--out", str(directory), "-q"])
    return target


def command(tool, src, out):
    if tool == "kam":
        return [str(KAM), "abc", str(src), "-q", "-o", str(out)]
    return [str(PY), str(ROOT / "bench" / f"{tool}_abc.py"), str(src), str(out)]


def timed(cmd):
    """(wall seconds, peak RSS in MiB) of one run, from GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name, *cmd], check=True,
                       stdout=subprocess.DEVNULL)
        wall, rss_kib = t.read().split()[-2:]
    return float(wall), int(rss_kib) / 1024


def rows(path):
    with open(path, newline="") as f:
        return [(r["customer_id"], Decimal(r["sales"]), Decimal(r["cum_sales"]), r["class"])
                for r in csv.DictReader(f)]


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000 10000000").split()]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    formats = os.environ.get("BENCH_FORMATS", "csv parquet").split()
    setup()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in sizes:
            for fmt in formats:
                src = dataset(lines, fmt)
                outputs = {}
                for tool in ["kam", "duckdb", "polars"]:
                    out = Path(tmp) / f"{tool}.csv"
                    samples = [timed(command(tool, src, out)) for _ in range(runs)]
                    outputs[tool] = rows(out)
                    wall = statistics.median(s[0] for s in samples)
                    rss = max(s[1] for s in samples)
                    results.append((lines, fmt, tool, wall, rss))
                for tool in ["duckdb", "polars"]:
                    if outputs[tool] != outputs["kam"]:
                        sys.exit(f"MISMATCH: {tool} and kam disagree on {src}")
                print(f"{lines} {fmt}: outputs of kam, duckdb and polars agree to the cent "
                      f"({len(outputs['kam'])} customers)", file=sys.stderr)
    print_table(results, runs)


def print_table(results, runs):
    print(f"| lines | format | tool | median s ({runs} runs) | peak RSS MiB | time / kam | RSS / kam |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for lines, fmt, tool, wall, rss in results:
        kam = next(r for r in results if r[:3] == (lines, fmt, "kam"))
        print(f"| {lines:,} | {fmt} | {tool} | {wall:.2f} | {rss:.0f} | {wall / kam[3]:.2f} | {rss / kam[4]:.2f} |")


if __name__ == "__main__":
    main()
