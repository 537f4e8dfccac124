"""Realisations of predicted logs inside their P10-P90 bands, correlated along depth the way
held-out residuals are.

    z = correlated_normals(n_real, depth_m, length_m, cross, seed)      # (2, n_real, rows)
    dtc = draw(pred, p10, p90, z[0])                                       # (n_real, rows)

Independent draws sample by sample would cancel out in a synthetic (a wavelet averages ~100
samples), so the band would say nothing about a synthetic's uncertainty. Held-out residuals are
smooth along depth and DTC and DTS err together: each realisation is a stationary Gaussian
field, its DTC and DTS fields correlated as their residuals are, mapped into each sample's band
(the half of the band on its side of the prediction, so a skewed band stays skewed).

The field's correlation along depth is a sum of exponentials fitted to the residuals'
autocorrelation (``fit_components``): held-out residuals have a short part (thin beds the
prediction smooths over, log noise) and a long one (a bias that lasts through a formation),
with little in between. One exponential at the e-folding length put the whole variance at the
seismic wavelengths, where it moves a synthetic most: the measured-log synthetic then fell
inside the P10-P90 of the draws on 96-100 % of samples of Well #1's wells held out.
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
# The two-scale fit of the same 20 wells' residual autocorrelation (re-measured after the
# retrain of 2026-12-03): 40 % of the variance at 1.2 m, 60 % at 39.9 m.
DEFAULT_COMPONENTS = ((0.401, 1.2), (0.599, 39.9))
Z90 = 1.2815515655446004          # the standard normal's 90th percentile


def _ar1(eps: np.ndarray, step: float, length_m: float) -> np.ndarray:
    """Unit-variance first-order autoregressive field along the last axis (exponential
    correlation with e-folding length `length_m`)."""
    phi = float(np.exp(-step / max(length_m, 1e-9))) if np.isfinite(step) and step > 0 else 0.0
    scale = np.sqrt(1 - phi ** 2)
    if eps.shape[-1]:
        eps[..., 0] /= max(scale, 1e-12)       # the first sample starts stationary
    return lfilter([scale], [1.0, -phi], eps, axis=-1)


def correlated_normals(n_real: int, depth_m: np.ndarray, length_m: float, cross: float,
                       seed: int | None, components: list | None = None) -> np.ndarray:
    """(2, n_real, rows) standard normals: along the rows exponentially correlated with
    e-folding length `length_m` (at the well's median step), or with the correlation
    sum of w * exp(-h / length) over `components` [(w, length), ...] when given; the two
    fields correlated `cross` with each other."""
    rows = len(depth_m)
    rng = np.random.default_rng(seed)
    step = float(np.nanmedian(np.abs(np.diff(depth_m)))) if rows > 1 else 1.0
    parts = components or [(1.0, length_m)]
    total = sum(w for w, _ in parts)
    z = np.zeros((2, n_real, rows))
    for w, length in parts:
        z += np.sqrt(w / total) * _ar1(rng.standard_normal((2, n_real, rows)), step, length)
    z[1] = cross * z[0] + np.sqrt(1 - cross ** 2) * z[1]
    return z


def draw(pred: np.ndarray, p10: np.ndarray, p90: np.ndarray, z: np.ndarray) -> np.ndarray:
    """pred + z x (the band's upper or lower half-width / 1.2816): P10 and P90 of the draws
    are the band's. A sample without a band keeps its prediction in every realisation."""
    pred = np.asarray(pred, dtype=float)
    up = np.nan_to_num((np.asarray(p90, float) - pred) / Z90, nan=0.0).clip(min=0)
    down = np.nan_to_num((pred - np.asarray(p10, float)) / Z90, nan=0.0).clip(min=0)
    return pred + np.where(z > 0, z * up, z * down)


def _runs(residuals: np.ndarray) -> list[np.ndarray]:
    """Contiguous runs of finite values (NaN breaks a run), each with its mean removed."""
    r = np.asarray(residuals, dtype=float)
    runs = np.split(r, np.flatnonzero(~np.isfinite(r)))
    runs = [x[np.isfinite(x)] for x in runs]
    return [x - x.mean() for x in runs if len(x) > 20]


def autocorrelation(residuals: np.ndarray, step_m: float, lags_m) -> np.ndarray:
    """The residuals' autocorrelation at each lag (m), over contiguous runs; NaN where no run
    is long enough."""
    runs = _runs(residuals)
    var = sum(float((x * x).sum()) for x in runs)
    out = []
    for lag_m in lags_m:
        lag = max(1, int(round(lag_m / step_m)))
        pairs = [x for x in runs if len(x) > lag]
        out.append(sum(float((x[:-lag] * x[lag:]).sum()) for x in pairs) / var
                   if pairs and var > 0 else np.nan)
    return np.array(out)


# Lags (m) the two-scale fit reads the autocorrelation at: from sub-metre to about a seismic
# wavelength at 30 Hz.
FIT_LAGS_M = (0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 40.0, 60.0, 80.0)


def fit_components(lags_m, acf) -> list[list[float]]:
    """[[w, short length], [1 - w, long length]] (m): the sum of two exponentials closest (least
    squares) to an autocorrelation read at ``lags_m``; a grid search, each length on a
    logarithmic grid, w on [0, 1]."""
    lags_m, acf = np.asarray(lags_m, float), np.asarray(acf, float)
    ok = np.isfinite(acf)
    lags_m, acf = lags_m[ok], acf[ok]
    best, out = np.inf, [[1.0, 10.0]]
    for short in np.geomspace(0.2, 10.0, 25):
        for long in np.geomspace(10.0, 400.0, 25):
            a, b = np.exp(-lags_m / short), np.exp(-lags_m / long)
            # w minimising |w a + (1 - w) b - acf|^2, clipped to [0, 1]
            d = a - b
            w = float(np.clip(np.dot(acf - b, d) / max(np.dot(d, d), 1e-12), 0.0, 1.0))
            err = float(np.sum((w * a + (1 - w) * b - acf) ** 2))
            if err < best:
                best, out = err, [[round(w, 3), round(float(short), 2)],
                                  [round(1 - w, 3), round(float(long), 1)]]
    return out


def correlation_length(residuals: np.ndarray, step_m: float, max_lag: int = 2000) -> float:
    """E-folding length (m) of the residuals' autocorrelation: the first lag where it falls
    below 1/e, over contiguous runs of finite values (NaN breaks a run)."""
    runs = _runs(residuals)
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
