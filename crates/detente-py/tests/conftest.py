"""Shared fixtures: the repository, the CLI binary the answers are compared with, scenarios."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WAR = ROOT / "scenarios" / "ukraine-ceasefire-2026.toml"


def _bin() -> Path:
    given = os.environ.get("DETENTE_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "detente"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def war_path() -> Path:
    return WAR


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI (recording off), returns the CompletedProcess."""
    exe = _bin()
    if not exe.exists():
        pytest.fail(f"no detente binary at {exe}: `cargo build -p detente-cli` first, or set DETENTE_BIN")
    env = dict(os.environ, DETENTE_RECORD="off", NO_COLOR="1")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT)
        if check and p.returncode != 0:
            raise AssertionError(f"detente {' '.join(map(str, args))} failed:\n{p.stderr}")
        return p

    run.exe = exe
    return run


# The sharded runs of the Ray and Dask tests: SHARDS shards of RUNS runs from seed SEED. Their
# tasks stay in the tests, so that the workers receive them by value, not as a module to import.
SHARDS = 8
RUNS = 4000
SEED = 42


def check_shards_make_one_run(cli, tmp_path: Path, parts: list, tables: list) -> None:
    """The CLI's shards merged are byte for byte one run's file, and the Python shards
    concatenated are one run's table, equal to that file's values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import detente

    merged, whole = tmp_path / "merged.parquet", tmp_path / "whole.parquet"
    cli("merge", *parts, "-o", merged)
    cli("explore", WAR, "--runs", RUNS, "--seed", SEED, "-o", whole)
    assert merged.read_bytes() == whole.read_bytes()
    mine = pa.concat_tables(tables)
    assert mine.equals(pa.table(detente.load(WAR).explore(runs=RUNS, seed=SEED)))
    assert mine.equals(pq.read_table(whole).replace_schema_metadata(None).cast(mine.schema))


@pytest.fixture(scope="session")
def war():
    import detente

    return detente.load(WAR)
