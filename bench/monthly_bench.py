#!/usr/bin/env python3
"""The monthly job in `make bench`: each command a cron job runs, and `kam report`, on
the same generated files, as a multiple of `kam abc` on those orders in the same run.

Data: `kam generate --orders N --customers 200000 --seed 3` (orders, inventory,
receivables, customers and a plan). For each command: the median wall time and CPU
time (user + system) of BENCH_MONTHLY_RUNS runs (default 3), the peak RSS and the peak
anonymous memory (RssAnon, what the process allocated; bench/run.py's sampler).

Environment: BENCH_MONTHLY_SIZES (default "2000000 10000000"), BENCH_MONTHLY_RUNS.
Run alone: KAM=target/release/kam python3 bench/monthly_bench.py
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATA, KAM as DEFAULT_KAM, sh, timed  # noqa: E402

KAM = Path(os.environ.get("KAM", DEFAULT_KAM))
AS_OF = "2024-12-31"


def dataset(lines):
    directory = DATA / f"monthly-{lines}"
    if not (directory / "plan.csv").exists():
        sh([str(KAM), "generate", "--orders", str(lines), "--customers", "200000", "--seed", "3",
            "--out", str(directory), "-q"])
    return directory


def commands(d, out):
    o, inv, rec, cus, plan = (str(d / f) for f in ["orders.csv", "inventory.csv", "receivables.csv", "customers.csv", "plan.csv"])
    csv = lambda name: ["-q", "-o", str(out / f"{name}.csv")]  # noqa: E731
    return {
        "abc": [str(KAM), "abc", o, *csv("abc")],
        "products (with inventory)": [str(KAM), "products", o, "--inventory", inv, *csv("products")],
        "receivables": [str(KAM), "receivables", rec, "--customers", cus, "--as-of", AS_OF, *csv("receivables")],
        "credit": [str(KAM), "credit", o, "--receivables", rec, "--customers", cus, "--as-of", AS_OF, *csv("credit")],
        "churn (with plan)": [str(KAM), "churn", o, "--plan", plan, "--as-of", AS_OF, *csv("churn")],
        "clv": [str(KAM), "clv", o, "--as-of", AS_OF, *csv("clv")],
        "scorecard": [str(KAM), "scorecard", o, "--receivables", rec, "--customers", cus, "--as-of", AS_OF, *csv("scorecard")],
        "report": [str(KAM), "report", "--period", "2024-12", "--out", str(out / "report"), "--orders", o,
                   "--inventory", inv, "--receivables", rec, "--customers", cus, "--plan", plan,
                   "--total-assets", "500000000", "-q"],
    }


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_MONTHLY_SIZES", "2000000 10000000").split()]
    runs = int(os.environ.get("BENCH_MONTHLY_RUNS", "3"))
    print(f"| lines | command | median s ({runs} runs) | median CPU s | peak RSS MiB | peak anon MiB | time / abc |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for lines in sizes:
        d = dataset(lines)
        with tempfile.TemporaryDirectory() as tmp:
            todo = commands(d, Path(tmp))
            samples = {name: [] for name in todo}
            # Round robin, so that a slow spell of the machine falls on every command alike.
            for _ in range(runs):
                for name, cmd in todo.items():
                    samples[name].append(timed(cmd))
                shutil.rmtree(Path(tmp) / "report", ignore_errors=True)
        abc = statistics.median(s[0] for s in samples["abc"])
        for name, s in samples.items():
            wall = statistics.median(x[0] for x in s)
            cpu = statistics.median(x[3] for x in s)
            print(f"| {lines:,} | {name} | {wall:.2f} | {cpu:.2f} | {max(x[1] for x in s):.0f} "
                  f"| {max(x[2] for x in s):.0f} | {wall / abc:.2f} |", flush=True)


if __name__ == "__main__":
    subprocess.run([str(KAM), "--version"], check=True, capture_output=True)
    main()
