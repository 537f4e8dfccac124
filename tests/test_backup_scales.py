"""Values beyond a track's print scale are drawn on a backup scale or marked, never hidden.

A FORCE 2020 well (31_2-9: most of its predicted DTS is above the DTS print scale's 240 us/ft,
and its measured DTC above 140) drawn at the print scales: every finite value is on the track,
on the main curve, on the dotted backup curve one scale width back, or as an off-scale marker
whose hover gives the value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model import io as wells
from sonic_model.viz.scales import FIXED_SCALES, _fmt, backup_scales, backup_values
from sonic_model.viz.tracks import depth_tracks

import support

STEM = "31_2-9"


@pytest.fixture(scope="module")
def drawn():
    from sonic_model.model.extended import predict_extended

    path = support.force_well(STEM)
    well = wells.read_well(path)
    result = predict_extended(well, "full")
    fig = depth_tracks(well.curves, result, well.depth, depth_unit=well.depth_unit)
    return well, result, fig


def _shown(fig, xaxis: str, values: np.ndarray, label: str, depth) -> np.ndarray:
    """Per sample: is the value visible on this track (main curve in range, backup curve at
    value minus/plus one width, or an off-scale marker carrying the value)? ``depth``: the
    samples' depths (the curves are drawn as min and max per bin, and the backup curve holds
    only the samples beyond the scale, not one point per sample)."""
    key = "xaxis" if xaxis == "x" else f"xaxis{xaxis[1:]}"
    lo, hi = sorted(fig.layout[key].range)
    on_track = (values >= lo) & (values <= hi)
    backup = next((t for t in fig.data if t.xaxis == xaxis and t.name == f"{label} backup"),
                  None)
    depth32 = np.asarray(depth, dtype=float).astype(np.float32)
    if backup is not None:   # the samples beyond the scale, found by their depth
        x = np.asarray(backup.x, dtype=float)
        true = np.asarray(backup.customdata, dtype=float)
        width = hi - lo
        ok = np.isfinite(x) & (x >= lo) & (x <= hi)
        np.testing.assert_allclose(np.abs(true[ok] - x[ok]), width, atol=1e-2)
        held = pd.Series(true[ok], index=np.asarray(backup.y, dtype=np.float32)[ok])
        hit = np.isin(depth32, held.index.to_numpy())
        np.testing.assert_allclose(held.loc[depth32[hit]].to_numpy(), values[hit], rtol=1e-5)
        on_track |= hit
    marker = next((t for t in fig.data if t.xaxis == xaxis and t.name == f"{label} off scale"),
                  None)
    if marker is not None:
        marked = pd.Series(np.asarray(marker.customdata, dtype=float),
                           index=np.asarray(marker.y, dtype=float))
        hit = np.isin(depth32, marked.index.to_numpy(dtype=np.float32))
        assert set(np.asarray(marker.x, dtype=float)) <= {lo, hi}   # pinned on the edge
        on_track |= hit
    return on_track


@pytest.mark.slow
def test_predicted_dts_above_240_is_drawn_on_the_backup_scale(drawn):
    well, result, fig = drawn
    dts = result["DTS_PRED"].to_numpy(dtype=np.float32).astype(float)
    finite = np.isfinite(dts)
    assert (dts[finite] > 240).sum() > 1000          # the case: most of this well's DTS
    xaxis = next(t.xaxis for t in fig.data if t.name == "DTS predicted backup")
    shown = _shown(fig, xaxis, dts, "DTS predicted", well.depth)
    assert shown[finite].all(), f"{(~shown & finite).sum()} finite DTS values not drawn"
    notes = [a.text for a in fig.layout.annotations]
    assert "backup 440–240" in notes                  # the backup scale is labelled


@pytest.mark.slow
def test_measured_dtc_above_140_is_drawn_too(drawn):
    well, result, fig = drawn
    dtc = well.curves["DTC"].to_numpy(dtype=np.float32).astype(float)
    finite = np.isfinite(dtc)
    assert (dtc[finite] > 140).sum() > 100
    xaxis = next(t.xaxis for t in fig.data if t.name == "DTC measured backup")
    shown = _shown(fig, xaxis, dtc, "DTC measured", well.depth)
    assert shown[finite].all()


def test_a_well_on_scale_gets_no_backup_curves():
    depth = np.arange(100.0)
    curves = pd.DataFrame({"GR": np.linspace(20, 120, 100), "ZDEN": np.full(100, 2.4)})
    fig = depth_tracks(curves, None, depth)
    assert not [t.name for t in fig.data if "backup" in t.name or "off scale" in t.name]
    assert not [a for a in (fig.layout.annotations or ()) if "backup" in a.text]


@pytest.mark.parametrize(("values", "backup", "pinned"), [
    ([250.0], [50.0], [np.nan]),          # one width back onto the DTS track
    ([500.0], [np.nan], [240.0]),         # beyond the backup too: a marker on the edge
    ([30.0], [230.0], [np.nan]),          # below the low end: one width up
    ([100.0, np.nan], [np.nan, np.nan], [np.nan, np.nan]),
], ids=["above", "beyond-backup", "below", "on-scale"])
def test_backup_values_on_the_dts_print_scale(values, backup, pinned):
    b, p = backup_values(values, FIXED_SCALES["DTS"])
    np.testing.assert_array_equal(b, backup)
    np.testing.assert_array_equal(p, pinned)


def test_log_scales_mark_what_they_cannot_hold():
    b, p = backup_values([5000.0, 0.05, 10.0], FIXED_SCALES["HRD"], log=True)
    assert np.isnan(b).all()
    np.testing.assert_array_equal(p, [2000.0, 0.2, np.nan])
    assert backup_scales([300.0], FIXED_SCALES["DTS"]) == [(440.0, 240.0)]


def test_fitted_scale_ends_never_print_minus_zero():
    assert _fmt(-0.0) == "0"
    assert _fmt(-1e-17) == "0"
    assert _fmt(-0.05) == "-0.05"


def test_three_samples_get_depth_ticks_that_differ():
    curves = pd.DataFrame({"GR": [50.0, 60.0, 70.0]})
    fig = depth_tracks(curves, None, np.array([1000.0, 1000.5, 1001.0]))
    fmt = fig.layout.yaxis.tickformat
    labels = {format(v, fmt.lstrip(":")) for v in (1000.0, 1000.25, 1000.5, 1000.75, 1001.0)}
    assert len(labels) == 5
