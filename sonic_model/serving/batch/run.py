"""A batch run: a folder (or several) of wells -> one output per well plus batch_report.csv.

    from sonic_model.serving import batch

    found = batch.discover([Path("field/")], out_dir)      # .las .LAS .csv .txt, recursively
    jobs = batch.plan(found, out_dir, "csv", choice)       # collision-free output names
    summary = batch.run_batch(jobs, out_dir, choice, workers=4)               # local processes
    summary = batch.run_batch(jobs, out_dir, choice, scheduler="tcp://h:8786")  # Dask cluster

``run_batch`` is the dispatcher: it keeps what the last report says is done, then hands the
rest to the local route (``local``) or to the Dask route (``cluster``, imported only then: it is
heavy). Both run the same ``jobs.score_one`` per well. With Dask the workers open the input
paths, load the model folder and write into OUT_DIR themselves, so those paths must be reachable
under the same names from every worker (one machine, or a shared file system such as NFS);
nothing but the small job description and the report row crosses the network.

A bad file never stops a batch: its report row says why (``status`` "error"). A re-run skips
wells whose output is newer than the input and the model (status "skipped") unless ``force``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sonic_model.serving.batch.jobs import (
    INTERNAL,
    STATUSES,
    BatchInputError,
    Found,
    Job,
    ModelChoice,
    model_mtime,
    plan,
    remove_stale_temps,
)
from sonic_model.serving.batch.local import run_local
from sonic_model.serving.batch.report import REPORT_NAME, ReportJournal, carried_row, read_report

__all__ = ["BatchSummary", "Progress", "run_batch", "score_jobs", "score_files"]


# --------------------------------------------------------------------------- the batch

@dataclass
class BatchSummary:
    rows: list[dict]                      # one per job, in job order
    report: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def internal_errors(self) -> int:
        return sum(1 for r in self.rows
                   if r["status"] == "error" and r["message"].startswith(INTERNAL))

    @property
    def exit_code(self) -> int:
        """0: every well ok or up to date; 2: some inputs refused; 1: a bug hit some well."""
        if self.internal_errors:
            return 1
        return 2 if self.counts.get("error") else 0


Progress = Callable[[dict, int, int], None]   # (row, done, total)


def score_jobs(jobs: list[Job], choice: ModelChoice, workers: int = 1,
               scheduler: str | None = None) -> Iterator[dict]:
    """The dispatcher: report rows of ``jobs``, in completion order, from the Dask cluster at
    ``scheduler`` when one is given, else from local processes (``workers``)."""
    if scheduler:
        from sonic_model.serving.batch.cluster import run_dask  # heavy: only when asked for

        return run_dask(jobs, choice, scheduler)
    return run_local(jobs, choice, workers)


def _output_folder(out_dir: str | os.PathLike) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchInputError(f"-o {out}: is a file; name a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchInputError(f"-o {out}: cannot create the output folder "
                              f"({exc.strerror or exc}); choose a folder you can write to"
                              ) from None
    return out


def _carried_rows(jobs: list[Job], choice: ModelChoice, report_path: Path, force: bool
                  ) -> tuple[dict[int, dict], list[int]]:
    """Rows the last report lets a re-run keep (by job index), and the indices left to score."""
    earlier = read_report(report_path)
    try:
        report_time = report_path.stat().st_mtime
    except OSError:
        report_time = 0.0
    newest_model = model_mtime(choice)
    rows: dict[int, dict] = {}
    pending: list[int] = []
    for i, job in enumerate(jobs):
        row = carried_row(job, choice, earlier, report_time, newest_model, force)
        if row is None:
            pending.append(i)
        else:
            rows[i] = row
    return rows, pending


def run_batch(jobs: list[Job], out_dir: str | os.PathLike, choice: ModelChoice, *,
              workers: int = 1, scheduler: str | None = None, force: bool = False,
              progress: Progress | None = None) -> BatchSummary:
    """Score every job, writing outputs and ``batch_report.csv`` into ``out_dir``.

    workers > 1 runs a local process pool (each worker loads the model once); ``scheduler``
    (e.g. "tcp://host:8786") runs the jobs as Dask tasks on that cluster instead. Wells whose
    output is up to date are skipped before any worker starts, so a finished batch re-runs in
    about the time it takes to look at the files.
    """
    start = time.perf_counter()
    out = _output_folder(out_dir)
    report_path = out / REPORT_NAME
    rows, pending = _carried_rows(jobs, choice, report_path, force)
    remove_stale_temps(out, {Path(jobs[i].output).name for i in pending})
    # Started before the report is opened: an unreachable cluster must not wipe the last one.
    results = score_jobs([jobs[i] for i in pending], choice, workers, scheduler) if pending else ()
    journal = ReportJournal(report_path)
    total = len(jobs)
    done = 0
    try:
        for i in sorted(rows):
            journal.add(rows[i])
            done += 1
            if progress:
                progress(rows[i], done, total)
        # Rows come back in completion order; the label (one per file) says whose it is.
        by_label = {jobs[i].label: i for i in pending}
        for row in results:
            i = by_label[row["file"]]
            rows[i] = row
            journal.add(row)
            done += 1
            if progress:
                progress(row, done, total)
    finally:
        ordered = [rows[i] for i in range(total) if i in rows]
        journal.finish(ordered)
    counts = {s: sum(1 for r in ordered if r["status"] == s) for s in STATUSES}
    return BatchSummary(ordered, report_path, time.perf_counter() - start, counts)


# --------------------------------------------------------------------------- uploads (the app)

def score_files(files: list[tuple[str, bytes]], fmt: str, choice: ModelChoice, *,
                progress: Progress | None = None) -> tuple[list[dict], bytes]:
    """Score uploaded (name, bytes) files in this process; return the report rows and a zip of
    the outputs plus batch_report.csv. The app's door onto run_batch."""
    import io
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="sonic-batch-") as tmp:
        inbox, out = Path(tmp) / "in", Path(tmp) / "out"
        inbox.mkdir()
        found, labels = [], set()
        for i, (name, data) in enumerate(files):
            base = PurePath(str(name).replace("\\", "/")).name or "upload"
            label, k = base, 1
            while label in labels:  # two uploads of the same name: both scored, both listed
                k += 1
                label = f"{base} ({k})"
            labels.add(label)
            path = inbox / f"{i:05d}{Path(base).suffix}"
            path.write_bytes(data)
            found.append(Found(path, PurePath(base), label))
        if not found:
            raise BatchInputError("no files to score; drop one or more LAS, CSV, DLIS or LIS "
                                  "wells")
        summary = run_batch(plan(found, out, fmt, choice), out, choice, workers=1,
                            force=True, progress=progress)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for row in summary.rows:
                if row["status"] == "ok":
                    zf.write(out / row["output"], row["output"])
            zf.write(summary.report, REPORT_NAME)
        return summary.rows, buf.getvalue()

