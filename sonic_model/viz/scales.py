"""Print scales of the depth tracks: the conventional fixed scales, scales fitted to a well
(the "auto" option, density and neutron kept on their matched overlay), and tick values that
never collide at the edge between two tracks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np

Scales = Literal["fixed", "auto"]

# The conventional print scales, (left, right): right < left is a reversed scale.
FIXED_SCALES: dict[str, tuple[float, float]] = {
    "GR": (0.0, 150.0), "CAL": (6.0, 16.0), "HRD": (0.2, 2000.0), "HRM": (0.2, 2000.0),
    "ZDEN": (1.95, 2.95), "CNC": (0.45, -0.15), "PE": (0.0, 10.0),
    "DTC": (140.0, 40.0), "DTS": (240.0, 40.0),
}
LOG_CURVES = frozenset({"HRD", "HRM"})
# The density–neutron overlay is one matched pair: CNC = 0.45 - 0.6 (ZDEN - 1.95) at every
# point of the track, so crossover and separation read the same whatever the well. The auto
# option widens or narrows both through this same map, in steps of 0.05 g/cm3 (0.03 v/v).
DN_ZDEN_AT_LEFT = 1.95
DN_CNC_AT_LEFT = 0.45
DN_CNC_PER_ZDEN = -0.6
DN_STEP_ZDEN = 0.05
# Tick labels stay this far (share of the track) from both ends, so the end labels of two
# neighbouring tracks can never meet; the end values are in each scale's title instead.
TICK_MARGIN = 0.12


def _finite(values) -> np.ndarray:
    v = np.asarray([] if values is None else values, dtype=float).reshape(-1)
    return v[np.isfinite(v)]


def _nice_step(span: float) -> float:
    base = 10 ** math.floor(math.log10(span)) if span > 0 else 1.0
    return base / 2


def _auto_linear(values, default: tuple[float, float]) -> list[float]:
    """The 0.5–99.5 percentiles rounded outwards to half a decade step; direction kept."""
    left, right = default
    v = _finite(values)
    if not v.size:
        return [left, right]
    lo, hi = np.percentile(v, [0.5, 99.5])
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    step = _nice_step(hi - lo)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return [hi, lo] if right < left else [lo, hi]


def _auto_log(values, default: tuple[float, float]) -> list[float]:
    v = _finite(values)
    v = v[v > 0]
    if not v.size:
        return list(default)
    lo, hi = np.percentile(v, [0.5, 99.5])
    lo_d, hi_d = 10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))
    if hi_d <= lo_d:
        hi_d = lo_d * 10
    return [lo_d, hi_d]


def _auto_density_neutron(zden, cnc) -> tuple[list[float], list[float]]:
    """ZDEN and CNC ranges fitted to both curves on the matched map (neutron in density units)."""
    both = np.concatenate([_finite(zden),
                           DN_ZDEN_AT_LEFT + (_finite(cnc) - DN_CNC_AT_LEFT) / DN_CNC_PER_ZDEN])
    if both.size:
        p_lo, p_hi = np.percentile(both, [0.5, 99.5])
        lo = math.floor(round(p_lo / DN_STEP_ZDEN, 6)) * DN_STEP_ZDEN
        hi = math.ceil(round(p_hi / DN_STEP_ZDEN, 6)) * DN_STEP_ZDEN
        if hi <= lo:
            hi = lo + DN_STEP_ZDEN
    else:
        lo, hi = FIXED_SCALES["ZDEN"]
    lo, hi = round(lo, 4), round(hi, 4)
    to_cnc = lambda z: round(DN_CNC_AT_LEFT + DN_CNC_PER_ZDEN * (z - DN_ZDEN_AT_LEFT), 4)  # noqa: E731
    return [lo, hi], [to_cnc(lo), to_cnc(hi)]


def track_ranges(curves: Mapping, result: Mapping | None = None,
                 scales: Scales = "fixed") -> dict[str, list[float]]:
    """Scale [left, right] of every curve the tracks may draw (log curves in ohm.m, not log10).

    "fixed": the conventional print scales (FIXED_SCALES), whatever the well. "auto": fitted
    to the well's 0.5–99.5 percentiles (sonic: predicted, band and measured together), with
    density and neutron kept on their matched map.
    """
    if scales == "fixed":
        return {k: list(v) for k, v in FIXED_SCALES.items()}
    if scales != "auto":
        raise ValueError(f"scales must be 'fixed' or 'auto', not {scales!r}")
    get = (lambda frame, k: frame[k] if frame is not None and k in frame else None)  # noqa: E731
    out: dict[str, list[float]] = {}
    for name in ("GR", "CAL", "PE"):
        out[name] = _auto_linear(get(curves, name), FIXED_SCALES[name])
    resist = np.concatenate([_finite(get(curves, k)) for k in ("HRD", "HRM")])
    out["HRD"] = out["HRM"] = _auto_log(resist, FIXED_SCALES["HRD"])
    out["ZDEN"], out["CNC"] = _auto_density_neutron(get(curves, "ZDEN"), get(curves, "CNC"))
    for name in ("DTC", "DTS"):
        parts = [_finite(get(curves, name))] + [
            _finite(get(result, f"{name}_{s}")) for s in ("PRED", "P10", "P90")]
        out[name] = _auto_linear(np.concatenate(parts), FIXED_SCALES[name])
    return out


def interior_ticks(scale: Iterable[float], log: bool = False, max_ticks: int = 3
                   ) -> list[float]:
    """Round tick values strictly inside a scale, at least TICK_MARGIN of it from both ends.

    Neighbouring tracks then never show labels side by side at their shared edge (the
    issue's PE "10" on DTC "120"); each scale's end values are written in its title.
    """
    a, b = (float(x) for x in scale)
    lo, hi = min(a, b), max(a, b)
    if log:
        llo, lhi = math.log10(lo), math.log10(hi)
        margin = TICK_MARGIN * (lhi - llo)
        return [10.0 ** k for k in range(math.ceil(llo + margin), math.floor(lhi - margin) + 1)]
    span = hi - lo
    if span <= 0:
        return []
    margin = TICK_MARGIN * span
    for mult in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = 10 ** math.floor(math.log10(span)) / 10 * mult
        first = math.ceil(round((lo + margin) / step, 9)) * step
        ticks = []
        t = first
        while t <= hi - margin + 1e-9:
            ticks.append(round(t, 10))
            t += step
        if 0 < len(ticks) <= max_ticks:
            return ticks
    return [round((lo + hi) / 2, 10)]


def _fmt(x: float) -> str:
    # round(...) + 0.0: a fitted end at -0.0 or -1e-17 prints "0", never "-0" or "-1e-17".
    return f"{round(float(x), 9) + 0.0:g}"


# --------------------------------------------------------------------------- backup scales

def backup_values(values, scale: Iterable[float], log: bool = False
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Values beyond a print scale, as a petrophysicist's print draws them.

    Returns (backup, pinned), both the length of ``values`` and NaN where nothing is drawn:
    ``backup`` holds a value beyond the scale's high end moved down by one scale width (beyond
    the low end: up by one width), i.e. drawn on the backup scale ``backup_scales`` names;
    ``pinned`` holds the scale's edge for a value the backup cannot hold either (and for every
    value beyond a log scale), where an off-scale marker goes. Values on the scale are in
    neither: the main curve shows them.
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    a, b = (float(x) for x in scale)
    lo, hi = min(a, b), max(a, b)
    with np.errstate(invalid="ignore"):
        above, below = v > hi, v < lo
    if log:
        return np.full(v.shape, np.nan), np.where(above, hi, np.where(below, lo, np.nan))
    width = hi - lo
    shifted = np.where(above, v - width, np.where(below, v + width, np.nan))
    with np.errstate(invalid="ignore"):
        fits = (shifted >= lo) & (shifted <= hi)
    backup = np.where(fits, shifted, np.nan)
    pinned = np.where((above | below) & ~fits, np.where(above, hi, lo), np.nan)
    return backup, pinned


def backup_scales(values, scale: Iterable[float]) -> list[tuple[float, float]]:
    """The backup scales (left, right) that ``backup_values`` uses for these values: the
    print scale moved by one width towards the values beyond it (for DTS 240–40: 440–240 for
    values above 240, 40–-160 below 40)."""
    v = _finite(values)
    a, b = (float(x) for x in scale)
    width = abs(b - a)
    out = []
    if (v > max(a, b)).any():
        out.append((a + width, b + width))
    if (v < min(a, b)).any():
        out.append((a - width, b - width))
    return out
