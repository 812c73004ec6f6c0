"""`Scenario.outcomes`, the single-evaluation fast path: the `eval` row bit for bit for every
model with inputs, its errors in `eval`'s words, and two Python threads calling it at once."""

from __future__ import annotations

import math
import struct
import threading

import pyarrow as pa
import pytest

import detente

from conftest import ROOT, WAR

# The EC case with three uncertain numbers (a uniform salience, a triangular position, a normal
# capability) and a round-0 shock of its own: the static and spatial models' inputs, and the
# path where each run rebuilds its scenario.
EC_TEXT = (
    (ROOT / "scenarios" / "ec-car-emissions.toml")
    .read_text()
    .replace(
        'capability = 0.08\nposition = { date = 4 }\nsalience = { date = 0.8 }',
        'capability = 0.08\nposition = { date = 4 }\nsalience = { date = { uniform = [0.6, 0.9] } }',
        1,
    )
    .replace(
        'id = "belgium"\nname = "Belgium"\ncapability = 0.08\nposition = { date = 7 }',
        'id = "belgium"\nname = "Belgium"\ncapability = 0.08\nposition = { date = { triangular = [6, 7, 8] } }',
        1,
    )
    .replace("capability = 0.16", "capability = { normal = [0.16, 0.02] }", 1)
    + '\n[[shock]]\nat = 0\nset = "france.salience.date"\nto = 0.3\n'
)


def _bits(x) -> tuple:
    """A value as `eval` gives it (None for "no value", a bool for a yes/no event) or as
    `outcomes` does (NaN, 1.0/0.0), compared by its bits."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ("none",)
    return struct.unpack("<Q", struct.pack("<d", float(x)))


def _cases():
    war = detente.load(WAR)
    ec = detente.load(EC_TEXT)
    for name, sc in [("war", war), ("ec", ec)]:
        for model in detente.models():
            if not sc.columns(model=model)["inputs"]:
                continue
            try:
                sc.outcomes(model=model)
            except detente.EvalError:
                continue  # the model needs what this scenario lacks (a status quo, a [war])
            yield pytest.param(sc, model, id=f"{name}-{model}")


def _rows(sc, model, policy=None, runs=5, seed=3):
    t = pa.table(sc.explore(runs=runs, seed=seed, design="lhs", model=model, policy=policy))
    return t.select(sc.columns(model=model, policy=policy)["inputs"])


@pytest.mark.parametrize("sc,model", list(_cases()))
def test_outcomes_is_the_eval_row_bit_for_bit(sc, model):
    rows = _rows(sc, model)
    seeds = [0, 1, 7, 2**40 + 3, 2**53][: rows.num_rows]
    want = pa.table(sc.eval(rows.append_column("seed", pa.array(seeds, pa.uint64())), model=model))
    outputs = sc.columns(model=model)["outputs"]
    for i, values in enumerate(rows.to_pylist()):
        got = sc.outcomes(values, seed=seeds[i], model=model)
        assert list(got) == outputs
        for o in outputs:
            assert _bits(got[o]) == _bits(want.column(o)[i].as_py()), (i, o)
            assert isinstance(got[o], float)
    # Nothing given: every input at its central value.
    central = {u["name"]: [u["central"]] for u in sc.uncertain()}
    one = pa.table(sc.eval({**central, "seed": [5]}, model=model))
    got = sc.outcomes(seed=5, model=model)
    assert [_bits(got[o]) for o in outputs] == [_bits(one.column(o)[0].as_py()) for o in outputs]


@pytest.mark.parametrize("policy", ["us_walks_away", "no_death_zone", "coalition_guarantee"])
def test_outcomes_under_a_policy_is_evals_row(war, policy):
    rows = _rows(war, None, policy=policy, runs=4)
    want = pa.table(
        war.eval(rows.append_column("seed", pa.array([4] * 4)).append_column("policy", pa.array([policy] * 4)))
    )
    outputs = war.columns(policy=policy)["outputs"]
    for i, values in enumerate(rows.to_pylist()):
        got = war.outcomes(values, seed=4, policy=policy)
        assert [_bits(got[o]) for o in outputs] == [_bits(want.column(o)[i].as_py()) for o in outputs]
    # A number the policy fixes is accepted and ignored, as `eval` ignores its column.
    fixed = set(war.columns()["inputs"]) - set(war.columns(policy=policy)["inputs"])
    for name in fixed:
        values = rows.to_pylist()[0]
        assert war.outcomes({**values, name: 123.0}, seed=4, policy=policy) == war.outcomes(values, seed=4, policy=policy)


def test_values_on_the_bounds_and_any_mapping(war):
    # A triangular's ends are allowed (the path that asks `eval` itself); ints are numbers.
    for name, lo, hi in [(u["name"], *u["support"]) for u in war.uncertain()]:
        for x in (lo, hi):
            got = war.outcomes({name: x}, seed=2)
            want = pa.table(war.eval({name: [x], "seed": [2], **{
                u["name"]: [u["central"]] for u in war.uncertain() if u["name"] != name}}))
            assert [_bits(v) for v in got.values()] == [_bits(want.column(o)[0].as_py()) for o in got]
    assert war.outcomes({"us.support": 0}) == war.outcomes({"us.support": 0.0})
    import pandas as pd

    s = pd.Series({"us.support": 0.05})
    assert war.outcomes(s, seed=1) == war.outcomes({"us.support": 0.05}, seed=1)


def test_an_unknown_input_is_named_with_the_valid_names(war):
    with pytest.raises(detente.EvalError) as e:
        war.outcomes({"us.suport": 0.1, "no_such": 1.0})
    text = str(e.value)
    assert "unknown input `us.suport`" in text and "unknown input `no_such`" in text
    assert "did you mean `us.support`?" in text
    inputs = war.columns()["inputs"]
    for name in inputs:
        assert f"`{name}`" in text
    d = e.value.diagnostics
    assert [x["column"] for x in d] == ["us.suport", "no_such"]
    assert all(x["row"] is None for x in d)
    assert isinstance(e.value, ValueError)


def test_a_value_outside_its_support_is_evals_diagnostic(war):
    for name, x in [("us.support", 0.5), ("us.support", -0.01), ("russia.win_belief", float("nan")),
                    ("russia.cost", float("inf"))]:
        with pytest.raises(detente.EvalError) as mine:
            war.outcomes({name: x})
        central = {u["name"]: [u["central"]] for u in war.uncertain()}
        with pytest.raises(detente.EvalError) as theirs:
            war.eval({**central, name: [x]})
        a, b = mine.value.diagnostics, theirs.value.diagnostics
        assert [(x["column"], x["message"], x["help"]) for x in a] == [(x["column"], x["message"], x["help"]) for x in b]
        assert a[0]["row"] is None and b[0]["row"] == 0
        # The same text, without eval's "row 1: ".
        assert str(mine.value) == str(theirs.value).replace("row 1: ", "")


def test_other_errors(war):
    with pytest.raises(TypeError, match="us.support"):
        war.outcomes({"us.support": "high"})
    with pytest.raises(TypeError):
        war.outcomes({1: 0.1})
    with pytest.raises(detente.ScenarioError, match="unknown model"):
        war.outcomes(model="wra")
    with pytest.raises(detente.ScenarioError):
        war.outcomes(policy="no-such-policy")
    # A model that refuses the scenario: eval's words.
    ec = detente.load(EC_TEXT)
    with pytest.raises(detente.EvalError) as mine:
        ec.outcomes(model="nash")
    with pytest.raises(detente.EvalError) as theirs:
        ec.eval({u["name"]: [u["central"]] for u in ec.uncertain()}, model="nash")
    assert mine.value.diagnostics[0]["message"] == theirs.value.diagnostics[0]["message"]
    assert "status quo" in str(mine.value)


def test_two_threads_at_once_give_the_same_answers(war):
    rows = _rows(war, None, runs=60, seed=8).to_pylist()
    alone = [war.outcomes(v, seed=i) for i, v in enumerate(rows)]
    policy_alone = [war.outcomes(v, seed=i, policy="us_walks_away") for i, v in enumerate(rows)]
    start = threading.Barrier(2)
    got: dict[int, list] = {}

    def work(k: int) -> None:
        start.wait()
        out = []
        for _ in range(3):
            for i, v in enumerate(rows):
                out.append(war.outcomes(v, seed=i, policy="us_walks_away" if k else None))
        got[k] = out

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    key = lambda d: [_bits(x) for x in d.values()]  # noqa: E731
    assert [key(d) for d in got[0]] == [key(d) for d in alone * 3]
    assert [key(d) for d in got[1]] == [key(d) for d in policy_alone * 3]
