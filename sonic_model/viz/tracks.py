"""The depth-track figure: input logs, predicted sonic with its band, and a QC flag strip.

It follows the log prints petrophysicists read at a glance: one depth axis increasing
downwards shared by every track (zoom and pan move them together), the conventional fixed
scales by default (so two wells look alike; an auto option fits the scales to the data),
gamma ray with caliper, deep and medium resistivity on a log scale, density with neutron on
the matched limestone-compatible overlay, PE, then a narrow QC strip (one column and colour
per reason) and the predicted DTC and DTS with their P10–P90 bands and any measured sonic.
A track none of whose curves has data is left out rather than drawn empty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sonic_model.core.curves import CURVES
from sonic_model.core.qc import QC_FLAGS, QC_OK, qc_bits
from sonic_model.viz.decimate import DRAWN_BINS, minmax_index, union_index
from sonic_model.viz.scales import (  # noqa: F401
    FIXED_SCALES,
    LOG_CURVES,
    Scales,
    _finite,
    _fmt,
    backup_scales,
    backup_values,
    interior_ticks,
    track_ranges,
)

__all__ = ["depth_tracks", "qc_intervals", "track_ranges", "interior_ticks", "FIXED_SCALES",
           "QC_COLORS", "TRACKS", "depth_label", "Scales"]

# Depth tracks stay SVG whatever their length: in the plotly.js that Streamlit 1.67 bundles,
# Scattergl on a reversed axis draws every point on the bottom edge (checked in Chromium; the
# same figure is right with plotly.py's own plotly.js). SVG lines are one <path> per curve.
# Each curve is drawn as the min and max of bins of samples (viz/decimate.py: peaks kept,
# ``bins``); beyond this many samples the tracks first take every k-th one. Metrics and
# downloads always use them all.
MAX_TRACK_POINTS = 20_000
# Flag rectangles per QC reason; beyond this the closest intervals are joined (a display
# budget: the browser slows past a few hundred polygons).
MAX_QC_INTERVALS = 200

PRED_COLOR = "#0b5394"
BAND_COLOR = "rgba(11, 83, 148, 0.22)"
MEASURED_COLOR = "#111111"
GRID = "rgba(0, 0, 0, 0.12)"
# One colour per QC reason, distinct from the curve colours, in QC_FLAGS order.
QC_COLORS: dict[str, str] = {
    "missing input": "#9e9e9e",
    "outside training range": "#ef6c00",
    "unfamiliar log combination": "#c2185b",
    "washout": "#8d6e63",
    "model chosen by hand": "#6a1b9a",
    "measured DTC inconsistent": "#00838f",
}

UNITS = {name: curve.unit for name, curve in CURVES.items()}


@dataclass(frozen=True)
class TrackCurve:
    name: str
    color: str
    dash: str = "solid"
    same_axis: bool = False  # drawn on the track's first axis (e.g. HRM beside HRD)


@dataclass(frozen=True)
class Track:
    title: str
    curves: tuple[TrackCurve, ...]
    width: float


TRACKS: tuple[Track, ...] = (
    Track("Gamma ray", (TrackCurve("GR", "#2e7d32"), TrackCurve("CAL", "#6d4c41", "dash")), 1.0),
    Track("Resistivity", (TrackCurve("HRD", "#c62828"),
                          TrackCurve("HRM", "#1565c0", "dash", same_axis=True)), 1.0),
    Track("Density–neutron", (TrackCurve("ZDEN", "#c62828"),
                              TrackCurve("CNC", "#1565c0", "dash")), 1.1),
    Track("PE", (TrackCurve("PE", "#7b1fa2"),), 0.6),
)
QC_TRACK = Track("QC", (), 0.32)
SONIC_TRACKS = tuple(Track(name, (TrackCurve(name, PRED_COLOR),), 1.25) for name in ("DTC", "DTS"))
GAP = 0.03          # between tracks, in track-width units
Y_TOP = 0.88        # the tracks' top; two rows of scales above


# --------------------------------------------------------------------------- small helpers

def depth_label(depth_unit: str) -> str:
    return {"ft": "Depth (ft)", "m": "Depth (m)"}.get(depth_unit, "Sample number")


def _has_data(frame: Mapping, name: str) -> bool:
    return name in frame and bool(np.isfinite(np.asarray(frame[name], dtype=float)).any())


def _depth_axis(depth, n: int) -> np.ndarray:
    if depth is None:
        return np.arange(n, dtype=float)
    d = np.asarray(depth, dtype=float).reshape(-1)
    if d.size != n:
        raise ValueError(f"depth has {d.size} values for {n} samples; pass one depth per row")
    return d


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a boolean array."""
    m = np.asarray(mask, dtype=bool)
    if not m.size:
        return []
    edges = np.diff(np.concatenate([[0], m.view(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _merge_runs(runs: list[tuple[int, int]], budget: int) -> list[tuple[int, int]]:
    gaps = np.array([runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)])
    # Keep the (budget - 1) widest gaps as breaks; close all the others.
    keep = set(np.argsort(gaps, kind="stable")[::-1][: budget - 1].tolist())
    merged = [list(runs[0])]
    for i in range(len(runs) - 1):
        if i in keep:
            merged.append(list(runs[i + 1]))
        else:
            merged[-1][1] = runs[i + 1][1]
    return [tuple(r) for r in merged]


def _polygons(parts: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Closed polygons joined into one trace, separated by NaN (drawn apart, nothing between).

    Arrays rather than lists with None: plotly validates and serialises them ~50x faster.
    """
    gap = np.array([np.nan])
    xs, ys = [], []
    for x, y in parts:
        xs += [x, x[:1], gap]
        ys += [y, y[:1], gap]
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


def _band_polygon(lower, upper, depth) -> tuple[np.ndarray, np.ndarray]:
    """P10–P90 band as one polygon per run of finite samples (nothing drawn across gaps)."""
    lo, hi, d = (np.asarray(a, dtype=float) for a in (lower, upper, depth))
    ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(d)
    return _polygons((np.concatenate([lo[a:b], hi[a:b][::-1]]),
                      np.concatenate([d[a:b], d[a:b][::-1]])) for a, b in _runs(ok))


# --------------------------------------------------------------------------- scales

# --------------------------------------------------------------------------- QC

def qc_intervals(qc: Iterable[str], depth=None, max_intervals: int = MAX_QC_INTERVALS
                 ) -> list[tuple[float, float, str]]:
    """Flagged depth intervals as (top, bottom, reason), reason a key of QC_FLAGS.

    A sample with two reasons lies in an interval of each. Consecutive flagged samples form
    one interval reaching half a sample beyond its end samples. When a reason yields more than
    ``max_intervals`` intervals, those separated by the smallest gaps are joined until it does
    not (a display budget).
    """
    texts = pd.Series(list(qc), dtype="object").fillna(QC_OK).astype(str)
    n = len(texts)
    d = _depth_axis(depth, n)
    if not n:
        return []
    bits = qc_bits(texts)
    step = np.diff(d)
    finite = step[np.isfinite(step)]
    half = float(np.abs(np.median(finite))) / 2 if finite.size else 0.5
    out: list[tuple[float, float, str]] = []
    for reason, bit in QC_FLAGS.items():
        runs = _runs((bits & bit) != 0)
        if len(runs) > max_intervals:
            runs = _merge_runs(runs, max_intervals)
        for start, stop in runs:
            a, b = d[start], d[stop - 1]
            if not (np.isfinite(a) and np.isfinite(b)):
                continue  # rows without depth (kept at the end by the reader) are not on the log
            top, bottom = (a, b) if a <= b else (b, a)
            out.append((float(top - half), float(bottom + half), reason))
    return out


def _add_qc_strip(fig: go.Figure, qc, depth: np.ndarray, xref: str) -> None:
    """One column per QC reason, filled where the reason applies, in the reason's colour."""
    by_reason: dict[str, list] = {}
    for top, bottom, reason in qc_intervals(qc, depth):
        by_reason.setdefault(reason, []).append((top, bottom))
    for i, reason in enumerate(QC_FLAGS):
        if reason not in by_reason:
            continue
        x0, x1 = i + 0.1, i + 0.9
        x, y = _polygons((np.array([x0, x1, x1, x0]), np.array([t, t, b, b]))
                         for t, b in by_reason[reason])
        fig.add_trace(go.Scatter(
            x=x, y=y, xaxis=xref, yaxis="y", mode="lines", fill="toself",
            fillcolor=QC_COLORS[reason], line={"width": 0}, name=f"QC: {reason}",
            legendgroup=f"qc-{reason}", showlegend=True, hoverinfo="skip"))


# --------------------------------------------------------------------------- the tracks

def _plan(curves: pd.DataFrame, result: pd.DataFrame | None) -> list[Track]:
    """The tracks to draw: inputs with data (a track keeps only its curves with data), the QC
    strip and the sonic tracks when there is a result."""
    tracks = []
    for t in TRACKS:
        present = tuple(c for c in t.curves if _has_data(curves, c.name))
        if present:
            # HRM alone takes the first axis itself.
            present = tuple(c if i or not c.same_axis else TrackCurve(c.name, c.color, c.dash)
                            for i, c in enumerate(present))
            tracks.append(Track(t.title, present, t.width))
    if result is not None:
        if "QC" in result:
            tracks.append(QC_TRACK)
        tracks += SONIC_TRACKS
    return tracks


def _domains(tracks: list[Track]) -> list[tuple[float, float]]:
    total = sum(t.width for t in tracks) + GAP * (len(tracks) - 1)
    out, left = [], 0.0
    for t in tracks:
        out.append((min(left / total, 1.0), min((left + t.width) / total, 1.0)))
        left += t.width + GAP
    return out


def _scale_title(names: list[TrackCurve], rng: list[float], log: bool) -> dict:
    unit = UNITS.get(names[0].name, "")
    label = "/".join(f"<span style='color:{c.color}'>{c.name}</span>" for c in names)
    return {"text": f"{_fmt(rng[0])}  {label} ({unit})  {_fmt(rng[1])}",
            "font": {"size": 10}, "standoff": 2}


def _axis(rng: list[float], log: bool, dom: tuple[float, float] | None, overlay: str | None
          ) -> dict:
    axis = {"side": "top", "showgrid": True, "gridcolor": GRID, "zeroline": False,
            "ticks": "outside", "ticklen": 3, "tickfont": {"size": 10}, "showline": True,
            "linecolor": "#444", "tickmode": "array", "tickvals": interior_ticks(rng, log)}
    axis["ticktext"] = [_fmt(v) for v in axis["tickvals"]]
    if log:
        axis.update(type="log", range=[math.log10(rng[0]), math.log10(rng[1])])
    else:
        axis["range"] = list(rng)
    if overlay is None:
        axis.update(domain=list(dom), anchor="y")
    else:  # a second scale drawn above the primary one, on the same track
        axis.update(overlaying=overlay, anchor="free", position=0.955, showgrid=False)
    return axis


def _add_curve(fig: go.Figure, curves: pd.DataFrame, tc: TrackCurve, d32, take, xref,
               scale, bins: int) -> None:
    x = np.asarray(curves[tc.name], dtype=np.float32)[take]
    drawn = minmax_index(x, bins)
    fig.add_trace(go.Scatter(
        x=x[drawn], y=d32[drawn], xaxis=xref, yaxis="y",
        name=tc.name, mode="lines", line={"color": tc.color, "width": 1.1, "dash": tc.dash},
        showlegend=False, connectgaps=False,
        hovertemplate=f"{tc.name}: %{{x:.3~g}} {UNITS.get(tc.name, '')}<extra></extra>"))
    _add_off_scale(fig, tc.name, x, d32, xref, scale, tc.color)


def _add_off_scale(fig: go.Figure, name: str, x: np.ndarray, d, xref: str, scale,
                   color: str, label: str | None = None) -> None:
    """What a print draws for values beyond the track: the backup curve (one scale width
    back onto the track, dotted and lighter; its scale is written in the track) and, for
    values the backup cannot hold either, a marker on the edge. The hover gives the value."""
    backup, pinned = backup_values(x, scale, log=name in LOG_CURVES)
    unit = UNITS.get(name, "")
    label = label or name
    finite = np.isfinite(backup)
    if finite.any():
        # Only the samples beyond the scale, each run followed by one missing value (a break
        # in the line): a full-length, mostly empty trace was most of the figure's bytes.
        # Lines only: a per-point marker array here made plotly.js spend seconds per track;
        # a single sample beyond the scale (no line to draw) gets a marker of its own.
        keep = finite | np.r_[False, finite[:-1]]
        fig.add_trace(go.Scatter(
            x=backup[keep].astype(np.float32), y=np.asarray(d)[keep], customdata=x[keep],
            xaxis=xref, yaxis="y",
            name=f"{label} backup", mode="lines", opacity=0.6, connectgaps=False,
            line={"color": color, "width": 1.0, "dash": "dot"},
            legendgroup="backup", showlegend=False, meta={"backup_of": label},
            hovertemplate=f"{label} (backup scale): %{{customdata:.3~g}} {unit}<extra></extra>"))
        alone = finite & ~(np.r_[False, finite[:-1]] | np.r_[finite[1:], False])
        if alone.any():
            fig.add_trace(go.Scatter(
                x=backup[alone].astype(np.float32), y=np.asarray(d)[alone],
                customdata=x[alone], xaxis=xref, yaxis="y", name=f"{label} backup sample",
                mode="markers", opacity=0.6, marker={"size": 4, "color": color},
                legendgroup="backup", showlegend=False, meta={"backup_of": label},
                hoverinfo="skip"))
    if np.isfinite(pinned).any():
        keep = np.isfinite(pinned)
        fig.add_trace(go.Scatter(
            x=pinned[keep].astype(np.float32), y=np.asarray(d)[keep], customdata=x[keep],
            xaxis=xref, yaxis="y", name=f"{label} off scale", mode="markers",
            marker={"symbol": "line-ns-open", "size": 7, "color": color},
            legendgroup="offscale", showlegend=False, meta={"off_scale_of": label},
            hovertemplate=f"{label} off scale: %{{customdata:.3~g}} {unit}<extra></extra>"))


def _backup_note(layout: dict, dom, values: list, scale) -> None:
    """The backup scale's ends written inside the track's top, in grey."""
    ends = backup_scales(np.concatenate([_finite(v) for v in values]), scale)
    if not ends:
        return
    text = "backup " + ", ".join(f"{_fmt(a)}–{_fmt(b)}" for a, b in ends)
    layout.setdefault("annotations", []).append(dict(
        x=(dom[0] + dom[1]) / 2, y=Y_TOP, xref="paper", yref="paper", yanchor="top",
        text=text, showarrow=False, font={"size": 9, "color": "#777"},
        bgcolor="rgba(255,255,255,0.8)"))


def _add_sonic(fig: go.Figure, name: str, result: pd.DataFrame, curves: pd.DataFrame,
               d: np.ndarray, take: slice, xref: str, scale, bins: int) -> None:
    first = name == "DTC"  # one legend entry per role, not per track
    p10, p90 = result.get(f"{name}_P10"), result.get(f"{name}_P90")
    custom = None
    template = f"{name} predicted: %{{x:.1f}} us/ft"
    if p10 is not None and p90 is not None:
        lo = np.asarray(p10, dtype=np.float32)[take]
        hi = np.asarray(p90, dtype=np.float32)[take]
        edges = union_index(lo, hi, bins=bins)
        bx, by = _band_polygon(lo[edges], hi[edges], d[edges])
        if bx.size:
            fig.add_trace(go.Scatter(
                x=bx, y=by, xaxis=xref, yaxis="y", mode="lines", fill="toself",
                fillcolor=BAND_COLOR, line={"width": 0}, name="P10–P90 band",
                legendgroup="band", showlegend=first, hoverinfo="skip"))
        custom = np.column_stack([lo, hi])
        template += " (P10 %{customdata[0]:.1f}, P90 %{customdata[1]:.1f})"
    pred = np.asarray(result[f"{name}_PRED"], dtype=np.float32)[take]
    drawn = minmax_index(pred, bins)
    fig.add_trace(go.Scatter(
        x=pred[drawn], y=d[drawn], customdata=None if custom is None else custom[drawn],
        xaxis=xref, yaxis="y", mode="lines", line={"color": PRED_COLOR, "width": 1.4},
        name="predicted", legendgroup="pred", showlegend=first, connectgaps=False,
        hovertemplate=template + "<extra></extra>"))
    _add_off_scale(fig, name, pred, d, xref, scale, PRED_COLOR, f"{name} predicted")
    if _has_data(curves, name):
        measured = np.asarray(curves[name], dtype=np.float32)[take]
        drawn = minmax_index(measured, bins)
        fig.add_trace(go.Scatter(
            x=measured[drawn], y=d[drawn], xaxis=xref, yaxis="y",
            mode="lines", line={"color": MEASURED_COLOR, "width": 1.0},
            name="measured", legendgroup="measured", showlegend=first, connectgaps=False,
            hovertemplate=f"{name} measured: %{{x:.1f}} us/ft<extra></extra>"))
        _add_off_scale(fig, name, measured, d, xref, scale, MEASURED_COLOR, f"{name} measured")


def _depth_yaxis(d: np.ndarray, depth_unit: str) -> dict:
    axis = {"domain": [0.0, Y_TOP], "autorange": "reversed",
            "title": {"text": depth_label(depth_unit)}, "showgrid": True, "gridcolor": GRID,
            "zeroline": False, "ticks": "outside", "anchor": "x",
            "tickformat": f".{_depth_decimals(d)}f",
            "hoverformat": ".1f" if depth_unit in ("ft", "m") else ".0f",
            "showspikes": True, "spikemode": "across", "spikethickness": 1,
            "spikecolor": "#555", "spikedash": "dot"}
    if d.size and np.isfinite(d).any():
        axis["range"] = [float(np.nanmax(d)), float(np.nanmin(d))]
        axis.pop("autorange")
    return axis


def _depth_decimals(d: np.ndarray) -> int:
    """Decimals the depth ticks need to differ: none for a log of tens of feet, more for a
    file of a few samples (three samples 0.5 ft apart would otherwise all read "1000")."""
    finite = d[np.isfinite(d)] if d.size else d
    span = float(finite.max() - finite.min()) if finite.size > 1 else 0.0
    if span >= 20 or span <= 0:
        return 0
    return min(3, max(1, math.ceil(-math.log10(span / 20))))


def _axis_key(no: int) -> str:
    return "xaxis" if no == 1 else f"xaxis{no}"


def _axis_ref(no: int) -> str:
    return "x" if no == 1 else f"x{no}"


def _draw_qc_track(fig: go.Figure, layout: dict, no: int, dom, qc, depth) -> None:
    layout[_axis_key(no)] = {
        "domain": list(dom), "anchor": "y", "side": "top", "range": [0, len(QC_FLAGS)],
        "showticklabels": False, "showgrid": False, "zeroline": False, "fixedrange": True,
        "title": {"text": "QC", "font": {"size": 10}, "standoff": 2}}
    _add_qc_strip(fig, qc, depth, _axis_ref(no))


def _draw_curve_track(fig: go.Figure, layout: dict, no: int, dom, track: Track,
                      ranges: dict, curves: pd.DataFrame, result, d32, take, bins: int) -> int:
    """Axes and traces of one input or sonic track from axis number ``no``; returns the last
    axis number used (an overlaid second scale takes one more)."""
    first = track.curves[0]
    log = first.name in LOG_CURVES
    axis = _axis(ranges[first.name], log, dom, None)
    axis["title"] = _scale_title([c for c in track.curves if c is first or c.same_axis],
                                 ranges[first.name], log)
    layout[_axis_key(no)] = axis
    primary, last = _axis_ref(no), no
    for tc in track.curves:
        xref = primary
        if tc is not first and not tc.same_axis:
            last += 1
            xref = _axis_ref(last)
            over = _axis(ranges[tc.name], tc.name in LOG_CURVES, None, primary)
            over["title"] = _scale_title([tc], ranges[tc.name], tc.name in LOG_CURVES)
            layout[_axis_key(last)] = over
        if track in SONIC_TRACKS:
            _add_sonic(fig, tc.name, result, curves, d32, take, xref, ranges[tc.name], bins)
        else:
            _add_curve(fig, curves, tc, d32, take, xref, ranges[tc.name], bins)
    if first.name not in LOG_CURVES:
        drawn = [np.asarray(curves[first.name], dtype=float)[take]] if _has_data(
            curves, first.name) else []
        if track in SONIC_TRACKS:
            drawn.append(np.asarray(result[f"{first.name}_PRED"], dtype=float)[take])
        if drawn:
            _backup_note(layout, dom, drawn, ranges[first.name])
    return last


def _finish(fig: go.Figure, layout: dict, frames: list[dict], title: str, height: int) -> None:
    fig.update_layout(
        **layout, shapes=frames, height=height,
        margin={"l": 70, "r": 20, "t": 40 if title else 20, "b": 40},
        title={"text": title, "x": 0.0, "font": {"size": 15}} if title else None,
        plot_bgcolor="white", paper_bgcolor="white",
        hovermode="y unified", hoversubplots="axis", hoverdistance=-1,
        hoverlabel={"font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.92)"},
        legend={"orientation": "h", "x": 0.0, "y": -0.015, "yanchor": "top",
                "font": {"size": 11}, "itemclick": "toggle"},
        dragmode="zoom", uirevision="tracks")


def depth_tracks(curves: pd.DataFrame, result: pd.DataFrame | None = None, depth=None, *,
                 depth_unit: str = "ft", title: str | None = None, height: int = 860,
                 max_points: int = MAX_TRACK_POINTS, scales: Scales = "fixed",
                 bins: int = DRAWN_BINS) -> go.Figure:
    """One figure of log tracks sharing a reversed depth axis.

    ``curves`` holds canonical input curves (any subset of GR, CAL, HRD, HRM, ZDEN, CNC, PE)
    and, when measured, DTC/DTS; ``result`` the ensemble's result columns (same rows), or None
    to show the inputs alone. ``depth`` gives one depth per row (None: sample numbers) in
    ``depth_unit`` ("ft", "m" or "sample"). ``scales``: "fixed" print scales or "auto" (fitted
    to this well). Long wells are decimated for display to at most ``max_points`` samples,
    and each curve is drawn as the min and max of ``bins`` bins (0: every sample); backup
    curves hold every sample beyond the scale.
    """
    n = len(curves)
    if result is not None and len(result) != n:
        raise ValueError(f"result has {len(result)} rows for {n} input rows")
    d_full = _depth_axis(depth, n)
    stride = max(1, math.ceil(n / max_points)) if max_points else 1
    take = slice(None, None, stride)
    d32 = d_full[take].astype(np.float32)  # float32 halves what the browser downloads
    ranges = track_ranges(curves, result, scales)
    tracks = _plan(curves, result)

    fig = go.Figure()
    layout: dict = {"yaxis": _depth_yaxis(d_full[take], depth_unit)}
    frames: list[dict] = []  # a box round every track, like a print
    no = 0
    for track, dom in zip(tracks, _domains(tracks)):
        frames.append(dict(type="rect", xref="paper", yref="paper", x0=dom[0], x1=dom[1],
                           y0=0, y1=Y_TOP, line={"color": "#444", "width": 1}, layer="above"))
        no += 1
        if track is QC_TRACK:
            _draw_qc_track(fig, layout, no, dom, result["QC"], d_full)
        else:
            no = _draw_curve_track(fig, layout, no, dom, track, ranges, curves, result, d32,
                                   take, bins)
    head = title or ""
    if stride > 1:
        head += f"  <span style='font-size:11px;color:#777'>(every {stride}th sample shown)</span>"
    _finish(fig, layout, frames, head, height)
    return fig
