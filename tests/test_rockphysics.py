"""Shear baselines against the published formulas, with values worked by hand."""

import numpy as np
import pytest

from sonic_model.physics import rockphysics as rp

# 76.2 us/ft is exactly 4.0 km/s (304.8 / 76.2).
DTC_4KMS = 76.2


def test_slowness_velocity_conversion():
    assert rp.velocity_km_s(76.2) == pytest.approx(4.0)
    assert rp.slowness_us_ft(2.0) == pytest.approx(152.4)
    assert np.isnan(rp.velocity_km_s(0.0))


def test_mudrock_line_castagna_1985():
    # Vs = (4.0 - 1.36) / 1.16 = 2.275862 km/s -> DTS = 304.8 / 2.275862 = 133.9273 us/ft
    assert rp.mudrock_vs(4.0) == pytest.approx(2.275862, abs=1e-6)
    assert rp.dts_mudrock(DTC_4KMS) == pytest.approx(133.9273, abs=1e-3)
    # and the line itself: Vp = 1.16 Vs + 1.36 holds for what it returns
    vp = np.array([2.0, 3.0, 5.5])
    assert np.allclose(1.16 * rp.mudrock_vs(vp) + 1.36, vp)


def test_mudrock_gives_nan_below_intercept():
    # 250 us/ft = 1.2192 km/s < 1.36 km/s: no positive Vs on the line
    assert np.isnan(rp.dts_mudrock(250.0))


@pytest.mark.parametrize("lith,expected", [
    ("sandstone", 0.80416 * 4 - 0.85588),                  # 2.36076
    ("shale", 0.76969 * 4 - 0.86735),                      # 2.21141
    ("limestone", -0.05508 * 16 + 1.01677 * 4 - 1.03049),  # 2.15531
    ("dolomite", 0.58321 * 4 - 0.07775),                   # 2.25509
], ids=["sandstone", "shale", "limestone", "dolomite"])
def test_greenberg_castagna_pure_lithologies(lith, expected):
    assert rp.gc_lithology_vs(4.0, lith) == pytest.approx(expected, abs=1e-9)


def test_greenberg_castagna_mix_averages_arithmetic_and_harmonic_means():
    # 50/50 sand-shale at 4 km/s: arithmetic 2.286085, harmonic 2/(1/2.36076 + 1/2.21141)
    # = 2.283646; their average 2.284866 km/s.
    vs = rp.gc_mix_vs(4.0, {"sandstone": 0.5, "shale": 0.5})
    assert vs == pytest.approx(2.284866, abs=2e-6)
    assert rp.dts_greenberg_castagna(DTC_4KMS, 0.5) == pytest.approx(304.8 / 2.284866, abs=1e-3)
    # pure end members reduce to the lithology lines
    assert rp.dts_greenberg_castagna(DTC_4KMS, 0.0) == pytest.approx(304.8 / 2.36076, abs=1e-4)
    assert rp.dts_greenberg_castagna(DTC_4KMS, 1.0) == pytest.approx(304.8 / 2.21141, abs=1e-4)


def test_shale_volume_is_a_linear_gr_index_between_well_percentiles():
    gr = np.arange(0.0, 101.0)         # percentiles 5 and 95 are 5 and 95 gAPI
    v = rp.shale_volume(gr)
    assert v[50] == pytest.approx(0.5)
    assert v[5] == pytest.approx(0.0) and v[95] == pytest.approx(1.0)
    assert v[0] == 0.0 and v[100] == 1.0          # clipped
    assert np.isnan(rp.shale_volume(np.full(10, 60.0))).all()   # flat GR: unknown


def test_baselines_keep_every_row_and_nan_where_no_dtc():
    dtc = np.array([76.2, np.nan, 100.0])
    gr = np.array([20.0, 50.0, 120.0])
    out = rp.baselines(dtc, gr)
    assert set(out) == {"DTS_MUDROCK", "DTS_GC"}
    for v in out.values():
        assert len(v) == 3 and np.isnan(v[1]) and np.isfinite(v[[0, 2]]).all()
    # slower rock -> slower shear
    assert out["DTS_GC"][2] > out["DTS_GC"][0]
