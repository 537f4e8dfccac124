"""Where a well's logs stop or have holes, synth neither invents time nor reflections: the
time-depth curve comes from the measured DTC wherever it is valid (the replacement velocity only
above any sonic), samples without Vp and density (and Vs for the angles and AVO) are blank, a
long gap reflects nothing, and SONIC_SOURCE says what each row holds. Synthetic wells where the
answer is known, and the reviewer's FORCE well 16/8-1 through the CLI."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sonic_model.model.synth import Depths, synthesize_logs
from sonic_model.model.synth_options import SynthOptions
from sonic_model.physics import seismic as S

from support import cli, force_las, force_well

STEP = 0.1524
US_FT = 304800.0
N = 4000
TOP = 1000.0
DEPTH = TOP + STEP * np.arange(N)


def _frame(dtc_meas, dtc_pred, dts_pred):
    """A predict_extended(splice=True) frame: measured DTC where given, predictions (with a
    band) where given."""
    meas = np.isfinite(dtc_meas)
    return pd.DataFrame({
        "DTC_PRED": dtc_pred, "DTS_PRED": dts_pred,
        "DTC_P10": dtc_pred * 0.97, "DTC_P90": dtc_pred * 1.03,
        "DTS_P10": dts_pred * 0.97, "DTS_P90": dts_pred * 1.03,
        "DTC_SPLICE": np.where(meas, dtc_meas, dtc_pred), "DTS_SPLICE": dts_pred,
        "SPLICE_SOURCE": np.where(meas, "DTC measured, DTS predicted",
                                  "DTC predicted, DTS predicted")})


def _run(pred, rho, logs_only=None, **opts):
    opts = SynthOptions(**{"angles": (0.0, 30.0), "realisations": 0, **opts})
    return synthesize_logs(Depths("DEPTH_M", DEPTH, DEPTH), rho, np.full(N, np.nan), pred,
                           opts, pred_logs_only=logs_only)


def _well(pred_from=2500, rho_from=1500):
    """Measured DTC (2500 m/s) from the top; the prediction (and so DTS) only from row
    `pred_from`; density only from row `rho_from`."""
    rows = np.arange(N)
    dtc_meas = np.full(N, US_FT / 2500.0)
    dtc_pred = np.where(rows >= pred_from, US_FT / 2600.0, np.nan)
    rho = np.where(rows >= rho_from, 2.3, np.nan)
    return dtc_meas, dtc_pred, rho


@pytest.mark.parametrize("scored", [False, True], ids=["alone", "with-logs-only-scores"])
def test_time_depth_follows_the_measured_dtc_above_the_first_predicted_sample(scored):
    dtc_meas, dtc_pred, rho = _well()
    pred = _frame(dtc_meas, dtc_pred, dtc_pred * 1.8)
    logs_only = _frame(np.full(N, np.nan), dtc_pred, dtc_pred * 1.8) if scored else None
    twt = _run(pred, rho, logs_only).frame["TWT_MS"].to_numpy()
    # Replacement velocity down to the first sonic sample (the top), then 2 dz / 2500 m/s: the
    # old curve ran at 2000 m/s down to the first predicted sample (row 2500).
    want = 2 * TOP / 2000.0 * 1000 + 2 * (DEPTH - TOP) / 2500.0 * 1000
    np.testing.assert_allclose(twt, want, atol=1e-6)


def test_logs_only_run_keeps_its_own_drift_below_the_shared_start():
    dtc_meas, dtc_pred, rho = _well()
    pred = _frame(dtc_meas, dtc_pred, dtc_pred * 1.8)
    res = _run(pred, rho, _frame(np.full(N, np.nan), dtc_pred, dtc_pred * 1.8))
    # 2600 m/s predicted against 2500 measured over rows 2500..N-1: that drift, nothing more.
    dz = DEPTH[-1] - DEPTH[2500]
    want = 2 * dz * (1 / 2600.0 - 1 / 2500.0) * 1000
    assert res.scores["base_shift_ms"] == pytest.approx(want, abs=0.05)


def test_no_reflection_where_density_or_shear_is_unknown():
    dtc_meas, dtc_pred, rho = _well(pred_from=3000, rho_from=2000)
    # A strong step in the measured DTC above the density log: the old code held the density's
    # first value upwards and made an event of it.
    dtc_meas[:1000] = US_FT / 1800.0
    pred = _frame(dtc_meas, dtc_pred, dtc_pred * 1.8)
    res = _run(pred, rho)
    f = res.frame
    rows = np.arange(N)
    assert f.loc[rows < 2000, ["SYN_0", "SYN_30", "AVO_A", "AVO_B"]].isna().all().all()
    assert f.loc[rows < 2000, "RHOB"].isna().all() and f.loc[rows < 2000, "VP"].notna().all()
    # Vp and density, no shear: normal incidence only.
    mid = (rows >= 2000) & (rows < 3000)
    assert f.loc[mid, "SYN_0"].notna().all()
    assert f.loc[mid, ["SYN_30", "AVO_A", "AVO_B", "VS"]].isna().all().all()
    # Nothing in the trace at the step's time (the only contrast above the density).
    t_step = res.frame["TWT_MS"].iloc[1000] / 1000
    times = res.times_ms / 1000
    trace = res.traces[(0.0, "P50")]
    near = np.abs(times - t_step) < 0.02
    assert not near.any() or np.abs(trace[near]).max() < 1e-12


def test_rows_without_logs_are_blank_and_say_so():
    dtc_meas, dtc_pred, rho = _well(pred_from=0, rho_from=0)
    dtc_meas[:300] = np.nan
    dtc_pred[:300] = np.nan
    dtc_pred[-200:] = np.nan
    dts = dtc_pred * 1.8
    pred = _frame(dtc_meas, dtc_pred, dts)
    f = _run(pred, rho).frame
    syn = [c for c in f.columns if c.startswith(("SYN_", "AVO_"))]
    assert f.loc[:299, syn].isna().all().all()          # NaN, not 1e-17
    assert (f["SONIC_SOURCE"].iloc[:300] == "no sonic").all()
    assert (f["SONIC_SOURCE"].iloc[-200:] == "DTC measured, no DTS").all()
    assert (f["SONIC_SOURCE"].iloc[300:-200] == "DTC measured, DTS predicted").all()
    values = f[syn].to_numpy()
    assert not ((np.abs(values) < 1e-12) & (values != 0)).any()
    assert f["TWT_MS"].notna().all()                     # the time-depth curve runs through


@pytest.mark.parametrize("gap_m, bridged", [(1.0, True), (30.0, False)], ids=["1m", "30m"])
def test_a_short_density_gap_is_bridged_and_a_long_one_reflects_nothing(gap_m, bridged):
    dtc_meas, dtc_pred, rho = _well(pred_from=0, rho_from=0)
    n_gap = int(round(gap_m / STEP))
    hole = slice(2000, 2000 + n_gap)
    rho[hole] = np.nan
    pred = _frame(dtc_meas, dtc_pred, dtc_pred * 1.8)
    f = _run(pred, rho).frame
    assert f["SYN_0"].iloc[hole].notna().all() == bridged
    assert f["SYN_0"].iloc[hole].isna().all() == (not bridged)
    # A uniform well with a hole: no event from the hole's edges either way.
    assert np.nanmax(np.abs(f["SYN_0"].to_numpy())) < 1e-9


def test_bridge_gaps_fills_only_short_interior_gaps():
    z = np.arange(10.0)
    v = np.array([np.nan, 1, np.nan, 3, np.nan, np.nan, np.nan, np.nan, 8, np.nan])
    out = S.bridge_gaps(v, z, max_gap_m=3.0)
    assert np.isnan(out[0]) and np.isnan(out[-1])            # ends are not held
    assert out[2] == pytest.approx(2.0)                       # 2 m apart: bridged
    assert np.isnan(out[4:8]).all()                           # 5 m apart: left unknown


def test_a_checkshot_level_with_sonic_but_no_density_is_a_tie():
    dtc_meas, dtc_pred, rho = _well(pred_from=2500, rho_from=2500)
    twt_true = 2 * TOP / 2000.0 + 2 * (DEPTH - TOP) / 2500.0
    levels = np.array([DEPTH[500], DEPTH[1500], DEPTH[3500]])      # two above the density
    cs = (levels, np.interp(levels, DEPTH, twt_true) + 0.010)       # 10 ms later everywhere
    res = _run(_frame(dtc_meas, dtc_pred, dtc_pred * 1.8), rho, checkshot=cs)
    info = res.options["checkshot"]
    assert (info["inside"], info["above"], info["below"]) == (3, 0, 0)
    np.testing.assert_allclose(res.frame["TWT_MS"].to_numpy(), twt_true * 1000 + 10, atol=1e-6)


def test_a_checkshot_beside_the_sonic_names_the_sonic_interval():
    dtc_meas, dtc_pred, rho = _well()
    dtc_meas[:1000] = np.nan
    cs = (np.array([TOP + 10, TOP + 20, TOP + 30]), np.array([1.0, 1.01, 1.02]))
    with pytest.raises(S.CheckshotRangeError,
                       match=rf"logged interval \({DEPTH[1000]:.1f}-{DEPTH[-1]:.1f} m: the depths "
                             r"with a sonic, measured or predicted\)"):
        _run(_frame(dtc_meas, dtc_pred, dtc_pred * 1.8), rho, checkshot=cs)


@pytest.mark.slow
def test_force_16_8_1_time_from_its_own_dtc_and_no_shallow_events(tmp_path):
    """The reviewer's well: DTC measured from 172 m, density from 1291 m, predictions from
    1549 m. The time at 1549 m is the DTC's integral (was 2000 m/s: 47 ms early) and nothing
    reflects above the density log."""
    las = force_las("16_8-1")
    out = tmp_path / "s.csv"
    proc = cli("synth", force_well("16_8-1"), "-o", out, "--realisations", "4")
    assert proc.returncode == 0, proc.stderr
    f = pd.read_csv(io.StringIO(out.read_text()), comment="#")
    z, twt = f["DEPTH_M"].to_numpy(), f["TWT_MS"].to_numpy()
    df = las.df()
    dtc = df["DTC"].where((df["DTC"] > 40) & (df["DTC"] < 240)).dropna()
    zd, slow = dtc.index.to_numpy(float), dtc.to_numpy() / US_FT
    own = 2 * zd[0] / 2000.0 + np.r_[0, np.cumsum(np.diff(zd) * (slow[1:] + slow[:-1]))]
    at = 1549.5
    assert np.interp(at, z, twt) == pytest.approx(np.interp(at, zd, own) * 1000, abs=2.0)
    assert np.interp(at, z, twt) > at + 40                  # not the flat 2000 m/s
    shallow = z < 1291.0
    assert f.loc[shallow, [c for c in f.columns if c.startswith("SYN_")]].isna().all().all()
    assert (f.loc[z < 172.0, "SONIC_SOURCE"] == "no sonic").all()
