#!/usr/bin/env python3
"""`make bench`: kam against DuckDB and polars (Python) on the same generated files.

For each size, format and command (`kam abc`, `kam products`), each tool computes
the same table RUNS times; we report the median wall time, the median CPU time
(user + system: steadier than wall time on a shared machine), the peak RSS (the
kernel's high-water mark, VmHWM: what `/usr/bin/time` reports, including pages of
memory-mapped input files) and the peak anonymous memory (RssAnon sampled every
10 ms: what the process allocated), and the ratios against kam measured in the
same run. Before timing, the outputs are compared to the cent: a baseline that
computes something else would make the comparison meaningless, so a mismatch
stops the bench.

Then the CLV section (bench/clv_bench.py): kam clv against lifetimes; then the monthly
job (bench/monthly_bench.py): each command of the cron job and `kam report` at 2 M and
10 M lines, as multiples of `kam abc` in the same run.

Environment: BENCH_CLV (1 default, 0 to skip, large for 1 M customers), BENCH_MONTHLY (1 default, 0 to skip), BENCH_SIZES (default "1000000 10000000"), BENCH_RUNS (default 5),
BENCH_FORMATS (default "csv parquet"), BENCH_COMMANDS (default "abc products").
"""
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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


# command -> (the fields compared between tools, the sort key)
COMPARED = {
    "abc": ["customer_id", "customer_name", "sales", "cum_sales", "class"],
    "products": ["product_id", "product_name", "sales", "quantity", "cost", "gross_profit", "class"],
}
EXACT = {"sales", "cum_sales", "quantity", "cost", "gross_profit"}


def command(tool, task, src, out):
    if tool == "kam":
        return [str(KAM), task, str(src), "-q", "-o", str(out)]
    return [str(PY), str(ROOT / "bench" / f"{tool}_{task}.py"), str(src), str(out)]


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd):
    """(wall seconds, peak RSS MiB, peak anonymous MiB, CPU seconds) of one run."""
    cpu_before = cpu_of_children()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    hwm = anon = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
                    elif line.startswith("RssAnon:"):
                        anon = max(anon, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.01)
    wall = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"FAILED ({proc.returncode}): {' '.join(map(str, cmd))}")
    return wall, hwm / 1024, anon / 1024, cpu_of_children() - cpu_before


def rows(path, task):
    """The compared fields of every row, sorted by key; amounts as exact decimals."""
    fields = COMPARED[task]
    with open(path, newline="") as f:
        return sorted(tuple(Decimal(r[k]) if k in EXACT else r[k] for k in fields)
                      for r in csv.DictReader(f))


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000 10000000").split()]
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    formats = os.environ.get("BENCH_FORMATS", "csv parquet").split()
    tasks = os.environ.get("BENCH_COMMANDS", "abc products").split()
    setup()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in sizes:
            for fmt in formats:
                src = dataset(lines, fmt)
                for task in tasks:
                    tools = ["kam", "duckdb", "polars"]
                    outs = {tool: Path(tmp) / f"{tool}.csv" for tool in tools}
                    samples = {tool: [] for tool in tools}
                    # Round robin, so that a slow spell of this shared VM falls on every tool alike.
                    for _ in range(runs):
                        for tool in tools:
                            samples[tool].append(timed(command(tool, task, src, outs[tool])))
                    outputs = {tool: rows(outs[tool], task) for tool in tools}
                    for tool in tools:
                        runs_of = samples[tool]
                        wall = statistics.median(s[0] for s in runs_of)
                        cpu = statistics.median(s[3] for s in runs_of)
                        results.append((lines, fmt, task, tool, wall, cpu, max(s[1] for s in runs_of),
                                        max(s[2] for s in runs_of)))
                    for tool in ["duckdb", "polars"]:
                        if outputs[tool] != outputs["kam"]:
                            sys.exit(f"MISMATCH: {tool} and kam disagree on {task} of {src}")
                    print(f"{lines} {fmt} {task}: outputs of kam, duckdb and polars agree to the cent "
                          f"({len(outputs['kam'])} rows)", file=sys.stderr)
    print_table(results, runs)
    # The CLV section: kam clv against lifetimes on simulated BG/NBD + Gamma-Gamma data
    # (bench/clv_bench.py; BENCH_CLV=0 skips it, BENCH_CLV=large uses 1 M customers).
    clv = os.environ.get("BENCH_CLV", "1")
    if clv != "0":
        sh([sys.executable, str(ROOT / "bench" / "clv_bench.py"), *(["--large"] if clv == "large" else [])])
    # The monthly job: every command of the cron job and the report, as multiples of
    # kam abc (bench/monthly_bench.py; BENCH_MONTHLY=0 skips it).
    if os.environ.get("BENCH_MONTHLY", "1") != "0":
        sh([sys.executable, str(ROOT / "bench" / "monthly_bench.py")])


def print_table(results, runs):
    print(f"| lines | format | command | tool | median s ({runs} runs) | median CPU s | peak RSS MiB "
          "| peak anon MiB | time / kam | CPU / kam | RSS / kam | anon / kam |")
    print("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for lines, fmt, task, tool, wall, cpu, rss, anon in results:
        kam = next(r for r in results if r[:4] == (lines, fmt, task, "kam"))
        print(f"| {lines:,} | {fmt} | {task} | {tool} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {anon:.0f} "
              f"| {wall / kam[4]:.2f} | {cpu / kam[5]:.2f} | {rss / kam[6]:.2f} | {anon / kam[7]:.2f} |")


if __name__ == "__main__":
    main()
