"""The borehole: the bit size estimated from the caliper, and when the hole is washed out.

A washout (caliper well above the bit size) makes density and neutron read the mud; the same
rule flags the model's inputs (model.ensemble QC) and a measured sonic (physics.measured).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Caliper enters the models only as excess over the bit size (a washout measure): raw hole
# size says which well a sample came from, not what the rock is, and it sent the linear
# member astray on Well #1's 6-inch hole. The bit size is estimated as a low rolling
# percentile of the caliper (a washout only ever enlarges the hole).
BIT_WINDOW_FT = 400.0
BIT_QUANTILE = 0.10
# Caliper this far above the bit-size proxy marks a washout: density and neutron may read the mud.
WASHOUT_IN = 1.5


def bit_size_proxy(cal: pd.Series, step_ft: float) -> np.ndarray:
    """Rolling low percentile of the caliper over BIT_WINDOW_FT (nulls ignored)."""
    window = max(3, int(round(BIT_WINDOW_FT / step_ft)))
    return cal.rolling(window, center=True, min_periods=1).quantile(BIT_QUANTILE).to_numpy()
