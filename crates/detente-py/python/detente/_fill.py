"""What the EMA Workbench and SALib adapters share: the outputs asked for, checked against the
model's, and the value that fills each where a run has none."""

from __future__ import annotations

from typing import Optional, Sequence

from . import Scenario


def fills(
    scenario: Scenario,
    outputs: Sequence[str],
    fill: Optional[float],
    model: Optional[str],
    policy: Optional[str] = None,
    kind: str = "output",
) -> dict[str, Optional[float]]:
    """For each of ``outputs`` (names of ``model``'s output columns under ``policy``; another
    name raises ``ValueError``, calling them ``kind``\\s), the value standing for "no value":
    ``fill`` when given, else the model's stand-in for "none" (``Scenario.stand_in``), else
    ``None`` (the output has no neutral value)."""
    known = scenario.columns(model=model, policy=policy)["outputs"]
    unknown = [o for o in outputs if o not in known]
    if unknown:
        raise ValueError(f"unknown {kind}(s) {unknown}; the model's outputs are {known}")
    out: dict[str, Optional[float]] = {}
    for o in outputs:
        if fill is not None:
            out[o] = float(fill)
        else:
            s = scenario.stand_in(o, model=model)
            out[o] = None if s is None else s[0]
    return out
