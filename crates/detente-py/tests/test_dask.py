"""The Dask recipe of docs/python.md: a LocalCluster of worker processes on 127.0.0.1, `explore`
shards as tasks, merged, byte-identical to one run; the cluster closed at the end."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import RUNS, SEED, SHARDS, WAR, check_shards_make_one_run


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    # Worker processes, not threads: each reads the scenario itself, as on another machine.
    # Recording of runs is off on the workers: they share no run store.
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, env={"DETENTE_RECORD": "off"},
    )
    c = Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()
        assert cluster.status.name == "closed"


def test_dask_shards_merge_to_one_run(client, cli, tmp_path):
    import pyarrow as pa

    import detente

    exe, war = str(cli.exe), str(WAR)
    workers = client.run(os.getpid)
    assert len(set(workers.values()) | {os.getpid()}) == 3, "two worker processes besides this one"
    assert set(client.run(lambda: os.environ.get("DETENTE_RECORD")).values()) == {"off"}

    def cli_shard(k: int, out: str) -> str:
        subprocess.run(
            [exe, "explore", war, "--runs", str(RUNS), "--seed", str(SEED),
             "--shard", f"{k}/{SHARDS}", "-o", out],
            check=True, capture_output=True,
        )
        return out

    def py_shard(k: int) -> pa.Table:
        return pa.table(detente.load(war).explore(runs=RUNS, seed=SEED, shard=(k, SHARDS)))

    parts = client.gather([client.submit(cli_shard, k, str(tmp_path / f"part{k}.parquet"))
                           for k in range(1, SHARDS + 1)])
    tables = client.gather([client.submit(py_shard, k) for k in range(1, SHARDS + 1)])

    check_shards_make_one_run(cli, tmp_path, parts, tables)
