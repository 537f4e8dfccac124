"""Design studies of the bundled model, re-measured on every `python -m sonic_model train`.

- shear route: DTS learnt directly vs DTC x predicted Vp/Vs (XGBoost and PCR);
- PE: XGBoost with and without the PE features (PE is dead in Well #1's third well).
Contest RMSE pooled and per fold, blocked and leave-one-well-out, on held-out rows with all
curves and both sonic logs. The results go into the card's ``studies`` section.
"""

from __future__ import annotations

import time

import numpy as np

from sonic_model.model import features as F
from sonic_model.model.members import MemberPredictor, to_sonic
from sonic_model.training.dataset import (
    K_BLOCKED,
    clip_bounds,
    schemes_for,
    targets_for_fit,
    train_rows,
)
from sonic_model.training.member_fit import fit_member
from sonic_model.training.validation import rmse


def _study_task(ts, kind: str, columns: list[str], route: str, a: int, b: int):
    """Held-out predictions and targets of one member variant on rows a:b."""
    rows = train_rows(ts, "all") & np.isfinite(ts.y).all(axis=1)
    test = np.zeros(ts.n, dtype=bool)
    test[a:b] = True
    fit, held = rows & ~test, rows & test
    X = ts.features[columns].to_numpy(dtype=np.float32)
    bounds = clip_bounds(X[fit])
    Y = targets_for_fit(ts.y[fit]) if route == "vpvs" else ts.y[fit].astype(np.float32)
    member = MemberPredictor(fit_member(kind, np.clip(X[fit], *bounds), Y, columns))
    pred = member.predict(np.clip(X[held], *bounds))
    pred = to_sonic(pred) if route == "vpvs" else pred
    return pred, ts.y[held]


def run_studies(ts, log=print, n_jobs: int = 2) -> dict:
    """{variant: {scheme: {"contest": pooled RMSE, "per_fold": [...]}}} for the TrainingSet."""
    from joblib import Parallel, delayed

    cols = F.feature_columns("all")
    variants = {
        "xgb_vpvs": ("xgb", cols, "vpvs"), "xgb_direct": ("xgb", cols, "direct"),
        "pcr_vpvs": ("pcr", cols, "vpvs"), "pcr_direct": ("pcr", cols, "direct"),
        "xgb_vpvs_with_pe": ("xgb", cols + list(F.PE_COLUMNS), "vpvs"),
    }
    schemes = schemes_for(ts, K_BLOCKED)
    tasks = [(v, s, a, b) for v in variants for s, folds in schemes.items() for a, b in folds]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=n_jobs)(delayed(_study_task)(ts, *variants[v], a, b)
                                      for v, s, a, b in tasks)
    log(f"  studies took {time.perf_counter() - t0:.0f} s")
    out: dict = {v: {} for v in variants}
    for v in variants:
        for s in schemes:
            parts = [r for (tv, ts_, _, _), r in zip(tasks, results) if tv == v and ts_ == s]
            per_fold = [rmse((p - y).ravel()) for p, y in parts]
            pooled = rmse(np.concatenate([(p - y).ravel() for p, y in parts]))
            out[v][s] = {"contest": round(pooled, 3), "per_fold": [round(x, 3) for x in per_fold]}
    return out
