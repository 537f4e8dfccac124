"""Which members ship: only those that earn their megabytes on held-out folds (issue 8).

Backward elimination on the same objective the weights minimise (geometric mean over the
held-out folds of both schemes of the contest RMSE, shear prior applied): starting from every
candidate, drop the member whose removal costs least, as long as the cost stays under a
tolerance. "full" stops at FULL_TOLERANCE, "light" goes on to LIGHT_TOLERANCE. The KNN member
always ships: its neighbour distances are the novelty that drives QC and the band width.

Measured on Well #1 with the half-foot features: five members (5.0 MB) scored a geometric mean
of 14.56 us/ft, PCR + KNN + boosting (1.0 MB) 14.54, PCR + KNN (0.2 MB) 14.63. With the 0.1 m
rows and XGBoost's estimators, dropping XGBoost, the random forest and the leaf-wise boosting
each lowers it (14.72 -> 14.66 -> 14.66 -> 14.63): PCR + KNN ship, 0.23 MB instead of 5.7 MB.
"""

from __future__ import annotations

import numpy as np

ALWAYS = ("knn",)
FULL_TOLERANCE = 0.002     # a member must lower the objective by 0.2 % to ship in "full"
LIGHT_TOLERANCE = 0.02     # ... and by 2 % to ship in "light"


def fold_objective(y, cv: dict, kinds, weights, finish) -> float:
    """Geometric mean over held-out folds (both schemes) of the contest RMSE.

    `finish(mean, scheme) -> mean` applies what predict() applies after combining (the
    shear prior), so members are judged on the answer users get."""
    from sonic_model.model.ensemble import combine

    logs = []
    for scheme, part in cv.items():
        mean = finish(combine(part["pred"], kinds, weights)[0], scheme)
        for a, b in part["folds"]:
            ok = np.isfinite(y[a:b]).all(axis=1) & np.isfinite(mean[a:b]).all(axis=1)
            if ok.sum() > 50:
                e = (mean[a:b] - y[a:b])[ok]
                logs.append(np.log(np.sqrt(np.mean(e ** 2))))
    # No fold with enough rows holding both logs: nothing can be judged (inf keeps everything).
    return float(np.exp(np.mean(logs))) if logs else float("inf")


def select_members(y, cv: dict, candidates, fit_weights, finish, tolerance: float,
                   log=print) -> tuple[list[str], dict]:
    """Backward elimination; -> (kept members in candidate order, {"steps": [...]} for the card).

    fit_weights(y, cv, kinds) -> (members, 2) weights. Each step records the objective with
    and without the member dropped, so the card can say what each member buys."""
    kept = list(candidates)
    score = fold_objective(y, cv, kept, fit_weights(y, cv, kept), finish)
    steps = [{"members": list(kept), "objective": round(score, 3)}]
    while len(kept) > 1 and np.isfinite(score):
        trials = []
        for k in kept:
            if k in ALWAYS:
                continue
            rest = [m for m in kept if m != k]
            trials.append((fold_objective(y, cv, rest, fit_weights(y, cv, rest), finish), k, rest))
        if not trials:
            break
        best, dropped, rest = min(trials)
        if best > score * (1 + tolerance):
            break
        log(f"  dropping {dropped}: objective {score:.3f} -> {best:.3f}")
        kept, score = rest, best
        steps.append({"members": list(kept), "dropped": dropped, "objective": round(score, 3)})
    return kept, {"steps": steps, "tolerance": tolerance}
