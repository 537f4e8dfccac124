"""The Dask route of a batch: the same ``jobs.score_one`` per well, as tasks on a cluster.

Imported only when the user passes ``--scheduler`` (dask.distributed is heavy to import; the
dispatcher ``run.score_jobs`` imports it then). Workers read inputs where they live and write
outputs into OUT_DIR themselves (see run.py):
the inputs, the model folder and OUT_DIR must be reachable under the same paths from every
worker, and the workers must run the same sonic_model version.
"""

from __future__ import annotations

from collections.abc import Iterator

from distributed import Client, WorkerPlugin, as_completed

from sonic_model.serving.batch.jobs import (
    INTERNAL,
    BatchInputError,
    Job,
    ModelChoice,
    report_row,
    score_one,
)

PLUGIN_NAME = "sonicpredict-model"


class ModelPreload(WorkerPlugin):
    """Loads the model once per worker process when the worker joins (or is already there).

    score_one would load it on the first task anyway (ensemble.load_ensemble caches per
    process); loading here moves that cost off the first well and fails early and visibly when
    a worker cannot see the model folder.
    """

    idempotent = False

    def __init__(self, choice: ModelChoice):
        self.choice = choice

    def setup(self, worker):
        self.choice.load()


def _probe(address: str) -> None:
    """Fail in milliseconds, not after the client's whole timeout, when nothing listens."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        return  # tls://, ws://... : leave it to the client
    with socket.create_connection((parts.hostname, parts.port), timeout=10):
        pass


def connect(address: str, timeout: float = 30) -> Client:
    try:
        _probe(address)
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise BatchInputError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
                              "start one with `dask scheduler` and workers with `dask worker "
                              "ADDRESS`, or check the address") from None
    except ValueError as exc:  # a malformed address
        raise BatchInputError(f"--scheduler {address}: {exc}; give it as tcp://HOST:PORT"
                              ) from None


def run_dask(jobs: list[Job], choice: ModelChoice, address: str) -> Iterator[dict]:
    """Connect and preload the model now (so a wrong address fails before any file is
    touched); the returned iterator yields report rows in completion order."""
    client = connect(address)
    try:
        client.register_plugin(ModelPreload(choice), name=PLUGIN_NAME)
    except Exception as exc:  # a worker cannot load the model: every task would fail alike
        client.close()
        raise BatchInputError(f"the Dask workers at {address} cannot load the model from "
                              f"'{choice.model_dir}' ({exc}); workers need the same "
                              "sonic_model install and the model folder at that path"
                              ) from None
    return _results(client, jobs, choice)


def _results(client: Client, jobs: list[Job], choice: ModelChoice) -> Iterator[dict]:
    """A worker that dies takes only its wells with it."""
    try:
        # pure=False: a re-run after --force must run again, not reuse a cached result.
        futures = client.map(score_one, jobs, choice=choice, pure=False)
        job_of = {f.key: j for f, j in zip(futures, jobs)}
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker and the like: the well, not the batch, fails
                yield report_row(job_of[fut.key], "error", model=choice.label,
                                 message=f"{INTERNAL}: Dask task failed "
                                         f"({type(exc).__name__}: {exc})")
            fut.release()
    finally:
        client.close()
