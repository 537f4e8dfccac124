"""Judging the DTC-conditioned shear on held-out rows: its band calibration, whether the mudrock
prior and the fusion ship, and the card's per-fold table (conditioned_fit.py fits and exports).

Every band figure reported here is nested: a fold's P10-P90 comes from a calibration fitted on
the other folds' held-out residuals only (``nested_bands``), so coverage and the share beyond
3 sigma are out of sample. The calibration that ships is the same fit on every fold at once.
The two switches (prior, fusion) are chosen on the held-out predictions they are scored on;
the card says so.
"""

from __future__ import annotations

import numpy as np

from sonic_model.model.conditioned import Prepared, band, combine, softness, with_prior
from sonic_model.physics.shear_prior import DEFAULT_PRIOR

Z90 = 1.2815515655446004     # P10-P90 half-width in sigmas of a normal distribution
# A switch (prior, fusion) ships unless it raises the objective by more than this: selection.py's
# tolerance for keeping a member.
SWITCH_TOLERANCE = 0.002
MIN_CALIBRATION = 200        # held-out rows a band calibration needs


def _rmse(e: np.ndarray) -> float:
    e = e[np.isfinite(e)]
    return float(np.sqrt(np.mean(e ** 2))) if len(e) else float("nan")


def _stats(pred: np.ndarray, y: np.ndarray, mask: np.ndarray) -> dict:
    ok = mask & np.isfinite(pred) & np.isfinite(y)
    e = (pred - y)[ok]
    return {"rmse": round(_rmse(e), 3), "bias": round(float(e.mean()), 3) if len(e) else None,
            "rows": int(ok.sum())}


def shaped(p: Prepared, s: dict, weights: dict, prior: dict | None):
    """(DTS, members' spread, prior gap) of one scheme's held-out member ratios."""
    dts, spread = combine(s["vpvs"], p, weights)
    dts, gap = with_prior(dts, p, prior)
    return dts, spread, gap


# ----------------------------------------------------------------------------- bands

def _fit_scale(r: np.ndarray, spread: np.ndarray, gap: np.ndarray, dtc: np.ndarray) -> dict:
    """a + b*spread + e*|gap| + h*softness(DTC) (conditioned.band) fitted (non-negative) to
    |residual|, then P10/P90 of the scaled residual."""
    from scipy.optimize import nnls

    A = np.column_stack([np.ones(len(r)), spread, np.abs(gap), softness(dtc)])
    coef, _ = nnls(A, np.abs(r))
    coef[0] = max(coef[0], 1e-3)
    q10, q90 = np.quantile(r / (A @ coef), [0.1, 0.9])
    return {"a": float(coef[0]), "b": float(coef[1]), "e": float(coef[2]), "h": float(coef[3]),
            "q10": float(q10), "q90": float(q90)}


def calibrate(p: Prepared, cv: dict, weights: dict, prior: dict | None = None,
              exclude: dict | None = None, parts: dict | None = None) -> dict | None:
    """Band scale fitted to |held-out residual| of every scheme pooled; ``exclude`` ({scheme:
    row mask}) leaves rows out (nested_bands: the fold being scored); ``parts`` ({scheme:
    shaped(...)}) when the caller already has them. None with fewer than MIN_CALIBRATION rows
    to fit on."""
    parts = parts or {name: shaped(p, s, weights, prior) for name, s in cv.items()}
    r, sp, gp, dc = [], [], [], []
    for name, (dts, spread, gap) in parts.items():
        ok = np.isfinite(dts) & np.isfinite(p.dts)
        if exclude and name in exclude:
            ok &= ~exclude[name]
        r.append((p.dts - dts)[ok])
        sp.append(spread[ok])
        gp.append(gap[ok])
        dc.append(p.dtc[ok])
    if sum(len(x) for x in r) < MIN_CALIBRATION:
        return None
    return _fit_scale(*(np.concatenate(x) for x in (r, sp, gp, dc)))


def nested_bands(p: Prepared, cv: dict, weights: dict, prior: dict | None) -> dict:
    """{scheme: (P10, P90)} where each fold's band is calibrated without that fold's rows in any
    scheme (a row held out by LOWO is also in a blocked fold: both are left out)."""
    parts = {name: shaped(p, s, weights, prior) for name, s in cv.items()}
    out = {}
    for name, s in cv.items():
        dts, spread, gap = parts[name]
        lo, hi = np.full(p.n, np.nan), np.full(p.n, np.nan)
        for _, mask in s["folds"]:
            cal = calibrate(p, cv, weights, exclude={k: mask for k in cv}, parts=parts)
            if cal is None:        # nothing else to calibrate on: the fold's band is not scored
                continue
            flo, fhi = band(dts, spread, cal, gap, p.dtc)
            lo[mask], hi[mask] = flo[mask], fhi[mask]
        out[name] = (lo, hi)
    return out


def band_stats(y, mean, lo, hi, rows) -> dict:
    """P10-P90 coverage and share beyond 3 sigma (sigma from the band's width) on ``rows``."""
    from sonic_model.model.fusion import sigma

    mean, lo, hi = (np.asarray(a, dtype=float) for a in (mean, lo, hi))
    ok = rows & np.isfinite(mean) & np.isfinite(lo) & np.isfinite(hi)
    if not ok.any():
        return {"coverage_p10_p90": None, "beyond_3_sigma": None}
    s = sigma(lo[ok], hi[ok])
    return {"coverage_p10_p90": round(float(np.mean((y[ok] >= lo[ok]) & (y[ok] <= hi[ok]))), 3),
            "beyond_3_sigma": round(float(np.mean(np.abs(y[ok] - mean[ok]) > 3 * s)), 4)}


# ----------------------------------------------------------------------------- switches

def per_fold_gm(p: Prepared, cv: dict, route: dict) -> float:
    """Geometric mean of per-fold DTS RMSE over every scheme's folds; route {scheme: DTS}."""
    logs = []
    for name, s in cv.items():
        for _, mask in s["folds"]:
            e = (route[name] - p.dts)[mask]
            if np.isfinite(e).sum() > 50:
                logs.append(np.log(_rmse(e)))
    return float(np.exp(np.mean(logs))) if logs else float("nan")


def prior_choice(p: Prepared, cv: dict, weights: dict) -> dict:
    """Ship the mudrock prior on the measured DTC unless it makes the geometric mean of per-fold
    DTS RMSE worse by more than SWITCH_TOLERANCE."""
    g = {}
    for label, prior in (("without", None), ("with", DEFAULT_PRIOR)):
        g[label] = round(per_fold_gm(p, cv, {n: shaped(p, s, weights, prior)[0]
                                              for n, s in cv.items()}), 3)
    shipped = bool(g["with"] <= g["without"] * (1 + SWITCH_TOLERANCE))
    return {"shipped": shipped, "prior": DEFAULT_PRIOR if shipped else None, "objective": g,
            "what": "geometric mean of per-fold DTS RMSE (us/ft) of the conditioned route "
                    "without and with the mudrock prior on the measured DTC; the switch is "
                    "chosen on these held-out predictions (the prior's settings are the "
                    "logs-only route's published ones, fitted on nothing here)"}


def fusion_choice(validation: dict) -> dict:
    """Ship fusion when its geometric mean of per-fold DTS RMSE over every scheme is no more than
    SWITCH_TOLERANCE above the conditioned route's."""
    def gm(route):
        v = [f[route]["rmse"] for s in validation.values() for f in s["per_fold"]
             if route in f and f[route]["rows"] > 0 and np.isfinite(f[route]["rmse"])]
        return float(np.exp(np.mean(np.log(v)))) if v else float("nan")

    if not all("fused" in s["pooled"] for s in validation.values()):
        return {"shipped": False, "why": "no logs-only ensemble to fuse with"}
    g = {r: round(gm(r), 3) for r in ("conditioned", "logs_only_ensemble", "fused")}
    return {"shipped": bool(g["fused"] <= g["conditioned"] * (1 + SWITCH_TOLERANCE)),
            "tolerance": SWITCH_TOLERANCE,
            "objective": g,
            "what": "geometric mean of per-fold DTS RMSE (us/ft), every scheme's folds; the "
                    "switch is chosen on these held-out predictions (in sample as a switch; "
                    "the fusion rule itself fits nothing; bands nested)"}


def shipped_held_out(p: Prepared, cv: dict, weights: dict, prior: dict | None,
                     logs_only: dict | None, fused: bool) -> dict:
    """{scheme: (DTS, P10, P90)} of the route as shipped (fused with the logs-only ensemble when
    the fusion ships, else conditioned), held out row for row with its nested band: what the
    card's fit-for-purpose figures with a measured DTC are made from."""
    from sonic_model.model.fusion import fuse

    bands = nested_bands(p, cv, weights, prior)
    out = {}
    for scheme, s in cv.items():
        dts = shaped(p, s, weights, prior)[0]
        lo, hi = bands[scheme]
        if fused and logs_only and scheme in logs_only:
            dts, lo, hi, _ = fuse(dts, lo, hi, *(np.asarray(a, dtype=float)
                                                 for a in logs_only[scheme]))
        out[scheme] = (dts, lo, hi)
    return out


# ----------------------------------------------------------------------------- the card's table

def report(p: Prepared, cv: dict, weights: dict, prior: dict | None = None,
           logs_only: dict | None = None) -> dict:
    """RMSE of the conditioned (as shipped, and without the prior when it ships), logs-only and
    rock-physics DTS on the same held-out rows (rows with logs, a valid measured DTC and a
    measured DTS), pooled and per fold; nested band coverage and share beyond 3 sigma. With
    ``logs_only`` ({scheme: (DTS, P10, P90)} of the model's own logs-only ensemble, held out,
    row for row), also that route and the fused one (model/fusion.py), with their bands."""
    from sonic_model.model.fusion import fuse

    bands = nested_bands(p, cv, weights, prior)
    out = {}
    for scheme, s in cv.items():
        dts = shaped(p, s, weights, prior)[0]
        lo, hi = bands[scheme]
        routes = {"conditioned": dts, "logs_only": s["logs"],
                  "mudrock": p.baselines["DTS_MUDROCK"], "greenberg_castagna": p.baselines["DTS_GC"]}
        if prior:
            routes["conditioned_without_prior"] = shaped(p, s, weights, None)[0]
        band_sets = {"conditioned": (dts, lo, hi)}
        if logs_only and scheme in logs_only:
            lm, llo, lhi = (np.asarray(a, dtype=float) for a in logs_only[scheme])
            fm, flo, fhi, _ = fuse(dts, lo, hi, lm, llo, lhi)
            routes["logs_only_ensemble"], routes["fused"] = lm, fm
            band_sets.update({"logs_only_ensemble": (lm, llo, lhi), "fused": (fm, flo, fhi)})
        common = np.isfinite(p.dts) & np.all([np.isfinite(v) for v in routes.values()], axis=0)
        own = band_stats(p.dts, dts, lo, hi, common)
        entry = {"pooled": {k: _stats(v, p.dts, common) for k, v in routes.items()},
                 "coverage_p10_p90": own["coverage_p10_p90"],
                 "beyond_3_sigma": own["beyond_3_sigma"],
                 "per_fold": []}
        for label, mask in s["folds"]:
            fold = {"fold": label, **{k: _stats(v, p.dts, common & mask) for k, v in routes.items()}}
            fold["bands"] = {k: band_stats(p.dts, *b, common & mask) for k, b in band_sets.items()}
            entry["per_fold"].append(fold)
        if len(band_sets) > 1:
            entry["bands"] = {k: band_stats(p.dts, *b, common) for k, b in band_sets.items()}
        entry["per_interval"] = per_interval(p, routes, common)
        out[scheme] = entry
    return out


# Intervals of the measured rock the routes are compared in (issue 18: before and after, per
# DTC band and Vp/Vs band): slow soft rock is where the routes part.
DTC_BANDS = ((40, 70), (70, 90), (90, 110), (110, 130), (130, 240))
VPVS_BANDS = ((1.3, 1.7), (1.7, 2.0), (2.0, 2.5), (2.5, 4.5))


def per_interval(p: Prepared, routes: dict, common: np.ndarray) -> list[dict]:
    """DTS RMSE of every route per measured-DTC band and per measured-Vp/Vs band."""
    with np.errstate(invalid="ignore", divide="ignore"):
        vpvs = p.dts / p.dtc
    out = []
    for label, values, bands in (("DTC", p.dtc, DTC_BANDS), ("Vp/Vs", vpvs, VPVS_BANDS)):
        for lo, hi in bands:
            rows = common & (values >= lo) & (values < hi)
            if rows.sum() < 50:
                continue
            out.append({"interval": f"{label} {lo:g}-{hi:g}", "rows": int(rows.sum()),
                        **{k: _stats(v, p.dts, rows)["rmse"] for k, v in routes.items()}})
    return out
