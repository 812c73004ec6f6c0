"""SALib for a detente scenario: a problem dictionary and the function that evaluates it.

    >>> from SALib.sample import sobol as sample
    >>> from SALib.analyze import sobol
    >>> import detente, detente.salib
    >>> sc = detente.load("scenarios/ukraine-ceasefire-2026.toml")
    >>> problem, evaluate = detente.salib.problem(sc, output="ceasefire_month")
    >>> X = sample.sample(problem, 256)
    >>> Si = sobol.analyze(problem, evaluate(X))

The problem's variables are the scenario's uncertain numbers (the column names ``explore``
gives them), each as its **probability level**: uniform on [0, 1]. ``evaluate`` maps each level
through the number's own quantile function (the distribution written in the file, truncated to
the field's range, exactly as ``explore`` samples it) and evaluates the rows with
``scenario.eval`` in one call. Sensitivity indices do not change under such a monotone
transformation of each input, so they are the indices of the numbers as the scenario
distributes them, whatever the distribution (normal, beta, lognormal: SALib's own list has no
truncated ones).

The model's own randomness is not a variable: each row is the mean of ``replications`` runs
with the model seeds ``seed``, ``seed + 1``, ... (the same for every row: common random
numbers), so the indices are those of the expected outcome given the inputs, estimated with
that many draws of the war's randomness (a yes/no event's mean is its probability). A row whose output has no value (no ceasefire within the horizon) is
filled with the model's stand-in for "none" (for ``ceasefire_month``, the horizon), or with
``fill`` when given; an output with no stand-in and no ``fill`` raises, since SALib cannot take
a missing value.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import Scenario, _fill

__all__ = ["problem"]

# Levels are kept off 0 and 1, where an unbounded distribution's quantile is infinite.
_EDGE = 1e-9


def problem(
    scenario: Scenario,
    output: Union[str, Sequence[str], None] = None,
    policy: Optional[str] = None,
    model: Optional[str] = None,
    seed: int = 0,
    fill: Optional[float] = None,
    replications: int = 1,
) -> tuple[dict[str, Any], Callable[[np.ndarray], np.ndarray]]:
    """SALib's problem dictionary for ``scenario`` (under ``policy``) and ``evaluate(X)``.

    ``output`` names one output column (the answer of ``evaluate`` is then a vector, as SALib's
    analysers want) or several (a matrix, one column each); by default the model's first
    output. ``replications`` runs each row that many times (model seeds ``seed``, ``seed + 1``,
    ...) and averages. ``X`` is SALib's sample: one row per evaluation, one column per variable of
    ``problem["names"]``, levels in [0, 1]."""
    cols = scenario.columns(model=model, policy=policy)
    names = list(cols["inputs"])
    if not names:
        raise ValueError(f"{scenario.name} has no uncertain number to analyse")
    outputs = [output] if isinstance(output, str) else list(output or cols["outputs"][:1])
    fills = _fill.fills(scenario, outputs, fill, model, policy=policy)
    spec = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}

    def evaluate(X: np.ndarray) -> np.ndarray:
        import pyarrow as pa

        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(names):
            raise ValueError(f"X must have one column per variable ({len(names)}), not shape {X.shape}")
        u = np.clip(X, _EDGE, 1.0 - _EDGE)
        n, r = len(X), int(replications)
        rows = {v: np.tile(scenario.quantiles(v, u[:, j], policy=policy), r) for j, v in enumerate(names)}
        rows["seed"] = np.repeat(np.arange(seed, seed + r, dtype=np.uint64), n)
        if policy is not None:
            rows["policy"] = [policy] * (n * r)
        table = pa.table(scenario.eval(pa.table(rows), model=model))
        out = np.empty((n, len(outputs)))
        for k, o in enumerate(outputs):
            y = table.column(o).to_numpy(zero_copy_only=False).astype(float)
            missing = np.isnan(y)
            if missing.any():
                if fills[o] is None:
                    raise ValueError(
                        f"output `{o}` has no value in {int(missing.sum())} row(s) and no stand-in; "
                        "pass fill= to choose one"
                    )
                y[missing] = fills[o]
            out[:, k] = y.reshape(r, n).mean(axis=0)
        return out[:, 0] if len(outputs) == 1 else out

    return spec, evaluate
