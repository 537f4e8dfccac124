"""Cleaning and depth-context features, computed only within contiguous runs of valid samples.

The contest winners' main gain was depth context (rolling statistics and gradients); we keep
it, but a window never reaches across a gap (a null run or a jump in depth), because a
neighbour on the far side of a gap is another interval, or another well joined to this one.
Windows are defined in feet and converted to samples with the well's own sampling step, so a
well logged every half foot sees the same physical context as the contest's rows, which are
0.1 m (0.328 ft) apart (matched sample by sample against public Volve logs; there is no depth
column, so depth-less input is taken to be in that layout).
There is no absolute-depth feature: the contest data has none and it would not transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES, INPUTS, NULL_SENTINELS, REQUIRED
from sonic_model.io.depth import sampling_step_ft
from sonic_model.physics.borehole import bit_size_proxy, logged_bit_size, washout_excess

# Resistivity spikes reach 60,000 ohm.m in Well #1; work in log10 and cap at physical extremes.
LOG_RES_LIMITS = (-1.5, 4.0)
# Context windows (feet). Means at three scales, spread and gradient at the middle scale.
MEAN_WINDOWS_FT = (2.5, 10.0, 40.0)
STD_WINDOW_FT = 10.0
ANOMALY_WINDOW_FT = 40.0
GRADIENT_HALF_FT = 2.0
# PE's context is computed for studies.run_studies, which re-measures on every training run
# whether PE helps; no shipped model reads it (see CURVE_SETS).
CONTEXT_CURVES = ("CNC", "GR", "LRD", "ZDEN", "PE", "LRM")
# A depth jump larger than this many sampling steps breaks a run, like a null does.
GAP_FACTOR = 1.5

# Curve sets a model is trained for: "all" adds caliper (as washout excess) and medium
# resistivity; rows missing CAL or HRM fall back to "core", the four curves SonicPredict's API
# took. PE is read, cleaned and QC'd but is not a model input: in Well #1 it is dead in the
# third well, so its presence tells the models which well they are in, and leave-one-well-out
# validation got much worse with it (studies.run_studies measures this on every training run).
CURVE_SETS: dict[str, tuple[str, ...]] = {
    "all": ("CAL", "CNC", "GR", "HRD", "HRM", "ZDEN"),
    "core": REQUIRED,
}
PE_COLUMNS = ("PE", "PE_MISSING", "PE_M2.5", "PE_M10", "PE_S10", "PE_M40", "PE_G", "PE_A40")


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical inputs as float, nulls and physically impossible values -> NaN.

    Missing optional columns are added as all-NaN so later steps see one shape.
    """
    out = pd.DataFrame(index=frame.index)
    for name in INPUTS:
        if name in frame.columns:
            values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, copy=True)
        else:
            values = np.full(len(frame), np.nan)
        values[np.isin(values, NULL_SENTINELS) | ~np.isfinite(values)] = np.nan
        lo, hi = CURVES[name].valid
        values[(values < lo) | (values > hi)] = np.nan
        out[name] = values
    return out


def run_ids(valid: np.ndarray, depth_ft: np.ndarray | None, step_ft: float) -> np.ndarray:
    """Label contiguous runs of valid samples; -1 for invalid samples.

    A run breaks at an invalid sample and, when depth is known, where consecutive samples
    are further apart than GAP_FACTOR sampling steps.
    """
    n = len(valid)
    breaks = np.zeros(n, dtype=bool)
    if n:
        breaks[0] = True
        breaks[1:] = valid[1:] & ~valid[:-1]
        if depth_ft is not None and n > 1:
            # NaN depth (a row the file could not place) is its own run: ~(d <= x) is True for NaN.
            jump = ~(np.abs(np.diff(depth_ft)) <= GAP_FACTOR * step_ft)
            breaks[1:] |= jump & valid[1:]
    ids = np.cumsum(breaks) - 1
    return np.where(valid, ids, -1)


def _run_bounds(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the index of the first and one-past-last sample of its run."""
    n = len(ids)
    idx = np.arange(n)
    new = np.ones(n, dtype=bool)
    new[1:] = ids[1:] != ids[:-1]
    start = np.maximum.accumulate(np.where(new, idx, 0))
    end_marker = np.ones(n, dtype=bool)
    end_marker[:-1] = ids[:-1] != ids[1:]
    end = np.minimum.accumulate(np.where(end_marker, idx + 1, n)[::-1])[::-1]
    return start, end


def rolling_in_runs(x: np.ndarray, ids: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred rolling mean and std over +-half samples, truncated at run edges (O(n))."""
    n = len(x)
    valid = ids >= 0
    xv = np.where(valid, x, 0.0)
    c1 = np.concatenate(([0.0], np.cumsum(xv)))
    c2 = np.concatenate(([0.0], np.cumsum(xv * xv)))
    start, end = _run_bounds(ids)
    idx = np.arange(n)
    lo = np.maximum(idx - half, start)
    hi = np.minimum(idx + half + 1, end)
    count = np.maximum(hi - lo, 1)
    mean = (c1[hi] - c1[lo]) / count
    var = np.maximum((c2[hi] - c2[lo]) / count - mean * mean, 0.0)
    mean[~valid] = np.nan
    std = np.sqrt(var)
    std[~valid] = np.nan
    return mean, std


def gradient_in_runs(x: np.ndarray, ids: np.ndarray, half: int) -> np.ndarray:
    """Centred difference per sample over +-half samples, one-sided at run edges."""
    n = len(x)
    start, end = _run_bounds(ids)
    idx = np.arange(n)
    lo = np.maximum(idx - half, start)
    hi = np.minimum(idx + half, end - 1)
    hi = np.maximum(hi, lo)
    span = np.maximum(hi - lo, 1)
    xs = np.where(ids >= 0, x, np.nan)
    grad = (xs[hi] - xs[lo]) / span
    grad[ids < 0] = np.nan
    return grad


@dataclass
class FeatureFrame:
    """Features for one well (feature_columns(set) picks a model's inputs) plus what QC needs."""
    clean: pd.DataFrame            # cleaned canonical inputs (NaN where null/impossible)
    base: pd.DataFrame             # per-sample working curves (LRD, LRM, PE filled, flags);
                                   # its CAL_X is QC's washout measure, not the feature
    features: pd.DataFrame         # every feature column (NaN where undefined)
    step_ft: float
    pe_fill: float = 5.0           # what stood in for missing PE (reuse needs the same)


def build_features(frame: pd.DataFrame, depth_ft: np.ndarray | None = None,
                   pe_fill: float = 5.0) -> FeatureFrame:
    """Cleaned curves -> feature table. `pe_fill` stands in for missing PE (flagged)."""
    cleaned = clean(frame)
    step = sampling_step_ft(depth_ft)
    depth = None if depth_ft is None else np.asarray(depth_ft, dtype=float)
    base = pd.DataFrame(index=cleaned.index)
    # base CAL_X is the washout measure QC reads: over the logged bit size where the file has
    # one. The model's CAL_X feature (below) stays over the proxy, as the models were trained.
    cal_over_proxy = (cleaned["CAL"] - bit_size_proxy(cleaned["CAL"], step)).to_numpy()
    base["CAL_X"] = washout_excess(cleaned["CAL"], cal_over_proxy, logged_bit_size(frame))
    base["CNC"] = cleaned["CNC"]
    base["GR"] = cleaned["GR"]
    base["LRD"] = np.clip(np.log10(cleaned["HRD"]), *LOG_RES_LIMITS)
    base["LRM"] = np.clip(np.log10(cleaned["HRM"]), *LOG_RES_LIMITS)
    base["ZDEN"] = cleaned["ZDEN"]
    pe_missing = cleaned["PE"].isna().to_numpy()
    base["PE"] = np.where(pe_missing, pe_fill, cleaned["PE"])
    base["PE_MISSING"] = pe_missing.astype(float)

    feats: dict[str, np.ndarray] = {}
    feats["CAL_X"] = cal_over_proxy
    for name in ("CNC", "GR", "LRD", "LRM", "ZDEN", "PE", "PE_MISSING"):
        feats[name] = base[name].to_numpy(dtype=float)
    # Neutron-density separation (limestone density porosity) and invasion profile.
    feats["ND_SEP"] = feats["CNC"] - (2.71 - feats["ZDEN"]) / 1.71
    feats["LRD_LRM"] = feats["LRD"] - feats["LRM"]

    for name in CONTEXT_CURVES:
        x = feats[name]
        if name == "PE":
            # Context of PE only where PE is real; imputed PE has no shape to describe.
            valid = ~pe_missing & np.isfinite(x)
        else:
            valid = np.isfinite(x)
        ids = run_ids(valid, depth, step)
        for w in MEAN_WINDOWS_FT:
            half = max(1, int(round(w / 2 / step)))
            mean, std = rolling_in_runs(x, ids, half)
            feats[f"{name}_M{w:g}"] = mean
            if w == STD_WINDOW_FT:
                feats[f"{name}_S{w:g}"] = std
        # Local anomaly: the sample against its 40-ft surroundings (a bed against its
        # background). Trees can find it themselves; the linear member cannot (validated:
        # PCR held-out RMSE 13.5 -> 12.2 us/ft on Well #1's folds other than the first).
        feats[f"{name}_A{ANOMALY_WINDOW_FT:g}"] = x - feats[f"{name}_M{ANOMALY_WINDOW_FT:g}"]
        half = max(1, int(round(GRADIENT_HALF_FT / step)))
        feats[f"{name}_G"] = gradient_in_runs(x, ids, half) / step
        if name == "PE":
            for key in [k for k in feats if k.startswith("PE_") and k not in ("PE_MISSING",)]:
                feats[key] = np.where(pe_missing, 0.0 if key.endswith(("_S10", "_G", "_A40"))
                                      else pe_fill, feats[key])
    features = pd.DataFrame(feats, index=cleaned.index)
    return FeatureFrame(clean=cleaned, base=base, features=features, step_ft=step,
                        pe_fill=pe_fill)


def feature_columns(curve_set: str) -> list[str]:
    """Feature names a model of this curve set uses (order fixed: it is the model's input)."""
    curves = {"core": ("CNC", "GR", "LRD", "ZDEN"),
              "all": ("CAL_X", "CNC", "GR", "LRD", "LRM", "ZDEN")}[curve_set]
    cols = list(curves)
    if curve_set == "all":
        cols += ["LRD_LRM"]
    cols.append("ND_SEP")
    for name in CONTEXT_CURVES:
        if name not in curves:
            continue
        cols += [f"{name}_M{w:g}" for w in MEAN_WINDOWS_FT]
        cols += [f"{name}_S{STD_WINDOW_FT:g}", f"{name}_G", f"{name}_A{ANOMALY_WINDOW_FT:g}"]
    return cols


def row_curve_set(cleaned: pd.DataFrame) -> np.ndarray:
    """Which curve set predicts each row: "all", "core", or "" (a required input is missing)."""
    req = cleaned[list(REQUIRED)].notna().all(axis=1).to_numpy()
    extra = cleaned[["CAL", "HRM"]].notna().all(axis=1).to_numpy()
    return np.where(req & extra, "all", np.where(req, "core", ""))
