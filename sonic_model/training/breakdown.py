"""Per-interval validation figures a user needs to judge the model (issue 8, part 2).

A pooled RMSE over Well #1 is dominated by one extrapolation block; what a user needs is the
error and the band's coverage where their rock is: per held-out fold, per measured Vp/Vs band
(shear fails in slow, high-Vp/Vs rock) and per DTC band. Training writes these into the model
card; benchmarks/well1_intervals.py prints them.
"""

from __future__ import annotations

import numpy as np

from sonic_model.core.curves import TARGETS
from sonic_model.training.validation import held_out_residuals, rmse

# Measured Vp/Vs: Well #1's deep rock sits at 1.8-1.9, its shallow block at 2.2-3.2.
VPVS_BANDS = ((0.0, 1.8), (1.8, 2.0), (2.0, 2.4), (2.4, 9.9))
DTC_BANDS = ((0.0, 70.0), (70.0, 90.0), (90.0, 110.0), (110.0, 999.0))


def target_figures(y, mean, lo, hi, mask) -> dict:
    """rows, and per target RMSE, bias (predicted - measured), P10–P90 coverage and median
    P10–P90 width (us/ft)."""
    out: dict = {"rows": int((mask & np.isfinite(y).all(axis=1)).sum())}
    for t, (name, ok, e, inside) in enumerate(held_out_residuals(y, mean, lo, hi, mask)):
        out[name] = None if ok is None else {
            "rmse": round(rmse(e), 2), "bias": round(float(e.mean()), 2),
            "coverage": round(float(inside.mean()), 3),
            "width": round(float(np.median(hi[ok, t] - lo[ok, t])), 1)}
    return out


def breakdown(y, mean, lo, hi, folds) -> dict:
    """{"by_fold": [...], "by_vpvs": [...], "by_dtc": [...]} over rows with both targets."""
    n = len(y)
    idx = np.arange(n)
    both = np.isfinite(y).all(axis=1)
    vpvs = np.where(both, y[:, 1] / np.where(both, y[:, 0], 1.0), np.nan)
    out = {"by_fold": [], "by_vpvs": [], "by_dtc": []}
    for i, (a, b) in enumerate(folds):
        out["by_fold"].append({"fold": i + 1, "start": int(a), "stop": int(b),
                               **target_figures(y, mean, lo, hi, both & (idx >= a) & (idx < b))})
    for lo_v, hi_v in VPVS_BANDS:
        m = both & (vpvs >= lo_v) & (vpvs < hi_v)
        out["by_vpvs"].append({"vpvs": [lo_v, hi_v], **target_figures(y, mean, lo, hi, m)})
    for lo_d, hi_d in DTC_BANDS:
        m = both & (y[:, 0] >= lo_d) & (y[:, 0] < hi_d)
        out["by_dtc"].append({"dtc": [lo_d, hi_d], **target_figures(y, mean, lo, hi, m)})
    return out


def format_breakdown(name: str, scheme: str, table: dict) -> str:
    """Plain-text table of one breakdown (for the benchmark script and logs)."""
    lines = [f"{name} — {scheme}",
             f"  {'interval':18s} {'rows':>6s}  {'DTC rmse':>8s} {'bias':>6s} {'cov':>5s} {'width':>5s}"
             f"  {'DTS rmse':>8s} {'bias':>6s} {'cov':>5s} {'width':>5s}"]

    def fmt(label, row):
        cells = []
        for t in TARGETS:
            f = row.get(t)
            cells.append(f"{f['rmse']:8.2f} {f['bias']:+6.1f} {f['coverage']:5.2f} "
                         f"{f['width']:5.0f}" if f else f"{'-':>8s} {'-':>6s} {'-':>5s} {'-':>5s}")
        return f"  {label:18s} {row['rows']:6d}  " + "  ".join(cells)

    for row in table["by_fold"]:
        lines.append(fmt(f"fold {row['fold']} ({row['start']}-{row['stop']})", row))
    for row in table["by_vpvs"]:
        lines.append(fmt(f"Vp/Vs {row['vpvs'][0]:.1f}-{row['vpvs'][1]:.1f}", row))
    for row in table["by_dtc"]:
        lines.append(fmt(f"DTC {row['dtc'][0]:.0f}-{row['dtc'][1]:.0f}", row))
    return "\n".join(lines)
