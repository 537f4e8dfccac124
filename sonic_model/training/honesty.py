"""Honesty of bands and QC on wells with measured sonic: the figures issue 8 sets targets for.

A prediction is "confidently wrong" when its error exceeds 3 sigma of its own P10–P90 band
(sigma = width / 2.563, the width of a normal P10–P90 in sigmas) while QC says OK. A well the
model has never seen should get wide bands or a flag instead; the share of confidently wrong
samples is the figure to drive to zero. Used by benchmarks/honesty_force.py and the tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.core.curves import TARGETS
from sonic_model.core.qc import QC_OK

# Width of the P10–P90 interval of a normal distribution, in standard deviations.
P10_P90_SIGMAS = 2.563
CONFIDENT_SIGMAS = 3.0


def band_figures(measured: np.ndarray, pred: np.ndarray, p10: np.ndarray, p90: np.ndarray,
                 qc_ok: np.ndarray) -> dict:
    """RMSE, bias, coverage, flagged share and confidently-wrong share over scored samples."""
    measured, pred = np.asarray(measured, float), np.asarray(pred, float)
    p10, p90 = np.asarray(p10, float), np.asarray(p90, float)
    ok = np.isfinite(measured) & np.isfinite(pred) & np.isfinite(p10) & np.isfinite(p90)
    n = int(ok.sum())
    if n == 0:
        return {"n": 0}
    err = pred[ok] - measured[ok]
    sigma = np.maximum(p90[ok] - p10[ok], 1e-9) / P10_P90_SIGMAS
    inside = (measured[ok] >= p10[ok]) & (measured[ok] <= p90[ok])
    qc = np.asarray(qc_ok, bool)[ok]
    return {"n": n, "rmse": float(np.sqrt(np.mean(err ** 2))), "bias": float(err.mean()),
            "coverage": float(inside.mean()), "flagged": float((~qc).mean()),
            "width": float(np.median(p90[ok] - p10[ok])),
            "confident_wrong": float(((np.abs(err) > CONFIDENT_SIGMAS * sigma) & qc).mean())}


def result_figures(measured: pd.DataFrame, result: pd.DataFrame) -> dict[str, dict]:
    """band_figures per target for a predict() result against a frame with DTC/DTS."""
    qc_ok = (result["QC"].to_numpy() == QC_OK)
    out = {}
    for t in TARGETS:
        if t in measured.columns and measured[t].notna().any():
            f = band_figures(measured[t].to_numpy(float), result[f"{t}_PRED"].to_numpy(),
                             result[f"{t}_P10"].to_numpy(), result[f"{t}_P90"].to_numpy(), qc_ok)
            if f["n"]:
                out[t] = f
    return out


def honesty_table(wells: list, model_dir: Path, ensemble: str = "full") -> list[dict]:
    """One row per (well, target) with band_figures, plus pooled rows per target."""
    from sonic_model.model.ensemble import _load, predict

    ens = _load(ensemble, Path(model_dir))
    rows, parts = [], []
    for well in wells:
        if well.missing_required:
            continue
        result = predict(well.curves, ens, depth_ft=well.depth_ft())
        for t, f in result_figures(well.curves, result).items():
            rows.append({"well": well.name, "target": t, **f})
        parts.append((well.curves, result))
    for t in TARGETS:
        f = pooled_figures(parts, t)
        if f["n"]:
            rows.append({"well": "ALL (pooled)", "target": t, **f})
    return rows


def pooled_figures(parts: list[tuple[pd.DataFrame, pd.DataFrame]], target: str,
                   qc: bool = True) -> dict:
    """band_figures of `target` over (measured curves, predict() result) pairs pooled: wells
    without the target add nothing. qc=False counts every sample as QC OK, so
    "confident_wrong" is then the share beyond 3 sigma before any flag is raised."""
    parts = [(m, r) for m, r in parts if target in m.columns]
    if not parts:
        return {"n": 0}
    measured = np.concatenate([m[target].to_numpy(float) for m, _ in parts])
    res = pd.concat([r for _, r in parts], ignore_index=True)
    qc_ok = res["QC"].to_numpy() == QC_OK if qc else np.ones(len(res), dtype=bool)
    return band_figures(measured, res[f"{target}_PRED"].to_numpy(),
                        res[f"{target}_P10"].to_numpy(), res[f"{target}_P90"].to_numpy(), qc_ok)


def format_table(rows: list[dict]) -> str:
    head = f"{'well':14s} {'tgt':3s} {'n':>6s} {'rmse':>6s} {'bias':>7s} {'cov':>5s} " \
           f"{'width':>5s} {'flag':>5s} {'conf':>5s}"
    lines = [head, "-" * len(head)]
    for r in sorted(rows, key=lambda r: (r["target"], r["well"].startswith("ALL"), r["well"])):
        lines.append(f"{r['well']:14s} {r['target']:3s} {r['n']:6d} {r['rmse']:6.1f} "
                     f"{r['bias']:+7.1f} {r['coverage']:5.2f} {r['width']:5.0f} {r['flagged']:5.2f} "
                     f"{r['confident_wrong']:5.3f}")
    return "\n".join(lines)
