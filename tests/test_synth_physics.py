"""Synthetic wells where the answer is known: one interface gives the wavelet scaled by its
reflection coefficient at the interface's two-way time; a checkshot moves the time-depth curve
onto itself; realisations keep the band and are correlated along depth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model import realisations as RZ
from sonic_model.model.synth import Depths, synthesize_logs
from sonic_model.model.synth_options import SynthOptions, read_checkshot
from sonic_model.physics import seismic as S

from support import require

STEP = 0.1524                  # m, half a foot


def _two_layers(n=2000, top=1000.0, vp=(2500.0, 3500.0), rho=(2.3, 2.5)):
    depth = top + STEP * np.arange(n)
    half = n // 2
    dtc = np.where(np.arange(n) < half, 304800 / vp[0], 304800 / vp[1])
    zden = np.where(np.arange(n) < half, rho[0], rho[1])
    pred = pd.DataFrame({"DTC_PRED": dtc, "DTS_PRED": dtc * 1.8,
                         "DTC_P10": dtc, "DTC_P90": dtc, "DTS_P10": dtc * 1.8,
                         "DTS_P90": dtc * 1.8})
    return depth, dtc, zden, pred, half


def test_one_interface_gives_the_wavelet_scaled_by_its_coefficient_at_its_time():
    depth, dtc, zden, pred, half = _two_layers()
    opts = SynthOptions(angles=(0.0,), realisations=0)
    res = synthesize_logs(Depths("DEPTH_M", depth, depth), zden, np.full(len(depth), np.nan),
                          pred, opts)
    z1, z2 = 2500 * 2.3, 3500 * 2.5
    rc = (z2 - z1) / (z2 + z1)
    # Time of the interface: the top at 2000 m/s, then 2 dz / 2500 m/s down to it.
    t_if = 2 * 1000.0 / 2000.0 + 2 * (depth[half - 1] + STEP / 2 - 1000.0) / 2500.0
    trace = res.traces[(0.0, "P50")]
    times = res.times_ms / 1000
    peak = np.argmax(np.abs(trace))
    assert times[peak] == pytest.approx(t_if, abs=0.0011)
    assert trace[peak] == pytest.approx(rc, rel=0.02)
    wavelet = S.ricker(30, 0.001)
    # Away from the peak the trace is the wavelet (within the 1 ms binning).
    k = peak - len(wavelet) // 2
    np.testing.assert_allclose(trace[k:k + len(wavelet)] / trace[peak], wavelet, atol=0.06)
    # Read back in depth, the synthetic peaks at the interface's sample.
    syn = res.frame["SYN_0"].to_numpy()
    assert abs(int(np.argmax(np.abs(syn))) - half) <= 8
    assert res.frame["TWT_MS"].iloc[0] == pytest.approx(1000.0)
# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
def test_ormsby_and_ricker_wavelets_match_bruges_ricker():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = require("bruges")
        ref = b.filters.ricker(0.128, 0.001, 25, return_t=False)
    np.testing.assert_allclose(S.ricker(25, 0.001), ref, atol=1e-12)
    w = S.ormsby((5, 10, 40, 60), 0.001)
    assert w.max() == pytest.approx(1.0) and w[len(w) // 2] == pytest.approx(1.0)


def test_a_checkshot_ties_the_sonic_time_to_it():
    depth = np.linspace(1000, 2000, 501)
    twt = S.twt_from_velocity(depth, np.full(501, 3000.0))
    cs_z, cs_t = np.array([1000.0, 1500.0, 2000.0]), np.array([1.05, 1.40, 1.70])
    tied = S.calibrate(depth, twt, cs_z, cs_t)
    np.testing.assert_allclose(np.interp(cs_z, depth, tied), cs_t, atol=1e-12)


@pytest.mark.parametrize("text, message", [
    ("depth,twt\n1000,900\n", "at least two"),
    ("1000,900\n1200,850\n", "must increase with depth"),
    ("1000,900\n1200,abc\n", "line 2"),
], ids=["one-row", "time-goes-back", "not-a-number"])
def test_a_bad_checkshot_is_named(text, message):
    with pytest.raises(S.CheckshotError, match=message):
        read_checkshot(text, "--checkshot cs.txt")


@pytest.mark.parametrize("header, factor_z, factor_t", [
    ("", 1.0, 1.0),                                    # no header: m and two-way ms
    ("depth_m,twt_ms", 1.0, 1.0),
    ("MD (ft) TWT (ms)", 1 / 0.3048, 1.0),
    ("MD(ft),TWT(s)", 1 / 0.3048, 1e-3),
    ("Depth [feet]; One-way time [s]", 1 / 0.3048, 0.5e-3),
    ("DEPTH_M\tOWT_MS", 1.0, 0.5),
    ("TVDSS  TWT", 1.0, 1.0),                           # "ss" is not seconds
], ids=["none", "m-ms", "ft-ms", "ft-s", "ft-owt-s", "m-owt-ms", "tvdss"])
def test_a_checkshot_header_names_its_units(header, factor_z, factor_t):
    # The same survey written in a vendor's units reads back in m and two-way seconds.
    z, t_ms = np.array([1000.0, 1500.0, 2000.0]), np.array([900.0, 1250.0, 1560.0])
    rows = "\n".join(f"{a * factor_z:.6f},{b * factor_t:.9f}" for a, b in zip(z, t_ms))
    depth, twt = read_checkshot((header + "\n" if header else "") + rows, "cs.txt")
    np.testing.assert_allclose(depth, z, rtol=1e-9)
    np.testing.assert_allclose(twt, t_ms / 1000, rtol=1e-6)


@pytest.mark.parametrize("text", ["depth,twt\n1000,0.9\n2000,1.56\n",      # s read as ms
                                  "MD (ft),TWT (ms)\n1000,900\n2000,1560\n"],   # m said to be ft
                         ids=["seconds-as-ms", "metres-as-feet"])
def test_a_checkshot_no_rock_could_give_names_its_units(text):
    with pytest.raises(S.CheckshotError, match=r"average velocity of [\d,]+ m/s.*units"):
        read_checkshot(text, "--checkshot cs.txt")


def test_realisations_keep_the_band_and_are_smooth_along_depth():
    depth = np.arange(4000) * STEP
    z = RZ.correlated_normals(400, depth, length_m=6.0, cross=0.8, seed=3)
    pred, lo, hi = np.full(4000, 100.0), np.full(4000, 90.0), np.full(4000, 120.0)
    draws = RZ.draw(pred, lo, hi, z[0])
    p10, p90 = np.percentile(draws, [10, 90], axis=0)
    assert np.median(p10) == pytest.approx(90.0, abs=1.0)
    assert np.median(p90) == pytest.approx(120.0, abs=1.5)
    lag = int(round(6.0 / STEP))          # one correlation length: ~1/e
    r = np.mean([np.corrcoef(z[0, k, :-lag], z[0, k, lag:])[0, 1] for k in range(50)])
    assert r == pytest.approx(np.exp(-1), abs=0.08)
    assert np.corrcoef(z[0].ravel(), z[1].ravel())[0, 1] == pytest.approx(0.8, abs=0.02)


def test_correlation_length_recovers_a_known_one():
    depth = np.arange(20000) * STEP
    z = RZ.correlated_normals(1, depth, length_m=10.0, cross=0.0, seed=5)[0, 0]
    assert RZ.correlation_length(z, STEP) == pytest.approx(10.0, rel=0.25)


def test_two_scale_realisations_keep_the_band_and_the_fitted_correlation():
    """Residuals err on two scales (thin beds, a lasting bias); the draws carry both and still
    put the band's P10/P90 where the band is."""
    depth = np.arange(6000) * STEP
    comps = [(0.5, 1.0), (0.5, 40.0)]
    z = RZ.correlated_normals(300, depth, 5.0, 0.7, seed=11, components=comps)
    draws = RZ.draw(np.full(6000, 100.0), np.full(6000, 90.0), np.full(6000, 120.0), z[0])
    p10, p90 = np.percentile(draws, [10, 90], axis=0)
    assert np.median(p10) == pytest.approx(90.0, abs=1.0)
    assert np.median(p90) == pytest.approx(120.0, abs=1.5)
    for lag_m in (3.0, 20.0):
        lag = int(round(lag_m / STEP))
        r = np.mean([np.corrcoef(z[0, k, :-lag], z[0, k, lag:])[0, 1] for k in range(100)])
        want = sum(w * np.exp(-lag_m / length) for w, length in comps)
        assert r == pytest.approx(want, abs=0.06), lag_m
    assert np.corrcoef(z[0].ravel(), z[1].ravel())[0, 1] == pytest.approx(0.7, abs=0.02)


def test_the_two_scale_fit_recovers_a_known_autocorrelation():
    lags = np.array(RZ.FIT_LAGS_M)
    acf = 0.6 * np.exp(-lags / 1.5) + 0.4 * np.exp(-lags / 60.0)
    (w1, short), (w2, long) = RZ.fit_components(lags, acf)
    assert w1 == pytest.approx(0.6, abs=0.05) and w2 == pytest.approx(0.4, abs=0.05)
    assert short == pytest.approx(1.5, rel=0.2) and long == pytest.approx(60.0, rel=0.2)
