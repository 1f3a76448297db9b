#!/usr/bin/env python3
"""`make bench` CLV section: kam clv against lifetimes on transactions simulated
from BG/NBD + Gamma-Gamma with known parameters.

The simulator (below, numpy only) draws for each customer a first purchase day
uniformly in the first year, a purchase rate λ ~ Gamma(r, α) per week and a
dropout probability p ~ Beta(a, b); purchases follow a Poisson process, and
after each repeat purchase the customer leaves with probability p. Each
purchase's amount is Gamma(p_s, ν) with ν ~ Gamma(q, γ) per customer. One order
line per purchase day; calibration ends after two years.

The same CSV then goes through `kam clv` and through lifetimes (polars reads
the CSV; lifetimes' summary_data_from_transaction_data, BetaGeoFitter,
GammaGammaFitter and the 12-month predictions). The tools alternate, RUNS
times each, and the medians are reported with the peak RSS: the machine is
shared, so only figures from the same run compare.

Environment: CLV_CUSTOMERS (default 200000; `--large` for 1000000), RUNS (3).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
VENV = DATA / "venv"
PY = VENV / "bin" / "python"
KAM = Path(os.environ.get("KAM", ROOT / "target" / "release" / "kam"))
# lifetimes 0.11.3 imports and runs with these (its last release, 2020).
PINNED = ["lifetimes==0.11.3", "numpy==2.4.6", "scipy==1.17.1", "pandas==3.1.1", "autograd==1.9.1", "polars==2.1.0", "pyarrow==26.0.1"]
TRUTH = {"r": 2.0, "alpha": 4.0, "a": 0.8, "b": 6.0, "p": 6.25, "q": 3.74, "v": 15.44}

SIMULATE = r'''
import sys, numpy as np, datetime as dt
n, path, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
r, alpha, a, b, p, q, v = 2.0, 4.0, 0.8, 6.0, 6.25, 3.74, 15.44
rng = np.random.default_rng(seed)
start = dt.date(2022, 1, 1)
end_day = 730  # calibration end: two years after the start
first = rng.integers(0, 365, n)
lam = rng.gamma(r, 1.0 / alpha, n)      # per week
drop = rng.beta(a, b, n)
nu = rng.gamma(q, 1.0 / v, n)
with open(path, "w") as f:
    f.write("order_id,order_date,customer_id,amount\n")
    oid = 0
    for i in range(n):
        day = float(first[i]); days = [int(first[i])]
        while True:
            day += rng.exponential(7.0 / lam[i])
            if day > end_day:
                break
            d = int(day)
            if d != days[-1]:
                days.append(d)
            if rng.random() < drop[i]:
                break
        amounts = rng.gamma(p, 1.0 / nu[i], len(days))
        for d, m in zip(days, amounts):
            oid += 1
            f.write(f"O{oid},{start + dt.timedelta(days=d)},C{i},{m:.2f}\n")
'''

LIFETIMES = r'''
import sys, time, json, polars as pl, warnings
warnings.filterwarnings("ignore")
t0 = time.time()
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
tx = pl.read_csv(sys.argv[1], try_parse_dates=True).to_pandas()
s = summary_data_from_transaction_data(tx, "customer_id", "order_date", monetary_value_col="amount",
                                       observation_period_end="2023-12-31", freq="D")
# Days to weeks, as kam does (t_x and T are day counts / 7).
s["recency"] = s["recency"].astype(float) / 7.0
s["T"] = s["T"].astype(float) / 7.0
t1 = time.time()
bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
t2 = time.time()
rep = s[s["frequency"] > 0]
ggf = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
clv = ggf.customer_lifetime_value(bgf, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                  time=12, discount_rate=1.1 ** (1 / 12) - 1, freq="W")
pa = bgf.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
t3 = time.time()
out = dict(bgf.params_.to_dict(), **{k: float(v) for k, v in ggf.params_.to_dict().items()})
print(json.dumps({"params": out, "summary_s": t1 - t0, "fit_s": t2 - t1, "rest_s": t3 - t2}))
'''


def sh(cmd, **kw):
    print("+", " ".join(map(str, cmd)), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def setup():
    if not PY.exists():
        sh([sys.executable, "-m", "venv", str(VENV)])
    if subprocess.run([str(PY), "-c", "import lifetimes, polars"], capture_output=True).returncode:
        sh([str(PY), "-m", "pip", "install", "-q", *PINNED])


def timed(cmd):
    """Wall seconds and peak RSS (MB) of a command, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as t:
        started = time.time()
        run = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name, *cmd], capture_output=True, text=True)
        wall = time.time() - started
        if run.returncode:
            sys.exit(f"failed: {' '.join(cmd)}\n{run.stderr}")
        return wall, int(t.read().split()[-1]) / 1024, run


def kam_params(stderr):
    # "BG/NBD (purchases): r = 2.07 (se ..), alpha = ..." and the Gamma-Gamma line, plus the fit time.
    import re
    out = {}
    for name in ["r", "alpha", "a", "b", "p", "q", "v"]:
        m = re.search(rf"\b{name} = ([0-9.eE+-]+)", stderr)
        out[name] = float(m.group(1))
    fit = float(re.search(r"BG/NBD in ([0-9.]+) s", stderr).group(1))
    return out, fit


def main():
    customers = 1_000_000 if "--large" in sys.argv else int(os.environ.get("CLV_CUSTOMERS", "200000"))
    runs = int(os.environ.get("RUNS", "3"))
    setup()
    path = DATA / f"clv-{customers}.csv"
    if not path.exists():
        sh([str(PY), "-c", SIMULATE, str(customers), str(path), "19"])
    lines = sum(1 for _ in open(path)) - 1
    print(f"CLV bench: {customers} customers, {lines} order lines ({path})")
    kam_cmd = [str(KAM), "clv", str(path), "--as-of", "2023-12-31", "--margin", "0.3", "--format", "csv", "-o", "/dev/null"]
    lt_cmd = [str(PY), "-c", LIFETIMES, str(path)]
    results = {"kam": [], "lifetimes": []}
    for _ in range(runs):  # alternate the tools so both see the same load
        wall, rss, run = timed(kam_cmd)
        params, fit = kam_params(run.stderr)
        results["kam"].append((wall, rss, fit, params))
        wall, rss, run = timed(lt_cmd)
        info = json.loads(run.stdout.strip().splitlines()[-1])
        results["lifetimes"].append((wall, rss, info["fit_s"], info["params"]))
    print(f"{'tool':<10} {'whole run s':>12} {'BG/NBD fit s':>13} {'peak RSS MB':>12}  parameters (truth {TRUTH})")
    for tool, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        rss = max(r[1] for r in rows)
        fit = statistics.median(r[2] for r in rows)
        params = rows[-1][3]
        shown = ", ".join(f"{k} {params[k]:.4f}" for k in TRUTH)
        print(f"{tool:<10} {wall:>12.2f} {fit:>13.3f} {rss:>12.0f}  {shown}")
    k, l = results["kam"][-1][3], results["lifetimes"][-1][3]
    worst = max(abs(k[n] / l[n] - 1) for n in ["r", "alpha", "a", "b"])
    ratio = statistics.median(r[0] for r in results["kam"]) / statistics.median(r[0] for r in results["lifetimes"])
    print(f"kam / lifetimes whole-run time: {ratio:.3f}; largest BG/NBD parameter difference: {worst:.2e} relative")


if __name__ == "__main__":
    main()
