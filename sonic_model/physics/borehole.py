"""The borehole: the bit size (logged, or estimated from the caliper), and when the hole is
washed out.

A washout (caliper well above the bit size) makes density and neutron read the mud; the same
rule flags the model's inputs (model.ensemble QC) and a measured sonic (physics.measured).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.core.curves import AUXILIARY

# Caliper enters the models only as excess over the bit size (a washout measure): raw hole
# size says which well a sample came from, not what the rock is, and it sent the linear
# member astray on Well #1's 6-inch hole. The bit size is estimated as a low rolling
# percentile of the caliper (a washout only ever enlarges the hole). The models were trained
# on that estimate, so their CAL_X feature keeps it even where the file logs the bit size.
BIT_WINDOW_FT = 400.0
BIT_QUANTILE = 0.10
# Caliper this far above the bit size marks a washout: density and neutron may read the mud.
WASHOUT_IN = 1.5


def bit_size_proxy(cal: pd.Series, step_ft: float) -> np.ndarray:
    """Rolling low percentile of the caliper over BIT_WINDOW_FT (nulls ignored)."""
    window = max(3, int(round(BIT_WINDOW_FT / step_ft)))
    return cal.rolling(window, center=True, min_periods=1).quantile(BIT_QUANTILE).to_numpy()


def logged_bit_size(frame: pd.DataFrame) -> np.ndarray | None:
    """The file's bit size (the auxiliary curve "BS", inches; io reads it), impossible values
    null, or None when the file logs none."""
    if "BS" not in frame.columns:
        return None
    bs = pd.to_numeric(frame["BS"], errors="coerce").to_numpy(dtype=float, copy=True)
    lo, hi = AUXILIARY["BS"].valid
    bs[~((bs >= lo) & (bs <= hi))] = np.nan
    return bs


def washout_excess(cal: pd.Series, over_proxy: np.ndarray, bit_size=None) -> np.ndarray:
    """Caliper minus the bit size, in inches, for QC to compare with WASHOUT_IN: minus the
    logged bit size where it has a value, else ``over_proxy`` (cal - bit_size_proxy).

    Why the logged one wins: the proxy is a low percentile over 400 ft, so for 200 ft after
    every bit-size change it still holds the smaller bit and calls gauge hole a washout.
    """
    over_proxy = np.asarray(over_proxy, dtype=float)
    if bit_size is None:
        return over_proxy
    bs = np.asarray(bit_size, dtype=float)
    return np.where(np.isfinite(bs), cal.to_numpy(dtype=float) - bs, over_proxy)
