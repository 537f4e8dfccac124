"""Nested band figures of the shipped logs-only ensemble, fold by fold (issue 18).

The shipped P10-P90 calibration (ensemble_build.build_ensembles) is fitted on the held-out
residuals of every fold of every scheme pooled, so the coverage it gets on those residuals
(validation.lowo_wells[*].coverage) is in sample. Here each fold's band comes from a calibration
refitted without that fold's rows in any scheme (a row held out by leave-one-well-out also sits
in a blocked fold: both copies leave the pool), by the steps the shipped one took:
intervals.fit_band on the rest of the pool; where a between-field term ships (other-field wells,
transfer.py), its transfer and novelty cap are kept as shipped (fitted on other fields' wells,
never on these folds), q10/q90 are requantiled on the rest of the pool, as
transfer.OtherFieldWidener.fit does, and widened by the factor its last between-field step adds
(width_factors, also kept as shipped); where the shipped band has a well bound
(training/well_bound.py), it is refitted on the wells left, each banded without itself and the
fold (fold_calibration). The fold is then drawn with intervals.band and scored:
P10-P90 coverage, the share beyond 3 sigma, and the share beyond 3 sigma that no QC flag warns
about ("silent": model.ensemble.qc_reasons' unfamiliar-combination, training-range and washout
flags; missing inputs predict nothing).
"""

from __future__ import annotations

import time

import numpy as np

from sonic_model.core.curves import TARGETS
from sonic_model.model.ensemble import combine
from sonic_model.model.intervals import band, exceed_share, fit_band, requantile
from sonic_model.physics.borehole import WASHOUT_IN
from sonic_model.physics.shear_prior import apply_shear_prior
from sonic_model.training import well_bound

# A fold whose calibration would rest on fewer held-out rows than this is not scored.
MIN_CALIBRATION = 200
QC_FLAGS = ("unfamiliar log combination (novelty), outside training range (input envelope), "
            "washout: model.ensemble.qc_reasons' definitions")


def shaped(y, gr, cv: dict, kinds, W, prior) -> dict:
    """{scheme: (mean, spread, novelty, gap)} of the ensemble's held-out predictions, the
    shear prior applied as predict() applies it (build_ensembles' parts)."""
    out = {}
    for s, part in cv.items():
        mean, spread = combine(part["pred"], kinds, W)
        mean, gap = apply_shear_prior(mean, gr, prior)
        out[s] = (mean, spread, part["novelty"], gap)
    return out


def calibrate(y, parts: dict, shipped: dict, leave_out: np.ndarray | None = None,
              factor: dict | None = None) -> dict | None:
    """The shipped calibration's steps before its well bound, on every scheme's held-out rows
    pooled, without the rows in ``leave_out`` (an (n,) mask, left out of every scheme). None
    with fewer than MIN_CALIBRATION rows left. With a between-field term (``shipped`` has
    "transfer"), ``factor`` (width_factors) is the width the last between-field step adds."""
    keep = np.ones(len(y), dtype=bool) if leave_out is None else ~np.asarray(leave_out, bool)
    pool = [np.concatenate([p[i][keep] for p in parts.values()]) for i in range(4)]
    pool_y = np.concatenate([y[keep] for _ in parts])
    # Both targets: fit_band calibrates each (a pool without the only shear well has no DTS).
    if (np.isfinite(pool_y).sum(axis=0) < MIN_CALIBRATION).any():
        return None
    cal = fit_band(pool_y, *pool)
    if _has_transfer(shipped):
        # Between-field term as shipped (fitted on other fields), q10/q90 from this pool.
        for t, c in cal.items():
            c["transfer"] = shipped[t]["transfer"]
            c["transfer_cap"] = shipped[t].get("transfer_cap", np.inf)
        cal = requantile(cal, pool_y, *pool)
    if factor is not None:
        cal = {t: {**c, "q10": c["q10"] * factor[t], "q90": c["q90"] * factor[t]}
               for t, c in cal.items()}
    return cal


def fold_calibration(y, parts: dict, shipped: dict, rows: np.ndarray, groups, factor: dict):
    """calibrate() without ``rows``, then, when the shipped calibration has a well bound, that
    bound refitted on the wells left (each of them banded without itself and ``rows``)."""
    cal = calibrate(y, parts, shipped, leave_out=rows, factor=factor)
    if cal is None or groups is None or not any("well_bound" in c for c in shipped.values()):
        return cal
    return well_bound.bound(
        cal, y, parts, groups,
        lambda m: calibrate(y, parts, shipped, leave_out=rows | m, factor=factor), keep=~rows)


def _has_transfer(cal: dict) -> bool:
    return all("transfer" in c for c in cal.values())


def width_factors(y, parts: dict, shipped: dict) -> dict:
    """{target: factor} that turns calibrate()'s q10/q90 on the whole pool into the shipped ones.

    OtherFieldWidener.fit requantiles on the pool and then refits the between-field term once
    more, so the shipped band is wider than one requantiled with the final term (Well #1:
    x1.31 DTC, x1.75 DTS). Each fold keeps that factor as shipped, like the term itself:
    measured against refitting the whole between-field procedure per fold (6 s a fold), the
    nested coverage differs by at most 0.04 and the share beyond 3 sigma by at most 0.003."""
    if not _has_transfer(shipped):
        return {t: 1.0 for t in shipped}
    whole = calibrate(y, parts, shipped)
    # The shipped width before its well bound (applied after the between-field steps).
    return {t: (shipped[t]["q90"] - shipped[t]["q10"]) / shipped[t].get("well_bound", 1.0)
            / (whole[t]["q90"] - whole[t]["q10"]) for t in shipped}


def qc_flagged(ts, cv: dict, qc: dict) -> dict:
    """{scheme: (n,) mask} of held-out rows a QC flag warns about, as qc_reasons defines the
    flags: novelty above qc["novelty_threshold"] (each scheme's own held-out novelty), a curve
    outside qc["envelope"], or a washout."""
    outside = np.zeros(ts.n, dtype=bool)
    for curve, (lo, hi) in qc["envelope"].items():
        v = ts.clean[curve].to_numpy(dtype=float)
        outside |= np.isfinite(v) & ((v < lo) | (v > hi))
    if "CAL_X" in ts.features:
        excess = ts.features["CAL_X"].to_numpy(dtype=float)
        outside |= np.isfinite(excess) & (excess > WASHOUT_IN)
    out = {}
    for s, part in cv.items():
        nov = np.asarray(part["novelty"], dtype=float)
        out[s] = outside | (np.isfinite(nov) & (nov > qc["novelty_threshold"]))
    return out


def fold_stats(y_t, mean_t, lo_t, hi_t, rows: np.ndarray, unflagged=None) -> dict | None:
    """Coverage P10-P90, share beyond 3 sigma, and (with ``unflagged``) the share beyond 3 sigma
    on rows no QC flag warns about, over ``rows``; None when no row there is scored."""
    ok = rows & np.isfinite(y_t) & np.isfinite(mean_t) & np.isfinite(lo_t) & np.isfinite(hi_t)
    if not ok.any():
        return None
    inside = (y_t[ok] >= lo_t[ok]) & (y_t[ok] <= hi_t[ok])
    out = {"coverage": round(float(inside.mean()), 3),
           "beyond_3_sigma": round(exceed_share(y_t[ok], mean_t[ok], lo_t[ok], hi_t[ok]), 4),
           "rows": int(ok.sum())}
    if unflagged is not None:
        out["silent_beyond_3_sigma"] = round(exceed_share(
            y_t[ok], mean_t[ok], lo_t[ok], hi_t[ok], counted=unflagged[ok]), 4)
    return out


def nested_folds(y, gr, cv: dict, ens: dict, flagged: dict | None = None,
                 names: list[str] | None = None) -> dict:
    """{scheme: {"folds": [{"fold", "start", "stop", "DTC": stats, "DTS": stats}],
    "pooled": {"DTC", "DTS"}}} (stats: fold_stats, plus "coverage_in_sample" of the shipped
    band on the same rows) of the ensemble ``ens`` (build_ensembles' entry: "kinds",
    "weights", "intervals", "shear_prior"), every fold banded by a calibration fitted without
    its rows. ``flagged`` ({scheme: mask}, qc_flagged) adds the silent share; ``names`` labels
    the leave-one-well-out folds (the wells)."""
    parts = shaped(y, gr, cv, ens["kinds"], ens["weights"], ens.get("shear_prior"))
    factor = width_factors(y, parts, ens["intervals"])
    groups = well_bound.lowo_groups(cv, len(y))
    out = {}
    for s, part in cv.items():
        mean, spread, novelty, gap = parts[s]
        lo, hi = np.full_like(mean, np.nan), np.full_like(mean, np.nan)
        slo, shi = band(mean, spread, novelty, ens["intervals"], gap)    # as shipped
        unflagged = None if flagged is None else ~flagged[s]
        folds = []
        for i, (a, b) in enumerate(part["folds"]):
            rows = np.zeros(len(y), dtype=bool)
            rows[a:b] = True
            cal = fold_calibration(y, parts, ens["intervals"], rows, groups, factor)
            label = names[i] if (s == "lowo" and names and i < len(names)) else i + 1
            entry: dict = {"fold": label, "start": int(a), "stop": int(b)}
            if cal is not None:
                flo, fhi = band(mean[a:b], spread[a:b], novelty[a:b], cal, gap[a:b])
                lo[a:b], hi[a:b] = flo, fhi
            for t, name in enumerate(TARGETS):
                entry[name] = fold_stats(y[:, t], mean[:, t], lo[:, t], hi[:, t], rows,
                                         unflagged)
                if entry[name] is not None:   # the shipped band on the same rows: in sample
                    entry[name]["coverage_in_sample"] = fold_stats(
                        y[:, t], mean[:, t], slo[:, t], shi[:, t], rows & np.isfinite(lo[:, t]))[
                        "coverage"]
            folds.append(entry)
        pooled = {}
        for t, name in enumerate(TARGETS):
            pooled[name] = fold_stats(y[:, t], mean[:, t], lo[:, t], hi[:, t],
                                      np.ones(len(y), dtype=bool), unflagged)
            if pooled[name] is not None:
                pooled[name]["coverage_in_sample"] = fold_stats(
                    y[:, t], mean[:, t], slo[:, t], shi[:, t], np.isfinite(lo[:, t]))["coverage"]
        out[s] = {"folds": folds, "pooled": pooled}
    return out


def card_section(ts, cv: dict, full: dict, qc: dict, log=print) -> dict:
    """validation.nested_bands of a freshly trained model (trainer.train_model), full ensemble:
    folds labelled by well for leave-one-well-out, silent shares with qc's flags."""
    started = time.perf_counter()
    nested = nested_folds(ts.y, ts.clean["GR"].to_numpy(), cv, full,
                          flagged=qc_flagged(ts, cv, qc), names=list(ts.names))
    out = section(nested, flags=True)
    w = out["worst"]
    log(f"  nested band figures of the full ensemble in {time.perf_counter() - started:.1f} s"
        + (f"; worst held-out fold {w['fold']} ({w['scheme']}) {w['target']} "
           f"{w['share']:.1%} silently beyond 3 sigma" if w else ""))
    return out


def section(nested: dict, *, flags: bool) -> dict:
    """The card's validation.nested_bands: what was done, per scheme the fold table, and the
    worst held-out fold and target by share beyond 3 sigma with no QC flag (``flags``), else by
    share beyond 3 sigma."""
    key = "silent_beyond_3_sigma" if flags else "beyond_3_sigma"
    worst = None
    for s, v in nested.items():
        for f in v["folds"]:
            for t in TARGETS:
                share = (f.get(t) or {}).get(key)
                if share is not None and (worst is None or share > worst["share"]):
                    worst = {"scheme": s, "fold": f["fold"], "target": t, "measure": key,
                             "share": share}
    return {
        "what": "out of sample: each fold's P10-P90 from a band calibration refitted without "
                "that fold's rows in any scheme (training/logs_nested.py), the between-field "
                "term kept as shipped (fitted on other fields), the well bound "
                "(training/well_bound.py) refitted on the wells left; coverage, share beyond "
                "3 sigma (sigma = P10-P90 width / 2.563) and the share beyond 3 sigma with no "
                "QC flag",
        "qc_flags": QC_FLAGS if flags else None,
        "schemes": nested, "worst": worst}
