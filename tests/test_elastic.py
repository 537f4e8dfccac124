"""Elastic logs: hand-worked values and mutual consistency."""

import numpy as np
import pytest

from sonic_model.core.columns import ELASTIC_COLUMNS, ELASTIC_UNITS
from sonic_model.physics.elastic import elastic_logs, poisson_ratio


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


# ----------------------------------------------------------------------------- figures

def _result(n=50):
    import pandas as pd

    dtc = np.linspace(70, 120, n)
    dts = dtc * 1.8
    res = pd.DataFrame({"DTC_PRED": dtc, "DTS_PRED": dts, "DTS_LOGS_ONLY": dts + 5,
                        "DTS_MUDROCK": dts - 3, "DTS_GC": dts + 2})
    res["DTS_SOURCE"] = ["DTC-conditioned"] * (n // 2) + ["logs-only (measured DTC cycle skip)"] * (n - n // 2)
    el = elastic_logs(dtc, dts, np.full(n, 2.4))
    return pd.concat([res, el], axis=1)


def test_crossplot_colours_points_by_route():
    from sonic_model.viz.shear import vp_vs_by_route

    res = _result()
    fig = vp_vs_by_route(res)
    by_name = {t.name: t for t in fig.data}
    assert len(by_name["predicted, DTC-conditioned"].x) == 25
    assert len(by_name["predicted, logs-only"].x) == 25   # reasons in brackets still count
    assert by_name["predicted, DTC-conditioned"].marker.color != by_name["predicted, logs-only"].marker.color
    assert by_name["predicted, DTC-conditioned"].x[0] == pytest.approx(304.8 / 70)


def test_shear_and_elastic_tracks_share_a_reversed_depth_axis():
    from sonic_model.viz.shear import elastic_tracks, shear_tracks

    res = _result()
    depth = 1000 + 0.5 * np.arange(len(res))
    curves = {"DTC": res["DTC_PRED"] + 1, "DTS": res["DTS_PRED"] + 1}
    fig = shear_tracks(curves, res, depth, depth_unit="m")
    names = [t.name for t in fig.data]
    assert names[:5] == ["measured DTS", "predicted DTS (conditioned where DTC is valid)",
                         "logs-only DTS", "mudrock line (Castagna 1985)",
                         "Greenberg–Castagna (1992), Vsh from GR"]
    assert fig.layout.yaxis.autorange == "reversed"
    fig = elastic_tracks(res, depth)
    assert {t.name for t in fig.data} == set(ELASTIC_COLUMNS)
    assert "GPa" in fig.layout.xaxis5.title.text and "m/s*g/cm3" in fig.layout.xaxis4.title.text
    assert fig.layout.yaxis.autorange == "reversed"
