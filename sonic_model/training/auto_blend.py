"""Whether `auto` averages north-sea's DTC into contest's on contest's own field, and how much.

    sink = {}; train_model(..., sink=sink)          # each bundled run leaves its held-out parts
    card["auto_blend"] = section(contest_sink, north_sea_sink)

The two bundled models both predict Well #1's three wells held out (contest: the other two
Well #1 wells; north-sea: the other eleven wells of its twelve). On each held-out well the DTC
is averaged, ``w`` x contest + (1 - w) x north-sea's tree members, and the shear follows through
contest's Vp/Vs (dtc_blend.py). ``w`` is chosen on a grid by the geometric mean over wells of
the DTC RMSE; every reported figure is nested: a well's "after" uses the ``w`` chosen on the
other wells only. It ships (`ships`) only when, nested, no well's contest score (DTC and DTS
together) gets worse beyond noise and their geometric mean falls. The shipped ``w`` is the
same choice on all the wells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)
NOISE = 0.002          # a well may be up to 0.2 % worse and still count as "not worse"
Z_10_90 = 2 * 1.2816   # P10-P90 width of a normal spread, in sigma
KNN = "knn"


def sink_entry(ts, wells, cv: dict, runtime: dict, frames: dict | None) -> dict:
    """What section() needs from one training run: its held-out frames (contest) and its tree
    members' held-out DTC per well with their DTC weights (north-sea)."""
    spec = runtime["ensembles"]["full"]
    dtc_w = spec["weights"]["DTC"]
    trees = [k for k in spec["members"] if k != KNN and dtc_w.get(k, 0) > 0]
    member_dtc = {}
    if "lowo" in cv and trees:
        for w, (a, b) in zip(wells, ts.bounds):
            member_dtc[w.name] = {k: np.asarray(cv["lowo"]["pred"][k][a:b, 0], float)
                                  for k in trees}
    return {"frames": frames or {}, "member_dtc": member_dtc,
            "dtc_weights": {k: float(dtc_w[k]) for k in trees}}


def _other(entry: dict, well: str) -> np.ndarray:
    w = entry["dtc_weights"]
    total = sum(w.values())
    return sum(w[k] / total * v for k, v in entry["member_dtc"][well].items())


def _scores(frame: pd.DataFrame, other: np.ndarray, weight: float) -> dict:
    """One well's figures with contest's share ``weight`` (1.0: contest alone)."""
    c = frame["DTC_PRED"].to_numpy(float)
    ok_o = np.isfinite(other) & np.isfinite(c) & (c > 0)
    ratio = np.ones(len(c))
    ratio[ok_o] = (weight * c[ok_o] + (1 - weight) * other[ok_o]) / c[ok_o]
    out, sq = {}, {}
    for t in ("DTC", "DTS"):
        y = frame[t].to_numpy(float)
        pred = frame[f"{t}_PRED"].to_numpy(float) * ratio
        lo, hi = (frame[f"{t}_{s}"].to_numpy(float) * ratio for s in ("P10", "P90"))
        ok = np.isfinite(y) & np.isfinite(pred)
        if ok.sum() < 100:
            continue
        e = pred[ok] - y[ok]
        sigma = np.maximum((hi[ok] - lo[ok]) / Z_10_90, 1e-9)
        sq[t] = (ok, (pred - y) ** 2)
        out[t] = {"rmse": round(float(np.sqrt(np.mean(e ** 2))), 3),
                  "coverage": round(float(np.mean((y[ok] >= lo[ok]) & (y[ok] <= hi[ok]))), 3),
                  "beyond_3_sigma": round(float(np.mean(np.abs(e) > 3 * sigma)), 4)}
    if len(sq) == 2:
        both = sq["DTC"][0] & sq["DTS"][0]
        out["contest"] = round(float(np.sqrt(np.mean(np.r_[sq["DTC"][1][both],
                                                               sq["DTS"][1][both]]))), 3)
    return out


def _gm(values) -> float:
    return float(np.exp(np.mean(np.log(values))))


def _best(table: dict, wells: list[str]) -> float:
    """The grid weight with the lowest geometric mean of DTC RMSE over ``wells``."""
    gms = [_gm([table[w][i]["DTC"]["rmse"] for w in wells]) for i in range(len(GRID))]
    return float(GRID[int(np.argmin(gms))])


def blended_frame(frame: pd.DataFrame, other: np.ndarray, weight: float) -> pd.DataFrame:
    """A held-out frame with the blend applied as dtc_blend applies it at prediction."""
    from sonic_model.model.dtc_blend import blend_result

    return blend_result(frame, other, weight)


def fit_for_purpose(frames: dict, other: dict, per_well: dict, residuals: dict) -> dict:
    """The synthetic and AVO figures (synth_figures, as in the card's `fit_for_purpose`) of
    the blended held-out wells, each with its nested weight: what `synth` quotes for a well
    auto blends."""
    from sonic_model.training.synth_figures import CARD_OPTIONS, summarise, well_scores

    scores = {w: well_scores(blended_frame(frames[w], other[w], per_well[w]["weight"]),
                             CARD_OPTIONS, {"fit_for_purpose": {"residuals": residuals}})
              for w in per_well}
    return {"wells": scores, "summary": summarise(scores),
            "how": "the card's fit-for-purpose figures for the blended held-out wells, each "
                   "with the weight chosen without it (the same options and residual settings)"}


def section(contest: dict, north_sea: dict, residuals: dict | None = None) -> dict | None:
    """The contest card's `auto_blend`, or None when the two runs share no held-out well.
    ``residuals``: contest's fit-for-purpose residual settings; with them the section also
    holds the blended wells' synthetic figures."""
    frames = contest.get("frames") or {}
    wells = [w for w, f in frames.items() if w in north_sea.get("member_dtc", {})
             and len(f) == len(next(iter(north_sea["member_dtc"][w].values())))
             and "DTC" in _scores(f, _other(north_sea, w), 1.0)]
    if len(wells) < 2:
        return None
    other = {w: _other(north_sea, w) for w in wells}
    table = {w: [_scores(frames[w], other[w], float(g)) for g in GRID] for w in wells}
    per_well = {}
    for w in wells:
        g = _best(table, [o for o in wells if o != w])
        per_well[w] = {"weight": g, "contest_alone": table[w][-1],
                       "blended": table[w][int(np.argmin(np.abs(GRID - g)))]}
    summary = {}
    for key in ("contest_alone", "blended"):
        summary[key] = {t: round(_gm([per_well[w][key][t]["rmse"] for w in wells
                                      if t in per_well[w][key]]), 3) for t in ("DTC", "DTS")}
        scored = [per_well[w][key]["contest"] for w in wells if "contest" in per_well[w][key]]
        summary[key]["contest"] = round(_gm(scored), 3) if scored else None
    worse = [w for w in wells if "contest" in per_well[w]["blended"] and
             per_well[w]["blended"]["contest"] > per_well[w]["contest_alone"]["contest"]
             * (1 + NOISE)]
    ships = not worse and summary["blended"]["contest"] is not None and \
        summary["blended"]["contest"] < summary["contest_alone"]["contest"]
    entry = {
        "weight": _best(table, wells), "members": sorted(north_sea["dtc_weights"]),
        "ships": bool(ships), "worse_wells": worse, "wells": per_well, "summary": summary,
        "how": ("auto on contest's field: DTC = weight x contest + (1 - weight) x north-sea's "
                "tree members, DTS through contest's Vp/Vs, contest's bands moved with it. Each "
                "Well #1 well held out by both models; its weight chosen on the other wells "
                "(nested; geometric mean of DTC RMSE on a 0.05 grid); ships when no held-out "
                "well's contest score is worse (0.2 % noise) and their geometric mean falls "
                "(training/auto_blend.py)"),
    }
    if residuals:
        entry["fit_for_purpose"] = fit_for_purpose(frames, other, per_well, residuals)
    return entry
