"""Shear fusion: where a valid measured DTC exists, the DTC-conditioned DTS and the logs-only DTS
combined by their predicted uncertainty, with a band that also holds their disagreement.

    dts, lo, hi = fuse(cond, cond_lo, cond_hi, logs, logs_lo, logs_hi)

Each route's P10-P90 band is read as a normal spread (sigma = width / 2.563); the fused value
weighs each route by its inverse variance, and the fused variance is that of the two-route
mixture: the inverse-variance term plus w(1 - w)(cond - logs)^2, so where the routes disagree
the band widens instead of claiming the certainty of both. Where one route is missing the other
stands alone. No parameter is fitted here: training only decides, on held-out predictions,
whether the model ships with fusion on (conditioned_validate.fusion_choice; the card says so).
"""

from __future__ import annotations

import numpy as np

Z90 = 1.2815515655446004      # P10-P90 half-width in sigmas of a normal distribution
MIN_SIGMA = 0.5               # us/ft: a zero-width band must not take all the weight


def sigma(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.maximum((np.asarray(hi, float) - np.asarray(lo, float)) / (2 * Z90), MIN_SIGMA)


def fuse(cond, cond_lo, cond_hi, logs, logs_lo, logs_hi):
    """(DTS, P10, P90, weight of the conditioned route) per row (module docstring)."""
    cond, logs = np.asarray(cond, float), np.asarray(logs, float)
    sc, sl = sigma(cond_lo, cond_hi), sigma(logs_lo, logs_hi)
    both = np.isfinite(cond) & np.isfinite(logs) & np.isfinite(sc) & np.isfinite(sl)
    w = np.where(both, sl ** 2 / np.where(both, sc ** 2 + sl ** 2, 1.0), np.isfinite(cond) * 1.0)
    c0, l0 = np.where(np.isfinite(cond), cond, 0.0), np.where(np.isfinite(logs), logs, 0.0)
    mean = w * c0 + (1 - w) * l0
    var = np.where(both, sc ** 2 * sl ** 2 / np.where(both, sc ** 2 + sl ** 2, 1.0)
                   + w * (1 - w) * (c0 - l0) ** 2, np.nan)
    lo = np.where(both, mean - Z90 * np.sqrt(var), np.where(w > 0, cond_lo, logs_lo))
    hi = np.where(both, mean + Z90 * np.sqrt(var), np.where(w > 0, cond_hi, logs_hi))
    none = ~np.isfinite(cond) & ~np.isfinite(logs)
    mean = np.where(none, np.nan, mean)
    return mean, lo, hi, w
