"""sonic_model.plots: figures as pure functions of frames, checked on synthetic wells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from sonic_model import plots
from sonic_model.curves import RESULT_COLUMNS

PROJECT_DIR = Path(__file__).resolve().parents[1]


def synthetic_well(n: int = 600, measured: bool = True, seed: int = 0):
    rng = np.random.default_rng(seed)
    shale = (np.sin(np.arange(n) / 25.0) > 0).astype(float)
    curves = pd.DataFrame({
        "CAL": 8.5 + rng.normal(0, 0.05, n),
        "CNC": 0.12 + 0.2 * shale + rng.normal(0, 0.01, n),
        "GR": 30 + 90 * shale + rng.normal(0, 5, n),
        "HRD": np.exp(3 - 2.5 * shale + rng.normal(0, 0.2, n)),
        "HRM": np.exp(2.8 - 2.5 * shale + rng.normal(0, 0.2, n)),
        "PE": 2 + 2 * shale,
        "ZDEN": 2.35 + 0.15 * shale + rng.normal(0, 0.02, n),
    })
    dtc = 70 + 40 * shale + rng.normal(0, 2, n)
    dts = 1.8 * dtc + 10
    if measured:
        curves["DTC"] = dtc + rng.normal(0, 3, n)
        curves["DTS"] = dts + rng.normal(0, 6, n)
    result = pd.DataFrame({"DTC_PRED": dtc, "DTS_PRED": dts, "DTC_P10": dtc - 5,
                           "DTC_P90": dtc + 5, "DTS_P10": dts - 10, "DTS_P90": dts + 10})
    qc = np.full(n, "OK", dtype=object)
    qc[100:120] = "missing input: CNC"
    qc[300:310] = "outside training range: HRD"
    qc[312:315] = "washout"
    result.loc[100:119, ["DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90"]] = np.nan
    result["QC"] = qc
    depth = 8000.0 + 0.5 * np.arange(n)
    return curves, result[list(RESULT_COLUMNS)], depth


def _traces(fig: go.Figure, name: str) -> list:
    return [t for t in fig.data if t.name == name]


def test_tracks_share_one_reversed_depth_axis():
    curves, result, depth = synthetic_well()
    fig = plots.depth_tracks(curves, result, depth, depth_unit="ft")
    assert {t.yaxis for t in fig.data} == {"y"}  # zoom/pan on depth moves every track
    lo, hi = fig.layout.yaxis.range[1], fig.layout.yaxis.range[0]
    assert hi > lo and (lo, hi) == (depth.min(), depth.max())  # deeper is lower
    assert fig.layout.yaxis.title.text == "Depth (ft)"
    assert fig.layout.hovermode == "y unified"


def test_tracks_hold_every_input_and_both_sonic_curves():
    curves, result, depth = synthetic_well()
    fig = plots.depth_tracks(curves, result, depth)
    for name in ("GR", "CAL", "HRD", "HRM", "ZDEN", "CNC", "PE"):
        assert len(_traces(fig, name)) == 1, name
    assert len(_traces(fig, "predicted")) == 2      # DTC and DTS
    assert len(_traces(fig, "measured")) == 2
    assert len(_traces(fig, "P10–P90 band")) == 2
    # Resistivity on a log scale; neutron on a reversed scale over density.
    hrd_axis = fig.layout[_traces(fig, "HRD")[0].xaxis.replace("x", "xaxis")]
    assert hrd_axis.type == "log"
    cnc = fig.layout[_traces(fig, "CNC")[0].xaxis.replace("x", "xaxis")]
    assert cnc.range[0] > cnc.range[1] and cnc.overlaying == _traces(fig, "ZDEN")[0].xaxis
    # Sonic scales run fast-to-the-right, as on a print.
    dtc_axis = fig.layout[_traces(fig, "predicted")[0].xaxis.replace("x", "xaxis")]
    assert dtc_axis.range[0] > dtc_axis.range[1]


def test_band_is_split_at_gaps_not_drawn_through_them():
    curves, result, depth = synthetic_well()
    fig = plots.depth_tracks(curves, result, depth)
    band = _traces(fig, "P10–P90 band")[0]
    assert band.fill == "toself"
    assert np.isnan(np.asarray(band.x, dtype=float)).sum() == 2  # rows 0-99, 120-599


def test_qc_intervals_are_shaded_and_explained():
    curves, result, depth = synthetic_well()
    fig = plots.depth_tracks(curves, result, depth)
    rects = [s for s in fig.layout.shapes if s.yref == "y"]
    assert len(rects) == 3  # rows 100-119 (no prediction), 300-309 and 312-314 (suspect)
    kinds = plots.qc_intervals(result["QC"], depth)
    assert [k for *_, k in kinds] == ["missing", "suspect", "suspect"]
    top, bottom, _ = kinds[0]
    assert (top, bottom) == (depth[100] - 0.25, depth[119] + 0.25)
    assert any(t.name and t.name.startswith("QC: no prediction") for t in fig.data)


def test_qc_intervals_merge_to_the_display_budget():
    qc = np.array(["OK"] * 100, dtype=object)
    qc[::4] = "washout"  # 25 separate one-sample runs
    runs = plots.qc_intervals(qc, None, max_intervals=5)
    assert len(runs) == 5
    assert runs[0][0] == -0.5 and runs[-1][1] == 96.5  # nothing lost at the ends


def test_inputs_alone_and_missing_curves_are_labelled():
    curves, _, depth = synthetic_well(measured=False)
    fig = plots.depth_tracks(curves.drop(columns=["PE", "CAL"]), None, depth)
    assert not _traces(fig, "predicted")
    notes = {a.text for a in fig.layout.annotations}
    assert {"no PE in file", "no CAL in file"} <= notes


def test_without_depth_the_axis_is_sample_number():
    curves, result, _ = synthetic_well(n=50)
    fig = plots.depth_tracks(curves, result, None, depth_unit="sample")
    assert fig.layout.yaxis.title.text == "Sample number"
    assert list(fig.layout.yaxis.range) == [49.0, 0.0]


def test_long_wells_are_decimated_for_display_only():
    curves, result, depth = synthetic_well(n=5000)
    fig = plots.depth_tracks(curves, result, depth, max_points=1000)
    assert len(_traces(fig, "GR")[0].y) == 1000
    assert "every 5th sample" in fig.layout.title.text


def test_mismatched_lengths_are_refused():
    curves, result, depth = synthetic_well()
    with pytest.raises(ValueError, match="rows"):
        plots.depth_tracks(curves, result.iloc[:10], depth)
    with pytest.raises(ValueError, match="depth"):
        plots.depth_tracks(curves, result, depth[:10])


def test_vp_vs_crossplot_draws_the_mudrock_line():
    curves, result, depth = synthetic_well()
    fig = plots.vp_vs_crossplot(result, curves, depth)
    line = next(t for t in fig.data if t.name.startswith("mudrock"))
    x = np.asarray(line.x, dtype=float)
    assert np.allclose(np.asarray(line.y, dtype=float), 0.862 * x - 1.172)
    pred = _traces(fig, "predicted")[0]
    assert np.nanmax(pred.x) == pytest.approx(304.8 / np.nanmin(result["DTC_PRED"]))
    assert _traces(fig, "measured")
    no_measured = plots.vp_vs_crossplot(result)
    assert not _traces(no_measured, "measured")


def test_velocity_conversion():
    assert plots.slowness_to_velocity([304.8, 100.0, 0.0, np.nan]).tolist()[:2] == [1.0, 3.048]
    assert np.isnan(plots.slowness_to_velocity([0.0, np.nan])).all()


def test_pred_vs_measured_has_identity_line_and_scores():
    curves, result, _ = synthetic_well()
    fig = plots.pred_vs_measured(curves["DTC"], result["DTC_PRED"], "DTC", result["QC"])
    assert _traces(fig, "1:1")
    assert "RMSE" in fig.layout.title.text
    assert _traces(fig, "QC flagged") and _traces(fig, "QC OK")


def test_tradeoff_chart_marks_the_chosen_ensemble():
    rows = [
        {"key": "a", "name": "A", "kind": "member", "size_kb": 10, "peak_rss_mb": 100,
         "rmse_contest": 18.0},
        {"key": "full", "name": "Full", "kind": "ensemble", "size_kb": 30, "peak_rss_mb": 150,
         "rmse_contest": 16.0},
        {"key": "light", "name": "Light", "kind": "ensemble", "size_kb": 5, "peak_rss_mb": 90,
         "rmse_contest": 17.0},
    ]
    fig = plots.tradeoff_chart(rows, highlight="light")
    ens = _traces(fig, "ensembles")[0]
    colors = dict(zip(ens.text, ens.marker.color))
    assert colors["light"] != colors["full"]
    assert fig.layout.xaxis.title.text == "peak memory (MB)"
    for flat in ([{**r, "peak_rss_mb": None} for r in rows],
                 [{**r, "peak_rss_mb": 323.0} for r in rows]):  # nothing to tell apart
        layout = plots.tradeoff_chart(flat).layout
        assert layout.xaxis.title.text == "size on disk (kB)" and layout.xaxis.type == "log"


def test_library_never_imports_streamlit():
    code = ("import sys, sonic_model.plots, sonic_model.metrics; "
            "sys.exit('streamlit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR)
    assert done.returncode == 0


def _axis_of(fig: go.Figure, name: str):
    return fig.layout[_traces(fig, name)[0].xaxis.replace("x", "xaxis")]


def _on_the_map(fig: go.Figure) -> tuple[list, list]:
    zden, cnc = list(_axis_of(fig, "ZDEN").range), list(_axis_of(fig, "CNC").range)
    # One linear map for both scales: CNC = 0.45 - 0.6 (ZDEN - 1.95) at both ends.
    assert cnc == pytest.approx([0.45 - 0.6 * (z - 1.95) for z in zden])
    return zden, cnc


def test_density_neutron_default_scales_are_the_matched_pair():
    curves, result, depth = synthetic_well()
    zden, cnc = _on_the_map(plots.depth_tracks(curves, result, depth))
    assert zden == pytest.approx([1.95, 2.95]) and cnc == pytest.approx([0.45, -0.15])


@pytest.mark.parametrize("cnc_value, zden_value", [(0.55, 2.4), (-0.25, 2.4), (0.2, 3.1)],
                         ids=["shaly-neutron-high", "neutron-below-scale", "dense"])
def test_density_neutron_scales_widen_together(cnc_value, zden_value):
    curves, result, depth = synthetic_well()
    curves["CNC"] = cnc_value + np.random.default_rng(3).normal(0, 0.005, len(curves))
    curves["ZDEN"] = zden_value
    zden, cnc = _on_the_map(plots.depth_tracks(curves, result, depth))
    lo_cnc, hi_cnc = sorted(cnc)
    lo_z, hi_z = sorted(zden)
    assert lo_cnc <= curves["CNC"].quantile(0.005) and hi_cnc >= curves["CNC"].quantile(0.995)
    assert lo_z <= zden_value <= hi_z
    assert zden[0] < zden[1] and cnc[0] > cnc[1]  # density right-increasing, neutron reversed
