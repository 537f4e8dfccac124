"""From held-out member predictions to the shipped ensembles (issue 8): which members, the
weights, whether the shear prior holds, the band calibration (widened by the well bound,
well_bound.py, until no held-out well is confidently wrong), and every figure for the card.

Everything here is decided on held-out predictions of both validation schemes (blocked and
leave-one-well-out); nothing is fitted on the rows it is scored on. trainer.py calls
build_ensembles() once per training run.
"""

from __future__ import annotations

import numpy as np

from sonic_model.model.ensemble import combine
from sonic_model.model.intervals import band, coverage, fit_band
from sonic_model.physics.shear_prior import DEFAULT_PRIOR, apply_shear_prior
from sonic_model.training import logs_nested, selection
from sonic_model.training.breakdown import breakdown
from sonic_model.training.well_bound import bound, lowo_groups

LABELS = {"pcr": "PCR", "knn": "KNN", "gbm": "boosting", "xgb": "XGBoost", "rf": "random forest"}


def _label(name: str, kinds) -> str:
    return f"{name.capitalize()} ({' + '.join(LABELS.get(k, k) for k in kinds)})"


def prior_study(y, gr, cv, kinds, weights) -> dict:
    """Fold objective and per-fold contest RMSE with and without the mudrock shear prior."""
    out = {}
    for key, prior in (("without", None), ("with", DEFAULT_PRIOR)):
        def fin(mean, scheme, prior=prior):
            return apply_shear_prior(mean, gr, prior)[0]
        per = {}
        for s, part in cv.items():
            mean = fin(combine(part["pred"], kinds, weights)[0], s)
            rows = []
            for a, b in part["folds"]:
                ok = np.isfinite(y[a:b]).all(axis=1) & np.isfinite(mean[a:b]).all(axis=1)
                e = (mean[a:b] - y[a:b])[ok]
                rows.append(round(float(np.sqrt(np.mean(e ** 2))), 2) if ok.any() else None)
            per[s] = rows
        out[key] = {"objective": round(selection.fold_objective(y, cv, kinds, weights, fin), 3),
                    "per_fold_contest": per}
    return out


def choose(y, gr, cv: dict, candidates, *, fit_weights, log=print):
    """-> (shear prior or None, {"full": members, "light": members}, studies for the card).

    y (n, 2) measured DTC/DTS; gr (n,) cleaned GR (the shear prior's hot-shale cut); cv the
    cross-validation output of train.cross_validate; fit_weights from train.py.
    """
    W_all = fit_weights(y, cv, list(candidates))
    study = prior_study(y, gr, cv, list(candidates), W_all)
    # The prior ships only if it lowers the fold objective (re-decided on every training run).
    prior = DEFAULT_PRIOR if study["with"]["objective"] < study["without"]["objective"] else None
    log(f"  shear prior: objective {study['without']['objective']} without, "
        f"{study['with']['objective']} with -> {'on' if prior else 'off'}")

    def fin(mean, scheme):
        return apply_shear_prior(mean, gr, prior)[0]

    full, full_steps = selection.select_members(y, cv, candidates, fit_weights, fin,
                                                selection.FULL_TOLERANCE, log)
    light, light_steps = selection.select_members(y, cv, full, fit_weights, fin,
                                                  selection.LIGHT_TOLERANCE, log)
    studies = {"shear_prior": study,
               "member_selection": {"full": full_steps, "light": light_steps}}
    return prior, {"full": full, "light": light}, studies


def _bound_wells(y, parts: dict, cal: dict, groups) -> dict:
    """well_bound.bound with each well's calibration refitted without it by the steps above
    (logs_nested.calibrate: the between-field term and its width as just fitted)."""
    if groups is None:
        return cal
    factor = logs_nested.width_factors(y, parts, cal)
    return bound(cal, y, parts, groups,
                 lambda m: logs_nested.calibrate(y, parts, cal, leave_out=m, factor=factor))


def build_ensembles(y, gr, cv: dict, ensembles: dict, prior, *, fit_weights, widen=None,
                    log=print) -> dict:
    """Weights, shear prior and band calibration of each ensemble from held-out predictions.

    -> {name: {"kinds", "weights" (m, 2), "intervals", "shear_prior",
               "combined": {scheme: (mean, spread)}, "bands": {scheme: (lo, hi)},
               "card": {...}}}; "combined" means have the shear prior applied and "bands" are
    the shipped bands, so every figure computed from them is that of the predict path;
    "card" holds the per-interval figures and the settings for the model card.
    widen (transfer.OtherFieldWidener) adds the between-field band term before the bands
    are drawn.
    """
    out = {}
    for name, kinds in ensembles.items():
        W = fit_weights(y, cv, kinds)
        parts = {}
        for s, part in cv.items():
            mean, spread = combine(part["pred"], kinds, W)
            mean, gap = apply_shear_prior(mean, gr, prior)
            parts[s] = (mean, spread, part["novelty"], gap)
        pool = [np.concatenate([p[i] for p in parts.values()]) for i in range(4)]
        pool_y = np.concatenate([y for _ in cv])
        cal = fit_band(pool_y, *pool)
        if widen is not None:
            home = (pool_y, *pool)
            if name == "full":   # the per-well check costs ~20 s; the light one is alike
                widen.leave_one_out(name, kinds, W, prior, cal, home)
            cal = widen.fit(name, kinds, W, prior, cal, home)
        cal = _bound_wells(y, parts, cal, lowo_groups(cv, len(y)))
        bands = {s: band(mean, spread, novelty, cal, gap)
                 for s, (mean, spread, novelty, gap) in parts.items()}
        per_interval = {s: breakdown(y, parts[s][0], *bands[s], cv[s]["folds"]) for s in cv}
        out[name] = {"kinds": list(kinds), "weights": W, "intervals": cal,
                     "shear_prior": prior,
                     "combined": {s: (p[0], p[1]) for s, p in parts.items()}, "bands": bands,
                     "card": {"label": _label(name, kinds), "per_interval": per_interval,
                              "shear_prior": prior}}
        cov = {s: coverage(y, *bands[s]) for s in cv}
        log(f"{name} {'+'.join(kinds)}: held-out coverage {cov}")
    return out
