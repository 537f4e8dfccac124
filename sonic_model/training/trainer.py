"""Training on any set of wells: leave-one-well-out (and blocked) validation, fit, export.

``train_model(wells, out_dir)`` is the generic trainer (the bundled model and a user's own
models both come from it): it cross-validates every member, derives the ensemble weights and
the P10/P90 calibration from held-out predictions only, fits the final members on all wells,
and writes ``out_dir`` in the layout of assets/models (artifacts + runtime.json +
model_card.json). ``train()`` is `python -m sonic_model train`: the bundled model, trained on
the three wells joined in the contest's Well #1. Nothing here reads Well #2's answers (they
are not in the contest files we have).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.model import features as F
from sonic_model.core.curves import CURVES, INPUTS, TARGETS
from sonic_model.model.card import LEADERBOARD, load_card
from sonic_model.model.ensemble import member_predictions
from sonic_model.training.ensemble_build import build_ensembles, choose
from sonic_model.core.errors import InputValueError
from sonic_model.model.members import FULL_MEMBERS, MemberPredictor, fit_member
from sonic_model.training.validation import blocked_folds, fit_weights

# Well #1 joins three wells (../shared/pdda2020/README.md). The joins, read off the data:
# row 13,125 starts a 6-inch hole (CAL ~6.2 in after a long null run), row 19,912 an
# 8.5-inch hole whose PE is dead. Half-open row ranges.
WELL_JOINS = (13125, 19912)
K_BLOCKED = 5
# Feature clipping envelope (quantiles of training features): tames spikes the cleaning let
# through and stops the linear member from extrapolating into absurd values.
CLIP_QUANTILES = (0.001, 0.999)
# Per-curve "training range" for QC: Well #1 holds junk readings (density 1.4, resistivity
# 7,000 ohm.m) that a wider envelope would count as experience.
INPUT_ENVELOPE_QUANTILES = (0.005, 0.995)
# "Unfamiliar log combination": neighbour distance above twice the median held-out distance.
# A quantile of held-out distances would be set by the first block, itself the most unfamiliar
# interval of Well #1 (a 95th percentile flagged 11% of it while its DTS error was ~100 us/ft);
# twice the median flags 78% of that block and 4-16% of the others (measured on Well #1).
NOVELTY_FACTOR = 2.0
# A curve set is trained only when at least this many rows have its curves and DTC; the
# shear part of the final model needs this many rows with DTC and DTS.
MIN_SET_ROWS = 500
PE_FILL = 5.0
# Above this many trainable rows (curves + DTC), members fit on every k-th row of each well
# (one stride for all wells) in cross-validation and in the final fit; neighbouring samples
# (0.1-0.15 m apart) are near-copies and the features already carry 10-ft windows. Below it,
# nothing changes (the bundled model fits on Well #1's ~30,000 rows). 20 wells x 50,000
# samples, every row: not finished after 45 min holding 3.6 GB (issue 9's limits: 5 min, 2 GB).
ROW_BUDGET = 150_000
# Above the budget, leave-one-well-out fits hold out groups of wells (each well still
# predicted only by members that never saw it, and scored as its own fold); at most this
# many fits, a multiple of the two worker processes.
MAX_LOWO_FITS = 6


@dataclass
class TrainingWell:
    name: str                  # shown in reports (file stem, or "Well #1 (a)")
    frame: pd.DataFrame        # canonical inputs (canonical units, NaN where absent) + DTC, DTS
    depth_ft: np.ndarray | None  # per-row depth in feet; None = contest layout (0.1 m rows)
    sha256: str = ""           # of the source file, recorded in the card


@dataclass
class TrainingSet:
    """Wells end to end. Features are built per well, so no window reaches across wells."""
    names: list[str]
    bounds: list[tuple[int, int]]     # each well's half-open row range
    features: pd.DataFrame
    clean: pd.DataFrame               # cleaned inputs (QC envelope)
    y: np.ndarray                     # (n, 2) DTC, DTS; NaN where not measured
    row_set: np.ndarray               # "all" / "core" / "" per row (predict's routing)
    sets: tuple[str, ...]             # curve sets with enough rows to train

    @property
    def n(self) -> int:
        return len(self.y)


def _clean_target(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    v = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    lo, hi = CURVES[name].valid
    return np.where((v >= lo) & (v <= hi), v, np.nan)


def build_training_set(wells: list[TrainingWell]) -> TrainingSet:
    if not wells:
        raise InputValueError("no wells to train on: give at least one well with DTC")
    # Above the row budget features are kept as float32 well by well (members and predict
    # read them as float32 anyway): 20 wells x 50,000 rows peaked at 1.2 GB as float64.
    large = sum(len(w.frame) for w in wells) > ROW_BUDGET
    feats, cleans, ys, bounds, start = [], [], [], [], 0
    for w in wells:
        frame = w.frame.reset_index(drop=True)
        ff = F.build_features(frame[[c for c in INPUTS if c in frame.columns]], w.depth_ft,
                              pe_fill=PE_FILL)
        feats.append(ff.features.astype(np.float32) if large else ff.features)
        cleans.append(ff.clean)
        ys.append(np.column_stack([_clean_target(frame, t) for t in TARGETS]))
        bounds.append((start, start + len(frame)))
        start += len(frame)
    features = pd.concat(feats, ignore_index=True)
    clean = pd.concat(cleans, ignore_index=True)
    y = np.vstack(ys)
    row_set = F.row_curve_set(clean)
    has_dtc = np.isfinite(y[:, 0])
    counts = {"all": int((has_dtc & (row_set == "all")).sum()),
              "core": int((has_dtc & (row_set != "")).sum())}
    sets = tuple(s for s in F.CURVE_SETS if counts[s] >= MIN_SET_ROWS)
    if "core" not in sets:
        raise InputValueError(
            f"only {counts['core']} rows have CNC, GR, HRD, ZDEN and a valid DTC; training "
            f"needs at least {MIN_SET_ROWS}: add wells or check the curve mapping")
    shear = int((np.isfinite(y).all(axis=1) & (row_set != "")).sum())
    if shear < MIN_SET_ROWS:
        raise InputValueError(
            f"only {shear} rows have both DTC and DTS (with CNC, GR, HRD, ZDEN); the shear "
            f"part needs at least {MIN_SET_ROWS}: add a well with a shear log")
    return TrainingSet([w.name for w in wells], bounds, features, clean, y, row_set, sets)


def fit_plan(ts: TrainingSet, budget: int = ROW_BUDGET) -> tuple[np.ndarray, dict]:
    """(rows members may fit on, card entry). Every row while the trainable rows fit in
    `budget`; above it every `stride`-th row of each well, counted from the well's top."""
    available = int(train_rows(ts, "core").sum())
    stride = max(1, -(-available // budget))
    keep = np.ones(ts.n, dtype=bool)
    if stride > 1:
        keep[:] = False
        for a, b in ts.bounds:
            keep[a:b:stride] = True
    used = int((train_rows(ts, "core") & keep).sum())
    entry = {"rows_available": available, "rows_used": used, "stride": stride,
             "row_budget": budget}
    if stride > 1:
        entry["note"] = (f"{available:,} trainable rows exceed the budget of {budget:,}: "
                         f"members fit on every {_ordinal(stride)} sample of each well ({used:,} rows) "
                         "in validation and in the final fit; every row is predicted and scored")
    return keep, entry


# ----------------------------------------------------------------------------- per-set data

def set_matrix(ts: TrainingSet, curve_set: str) -> np.ndarray:
    return ts.features[F.feature_columns(curve_set)].to_numpy(dtype=np.float32)


def train_rows(ts: TrainingSet, curve_set: str) -> np.ndarray:
    """Rows a curve set learns from: its curves present and DTC measured (DTS may be NaN)."""
    usable = (ts.row_set == "all") if curve_set == "all" else (ts.row_set != "")
    return usable & np.isfinite(ts.y[:, 0])


def targets_for_fit(y: np.ndarray) -> np.ndarray:
    """Members learn DTC and the Vp/Vs ratio DTS/DTC (the shear route that validated better);
    Vp/Vs is NaN where DTS was not measured."""
    return np.column_stack([y[:, 0], y[:, 1] / y[:, 0]]).astype(np.float32)


def clip_bounds(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.nanquantile(X, CLIP_QUANTILES, axis=0)
    return lo.astype(np.float32), hi.astype(np.float32)


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
        ts, test = _subset(ts, np.flatnonzero(test)), np.ones(int(test.sum()), dtype=bool)
    pred, novelty = predict_sets(ts, fitted, test, kinds)
    core, _ = predict_sets(ts, fitted, test, kinds, force_set="core")
    out = ({k: pred[k][test] for k in kinds}, {k: core[k][test] for k in kinds}, novelty[test])
    if keep is not None:
        release_memory()          # the worker lives on for the next fold
    return out


def release_memory() -> None:
    """Hand freed heap back to the OS (glibc keeps it otherwise). Measured on 20 wells x
    50,000 rows: the trainer process held 840 MB after building the features, 550 MB after
    this; it matters before fold workers start, as the limit is on the whole process tree."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to hand back this way
        pass


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _subset(ts: TrainingSet, idx: np.ndarray) -> TrainingSet:
    """Rows `idx` (sorted) of a training set: what one fold's worker process needs (fitting
    and predicting read features, targets and routing, not the cleaned curves)."""
    return TrainingSet(ts.names, ts.bounds, ts.features.iloc[idx].reset_index(drop=True),
                       ts.clean.iloc[:0], ts.y[idx], ts.row_set[idx], ts.sets)


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
    return _subset(ts, idx), test[idx], keep[idx]


def schemes_for(ts: TrainingSet, k_blocked: int) -> dict[str, list[tuple[int, int]]]:
    """Leave-one-well-out over the wells, plus k contiguous blocks along the rows if k > 0.
    One well alone cannot be left out: it gets K_BLOCKED blocks instead."""
    schemes = {}
    if len(ts.bounds) == 1 and k_blocked <= 0:
        k_blocked = K_BLOCKED
    if k_blocked > 0:
        schemes["blocked"] = blocked_folds(ts.n, k_blocked)
    if len(ts.bounds) > 1:
        schemes["lowo"] = list(ts.bounds)
    return schemes


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


# ----------------------------------------------------------------------------- the trainer

def train_model(wells: list[TrainingWell], out_dir: Path, *, blocked_folds: int = 0,
                log=print, progress=None, measure: bool = False, n_jobs: int = 2,
                card_extra: dict | None = None, cv_cache: Path | None = None,
                other_fields: list | None = None, row_budget: int = ROW_BUDGET) -> dict:
    """Validate (leave-one-well-out, plus `blocked_folds` contiguous blocks if > 0), fit on
    all wells, write `out_dir` (artifacts, runtime.json, model_card.json). Returns the card.

    `progress(done, total, message)` is called as folds and final fits finish.
    `other_fields`: wells.Well objects from other fields with measured sonic, never trained
    on, that fit the bands' between-field term (transfer.py); None: the wells alone decide.
    `row_budget`: above this many trainable rows members fit on a per-well stride of rows
    and leave-one-well-out holds out groups of wells (fit_plan, fold_tasks; card "fit_rows").
    `cv_cache`: our own file of held-out predictions from an earlier run with the same wells
    (a development shortcut of `python -m sonic_model train --cv-cache`).
    """
    import joblib

    from sonic_model.training import card_build as card_mod
    from sonic_model.model.ensemble import RUNTIME_FILE

    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ts = build_training_set(wells)
    log(f"{len(wells)} well(s), {ts.n} rows; curve sets {', '.join(ts.sets)}")
    schemes = schemes_for(ts, blocked_folds)
    keep, rows_entry = fit_plan(ts, row_budget)
    if rows_entry["stride"] > 1:
        log(f"  {rows_entry['note']}")
        release_memory()
    else:
        keep = None               # every row: the path the bundled model was trained on
    n_folds = len(fold_tasks(ts, schemes, keep))
    total = n_folds + 2 + (1 if measure else 0)

    if cv_cache is not None and Path(cv_cache).is_file():
        cv = joblib.load(cv_cache)
        log(f"  reusing held-out predictions from {cv_cache}")
        if progress is not None:
            progress(n_folds, total, "reused held-out predictions")
    else:
        cv = cross_validate(ts, FULL_MEMBERS, schemes, log, n_jobs, progress, 0, total,
                            keep=keep)
        if cv_cache is not None:
            joblib.dump(cv, cv_cache)
    # Which members ship, whether the mudrock shear prior holds (ensemble_build.py), then the
    # final fit of the shipped members only, then weights and bands.
    gr = ts.clean["GR"].to_numpy()
    prior, chosen, choice_studies = choose(ts.y, gr, cv, FULL_MEMBERS, fit_weights=fit_weights,
                                           log=log)
    shipped = [k for k in FULL_MEMBERS if k in chosen["full"]]
    qc = qc_settings(ts, cv)

    log("final fit on all wells")
    fitted = fit_sets(ts, shipped, np.ones(ts.n, dtype=bool) if keep is None else keep, log)
    if progress is not None:
        progress(n_folds + 1, total, "fitted the final members")
    other_entry, widen = other_field_widener(other_fields, fitted, shipped, log)
    ensembles = build_ensembles(ts.y, gr, cv, chosen, prior, fit_weights=fit_weights,
                                widen=widen, log=log)
    files = {}
    for kind in FULL_MEMBERS:     # a member that did not earn its place ships no stale file
        if kind not in shipped:
            (out_dir / f"{kind}.joblib").unlink(missing_ok=True)
    for kind in shipped:
        path = out_dir / f"{kind}.joblib"
        joblib.dump({s: fitted[s]["members"][kind] for s in fitted}, path, compress=3)
        files[path.name] = path
    runtime = {
        "sets": {s: {"columns": fitted[s]["columns"],
                     "clip_lo": fitted[s]["clip"][0].tolist(),
                     "clip_hi": fitted[s]["clip"][1].tolist()} for s in fitted},
        "ensembles": {name: {"members": list(e["kinds"]),
                             "weights": card_mod.weights_dict(e["kinds"], e["weights"]),
                             "intervals": e["intervals"], "shear_prior": e["shear_prior"]}
                      for name, e in ensembles.items()},
        "qc": qc, "pe_fill": PE_FILL, "xgboost_version": _xgboost_version(),
    }
    runtime_path = out_dir / RUNTIME_FILE
    runtime_path.write_text(json.dumps(runtime, indent=1, sort_keys=True), encoding="utf-8")
    files[RUNTIME_FILE] = runtime_path
    for name, e in ensembles.items():
        log(f"{name}: " + ", ".join(f"{s} {card_mod.scheme_rmse(ts, cv, e, s):.2f}"
                                    for s in cv) + f"; weights {runtime['ensembles'][name]['weights']}")

    extra = dict(card_extra or {})
    extra["studies"] = {**extra.get("studies", {}), **choice_studies}
    if other_entry:
        extra["other_fields"] = other_entry
    card = card_mod.build_card(ts, wells, cv, ensembles, qc, files, extra)
    if keep is not None:          # the bundled model's card stays as it was
        card["fit_rows"] = {**rows_entry, "lowo_fits": sum(s == "lowo" for s, _ in
                                                           fold_tasks(ts, schemes, keep))}
    card["training_seconds"] = round(time.perf_counter() - started, 1)
    card_path = card_mod.write_card(out_dir, card)
    # The DTC-conditioned shear set (conditioned.py): validated over the same wells (leave one
    # well out, plus the same blocks), fitted on all; it adds its artifact and card section.
    from sonic_model.model import conditioned
    if keep is not None:
        # Its validation refits on every row of every well in one worker process per fold
        # (conditioned.py): on 20 wells x 50,000 rows that alone breaks the 5-minute and
        # 2 GB limits. Above the row budget the model ships without it (predict then uses
        # the logs-only shear everywhere) and the card says so.
        log("  DTC-conditioned shear set not trained above the row budget")
        card["fit_rows"]["conditioned_shear"] = "not trained above the row budget"
        card_mod.write_card(out_dir, card)
    elif conditioned.extend_model(out_dir, wells, blocked_folds=blocked_folds, n_jobs=n_jobs,
                                  log=log) is not None:
        card = load_card(out_dir)
    if progress is not None:
        progress(n_folds + 2, total, "fitted the DTC-conditioned shear set")
    if measure:
        log("measuring load time, memory and predict time of each member and ensemble")
        sample = ts.clean.iloc[:10000]
        for group, keys in (("members", shipped), ("ensembles", ("full", "light"))):
            for key in keys:
                card[group][key]["resources"] = measure_resources(out_dir, key, sample)
        card_path.write_text(json.dumps(card, indent=1), encoding="utf-8")
        if progress is not None:
            progress(total, total, "measured load time, memory and speed")
    log(f"wrote {out_dir} in {time.perf_counter() - started:.0f} s")
    return card


def other_field_widener(other_fields, fitted: dict, kinds, log=print):
    """(card entry, widener or None): the bands' between-field term from wells of other
    fields (transfer.py); without them the training wells alone calibrate the bands."""
    if not other_fields:
        return {}, None
    from sonic_model.training import transfer

    arrays = transfer.held_out_arrays(other_fields, fitted, kinds, pe_fill=PE_FILL)
    entry: dict = {"source": "FORCE 2020 (Bormann et al. 2020, doi:10.5281/zenodo.4351156); "
                             "predicted, never trained on"}
    return entry, transfer.OtherFieldWidener(arrays, entry, log)


def _xgboost_version() -> str:
    from importlib.metadata import version
    import xgboost
    return getattr(xgboost, "__version__", None) or version("xgboost-cpu")


def measure_resources(model_dir: Path, key: str, sample: pd.DataFrame) -> dict:
    """Load time, peak RSS and predict time for `sample` (10,000 input rows), in a fresh
    process. The sample goes through a temporary .npy file (our own, deleted after)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.npy"
        np.save(path, sample.to_numpy(dtype=float), allow_pickle=False)
        code = (
            "import json,sys,time;import numpy as np,pandas as pd;"
            "t=time.perf_counter();"
            "from sonic_model import ensemble as E;"
            f"ens=E.load_member_or_ensemble({key!r}, {str(model_dir)!r});"
            "load=time.perf_counter()-t;"
            f"frame=pd.DataFrame(np.load({str(path)!r}), columns={list(sample.columns)!r});"
            "t=time.perf_counter();E.predict(frame, ens);pred=time.perf_counter()-t;"
            "print(json.dumps({'load_s':round(load,3),'predict_10k_s':round(pred,3),"
            "'peak_rss_mb':E.peak_rss_mb()}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- the contest

def contest_wells(data_dir: Path | None = None) -> list[TrainingWell]:
    """The three wells joined in the contest's Well #1, in the contest layout (0.1 m rows)."""
    from sonic_model.io import contest as data
    from sonic_model.model.ensemble import sha256_file

    frame = data.load_train(data_dir)
    sha = sha256_file(data.train_csv(data_dir))
    edges = (0, *WELL_JOINS, len(frame))
    return [TrainingWell(f"Well #1 ({'abc'[i]})", frame.iloc[a:b].reset_index(drop=True),
                         None, sha) for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]


def train(data_dir: Path | None = None, out_dir: Path | None = None, log=print,
          measure: bool = True, cv_cache: Path | None = None) -> dict:
    """`python -m sonic_model train`: the bundled model from Well #1's three wells, validated
    leave-one-well-out and with 5 contiguous blocks, plus the contest's card fields."""
    from sonic_model.core.config import get_settings
    from sonic_model.training.studies import run_studies

    wells = contest_wells(data_dir)
    log(f"Well #1: {sum(len(w.frame) for w in wells)} rows in {len(wells)} wells")
    studies = run_studies(build_training_set(wells), log)
    extra = {
        "data": {
            "source": "SPWLA PDDA 2020 machine-learning contest (Volve field data, Equinor)",
            "url": "https://github.com/pddasig/Machine-Learning-Competition-2020",
            "licence": "CC BY-NC-SA (Creative Commons Attribution-NonCommercial-ShareAlike)",
            "attribution": "Trained on the SPWLA PDDA SIG 2020 contest data (Well #1), derived "
                           "from Equinor's Volve field data set. The trained models are shared "
                           "under CC BY-NC-SA; credit the SPWLA PDDA SIG and Equinor.",
            "train_sha256": wells[0].sha256,
            "layout": "rows 0.1 m (0.328 ft) apart, no depth column",
            "target": "Well #1 only; Well #2 never used",
        },
        "studies": {
            "what": "contest RMSE of single members on held-out rows with all curves; "
                    "vpvs = DTS predicted as DTC x Vp/Vs, direct = DTS learnt directly; "
                    "with_pe = PE features added",
            "results": studies},
        "leaderboard": LEADERBOARD,
    }
    return train_model(wells, Path(out_dir or get_settings().model_dir), blocked_folds=K_BLOCKED,
                       log=log, measure=measure, card_extra=extra, cv_cache=cv_cache,
                       other_fields=_force_wells(log))


def _force_wells(log=print) -> list | None:
    """The FORCE wells for the bundled model's between-field band term, if on this machine."""
    from sonic_model.io.force import force_dir, read_force_wells

    folder = force_dir()
    if folder is None:
        log("  no other-field wells found (../shared/force2020, $SONIC_FORCE_DIR): "
            "bands calibrated on Well #1 alone")
        return None
    return read_force_wells(folder)
