"""Figures of a synth result, as pure functions (no Streamlit):

- seismic_tracks: AI and Vp/Vs depth tracks beside the normal-incidence synthetic (a wiggle with
  its P10-P90 band) and the angle gather (one wiggle per angle), on one reversed depth axis;
- intercept_gradient: Shuey's intercept against gradient, coloured by depth;
- fluid_tracks: Vp, density and the synthetic before and after fluid substitution.
Depth tracks stay SVG (the WebGL bug on reversed axes, see viz/shear.py) and are thinned to
MAX_POINTS samples: a 30 Hz synthetic changes over metres, a log sample is 15 cm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MAX_POINTS = 4000
AI_COLOR, VPVS_COLOR, SYN_COLOR = "#0b5394", "#6a1b9a", "#111111"
BAND_FILL = "rgba(11, 83, 148, 0.25)"
BEFORE_COLOR, AFTER_COLOR = "#555555", "#c62828"


def _thin(frame: pd.DataFrame) -> pd.DataFrame:
    step = max(1, int(np.ceil(len(frame) / MAX_POINTS)))
    return frame.iloc[::step]


def depth_column(frame: pd.DataFrame) -> str:
    return next(c for c in frame.columns if c.startswith("DEPTH") or c == "SAMPLE")


# Axis titles in words: a depth without a file depth column is relative (model.synth).
DEPTH_TITLES = {"DEPTH_M": "Depth (m)", "DEPTH_FT": "Depth (ft)",
                "DEPTH_REL_M": "Depth below the first row (m)", "SAMPLE": "Sample"}


def depth_title(column: str) -> str:
    return DEPTH_TITLES.get(column, column)


def angle_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("SYN_") and not c.endswith(("_P10", "_P90"))]


def _wiggle(fig, depth, values, offset: float, scale: float, col: int, name: str,
            color: str = SYN_COLOR, showlegend: bool = False) -> None:
    x = offset + values * scale
    fig.add_trace(go.Scatter(x=np.full(len(depth), offset), y=depth, mode="lines",
                             line={"width": 0}, hoverinfo="skip", showlegend=False), 1, col)
    # Positive lobes filled (the interpreter's convention), the wiggle drawn over them.
    fig.add_trace(go.Scatter(x=np.maximum(x, offset), y=depth, mode="lines", fill="tonextx",
                             fillcolor="rgba(0,0,0,0.55)", line={"width": 0},
                             hoverinfo="skip", showlegend=False), 1, col)
    fig.add_trace(go.Scatter(x=x, y=depth, mode="lines", line={"color": color, "width": 1},
                             name=name, showlegend=showlegend,
                             customdata=values,
                             hovertemplate=f"{name}: %{{customdata:.4f}}<extra></extra>"),
                  1, col)


def _band(fig, depth, lo, hi, scale: float, col: int) -> None:
    fig.add_trace(go.Scatter(x=lo * scale, y=depth, mode="lines", line={"width": 0},
                             hoverinfo="skip", showlegend=False), 1, col)
    fig.add_trace(go.Scatter(x=hi * scale, y=depth, mode="lines", line={"width": 0},
                             fill="tonextx", fillcolor=BAND_FILL, name="P10-P90",
                             hoverinfo="skip"), 1, col)


def seismic_tracks(frame: pd.DataFrame, height: int = 900) -> go.Figure:
    """AI | Vp/Vs | synthetic at the first angle with its band | angle gather."""
    f = _thin(frame)
    dcol = depth_column(f)
    depth = f[dcol].to_numpy(dtype=float)
    angles = angle_columns(f)
    fig = make_subplots(rows=1, cols=4, shared_yaxes=True, horizontal_spacing=0.02,
                        column_widths=[0.2, 0.2, 0.25, 0.35],
                        subplot_titles=("AI (m/s·g/cm³)", "Vp/Vs",
                                        f"{angles[0]} (P10–P90)", "Angle gather"))
    fig.add_trace(go.Scatter(x=f["AI"], y=depth, mode="lines", name="AI",
                             line={"color": AI_COLOR, "width": 1}), 1, 1)
    fig.add_trace(go.Scatter(x=f["VPVS"], y=depth, mode="lines", name="Vp/Vs",
                             line={"color": VPVS_COLOR, "width": 1}), 1, 2)
    peak = float(np.nanmax(np.abs(f[angles].to_numpy(dtype=float)))) or 1.0
    first = f[angles[0]].to_numpy(dtype=float)
    _band(fig, depth, f[f"{angles[0]}_P10"].to_numpy(dtype=float),
          f[f"{angles[0]}_P90"].to_numpy(dtype=float), 1.0, 3)
    _wiggle(fig, depth, first, 0.0, 1.0, 3, angles[0], showlegend=False)
    spacing = 2.0 * peak
    for k, name in enumerate(angles):
        _wiggle(fig, depth, f[name].to_numpy(dtype=float), k * spacing, 0.9, 4, name)
    fig.update_xaxes(row=1, col=4, tickvals=[k * spacing for k in range(len(angles))],
                     ticktext=[a.removeprefix("SYN_").replace("p", ".") + "°" for a in angles])
    fig.update_xaxes(row=1, col=3, range=[-1.1 * peak, 1.1 * peak])
    fig.update_yaxes(autorange="reversed", title_text=depth_title(dcol), row=1, col=1)
    fig.update_layout(height=height, margin={"l": 60, "r": 20, "t": 50, "b": 30},
                      showlegend=False, plot_bgcolor="white")
    fig.update_xaxes(showgrid=True, gridcolor="rgba(0,0,0,0.12)")
    return fig


def intercept_gradient(frame: pd.DataFrame, height: int = 520) -> go.Figure:
    """Shuey intercept (x) against gradient (y), every sample coloured by its depth."""
    f = frame[np.isfinite(frame["AVO_A"]) & np.isfinite(frame["AVO_B"])]
    f = _thin(f)
    dcol = depth_column(frame)
    fig = go.Figure(go.Scattergl(
        x=f["AVO_A"], y=f["AVO_B"], mode="markers",
        marker={"size": 4, "color": f[dcol], "colorscale": "Viridis",
                "colorbar": {"title": depth_title(dcol)}, "opacity": 0.7},
        hovertemplate="A %{x:.4f}, B %{y:.4f}<extra></extra>"))
    fig.add_hline(y=0, line={"color": "#888", "width": 1})
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    fig.update_layout(height=height, xaxis_title="intercept A (convolved)",
                      yaxis_title="gradient B (convolved)", plot_bgcolor="white",
                      margin={"l": 60, "r": 20, "t": 30, "b": 50})
    return fig


def fluid_tracks(after: pd.DataFrame, before: pd.DataFrame | None = None,
                 height: int = 800) -> go.Figure:
    """Vp | density | normal-incidence synthetic: in situ (grey) and substituted (red)."""
    f = _thin(after)
    dcol = depth_column(f)
    depth = f[dcol].to_numpy(dtype=float)
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=("Vp (m/s)", "RHOB (g/cm³)", "Synthetic"))
    for col, (now, was) in enumerate((("VP", "VP_INSITU"), ("RHOB", "RHOB_INSITU")), start=1):
        if was in f:
            fig.add_trace(go.Scatter(x=f[was], y=depth, mode="lines", name="in situ (brine)",
                                     line={"color": BEFORE_COLOR, "width": 1},
                                     showlegend=col == 1), 1, col)
        fig.add_trace(go.Scatter(x=f[now], y=depth, mode="lines", name="substituted",
                                 line={"color": AFTER_COLOR, "width": 1},
                                 showlegend=col == 1), 1, col)
    first = angle_columns(f)[0]
    if before is not None:
        b = before.iloc[f.index] if len(before) == len(after) else _thin(before)
        fig.add_trace(go.Scatter(x=b[first], y=depth, mode="lines", name="synthetic in situ",
                                 line={"color": BEFORE_COLOR, "width": 1}), 1, 3)
    fig.add_trace(go.Scatter(x=f[first], y=depth, mode="lines", name="synthetic substituted",
                             line={"color": AFTER_COLOR, "width": 1}), 1, 3)
    fig.update_yaxes(autorange="reversed", title_text=depth_title(dcol), row=1, col=1)
    fig.update_layout(height=height, plot_bgcolor="white",
                      margin={"l": 60, "r": 20, "t": 50, "b": 30},
                      legend={"orientation": "h", "y": -0.04})
    return fig
