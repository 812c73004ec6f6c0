"""Type stubs for the native module ``detente._native`` (Rust, PyO3); ``detente`` wraps it."""

from typing import Any, Optional, Protocol

class ArrowTable(Protocol):
    """An Arrow table exported through the Arrow PyCapsule interface: pass it to
    ``pyarrow.table``, ``polars.DataFrame`` or any reader of ``__arrow_c_stream__``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...

__version__: str

class ScenarioError(ValueError):
    """A scenario that cannot be read or run; the message is the command line's rendering."""

    diagnostics: list[dict[str, Any]]

class EvalError(ValueError):
    """Rows that cannot be evaluated; one dict per problem: row (from 0), column, message, help."""

    diagnostics: list[dict[str, Any]]

class NativeScenario:
    @property
    def source(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def policies(self) -> list[str]: ...
    @property
    def warnings(self) -> list[dict[str, Any]]: ...
    def model_name(self, model: Optional[str] = None) -> str: ...
    def uncertain(self, policy: Optional[str] = None) -> list[dict[str, Any]]: ...
    def columns(self, model: Optional[str] = None, policy: Optional[str] = None) -> dict[str, list[Any]]: ...
    def stand_in(self, column: str, model: Optional[str] = None) -> Optional[tuple[float, str]]: ...
    def quantiles(self, column: str, u: list[float], policy: Optional[str] = None) -> list[float]: ...
    def run(
        self, model: Optional[str] = None, policy: Optional[str] = None, seed: int = 0
    ) -> tuple[str, Optional[ArrowTable]]: ...
    def outcomes(
        self,
        values: Optional[dict[str, float]] = None,
        seed: int = 0,
        policy: Optional[str] = None,
        model: Optional[str] = None,
    ) -> dict[str, float]: ...
    def explore(
        self,
        runs: int,
        seed: int = 0,
        design: str = "mc",
        policy: Optional[str] = None,
        model: Optional[str] = None,
        shard: Optional[tuple[int, int]] = None,
    ) -> ArrowTable: ...
    def eval(self, rows: Any, seed: int = 0, model: Optional[str] = None) -> ArrowTable: ...

def load(source: str, /, format: Optional[str] = None) -> NativeScenario: ...
def models() -> list[str]: ...
