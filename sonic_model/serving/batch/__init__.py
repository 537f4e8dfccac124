"""Batch scoring of folders of wells, on a local process pool or a Dask cluster.

One module per job, imported in this order (none imports a module after it):
``jobs`` (the model choice, finding wells, planning output names, ``score_one`` for one well),
``report`` (batch_report.csv: reading the last one, what a re-run keeps, the journal),
``local`` (inline or a process pool), ``cluster`` (Dask; imported only for ``--scheduler``),
``run`` (``run_batch``: the dispatcher between local and Dask, and ``score_files`` for the app)
and ``progress`` (the CLI's progress bar). The names below are the public door:

    from sonic_model.serving import batch

    choice = batch.resolve_model("full")
    jobs = batch.plan(batch.discover(["field/"], "out"), "out", "csv", choice)
    summary = batch.run_batch(jobs, "out", choice, workers=4)
"""

from sonic_model.serving.batch.jobs import (
                                            INTERNAL,
                                            REPORT_COLUMNS,
                                            STATUSES,
                                            WELL_SUFFIXES,
                                            BatchInputError,
                                            BatchWriteError,
                                            Found,
                                            Job,
                                            ModelChoice,
                                            discover,
                                            plan,
                                            resolve_model,
                                            score_one,
)
from sonic_model.serving.batch.local import available_cores
from sonic_model.serving.batch.progress import ProgressPrinter
from sonic_model.serving.batch.report import REPORT_NAME, read_report
from sonic_model.serving.batch.run import BatchSummary, Progress, run_batch, score_files

__all__ = ["INTERNAL", "REPORT_COLUMNS", "REPORT_NAME", "STATUSES", "WELL_SUFFIXES",
           "BatchInputError", "BatchSummary", "BatchWriteError", "Found", "Job", "ModelChoice",
           "Progress", "ProgressPrinter", "available_cores", "discover", "plan", "read_report",
           "resolve_model", "run_batch", "score_files", "score_one"]
