"""Batch scoring: a folder (or several) of wells -> one output per well plus batch_report.csv.

    found = discover([Path("field/")], out_dir)          # .las .LAS .csv .txt, recursively
    jobs = plan(found, out_dir, "csv", choice)           # collision-free output names
    summary = run_batch(jobs, out_dir, choice, workers=4)            # local process pool
    summary = run_batch(jobs, out_dir, choice, scheduler="tcp://h:8786")  # Dask cluster

Every route runs the same ``score_one`` per well, so a Dask run writes byte-for-byte the files a
local run writes. Inputs are read where they live: with Dask, the workers open the input paths,
load the model folder and write into OUT_DIR themselves, so those paths must be reachable under
the same names from every worker (one machine, or a shared file system such as NFS). Nothing but
the small job description and the report row crosses the network.

A bad file never stops a batch: its report row says why (``status`` "error"). Outputs are written
to a temporary file in OUT_DIR and renamed into place, so an interrupted run never leaves a half
file under an output name; a re-run skips wells whose output is newer than the input and the
model (status "skipped") unless ``force``.

numpy, pandas and the model load lazily (inside ``score_one``): a process-pool worker must set its
thread limits before numpy or libxgboost start their thread pools.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sonic_model.core.errors import SonicModelError

__all__ = ["ModelChoice", "Job", "BatchSummary", "BatchInputError", "WELL_SUFFIXES",
           "REPORT_NAME", "REPORT_COLUMNS", "discover", "plan", "run_batch", "score_one",
           "resolve_model", "ProgressPrinter"]

WELL_SUFFIXES = (".las", ".csv", ".txt")   # compared case-insensitively: .LAS counts
REPORT_NAME = "batch_report.csv"
REPORT_COLUMNS = ("file", "output", "status", "rows", "qc_flagged_share", "rmse_dtc",
                  "rmse_dts", "seconds", "model", "message")
STATUSES = ("ok", "skipped", "error")
SKIP_MESSAGE = "output is newer than the input and the model; kept (--force recomputes)"
_INTERNAL = "internal error"


class BatchInputError(SonicModelError, ValueError):
    """The batch itself cannot start: no such input, no wells found, OUT_DIR unusable."""


class BatchWriteError(SonicModelError, OSError):
    """An output cannot be written (disk full, no permission): that well fails, not the batch."""


# --------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class ModelChoice:
    """Which model scores the batch: a label for names and reports, its folder, its ensemble."""
    label: str
    model_dir: str
    ensemble: str

    @property
    def tag(self) -> str:
        """File-name safe label (output names carry it, so switching models never skips)."""
        return re.sub(r"[^\w\-]+", "_", self.label)


def resolve_model(ensemble: str | None = None, model: str | None = None) -> ModelChoice:
    """``--ensemble full|light`` (the bundled model) or ``--model NAME`` through the store."""
    from sonic_model.core.config import get_settings
    from sonic_model.model.ensemble import ENSEMBLE_NAMES

    if model is not None and ensemble is not None:
        raise BatchInputError("choose either --ensemble or --model, not both")
    if model is None:
        ensemble = ensemble or "full"
        if ensemble not in ENSEMBLE_NAMES:
            raise BatchInputError(f"unknown ensemble {ensemble!r}: choose "
                                  + " or ".join(ENSEMBLE_NAMES))
        return ModelChoice(ensemble, str(get_settings().model_dir), ensemble)
    from sonic_model.model import store

    model_dir, ens = store.resolve(model)
    return ModelChoice(model, str(model_dir), ens)


def model_mtime(choice: ModelChoice) -> float:
    """Newest modification time among the model folder's files (0 when it has none)."""
    newest = 0.0
    with os.scandir(choice.model_dir) as it:
        for entry in it:
            if entry.is_file() and not entry.name.startswith("."):
                newest = max(newest, entry.stat().st_mtime)
    return newest


# --------------------------------------------------------------------------- finding wells

@dataclass(frozen=True)
class Found:
    path: Path        # where to read it
    rel: PurePath     # what names its output: the folder given + path inside it, or the file name
    label: str        # as the report shows it: the path as the user would type it


def _is_well_name(name: str) -> bool:
    # Hidden files include our own temporary outputs; never take them as wells.
    return not name.startswith(".") and Path(name).suffix.lower() in WELL_SUFFIXES


def discover(inputs: Iterable[str | os.PathLike], out_dir: str | os.PathLike | None = None
             ) -> list[Found]:
    """Wells under the inputs: files as given (any suffix), folders walked recursively for
    .las/.csv/.txt (case-insensitive). OUT_DIR is never searched (outputs are not inputs).
    Each file appears once, in a stable order: inputs in the order given, each folder sorted."""
    out_resolved = Path(out_dir).resolve() if out_dir is not None else None
    found: list[Found] = []
    seen: set[Path] = set()

    def add(path: Path, rel: PurePath, label: str) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(Found(path, rel, label))

    for item in inputs:
        root = Path(item)
        if root.is_file():
            add(root, PurePath(root.name), str(root))
        elif root.is_dir():
            base = root.resolve().name or "root"
            for dirpath, dirnames, filenames in os.walk(root):
                here = Path(dirpath)
                # Sorted walk: the same folder gives the same order (and report) every run.
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and (out_resolved is None
                                          or (here / d).resolve() != out_resolved))
                for name in sorted(filenames):
                    if _is_well_name(name):
                        path = here / name
                        add(path, PurePath(base) / path.relative_to(root), str(path))
        else:
            raise BatchInputError(f"'{root}' is not an existing file or folder; check the path")
    if not found:
        listed = ", ".join(f"'{p}'" for p in inputs)
        raise BatchInputError(f"no well files ({', '.join(WELL_SUFFIXES)}) found in {listed}")
    return found


# --------------------------------------------------------------------------- planning

@dataclass(frozen=True)
class Job:
    """One well to score: plain strings, so it pickles cheaply to a pool or a Dask worker."""
    source: str
    label: str
    output: str       # full path of the output file
    fmt: str


def _flat(rel: PurePath) -> str:
    # sub/dir/well.las -> sub__dir__well: the folder path stays visible in the name.
    text = "__".join([*rel.parts[:-1], PurePath(rel.parts[-1]).stem])
    return re.sub(r"[^\w.\-]+", "_", text).strip("._") or "well"


def plan(found: list[Found], out_dir: str | os.PathLike, fmt: str, choice: ModelChoice
         ) -> list[Job]:
    """One job per well with an output name no other well of the batch can take.

    Names are ``<folder>__<sub>__<stem>_sonic_<model>.<fmt>``; when two wells would still share a
    name (w1.las beside w1.csv) each gets a short hash of its path as given, so the names are stable from
    one run to the next for the same inputs.
    """
    if fmt not in ("csv", "las"):
        raise BatchInputError(f"unknown output format {fmt!r}: choose csv or las")
    out = Path(out_dir)
    names = [f"{_flat(f.rel)}_sonic_{choice.tag}" for f in found]
    # Case-folded: two names differing only in case collide on macOS and Windows disks.
    counts: dict[str, int] = {}
    for n in names:
        counts[n.casefold()] = counts.get(n.casefold(), 0) + 1
    jobs = []
    for f, n in zip(found, names):
        if counts[n.casefold()] > 1:
            n = f"{n}_{hashlib.sha1(f.label.encode()).hexdigest()[:6]}"
        jobs.append(Job(str(f.path), f.label, str(out / f"{n}.{fmt}"), fmt))
    return jobs


def is_up_to_date(job: Job, newest_model: float) -> bool:
    try:
        out_time = os.stat(job.output).st_mtime
        return out_time > os.stat(job.source).st_mtime and out_time > newest_model
    except OSError:
        return False


# --------------------------------------------------------------------------- one well

def atomic_write(path: str | os.PathLike, payload: bytes) -> None:
    """Write to a hidden temporary file beside ``path``, then rename it into place.

    os.replace is atomic on one file system: a reader sees the old file or the whole new one,
    and a run killed mid-write leaves only a hidden ``.*.tmp`` file, never a half output.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _row(job: Job, status: str, **values) -> dict:
    row = {c: "" for c in REPORT_COLUMNS}
    row.update(file=job.label, output=Path(job.output).name if status != "error" else "",
               status=status)
    row.update({k: v for k, v in values.items() if v is not None})
    return row


def _model_label(choice: ModelChoice, ens) -> str:
    version = ens.card.get("model_version") if getattr(ens, "card", None) else None
    return f"{choice.label} {version}" if version else choice.label


def score_one(job: Job, choice: ModelChoice) -> dict:
    """Read, predict, write (atomically) and score one well; always returns a report row.

    The one function the inline loop, the process pool and the Dask workers all call. The
    ensemble comes from ensemble.load_ensemble's per-process cache: each worker loads the model
    once, on its first well (or earlier, from the pool initializer or the Dask worker plugin).
    """
    start = time.perf_counter()
    try:
        import numpy as np

        from sonic_model.model import ensemble
        from sonic_model.core import metrics
        from sonic_model import io as wells

        ens = ensemble.load_ensemble(choice.ensemble, model_dir=Path(choice.model_dir))
        well = wells.read_well(job.source, name=Path(job.label).name)
        # The CLI predict's default: DTS conditioned on the well's measured DTC where valid.
        from sonic_model.model.extended import predict_extended

        result = predict_extended(well, ens)
        writer = wells.write_las if job.fmt == "las" else wells.write_csv
        payload = writer(well, result)
        try:
            atomic_write(job.output, payload)
        except OSError as exc:
            raise BatchWriteError(f"{Path(job.label).name}: cannot write '{job.output}' "
                                  f"({exc.strerror or exc}); check the free space and "
                                  "permissions of the output folder") from None
        flagged = float(np.mean(result["QC"].to_numpy() != "OK")) if len(result) else 0.0
        scores = metrics.sonic_metrics(well.curves, result)
        return _row(job, "ok", rows=len(result), qc_flagged_share=round(flagged, 4),
                    rmse_dtc=_rmse(scores, "DTC"), rmse_dts=_rmse(scores, "DTS"),
                    seconds=round(time.perf_counter() - start, 3),
                    model=_model_label(choice, ens))
    except SonicModelError as exc:
        return _row(job, "error", seconds=round(time.perf_counter() - start, 3),
                    message=str(exc), model=choice.label)
    except Exception as exc:  # a bug, not the file's fault: say so, keep the batch going
        if os.environ.get("SONIC_DEBUG"):
            traceback.print_exc()
        return _row(job, "error", seconds=round(time.perf_counter() - start, 3),
                    message=f"{_INTERNAL}: {type(exc).__name__}: {exc} (set SONIC_DEBUG=1 "
                            "for details)", model=choice.label)


def _rmse(scores: dict, curve: str) -> float | None:
    return round(scores[curve]["rmse"], 3) if curve in scores else None


# --------------------------------------------------------------------------- executors

def _init_worker(choice: ModelChoice, threads: int) -> None:
    """Process-pool initializer: thread limits first, then load the model once."""
    # Several workers each running libxgboost/BLAS on every core would fight over them.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    from sonic_model.model.ensemble import load_ensemble

    try:
        load_ensemble(choice.ensemble, model_dir=Path(choice.model_dir))
    except SonicModelError:
        pass  # every job will report the same clear message through score_one


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _run_inline(jobs: list[Job], choice: ModelChoice) -> Iterator[dict]:
    for job in jobs:
        yield score_one(job, choice)


def _run_pool(jobs: list[Job], choice: ModelChoice, workers: int) -> Iterator[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    threads = max(1, available_cores() // workers)
    # spawn, not fork: the caller may hold threads (a Dask client, Streamlit, libxgboost),
    # and a forked child inherits their locks in whatever state they were.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(choice, threads)) as pool:
        futures = {pool.submit(score_one, job, choice): job for job in jobs}
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # the worker process died (killed, out of memory)
                    yield _row(futures[fut], "error", model=choice.label,
                               message=f"{_INTERNAL}: worker lost ({type(exc).__name__}: {exc})")
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _run(jobs: list[Job], choice: ModelChoice, workers: int, scheduler: str | None
         ) -> Iterator[dict]:
    if scheduler:
        from sonic_model.serving.batch.cluster import run_dask

        return run_dask(jobs, choice, scheduler)
    from sonic_model.model.ensemble import load_ensemble

    # Loaded here too, before the report is opened: a damaged model is one clear error for the
    # batch, not the same message on every well (~0.3 s; the inline route uses this copy).
    load_ensemble(choice.ensemble, model_dir=Path(choice.model_dir))
    if workers <= 1 or len(jobs) <= 1:
        return _run_inline(jobs, choice)
    return _run_pool(jobs, choice, min(workers, len(jobs)))


# --------------------------------------------------------------------------- the report

def read_report(path: str | os.PathLike) -> dict[str, dict]:
    """Rows of an earlier report by file (an interrupted run's report may end mid-line)."""
    rows: dict[str, dict] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("file") and row.get("status") in STATUSES:
                    rows[row["file"]] = row
    except (OSError, csv.Error, UnicodeDecodeError):
        pass
    return rows


def _carried(job: Job, choice: ModelChoice, earlier: dict[str, dict], report_time: float,
             newest_model: float, force: bool) -> dict | None:
    """The row a re-run keeps without touching the well, or None when it must be scored.

    A well is kept when its output is newer than the input and the model. A file refused last
    time is refused again without re-reading when neither it nor the model changed since that
    report (a batch of many bad files would otherwise re-run them all); a refusal caused by
    our own bug (internal error) is always retried. --force re-reads everything.
    """
    if force:
        return None
    old = earlier.get(job.label, {})
    if is_up_to_date(job, newest_model):
        same = old.get("output") == Path(job.output).name
        kept = {k: old.get(k, "") if same else "" for k in
                ("rows", "qc_flagged_share", "rmse_dtc", "rmse_dts", "model")}
        return _row(job, "skipped", **kept, seconds=0.0, message=SKIP_MESSAGE)
    if (old.get("status") == "error" and not old.get("message", "").startswith(_INTERNAL)
            and old.get("model", "").split(" ")[0] == choice.label
            and report_time > newest_model):
        try:
            unchanged = os.stat(job.source).st_mtime < report_time
        except OSError:
            unchanged = False
        if unchanged:
            return _row(job, "error", seconds=0.0, model=old["model"], message=old["message"])
    return None


class _ReportJournal:
    """Rows appended as wells finish, so an interrupted run still says what it did; rewritten
    in input order (atomically) at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = open(path, "w", newline="", encoding="utf-8")
        self.writer = csv.DictWriter(self.fh, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        self.writer.writeheader()

    def add(self, row: dict) -> None:
        self.writer.writerow(row)
        self.fh.flush()

    def finish(self, rows: list[dict]) -> None:
        self.fh.close()
        import io

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        try:
            atomic_write(self.path, buf.getvalue().encode("utf-8"))
        except OSError as exc:
            raise BatchWriteError(f"cannot write the report '{self.path}' ({exc.strerror or exc})"
                                  "; check the free space and permissions of the output folder"
                                  ) from None


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
                   if r["status"] == "error" and r["message"].startswith(_INTERNAL))

    @property
    def exit_code(self) -> int:
        """0: every well ok or up to date; 2: some inputs refused; 1: a bug hit some well."""
        if self.internal_errors:
            return 1
        return 2 if self.counts.get("error") else 0


Progress = Callable[[dict, int, int], None]   # (row, done, total)


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
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BatchInputError(f"-o {out}: is a file; name a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchInputError(f"-o {out}: cannot create the output folder "
                              f"({exc.strerror or exc}); choose a folder you can write to"
                              ) from None
    report_path = out / REPORT_NAME
    earlier = read_report(report_path)
    try:
        report_time = report_path.stat().st_mtime
    except OSError:
        report_time = 0.0
    newest_model = model_mtime(choice)

    rows: dict[int, dict] = {}
    pending: list[int] = []
    for i, job in enumerate(jobs):
        row = _carried(job, choice, earlier, report_time, newest_model, force)
        if row is None:
            pending.append(i)
        else:
            rows[i] = row

    _remove_stale_temps(out, {Path(jobs[i].output).name for i in pending})
    # Started before the report is opened: an unreachable cluster must not wipe the last one.
    results = _run([jobs[i] for i in pending], choice, workers, scheduler) if pending else ()
    journal = _ReportJournal(report_path)
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


def _remove_stale_temps(out: Path, names: set[str]) -> None:
    """Temporary files of outputs about to be rewritten: leftovers of a killed run."""
    for entry in os.scandir(out):
        # ".<output name>.<pid>.tmp", as atomic_write names them
        if (entry.name.startswith(".") and entry.name.endswith(".tmp")
                and entry.name[1:-4].rpartition(".")[0] in names):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


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
            raise BatchInputError("no files to score; drop one or more LAS or CSV wells")
        summary = run_batch(plan(found, out, fmt, choice), out, choice, workers=1,
                            force=True, progress=progress)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for row in summary.rows:
                if row["status"] == "ok":
                    zf.write(out / row["output"], row["output"])
            zf.write(summary.report, REPORT_NAME)
        return summary.rows, buf.getvalue()


# --------------------------------------------------------------------------- progress

def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPrinter:
    """A one-line bar (wells done / total, failures, ETA) on a terminal; otherwise one plain
    line per well, which reads well in a log file or a CI console."""

    WIDTH = 28

    def __init__(self, stream=None, tty: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.start = time.perf_counter()
        self.failed = 0
        self.worked = 0
        self.drawn = False

    def __call__(self, row: dict, done: int, total: int) -> None:
        if row["status"] == "error":
            self.failed += 1
        elif row["status"] == "ok":
            self.worked += 1
        if not self.tty:
            detail = (row["message"] if row["status"] == "error"
                      else f"-> {row['output']}" + (f" ({row['seconds']} s)"
                                                    if row["status"] == "ok" else " (up to date)"))
            print(f"[{done}/{total}] {row['status']:7s} {row['file']} {detail}",
                  file=self.stream, flush=True)
            return
        if row["status"] == "error":  # failures stay on screen above the bar
            self._clear()
            print(f"error: {row['message']}", file=self.stream)
        elapsed = time.perf_counter() - self.start
        # ETA from the wells actually computed: skipped ones cost nothing.
        left = total - done
        computed = self.worked + self.failed
        eta = f", ~{_clock(elapsed / computed * left)} left" if left and computed else ""
        filled = int(self.WIDTH * done / max(total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files, {self.failed} failed{eta}   ")
        self.stream.flush()
        self.drawn = True
        if done == total:
            self.stream.write("\n")
            self.drawn = False

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.drawn = False
