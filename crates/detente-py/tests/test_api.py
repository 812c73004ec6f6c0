"""The package against the command line: load, diagnostics, run, explore, eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import detente

from conftest import ROOT, WAR

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


# --- load and diagnostics -------------------------------------------------------------------


def test_load_from_path_pathlike_and_text():
    a = detente.load(WAR)
    b = detente.load(str(WAR))
    c = detente.load(WAR.read_text())
    assert a.name == b.name == c.name
    assert a.source == str(WAR) and c.source == "<text>"
    assert "russia.cost" in [u["name"] for u in a.uncertain()] or a.uncertain()
    assert a.model_name() == "war"
    assert isinstance(a.policies, list)


BAD = """format = 1
[scenario]
name = "bad"

[[issue]]
id = "x"
low = "no"
high = "yes"
status_quo = 150

[[actor]]
id = "a"
capability = -1
"""


def test_diagnostics_carry_fields_and_the_cli_text(tmp_path, cli):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD)
    with pytest.raises(detente.ScenarioError) as e:
        detente.load(bad)
    diags = e.value.diagnostics
    assert diags, "diagnostics listed"
    for d in diags:
        assert set(d) >= {"file", "line", "column", "field", "message", "help"}
        assert d["file"] == str(bad)
    assert any(isinstance(d["line"], int) and d["line"] >= 1 for d in diags)
    # The message is what `detente check` prints, line for line.
    p = cli("check", bad, check=False)
    assert p.returncode != 0
    assert str(e.value) in p.stderr
    assert isinstance(e.value, ValueError)


def test_text_that_is_not_a_scenario_and_a_missing_file():
    with pytest.raises(detente.ScenarioError):
        detente.load("no/such/file.toml")
    with pytest.raises(detente.ScenarioError) as e:
        detente.load("format = 1\n[scenario]\nname = 1\n")
    assert any(d["line"] == 3 for d in e.value.diagnostics), e.value.diagnostics


def test_unknown_model_and_policy_raise_with_help(war):
    with pytest.raises(detente.ScenarioError, match="unknown model"):
        war.run(model="wra")
    with pytest.raises(detente.ScenarioError):
        war.run(policy="no-such-policy")


# --- run: every model against `detente run --format json` -----------------------------------


def _cases():
    for path in SCENARIOS:
        for model in detente.models():
            yield pytest.param(path, model, id=f"{path.stem}-{model}")


@pytest.mark.parametrize("path,model", list(_cases()))
def test_every_model_as_the_cli_json(path, model, cli):
    sc = detente.load(path)
    p = cli("run", path, "--model", model, "--seed", "3", "--format", "json", check=False)
    if p.returncode != 0:
        with pytest.raises(detente.ScenarioError):
            sc.run(model=model, seed=3)
        return
    got = sc.run(model=model, seed=3)
    assert got == json.loads(p.stdout)
    if got["rounds"]:
        assert got.trace is not None
        t = pa.table(got.trace)
        assert t.num_rows == len(got["rounds"])
        assert t.column("round").to_pylist() == [r["round"] for r in got["rounds"]]
    else:
        assert got.trace is None


def test_policies_run_as_the_cli(war, cli):
    for policy in war.policies:
        p = cli("run", WAR, "--policy", policy, "--format", "json")
        assert war.run(policy=policy) == json.loads(p.stdout)


# --- explore: the CLI's Parquet and CSV, zero copy ------------------------------------------


@pytest.mark.parametrize("design,policy", [("mc", None), ("lhs", None), ("mc", "first")])
def test_explore_is_the_cli_parquet(design, policy, war, cli, tmp_path):
    if policy == "first":
        if not war.policies:
            pytest.skip("no policy")
        policy = war.policies[0]
    out = tmp_path / "runs.parquet"
    args = ["explore", WAR, "--runs", "700", "--seed", "11", "--design", design, "-o", out]
    if policy:
        args += ["--policy", policy]
    cli(*args)
    want = pq.read_table(out)
    got = pa.table(war.explore(runs=700, seed=11, design=design, policy=policy))
    assert got.schema.names == want.schema.names
    assert [f.type for f in got.schema] == [f.type for f in want.schema]
    assert got.equals(want.replace_schema_metadata(None).cast(got.schema))
    # Bit for bit, null for null.
    for name in got.schema.names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


def test_shards_concatenate_to_the_whole(war):
    whole = pa.table(war.explore(runs=501, seed=5))
    parts = [pa.table(war.explore(runs=501, seed=5, shard=(k, 4))) for k in range(1, 5)]
    assert pa.concat_tables(parts).equals(whole)


def test_arrow_is_not_copied(war):
    t = war.explore(runs=2000, seed=1)
    a, b = pa.table(t), pa.table(t)
    for name in a.schema.names:
        x, y = a.column(name).chunk(0), b.column(name).chunk(0)
        # Both imports point at the buffers detente filled.
        assert [buf.address for buf in x.buffers() if buf] == [buf.address for buf in y.buffers() if buf]
    import polars as pl

    df = pl.DataFrame(t)
    col = a.schema.names[1]
    assert df[col].to_arrow().buffers()[1].address == a.column(col).chunk(0).buffers()[1].address


def test_polars_and_pandas_equal_the_csv(war, cli, tmp_path):
    import pandas as pd
    import polars as pl

    out = tmp_path / "runs.csv"
    cli("explore", WAR, "--runs", "800", "--seed", "42", "-o", out)
    t = war.explore(runs=800, seed=42)
    csv = pl.read_csv(out, infer_schema_length=None)
    df = pl.DataFrame(t)
    pdf = pa.table(t).to_pandas()
    pcsv = pd.read_csv(out)
    assert df.columns == csv.columns == list(pdf.columns) == list(pcsv.columns)
    for name, dtype in zip(df.columns, df.dtypes):
        mine = df[name].cast(pl.Float64) if dtype == pl.Boolean else df[name]
        theirs = csv[name].cast(pl.Float64)
        assert mine.cast(pl.Float64).to_list() == theirs.to_list(), name
        assert mine.null_count() == theirs.null_count(), name
        a = pdf[name].astype("float64")
        b = pcsv[name].astype("float64")
        assert a.isna().equals(b.isna()), name
        assert (a.dropna() == b.dropna()).all(), name
    # The same answers: a median and a filter count.
    num = [n for n, d in zip(df.columns, df.dtypes) if d == pl.Float64][-1]
    assert df[num].median() == csv[num].median() == pdf[num].median() == pcsv[num].median()


# --- eval -----------------------------------------------------------------------------------


def _inputs(war, table: pa.Table) -> pa.Table:
    names = war.columns()["inputs"]
    return table.select(["run", *names])


def test_eval_gives_the_explore_rows_bit_for_bit(war):
    whole = pa.table(war.explore(runs=600, seed=9))
    got = pa.table(war.eval(_inputs(war, whole), seed=9))
    assert got.equals(whole)


def test_eval_is_deterministic_across_calls_threads_and_inputs(war, tmp_path, cli):
    rows = _inputs(war, pa.table(war.explore(runs=400, seed=2, design="lhs"))).drop_columns(["run"])
    a = pa.table(war.eval(rows, seed=4))
    b = pa.table(war.eval(rows, seed=4))
    assert a.equals(b)
    import polars as pl

    assert pa.table(war.eval(pl.from_arrow(rows), seed=4)).equals(a)
    assert pa.table(war.eval(rows.to_pandas(), seed=4)).equals(a)
    assert pa.table(war.eval(rows.to_pydict(), seed=4)).equals(a)
    # One thread in another process gives the same bytes.
    src = tmp_path / "rows.parquet"
    pq.write_table(rows, src, compression="none")
    script = (
        "import sys, detente, pyarrow as pa, pyarrow.parquet as pq\n"
        f"t = pa.table(detente.load({str(WAR)!r}).eval(pq.read_table({str(src)!r}), seed=4))\n"
        f"pq.write_table(t, {str(tmp_path / 'one.parquet')!r})\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=dict(os.environ, RAYON_NUM_THREADS="1"))
    assert pq.read_table(tmp_path / "one.parquet").equals(a)
    # And the CLI's `detente eval` gives the same values.
    out = tmp_path / "cli.parquet"
    cli("eval", WAR, "--inputs", src, "--seed", "4", "-o", out)
    want = pq.read_table(out).replace_schema_metadata(None)
    assert want.schema.names == a.schema.names
    for name in a.schema.names:
        assert a.column(name).to_pylist() == want.column(name).to_pylist(), name


def test_eval_problems_name_row_and_column(war):
    rows = _inputs(war, pa.table(war.explore(runs=5, seed=1))).drop_columns(["run"])
    name = rows.schema.names[0]
    bad = rows.set_column(0, name, pa.array([float("nan")] + rows.column(0).to_pylist()[1:]))
    with pytest.raises(detente.EvalError) as e:
        war.eval(bad)
    assert any(x["row"] == 0 and x["column"] == name for x in e.value.diagnostics), e.value.diagnostics
    assert "row 1" in str(e.value)
    unknown = rows.append_column("no_such_input", pa.array([1.0] * 5))
    with pytest.raises(detente.EvalError) as e:
        war.eval(unknown)
    assert any(x["column"] == "no_such_input" for x in e.value.diagnostics)
    assert "no_such_input" in str(e.value)


def test_ctrl_c_interrupts_a_long_explore(tmp_path):
    import signal
    import time

    script = (
        "import detente, sys\n"
        f"sc = detente.load({str(WAR)!r})\n"
        "print('start', flush=True)\n"
        "try:\n"
        "    sc.explore(runs=5_000_000, seed=1)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "start"
    time.sleep(1.0)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 0 and "interrupted" in out
    assert time.monotonic() - sent < 10


def test_a_scenario_pickles_as_its_source(war):
    import pickle

    again = pickle.loads(pickle.dumps(war))
    assert again.source == war.source and again.run(seed=2) == war.run(seed=2)
    text = detente.load(WAR.read_text())
    assert pickle.loads(pickle.dumps(text)).text == text.text
