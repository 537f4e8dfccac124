"""Plotly figures as pure functions of data frames (no Streamlit): crossplots and the
memory-versus-RMSE chart here, the depth tracks in plots_tracks (re-exported).

The crossplots are the quick sanity checks: predicted against measured, and Vp against Vs with
Castagna's mudrock line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sonic_model.core.metrics import curve_metrics
from sonic_model.core.qc import QC_OK
from sonic_model.physics import rockphysics
from sonic_model.viz.scales import FIXED_SCALES, _finite, interior_ticks, track_ranges  # noqa: F401
from sonic_model.viz.tracks import (  # noqa: F401
    GRID,
    PRED_COLOR,
    QC_COLORS,
    TRACKS,
    _depth_axis,
    _has_data,
    depth_label,
    depth_tracks,
    qc_intervals,
)

__all__ = [
    "depth_tracks", "pred_vs_measured", "vp_vs_crossplot", "tradeoff_chart", "qc_intervals",
    "models_tradeoff_chart",
    "slowness_to_velocity", "mudrock_vs", "depth_label", "TRACKS", "FIXED_SCALES", "QC_COLORS",
    "track_ranges", "interior_ticks", "place_labels",
]

# 1 ft/us = 304.8 km/s: velocity in km/s from slowness in us/ft.
# Crossplots switch to WebGL above this many points (SVG markers are one DOM node each).
WEBGL_MIN_POINTS = 2_000


# One definition of each, in rockphysics (also the shear prior's and the baselines').
slowness_to_velocity = rockphysics.velocity_km_s
mudrock_vs = rockphysics.mudrock_vs


def _scatter_cls(n: int):
    return go.Scattergl if n > WEBGL_MIN_POINTS else go.Scatter


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
    # Without a QC column nothing was checked: the points are samples, not "QC OK" ones.
    ok_label = "samples" if qc is None else "QC OK"
    for label, mask, color in ((ok_label, ok & ~flagged, PRED_COLOR),
                               ("QC flagged", ok & flagged, "#ef6c00")):
        if mask.any():
            fig.add_trace(sc(x=m[mask].astype(np.float32), y=p[mask].astype(np.float32),
                             mode="markers", name=label,
                             marker={"size": 4, "color": color, "opacity": 0.5},
                             hovertemplate=("measured %{x:.1f}<br>predicted %{y:.1f}"
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
                x=mvp[mok].astype(np.float32), y=mvs[mok].astype(np.float32),
                mode="markers", name="measured",
                marker={"size": 4, "color": "rgba(60,60,60,0.35)"},
                hovertemplate="measured<br>Vp %{x:.2f} km/s<br>Vs %{y:.2f} km/s<extra></extra>"))
    if ok.any():
        fig.add_trace(_scatter_cls(int(ok.sum()))(
            x=vp[ok].astype(np.float32), y=vs[ok].astype(np.float32), mode="markers",
            name="predicted",
            marker={"size": 4, "color": d[ok].astype(np.float32), "colorscale": "Viridis",
                    "opacity": 0.7,
                    "reversescale": True,
                    "colorbar": {"title": {"text": depth_label(depth_unit), "side": "right"}, "tickformat": ",.0f",
                                 "thickness": 12, "len": 0.8}},
            customdata=d[ok].astype(np.float32),
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

# Label boxes are estimated from the text length: 11 px Open Sans averages under 7 px a glyph.
LABEL_CHAR_PX = 7.0
LABEL_HEIGHT_PX = 15.0
MARKER_RADIUS_PX = 7.0


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: Sequence[tuple[float, float]], texts: Sequence[str],
                 width: float, height: float) -> list[tuple[float, float]]:
    """Pixel offsets (dx, dy) for one label per point, so that no two labels overlap each
    other or cover a marker, and all stay inside the ``width`` x ``height`` plot area.

    ``points`` are pixel positions (y downwards). Greedy: points in order of crowding try
    offsets at growing distance around themselves and keep the first free one; a label that
    finds none keeps the last candidate (better drawn than hidden).
    """
    boxes: list[tuple[float, float, float, float]] = []
    r = MARKER_RADIUS_PX
    markers = [(x - r, y - r, x + r, y + r) for x, y in points]
    crowd = [sum(math.hypot(x - u, y - v) < 60 for u, v in points) for x, y in points]
    order = sorted(range(len(points)), key=lambda i: -crowd[i])
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for i in order:
        x, y = points[i]
        w = LABEL_CHAR_PX * len(texts[i]) + 6
        h = LABEL_HEIGHT_PX
        candidates = []
        for dist in (1.0, 1.8, 2.6, 3.4):
            for ux, uy in ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1)):
                dx = ux * (w / 2 + r + 2) * dist
                dy = uy * (h / 2 + r + 1) * dist
                candidates.append((dx, dy))
        chosen = candidates[0]
        for dx, dy in candidates:
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if any(_overlaps(box, b) for b in boxes + markers):
                continue
            chosen = (dx, dy)
            break
        dx, dy = chosen
        boxes.append((x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2))
        out[i] = chosen
    return out


def tradeoff_chart(rows: Sequence[Mapping], highlight: str | None = None,
                   height: int = 380, width: int = 640) -> go.Figure:
    """Memory against validation RMSE of each member and ensemble (``card.tradeoff_rows``).

    x is peak RSS in MB when the card's figures tell the models apart, otherwise size on disk
    (kB, log scale: from a 1 kB regression to MB-sized forests); y is the contest RMSE of
    Well #1 blocked cross-validation. ``highlight`` is the key of the ensemble in use. The
    figure has a fixed size (show it at its own width): labels are placed in pixels so that
    none overlaps another or a marker.
    """
    rss = [r["peak_rss_mb"] for r in rows if r.get("peak_rss_mb") is not None]
    # Peak RSS is dominated by the interpreter and numpy when models are small; if every
    # model measures within 5 % of the others, the memory axis would only show noise.
    use_rss = len(rss) > 1 and (max(rss) - min(rss)) > 0.05 * max(rss)
    xkey, xtitle = ("peak_rss_mb", "peak memory (MB)") if use_rss else \
        ("size_kb", "size on disk (kB)")
    sel = [r for r in rows if r.get(xkey) is not None and r.get("rmse_contest") is not None
           and (use_rss or r[xkey] > 0)]
    margin = {"l": 60, "r": 20, "t": 20, "b": 50}
    fig = go.Figure()
    if not sel:
        fig.update_layout(height=height, width=width, margin=margin)
        return fig
    xs = np.array([float(r[xkey]) for r in sel])
    ys = np.array([float(r["rmse_contest"]) for r in sel])
    tx = xs if use_rss else np.log10(xs)
    xpad = max((tx.max() - tx.min()) * 0.12, 0.5 if not use_rss else 5.0)
    ypad = max((ys.max() - ys.min()) * 0.15, 1.0)
    xr = [tx.min() - xpad, tx.max() + xpad]
    yr = [ys.min() - ypad, ys.max() + ypad]
    for kind, symbol in (("member", "circle"), ("ensemble", "diamond")):
        part = [r for r in sel if r.get("kind") == kind]
        if not part:
            continue
        colors = ["#0b5394" if r.get("key") == highlight else
                  ("#7f7f7f" if kind == "member" else "#6fa8dc") for r in part]
        fig.add_trace(go.Scatter(
            x=[r[xkey] for r in part], y=[r["rmse_contest"] for r in part], mode="markers",
            text=[r.get("key") or r.get("name") for r in part], name=f"{kind}s",
            marker={"symbol": symbol, "size": 13 if kind == "ensemble" else 10,
                    "color": colors, "line": {"width": 1, "color": "#333"}},
            customdata=[[r.get("name"), r.get("size_kb")] for r in part],
            hovertemplate=("%{customdata[0]}<br>" + xtitle + " %{x:.4g}<br>RMSE %{y:.2f}"
                           "<br>size %{customdata[1]} kB<extra></extra>")))
    # Labels as annotations placed in pixels (plotly has no label collision avoidance).
    pw = width - margin["l"] - margin["r"]
    ph = height - margin["t"] - margin["b"]
    px = [(float((t - xr[0]) / (xr[1] - xr[0]) * pw), float((yr[1] - y) / (yr[1] - yr[0]) * ph))
          for t, y in zip(tx, ys)]
    texts = [str(r.get("key") or r.get("name")) for r in sel]
    notes = []
    for r, text, (dx, dy) in zip(sel, texts, place_labels(px, texts, pw, ph)):
        ens = r.get("kind") == "ensemble"
        notes.append(dict(
            x=r[xkey] if use_rss else math.log10(r[xkey]), y=r["rmse_contest"], text=text,
            showarrow=True, ax=dx, ay=dy, arrowwidth=0.8, arrowcolor="#888", arrowhead=0,
            standoff=MARKER_RADIUS_PX - 1, font={"size": 11, "color": "#0b5394" if ens else "#333"},
            xanchor="center", yanchor="middle"))
    fig.update_layout(
        height=height, width=width, margin=margin, showlegend=False, annotations=notes,
        xaxis={"title": {"text": xtitle, "font": {"size": 12}}, "gridcolor": GRID,
               "tickfont": {"size": 11}, "type": "linear" if use_rss else "log",
               "range": xr, "fixedrange": True},
        yaxis={"title": {"text": "RMSE, Well #1 blocked CV (us/ft)", "font": {"size": 12}},
               "gridcolor": GRID, "tickfont": {"size": 11}, "range": yr, "fixedrange": True},
        plot_bgcolor="white")
    return fig


def models_tradeoff_chart(models: Sequence[Mapping], highlight: str | None = None,
                          reference: tuple[str, float] | None = None,
                          height: int = 190) -> go.Figure:
    """The sidebar's small trade-off: each bundled model's size on disk (MB, log scale)
    against its held-out RMSE, and a ``reference`` (label, MB) with no RMSE drawn as a
    dashed line (the 2020 app's 2.1 GB forest). ``models``: {"name", "size_mb", "ram_mb",
    "rmse"}; ``highlight`` is the model in use. A few labels only: it fits a narrow column.
    """
    sel = [m for m in models if m.get("size_mb") and m.get("rmse") is not None]
    fig = go.Figure()
    sizes = [float(m["size_mb"]) for m in sel] + ([reference[1]] if reference else [])
    lo = math.floor(math.log10(min(sizes, default=0.1)) - 0.3)
    hi = math.ceil(math.log10(max(sizes, default=1000.0)) + 0.2)
    if sel:
        ys = [float(m["rmse"]) for m in sel]
        fig.add_trace(go.Scatter(
            x=[m["size_mb"] for m in sel], y=ys, mode="markers+text",
            text=[m["name"] for m in sel], textposition="top center",
            textfont={"size": 11, "color": "#1a1a1a"}, cliponaxis=False,
            marker={"symbol": "diamond", "size": 11, "line": {"width": 1, "color": "#333"},
                    "color": ["#0b5394" if m["name"] == highlight else "#9fc5e8"
                              for m in sel]},
            customdata=[[m.get("ram_mb")] for m in sel],
            hovertemplate="%{text}<br>%{x:.3g} MB on disk<br>peak RAM %{customdata[0]:.0f} MB"
                          "<br>RMSE %{y:.2f} us/ft<extra></extra>"))
        pad = max((max(ys) - min(ys)) * 0.6, 1.5)
        fig.update_yaxes(range=[min(ys) - pad * 0.6, max(ys) + pad])
    if reference:
        fig.add_vline(x=reference[1], line={"color": "#b45f06", "dash": "dash", "width": 1.5})
        fig.add_annotation(x=math.log10(reference[1]), y=0.5, yref="paper", text=reference[0],
                           showarrow=False, xanchor="right", xshift=-4, align="right",
                           font={"size": 10, "color": "#b45f06"})
    ticks = [10.0 ** k for k in range(lo, hi + 1)]
    fig.update_layout(
        height=height, margin={"l": 40, "r": 6, "t": 6, "b": 34}, showlegend=False,
        plot_bgcolor="white",
        xaxis={"type": "log", "range": [lo, hi], "fixedrange": True, "gridcolor": GRID,
               "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks],
               "tickfont": {"size": 10},
               "title": {"text": "size on disk (MB)", "font": {"size": 11}, "standoff": 4}},
        yaxis={"fixedrange": True, "gridcolor": GRID, "tickfont": {"size": 10},
               "title": {"text": "RMSE well out", "font": {"size": 11}, "standoff": 2}})
    return fig
