"""Scoring held-out predictions: folds, RMSE tables, ensemble weights, P10/P90 calibration.

Pure functions of arrays (targets ``y`` (n, 2) DTC/DTS with NaN where not measured, member
predictions, fold row ranges); train.py produces the held-out predictions they score.
"""

from __future__ import annotations

import numpy as np

from sonic_model.core.curves import TARGETS

# Fewer held-out rows than this in a fold and target: the fold says nothing about the weights.
MIN_FOLD_ROWS = 50


def blocked_folds(n: int, k: int) -> list[tuple[int, int]]:
    """K contiguous, non-shuffled blocks along the rows (neighbouring samples are near-copies)."""
    edges = [int(e) for e in np.linspace(0, n, k + 1).round()]
    return list(zip(edges[:-1], edges[1:]))


def rmse(err: np.ndarray) -> float:
    err = err[np.isfinite(err)]
    return float(np.sqrt(np.mean(err ** 2))) if len(err) else float("nan")


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 3)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def score(y: np.ndarray, pred: np.ndarray, folds) -> dict:
    """RMSE pooled and per fold: DTC on rows with DTC, DTS on rows with DTS, and the contest's
    combined RMSE on rows with both (a well without shear still scores its DTC)."""
    ok = np.isfinite(y) & np.isfinite(pred)
    both = ok.all(axis=1)

    def one(mask):
        e = pred - y
        c = e[mask & both]
        return {"DTC": rmse(e[mask & ok[:, 0], 0]), "DTS": rmse(e[mask & ok[:, 1], 1]),
                "contest": float(np.sqrt(np.mean(c ** 2))) if len(c) else float("nan"),
                "rows": int((mask & both).sum())}

    result = one(np.ones(len(y), dtype=bool))
    idx = np.arange(len(y))
    result["per_fold"] = [dict(fold=i + 1, start=int(a), stop=int(b),
                               **one((idx >= a) & (idx < b)))
                          for i, (a, b) in enumerate(folds)]
    return _round(result)


def target_stats(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 mask: np.ndarray) -> dict:
    """{"DTC": {"rmse", "bias", "coverage", "rows"}, "DTS": ...}; None for a target with no
    held-out rows in ``mask`` (a well without that log). bias = mean(predicted - measured)."""
    out = {}
    for name, ok, e, inside in held_out_residuals(y, mean, lo, hi, mask):
        out[name] = None if ok is None else {
            "rmse": round(rmse(e), 3), "bias": round(float(e.mean()), 3),
            "coverage": round(float(inside.mean()), 3), "rows": int(ok.sum())}
    return out


def held_out_residuals(y: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                       mask: np.ndarray):
    """Per target: (name, rows scored, residuals predicted - measured, inside P10-P90), or
    (name, None, None, None) when ``mask`` holds no row with that target measured and predicted."""
    for t, name in enumerate(TARGETS):
        ok = mask & np.isfinite(y[:, t]) & np.isfinite(mean[:, t])
        if not ok.any():
            yield name, None, None, None
            continue
        inside = (y[ok, t] >= lo[ok, t]) & (y[ok, t] <= hi[ok, t])
        yield name, ok, mean[ok, t] - y[ok, t], inside


def coverage(y, lo, hi) -> dict:
    cov = {}
    for t, name in enumerate(TARGETS):
        ok = np.isfinite(y[:, t]) & np.isfinite(lo[:, t])
        cov[name] = round(float(np.mean((y[ok, t] >= lo[ok, t]) & (y[ok, t] <= hi[ok, t]))), 3) \
            if ok.any() else None
    return cov


def fit_weights(y: np.ndarray, cv: dict, kinds) -> np.ndarray:
    """Simplex weights per target minimising the geometric mean of per-fold RMSE.

    Per fold, and in log space, so that each held-out fold (every scheme) counts by its
    relative error: on Well #1 the first block -- shallow rocks no other block has, an
    extrapolation for every member with RMSE ~70 against ~12 elsewhere -- would otherwise
    set the weights alone (pooled MSE: 0.8 on the linear member; measured on Well #1, the
    geometric mean lowers the error of every other fold).
    """
    from scipy.optimize import minimize

    m = len(kinds)
    weights = np.zeros((m, 2))
    for t in range(2):
        groups = []
        for scheme in cv:
            P = np.stack([cv[scheme]["pred"][k][:, t] for k in kinds], axis=1)
            for a, b in cv[scheme]["folds"]:
                sl = slice(a, b)
                ok = np.isfinite(y[sl, t]) & np.isfinite(P[sl]).all(axis=1)
                if ok.sum() > MIN_FOLD_ROWS:
                    groups.append((P[sl][ok], y[sl, t][ok]))
        if not groups:            # no fold can judge this target: equal weights
            weights[:, t] = 1.0 / m
            continue

        def objective(wv):
            return np.mean([np.log(np.sqrt(np.mean((Pg @ wv - yg) ** 2))) for Pg, yg in groups])

        res = minimize(objective, np.full(m, 1.0 / m), method="SLSQP",
                       bounds=[(0.0, 1.0)] * m,
                       constraints=[{"type": "eq", "fun": lambda wv: wv.sum() - 1.0}],
                       options={"maxiter": 200, "ftol": 1e-9})
        wv = np.clip(res.x, 0, None)
        weights[:, t] = wv / wv.sum()
    return np.round(weights, 4)
