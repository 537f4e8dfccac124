"""TEMPORARY ADAPTER — delete this file once model-core's ``train.train_model`` is on main.

A thin stand-in for the trainer contract in CONTRACTS.md (``TrainingWell`` + ``train_model``),
built from the existing Well #1 training pieces so that the store, the CLI, the API and the
Train page can run end to end before the real trainer lands. Known shortcuts (the real
trainer does these properly): members XGBoost + PCR + KNN only, equal weights, rows need both
DTC and DTS to be learnt from, no blocked folds.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import artifacts
from . import features as F
from .curves import INPUTS, TARGETS

LOWO_FILE = "lowo_predictions.npz"


@dataclass
class TrainingWell:
    name: str
    frame: pd.DataFrame
    depth_ft: np.ndarray | None
    sha256: str = ""


def _score(y, mean, lo, hi) -> dict | None:
    ok = np.isfinite(y) & np.isfinite(mean)
    if not ok.any():
        return None
    e = mean[ok] - y[ok]
    return {"rmse": round(float(np.sqrt(np.mean(e ** 2))), 3), "bias": round(float(e.mean()), 3),
            "coverage": round(float(np.mean((y[ok] >= lo[ok]) & (y[ok] <= hi[ok]))), 3),
            "rows": int(ok.sum())}


def train_model(wells, out_dir: Path, *, blocked_folds: int = 0, log=print, progress=None,
                measure: bool = False, n_jobs: int = 2, card_extra: dict | None = None) -> dict:
    from . import train as T
    from .ensemble import RUNTIME_FILE, combine, interval, sha256_file

    kinds = ("xgb", "pcr", "knn")
    out_dir = Path(out_dir)
    frames, depths, edges, offset = [], [], [0], 0.0
    for w in wells:
        d = w.depth_ft if w.depth_ft is not None else np.arange(len(w.frame)) * 0.328084
        d = np.asarray(d, dtype=float) - np.nanmin(d) + offset
        offset = np.nanmax(d) + 1000.0     # windows never reach across wells
        frames.append(w.frame.reset_index(drop=True))
        depths.append(d)
        edges.append(edges[-1] + len(w.frame))
    frame = pd.concat(frames, ignore_index=True)
    depth = np.concatenate(depths)
    ff = F.build_features(frame[list(INPUTS)], depth)
    y = np.column_stack([T._clean_target(frame[t], t) for t in TARGETS])
    joined = T.WellOne(frame, depth, ff, y, F.row_curve_set(ff.clean))
    folds = list(zip(edges[:-1], edges[1:]))
    total = len(folds) + 1
    pred = {k: np.full((len(frame), 2), np.nan) for k in kinds}
    novelty = np.full(len(frame), np.nan)
    for i, (a, b) in enumerate(folds):
        p, _, nov = T._fold_task(joined, kinds, a, b)
        for k in kinds:
            pred[k][a:b] = p[k]
        novelty[a:b] = nov
        if progress:
            progress(i + 1, total, f"held out {wells[i].name}")
    W = np.full((len(kinds), 2), 1.0 / len(kinds))
    mean, spread = combine(pred, kinds, W)
    cal = T.calibrate_intervals(y, mean, spread, novelty)
    lo, hi = interval(mean, spread, novelty, cal)
    lowo = [{"well": w.name, **{t: _score(y[a:b, j], mean[a:b, j], lo[a:b, j], hi[a:b, j])
                                for j, t in enumerate(TARGETS)}}
            for w, (a, b) in zip(wells, folds)]
    pooled = {t: _score(y[:, j], mean[:, j], lo[:, j], hi[:, j]) for j, t in enumerate(TARGETS)}
    fitted = T.fit_sets(joined, kinds, np.ones(len(frame), dtype=bool), log=lambda m: None)
    if progress:
        progress(total, total, "final fit on all wells")
    files = {}
    for k in kinds:
        files[f"{k}.npz"] = artifacts.dump({s: fitted[s]["members"][k] for s in fitted},
                                           out_dir / f"{k}.npz")
    weights = {t: {k: float(W[i, j]) for i, k in enumerate(kinds)} for j, t in enumerate(TARGETS)}
    runtime = {
        "sets": {s: {"columns": fitted[s]["columns"], "clip_lo": fitted[s]["clip"][0].tolist(),
                     "clip_hi": fitted[s]["clip"][1].tolist()} for s in fitted},
        "ensembles": {n: {"members": list(kinds), "weights": weights, "intervals": cal}
                      for n in ("full", "light")},
        "qc": {"envelope": {c: [float(v) for v in np.nanquantile(ff.clean[c], (0.005, 0.995))]
                            if ff.clean[c].notna().any() else [0.0, 0.0] for c in INPUTS},
               "novelty_threshold": float(2.0 * np.nanmedian(novelty))},
        "pe_fill": 5.0,
    }
    (out_dir / RUNTIME_FILE).write_text(json.dumps(runtime, indent=1), encoding="utf-8")
    files[RUNTIME_FILE] = out_dir / RUNTIME_FILE
    from .owntrain import save_lowo_predictions
    files[LOWO_FILE] = save_lowo_predictions(out_dir, {
        w.name: {"measured": y[a:b], "pred": mean[a:b], "p10": lo[a:b], "p90": hi[a:b]}
        for w, (a, b) in zip(wells, folds)})
    card = {
        "schema": 1, "adapter": True,
        "model_version": f"adapter-{int(time.time())}",
        "validation": {"lowo_wells": lowo, "pooled": pooled},
        "ensembles": {n: {"label": n, "members": list(kinds), "weights": weights}
                      for n in ("full", "light")},
        "files": {n: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                  for n, p in sorted(files.items())},
        **(card_extra or {}),
    }
    (out_dir / "model_card.json").write_text(json.dumps(card, indent=1), encoding="utf-8")
    return card
