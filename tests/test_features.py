"""Cleaning rules and depth-context features: nulls, impossible values, spikes, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model import features as F


def contest_like(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "CAL": 8.5 + rng.normal(0, 0.05, n), "CNC": 0.2 + rng.normal(0, 0.02, n),
        "GR": 60 + rng.normal(0, 5, n), "HRD": 10 ** rng.normal(0.3, 0.1, n),
        "HRM": 10 ** rng.normal(0.3, 0.1, n), "PE": 5 + rng.normal(0, 0.3, n),
        "ZDEN": 2.4 + rng.normal(0, 0.03, n),
    })


@pytest.mark.parametrize("sentinel", [-999, -999.25, -9999], ids=["-999", "-999.25", "-9999"])
def test_null_sentinels_become_missing(sentinel):
    frame = contest_like(10)
    frame.loc[3, "GR"] = sentinel
    cleaned = F.clean(frame)
    assert np.isnan(cleaned.loc[3, "GR"])
    assert cleaned["GR"].notna().sum() == 9


@pytest.mark.parametrize("curve,value", [
    ("CNC", 3490.16), ("ZDEN", -1.92), ("PE", 0.05), ("HRD", 0.0), ("CAL", 0.0), ("GR", -5.0),
], ids=["neutron-junk", "negative-density", "dead-PE", "zero-resistivity", "zero-caliper",
        "negative-GR"])
def test_physically_impossible_values_become_missing(curve, value):
    frame = contest_like(10)
    frame.loc[5, curve] = value
    assert np.isnan(F.clean(frame).loc[5, curve])


def test_optional_curves_absent_are_added_as_missing():
    frame = contest_like(10)[["CNC", "GR", "HRD", "ZDEN"]]
    cleaned = F.clean(frame)
    assert list(cleaned.columns) == list(F.INPUTS)
    assert cleaned["PE"].isna().all() and cleaned["CAL"].isna().all()


def test_resistivity_spikes_are_tamed_in_log_space():
    frame = contest_like(50)
    frame.loc[20, "HRM"] = 60000.0     # the kind of spike Well #1 has
    ff = F.build_features(frame)
    assert ff.features.loc[20, "LRM"] == pytest.approx(F.LOG_RES_LIMITS[1])
    assert ff.features["LRD"].between(*F.LOG_RES_LIMITS).all()


def test_rolling_features_never_cross_a_null_gap():
    frame = contest_like(400)
    frame.loc[200:209, "GR"] = np.nan
    base = F.build_features(frame).features
    changed = frame.copy()
    changed.loc[210:, "GR"] = 500.0   # rewrite everything after the gap
    after = F.build_features(changed).features
    gr_cols = [c for c in base.columns if c.startswith("GR_")]
    pd.testing.assert_frame_equal(base.loc[:199, gr_cols], after.loc[:199, gr_cols])
    assert not np.allclose(base.loc[210:, "GR_M40"], after.loc[210:, "GR_M40"])


def test_rolling_features_never_cross_a_depth_jump():
    frame = contest_like(300)
    depth = np.arange(300) * 0.5
    depth[150:] += 200.0              # a 200-ft jump: another interval
    base = F.build_features(frame, depth).features
    changed = frame.copy()
    changed.loc[150:, "ZDEN"] = 2.9
    after = F.build_features(changed, depth).features
    pd.testing.assert_series_equal(base.loc[:149, "ZDEN_M40"], after.loc[:149, "ZDEN_M40"])


def test_windows_are_in_feet_not_samples():
    # The same log sampled every 0.5 ft and every 0.25 ft has the same 10-ft context.
    x = np.sin(np.arange(0, 200, 0.25) / 7.0) * 20 + 60
    fine = contest_like(len(x))
    fine["GR"] = x
    coarse = fine.iloc[::2].reset_index(drop=True)
    f_fine = F.build_features(fine, np.arange(len(x)) * 0.25).features["GR_M10"].to_numpy()
    f_coarse = F.build_features(coarse, np.arange(len(coarse)) * 0.5).features["GR_M10"].to_numpy()
    mid = slice(100, 300)
    assert np.allclose(f_fine[::2][mid], f_coarse[mid], atol=0.5)


def test_rows_are_routed_by_available_curves():
    frame = contest_like(5)
    frame.loc[1, "CAL"] = np.nan      # optional missing -> core models
    frame.loc[2, "ZDEN"] = np.nan     # required missing -> no prediction
    frame.loc[3, "PE"] = np.nan       # PE missing alone -> still the 'all' models
    sets = F.row_curve_set(F.clean(frame))
    assert list(sets) == ["all", "core", "", "all", "all"]


def test_no_absolute_depth_feature():
    frame = contest_like(100)
    a = F.build_features(frame, np.arange(100) * 0.5).features
    b = F.build_features(frame, np.arange(100) * 0.5 + 9000).features
    pd.testing.assert_frame_equal(a, b)
