"""The logged bit size (BS, BIT, BITSIZE ...): read as an auxiliary curve, never a model input,
and the washout flag's reference where the file has it (CAL - BS > WASHOUT_IN).

Without it the flag compares the caliper with its own low percentile over 400 ft, which calls
gauge hole a washout for 160 ft above every change to a smaller bit (16_2-16: 371 samples of
gauge 12.25-in hole flagged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.core import curves
from sonic_model.io import read_well
from sonic_model.model import features as F
from sonic_model.physics.borehole import WASHOUT_IN
from wellfiles import CANONICAL_UNITS, vendor_las

N = 1600                     # 800 ft at 0.5 ft
CHANGE = 800                 # first row of the 8.5-in hole (400 ft down)
WASHED = slice(1200, 1240)   # a real washout in the 8.5-in hole: 20 ft at 11 in
SPEC = {c: (c, u) for c, u in CANONICAL_UNITS.items() if c not in ("DTC", "DTS")}


def two_bit_well() -> pd.DataFrame:
    """12.25-in hole over 8.5-in hole, the caliper in gauge (bit + 0.2 in) except WASHED."""
    rng = np.random.default_rng(3)
    z = np.arange(N)
    shale = np.clip(0.5 + 0.4 * np.sin(z / 23.0) + 0.05 * rng.standard_normal(N), 0, 1)
    bs = np.where(z < CHANGE, 12.25, 8.5)
    cal = bs + 0.2 + 0.05 * rng.standard_normal(N)
    cal[WASHED] = 11.0
    return pd.DataFrame({
        "DEPTH": 5000.0 + 0.5 * z, "CAL": cal,
        "CNC": 0.08 + 0.25 * shale, "GR": 20.0 + 110.0 * shale,
        "HRD": np.exp(2.5 - 2.0 * shale), "HRM": np.exp(2.3 - 1.9 * shale),
        "PE": 4.5 - 1.5 * shale, "ZDEN": 2.6 - 0.2 * shale, "BS": bs,
    }).round(4)


def las_bytes(frame: pd.DataFrame, bs: tuple[str, str] | None = ("BS", "in")) -> bytes:
    """The well as LAS 2.0 (lasio); ``bs`` = (mnemonic, unit) of the bit size, None: left out."""
    extra = None
    if bs is not None:
        factor = 25.4 if bs[1] == "mm" else 1.0
        extra = {bs[0]: (frame["BS"].to_numpy() * factor, bs[1])}
    return vendor_las(frame.drop(columns="BS"), SPEC, extra=extra).encode()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return two_bit_well()


@pytest.mark.parametrize("mnemonic,unit", [("BS", "in"), ("BIT", "in"), ("BITSIZE", "mm"),
                                           ("bit_size", "")])
def test_bit_size_is_read_as_an_auxiliary_curve_in_inches(frame, mnemonic, unit):
    well = read_well(las_bytes(frame, (mnemonic, unit)), name="w.las")
    np.testing.assert_allclose(well.curves["BS"], frame["BS"], atol=1e-4)
    assert "BS" not in curves.INPUTS and "BS" not in well.report.used
    assert "BS" not in well.report.missing
    reason = {i["mnemonic"].upper(): i["reason"] for i in well.report.ignored}[mnemonic.upper()]
    assert "washout" in reason and "not a model input" in reason


def test_a_null_or_impossible_bit_size_is_not_read(frame):
    no_values = frame.assign(BS=-999.25)
    well = read_well(las_bytes(no_values), name="w.las")
    assert "BS" not in well.curves.columns
    zeros = frame.assign(BS=np.where(np.arange(N) < 10, 0.0, frame["BS"]))
    well = read_well(las_bytes(zeros), name="w.las")
    assert well.curves["BS"].isna().sum() == 10


def test_the_model_features_do_not_depend_on_the_bit_size(frame):
    with_bs = read_well(las_bytes(frame), name="w.las")
    without = read_well(las_bytes(frame, None), name="w.las")
    assert "BS" not in without.curves.columns
    a = F.build_features(with_bs.curves, with_bs.depth_ft())
    b = F.build_features(without.curves, without.depth_ft())
    pd.testing.assert_frame_equal(a.features, b.features)
    pd.testing.assert_frame_equal(a.clean, b.clean)


def test_washout_is_caliper_over_the_logged_bit_size(frame):
    well = read_well(las_bytes(frame), name="w.las")
    excess = F.build_features(well.curves, well.depth_ft()).base["CAL_X"].to_numpy()
    np.testing.assert_allclose(excess, frame["CAL"] - frame["BS"], atol=1e-6)


def test_rows_without_a_bit_size_fall_back_to_the_caliper_proxy(frame):
    gappy = frame.assign(BS=np.where(np.arange(N) < 100, np.nan, frame["BS"]))
    well = read_well(las_bytes(gappy), name="w.las")
    ff = F.build_features(well.curves, well.depth_ft())
    excess = ff.base["CAL_X"].to_numpy()
    np.testing.assert_allclose(excess[:100], ff.features["CAL_X"].to_numpy()[:100])
    np.testing.assert_allclose(excess[100:], (frame["CAL"] - frame["BS"])[100:], atol=1e-6)


def _washout_rows(well, model_dir) -> np.ndarray:
    from sonic_model.model.ensemble import load_ensemble, predict

    result = predict(well.curves, load_ensemble("full"), depth_ft=well.depth_ft())
    assert len(result) == len(well.curves)
    return result["QC"].str.contains("washout", regex=False).to_numpy()


def test_gauge_hole_above_a_bit_change_is_not_flagged_a_washout(frame, model_dir):
    washout = _washout_rows(read_well(las_bytes(frame), name="w.las"), model_dir)
    expected = np.zeros(N, dtype=bool)
    expected[WASHED] = True
    assert (frame["CAL"] - frame["BS"])[WASHED].min() > WASHOUT_IN
    np.testing.assert_array_equal(washout, expected)


def test_without_a_bit_size_the_rolling_rule_stays(frame, model_dir):
    washout = _washout_rows(read_well(las_bytes(frame, None), name="w.las"), model_dir)
    # The caliper's 10th percentile over 400 ft reaches into the 8.5-in hole: the 12.25-in
    # gauge hole above the change is flagged, as before.
    assert washout[CHANGE - 200:CHANGE].all()
    assert washout[WASHED].all()
