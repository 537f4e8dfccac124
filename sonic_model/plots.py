"""Plotly figures of wells and predictions, as pure functions of data frames (no Streamlit).

The depth-track figure follows log-display conventions petrophysicists read at a glance: one
depth axis increasing downwards shared by every track (so zoom and pan move them together),
scales along the top, gamma ray with caliper, deep and medium resistivity on a log scale,
density with neutron on the usual reversed limestone-compatible overlay, PE, then the predicted
sonic with its P10–P90 band and the measured curve where the well has one. The crossplots are
the quick sanity checks: predicted against measured, and Vp against Vs with Castagna's mudrock
line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .metrics import curve_metrics
from .curves import CURVES
from .qc import QC_FLAGS, QC_OK, qc_bits

__all__ = [
    "depth_tracks", "pred_vs_measured", "vp_vs_crossplot", "tradeoff_chart", "qc_intervals",
    "slowness_to_velocity", "mudrock_vs", "depth_label", "TRACKS",
]

# 1 ft/us = 304.8 km/s: velocity in km/s from slowness in us/ft.
KM_S_PER_FT_US = 304.8
# Castagna et al. (1985) mudrock line for water-saturated clastics, km/s.
MUDROCK_SLOPE = 0.862
MUDROCK_INTERCEPT = -1.172

# Crossplots switch to WebGL above this many points (SVG markers are one DOM node each).
WEBGL_MIN_POINTS = 2_000
# Depth tracks stay SVG whatever their length: in the plotly.js that Streamlit 1.67 bundles,
# Scattergl on a reversed axis draws every point on the bottom edge (checked in Chromium; the
# same figure is right with plotly.py's own plotly.js). SVG lines are one <path> per curve, and
# plotly simplifies them, so an 11,000-sample well stays quick. Beyond this many samples the
# tracks show every k-th one; metrics and downloads still use them all.
MAX_TRACK_POINTS = 20_000
# Shapes are cheap individually but the browser slows past a few hundred.
MAX_QC_SHAPES = 200

PRED_COLOR = "#0b5394"
BAND_COLOR = "rgba(11, 83, 148, 0.25)"
MEASURED_COLOR = "#111111"
QC_COLORS = {"missing": "rgba(120, 120, 120, 0.28)", "suspect": "rgba(255, 152, 0, 0.30)"}
QC_LABELS = {"missing": "QC: no prediction (missing input)",
             "suspect": "QC: suspect (out of range, unfamiliar inputs, washout)"}
GRID = "rgba(0, 0, 0, 0.12)"


@dataclass(frozen=True)
class TrackCurve:
    name: str
    color: str
    default_range: tuple[float, float]   # left, right (right < left for a reversed scale)
    log: bool = False
    dash: str = "solid"
    same_axis: bool = False  # drawn on the track's first axis (e.g. HRM beside HRD)


@dataclass(frozen=True)
class Track:
    title: str
    curves: tuple[TrackCurve, ...]
    width: float


# The input tracks, left to right, as data: the standard scales widen to fit a well's values.
TRACKS: tuple[Track, ...] = (
    Track("Gamma ray", (TrackCurve("GR", "#2e7d32", (0.0, 150.0)),
                        TrackCurve("CAL", "#6d4c41", (6.0, 16.0), dash="dash")), 1.0),
    Track("Resistivity", (TrackCurve("HRD", "#c62828", (0.2, 2000.0), log=True),
                          TrackCurve("HRM", "#1565c0", (0.2, 2000.0), log=True, dash="dash",
                                     same_axis=True)), 1.0),
    Track("Density–neutron", (TrackCurve("ZDEN", "#c62828", (1.95, 2.95)),
                              TrackCurve("CNC", "#1565c0", (0.45, -0.15), dash="dash")), 1.1),
    Track("PE", (TrackCurve("PE", "#7b1fa2", (0.0, 10.0)),), 0.6),
)
SONIC_TRACK_WIDTH = 1.25
# The density–neutron overlay is one matched pair on a limestone-compatible scale: 1.95–2.95
# g/cm3 against 0.45 to -0.15 v/v, i.e. CNC = 0.45 - 0.6 (ZDEN - 1.95) at every point of the
# track, so crossover and separation read the same whatever the well. Wider wells widen both
# scales through this same map, in steps of 0.05 g/cm3 (0.03 v/v).
DN_ZDEN_AT_LEFT = 1.95
DN_CNC_AT_LEFT = 0.45
DN_CNC_PER_ZDEN = -0.6
DN_STEP_ZDEN = 0.05
UNITS = {name: curve.unit for name, curve in CURVES.items()}  # axis titles and hover


# --------------------------------------------------------------------------- small helpers

def slowness_to_velocity(slowness_us_ft) -> np.ndarray:
    """Velocity in km/s from slowness in us/ft (NaN where slowness is missing or not positive)."""
    dt = np.asarray(slowness_us_ft, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dt > 0, KM_S_PER_FT_US / dt, np.nan)


def mudrock_vs(vp_km_s) -> np.ndarray:
    """Castagna's mudrock line: Vs = 0.862 Vp - 1.172 (km/s)."""
    return MUDROCK_SLOPE * np.asarray(vp_km_s, dtype=float) + MUDROCK_INTERCEPT


def depth_label(depth_unit: str) -> str:
    return {"ft": "Depth (ft)", "m": "Depth (m)"}.get(depth_unit, "Sample number")


def _finite(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return v[np.isfinite(v)]


def _has_data(frame: Mapping, name: str) -> bool:
    return name in frame and bool(np.isfinite(np.asarray(frame[name], dtype=float)).any())


def _fit_range(values, default: tuple[float, float], log: bool = False) -> list[float]:
    """The standard scale, widened (never narrowed) to hold the 0.5–99.5 percentiles."""
    left, right = default
    lo_d, hi_d = min(left, right), max(left, right)
    v = _finite(values)
    if log:
        v = v[v > 0]
    if v.size:
        lo, hi = np.percentile(v, [0.5, 99.5])
        if log:
            lo_d = min(lo_d, 10 ** math.floor(math.log10(lo)))
            hi_d = max(hi_d, 10 ** math.ceil(math.log10(hi)))
        else:
            span = hi_d - lo_d
            step = 10 ** math.floor(math.log10(span)) / 2 if span > 0 else 1.0
            if lo < lo_d:
                lo_d = math.floor(lo / step) * step
            if hi > hi_d:
                hi_d = math.ceil(hi / step) * step
    if log:
        lo_d, hi_d = math.log10(lo_d), math.log10(hi_d)
    return [hi_d, lo_d] if right < left else [lo_d, hi_d]


def zden_to_cnc_scale(zden) -> np.ndarray:
    """The CNC value drawn at the same place as a ZDEN value on the density–neutron track."""
    return DN_CNC_AT_LEFT + DN_CNC_PER_ZDEN * (np.asarray(zden, dtype=float) - DN_ZDEN_AT_LEFT)


def cnc_to_zden_scale(cnc) -> np.ndarray:
    return DN_ZDEN_AT_LEFT + (np.asarray(cnc, dtype=float) - DN_CNC_AT_LEFT) / DN_CNC_PER_ZDEN


def density_neutron_ranges(zden=None, cnc=None) -> dict[str, list[float]]:
    """Axis ranges [left, right] of ZDEN and CNC on one linear map (see DN_* above).

    The standard 1.95–2.95 g/cm3 / 0.45 to -0.15 v/v, widened (never narrowed) until the
    0.5–99.5 percentiles of both curves fit, the neutron expressed in density units.
    """
    lo, hi = DN_ZDEN_AT_LEFT, DN_ZDEN_AT_LEFT + 1.0
    for v in (_finite([] if zden is None else zden),
              cnc_to_zden_scale(_finite([] if cnc is None else cnc))):
        if v.size:
            p_lo, p_hi = np.percentile(v, [0.5, 99.5])
            lo = min(lo, math.floor(round(p_lo / DN_STEP_ZDEN, 6)) * DN_STEP_ZDEN)
            hi = max(hi, math.ceil(round(p_hi / DN_STEP_ZDEN, 6)) * DN_STEP_ZDEN)
    lo, hi = round(lo, 4), round(hi, 4)
    return {"ZDEN": [lo, hi],
            "CNC": [round(float(zden_to_cnc_scale(lo)), 4), round(float(zden_to_cnc_scale(hi)), 4)]}


def _sonic_range(*series) -> list[float]:
    """Slowness scale, reversed (fast rock to the right) as on a field print, padded 5 %."""
    v = np.concatenate([_finite(s) for s in series if s is not None] or [np.array([])])
    if not v.size:
        return [140.0, 40.0]
    lo, hi = np.percentile(v, [0.2, 99.8])
    pad = max((hi - lo) * 0.05, 2.0)
    lo, hi = math.floor((lo - pad) / 10) * 10, math.ceil((hi + pad) / 10) * 10
    return [float(hi), float(max(lo, 0.0))]


def _depth_axis(depth, n: int) -> np.ndarray:
    if depth is None:
        return np.arange(n, dtype=float)
    d = np.asarray(depth, dtype=float).reshape(-1)
    if d.size != n:
        raise ValueError(f"depth has {d.size} values for {n} samples; pass one depth per row")
    return d


def _scatter_cls(n: int):
    return go.Scattergl if n > WEBGL_MIN_POINTS else go.Scatter


def _band_polygon(lower, upper, depth) -> tuple[np.ndarray, np.ndarray]:
    """P10–P90 band as closed polygons, one per run of finite samples, separated by NaN.

    A polygon per run (rather than fill='tonextx') keeps the band honest across gaps: nothing
    is drawn through missing intervals. Arrays rather than lists with None: plotly validates
    and serialises them ~50x faster.
    """
    lo, hi, d = (np.asarray(a, dtype=float) for a in (lower, upper, depth))
    ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(d)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for start, stop in _runs(ok):
        seg = slice(start, stop)
        xs += [lo[seg], hi[seg][::-1], lo[seg][:1], gap]
        ys += [d[seg], d[seg][::-1], d[seg][:1], gap]
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a boolean array."""
    m = np.asarray(mask, dtype=bool)
    if not m.size:
        return []
    edges = np.diff(np.concatenate([[0], m.view(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def qc_intervals(qc: Iterable[str], depth=None, max_intervals: int = MAX_QC_SHAPES
                 ) -> list[tuple[float, float, str]]:
    """Flagged depth intervals as (top, bottom, kind), kind "missing" or "suspect".

    Consecutive flagged samples form one interval reaching half a sample beyond its end
    samples. A flag containing "missing input" means no prediction; anything else not "OK"
    is "suspect". When a well yields more than ``max_intervals`` per kind, the intervals
    separated by the smallest gaps are joined until it does not (a display budget).
    """
    texts = pd.Series(list(qc), dtype="object").fillna(QC_OK).astype(str)
    n = len(texts)
    d = _depth_axis(depth, n)
    if not n:
        return []
    missing = (qc_bits(texts) & QC_FLAGS["missing input"]) != 0
    suspect = (texts != QC_OK).to_numpy() & ~missing
    step = np.diff(d)
    half = np.abs(np.median(step[np.isfinite(step)])) / 2 if step.size else 0.5
    out: list[tuple[float, float, str]] = []
    for kind, mask in (("missing", missing), ("suspect", suspect)):
        runs = _runs(mask)
        if len(runs) > max_intervals:
            runs = _merge_runs(runs, max_intervals)
        for start, stop in runs:
            a, b = d[start], d[stop - 1]
            if not (np.isfinite(a) and np.isfinite(b)):
                continue  # rows without depth (kept at the end by the reader) are not on the log
            top, bottom = (a, b) if a <= b else (b, a)
            out.append((float(top - half), float(bottom + half), kind))
    return out


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


def _axis_title(curve: TrackCurve) -> dict:
    return {"text": f"{curve.name} ({UNITS.get(curve.name, '')})",
            "font": {"color": curve.color, "size": 12}, "standoff": 2}


def _axis_name(i: int) -> str:
    return "xaxis" if i == 1 else f"xaxis{i}"


def _ref(i: int) -> str:
    return "x" if i == 1 else f"x{i}"


# --------------------------------------------------------------------------- the depth tracks

def depth_tracks(curves: pd.DataFrame, result: pd.DataFrame | None = None, depth=None, *,
                 depth_unit: str = "ft", title: str | None = None,
                 height: int = 860, max_points: int = MAX_TRACK_POINTS) -> go.Figure:
    """One figure of log tracks sharing a reversed depth axis.

    ``curves`` holds canonical input curves (any subset of GR, CAL, HRD, HRM, ZDEN, CNC, PE)
    and, when measured, DTC/DTS; ``result`` the ensemble's result columns (same rows), or None
    to show the inputs alone. ``depth`` gives one depth per row (None: sample numbers) in
    ``depth_unit`` ("ft", "m" or "sample"). Long wells are decimated for display to at most
    ``max_points`` samples per curve (SVG; see MAX_TRACK_POINTS for why not WebGL).
    """
    n = len(curves)
    if result is not None and len(result) != n:
        raise ValueError(f"result has {len(result)} rows for {n} input rows")
    d_full = _depth_axis(depth, n)
    stride = max(1, math.ceil(n / max_points)) if max_points else 1
    take = slice(None, None, stride)
    d = d_full[take]
    # float32 halves what the browser downloads and parses; 7 digits is plenty for display.
    d32 = d.astype(np.float32)
    dn_ranges = density_neutron_ranges(curves.get("ZDEN"), curves.get("CNC"))

    tracks: list[tuple[str, tuple[TrackCurve, ...], float]] = [
        (t.title, t.curves, t.width) for t in TRACKS]
    sonic = []
    if result is not None:
        for name in ("DTC", "DTS"):
            sonic.append(name)
            tracks.append((name, (TrackCurve(name, PRED_COLOR, (0.0, 0.0)),), SONIC_TRACK_WIDTH))

    gap = 0.022  # room for the end labels of neighbouring scales
    total = sum(w for _, _, w in tracks) + gap * (len(tracks) - 1)
    y_top = 0.88  # room above for two rows of scales per track
    fig = go.Figure()
    layout: dict = {}
    # Shapes and notes are collected and set once: fig.add_shape re-validates every shape
    # already there, which made 24 QC intervals cost 0.2 s.
    shapes: list[dict] = []
    notes: list[dict] = []
    domains: dict[str, tuple[float, float]] = {}
    left = 0.0
    axis_no = 0
    unit_fmt = ".1f" if depth_unit in ("ft", "m") else ".0f"

    for title_text, track_curves, width in tracks:
        dom = (min(left / total, 1.0), min((left + width) / total, 1.0))  # float rounding
        left += width + gap
        domains[title_text] = dom
        primary = 0
        for k, tc in enumerate(track_curves):
            is_sonic = tc.name in sonic
            values = None if is_sonic else (curves[tc.name] if tc.name in curves else None)
            if k and tc.same_axis:
                ax = primary
            else:
                axis_no += 1
                ax = axis_no
                axis: dict = {
                    "side": "top", "showgrid": True, "gridcolor": GRID, "zeroline": False,
                    "ticks": "outside", "ticklen": 3, "tickfont": {"size": 10},
                    "showline": True, "linecolor": "#444",
                }
                if k == 0:
                    primary = ax
                    axis.update(domain=list(dom), anchor="y")
                    if is_sonic:
                        meas = curves[tc.name] if _has_data(curves, tc.name) else None
                        # Scaled to the curves; a band widened where the inputs are unfamiliar
                        # may run off the track, as a curve does past a print's scale.
                        axis["range"] = _sonic_range(result[f"{tc.name}_PRED"], meas)
                        axis["title"] = {"text": f"{tc.name} (us/ft)", "standoff": 2,
                                         "font": {"size": 12, "color": PRED_COLOR}}
                    else:
                        axis["range"] = dn_ranges.get(tc.name) or _fit_range(
                            [] if values is None else values, tc.default_range, tc.log)
                        axis["title"] = _axis_title(tc)
                        if any(c.same_axis for c in track_curves):
                            names = " / ".join(f"<span style='color:{c.color}'>{c.name}</span>"
                                               for c in track_curves)
                            axis["title"] = {"text": f"{names} ({UNITS[tc.name]})",
                                             "font": {"size": 12}, "standoff": 2}
                else:  # an overlay scale drawn above the primary one
                    # tickmode "auto": plotly's default "sync" puts odd ticks (9.33, 12.67)
                    # on an overlay so they line up with the primary grid.
                    axis.update(overlaying=_ref(primary), anchor="free", position=0.955,
                                showgrid=False, tickmode="auto", nticks=5, title=_axis_title(tc),
                                range=dn_ranges.get(tc.name) or _fit_range(
                                    [] if values is None else values, tc.default_range, tc.log))
                if tc.log:
                    axis.update(type="log", dtick=1,
                                minor={"showgrid": True, "gridcolor": "rgba(0,0,0,0.05)"})
                layout[_axis_name(ax)] = axis

            if is_sonic:
                _add_sonic(fig, tc.name, result, curves, d32, take, _ref(ax))
                continue
            if values is None or not _has_data(curves, tc.name):
                # Paper coordinates: an axis without traces has no reliable "domain" reference.
                notes.append(dict(
                    text=f"no {tc.name} in file", x=(dom[0] + dom[1]) / 2, xref="paper",
                    y=y_top * (0.5 - 0.04 * k), yref="paper", showarrow=False,
                    font={"size": 11, "color": "#999"}, textangle=-90 if width < 0.8 else 0))
                continue
            v = np.asarray(values, dtype=np.float32)[take]
            fig.add_trace(go.Scatter(
                x=v, y=d32, xaxis=_ref(ax), yaxis="y", name=tc.name, mode="lines",
                line={"color": tc.color, "width": 1.1, "dash": tc.dash}, showlegend=False,
                hovertemplate=f"{tc.name}: %{{x:.3~g}} {UNITS.get(tc.name, '')}<extra></extra>",
                connectgaps=False))

    # QC: shade flagged intervals across the two sonic tracks (and say so in the legend).
    if result is not None and "QC" in result:
        x0 = domains["DTC"][0]
        x1 = domains["DTS"][1]
        kinds_seen = set()
        for top, bottom, kind in qc_intervals(result["QC"], d_full):
            kinds_seen.add(kind)
            shapes.append(dict(type="rect", xref="paper", yref="y", x0=x0, x1=x1, y0=top,
                               y1=bottom, fillcolor=QC_COLORS[kind], line={"width": 0},
                               layer="below"))
        for kind in ("missing", "suspect"):
            if kind in kinds_seen:
                fig.add_trace(go.Scatter(
                    x=[None], y=[None], mode="markers", name=QC_LABELS[kind],
                    marker={"symbol": "square", "size": 12, "color": QC_COLORS[kind]},
                    hoverinfo="skip", xaxis="x", yaxis="y"))

    # Frame every track like a print: a box from the depth axis to the scales.
    for x_lo, x_hi in domains.values():
        shapes.append(dict(type="rect", xref="paper", yref="paper", x0=x_lo, x1=x_hi, y0=0,
                           y1=y_top, line={"color": "#444", "width": 1}, layer="above"))

    layout["yaxis"] = {
        "domain": [0.0, y_top], "autorange": "reversed", "title": {"text": depth_label(depth_unit)},
        "showgrid": True, "gridcolor": GRID, "zeroline": False, "ticks": "outside",
        "anchor": "x", "tickformat": ".0f",
        "hoverformat": unit_fmt, "showspikes": True, "spikemode": "across",
        "spikethickness": 1, "spikecolor": "#555", "spikedash": "dot",
    }
    if d.size and np.isfinite(d).any():
        layout["yaxis"]["range"] = [float(np.nanmax(d)), float(np.nanmin(d))]
        layout["yaxis"].pop("autorange")
    head = title or ""
    if stride > 1:
        head += f"  <span style='font-size:11px;color:#777'>(every {stride}th sample shown)</span>"
    fig.update_layout(
        **layout, shapes=shapes, annotations=notes, height=height, margin={"l": 70, "r": 20, "t": 40 if head else 20, "b": 40},
        title={"text": head, "x": 0.0, "font": {"size": 15}} if head else None,
        plot_bgcolor="white", paper_bgcolor="white",
        hovermode="y unified", hoversubplots="axis", hoverdistance=-1,
        hoverlabel={"font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.92)"},
        legend={"orientation": "h", "x": 0.0, "y": -0.015, "yanchor": "top",
                "font": {"size": 11}, "itemclick": "toggle"},
        dragmode="zoom", uirevision="tracks",
    )
    return fig


def _add_sonic(fig: go.Figure, name: str, result: pd.DataFrame, curves: pd.DataFrame,
               d: np.ndarray, take: slice, xref: str) -> None:
    first = name == "DTC"  # one legend entry per role, not per track
    p10 = result.get(f"{name}_P10")
    p90 = result.get(f"{name}_P90")
    if p10 is not None and p90 is not None:
        bx, by = _band_polygon(np.asarray(p10, dtype=np.float32)[take],
                               np.asarray(p90, dtype=np.float32)[take], d)
        if bx.size:
            fig.add_trace(go.Scatter(x=bx, y=by, xaxis=xref, yaxis="y", mode="lines", fill="toself",
                             fillcolor=BAND_COLOR, line={"width": 0}, name="P10–P90 band",
                             legendgroup="band", showlegend=first, hoverinfo="skip"))
    pred = np.asarray(result[f"{name}_PRED"], dtype=np.float32)[take]
    custom = None
    template = f"{name} predicted: %{{x:.1f}} us/ft"
    if p10 is not None and p90 is not None:
        custom = np.column_stack([np.asarray(p10, dtype=np.float32)[take],
                                  np.asarray(p90, dtype=np.float32)[take]])
        template += " (P10 %{customdata[0]:.1f}, P90 %{customdata[1]:.1f})"
    fig.add_trace(go.Scatter(
        x=pred, y=d, customdata=custom, xaxis=xref, yaxis="y", mode="lines",
        line={"color": PRED_COLOR, "width": 1.4}, name="predicted", legendgroup="pred",
        showlegend=first, connectgaps=False, hovertemplate=template + "<extra></extra>"))
    if _has_data(curves, name):
        fig.add_trace(go.Scatter(
            x=np.asarray(curves[name], dtype=np.float32)[take], y=d, xaxis=xref, yaxis="y",
            mode="lines", line={"color": MEASURED_COLOR, "width": 1.0},
            name="measured", legendgroup="measured", showlegend=first, connectgaps=False,
            hovertemplate=f"{name} measured: %{{x:.1f}} us/ft<extra></extra>"))


# --------------------------------------------------------------------------- crossplots

def _square_range(*arrays) -> list[float]:
    v = np.concatenate([_finite(a) for a in arrays] or [np.array([])])
    if not v.size:
        return [0.0, 1.0]
    lo, hi = np.percentile(v, [0.2, 99.8])
    pad = max((hi - lo) * 0.05, 1e-6)
    return [float(lo - pad), float(hi + pad)]


def pred_vs_measured(measured, predicted, curve: str, qc: Sequence[str] | None = None,
                     height: int = 420) -> go.Figure:
    """Predicted against measured slowness of one curve, with the 1:1 line and the scores."""
    m = np.asarray(measured, dtype=float)
    p = np.asarray(predicted, dtype=float)
    ok = np.isfinite(m) & np.isfinite(p)
    flagged = np.zeros_like(ok)
    if qc is not None:
        flagged = (pd.Series(list(qc), dtype="object").fillna(QC_OK).astype(str)
                   != QC_OK).to_numpy()
    sc = _scatter_cls(int(ok.sum()))
    fig = go.Figure()
    rng = _square_range(m[ok], p[ok])
    fig.add_trace(go.Scatter(x=rng, y=rng, mode="lines", name="1:1",
                             line={"color": "#555", "dash": "dash", "width": 1},
                             hoverinfo="skip"))
    for label, mask, color in (("QC OK", ok & ~flagged, PRED_COLOR),
                               ("QC flagged", ok & flagged, "#ef6c00")):
        if mask.any():
            fig.add_trace(sc(x=m[mask], y=p[mask], mode="markers", name=label,
                             marker={"size": 4, "color": color, "opacity": 0.5},
                             hovertemplate=(f"measured %{{x:.1f}}<br>predicted %{{y:.1f}}"
                                            "<extra></extra>")))
    s = curve_metrics(m, p)
    title = f"{curve}: predicted vs measured"
    if s["n"]:
        title += (f"<br><span style='font-size:12px;color:#555'>RMSE {s['rmse']:.2f} us/ft · "
                  f"R² {s['r2']:.3f} · n = {s['n']:,}</span>")
    fig.update_layout(
        title={"text": title, "font": {"size": 14}}, height=height,
        xaxis={"title": {"text": f"measured {curve} (us/ft)"}, "range": rng,
               "gridcolor": GRID, "zeroline": False, "constrain": "domain"},
        yaxis={"title": {"text": f"predicted {curve} (us/ft)"}, "range": rng,
               "scaleanchor": "x", "scaleratio": 1, "gridcolor": GRID, "zeroline": False},
        plot_bgcolor="white", margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.18}, hovermode="closest")
    return fig


def vp_vs_crossplot(result: Mapping, measured: Mapping | None = None, depth=None, *,
                    depth_unit: str = "ft", height: int = 420) -> go.Figure:
    """Vp–Vs of the prediction (and of measured sonic when given) with the mudrock line.

    Vp = 304.8/DTC and Vs = 304.8/DTS in km/s. Predicted points are coloured by depth; the
    Castagna line Vs = 0.862 Vp − 1.172 is where brine-filled clastics fall, and no rock
    sits below Vp/Vs = √2 (a negative Poisson's ratio).
    """
    vp = slowness_to_velocity(result["DTC_PRED"])
    vs = slowness_to_velocity(result["DTS_PRED"])
    n = vp.size
    d = _depth_axis(depth, n)
    ok = np.isfinite(vp) & np.isfinite(vs)
    fig = go.Figure()
    all_vp = [vp[ok]]
    all_vs = [vs[ok]]
    if measured is not None and _has_data(measured, "DTC") and _has_data(measured, "DTS"):
        mvp = slowness_to_velocity(measured["DTC"])
        mvs = slowness_to_velocity(measured["DTS"])
        mok = np.isfinite(mvp) & np.isfinite(mvs)
        if mok.any():
            all_vp.append(mvp[mok])
            all_vs.append(mvs[mok])
            fig.add_trace(_scatter_cls(int(mok.sum()))(
                x=mvp[mok], y=mvs[mok], mode="markers", name="measured",
                marker={"size": 4, "color": "rgba(60,60,60,0.35)"},
                hovertemplate="measured<br>Vp %{x:.2f} km/s<br>Vs %{y:.2f} km/s<extra></extra>"))
    if ok.any():
        fig.add_trace(_scatter_cls(int(ok.sum()))(
            x=vp[ok], y=vs[ok], mode="markers", name="predicted",
            marker={"size": 4, "color": d[ok], "colorscale": "Viridis", "opacity": 0.7,
                    "reversescale": True,
                    "colorbar": {"title": {"text": depth_label(depth_unit), "side": "right"}, "tickformat": ",.0f",
                                 "thickness": 12, "len": 0.8}},
            customdata=d[ok],
            hovertemplate=(f"{depth_label(depth_unit)} %{{customdata:.1f}}<br>Vp %{{x:.2f}} km/s"
                           "<br>Vs %{y:.2f} km/s<extra></extra>")))
    xr = _square_range(*all_vp) if ok.any() else [1.5, 6.0]
    xr = [max(xr[0], 0.5), xr[1]]
    line_vp = np.linspace(xr[0], xr[1], 50)
    fig.add_trace(go.Scatter(x=line_vp, y=mudrock_vs(line_vp), mode="lines",
                             name="mudrock line (Castagna): Vs = 0.862 Vp − 1.172",
                             line={"color": "#c62828", "width": 2}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=line_vp, y=line_vp / math.sqrt(2), mode="lines",
                             name="Vp/Vs = √2 (Poisson's ratio 0)",
                             line={"color": "#777", "width": 1, "dash": "dot"},
                             hoverinfo="skip"))
    yr = _square_range(*all_vs, mudrock_vs(line_vp)) if ok.any() else [0.3, 4.0]
    yr = [max(yr[0], 0.0), yr[1]]
    fig.update_layout(
        title={"text": "Vp–Vs crossplot", "font": {"size": 14}}, height=height,
        xaxis={"title": {"text": "Vp (km/s)"}, "range": xr, "gridcolor": GRID,
               "zeroline": False},
        yaxis={"title": {"text": "Vs (km/s)"}, "range": yr, "gridcolor": GRID,
               "zeroline": False},
        plot_bgcolor="white", margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.18}, hovermode="closest")
    return fig


# --------------------------------------------------------------------------- the trade-off

def tradeoff_chart(rows: Sequence[Mapping], highlight: str | None = None,
                   height: int = 260) -> go.Figure:
    """Memory against validation RMSE of each member and ensemble (``card.tradeoff_rows``).

    x is peak RSS in MB when the card's figures tell the models apart, otherwise size on disk
    (kB, log scale: from a 1 kB regression to MB-sized forests); y is the contest RMSE of
    Well #1 blocked cross-validation. ``highlight`` is the key of the ensemble in use.
    """
    rss = [r["peak_rss_mb"] for r in rows if r.get("peak_rss_mb") is not None]
    # Peak RSS is dominated by the interpreter and numpy when models are small; if every
    # model measures within 5 % of the others, the memory axis would only show noise.
    use_rss = len(rss) > 1 and (max(rss) - min(rss)) > 0.05 * max(rss)
    xkey, xtitle = ("peak_rss_mb", "peak memory (MB)") if use_rss else \
        ("size_kb", "size on disk (kB)")
    fig = go.Figure()
    for kind, symbol in (("member", "circle"), ("ensemble", "diamond")):
        sel = [r for r in rows if r.get("kind") == kind and r.get(xkey) is not None
               and r.get("rmse_contest") is not None]
        if not sel:
            continue
        colors = ["#0b5394" if r.get("key") == highlight else
                  ("#7f7f7f" if kind == "member" else "#6fa8dc") for r in sel]
        fig.add_trace(go.Scatter(
            x=[r[xkey] for r in sel], y=[r["rmse_contest"] for r in sel],
            mode="markers+text", text=[r.get("key") or r.get("name") for r in sel],
            textposition="top center", textfont={"size": 9},
            name=f"{kind}s", marker={"symbol": symbol, "size": 11 if kind == "ensemble" else 8,
                                      "color": colors, "line": {"width": 1, "color": "#333"}},
            customdata=[[r.get("name"), r.get("size_kb")] for r in sel],
            hovertemplate=("%{customdata[0]}<br>" + xtitle + " %{x:.4g}<br>RMSE %{y:.2f}"
                           "<br>size %{customdata[1]} kB<extra></extra>")))
    fig.update_layout(
        height=height, margin={"l": 45, "r": 10, "t": 10, "b": 40}, showlegend=False,
        xaxis={"title": {"text": xtitle, "font": {"size": 11}}, "gridcolor": GRID,
               "tickfont": {"size": 10}, "type": "linear" if use_rss else "log"},
        yaxis={"title": {"text": "RMSE (us/ft)", "font": {"size": 11}}, "gridcolor": GRID,
               "tickfont": {"size": 10}},
        plot_bgcolor="white")
    return fig
