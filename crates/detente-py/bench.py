"""The costs of docs/python.md's table, measured on the bundled war scenario.

    python crates/detente-py/bench.py [path/to/release/detente]

with the release wheel installed (docs/python.md, "Install") and the release CLI (default
target/release/detente). Each figure is the best of three repetitions (the machine is shared:
the best is the least disturbed); the per-call figures are means over many calls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

import detente

ROOT = Path(__file__).resolve().parents[2]
WAR = ROOT / "scenarios" / "ukraine-ceasefire-2026.toml"
exe = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "release" / "detente")
env = dict(os.environ, DETENTE_RECORD="off")
s = detente.load(WAR)
inputs = s.columns()["inputs"]
central = {u["name"]: u["central"] for u in s.uncertain()}


def best(f, n: int, reps: int = 3) -> float:
    """The best over `reps` of the mean time of `n` calls of `f`, after one warm-up call."""
    f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(n):
            f()
        times.append((time.perf_counter() - t) / n)
    return min(times)


# The shim of issue 16: write the scenario out, `detente run --format json`, parse the answer.
work = tempfile.mkdtemp()
path = os.path.join(work, "s.toml")


def shim():
    with open(path, "w") as f:
        f.write(s.text)
    out = subprocess.run([exe, "run", path, "--seed", "1", "--format", "json"],
                         capture_output=True, check=True, env=env).stdout
    return json.loads(out)


shim_t = best(shim, 20)
# One evaluation at the central values, the model seed cycling over 0..999 (the war's cost
# depends on its path): through `eval` of a one-row Arrow table (with a `seed` column; the
# answer an Arrow table too), and through `outcomes` (a dict in, a dict out).
SEEDS = 1000
one_rows = [pa.table({k: [v] for k, v in central.items()} | {"seed": [i]}) for i in range(SEEDS)]
calls = iter(range(10**9))
eval_one = best(lambda: s.eval(one_rows[next(calls) % SEEDS]), 3 * SEEDS)
calls = iter(range(10**9))
outcomes = best(lambda: s.outcomes(central, seed=next(calls) % SEEDS), 10 * SEEDS)
run = best(lambda: s.run(seed=1), 20)

# The EMA Workbench: perform_experiments of 1,000 experiments, each one `outcomes` call (the
# adapter's way), and each a one-row `eval` (the way before `outcomes`).
ema = ema_eval = None
try:
    import logging
    import random

    import numpy as np
    from ema_workbench import Policy, perform_experiments

    import detente.ema

    logging.getLogger("EMA").setLevel(logging.ERROR)
    m = detente.ema.model(s, outcomes=["ceasefire_month", "duration"])
    as_written = Policy("as written", **{"detente.policy": "none"})

    def experiments():
        np.random.seed(7)
        random.seed(7)
        perform_experiments(m, scenarios=1000, policies=[as_written], log_progress=False)

    ema = best(experiments, 1) / 1000
    through_outcomes = m.function
    m.function = lambda **e: {k: v[0] for k, v in m.evaluate([e]).items()}
    ema_eval = best(experiments, 1) / 1000
    m.function = through_outcomes
except ImportError:
    pass

# Batches: eval of 100,000 rows (an explore's inputs), explore of 100,000 runs.
rows = pa.table(s.explore(runs=100_000, seed=1)).select(inputs)
eval_batch = best(lambda: s.eval(rows, seed=1), 1)
explore = best(lambda: s.explore(runs=100_000, seed=1), 1)

# The model alone: explore on one thread, per run.
one = subprocess.run(
    [sys.executable, "-c",
     "import detente, time\n"
     f"s = detente.load({str(WAR)!r})\n"
     "s.explore(runs=1000, seed=1)\n"
     "ts = []\n"
     "for _ in range(3):\n"
     "    t = time.perf_counter(); s.explore(runs=20_000, seed=1); ts.append(time.perf_counter() - t)\n"
     "print(min(ts) / 20_000)\n"],
    capture_output=True, text=True, check=True, env=dict(env, RAYON_NUM_THREADS="1"),
).stdout
model_alone = float(one)

us = 1e6
print(f"load average: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
print(f"CLI subprocess shim (detente run --format json): {shim_t * 1e3:.1f} ms")
print(f"eval of one row (Arrow in and out): {eval_one * us:.0f} us, {shim_t / eval_one:,.0f}x less")
print(f"outcomes (one evaluation, dict out): {outcomes * us:.1f} us, {shim_t / outcomes:,.0f}x less")
print(f"eval of 100,000 rows: {eval_batch:.2f} s, {eval_batch / 1e5 * us:.0f} us a row, "
      f"{shim_t / (eval_batch / 1e5):,.0f}x less, {1e5 / eval_batch:,.0f} rows/s")
print(f"explore of 100,000 runs: {explore:.2f} s, {1e5 / explore:,.0f} runs/s")
print(f"the model alone (explore on one thread): {model_alone * us:.1f} us a run")
print(f"run() (the CLI's run, the war model's ensemble): {run * 1e3:.1f} ms")
if ema is not None:
    print(f"EMA perform_experiments: {ema * us:.0f} us an experiment through outcomes, "
          f"{ema_eval * us:.0f} us through a one-row eval")
