"""The SALib and EMA Workbench adapters on the bundled war scenario, with small counts."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

import detente
import detente.ema
import detente.salib


def test_salib_problem_and_sobol(war):
    from SALib.analyze import sobol
    from SALib.sample import sobol as sample

    problem, evaluate = detente.salib.problem(war, output="ceasefire_month")
    assert problem["names"] == war.columns()["inputs"]
    assert problem["num_vars"] == len(problem["names"])
    X = sample.sample(problem, 64, calc_second_order=False, seed=1)
    Y = evaluate(X)
    assert Y.shape == (len(X),) and not np.isnan(Y).any()
    # The same sample gives the same answer.
    assert np.array_equal(Y, evaluate(X))
    Si = sobol.analyze(problem, Y, calc_second_order=False, seed=1)
    assert len(Si["S1"]) == len(problem["names"]) and len(Si["ST"]) == len(problem["names"])
    assert np.isfinite(Si["ST"]).all()


def test_salib_levels_map_through_the_scenarios_quantiles(war):
    problem, evaluate = detente.salib.problem(war, output=["ceasefire", "duration"])
    X = np.full((3, problem["num_vars"]), 0.5)
    Y = evaluate(X)
    assert Y.shape == (3, 2)
    # Level 0.5 is each number's median: the row eval gets is that.
    rows = {n: war.quantiles(n, [0.5]) for n in problem["names"]}
    rows["seed"] = [0]
    t = pa.table(war.eval(pa.table(rows)))
    assert t.column("duration").to_pylist()[0] == Y[0, 1]
    # Replications average the runs of successive seeds.
    _, mean_of_4 = detente.salib.problem(war, output="duration", replications=4)
    rows["seed"] = [0, 1, 2, 3]
    rows = {k: (v * 4 if k != "seed" else v) for k, v in rows.items()}
    four = pa.table(war.eval(pa.table(rows))).column("duration").to_pylist()
    assert mean_of_4(X[:1])[0] == pytest.approx(sum(four) / 4, rel=1e-15)


def test_ema_model_perform_experiments_and_prim(war):
    import random

    from ema_workbench import Policy, perform_experiments
    from ema_workbench.analysis import prim

    m = detente.ema.model(war, outcomes=["ceasefire_month", "ceasefire"])
    names = {u.name for u in m.uncertainties}
    assert names == set(war.columns()["inputs"]) | {"detente.seed"}
    assert [l.name for l in m.levers] == ["detente.policy"]
    np.random.seed(1)
    random.seed(1)
    as_written = Policy("as written", **{"detente.policy": "none"})
    experiments, outcomes = perform_experiments(m, scenarios=200, policies=[as_written])
    assert len(experiments) == 200
    month = outcomes["ceasefire_month"]
    assert not np.isnan(month).any()  # filled with the stand-in where no ceasefire came
    x = experiments.drop(columns=["model", "policy", "scenario", "detente.policy", "detente.seed"])
    y = month <= 6
    p = prim.Prim(x, y, threshold=0.6)
    box = p.find_box()
    assert len(box.peeling_trajectory) > 1
    # Each experiment is the row eval gives for its values.
    row = experiments.iloc[0]
    one = m.evaluate([{k: row[k] for k in [*x.columns, "detente.seed"]}])
    assert one["ceasefire_month"][0] == month[0]


def test_ema_levers_and_missing_outcomes(war):
    m = detente.ema.model(war, outcomes=["ceasefire_month"], levers={"us.support": (0.0, 1.0)}, policies=False, seed=3)
    assert "us.support" not in {u.name for u in m.uncertainties}
    assert "detente.seed" not in {u.name for u in m.uncertainties}
    assert [l.name for l in m.levers] == ["us.support"]
    with pytest.raises(ValueError, match="unknown outcome"):
        detente.ema.model(war, outcomes=["no_such_outcome"])
    s = war.stand_in("ceasefire_month")
    assert s is not None and math.isfinite(s[0])


def test_ema_distributions_match_the_scenarios_quantiles(war):
    for u in war.uncertain():
        d = detente.ema.distribution(u)
        for level in (0.1, 0.5, 0.9):
            assert d.ppf(level) == pytest.approx(war.quantiles(u["name"], [level])[0], rel=1e-6, abs=1e-9)


# A policy whose later shock is a distribution: a number only that policy samples.
AID_CUT = """
[[policy]]
id = "aid_cut_uncertain"
description = "The US cuts its aid after three months, to an uncertain level"
actor = "us"

[[policy.shock]]
at = 3
set = "us.support"
to = { uniform = [0.0, 0.03] }
"""


def test_ema_one_experiment_is_its_batch_row_under_every_policy(war_path):
    import random

    from ema_workbench import Policy, perform_experiments

    sc = detente.load(war_path.read_text() + AID_CUT)
    m = detente.ema.model(sc, outcomes=["ceasefire_month", "ceasefire", "duration"])
    assert "shock.0.us.support" in {u.name for u in m.uncertainties}
    np.random.seed(3)
    random.seed(3)
    policies = [Policy(p, **{"detente.policy": p}) for p in ["none", "aid_cut_uncertain", "us_walks_away"]]
    experiments, outcomes = perform_experiments(m, scenarios=12, policies=policies)
    names = [u.name for u in m.uncertainties] + ["detente.policy"]
    given = [{k: row[k] for k in names} for _, row in experiments.iterrows()]
    # One call each (EMA's way, through Scenario.outcomes) and one batch (eval): the same bits.
    batch = m.evaluate(given)
    for o in ["ceasefire_month", "ceasefire", "duration"]:
        assert list(outcomes[o]) == batch[o], o
    for e in given[:6]:
        one = m.function(**e)
        assert {o: one[o] for o in batch} == {o: m.evaluate([e])[o][0] for o in batch}
    # Fills: the stand-in where no ceasefire came, in both paths.
    s = sc.stand_in("ceasefire_month")
    assert not np.isnan(outcomes["ceasefire_month"]).any() and s is not None


def test_both_adapters_check_outputs_and_fill_alike(war):
    with pytest.raises(ValueError, match=r"unknown output\(s\) \['nope'\]"):
        detente.salib.problem(war, output="nope")
    with pytest.raises(ValueError, match=r"unknown outcome\(s\) \['nope'\]"):
        detente.ema.model(war, outcomes=["nope"])
    from detente import _fill

    s = war.stand_in("ceasefire_month")
    assert _fill.fills(war, ["ceasefire_month", "ceasefire"], None, None) == {
        "ceasefire_month": s[0], "ceasefire": None}
    assert _fill.fills(war, ["ceasefire_month"], 99, None) == {"ceasefire_month": 99.0}


def test_ema_optimize_with_epsnsgaii(war):
    """EMA 2.5.3's `optimize` (platypus-opt's EpsNSGAII) over the policy and one number, with a
    tiny budget; every solution it gives is what `outcomes` gives at its levers."""
    import random

    from ema_workbench import ScalarOutcome, SequentialEvaluator
    from ema_workbench.em_framework.optimization import EpsNSGAII

    m = detente.ema.model(war, outcomes=["ceasefire_month", "territory.outcome", "ceasefire"],
                          levers={"eu27.support": (0.02, 0.12)}, seed=1,
                          minimize=["ceasefire_month", "territory.outcome"])
    kinds = {o.name: o.kind for o in m.outcomes}
    assert kinds == {"ceasefire_month": ScalarOutcome.MINIMIZE, "territory.outcome": ScalarOutcome.MINIMIZE,
                     "ceasefire": ScalarOutcome.INFO}
    with pytest.raises(ValueError, match="not among the outcomes"):
        detente.ema.model(war, outcomes=["ceasefire"], maximize=["duration"])
    np.random.seed(2)
    random.seed(2)
    with SequentialEvaluator(m) as evaluator:
        results = evaluator.optimize(nfe=50, searchover="levers", epsilons=[0.5, 1.0], algorithm=EpsNSGAII)
    assert len(results) >= 1
    assert {"detente.policy", "eu27.support", "ceasefire_month", "territory.outcome"} <= set(results.columns)
    for _, r in results.iterrows():
        policy = getattr(r["detente.policy"], "value", r["detente.policy"])
        got = war.outcomes({"eu27.support": r["eu27.support"]}, seed=1,
                           policy=None if policy == "none" else policy)
        assert got["ceasefire_month"] == r["ceasefire_month"]
        assert got["territory.outcome"] == r["territory.outcome"]
    # Non-dominated: no solution is at least as good in both objectives and better in one.
    pts = results[["ceasefire_month", "territory.outcome"]].to_numpy()
    for a in pts:
        assert not any((b <= a).all() and (b < a).any() for b in pts)
