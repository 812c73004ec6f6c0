"""The EMA Workbench for a detente scenario: a model whose uncertainties, levers and outcomes
come from the scenario.

    >>> from ema_workbench import perform_experiments
    >>> from ema_workbench.analysis import prim
    >>> import detente, detente.ema
    >>> sc = detente.load("scenarios/ukraine-ceasefire-2026.toml")
    >>> m = detente.ema.model(sc, outcomes=["ceasefire_month", "ceasefire"])
    >>> experiments, outcomes = perform_experiments(m, scenarios=200, policies=2)

- **Uncertainties**: one ``RealParameter`` per uncertain number of the scenario, named as
  ``explore`` names its column, with the number's own distribution (``RealParameter.from_dist``
  with the scipy distribution of the one written in the file, truncated to the field's range as
  ``explore`` truncates it: a normal salience is a truncated normal on 0..1).
- **Levers**: ``detente.policy`` (EMA keeps ``policy`` for its own policy names), a ``CategoricalParameter`` over ``"none"`` (the scenario as written)
  and the scenario's policies; and any uncertain number named in ``levers`` (``{"us.support":
  (0, 1)}``), which then is a ``RealParameter`` lever on that range instead of an uncertainty.
- **Outcomes**: a ``ScalarOutcome`` per name of ``outcomes`` (default: every output column the
  model declares). A yes/no event is 1.0 or 0.0. **Missing outcomes**: EMA keeps floats, but
  its analyses (PRIM, feature scoring) cannot take NaN, so where a run has no value (no
  ceasefire, so no ``ceasefire_month``) the adapter fills the model's stand-in for "none" (for
  ``ceasefire_month``: the horizon, "no ceasefire within it"), and NaN only for an output with
  no stand-in, unless ``fill`` gives a value for every missing one.

Each experiment is one row of ``scenario.eval``. The model's own randomness (the war's path
of fighting and talks) is an uncertainty too, ``detente.seed``, an ``IntegerParameter`` of the
model seed, so that each experiment draws its own, as each run of ``explore`` does. On the
bundled war scenario this matters: one fixed seed for all experiments puts ``ceasefire_month
<= 6`` anywhere between 65% and 99% of futures (seeds 1 and 0), against 70% when each draws its
own. ``seed=N`` gives every experiment the model seed N all the same (common random numbers);
an experiment that has no ``detente.seed`` value (``optimize`` over the levers with no
reference scenario) runs with the model seed 0.

**Optimisation**: the outcomes named in ``minimize=[...]`` and ``maximize=[...]`` are
objectives, for EMA's ``optimize`` (``EpsNSGAII``, from platypus-opt) over the levers; the
uncertainties then keep their central values, or a ``reference`` scenario's. In its results the
``detente.policy`` column holds EMA's ``Category`` objects, whose ``.value`` is the policy's id.

Experiments run in this process one at a time (EMA's ``SequentialEvaluator``, the default of
``perform_experiments``), each one call of ``Scenario.outcomes`` (the cost of one model run);
the model's ``evaluate(experiments)`` evaluates a list of them in one call of
``scenario.eval``, on every core, with the same values bit for bit.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional, Sequence

from . import Scenario, _fill

__all__ = ["distribution", "model"]

NO_POLICY = "none"
# Not `policy`: EMA names its own column of policy names so.
POLICY_LEVER = "detente.policy"
# The model seed as an uncertainty.
SEED = "detente.seed"


def distribution(u: Mapping[str, Any]):
    """The scipy frozen distribution of one of ``Scenario.uncertain()``'s numbers, truncated to
    its field's range as ``explore`` samples it."""
    from scipy import stats

    kind, p = u["dist"], list(u["params"])
    lo, hi = u["range"]
    if kind == "uniform":
        a, b = max(p[0], lo), min(p[1], hi)
        return stats.uniform(a, b - a)
    if kind == "normal":
        mean, sd = p
        return stats.truncnorm((lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)
    if kind == "triangular":
        a, mode, b = p
        return stats.triang((mode - a) / (b - a), loc=a, scale=b - a)
    if kind == "beta":
        a, b, *box = p
        x0, x1 = box if box else (0.0, 1.0)
        return stats.beta(a, b, loc=x0, scale=x1 - x0)
    if kind == "lognormal":
        mu, sigma = p
        return stats.lognorm(sigma, scale=math.exp(mu))
    raise ValueError(f"no scipy distribution for `{kind}`")


def _numbers(scenario: Scenario) -> dict[str, Mapping[str, Any]]:
    """Every uncertain number of the scenario or of one of its policies, by column name."""
    out = {u["name"]: u for u in scenario.uncertain()}
    for p in scenario.policies:
        for u in scenario.uncertain(policy=p):
            out.setdefault(u["name"], u)
    return out


class _Runner:
    """The function EMA calls with one experiment's values as keyword arguments, and
    ``evaluate`` for many experiments at once."""

    def __init__(self, scenario: Scenario, inputs: list[str], outcomes: list[str], fills: dict,
                 model: Optional[str], seed: Optional[int]) -> None:
        self.scenario, self.inputs, self.outcomes = scenario, inputs, outcomes
        self.fills, self.model, self.seed = fills, model, seed
        self.central = {n: u["central"] for n, u in _numbers(scenario).items()}
        # The inputs each policy's rows may give (its own, and the scenario's, which a policy
        # that fixes one ignores); `eval` and `outcomes` refuse a number only another policy
        # samples.
        own = scenario.columns(model=model)["inputs"]
        self.accepted = {p: set(own) | set(scenario.columns(model=model, policy=p)["inputs"])
                         for p in [None, *scenario.policies]}

    @staticmethod
    def _policy(experiment: Mapping[str, Any]) -> Optional[str]:
        p = experiment.get(POLICY_LEVER, NO_POLICY)
        return None if p == NO_POLICY else str(p)

    def _seed(self, experiment: Mapping[str, Any]) -> int:
        # An experiment may lack the seed: `optimize` over levers with no reference scenario.
        return int(experiment.get(SEED, 0)) if self.seed is None else self.seed

    def rows(self, experiments: Sequence[Mapping[str, Any]]):
        import pyarrow as pa

        policies = [self._policy(e) for e in experiments]
        accepted = set().union(*(self.accepted[p] for p in set(policies))) if experiments else set()
        names = [n for n in self.inputs if n in accepted]
        cols: dict[str, list] = {n: [] for n in names}
        for e in experiments:
            for n in names:
                cols[n].append(float(e[n]) if n in e else self.central[n])
        cols["policy"] = policies
        cols["seed"] = [self._seed(e) for e in experiments]
        return pa.table(cols)

    def evaluate(self, experiments: Sequence[Mapping[str, Any]]) -> dict[str, list[float]]:
        """The outcomes of many experiments (dicts of values), in one call of ``eval``."""
        import pyarrow as pa

        t = pa.table(self.scenario.eval(self.rows(experiments), model=self.model))
        out = {}
        for o in self.outcomes:
            values = [math.nan if v is None else float(v) for v in t.column(o).to_pylist()]
            fill = self.fills[o]
            out[o] = [fill if (math.isnan(v) and fill is not None) else v for v in values]
        return out

    def __call__(self, **experiment: Any) -> dict[str, float]:
        """One experiment, through ``Scenario.outcomes``: the row ``evaluate`` gives for it."""
        policy = self._policy(experiment)
        accepted = self.accepted[policy]
        values = {n: float(v) for n, v in experiment.items() if n in accepted}
        got = self.scenario.outcomes(values, seed=self._seed(experiment), policy=policy, model=self.model)
        out = {}
        for o in self.outcomes:
            v, fill = got[o], self.fills[o]
            out[o] = fill if (math.isnan(v) and fill is not None) else v
        return out


def model(
    scenario: Scenario,
    outcomes: Optional[Sequence[str]] = None,
    levers: Optional[Mapping[str, tuple[float, float]]] = None,
    policies: bool = True,
    model: Optional[str] = None,
    seed: Optional[int] = None,
    fill: Optional[float] = None,
    name: str = "detente",
    minimize: Sequence[str] = (),
    maximize: Sequence[str] = (),
):
    """An EMA Workbench ``Model`` of ``scenario`` (see the module's documentation): its
    uncertainties, its ``detente.policy`` lever (``policies=False`` leaves it out) and the numbers named
    in ``levers``, and ``outcomes``. The outcomes named in ``minimize`` and ``maximize`` are
    objectives (``ScalarOutcome.MINIMIZE``, ``MAXIMIZE``), for EMA's ``optimize``; the others
    are for information. The model's ``.evaluate(experiments)`` evaluates many experiments
    (dicts of values) in one call."""
    from ema_workbench import CategoricalParameter, IntegerParameter, Model, RealParameter, ScalarOutcome

    levers = dict(levers or {})
    cols = scenario.columns(model=model)
    wanted = list(outcomes) if outcomes is not None else list(cols["outputs"])
    # Inputs of every policy: a policy may add a sampled number (a later shock's distribution).
    inputs = list(cols["inputs"])
    for p in scenario.policies:
        for n in scenario.columns(model=model, policy=p)["inputs"]:
            if n not in inputs:
                inputs.append(n)
    fills = _fill.fills(scenario, wanted, fill, model, kind="outcome")
    goals = {o: ScalarOutcome.MINIMIZE for o in minimize} | {o: ScalarOutcome.MAXIMIZE for o in maximize}
    both = set(minimize) & set(maximize)
    if both:
        raise ValueError(f"outcome(s) {sorted(both)} both minimized and maximized")
    stray = [o for o in goals if o not in wanted]
    if stray:
        raise ValueError(f"objective(s) {stray} are not among the outcomes {wanted}")
    bad = [n for n in levers if n not in inputs]
    if bad:
        raise ValueError(f"levers must be uncertain numbers of the scenario, not {bad}; they are {inputs}")
    runner = _Runner(scenario, inputs, wanted, fills, model, seed)
    m = Model(name, function=runner)
    by_name = _numbers(scenario)
    uncertainties = [RealParameter.from_dist(n, distribution(by_name[n])) for n in inputs if n not in levers]
    if seed is None:
        uncertainties.append(IntegerParameter(SEED, 0, 2**31 - 1))
    m.uncertainties = uncertainties
    lever_list = [RealParameter(n, float(lo), float(hi)) for n, (lo, hi) in levers.items()]
    if policies and scenario.policies:
        lever_list.insert(0, CategoricalParameter(POLICY_LEVER, [NO_POLICY, *scenario.policies]))
    m.levers = lever_list
    m.outcomes = [ScalarOutcome(o, kind=goals.get(o, ScalarOutcome.INFO)) for o in wanted]
    m.evaluate = runner.evaluate
    return m
