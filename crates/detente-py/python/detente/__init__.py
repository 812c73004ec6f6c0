"""detente in Python: read a scenario, run its models, explore it and evaluate given inputs.

    >>> import detente
    >>> sc = detente.load("scenarios/ukraine-ceasefire-2026.toml")
    >>> result = sc.run(seed=1)            # the dict `detente run --format json` prints
    >>> runs = sc.explore(runs=1000, seed=42)  # an Arrow table: pyarrow.table(runs), polars.DataFrame(runs)

Tables are Arrow tables exported through the Arrow PyCapsule interface
(``__arrow_c_stream__``) straight from the vectors the runs filled: pyarrow, polars and
anything else that reads the interface take them without a copy. Their columns are those of
the command line's results files: ``run`` (int64), then the inputs and outputs as float64 with
null for "no value", and yes/no events as booleans.

Long calls release the GIL and stop on Ctrl-C (``KeyboardInterrupt``).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

from . import _native
from ._native import EvalError, ScenarioError

if TYPE_CHECKING:
    from ._native import ArrowTable

__all__ = [
    "EvalError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load",
    "models",
]

__version__: str = _native.__version__


def models() -> list[str]:
    """The names of every model, in the order ``detente models`` lists them."""
    return list(_native.models())


class RunResult(dict):
    """One run: exactly the dict ``detente run --format json`` prints (compare it with ``==``),
    plus ``.trace``, the per-round trace as an Arrow table (``None`` for a static model): one row
    per round, one column per value of the JSON's ``rounds`` objects, nested keys joined with
    ``.`` (``truth.russia``)."""

    trace: Optional[ArrowTable]

    def __init__(self, value: Mapping[str, Any], trace: Optional[ArrowTable]) -> None:
        super().__init__(value)
        self.trace = trace


def _table(rows: Any) -> Any:
    """Rows for ``eval``: anything with ``__arrow_c_stream__``/``__arrow_c_array__`` as it is;
    a pandas DataFrame or a dict of columns through pyarrow."""
    if hasattr(rows, "__arrow_c_stream__") or hasattr(rows, "__arrow_c_array__"):
        return rows
    import pyarrow as pa  # only needed for rows that are not Arrow already

    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        return pa.Table.from_pandas(rows, preserve_index=False)
    if isinstance(rows, Mapping):
        return pa.table(dict(rows))
    raise TypeError(
        "rows must be an Arrow table (pyarrow, polars, ...), a pandas DataFrame or a dict of "
        f"columns, not {type(rows).__name__}"
    )


class Scenario:
    """A scenario read and validated by :func:`load`."""

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    def __repr__(self) -> str:
        return f"<detente.Scenario {self.name!r} from {self.source}>"

    def __reduce__(self):
        """Pickled as what it was read from (its path, or its text), so that it travels to Ray,
        Dask or multiprocessing workers, which read it again."""
        return (load, (self.text if self.source == "<text>" else self.source,))

    @property
    def name(self) -> str:
        """The scenario's name (``[scenario].name``, else the file's stem)."""
        return self._native.name

    @property
    def source(self) -> str:
        """Where it was read from: its path, or ``<text>``."""
        return self._native.source

    @property
    def text(self) -> str:
        """The text it was read from."""
        return self._native.text

    @property
    def policies(self) -> list[str]:
        """The ids of the scenario's policies, in file order."""
        return list(self._native.policies)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Warnings found while reading it, as dicts like :attr:`ScenarioError.diagnostics`."""
        return list(self._native.warnings)

    def model_name(self, model: Optional[str] = None) -> str:
        """The model a run uses: ``model`` checked, or the scenario's default."""
        return self._native.model_name(model)

    def uncertain(self, policy: Optional[str] = None) -> list[dict[str, Any]]:
        """The uncertain numbers (under ``policy``), in column order: ``name`` (the column
        name), ``dist`` (``normal``, ``uniform``, ``triangular``, ``beta``, ``lognormal``),
        ``params`` (as written), ``text``, ``support`` (the values it can take, within the
        field's range), ``central`` (the value a plain run uses) and ``range`` (the field's)."""
        return list(self._native.uncertain(policy))

    def columns(self, model: Optional[str] = None, policy: Optional[str] = None) -> dict[str, list]:
        """The columns of ``explore`` and ``eval``: ``inputs``, ``outputs`` and ``flags``
        (whether each column, inputs then outputs, is a yes/no event)."""
        return dict(self._native.columns(model, policy))

    def stand_in(self, column: str, model: Optional[str] = None) -> Optional[tuple[float, str]]:
        """The value that stands for "none" in output ``column`` (a ceasefire month when none
        came: the horizon), and why; ``None`` where no value is neutral."""
        return self._native.stand_in(column, model)

    def quantiles(self, column: str, u: Iterable[float], policy: Optional[str] = None) -> list[float]:
        """Input ``column``'s values at points ``u`` of the unit interval: the quantiles of its
        distribution, as ``explore`` samples them."""
        return list(self._native.quantiles(column, [float(x) for x in u], policy))

    def run(self, model: Optional[str] = None, policy: Optional[str] = None, seed: int = 0) -> RunResult:
        """One run of ``model`` (default: the scenario's) under ``policy`` with ``seed``: the
        dict ``detente run --format json`` prints, with the per-round trace as ``.trace``."""
        text, trace = self._native.run(model, policy, seed)
        return RunResult(json.loads(text), trace)

    def outcomes(
        self,
        values: Optional[Mapping[str, float]] = None,
        seed: int = 0,
        policy: Optional[str] = None,
        model: Optional[str] = None,
    ) -> dict[str, float]:
        """One evaluation, the fast path for optimisers and samplers that ask for one point at
        a time: the outputs of ``model`` under ``policy`` at ``values`` (input name, as
        :meth:`explore` names its columns, to value; an input not given takes its central
        value), with the model seed ``seed``, as a dict from output column to value: a yes/no
        event is 1.0 or 0.0, and "no value" (no ceasefire, so no ``ceasefire_month``) is NaN.

        It is, bit for bit, the row :meth:`eval` gives for the same values with a ``seed``
        column of ``seed`` (one run of the model, as ``explore`` records each of its runs;
        not :meth:`run`, which for the war model is an ensemble), at the cost of that run
        alone: the plan of each policy
        and model is made at the first call and kept, and the run releases the GIL, so
        threads may call it at once. An unknown input name, or a value outside what an input
        may take, raises :class:`EvalError` with ``eval``'s wording; an unknown policy or
        model raises :class:`ScenarioError`."""
        if values is not None and not isinstance(values, dict):
            values = dict(values)
        return self._native.outcomes(values, seed, policy, model)

    def explore(
        self,
        runs: int,
        seed: int = 0,
        design: str = "mc",
        policy: Optional[str] = None,
        model: Optional[str] = None,
        shard: Optional[tuple[int, int]] = None,
    ) -> ArrowTable:
        """``detente explore``: ``runs`` sampled futures (``design`` ``"mc"`` or ``"lhs"``)
        from ``seed``, one row per run, as an Arrow table with the columns of the CLI's results
        file and the same values bit for bit. ``shard=(k, n)`` computes only the runs of
        ``--shard k/n``; the shards, concatenated in order, are the whole table."""
        return self._native.explore(runs, seed, design, policy, model, shard)

    def eval(self, rows: Any, seed: int = 0, model: Optional[str] = None) -> ArrowTable:
        """``detente eval``: evaluates the scenario at given inputs. ``rows`` (an Arrow table,
        a polars or pandas DataFrame, or a dict of columns) has one column per uncertain input
        (the names :meth:`explore` gives them) and optional ``run``, ``seed`` and ``policy``
        columns; the answer has ``explore``'s columns for each row, in row order, the same
        whatever the thread count. Bad rows raise :class:`EvalError` naming row and column."""
        return self._native.eval(_table(rows), seed, model)


def load(source: "str | os.PathLike[str]", format: Optional[str] = None) -> Scenario:
    """Reads a scenario from a path or from its text (TOML, or one of the formats ``detente
    import`` reads: ``format`` names it, else it is recognised). A bad scenario raises
    :class:`ScenarioError`, whose message is what ``detente check`` prints and whose
    ``.diagnostics`` lists each problem as a dict (file, line, column, field, message, help,
    severity)."""
    return Scenario(_native.load(os.fspath(source), format))
