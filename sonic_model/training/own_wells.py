"""Training on a user's own offset wells: files -> checked TrainingWells -> a named stored model.

    wells, checks = read_training_wells(["offset/"], mapping={"HRD": "RDEP"})
    card = train_own(["offset/"], "force")          # trains into the store, returns the card

Files go through the same reader and curve mapping as predict (``wells.read_well``), so a
mapping that works for predicting works for training. Every file either becomes a training
well or stops the run with a message naming it and what to do: a well is never dropped
silently. Beside the new model's leave-one-well-out scores, the card records the bundled
model scored on the same wells, so the user sees what training bought them.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.core.curves import INPUTS, REQUIRED, TARGETS
from sonic_model.core.errors import SonicModelError, WellReadError
from sonic_model.model.artifacts import RUNTIME_FILE, file_entry, verified_path
from sonic_model.training.dataset import TrainingWell
from sonic_model.training.trainer import train_model

WELL_SUFFIXES = (".las", ".csv", ".dlis", ".lis")
# Fewer samples with a target and the four required inputs than this is not a training well:
# about 30 m of log at FORCE's 0.152 m step, and under one fold's worth of context windows.
MIN_SAMPLES = 200


class TrainingInputError(WellReadError):
    """The wells given for training cannot make a model (named file, what to do)."""


@dataclass
class WellCheck:
    """What one file brings to training: shown before training (page) and logged (CLI)."""
    file: str
    name: str
    rows: int
    samples: dict[str, int]          # target -> rows with it and the four required inputs
    inputs: dict[str, int]           # canonical input -> finite rows
    mapping: list[dict] = field(default_factory=list)   # MappingReport.as_rows()
    warnings: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def targets(self) -> list[str]:
        return [t for t in TARGETS if self.samples.get(t, 0) > 0]


def well_files(items) -> list[Path]:
    """Paths given on a command line -> well files. A folder means the .las/.csv/.dlis/.lis files
    directly in it (case-insensitive suffix) and nothing else; a file is taken as given."""
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in WELL_SUFFIXES)
            if not found:
                raise TrainingInputError(f"'{path}' holds no .las, .csv, .dlis or .lis files; "
                                         "point --wells at the folder with your well files, "
                                         "or list the files")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise TrainingInputError(f"'{path}' is not an existing file or folder; check the path")
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique


def _samples(frame: pd.DataFrame) -> dict[str, int]:
    inputs_ok = frame[list(REQUIRED)].notna().all(axis=1)
    return {t: int((inputs_ok & frame[t].notna()).sum()) if t in frame else 0 for t in TARGETS}


def check_well(data: bytes, name: str, mapping: dict | None = None) -> tuple[TrainingWell | None,
                                                                             WellCheck]:
    """Read one well file (bytes) as training data. The check says what it holds; the
    TrainingWell is None when the file cannot teach anything (``check.problem`` says why)."""
    from sonic_model.io import read_well
    from sonic_model.model import features as F

    stem = Path(name).stem
    try:
        well = read_well(data, name=name, mapping=mapping)
    except SonicModelError as exc:
        return None, WellCheck(name, stem, 0, {}, {}, problem=str(exc))
    frame = well.curves.reindex(columns=[*INPUTS, *TARGETS])
    clean = F.clean(frame[list(INPUTS)])   # nulls and impossible values out, as training sees them
    for t in TARGETS:
        from sonic_model.core.curves import CURVES
        lo, hi = CURVES[t].valid
        v = pd.to_numeric(frame[t], errors="coerce")
        clean[t] = v.where((v >= lo) & (v <= hi))
    samples = _samples(clean)
    check = WellCheck(name, stem, len(frame), samples,
                      {c: int(clean[c].notna().sum()) for c in INPUTS},
                      mapping=well.report.as_rows(), warnings=list(well.report.warnings))
    if not any(samples.values()):
        has = [t for t in TARGETS if frame[t].notna().any()]
        why = (f"its {' and '.join(has)} never overlaps CNC, GR, HRD and ZDEN" if has else
               "it has no measured DTC or DTS")
        check.problem = (f"{name}: {why}; a training well needs measured sonic beside the input "
                         "logs. Map the sonic curve (e.g. --map DTC=<mnemonic>) or leave this "
                         "file out")
    elif max(samples.values()) < MIN_SAMPLES:
        check.problem = (f"{name}: only {max(samples.values())} samples have DTC or DTS together "
                         f"with CNC, GR, HRD and ZDEN; a training well needs at least "
                         f"{MIN_SAMPLES}. Check the curve mapping or leave this file out")
    if check.problem:
        return None, check
    tw = TrainingWell(name=stem, frame=clean.reset_index(drop=True), depth_ft=well.depth_ft(),
                      sha256=hashlib.sha256(data).hexdigest())
    return tw, check


def read_training_wells(sources, mapping: dict | None = None) -> tuple[list, list[WellCheck]]:
    """Files or folders (paths), or (name, bytes) pairs -> (TrainingWells, checks).

    Raises TrainingInputError naming the first bad file (and how many others are bad), when
    two files share a name, or when fewer than two wells remain: leave-one-well-out needs two.
    """
    if sources and all(isinstance(s, tuple) for s in sources):
        items = [(str(n), bytes(d)) for n, d in sources]
    else:
        items = []
        for path in well_files(sources):
            try:
                items.append((path.name, path.read_bytes()))
            except OSError as exc:
                raise TrainingInputError(f"'{path}' cannot be read ({exc.strerror}); check its "
                                         "permissions") from None
    check_names([name for name, _ in items])
    return assemble([check_well(data, name, mapping) for name, data in items])


def check_names(names: list[str]) -> None:
    """Two wells may not share a name: reports and the card name wells by file stem."""
    stems: dict[str, str] = {}
    for name in names:
        stem = Path(name).stem
        if stem in stems:
            raise TrainingInputError(f"{stems[stem]} and {name} have the same name; wells are "
                                     "reported by file name, so rename one of them")
        stems[stem] = name


def assemble(checked: list[tuple]) -> tuple[list, list[WellCheck]]:
    """(TrainingWell | None, WellCheck) per file -> (wells, checks), or the one message that
    says which file stops training (and how many others do) or that two wells are needed."""
    wells = [tw for tw, _ in checked if tw is not None]
    checks = [c for _, c in checked]
    bad = [c for c in checks if c.problem]
    if bad:
        more = (f" ({len(bad) - 1} more file(s) with problems: "
                f"{', '.join(c.file for c in bad[1:])})") if len(bad) > 1 else ""
        raise TrainingInputError(bad[0].problem + more)
    if len(wells) < 2:
        only = f"got only {checks[0].file}" if checks else "got none"
        raise TrainingInputError(f"training needs at least two wells with measured sonic "
                                 f"(leave-one-well-out validation holds each one out in turn); "
                                 f"{only}. Add offset wells")
    return wells, checks


# ----------------------------------------------------------------------------- scores

def target_scores(measured, predicted, p10, p90) -> dict | None:
    """RMSE, bias (predicted - measured), P10-P90 coverage and rows; None if nothing to score."""
    m, p = np.asarray(measured, float), np.asarray(predicted, float)
    ok = np.isfinite(m) & np.isfinite(p)
    if not ok.any():
        return None
    e = p[ok] - m[ok]
    inside = (m[ok] >= np.asarray(p10, float)[ok]) & (m[ok] <= np.asarray(p90, float)[ok])
    return {"rmse": round(float(np.sqrt(np.mean(e ** 2))), 3), "bias": round(float(e.mean()), 3),
            "coverage": round(float(inside.mean()), 3), "rows": int(ok.sum())}


def compare_bundled(wells, ensemble_name: str = "full") -> dict:
    """The bundled model scored on the training wells: per well and pooled, per target.

    Every well is unseen by the bundled model (it learnt on the contest's Well #1), so these
    are held-out figures, comparable with the new model's leave-one-well-out ones.
    """
    from sonic_model.model.ensemble import load_ensemble, predict

    ens = load_ensemble(ensemble_name)  # type: ignore[arg-type]
    per_well, parts = [], []
    for w in wells:
        result = predict(w.frame[list(INPUTS)], ens, depth_ft=w.depth_ft)
        entry = {"well": w.name}
        for t in TARGETS:
            entry[t] = target_scores(w.frame[t], result[f"{t}_PRED"], result[f"{t}_P10"],
                                     result[f"{t}_P90"])
        per_well.append(entry)
        parts.append((w.frame[list(TARGETS)], result))
    pooled = {}
    for t in TARGETS:
        pooled[t] = target_scores(*(np.concatenate([
            (f[t] if col == "m" else r[f"{t}_{col}"]).to_numpy(dtype=float) for f, r in parts])
            for col in ("m", "PRED", "P10", "P90")))
    return {"model": f"bundled {ensemble_name}", "model_version": ens.card.get("model_version"),
            "lowo_wells": per_well, "pooled": pooled}


def _versions() -> dict:
    from importlib import metadata

    from sonic_model.core.version import __version__
    out = {"sonicpredict": __version__, "python": platform.python_version()}
    for dist in ("numpy", "pandas", "scikit-learn", "xgboost-cpu", "xgboost"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


# ----------------------------------------------------------------------------- training

def train_own(sources, name: str, *, mapping: dict | None = None, overwrite: bool = False,
              log=print, progress=None, n_jobs: int = 2, wells_checked=None) -> dict:
    """Check the wells, compare the bundled model on them, train, store under ``name``.

    ``wells_checked`` (TrainingWells, checks) skips reading when the caller already did (the
    page). Returns the card of the stored model.
    """
    from sonic_model.model import store
    from sonic_model.model.card import card_path
    from sonic_model.model.ensemble import load_member_or_ensemble

    if not overwrite:
        store.ensure_free(name)        # before minutes of work, not after
    wells, checks = wells_checked or read_training_wells(sources, mapping)
    for c in checks:
        log(f"  {c.file}: {c.rows} rows; " + ", ".join(f"{t} {c.samples.get(t, 0)}"
                                                       for t in TARGETS) + " training samples")
    log(f"scoring the bundled model on the {len(wells)} wells")
    comparison = compare_bundled(wells)
    own = {
        "name": name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wells": [{"name": w.name, "file": c.file, "sha256": w.sha256, "rows": c.rows,
                   "samples": c.samples,
                   "mapping": {r["canonical"]: r["mnemonic"] for r in c.mapping if r["mnemonic"]}}
                  for w, c in zip(wells, [c for c in checks if not c.problem])],
        "user_mapping": dict(mapping or {}),
        "versions": _versions(),
    }
    started = time.perf_counter()
    with store.writing(name, overwrite=overwrite) as tmp, \
            tempfile.TemporaryDirectory(prefix="sonic-cv-") as scratch:
        # The trainer keeps its held-out predictions in a file when asked (its cv_cache, an
        # .npz of plain arrays); the crossplots on the Train page are drawn from them. A
        # private scratch folder, so the file is ours and gone afterwards.
        cv_file = Path(scratch) / "cv.npz"
        card = train_model(wells, tmp, log=log, progress=progress, n_jobs=n_jobs,
                           card_extra={"own": own}, cv_cache=cv_file)
        if cv_file.is_file():
            try:
                path = _save_cv_predictions(tmp, cv_file, wells)
            except (KeyError, ValueError, IndexError, SonicModelError) as exc:
                # Crossplots are a view of the validation, not the model: a trainer whose
                # held-out layout changed costs the plots (the page says so), never the model.
                log(f"  held-out predictions not kept for crossplots ({exc!r})")
            else:
                card.setdefault("files", {})[LOWO_FILE] = file_entry(path)
        card["own"] = own
        card.setdefault("validation", {})["bundled"] = comparison
        card["own"]["training_seconds"] = round(time.perf_counter() - started, 1)
        card_path(tmp).write_text(json.dumps(card, indent=1), encoding="utf-8")
        load_member_or_ensemble("full", tmp)   # loads (sha256-checked) before it is published
    log(f"saved model {name!r} in {store.model_dir(name)}")
    return card


# Held-out (leave-one-well-out) predictions per well, beside the artifacts, for crossplots.
LOWO_FILE = "lowo_predictions.npz"


def save_lowo_predictions(folder: Path, per_well: dict[str, dict]) -> Path:
    """{well: {"measured", "pred", "p10", "p90"}} each (n, 2) DTC/DTS -> one .npz (no pickle)."""
    path = Path(folder) / LOWO_FILE
    arrays = {}
    for i, (well, parts) in enumerate(per_well.items()):
        arrays[f"w{i}_name"] = np.array(well)
        for key in ("measured", "pred", "p10", "p90"):
            arrays[f"w{i}_{key}"] = np.asarray(parts[key], dtype=np.float32)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    return path


def _save_cv_predictions(folder: Path, cv_file: Path, wells) -> Path:
    """Held-out ensemble predictions per well from the trainer's leave-one-well-out members,
    combined with the stored full ensemble's weights and interval calibration."""
    from sonic_model.model.ensemble import combine, finish
    from sonic_model.training.crossval import load_cv_cache

    cv = load_cv_cache(cv_file)["lowo"]
    spec = json.loads((Path(folder) / RUNTIME_FILE).read_text(encoding="utf-8"))
    spec = spec["ensembles"]["full"]
    kinds = list(spec["members"])
    W = np.array([[spec["weights"][t][k] for t in TARGETS] for k in kinds])
    mean, spread = combine(cv["pred"], kinds, W)
    # The stored model's shear prior and bands, exactly as predict() applies them.
    gr = np.concatenate([pd.to_numeric(w.frame["GR"], errors="coerce").to_numpy(dtype=float)
                         if "GR" in w.frame else np.full(len(w.frame), np.nan) for w in wells])
    mean, lo, hi = finish(mean, spread, cv["novelty"], gr, spec.get("shear_prior"),
                          spec["intervals"])
    per_well, start = {}, 0
    for w in wells:
        a, b = start, start + len(w.frame)
        start = b
        per_well[w.name] = {"measured": w.frame[list(TARGETS)].to_numpy(dtype=float),
                            "pred": mean[a:b], "p10": lo[a:b], "p90": hi[a:b]}
    return save_lowo_predictions(folder, per_well)


def load_lowo_predictions(folder: Path, card: dict) -> dict[str, pd.DataFrame] | None:
    """Per well, a frame of measured DTC/DTS and their held-out predictions with P10/P90; None
    when the model has none (its trainer did not keep them). sha256-checked against the card."""
    if LOWO_FILE not in (card.get("files") or {}):
        return None
    path = verified_path(Path(folder), LOWO_FILE, card)
    out = {}
    with np.load(path, allow_pickle=False) as z:
        i = 0
        while f"w{i}_name" in z:
            cols = {}
            for key, suffix in (("measured", ""), ("pred", "_PRED"), ("p10", "_P10"),
                                ("p90", "_P90")):
                for j, t in enumerate(TARGETS):
                    cols[f"{t}{suffix}"] = z[f"w{i}_{key}"][:, j].astype(float)
            out[str(z[f"w{i}_name"])] = pd.DataFrame(cols)
            i += 1
    return out


def lowo_table(card: dict) -> list[dict]:
    """Rows for a report: per well and pooled, the new model (LOWO) beside the bundled one."""
    val = card.get("validation") or {}
    bundled = {e["well"]: e for e in (val.get("bundled") or {}).get("lowo_wells", [])}
    rows = []
    entries = list(val.get("lowo_wells") or []) + [{"well": "pooled", **(val.get("pooled") or {})}]
    b_pooled = {"well": "pooled", **((val.get("bundled") or {}).get("pooled") or {})}
    plain = {r["well"]: r for r in (card.get("baseline") or {}).get("lowo_wells", [])}
    for e in entries:
        b = b_pooled if e["well"] == "pooled" else bundled.get(e["well"], {})
        for t in TARGETS:
            mine, theirs = e.get(t), b.get(t)
            if not mine and not theirs:
                continue
            rows.append({"well": e["well"], "target": t,
                         "rows": (mine or theirs or {}).get("rows"),
                         "rmse": (mine or {}).get("rmse"), "bias": (mine or {}).get("bias"),
                         "coverage": (mine or {}).get("coverage"),
                         "bundled_rmse": (theirs or {}).get("rmse"),
                         "bundled_bias": (theirs or {}).get("bias"),
                         "bundled_coverage": (theirs or {}).get("coverage"),
                         "baseline_rmse": ((plain.get(e["well"]) or {}).get(t) or {})
                         .get("baseline")})
    return rows
