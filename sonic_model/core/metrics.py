"""Scores of predicted against measured sonic: RMSE, MAE, R² per curve and the contest RMSE.

Pure numpy, no pandas objects required: the app, the training code and the benchmarks all
score with these, so a number shown on a page is the number ``train`` wrote in the model card.
Samples where either side is missing (NaN, or a null sentinel already turned into NaN) are left
out; the count that was scored comes back with every figure so a page can say "over n samples".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from sonic_model.core.curves import TARGETS

__all__ = ["curve_metrics", "contest_rmse", "sonic_metrics"]



def _as_float(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1)


def _paired(measured: Any, predicted: Any) -> tuple[np.ndarray, np.ndarray]:
    m, p = _as_float(measured), _as_float(predicted)
    if m.shape != p.shape:
        raise ValueError(f"measured has {m.size} values and predicted {p.size}; "
                         "score curves of the same length (one value per sample)")
    ok = np.isfinite(m) & np.isfinite(p)
    return m[ok], p[ok]


def curve_metrics(measured: Any, predicted: Any) -> dict[str, float | int]:
    """RMSE, MAE and R² of one curve over the samples where both values are finite.

    Returns ``{"n", "rmse", "mae", "r2"}``; figures are NaN when nothing can be scored
    (and R² also when the measured curve is constant, where it is undefined).
    """
    m, p = _paired(measured, predicted)
    n = int(m.size)
    if n == 0:
        return {"n": 0, "rmse": math.nan, "mae": math.nan, "r2": math.nan}
    err = p - m
    ss_res = float(np.dot(err, err))
    centred = m - m.mean()
    ss_tot = float(np.dot(centred, centred))
    r2 = 1.0 - ss_res / ss_tot if n > 1 and ss_tot > 0 else math.nan
    return {"n": n, "rmse": math.sqrt(ss_res / n), "mae": float(np.abs(err).mean()), "r2": r2}


def contest_rmse(measured_dtc: Any, predicted_dtc: Any,
                 measured_dts: Any, predicted_dts: Any) -> tuple[float, int]:
    """The PDDA 2020 score sqrt((ΣdDTC² + ΣdDTS²) / 2n) and n.

    Only rows where all four values exist count, as in the contest (every Well #2 row had both
    curves), so the two curves weigh the same. Returns ``(nan, 0)`` if no row qualifies.
    """
    arrays = [_as_float(a) for a in (measured_dtc, predicted_dtc, measured_dts, predicted_dts)]
    if len({a.size for a in arrays}) != 1:
        raise ValueError("contest_rmse needs four curves of the same length "
                         f"(got {', '.join(str(a.size) for a in arrays)} values)")
    ok = np.logical_and.reduce([np.isfinite(a) for a in arrays])
    n = int(ok.sum())
    if n == 0:
        return math.nan, 0
    d_dtc = arrays[1][ok] - arrays[0][ok]
    d_dts = arrays[3][ok] - arrays[2][ok]
    return math.sqrt((float(np.dot(d_dtc, d_dtc)) + float(np.dot(d_dts, d_dts))) / (2 * n)), n


def sonic_metrics(measured: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, dict]:
    """Scores of a prediction against whatever measured sonic a well has.

    ``measured`` maps "DTC"/"DTS" to measured curves (a canonical frame works), ``result``
    maps "DTC_PRED"/"DTS_PRED" to predictions (the ensemble's result frame works). Returns
    ``{"DTC": curve_metrics, "DTS": curve_metrics, "contest": {"rmse", "n"}}`` holding only
    what can be computed: a curve the well lacks, or has only nulls for, is absent, and
    "contest" needs rows with both curves measured.
    """
    out: dict[str, dict] = {}
    for curve in TARGETS:
        if curve in measured and f"{curve}_PRED" in result:
            scores = curve_metrics(measured[curve], result[f"{curve}_PRED"])
            if scores["n"]:
                out[curve] = scores
    if all(c in out for c in TARGETS):
        rmse, n = contest_rmse(measured["DTC"], result["DTC_PRED"],
                               measured["DTS"], result["DTS_PRED"])
        if n:
            out["contest"] = {"rmse": rmse, "n": n}
    return out
