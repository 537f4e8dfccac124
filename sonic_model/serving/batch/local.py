"""The local route of a batch: ``score_one`` per well, inline or on a process pool.

Each pool worker sets its thread limits, then loads the model once (``init_worker``); a worker
that dies (killed, out of memory) fails only its own wells.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from sonic_model.core.errors import SonicModelError
from sonic_model.serving.batch.jobs import INTERNAL, Job, ModelChoice, report_row, score_one

__all__ = ["available_cores", "init_worker", "run_inline", "run_pool", "run_local"]


def init_worker(choice: ModelChoice, threads: int) -> None:
    """Process-pool initializer: thread limits first, then load the model once."""
    # Several workers each running libxgboost/BLAS on every core would fight over them.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    try:
        choice.load()
    except SonicModelError:
        pass  # every job will report the same clear message through score_one


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_inline(jobs: list[Job], choice: ModelChoice) -> Iterator[dict]:
    for job in jobs:
        yield score_one(job, choice)


def run_pool(jobs: list[Job], choice: ModelChoice, workers: int) -> Iterator[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    threads = max(1, available_cores() // workers)
    # spawn, not fork: the caller may hold threads (a Dask client, Streamlit, libxgboost),
    # and a forked child inherits their locks in whatever state they were.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                             initargs=(choice, threads)) as pool:
        futures = {pool.submit(score_one, job, choice): job for job in jobs}
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # the worker process died (killed, out of memory)
                    yield report_row(futures[fut], "error", model=choice.label,
                                     message=f"{INTERNAL}: worker lost "
                                             f"({type(exc).__name__}: {exc})")
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def run_local(jobs: list[Job], choice: ModelChoice, workers: int) -> Iterator[dict]:
    """Load the model here first, then score inline (one worker or one job) or on a pool."""
    # Loaded here too, before the report is opened: a damaged model is one clear error for the
    # batch, not the same message on every well (~0.3 s; the inline route uses this copy).
    choice.load()
    if workers <= 1 or len(jobs) <= 1:
        return run_inline(jobs, choice)
    return run_pool(jobs, choice, min(workers, len(jobs)))
