"""Is a measured sonic sample trustworthy? Missing, out of range, cycle skip, washout -> reason.

A measured DTC conditions the shear prediction, the splice and the elastic logs only where it
passes these checks; elsewhere the logs-only prediction stands in, sample by sample.

- out of range: outside the curve table's physically possible range (curves.CURVES);
- cycle skip: the sonic's travel-time picker jumping a cycle makes the slowness read too slow
  for a sample or a few, so a skip is a sample above the rolling median of its neighbours by
  more than CYCLE_SKIP_US_FT or CYCLE_SKIP_FRACTION (whichever is larger). Only upward spikes:
  a thin fast bed (a calcite stringer) is a real downward spike and is kept;
- washout: the caliper above the bit-size proxy by more than borehole.WASHOUT_IN, the same rule
  QC applies to the density and neutron inputs. A *soft* reason (SOFT_REASONS): the sample
  still conditions the shear and stays in the splice, flagged, because the sonic reads deeper
  than density and neutron and, measured on the FORCE wells with shear (leave one well out,
  830 washout samples), DTS conditioned on it there had RMSE 20.7 us/ft against 46.4 for the
  logs-only fallback. Washout samples are left out of fitting the conditioned members;
- inconsistent with the other logs (inconsistent_with_logs, judged once the logs-only
  prediction exists): further outside the logs-only DTC's P10-P90 band than the band is wide.
  A real fast or slow bed moves the density and neutron too, so the logs-only prediction
  follows it; a reading that no other log supports (FORCE 34_10-19 at 658.5 m: 62 us/ft in a
  shale of density 2.15 whose logs say 116-153) is a tool glitch, and DTS conditioned on it was
  a Vp/Vs of 1.05 against the predicted DTC. On the four FORCE wells with DTS no sample is that
  far out (at 2.5-3.8 band sigmas the conditioned DTS was still far better than the logs-only
  one, so the rule stops at the band's width); on the ten FORCE wells (north-sea model) it
  takes out 16 samples, 0-6 per well.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES
from sonic_model.io.depth import sampling_step_ft
from sonic_model.physics.borehole import WASHOUT_IN, bit_size_proxy

# Rolling-median window for spike detection, in feet (about 11 half-foot samples): long enough
# that a 1-2 sample skip cannot move the median, short enough to follow real beds.
CYCLE_SKIP_WINDOW_FT = 5.0
# On the ten FORCE 2020 wells (edited logs) |DTC - median| exceeds 8-20 us/ft at the 99th
# percentile; an upward jump of 10 us/ft and 10 % is rare there (0.1-1 % of samples) and is
# what a skipped cycle looks like in raw logs.
CYCLE_SKIP_US_FT = 10.0
CYCLE_SKIP_FRACTION = 0.10

REASON_MISSING = "missing"
REASON_RANGE = "out of range"
REASON_SKIP = "cycle skip"
REASON_WASHOUT = "washout"
REASON_INCONSISTENT = "inconsistent with the other logs"
# How far outside the logs-only P10-P90 band a measured DTC may lie, in band widths (the
# module docstring says why one).
INCONSISTENT_BAND_WIDTHS = 1.0
# Reasons that flag a measured sample without discarding it (see the module docstring).
SOFT_REASONS: frozenset[str] = frozenset({REASON_WASHOUT})


def _window(step_ft: float) -> int:
    n = max(3, int(round(CYCLE_SKIP_WINDOW_FT / step_ft)))
    return n if n % 2 else n + 1


def sonic_validity(values, curve: str = "DTC", cal=None,
                   depth_ft: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(valid, reason) per sample for a measured DTC or DTS in us/ft.

    `reason` is "" where valid, else the first failing check (missing, out of range, cycle
    skip, washout). `cal` (inches, NaN where absent) enables the washout check.
    """

    x = pd.to_numeric(pd.Series(np.asarray(values, dtype=float)), errors="coerce").to_numpy()
    n = len(x)
    reason = np.full(n, "", dtype=object)
    missing = ~np.isfinite(x)
    lo, hi = CURVES[curve].valid
    out_range = ~missing & ((x < lo) | (x > hi))
    reason[missing] = REASON_MISSING
    reason[out_range] = REASON_RANGE

    step = sampling_step_ft(depth_ft)
    usable = np.where(missing | out_range, np.nan, x)
    median = pd.Series(usable).rolling(_window(step), center=True, min_periods=3).median()
    median = median.to_numpy()
    excess = usable - median
    with np.errstate(invalid="ignore"):
        skip = np.isfinite(excess) & (excess > np.maximum(CYCLE_SKIP_US_FT,
                                                          CYCLE_SKIP_FRACTION * median))
    reason[skip & (reason == "")] = REASON_SKIP

    if cal is not None:
        cal_s = pd.Series(np.asarray(cal, dtype=float))
        with np.errstate(invalid="ignore"):
            washout = (cal_s - bit_size_proxy(cal_s, step)).to_numpy() > WASHOUT_IN
        reason[washout & (reason == "")] = REASON_WASHOUT
    return reason == "", reason


def inconsistent_with_logs(measured, p10, p90) -> np.ndarray:
    """Per sample: the measured sonic lies further outside the logs-only prediction's P10-P90
    band than INCONSISTENT_BAND_WIDTHS band widths (False where anything is missing)."""
    x, lo, hi = (np.asarray(a, dtype=float) for a in (measured, p10, p90))
    margin = INCONSISTENT_BAND_WIDTHS * (hi - lo)
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(margin) & ((x < lo - margin) | (x > hi + margin))
