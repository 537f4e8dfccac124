"""Realisations of predicted logs inside their P10-P90 bands, correlated along depth the way
held-out residuals are.

    z = correlated_normals(n_real, depth_m, length_m, cross, seed)      # (2, n_real, rows)
    dtc = draw(pred, p10, p90, z[0])                                       # (n_real, rows)

Independent draws sample by sample would cancel out in a synthetic (a wavelet averages ~100
samples), so the band would say nothing about a synthetic's uncertainty. Held-out residuals are
smooth along depth and DTC and DTS err together: each realisation is a stationary first-order
autoregressive Gaussian field (exponential correlation with the residuals' e-folding length),
its DTC and DTS fields correlated as their residuals are, mapped into each sample's band (the
half of the band on its side of the prediction, so a skewed band stays skewed).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

# Used when a model card carries no measured figures (fit_for_purpose.residuals): the values
# benchmarks/bench_synth.py measured on the bundled model's held-out residuals (README there).
# Measured 2026-12-03 over 20 held-out wells (Well #1's three, contest and north-sea LOWO; FORCE):
# median e-folding length 19.2 m, median DTC-DTS residual correlation 0.83.
DEFAULT_LENGTH_M = 19.2
DEFAULT_CROSS = 0.83
Z90 = 1.2815515655446004          # the standard normal's 90th percentile


def correlated_normals(n_real: int, depth_m: np.ndarray, length_m: float, cross: float,
                       seed: int | None) -> np.ndarray:
    """(2, n_real, rows) standard normals: along the rows exponentially correlated with
    e-folding length `length_m` (at the well's median step), the two fields correlated
    `cross` with each other."""
    rows = len(depth_m)
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((2, n_real, rows))
    step = float(np.nanmedian(np.abs(np.diff(depth_m)))) if rows > 1 else 1.0
    phi = float(np.exp(-step / max(length_m, 1e-9))) if np.isfinite(step) and step > 0 else 0.0
    scale = np.sqrt(1 - phi ** 2)
    if rows:
        eps[..., 0] /= max(scale, 1e-12)       # the first sample starts stationary
    z = lfilter([scale], [1.0, -phi], eps, axis=-1)
    z[1] = cross * z[0] + np.sqrt(1 - cross ** 2) * z[1]
    return z


def draw(pred: np.ndarray, p10: np.ndarray, p90: np.ndarray, z: np.ndarray) -> np.ndarray:
    """pred + z x (the band's upper or lower half-width / 1.2816): P10 and P90 of the draws
    are the band's. A sample without a band keeps its prediction in every realisation."""
    pred = np.asarray(pred, dtype=float)
    up = np.nan_to_num((np.asarray(p90, float) - pred) / Z90, nan=0.0).clip(min=0)
    down = np.nan_to_num((pred - np.asarray(p10, float)) / Z90, nan=0.0).clip(min=0)
    return pred + np.where(z > 0, z * up, z * down)


def correlation_length(residuals: np.ndarray, step_m: float, max_lag: int = 2000) -> float:
    """E-folding length (m) of the residuals' autocorrelation: the first lag where it falls
    below 1/e, over contiguous runs of finite values (NaN breaks a run)."""
    r = np.asarray(residuals, dtype=float)
    runs = np.split(r, np.flatnonzero(~np.isfinite(r)))
    runs = [x[np.isfinite(x)] for x in runs]
    runs = [x - x.mean() for x in runs if len(x) > 20]
    if not runs:
        return float("nan")
    var = sum(float((x * x).sum()) for x in runs)
    if var == 0:                # a perfect prediction: no residual to correlate
        return float("nan")
    for lag in range(1, max_lag):
        cov = sum(float((x[:-lag] * x[lag:]).sum()) for x in runs if len(x) > lag)
        if cov / var < np.exp(-1):
            return lag * step_m
    return max_lag * step_m
