"""Unit inference: the canonical unit stands while the values are possible in it."""

from __future__ import annotations

import numpy as np
import pytest

from sonic_model.core import units


@pytest.mark.parametrize("canonical,values,unit,expected", [
    ("CNC", [0.95], None, [0.95]),            # one unusual v/v sample is not a percent
    ("CNC", [-0.06], None, [-0.06]),
    ("CNC", [25.0, 30.0], None, [0.25, 0.30]),  # clearly percent
    ("CNC", [35.0], "v/v", [0.35]),          # the values overrule a wrong unit
    ("ZDEN", [2400.0, 2500.0], None, [2.4, 2.5]),
    ("DTC", [300.0, 350.0], None, [91.44, 106.68]),  # impossible in us/ft: us/m
    ("CAL", [216.0], None, [216 / 25.4]),
], ids=["cnc-single-high", "cnc-negative", "cnc-percent", "cnc-wrong-unit", "zden-kgm3",
        "dtc-us-per-m", "cal-mm"])
def test_units_are_inferred_only_when_the_values_demand_it(canonical, values, unit, expected):
    out = units.to_canonical(canonical, np.array(values), unit, "X")
    np.testing.assert_allclose(out.values, expected, rtol=1e-9)
