"""The depth index: nulls mapped, the depth curve found, its unit settled, rows ordered."""

from __future__ import annotations

import math

import numpy as np

from sonic_model.core import curves, units
from sonic_model.io.encoding import fail
from sonic_model.io.well import Table


def map_nulls(data: np.ndarray, null: float | None) -> np.ndarray:
    data = np.array(data, dtype=float, copy=True)
    sentinels = set(curves.NULL_SENTINELS)
    if null is not None:
        sentinels.add(float(null))
    for s in sentinels:
        data[data == s] = np.nan
    data[~np.isfinite(data)] = np.nan
    return data


def find_depth(table: Table, fname: str, warnings: list[str]) -> int | None:
    if table.depth_col is None:
        return None
    idx = table.depth_col
    mnem = curves.normalize_mnemonic(table.names[idx])
    unit_known = not math.isnan(units.depth_unit(table.units[idx])[1])
    if mnem in curves.DEPTH_ALIASES or unit_known:
        return idx
    # The index is not depth (e.g. TIME): look for a depth curve elsewhere.
    for j, n in enumerate(table.names):
        if j != idx and curves.normalize_mnemonic(n) in curves.DEPTH_ALIASES:
            warnings.append(f"index curve {table.names[idx]} is not depth; used {n} as depth")
            return j
    if mnem in curves.TIME_INDEX_ALIASES or curves.normalize_unit(table.units[idx]) in (
            "s", "ms", "sec", "min", "h", "hr", "date", "time"):
        raise fail(fname, f"is indexed by {table.names[idx]} ({table.units[idx] or 'time'}), "
                           "not depth; export a depth-indexed log")
    col = table.data[:, idx]
    finite = col[np.isfinite(col)]
    if finite.size > 1 and (np.all(np.diff(finite) > 0) or np.all(np.diff(finite) < 0)):
        warnings.append(f"index curve {table.names[idx]} is not a known depth mnemonic; "
                        "read it as depth")
        return idx
    raise fail(fname, f"has no depth curve (index {table.names[idx]!r} is not depth); name the "
                       "first curve DEPT with a unit of ft or m")


def resolve_depth_unit(table: Table, col: int, depth: np.ndarray, warnings: list[str]) \
        -> tuple[str, float, str, str]:
    """(depth unit "ft"/"m", factor applied to the values, unit as in file, conversion text)."""
    candidates = [table.units[col]]
    for key in ("STRT", "STOP", "STEP"):
        for item in table.header.get("sections", {}).get("Well", []):
            if str(item.get("mnemonic", "")).upper() == key:
                candidates.append(item.get("unit", ""))
    name = curves.normalize_mnemonic(table.names[col])
    if name.endswith("_M"):
        candidates.append("m")
    elif name.endswith("_FT"):
        candidates.append("ft")
    for unit in candidates:
        native, factor = units.depth_unit(unit)
        if native:
            return native, 1.0, unit, "none"
        if not math.isnan(factor):
            warnings.append(f"depth unit '{unit}' converted to ft")
            return "ft", factor, unit, f"{unit} -> ft (x{factor:.6g})"
    steps = np.diff(depth[np.isfinite(depth)])
    step = float(np.median(np.abs(steps))) if steps.size else float("nan")
    if np.isfinite(step) and any(abs(step - s) < 1e-4 for s in (0.1524, 0.0762, 0.1, 0.05)):
        warnings.append(f"depth has no unit; step {step:g} suggests metres")
        return "m", 1.0, "", "none"
    warnings.append("depth has no unit; assumed feet")
    return "ft", 1.0, "", "none"


def order_rows(depth: np.ndarray, unit: str, warnings: list[str]) -> np.ndarray | None:
    """Row order for increasing depth (stable), or None when already in order."""
    d = np.diff(depth)
    if d.size == 0 or np.all(d >= 0):
        order = None
    else:
        order = np.argsort(depth, kind="stable")
        if np.all(d <= 0):
            warnings.append(f"depth decreases down the file (reversed log, {depth[0]:g} to "
                            f"{depth[-1]:g} {unit}); rows sorted to increasing depth")
        else:
            warnings.append(f"depth is not monotonic ({int((d < 0).sum())} step(s) go up); rows "
                            "sorted by depth, keeping file order for equal depths")
    sd = np.diff(depth[order] if order is not None else depth)
    dup = int((sd == 0).sum())
    if dup:
        warnings.append(f"{dup} duplicate depth value(s) kept as separate rows in file order")
    pos = sd[sd > 0]
    if pos.size >= 2:
        step = float(np.median(pos))
        gaps = np.flatnonzero(sd > 1.5 * step)
        if gaps.size:
            sorted_depth = depth[order] if order is not None else depth
            biggest = gaps[np.argmax(sd[gaps])]
            warnings.append(f"{gaps.size} depth gap(s) with no samples, largest "
                            f"{sorted_depth[biggest]:g}-{sorted_depth[biggest + 1]:g} {unit}")
        irregular = np.abs(pos - step) > 0.01 * step
        if irregular.mean() > 0.05 and irregular.sum() > gaps.size:
            warnings.append(f"irregular sampling: step varies from {pos.min():.4g} to "
                            f"{pos.max():.4g} {unit} (median {step:.4g})")
    return order


# The contest rows are 0.1 m apart; a file without depth is taken to be in that layout.
CONTEST_STEP_FT = 0.1 / 0.3048


def sampling_step_ft(depth_ft: np.ndarray | None) -> float:
    if depth_ft is None or len(depth_ft) < 2:
        return CONTEST_STEP_FT
    steps = np.abs(np.diff(np.asarray(depth_ft, dtype=float)))
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if not len(steps):
        return CONTEST_STEP_FT
    # The mean of the regular steps, not their median: depths written to a few decimals
    # (0.1 m in feet is 0.328083989...) have steps that scatter by the rounding, and the
    # median picks one rounded value; the mean recovers the true step to ~1e-9.
    median = float(np.median(steps))
    return float(np.mean(steps[np.abs(steps - median) <= 0.01 * median]))
