"""A plain XGBoost baseline scored beside the ensemble, leave one well out, in every card.

The baseline: XGBoost on the seven input curves (resistivities in log10) plus three rolling
means (10-ft GR, ZDEN and CNC), learning DTC and DTS directly, nothing else (no Vp/Vs route, no
shear prior, no selection). Each well is predicted by a baseline fitted on the other wells,
exactly as the ensemble's leave-one-well-out figures are, and the card names the wells where
the ensemble loses to it and compares both by the geometric mean of per-well RMSE (so no single
extrapolating well decides).
"""

from __future__ import annotations

import numpy as np

from sonic_model.core.curves import TARGETS

CURVES = ("CAL", "CNC", "GR", "HRD", "HRM", "PE", "ZDEN")
ROLLING = ("GR_M10", "ZDEN_M10", "CNC_M10")
PARAMS = dict(n_estimators=200, max_depth=6, learning_rate=0.05, subsample=0.8,
              tree_method="hist", n_jobs=2, random_state=0)
# Training rows per fit at most (every k-th row): neighbouring samples are near-copies.
MAX_FIT_ROWS = 40_000


def matrix(ts) -> np.ndarray:
    cols = []
    for c in CURVES:
        v = ts.clean[c].to_numpy(dtype=float) if c in ts.clean else np.full(ts.n, np.nan)
        cols.append(np.log10(np.clip(v, 1e-3, None)) if c in ("HRD", "HRM") else v)
    for c in ROLLING:
        cols.append(ts.features[c].to_numpy(dtype=float))
    return np.column_stack(cols).astype(np.float32)


def _rmse(e: np.ndarray) -> float | None:
    return round(float(np.sqrt(np.mean(e ** 2))), 3) if len(e) else None


def lowo(ts) -> dict[str, dict]:
    """{well: {"DTC": rmse, "DTS": rmse}} of the baseline, each well held out in turn."""
    from xgboost import XGBRegressor

    X = matrix(ts)
    out = {name: {} for name in ts.names}
    for i, (a, b) in enumerate(ts.bounds):
        test = np.zeros(ts.n, dtype=bool)
        test[a:b] = True
        for j, t in enumerate(TARGETS):
            y = ts.y[:, j]
            train = np.flatnonzero(~test & np.isfinite(y))
            scored = test & np.isfinite(y)
            if len(train) < 200 or not scored.any():
                continue
            train = train[::max(1, -(-len(train) // MAX_FIT_ROWS))]
            model = XGBRegressor(**PARAMS).fit(X[train], y[train])
            out[ts.names[i]][t] = _rmse(model.predict(X[scored]) - y[scored])
    return out


def _gm(values) -> float | None:
    v = [x for x in values if isinstance(x, (int, float)) and x > 0]
    return round(float(np.exp(np.mean(np.log(v)))), 3) if v else None


def section(ts, card: dict, log=print) -> dict | None:
    """The card's "baseline" section beside validation.lowo_wells; None with a single well."""
    if len(ts.bounds) < 2:
        return None
    base = lowo(ts)
    ens = {e["well"]: e for e in (card.get("validation") or {}).get("lowo_wells", [])}
    rows, loses = [], []
    for well, scores in base.items():
        row = {"well": well}
        for t in TARGETS:
            mine = ((ens.get(well) or {}).get(t) or {}).get("rmse")
            row[t] = {"ensemble": mine, "baseline": scores.get(t)}
            if mine is not None and scores.get(t) is not None and scores[t] < mine:
                loses.append(f"{well} {t} ({mine:.2f} against {scores[t]:.2f})")
        rows.append(row)
    gm = {t: {"ensemble": _gm(r[t]["ensemble"] for r in rows if r[t]["baseline"] is not None),
              "baseline": _gm(r[t]["baseline"] for r in rows if r[t]["ensemble"] is not None)}
          for t in TARGETS}
    log(f"  plain XGBoost baseline, leave one well out (geometric mean of per-well RMSE): {gm}; "
        f"the ensemble loses on {', '.join(loses) or 'no well'}")
    return {"what": "plain XGBoost on the 7 curves + 10-ft rolling means of GR, ZDEN, CNC, DTC "
                    "and DTS learnt directly; each well predicted by a fit on the other wells",
            "lowo_wells": rows, "geometric_mean": gm, "ensemble_loses_on": loses}
