"""Elastic logs: hand-worked values and mutual consistency."""

import numpy as np
import pytest

from sonic_model.elastic import ELASTIC_COLUMNS, ELASTIC_UNITS, elastic_logs, poisson_ratio


def test_hand_computed_values():
    # 76.2 us/ft -> 4000 m/s; 152.4 us/ft -> 2000 m/s; 2.5 g/cm3 = 2500 kg/m3.
    # PR = (4 - 2) / (2 * 3) = 1/3; G = 2500 * 2000^2 = 10 GPa;
    # K = 2500 * (4000^2 - 4/3 * 2000^2) = 26.667 GPa; AI = 10,000, SI = 5,000 m/s*g/cm3.
    out = elastic_logs([76.2], [152.4], [2.5]).iloc[0]
    assert out["VP"] == pytest.approx(4000.0)
    assert out["VS"] == pytest.approx(2000.0)
    assert out["VPVS"] == pytest.approx(2.0)
    assert out["PR"] == pytest.approx(1 / 3)
    assert out["AI"] == pytest.approx(10000.0)
    assert out["SI"] == pytest.approx(5000.0)
    assert out["G_DYN"] == pytest.approx(10.0)
    assert out["K_DYN"] == pytest.approx(26.6667, abs=1e-4)


def test_columns_and_units_declared():
    out = elastic_logs([100.0], [180.0], [2.3])
    assert tuple(out.columns) == ELASTIC_COLUMNS
    assert set(ELASTIC_UNITS) == set(ELASTIC_COLUMNS)
    assert ELASTIC_UNITS["VP"] == "m/s" and ELASTIC_UNITS["G_DYN"] == "GPa"


def test_mutually_consistent_on_a_range_of_rocks():
    rng = np.random.default_rng(1)
    dtc = rng.uniform(50, 180, 500)
    dts = dtc * rng.uniform(1.45, 3.5, 500)
    rho = rng.uniform(1.9, 2.8, 500)
    out = elastic_logs(dtc, dts, rho)
    assert np.allclose(out["VP"] / out["VS"], out["VPVS"])
    assert np.allclose(out["VPVS"], dts / dtc)
    r2 = out["VPVS"] ** 2
    assert np.allclose(out["PR"], (r2 - 2) / (2 * (r2 - 1)))
    # isotropic elasticity: K / G = 2 (1 + PR) / (3 (1 - 2 PR))
    pr = out["PR"]
    assert np.allclose(out["K_DYN"] / out["G_DYN"], 2 * (1 + pr) / (3 * (1 - 2 * pr)))
    assert np.allclose(out["AI"] / out["SI"], out["VPVS"])


def test_poisson_ratio_known_points_and_impossible_ratio():
    # sqrt(2) -> 0 ; sqrt(3) -> 0.25 (a Poisson solid); Vs faster than Vp -> NaN
    assert poisson_ratio(np.sqrt(2)) == pytest.approx(0.0, abs=1e-12)
    assert poisson_ratio(np.sqrt(3)) == pytest.approx(0.25)
    assert np.isnan(poisson_ratio(0.9))


def test_missing_inputs_give_nan_not_errors():
    out = elastic_logs([np.nan, 80.0, 80.0], [150.0, np.nan, 150.0], [2.4, 2.4, np.nan])
    assert np.isnan(out.loc[0, "VP"]) and np.isnan(out.loc[0, "AI"])
    assert np.isnan(out.loc[1, "VS"]) and np.isfinite(out.loc[1, "VP"])
    assert np.isfinite(out.loc[2, "VPVS"]) and np.isnan(out.loc[2, "G_DYN"])
