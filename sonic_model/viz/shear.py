"""Figures for shear from measured DTC and elastic logs, as pure functions (no Streamlit).

- shear_tracks: measured DTS beside the DTC-conditioned and the logs-only prediction and the
  two rock-physics baselines, with the measured and predicted DTC in the next track, so a
  user sees what the measured DTC changed and what the ML adds over the textbook relations;
- elastic_tracks: VP/VS, VPVS, PR, AI/SI, G/K on one depth axis;
- vp_vs_by_route: the Vp-Vs crossplot coloured by the route that produced each DTS.
Depth tracks stay SVG (viz/tracks.py explains the WebGL bug on reversed axes); each curve is
drawn as the min and max of bins of samples (viz/decimate.py), crossplots send float32.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sonic_model.core.columns import ELASTIC_UNITS, SOURCE_CONDITIONED, SOURCE_LOGS
from sonic_model.viz.decimate import minmax_index
from sonic_model.viz.plots import mudrock_vs, slowness_to_velocity
from sonic_model.viz.tracks import _depth_axis

# Own constants rather than plots' internals (which the app's layout work reshapes): the same
# palette, the same SVG-tracks / WebGL-crossplot rule.
PRED_COLOR = "#0b5394"
MEASURED_COLOR = "#111111"
GRID = "rgba(0, 0, 0, 0.12)"
MAX_TRACK_POINTS = 20_000
WEBGL_MIN_POINTS = 2_000

SHEAR_SERIES = (   # (column, source, label, colour, dash)
    ("DTS", "curves", "measured DTS", MEASURED_COLOR, "solid"),
    ("DTS_PRED", "result", "predicted DTS (as delivered)", PRED_COLOR, "solid"),
    ("DTS_LOGS_ONLY", "result", "logs-only DTS", "#e69138", "dot"),
    ("DTS_MUDROCK", "result", "mudrock line (Castagna 1985)", "#c62828", "dash"),
    ("DTS_GC", "result", "Greenberg–Castagna (1992), Vsh from GR", "#6a1b9a", "dashdot"),
)
ROUTE_COLORS = {SOURCE_CONDITIONED: "#2e7d32", SOURCE_LOGS: "#e69138", "measured": "#555555"}
ELASTIC_TRACKS = (   # (title, [(column, colour)])
    ("Velocity", [("VP", "#0b5394"), ("VS", "#2e7d32")]),
    ("Vp/Vs", [("VPVS", "#6a1b9a")]),
    ("Poisson's ratio", [("PR", "#c62828")]),
    ("Impedance", [("AI", "#0b5394"), ("SI", "#2e7d32")]),
    ("Moduli", [("K_DYN", "#0b5394"), ("G_DYN", "#2e7d32")]),
)


def _axis(i: int) -> str:          # track i (from 0) -> layout key and trace reference
    return "xaxis" if i == 0 else f"xaxis{i + 1}"


def _ref(i: int) -> str:
    return "x" if i == 0 else f"x{i + 1}"


def _scatter_cls(n: int):
    return go.Scattergl if n > WEBGL_MIN_POINTS else go.Scatter


def _range(*arrays) -> list[float]:
    v = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    v = v[np.isfinite(v)]
    if not v.size:
        return [1.5, 6.0]
    lo, hi = np.percentile(v, [0.5, 99.5])
    pad = 0.05 * max(hi - lo, 0.1)
    return [float(lo - pad), float(hi + pad)]


def _thin(n: int) -> np.ndarray:
    step = max(1, math.ceil(n / MAX_TRACK_POINTS))
    return np.arange(0, n, step)


def _line(v: np.ndarray, d: np.ndarray, idx: np.ndarray) -> dict:
    """x and y of one depth-track curve: its min and max per bin of the kept samples."""
    x = v[idx].astype(np.float32)
    drawn = minmax_index(x)
    return {"x": x[drawn], "y": d[idx][drawn].astype(np.float32)}


def _values(frame: Mapping | None, name: str) -> np.ndarray | None:
    if frame is None or name not in frame:
        return None
    v = pd.to_numeric(pd.Series(np.asarray(frame[name])), errors="coerce").to_numpy(dtype=float)
    return v if np.isfinite(v).any() else None


def _tracks_layout(fig: go.Figure, titles: list[str], depth_unit: str, height: int,
                   has_depth: bool) -> None:
    k = len(titles)
    gap = 0.02
    width = (1.0 - gap * (k - 1)) / k
    layout = {"height": height, "plot_bgcolor": "white", "hovermode": "y unified",
              "margin": {"l": 70, "r": 20, "t": 40, "b": 40},
              "legend": {"orientation": "h", "y": -0.06},
              "yaxis": {"autorange": "reversed", "gridcolor": GRID,
                        "title": {"text": f"Depth ({depth_unit})" if has_depth
                                  else "sample"}}}
    for i, title in enumerate(titles):
        a = _axis(i)
        layout[a] = {"domain": [i * (width + gap), i * (width + gap) + width], "side": "top",
                     "title": {"text": title, "font": {"size": 11}}, "gridcolor": GRID,
                     "anchor": "y"}
    fig.update_layout(**layout)


def shear_tracks(curves: Mapping, result: pd.DataFrame, depth=None, *, depth_unit: str = "ft",
                 height: int = 700) -> go.Figure:
    """DTS by every route on one track (us/ft, slower to the right), DTC on the next."""
    n = len(result)
    d = _depth_axis(depth, n)
    idx = _thin(n)
    fig = go.Figure()
    for name, where, label, colour, dash in SHEAR_SERIES:
        v = _values(curves if where == "curves" else result, name)
        if v is None:
            continue
        if name == "DTS_PRED" and "DTS_SOURCE" in result:
            label = "predicted DTS (conditioned where DTC is valid)"
        fig.add_trace(go.Scatter(**_line(v, d, idx), mode="lines", name=label, xaxis="x",
                                 line={"color": colour, "width": 1.2, "dash": dash},
                                 hovertemplate=f"{label}: %{{x:.1f}} us/ft<extra></extra>"))
    for name, label, colour in (("DTC", "measured DTC", MEASURED_COLOR),
                                ("DTC_PRED", "predicted DTC", PRED_COLOR)):
        v = _values(curves if name == "DTC" else result, name)
        if v is not None:
            fig.add_trace(go.Scatter(**_line(v, d, idx), mode="lines", name=label, xaxis="x2",
                                     line={"color": colour, "width": 1.2},
                                     hovertemplate=f"{label}: %{{x:.1f}} us/ft<extra></extra>"))
    _tracks_layout(fig, ["DTS (us/ft)", "DTC (us/ft)"], depth_unit, height, depth is not None)
    return fig


def elastic_tracks(result: pd.DataFrame, depth=None, *, depth_unit: str = "ft",
                   height: int = 700) -> go.Figure:
    """The elastic logs (extras.predict_extended(elastic=True)) on one depth axis."""
    n = len(result)
    d = _depth_axis(depth, n)
    idx = _thin(n)
    fig = go.Figure()
    titles = []
    for i, (title, cols) in enumerate(ELASTIC_TRACKS):
        units = sorted({ELASTIC_UNITS[c] for c, _ in cols})
        titles.append(f"{title} ({', '.join(units)})")
        for col, colour in cols:
            v = _values(result, col)
            if v is None:
                continue
            fig.add_trace(go.Scatter(**_line(v, d, idx), mode="lines", name=col,
                                     xaxis=_ref(i), line={"color": colour, "width": 1.1},
                                     hovertemplate=f"{col}: %{{x:.3~g}} {ELASTIC_UNITS[col]}"
                                                   "<extra></extra>"))
    _tracks_layout(fig, titles, depth_unit, height, depth is not None)
    return fig


def vp_vs_by_route(result: pd.DataFrame, curves: Mapping | None = None, *,
                   height: int = 460) -> go.Figure:
    """Vp-Vs (km/s) of the delivered DTS coloured by route, measured pairs in grey, with the
    mudrock line and Vp/Vs = sqrt(2)."""
    vp = slowness_to_velocity(result["DTC_PRED"])
    vs = slowness_to_velocity(result["DTS_PRED"])
    route = (pd.Series(result["DTS_SOURCE"]).fillna("").astype(str)
             .str.split(" (", regex=False).str[0].to_numpy()
             if "DTS_SOURCE" in result else np.full(len(result), SOURCE_LOGS))
    # Where the conditioned route ran, its Vp is the measured one it was conditioned on.
    if curves is not None and "DTC" in curves:
        measured_vp = slowness_to_velocity(np.asarray(curves["DTC"], dtype=float))
        vp = np.where(route == SOURCE_CONDITIONED, measured_vp, vp)
    fig = go.Figure()
    seen_vp = []
    mvp = _values(curves, "DTC")
    mvs = _values(curves, "DTS")
    if mvp is not None and mvs is not None:
        a, b = slowness_to_velocity(mvp), slowness_to_velocity(mvs)
        ok = np.isfinite(a) & np.isfinite(b)
        if ok.any():
            seen_vp.append(a[ok])
            fig.add_trace(_scatter_cls(int(ok.sum()))(
                x=a[ok].astype(np.float32), y=b[ok].astype(np.float32), mode="markers",
                name="measured",
                marker={"size": 4, "color": "rgba(60,60,60,0.30)"},
                hovertemplate="measured<br>Vp %{x:.2f}<br>Vs %{y:.2f} km/s<extra></extra>"))
    for name in (SOURCE_CONDITIONED, SOURCE_LOGS):
        ok = (route == name) & np.isfinite(vp) & np.isfinite(vs)
        if not ok.any():
            continue
        seen_vp.append(vp[ok])
        fig.add_trace(_scatter_cls(int(ok.sum()))(
            x=vp[ok].astype(np.float32), y=vs[ok].astype(np.float32), mode="markers",
            name=f"predicted, {name}",
            marker={"size": 4, "color": ROUTE_COLORS[name], "opacity": 0.6},
            hovertemplate=f"{name}<br>Vp %{{x:.2f}}<br>Vs %{{y:.2f}} km/s<extra></extra>"))
    lo, hi = (_range(*seen_vp) if seen_vp else [1.5, 6.0])
    line = np.linspace(max(lo, 0.5), hi, 50)
    fig.add_trace(go.Scatter(x=line, y=mudrock_vs(line), mode="lines",
                             name="mudrock line (Castagna 1985)",
                             line={"color": "#c62828", "width": 2}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=line, y=line / math.sqrt(2), mode="lines",
                             name="Vp/Vs = √2 (Poisson's ratio 0)",
                             line={"color": "#777", "width": 1, "dash": "dot"}, hoverinfo="skip"))
    fig.update_layout(title={"text": "Vp–Vs by shear route", "font": {"size": 14}}, height=height,
                      xaxis={"title": {"text": "Vp (km/s)"}, "gridcolor": GRID},
                      yaxis={"title": {"text": "Vs (km/s)"}, "gridcolor": GRID},
                      plot_bgcolor="white", legend={"orientation": "h", "y": -0.2},
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, hovermode="closest")
    return fig
