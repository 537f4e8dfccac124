"""sonic_model.viz.plots: figures as pure functions of frames, checked on synthetic wells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from sonic_model.core.curves import RESULT_COLUMNS
from sonic_model.viz import plots

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


def test_qc_is_a_narrow_strip_with_a_colour_per_reason_not_shading_over_the_curves():
    curves, result, depth = synthetic_well()
    result.loc[305, "QC"] = "outside training range: HRD; washout"  # two reasons, one sample
    fig = plots.depth_tracks(curves, result, depth)
    # No shading across the sonic tracks: the only shapes are the track frames.
    assert not [s for s in fig.layout.shapes if s.yref == "y"]
    strips = [t for t in fig.data if t.name and t.name.startswith("QC: ")]
    assert {t.name for t in strips} == {"QC: missing input", "QC: outside training range",
                                        "QC: washout"}
    assert len({t.fillcolor for t in strips}) == 3 and all(t.showlegend for t in strips)
    for t in strips:
        assert t.fillcolor == plots.QC_COLORS[t.name.removeprefix("QC: ")]
    # All in one narrow track, left of DTC, narrower than any curve track.
    (xref,) = {t.xaxis for t in strips}
    strip = fig.layout[xref.replace("x", "xaxis")].domain
    dtc = fig.layout[_traces(fig, "predicted")[0].xaxis.replace("x", "xaxis")].domain
    gr = fig.layout[_traces(fig, "GR")[0].xaxis.replace("x", "xaxis")].domain
    assert strip[1] <= dtc[0]
    assert (strip[1] - strip[0]) < 0.4 * (gr[1] - gr[0])
    # Each reason has its own column, so a sample with two reasons shows both.
    columns = {t.name: (np.nanmin(t.x), np.nanmax(t.x)) for t in strips}
    spans = sorted(columns.values())
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    washout = next(t for t in strips if t.name == "QC: washout")
    y = np.asarray(washout.y, dtype=float)
    assert np.nanmin(y) <= depth[305] <= np.nanmax(y)


def test_qc_intervals_per_reason():
    curves, result, depth = synthetic_well()
    kinds = plots.qc_intervals(result["QC"], depth)
    assert [k for *_, k in kinds] == ["missing input", "outside training range", "washout"]
    top, bottom, _ = kinds[0]
    assert (top, bottom) == (depth[100] - 0.25, depth[119] + 0.25)


def test_qc_intervals_merge_to_the_display_budget():
    qc = np.array(["OK"] * 100, dtype=object)
    qc[::4] = "washout"  # 25 separate one-sample runs
    runs = plots.qc_intervals(qc, None, max_intervals=5)  # all "washout"
    assert len(runs) == 5
    assert runs[0][0] == -0.5 and runs[-1][1] == 96.5  # nothing lost at the ends


def test_a_missing_curve_gets_no_empty_track():
    curves, _, depth = synthetic_well(measured=False)
    full = plots.depth_tracks(curves, None, depth)
    fig = plots.depth_tracks(curves.drop(columns=["PE", "CAL"]), None, depth)
    assert not _traces(fig, "predicted") and not _traces(fig, "PE") and not _traces(fig, "CAL")
    titles = " ".join(fig.layout[k].title.text or "" for k in fig.layout.to_plotly_json()
                      if k.startswith("xaxis"))
    assert "PE" not in titles and "CAL" not in titles and "GR" in titles
    frames = [s for s in fig.layout.shapes if s.yref == "paper"]
    assert len(frames) == len([s for s in full.layout.shapes if s.yref == "paper"]) - 1
    # An all-null curve counts as missing too; HRM alone keeps the resistivity track.
    curves["PE"] = np.nan
    no_hrd = curves.drop(columns=["HRD"])
    fig = plots.depth_tracks(no_hrd, None, depth)
    assert not _traces(fig, "PE")
    hrm_axis = fig.layout[_traces(fig, "HRM")[0].xaxis.replace("x", "xaxis")]
    assert hrm_axis.type == "log" and hrm_axis.domain is not None


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
    assert np.allclose(np.asarray(line.y, dtype=float), (x - 1.36) / 1.16)  # Castagna 1985
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
    code = ("import sys, sonic_model.viz.plots, sonic_model.core.metrics; "
            "sys.exit('streamlit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR)
    assert done.returncode == 0


def _axis_of(fig: go.Figure, name: str):
    return fig.layout[_traces(fig, name)[0].xaxis.replace("x", "xaxis")]


def _scale(fig: go.Figure, name: str) -> list[float]:
    axis = _axis_of(fig, name)
    rng = list(axis.range)
    return [10 ** v for v in rng] if axis.type == "log" else rng


CONVENTIONAL = {"GR": [0, 150], "CAL": [6, 16], "HRD": [0.2, 2000], "HRM": [0.2, 2000],
                "ZDEN": [1.95, 2.95], "CNC": [0.45, -0.15], "PE": [0, 10]}


def test_fixed_print_scales_by_default_whatever_the_well():
    a_curves, a_result, depth = synthetic_well(seed=1)
    b_curves, b_result, _ = synthetic_well(seed=2)
    b_curves["GR"] *= 2.0                      # a hot well: GR up to ~250
    b_result[["DTC_PRED", "DTC_P10", "DTC_P90"]] -= 20.0   # a fast well
    fig_a = plots.depth_tracks(a_curves, a_result, depth)
    fig_b = plots.depth_tracks(b_curves, b_result, depth)
    for name, scale in CONVENTIONAL.items():
        assert _scale(fig_a, name) == pytest.approx(scale), name
        assert _scale(fig_b, name) == pytest.approx(scale), name
    predicted = _traces(fig_a, "predicted")
    dtc, dts = (fig_a.layout[t.xaxis.replace("x", "xaxis")] for t in predicted)
    assert list(dtc.range) == [140, 40] and list(dts.range) == [240, 40]
    assert [list(fig_b.layout[t.xaxis.replace("x", "xaxis")].range)
            for t in _traces(fig_b, "predicted")] == [[140, 40], [240, 40]]


def test_auto_scales_fit_the_well_and_keep_directions():
    curves, result, depth = synthetic_well()
    curves["GR"] = 200 + 50 * np.random.default_rng(0).random(len(curves))
    fig = plots.depth_tracks(curves, result, depth, scales="auto")
    lo, hi = _scale(fig, "GR")
    assert lo <= curves["GR"].quantile(0.005) and hi >= curves["GR"].quantile(0.995)
    assert lo >= 150 and hi <= 300  # fitted, not the 0-150 print scale
    dtc = _axis_of(fig, "predicted")
    pred = result["DTC_PRED"].dropna()
    assert dtc.range[0] > dtc.range[1]  # still fast to the right
    assert dtc.range[1] <= pred.min() and dtc.range[0] >= pred.max()
    assert dtc.range[0] - dtc.range[1] < 100  # narrower than the 140-40 print scale
    _on_the_map(fig)
    with pytest.raises(ValueError, match="scales"):
        plots.depth_tracks(curves, result, depth, scales="wide")


@pytest.mark.parametrize("scale, log", [((0, 150), False), ((140, 40), False), ((240, 40), False),
                                        ((0, 10), False), ((6, 16), False), ((1.95, 2.95), False),
                                        ((0.45, -0.15), False), ((0.2, 2000), True),
                                        ((8.35, 8.65), False)],
                         ids=["GR", "DTC", "DTS", "PE", "CAL", "ZDEN", "CNC", "HRD", "narrow"])
def test_tick_labels_stay_off_the_track_edges(scale, log):
    ticks = plots.interior_ticks(scale, log)
    assert 1 <= len(ticks) <= 3
    lo, hi = sorted(scale)
    pos = [(np.log10(t) - np.log10(lo)) / (np.log10(hi) - np.log10(lo)) if log
           else (t - lo) / (hi - lo) for t in ticks]
    assert all(0.1 < p < 0.9 for p in pos), (ticks, pos)


def test_neighbouring_tracks_never_label_their_shared_edge():
    curves, result, depth = synthetic_well()
    for scales in ("fixed", "auto"):
        fig = plots.depth_tracks(curves, result, depth, scales=scales)
        for key in fig.layout.to_plotly_json():
            axis = fig.layout[key]
            if not key.startswith("xaxis") or axis.tickvals is None:
                continue
            lo, hi = sorted(axis.range)
            for t in axis.tickvals:
                v = np.log10(t) if axis.type == "log" else t
                assert lo + 0.1 * (hi - lo) < v < hi - 0.1 * (hi - lo), (key, t)
            # the end values are in the scale's title instead, like a print header
            left, right = (10 ** v if axis.type == "log" else v for v in axis.range)
            text = axis.title.text
            assert text.startswith(f"{left:g} ") and text.endswith(f" {right:g}"), text


def test_labels_of_the_tradeoff_chart_do_not_overlap():
    rows = [{"key": k, "name": k, "kind": kind, "size_kb": 100, "peak_rss_mb": rss,
             "rmse_contest": rmse}
            for k, kind, rss, rmse in [("xgb", "member", 145.4, 41.43), ("rf", "member", 146.5, 41.53),
                                       ("knn", "member", 133.9, 41.38), ("gbm", "member", 139.9, 39.64),
                                       ("pcr", "member", 128.3, 26.93), ("full", "ensemble", 170.6, 31.15),
                                       ("light", "ensemble", 151.6, 31.47)]]
    fig = plots.tradeoff_chart(rows, highlight="full", height=380, width=640)
    notes = fig.layout.annotations
    assert sorted(a.text for a in notes) == sorted(r["key"] for r in rows)
    # Rebuild each label's box in pixels from the figure itself.
    m = fig.layout.margin
    pw, ph = fig.layout.width - m.l - m.r, fig.layout.height - m.t - m.b
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    boxes, markers = [], []
    for a in notes:
        px = (a.x - x0) / (x1 - x0) * pw
        py = (y1 - a.y) / (y1 - y0) * ph
        w = plots.LABEL_CHAR_PX * len(a.text) + 6
        cx, cy = px + a.ax, py + a.ay
        boxes.append((cx - w / 2, cy - 7.5, cx + w / 2, cy + 7.5))
        markers.append((px - 7, py - 7, px + 7, py + 7))
        assert 0 <= cx - w / 2 and cx + w / 2 <= pw and 0 <= cy - 7.5 and cy + 7.5 <= ph
    for i, b in enumerate(boxes):
        for j, other in enumerate(boxes + markers):
            if j != i:
                assert not plots._overlaps(b, other), (notes[i].text, j)
    assert fig.layout.width == 640 and fig.layout.height == 380  # readable, not 220 px high


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
def test_density_neutron_auto_scales_fit_together(cnc_value, zden_value):
    curves, result, depth = synthetic_well()
    curves["CNC"] = cnc_value + np.random.default_rng(3).normal(0, 0.005, len(curves))
    curves["ZDEN"] = zden_value
    zden, cnc = _on_the_map(plots.depth_tracks(curves, result, depth, scales="auto"))
    lo_cnc, hi_cnc = sorted(cnc)
    lo_z, hi_z = sorted(zden)
    assert lo_cnc <= curves["CNC"].quantile(0.005) and hi_cnc >= curves["CNC"].quantile(0.995)
    assert lo_z <= zden_value <= hi_z
    assert zden[0] < zden[1] and cnc[0] > cnc[1]  # density right-increasing, neutron reversed


def test_every_qc_reason_has_a_colour_in_the_qc_strip():
    """A reason added to QC_FLAGS without a colour broke the Predict page (KeyError)."""
    from sonic_model.core.qc import QC_FLAGS
    from sonic_model.viz.tracks import QC_COLORS

    assert list(QC_COLORS) == list(QC_FLAGS)
