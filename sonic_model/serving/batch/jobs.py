"""Batch jobs: which model, which wells, which output names, and scoring one well.

    found = discover([Path("field/")], out_dir)          # .las .LAS .csv .txt .dlis .lis
    jobs = plan(found, out_dir, "csv", choice)           # collision-free output names
    row = score_one(jobs[0], choice)                     # read, predict, write, score one well

``score_one`` is the one function every route runs per well (the inline loop, the local process
pool in ``local``, the Dask tasks in ``cluster``), so a Dask run writes byte-for-byte the files a
local run writes. It returns a report row (``report_row``; the columns are ``REPORT_COLUMNS``)
and never raises for a bad file: the row's ``status`` is "error" and its message says why.
Outputs are written to a temporary file beside the output and renamed into place
(``atomic_write``), so an interrupted run never leaves a half file under an output name.

numpy, pandas and the model load lazily (inside ``score_one``): a process-pool worker must set its
thread limits before numpy or libxgboost start their thread pools.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from sonic_model.core.errors import SonicModelError
from sonic_model.serving.atomic import atomic_write

__all__ = ["ModelChoice", "Job", "Found", "BatchInputError", "BatchWriteError", "WELL_SUFFIXES",
           "REPORT_COLUMNS", "STATUSES", "INTERNAL", "discover", "plan", "score_one",
           "resolve_model", "model_mtime", "is_up_to_date", "atomic_write", "report_row",
           "remove_stale_temps"]

WELL_SUFFIXES = (".las", ".csv", ".txt", ".dlis", ".lis")   # case-insensitive: .LAS counts
REPORT_COLUMNS = ("file", "output", "status", "rows", "qc_flagged_share", "rmse_dtc",
                  "rmse_dts", "seconds", "model", "model_reason", "message")
STATUSES = ("ok", "skipped", "error")
# The message prefix of a row that failed through our bug (or a lost worker), not the file's.
INTERNAL = "internal error"


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

    def load(self):
        """The model, from the per-process cache: for "auto" a choice.Auto (both bundled
        models loaded; each well gets the one it is closest to), else the ensemble."""
        if self.ensemble == "auto":
            from sonic_model.model import store

            auto = store.load("auto")
            for name in ("contest", "north-sea"):
                auto.model(name)
            return auto
        from sonic_model.model.ensemble import load_ensemble

        return load_ensemble(self.ensemble, model_dir=Path(self.model_dir))

    @property
    def tag(self) -> str:
        """File-name safe label (output names carry it, so switching models never skips)."""
        return re.sub(r"[^\w\-]+", "_", self.label)


def resolve_model(ensemble: str | None = None, model: str | None = None) -> ModelChoice:
    """``--ensemble full|light`` (old names of the bundled contest model) or ``--model NAME``
    through the store; neither: ``auto`` (per well, the bundled model it is closest to)."""
    from sonic_model.core.config import get_settings
    from sonic_model.model.ensemble import ENSEMBLE_NAMES

    if model is not None and ensemble is not None:
        raise BatchInputError("choose either --ensemble or --model, not both")
    if model is None and ensemble is None:
        model = "auto"
    if model == "auto":
        return ModelChoice("auto", str(get_settings().model_dir), "auto")
    if model is None:
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
    .las/.csv/.txt/.dlis/.lis (case-insensitive). OUT_DIR is never searched (outputs are not
    inputs).
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
    synth: bool = False   # also write <output stem with _synth_>.csv (`batch --synth`)
    frame: str | None = None   # DLIS/LIS: the frame to read (`batch --frame`)
    resample: bool = False     # DLIS/LIS: other frames' curves onto it (`batch --resample`)


def _flat(rel: PurePath) -> str:
    # sub/dir/well.las -> sub__dir__well: the folder path stays visible in the name.
    text = "__".join([*rel.parts[:-1], PurePath(rel.parts[-1]).stem])
    return re.sub(r"[^\w.\-]+", "_", text).strip("._") or "well"


def plan(found: list[Found], out_dir: str | os.PathLike, fmt: str, choice: ModelChoice,
         synth: bool = False, frame: str | None = None, resample: bool = False) -> list[Job]:
    """One job per well with an output name no other well of the batch can take.

    Names are ``<folder>__<sub>__<stem>_sonic_<model>.<fmt>``; when two wells would still share a
    name (w1.las beside w1.csv) each gets a short hash of its path as given, so the names are
    stable from one run to the next for the same inputs.
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
        jobs.append(Job(str(f.path), f.label, str(out / f"{n}.{fmt}"), fmt, synth, frame,
                        resample))
    return jobs


def is_up_to_date(job: Job, newest_model: float) -> bool:
    try:
        out_time = os.stat(job.output).st_mtime
        return out_time > os.stat(job.source).st_mtime and out_time > newest_model
    except OSError:
        return False


# --------------------------------------------------------------------------- one well

def report_row(job: Job, status: str, **values) -> dict:
    """A batch_report.csv row for ``job``; values left out (or None) stay empty."""
    row = {c: "" for c in REPORT_COLUMNS}
    row.update(file=job.label, output=Path(job.output).name if status != "error" else "",
               status=status)
    row.update({k: v for k, v in values.items() if v is not None})
    return row


def _model_label(choice: ModelChoice, ens, result) -> str:
    """The model that predicted and its version ("north-sea 39a7cc742352"): auto's pick, not
    "auto"; why it was picked goes in the model_reason column."""
    from sonic_model.model.choice import canonical

    attrs = result.attrs
    # auto: the well's pick; otherwise the name the user gave (a stored model's folder name),
    # full/light as what they stand for.
    name = (attrs.get("model") if choice.ensemble == "auto" else None) or canonical(choice.label)
    version = attrs.get("model_version") or (
        ens.card.get("model_version") if getattr(ens, "card", None) else None)
    return f"{name} {version}" if version else name


def _without_file_name(message: str, job: Job) -> str:
    # Readers start their messages with the file's name; the report's file column (and every
    # display of a row: CLI, progress, Batch page) already names it.
    name = f"{Path(job.label).name}: "
    return message[len(name):] if message.startswith(name) else message


def score_one(job: Job, choice: ModelChoice) -> dict:
    """Read, predict, write (atomically) and score one well; always returns a report row.

    The one function the inline loop, the process pool and the Dask workers all call. The
    ensemble comes from ensemble.load_ensemble's per-process cache: each worker loads the model
    once, on its first well (or earlier, from the pool initializer or the Dask worker plugin).
    """
    start = time.perf_counter()
    try:
        import numpy as np

        from sonic_model import io as wells
        from sonic_model.core import metrics
        ens = choice.load()
        well = wells.read_well(job.source, name=Path(job.label).name, frame=job.frame,
                               resample=job.resample)
        # The CLI predict's default: DTS conditioned on the well's measured DTC where valid.
        from sonic_model.model.choice import in_sample_for
        from sonic_model.model.extended import predict_extended

        result = predict_extended(well, ens)
        writer = wells.write_las if job.fmt == "las" else wells.write_csv
        payload = writer(well, result)
        try:
            atomic_write(job.output, payload)
        except OSError as exc:
            raise BatchWriteError(f"cannot write '{job.output}' "
                                  f"({exc.strerror or exc}); check the free space and "
                                  "permissions of the output folder") from None
        flagged = float(np.mean(result["QC"].to_numpy() != "OK")) if len(result) else 0.0
        scores = metrics.sonic_metrics(well.curves, result)
        notes = [in_sample_for(well, ens, result.attrs) if scores else None,
                 _write_synth(job, well, ens) if job.synth else None]
        return report_row(job, "ok", rows=len(result), qc_flagged_share=round(flagged, 4),
                          rmse_dtc=_rmse(scores, "DTC"), rmse_dts=_rmse(scores, "DTS"),
                          seconds=round(time.perf_counter() - start, 3),
                          model=_model_label(choice, ens, result),
                          model_reason=result.attrs.get("model_reason") or None,
                          message="; ".join(n for n in notes if n) or None)
    except SonicModelError as exc:
        return report_row(job, "error", seconds=round(time.perf_counter() - start, 3),
                          message=_without_file_name(str(exc), job), model=choice.label)
    except Exception as exc:  # a bug, not the file's fault: say so, keep the batch going
        if os.environ.get("SONIC_DEBUG"):
            traceback.print_exc()
        return report_row(job, "error", seconds=round(time.perf_counter() - start, 3),
                          message=f"{INTERNAL}: {type(exc).__name__}: {exc} (set "
                                  "SONIC_DEBUG=1 for details)", model=choice.label)


def synth_output(job: Job) -> Path:
    """Where `batch --synth` writes a well's synthetic: beside its prediction, _synth_ for
    _sonic_, always CSV."""
    out = Path(job.output)
    return out.with_name(out.stem.replace("_sonic_", "_synth_", 1) + ".csv")


def _write_synth(job: Job, well, ens) -> str | None:
    """The synth CSV (model.synth with the CLI's defaults); a well that cannot be modelled
    (no density) keeps its prediction and says why in the report's message; one without depth
    gets its synthetic and the report says what depth it was given."""
    from sonic_model.model.synth import SynthOptions, synth_well
    from sonic_model.model.synth_export import csv_bytes

    try:
        result = synth_well(well, ens, SynthOptions())
    except SonicModelError as exc:
        return f"synth skipped: {_without_file_name(str(exc), job)}"
    try:
        atomic_write(synth_output(job), csv_bytes(result, well.name))
    except OSError as exc:
        raise BatchWriteError(f"cannot write '{synth_output(job)}' "
                              f"({exc.strerror or exc})") from None
    note = result.options.get("depth_note")
    return f"synth: {note}" if note else None


def _rmse(scores: dict, curve: str) -> float | None:
    return round(scores[curve]["rmse"], 3) if curve in scores else None


def remove_stale_temps(out: Path, names: set[str]) -> None:
    """Temporary files of outputs about to be rewritten: leftovers of a killed run."""
    for entry in os.scandir(out):
        # ".<output name>.<pid>.tmp", as atomic_write names them
        if (entry.name.startswith(".") and entry.name.endswith(".tmp")
                and entry.name[1:-4].rpartition(".")[0] in names):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
