"""Cross-validation of the members: fit per curve set, predict held-out folds in parallel,
keep the out-of-fold predictions (optionally in a CV cache file), and the QC settings they give.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from sonic_model.core.curves import INPUTS
from sonic_model.core.errors import ArtifactError
from sonic_model.model import artifacts
from sonic_model.model import features as F
from sonic_model.model.ensemble import member_predictions
from sonic_model.model.members import MemberPredictor
from sonic_model.training.dataset import (
    TrainingSet,
    clip_bounds,
    release_memory,
    set_matrix,
    subset,
    targets_for_fit,
    train_rows,
)
from sonic_model.training.member_fit import fit_member

# Per-curve "training range" for QC: Well #1 holds junk readings (density 1.4, resistivity
# 7,000 ohm.m) that a wider envelope would count as experience.
INPUT_ENVELOPE_QUANTILES = (0.005, 0.995)
# "Unfamiliar log combination": neighbour distance above twice the median held-out distance.
# A quantile of held-out distances would be set by the first block, itself the most unfamiliar
# interval of Well #1 (a 95th percentile flagged 11% of it while its DTS error was ~100 us/ft);
# twice the median flags 78% of that block and 4-16% of the others (measured on Well #1).
NOVELTY_FACTOR = 2.0
# Above the budget, leave-one-well-out fits hold out groups of wells (each well still
# predicted only by members that never saw it, and scored as its own fold); at most this
# many fits, a multiple of the two worker processes.
MAX_LOWO_FITS = 6


# ----------------------------------------------------------------------------- fitting

def fit_sets(ts: TrainingSet, kinds, fit_mask: np.ndarray, log=print) -> dict:
    """Fit each member kind for every trained curve set on rows in fit_mask. -> {set: {...}}"""
    fitted = {}
    for curve_set in ts.sets:
        rows = train_rows(ts, curve_set) & fit_mask
        X_raw = set_matrix(ts, curve_set)
        bounds = clip_bounds(X_raw[rows])
        X = np.clip(X_raw[rows], *bounds)
        Y = targets_for_fit(ts.y[rows])
        cols = F.feature_columns(curve_set)
        fitted[curve_set] = {"clip": bounds, "columns": cols, "members": {}}
        for kind in kinds:
            t0 = time.perf_counter()
            fitted[curve_set]["members"][kind] = fit_member(kind, X, Y, cols)
            log(f"    {curve_set:4s} {kind:3s} fitted on {rows.sum():6d} rows "
                f"in {time.perf_counter() - t0:5.1f} s")
    return fitted


def predict_sets(ts: TrainingSet, fitted: dict, rows: np.ndarray, kinds,
                 force_set: str | None = None):
    """Per-member (n, 2) DTC/DTS predictions on `rows` (NaN elsewhere) and KNN novelty.

    Rows are routed to curve sets as predict() routes them; force_set sends every predictable
    row to that set's models (the four-curve evaluation)."""
    sets = {s: {"columns": part["columns"], "clip": part["clip"],
                "members": {k: MemberPredictor(part["members"][k]) for k in kinds}}
            for s, part in fitted.items() if force_set in (None, s)}
    row_set = ts.row_set if force_set is None else np.where(ts.row_set != "", force_set, "")
    return member_predictions(ts.features, np.where(rows, row_set, ""), sets, kinds)



# ----------------------------------------------------------------------------- validation

def _fold_task(ts: TrainingSet, kinds, test: np.ndarray, keep: np.ndarray | None = None):
    """Fit on rows outside `test` (and in `keep`), predict the `test` rows (routed, and
    core-only). -> per-member predictions, core-only predictions, novelty on test rows."""
    fit_mask = ~test if keep is None else (~test & keep)
    fitted = fit_sets(ts, kinds, fit_mask, log=lambda msg: None)
    if keep is not None:          # large sets: predict from the held-out rows alone (memory)
        ts, test = subset(ts, np.flatnonzero(test)), np.ones(int(test.sum()), dtype=bool)
    pred, novelty = predict_sets(ts, fitted, test, kinds)
    core, _ = predict_sets(ts, fitted, test, kinds, force_set="core")
    out = ({k: pred[k][test] for k in kinds}, {k: core[k][test] for k in kinds}, novelty[test])
    if keep is not None:
        release_memory()          # the worker lives on for the next fold
    return out


def fold_tasks(ts: TrainingSet, schemes: dict, keep: np.ndarray | None = None):
    """[(scheme, held-out row indices)]: one per fold; above the row budget (`keep` given),
    leave-one-well-out holds out wells in at most MAX_LOWO_FITS interleaved groups."""
    tasks = []
    for s, folds in schemes.items():
        groups = [[f] for f in folds]
        if keep is not None and s == "lowo" and len(folds) > MAX_LOWO_FITS:
            groups = [list(folds[g::MAX_LOWO_FITS]) for g in range(MAX_LOWO_FITS)]
        for group in groups:
            tasks.append((s, np.concatenate([np.arange(a, b) for a, b in group])))
    return tasks


def _task_args(ts: TrainingSet, test_idx: np.ndarray, keep: np.ndarray | None):
    """(training set, test mask, keep mask) for a worker. Below the budget the whole set (as
    it always was); above it only the rows the fold fits on or predicts, so each worker
    holds a fraction of the wells instead of a copy of all of them."""
    if keep is None:
        test = np.zeros(ts.n, dtype=bool)
        test[test_idx] = True
        return ts, test, None
    mask = keep.copy()
    mask[test_idx] = True
    idx = np.flatnonzero(mask)
    test = np.zeros(ts.n, dtype=bool)
    test[test_idx] = True
    return subset(ts, idx), test[idx], keep[idx]


def cross_validate(ts: TrainingSet, kinds, schemes: dict, log=print, n_jobs: int = 2,
                   progress=None, done: int = 0, total: int | None = None,
                   keep: np.ndarray | None = None) -> dict:
    """Out-of-fold predictions per scheme: {scheme: {"folds", "pred", "core", "novelty"}}.

    Folds run in parallel processes (each member fits on one thread); `progress` hears of
    each fold as it finishes. `keep` (above the row budget, fit_plan): rows members may fit
    on, and grouped leave-one-well-out fits (fold_tasks); every row is still predicted.
    """
    from joblib import Parallel, delayed

    tasks = fold_tasks(ts, schemes, keep)
    total = total or len(tasks)
    log(f"  cross-validating {len(kinds)} members in {len(tasks)} fits ({n_jobs} processes)")
    t0 = time.perf_counter()
    out = {s: {"folds": folds, "pred": {k: np.full((ts.n, 2), np.nan) for k in kinds},
               "core": {k: np.full((ts.n, 2), np.nan) for k in kinds},
               "novelty": np.full(ts.n, np.nan)} for s, folds in schemes.items()}
    # A generator of tasks: joblib builds each worker's share only shortly before it runs.
    jobs = (delayed(_fold_task)(sub, kinds, test, sub_keep)
            for sub, test, sub_keep in (_task_args(ts, idx, keep) for _, idx in tasks))
    # Large sets run their folds in threads of this process (XGBoost, LAPACK and the KD-tree
    # release the GIL): no worker process with its own ~220 MB of libraries and a copy of its
    # rows. Measured on 20 wells x 50,000 rows: 2.24 GB peak with two worker processes.
    results = Parallel(n_jobs=n_jobs, return_as="generator",
                       **({} if keep is None else {"backend": "threading",
                                                   "pre_dispatch": "n_jobs"}))(jobs)
    for i, ((s, idx), (pred, core, novelty)) in enumerate(zip(tasks, results)):
        for k in kinds:
            out[s]["pred"][k][idx] = pred[k]
            out[s]["core"][k][idx] = core[k]
        out[s]["novelty"][idx] = novelty
        if progress is not None:
            progress(done + i + 1, total, f"validated fold {i + 1} of {len(tasks)} ({s})")
    log(f"  cross-validation took {time.perf_counter() - t0:.0f} s")
    return out


def qc_settings(ts: TrainingSet, cv: dict) -> dict:
    scheme = "blocked" if "blocked" in cv else next(iter(cv))
    # A curve no training well has gets no envelope (no range to be outside of).
    return {
        "envelope": {c: [float(v) for v in np.nanquantile(ts.clean[c], INPUT_ENVELOPE_QUANTILES)]
                     for c in INPUTS if ts.clean[c].notna().any()},
        "novelty_threshold": float(NOVELTY_FACTOR * np.nanmedian(cv[scheme]["novelty"])),
    }


# ----------------------------------------------------------------------------- the CV cache

def save_cv_cache(cv: dict, path: Path) -> Path:
    """Held-out predictions (cross_validate's output) to ``path``: an .npz of plain arrays
    (model.artifacts), never a pickle; stored uncompressed (a scratch file, up to ~100 MB for
    a million rows, that deflate would spend seconds on)."""
    return artifacts.dump(cv, Path(path), compress=False)


def load_cv_cache(path: Path) -> dict:
    """cross_validate's output from a file save_cv_cache wrote; ArtifactError if it is not one
    (a CV cache of an older version was a pickle: delete it, the next run writes a new one)."""
    try:
        cv = artifacts.load(Path(path))
        for part in cv.values():
            part["folds"] = [tuple(int(x) for x in f) for f in part["folds"]]
            missing = {"pred", "core", "novelty"} - set(part)
            if missing:
                raise KeyError(", ".join(sorted(missing)))
    except (ArtifactError, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"'{path}' is not a CV cache of this version ({exc}); delete it and "
                            "run again (the cache is rewritten)") from None
    return cv
