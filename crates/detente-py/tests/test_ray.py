"""The Ray recipe of docs/python.md: a local cluster on 127.0.0.1, `explore` shards as tasks,
merged, byte-identical to one run; the cluster stopped with `ray stop` at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RUNS, SEED, SHARDS, WAR, check_shards_make_one_run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    ray_bin = Path(sys.executable).with_name("ray")
    port = _free_port()
    temp = tmp_path_factory.mktemp("ray")
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", DETENTE_RECORD="off")
    start = [
        str(ray_bin), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
        "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}",
    ]
    subprocess.run(start, check=True, env=env, capture_output=True)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        import ray

        ray.shutdown()
        subprocess.run([str(ray_bin), "stop", "--force"], check=True, env=env, capture_output=True)


def test_ray_shards_merge_to_one_run(cluster, cli, tmp_path):
    import pyarrow as pa
    import ray

    import detente

    # Recording of runs is off on the workers: they share no run store.
    ray.init(address=cluster, runtime_env={"env_vars": {"DETENTE_RECORD": "off"}}, log_to_driver=False)

    exe, war = str(cli.exe), str(WAR)

    @ray.remote
    def cli_shard(k: int, out: str) -> str:
        subprocess.run(
            [exe, "explore", war, "--runs", str(RUNS), "--seed", str(SEED),
             "--shard", f"{k}/{SHARDS}", "-o", out],
            check=True, capture_output=True, env=dict(os.environ, DETENTE_RECORD="off"),
        )
        return out

    @ray.remote
    def py_shard(k: int) -> pa.Table:
        return pa.table(detente.load(war).explore(runs=RUNS, seed=SEED, shard=(k, SHARDS)))

    parts = ray.get([cli_shard.remote(k, str(tmp_path / f"part{k}.parquet")) for k in range(1, SHARDS + 1)])
    tables = ray.get([py_shard.remote(k) for k in range(1, SHARDS + 1)])

    check_shards_make_one_run(cli, tmp_path, parts, tables)
