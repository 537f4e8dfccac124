"""The well bound: the logs-only P10-P90 widened until no held-out well is confidently wrong.

The band calibration (intervals.fit_band) is fitted on every held-out residual pooled, so the
wells that need no widening let one unlike well stay confidently wrong: north-sea, 16_2-16 left
out, 6.7 % of its DTS samples beyond 3 sigma of the band with no QC flag (issue 18 allows 5 %).
Here each well of the leave-one-well-out scheme is banded by a calibration fitted without it
(the evidence of a further unseen well), and the band is widened around the prediction by the
smallest factor k >= 1 per target that keeps every such well at or under MAX_EXCEED beyond
3 sigma. The shipped calibration gets q10 and q90 times k ("well_bound" in the card); k = 1
where every well is already honest (contest's three wells).

DTC's factor also widens the DTS band through error propagation (intervals.fit_band,
``propagate``); the DTS factor is found without that, so the DTS band errs on the wide side.
The figures reported for the card (logs_nested.py) refit the bound without the fold scored.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sonic_model.core.curves import TARGETS
from sonic_model.model.intervals import band, exceed_share

MAX_EXCEED = 0.05        # the bound on the share beyond 3 sigma of any held-out well
MIN_WELL_ROWS = 200      # a well with fewer scored samples does not set the factor
MAX_FACTOR = 4.0


def lowo_groups(cv: dict, n: int) -> np.ndarray | None:
    """Well index per row of the leave-one-well-out scheme (-1 outside its folds), or None
    when the model has fewer than two wells to leave out."""
    folds = (cv.get("lowo") or {}).get("folds") or []
    if len(folds) < 2:
        return None
    groups = np.full(n, -1)
    for i, (a, b) in enumerate(folds):
        groups[a:b] = i
    return groups


def _held_out_bands(parts: dict, groups: np.ndarray, wells, calibrate_without):
    """P10, P90 of the leave-one-well-out rows, each well banded without its own rows."""
    mean, spread, novelty, gap = parts["lowo"]
    lo, hi = np.full_like(mean, np.nan), np.full_like(mean, np.nan)
    for g in wells:
        rows = groups == g
        cal = calibrate_without(rows)
        if cal is None:
            continue
        lo[rows], hi[rows] = band(mean[rows], spread[rows], novelty[rows], cal, gap[rows])
    return lo, hi


def smallest_factor(y_t, mean_t, lo_t, hi_t, groups, wells) -> float:
    """Smallest k in [1, MAX_FACTOR] with every well's share beyond 3 sigma of the band
    mean + k (band - mean) at or under MAX_EXCEED (bisection; the share falls as k grows)."""
    masks = [groups == g for g in wells]
    masks = [m for m in masks if (m & np.isfinite(y_t) & np.isfinite(lo_t)).sum() >= MIN_WELL_ROWS]

    def worst(k):
        lo, hi = mean_t + k * (lo_t - mean_t), mean_t + k * (hi_t - mean_t)
        return max((exceed_share(y_t[m], mean_t[m], lo[m], hi[m]) for m in masks), default=0.0)

    if worst(1.0) <= MAX_EXCEED:
        return 1.0
    k_lo, k_hi = 1.0, MAX_FACTOR
    for _ in range(14):
        mid = 0.5 * (k_lo + k_hi)
        k_lo, k_hi = (mid, k_hi) if worst(mid) > MAX_EXCEED else (k_lo, mid)
    return float(k_hi)


def bound(cal: dict, y, parts: dict, groups: np.ndarray | None,
          calibrate_without: Callable[[np.ndarray], dict | None],
          keep: np.ndarray | None = None) -> dict:
    """``cal`` with q10/q90 times each target's factor (module docstring), "well_bound" = k.

    parts: {scheme: (mean, spread, novelty, gap)} of held-out predictions (needs "lowo");
    calibrate_without(mask) -> the calibration fitted without the rows in ``mask`` (None when
    too few rows are left); keep: only the wells with rows here count (nested figures)."""
    if groups is None or "lowo" not in parts:
        return cal
    live = groups >= 0 if keep is None else (groups >= 0) & keep
    wells = np.unique(groups[live])
    if len(wells) < 2:
        return cal
    lo, hi = _held_out_bands(parts, groups, wells, calibrate_without)
    mean = parts["lowo"][0]
    out = {name: dict(c) for name, c in cal.items()}
    for t, name in enumerate(TARGETS):
        k = smallest_factor(y[:, t], mean[:, t], lo[:, t], hi[:, t], np.where(live, groups, -1),
                            wells)
        out[name].update(q10=cal[name]["q10"] * k, q90=cal[name]["q90"] * k, well_bound=k)
    return out
