"""Fitting, validating and exporting the DTC-conditioned shear set (model.conditioned predicts).

``extend_model(model_dir, wells)`` adds the set to a freshly trained model folder (the trainer
calls it): validated leave-one-well-out (and on contiguous blocks), compared on the same held-out
rows with a logs-only XGBoost and the rock-physics baselines, fitted on all rows, written as
``conditioned.npz`` (model.artifacts, never pickled) with its runtime.json and card sections.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from sonic_model.model import artifacts
from sonic_model.model import features as F
from sonic_model.model.artifacts import RUNTIME_FILE
from sonic_model.model.card import card_path, load_card
from sonic_model.model.conditioned import (
    ARTIFACT,
    DTC_FEATURES,
    KINDS,
    RUNTIME_KEY,
    VPVS_RANGE,
    Prepared,
    columns_for,
    concat,
    member_vpvs,
    prepare,
    reference,
)
from sonic_model.model.members import MemberPredictor
from sonic_model.training import conditioned_validate as V
from sonic_model.training.member_fit import fit_member

# A curve set is trained only with this many rows holding logs, valid DTC and measured DTS,
# and the set ships only if validation could score this many held-out rows.
MIN_ROWS = 500
MIN_HELD_OUT = 200


# ----------------------------------------------------------------------------- targets and fit

def _vpvs(p: Prepared) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = p.dts / p.dtc
    return np.where((r >= VPVS_RANGE[0]) & (r <= VPVS_RANGE[1]), r, np.nan)


def _target(p: Prepared) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(_vpvs(p)), p.dts / reference(p), np.nan)


def fit_sets(p: Prepared, mask: np.ndarray, kinds=KINDS) -> dict:
    """{set: {"columns", "clip", "members": {kind: payload}}} for sets with enough rows."""
    y = _target(p)
    cond = p.cond_set
    out = {}
    for curve_set in F.CURVE_SETS:
        usable = (cond == "all") if curve_set == "all" else (cond != "")
        rows = mask & usable & np.isfinite(y) & (p.dtc_reason == "")   # no washout rows
        if rows.sum() < MIN_ROWS:
            continue
        cols = columns_for(curve_set)
        X = p.features[cols].to_numpy(dtype=np.float32)[rows]
        lo, hi = np.nanquantile(X, (0.001, 0.999), axis=0)
        clip = (lo.astype(np.float32), hi.astype(np.float32))
        X = np.clip(X, *clip)
        Y = y[rows, None].astype(np.float32)
        out[curve_set] = {"columns": cols, "clip": clip,
                          "members": {k: fit_member(k, X, Y, cols) for k in kinds}}
    return out


# ----------------------------------------------------------------------------- validation

def _fold_task(p: Prepared, test: np.ndarray):
    """Held-out conditioned members and a logs-only XGBoost (same rows, same folds)."""
    train = ~test
    sets = fit_sets(p, train)
    vpvs = member_vpvs(sets, p, test) if sets else {k: np.full(p.n, np.nan) for k in KINDS}
    # The logs-only comparison: the same XGBoost learning DTC and Vp/Vs from the logs alone
    # on the same rows (the logs-only route of the bundled models, one member).
    logs = np.full(p.n, np.nan)
    y = np.column_stack([p.dtc, _vpvs(p)])
    for curve_set in F.CURVE_SETS:
        usable = (p.logs_set == "all") if curve_set == "all" else (p.logs_set != "")
        rows = train & usable & np.isfinite(y).all(axis=1)
        if rows.sum() < MIN_ROWS:
            continue
        cols = F.feature_columns(curve_set)
        Xall = p.features[cols].to_numpy(dtype=np.float32)
        lo, hi = np.nanquantile(Xall[rows], (0.001, 0.999), axis=0)
        m = MemberPredictor(fit_member("xgb", np.clip(Xall[rows], lo, hi),
                                       y[rows].astype(np.float32), cols))
        # "all" comes first; "core" serves the rest (as the logs-only route does).
        sel = test & np.isnan(logs) & ((p.logs_set == "all") if curve_set == "all"
                                       else (p.logs_set != ""))
        if sel.any():
            out = m.predict(np.clip(Xall[sel], lo, hi))
            logs[sel] = out[:, 0] * out[:, 1]
    return {k: v[test] for k, v in vpvs.items()}, logs[test]


def folds_lowo(p: Prepared) -> list[tuple[str, np.ndarray]]:
    """One fold per well that has rows to score (a well without DTS would only be refitted)."""
    scored = np.isfinite(_target(p)) & (p.cond_set != "")
    return [(name, p.well == i) for i, name in enumerate(p.names) if (scored & (p.well == i)).any()]


def folds_blocked(p: Prepared, k: int) -> list[tuple[str, np.ndarray]]:
    edges = np.linspace(0, p.n, k + 1).round().astype(int)
    idx = np.arange(p.n)
    return [(f"block {i + 1}", (idx >= a) & (idx < b)) for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]


def cross_validate(p: Prepared, schemes: dict, n_jobs: int = 2, log=print) -> dict:
    """{scheme: {"folds": [(label, mask)], "vpvs": {kind: (n,)}, "logs": (n,)}} held out."""
    from joblib import Parallel, delayed

    tasks = [(s, label, mask) for s, folds in schemes.items() for label, mask in folds]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=n_jobs)(delayed(_fold_task)(p, mask) for _, _, mask in tasks)
    log(f"  conditioned shear: {len(tasks)} folds in {time.perf_counter() - t0:.0f} s")
    out = {s: {"folds": folds, "vpvs": {k: np.full(p.n, np.nan) for k in KINDS},
               "logs": np.full(p.n, np.nan)} for s, folds in schemes.items()}
    for (s, _, mask), (vpvs, logs) in zip(tasks, results):
        for k in KINDS:
            out[s]["vpvs"][k][mask] = vpvs[k]
        out[s]["logs"][mask] = logs
    return out


def fit_weights(p: Prepared, cv: dict) -> dict:
    """Weight of the XGBoost member (PCR gets the rest) minimising the geometric mean of
    per-fold DTS RMSE over every scheme's folds (as validation.fit_weights does for the ensembles)."""
    best, best_w = np.inf, 1.0
    for w in np.linspace(0.0, 1.0, 21):
        gm = V.per_fold_gm(p, cv, {n: reference(p) * (w * s["vpvs"]["xgb"]
                                                      + (1 - w) * s["vpvs"]["pcr"])
                                   for n, s in cv.items()})
        obj = np.log(gm) if np.isfinite(gm) else np.inf
        if obj < best - 1e-12:
            best, best_w = obj, float(w)
    return {"xgb": round(best_w, 3), "pcr": round(1 - best_w, 3)}


# ----------------------------------------------------------------------------- train / export

def train_section(p: Prepared, out_dir: Path, schemes: dict, *, n_jobs: int = 2,
                  log=print, logs_only: dict | None = None
                  ) -> tuple[dict, dict, dict, dict] | None:
    """Validate, fit on all rows, write ARTIFACT. -> (files {name: path}, runtime section,
    card section, {scheme: held-out (DTS, P10, P90) of the shipped route}), or None when the
    wells hold too few rows with DTC and DTS."""
    y = _target(p)
    if (np.isfinite(y) & (p.cond_set != "")).sum() < MIN_ROWS:
        log("  conditioned shear: too few rows with logs, valid DTC and DTS; not trained")
        return None
    cv = cross_validate(p, schemes, n_jobs=n_jobs, log=log)
    held_out = sum(int((np.isfinite(s["vpvs"]["xgb"]) & np.isfinite(p.dts)).sum())
                   for s in cv.values())
    if held_out < MIN_HELD_OUT:
        # Nothing we could check it on (each fold left too few rows to fit on, or the held-out
        # wells have no shear where the others do): an unvalidated set is not shipped.
        log(f"  conditioned shear: only {held_out} held-out rows could be scored "
            f"(need {MIN_HELD_OUT}); not trained")
        return None
    weights = fit_weights(p, cv)
    prior = V.prior_choice(p, cv, weights)
    cal = V.calibrate(p, cv, weights, prior["prior"])    # held_out >= MIN_HELD_OUT rows
    validation = V.report(p, cv, weights, prior["prior"], logs_only)
    fusion = V.fusion_choice(validation)
    sets = fit_sets(p, np.ones(p.n, dtype=bool))
    path = Path(out_dir) / ARTIFACT
    artifacts.dump({s: part["members"] for s, part in sets.items()}, path)
    runtime = {"weights": weights, "intervals": cal, "fusion": fusion["shipped"],
               "prior": prior["prior"],
               "sets": {s: {"columns": part["columns"], "clip_lo": part["clip"][0].tolist(),
                            "clip_hi": part["clip"][1].tolist()} for s, part in sets.items()}}
    card = {"what": "DTS from the logs plus a valid measured DTC: members learn Vp/Vs from the "
                    "logs' features and DTC with its depth context; DTS = measured DTC x Vp/Vs. "
                    "Validation compares it, on the same held-out rows, with the logs-only "
                    "XGBoost and the mudrock / Greenberg-Castagna baselines from the same DTC.",
            "members": list(KINDS), "weights": weights, "intervals": {k: round(v, 4) for k, v in cal.items()},
            "features": list(DTC_FEATURES), "sets": sorted(sets), "validation": validation,
            "fusion": fusion, "prior": prior}
    log(f"  mudrock prior on the measured DTC: {prior['objective']} shipped {prior['shipped']}")
    log(f"  shear fusion: {fusion}")
    for scheme, v in validation.items():
        pooled = v["pooled"]
        log(f"  conditioned shear {scheme}: DTS RMSE conditioned {pooled['conditioned']['rmse']}, "
            f"logs-only {pooled['logs_only']['rmse']}, mudrock {pooled['mudrock']['rmse']}, "
            f"GC {pooled['greenberg_castagna']['rmse']} ({pooled['conditioned']['rows']} rows)")
    held_out = V.shipped_held_out(p, cv, weights, prior["prior"], logs_only, fusion["shipped"])
    return {ARTIFACT: path}, runtime, card, held_out


def extend_model(model_dir: Path, wells, *, blocked_folds: int = 0, n_jobs: int = 2,
                 log=print, logs_only: dict | None = None,
                 synth_frames: dict | None = None) -> dict | None:
    """Add the conditioned shear set to a trained model folder (trainer.train_model calls this).

    `wells`: dataset.TrainingWell-like objects (name, frame with inputs + DTC/DTS, depth_ft).
    Validates with leave-one-well-out over them (when there are several) and `blocked_folds`
    contiguous blocks, fits on all, writes ARTIFACT, adds runtime.json's RUNTIME_KEY section
    and the card's RUNTIME_KEY section, and re-lists both files' sha256 in the card.
    With `synth_frames` (synth_figures.frames_from_training: the logs-only held-out frames,
    row for row with `wells`), the card's fit_for_purpose also gains the figures with a
    measured DTC (synth_figures.with_dtc_section).
    Returns the card section, or None when the wells teach no conditioned shear.
    """
    model_dir = Path(model_dir)
    parts = [prepare(w.frame, w.depth_ft, name=w.name) for w in wells]
    p = concat(parts)
    schemes = {}
    if blocked_folds:
        schemes["blocked"] = folds_blocked(p, blocked_folds)
    if len(folds_lowo(p)) > 1:
        schemes["lowo"] = folds_lowo(p)
    if not schemes:
        schemes["blocked"] = folds_blocked(p, 5)   # one well: validate on blocks of it
    if logs_only and any(len(v[0]) != p.n for v in logs_only.values()):
        logs_only = None       # rows not aligned with the logs-only predictions: no fusion
    out = train_section(p, model_dir, schemes, n_jobs=n_jobs, log=log, logs_only=logs_only)
    if out is None:
        return None
    files, runtime_section, card_section, held_out = out
    runtime_path = model_dir / RUNTIME_FILE
    runtime = json.loads(runtime_path.read_text(encoding="utf-8"))
    runtime[RUNTIME_KEY] = runtime_section
    runtime_path.write_text(json.dumps(runtime, indent=1, sort_keys=True), encoding="utf-8")
    files[RUNTIME_FILE] = runtime_path
    card = load_card(model_dir)
    for name, path in files.items():
        card.setdefault("files", {})[name] = artifacts.file_entry(path)
    card_section["sha256"] = card["files"][ARTIFACT]["sha256"]
    card[RUNTIME_KEY] = card_section
    if synth_frames and "lowo" in held_out and card.get("fit_for_purpose"):
        from sonic_model.training.synth_figures import with_dtc_section

        card["fit_for_purpose"].update(with_dtc_section(synth_frames, held_out["lowo"], log=log))
    card_path(model_dir).write_text(json.dumps(card, indent=1), encoding="utf-8")
    return card_section
