"""Batch scoring on Dask: a LocalCluster, and a real `dask scheduler` + `dask worker` started as
processes on localhost. Outputs must be byte-for-byte those of a local run."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from sonic_model.serving import batch

from batchwells import write_field
from support import cli, cli_env, free_port, require, stop

require("distributed")
from distributed import Client, LocalCluster  # noqa: E402

pytestmark = pytest.mark.slow      # a LocalCluster, scheduler and worker processes
VARYING = {"seconds"}   # the only report column allowed to differ between routes


@pytest.fixture(scope="module")
def field(tmp_path_factory):
    return write_field(tmp_path_factory.mktemp("field") / "field")


@pytest.fixture(scope="module")
def local_run(field, tmp_path_factory, model_dir):
    """The reference: the same folder scored in one local process."""
    out = tmp_path_factory.mktemp("local")
    choice = batch.resolve_model("full")
    jobs = batch.plan(batch.discover([field.root], out), out, "csv", choice)
    return out, batch.run_batch(jobs, out, choice, workers=1)


def report_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: v for k, v in row.items() if k not in VARYING} for row in csv.DictReader(fh)]


def assert_same_as_local(out: Path, local_out: Path) -> None:
    assert report_rows(out / batch.REPORT_NAME) == report_rows(local_out / batch.REPORT_NAME)
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(p.name for p in local_out.iterdir())
    for name in written:
        if name != batch.REPORT_NAME:
            assert (out / name).read_bytes() == (local_out / name).read_bytes(), name


def test_local_cluster_gives_the_local_numbers_and_loads_the_model_on_every_worker(
        field, local_run, tmp_path):
    local_out, local = local_run
    choice = batch.resolve_model("full")
    out = tmp_path / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        jobs = batch.plan(batch.discover([field.root], out), out, "csv", choice)
        summary = batch.run_batch(jobs, out, choice, scheduler=cluster.scheduler_address)
        with Client(cluster.scheduler_address) as client:
            def loaded():
                from pathlib import Path

                from sonic_model.model import ensemble
                # key: (ensemble name, (folder, model version, files))
                return sorted((name, Path(content[0]).name) for name, content in ensemble._cache)
            resident = client.run(loaded)
    assert summary.counts == local.counts == {"ok": 5, "skipped": 0, "error": 7}
    assert summary.exit_code == 2
    assert_same_as_local(out, local_out)
    # Two worker processes, each holding the model the batch asked for (contest, by its old
    # name) and, for the check that says when north-sea knows a well better, north-sea.
    assert len(resident) == 2
    assert all(v == [("full", "contest"), ("full", "north-sea")] for v in resident.values()), \
        resident


def test_rerun_through_dask_skips_without_needing_the_cluster(field, local_run, tmp_path):
    local_out, _ = local_run
    out = tmp_path / "copy"
    out.mkdir()
    for p in local_out.iterdir():
        (out / p.name).write_bytes(p.read_bytes())
    choice = batch.resolve_model("full")
    jobs = batch.plan(batch.discover([field.root], out), out, "csv", choice)
    # Every well is up to date and every bad file unchanged: nothing to send to a cluster,
    # so a scheduler that does not exist is never contacted.
    summary = batch.run_batch(jobs, out, choice, scheduler=f"tcp://127.0.0.1:{free_port()}")
    assert summary.counts == {"ok": 0, "skipped": 5, "error": 7}


@pytest.mark.slow
def test_real_scheduler_and_worker_processes_give_the_local_numbers(field, local_run, tmp_path):
    local_out, _ = local_run
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = cli_env()
    logs = tmp_path / "logs"
    logs.mkdir()
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "wb"))
    worker = subprocess.Popen(
        [sys.executable, "-m", "dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
         "--no-dashboard", "--local-directory", str(tmp_path / "worker-space")],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
        stderr=open(logs / "worker.log", "wb"))
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "dask"
        proc = cli("batch", field.root, "-o", out, "--ensemble", "full", "--scheduler", address,
                   timeout=300)
        assert proc.returncode == 2, proc.stderr + (logs / "worker.log").read_text()
        assert "Traceback" not in proc.stderr
        assert_same_as_local(out, local_out)
        # The second run skips finished wells without work for the cluster.
        again = cli("batch", field.root, "-o", out, "--ensemble", "full", "--scheduler", address,
                    "-q", timeout=300)
        assert again.returncode == 2
        assert "0 scored, 5 up to date, 7 refused" in again.stderr
    finally:
        stop(worker)
        stop(scheduler)


def test_auto_on_a_cluster_names_the_model_each_well_got(field, tmp_path):
    # The default, auto: each worker loads both bundled models and picks one per well; the
    # report says which and why, as the local route does.
    choice = batch.resolve_model()
    assert choice.label == "auto"
    out = tmp_path / "auto"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        jobs = batch.plan(batch.discover([field.root], out), out, "csv", choice)
        summary = batch.run_batch(jobs, out, choice, scheduler=cluster.scheduler_address)
    assert summary.counts["ok"] == 5
    ok = [r for r in report_rows(out / batch.REPORT_NAME) if r["status"] == "ok"]
    # the model column is the model each well got, with its version; why, in model_reason
    assert {r["model"].split(" ")[0] for r in ok} <= {"contest", "north-sea"}
    for r in ok:
        assert r["model_reason"].startswith(f"auto: {r['model'].split(' ')[0]} (")
