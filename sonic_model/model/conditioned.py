"""Shear conditioned on a measured DTC: fit, validate, predict with a P10-P90 band.

Most wells have a measured compressional sonic and no shear. Given that DTC, the shear is far
better constrained than from the other logs alone (FORCE 2020: a plain XGBoost's held-out DTS
RMSE roughly halves), so where a well's measured DTC passes measured.sonic_validity, its DTS
comes from a DTC-conditioned member set: the logs' features plus DTC and its depth context,
target DTS relative to the Greenberg-Castagna DTS of the same DTC (see REFERENCE). Elsewhere
the logs-only DTS stands, sample by sample, and DTS_SOURCE says which route made each number.

The members are exported like the logs-only ones (plain arrays and XGBoost model bytes, see
members.py) into one artifact, `conditioned.npz` (artifacts.py: never unpickled), sha256-listed
in the card, with its columns, weights and band calibration in runtime.json under
"conditioned".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.model import features as F
from sonic_model.physics import rockphysics
from sonic_model.core.curves import CURVES, NULL_SENTINELS
from sonic_model.core.columns import SOURCE_CODES, SOURCE_CONDITIONED, SOURCE_LOGS  # noqa: F401
from sonic_model.physics.measured import SOFT_REASONS, sonic_validity
from sonic_model.model.members import MemberPredictor, fit_member

ARTIFACT = "conditioned.npz"
RUNTIME_KEY = "conditioned"
KINDS = ("xgb", "pcr")
# DTC and its context, computed inside runs of valid measured DTC only (as features.py does for
# the logs): windows never reach into a cycle skip, a washout or a gap.
DTC_FEATURES = ("DTC", "DTC_M2.5", "DTC_M10", "DTC_M40", "DTC_S10", "DTC_G", "DTC_A40")
# A curve set is trained only with this many rows holding logs, valid DTC and measured DTS,
# and the set ships only if validation could score this many held-out rows.
MIN_ROWS = 500
MIN_HELD_OUT = 200
# Vp/Vs targets outside this range are bad picks, not rock (the logs-only route clips too).
VPVS_RANGE = (1.3, 4.5)
# The members learn DTS relative to Greenberg-Castagna's sand-shale DTS from the same measured
# DTC (REFERENCE "gc"), not Vp/Vs directly ("dtc"): trees cannot extrapolate, and where the
# rock is unlike every training row they then fall back to the physics instead of to the
# nearest Vp/Vs they saw. Held out (benchmarks/conditioned_shear.py, when chosen: contest rows
# then at 0.5 ft, washout samples not scored), pooled DTS RMSE went 31.4 -> 17.5 us/ft on
# Well #1 (blocked; its shallow first block 78.7 -> 37.7) and 15.3 -> 14.6 on the FORCE wells
# with DTS (leave one well out). The mudrock line as the reference (GC where it has no Vs) was
# better on Well #1 (21.3 against 23.8) but worse on FORCE (16.1 against 15.2; 14.8 against 13.1
# on 16_2-16), so GC stays.
REFERENCE = "gc"



# ----------------------------------------------------------------------------- data

@dataclass
class Prepared:
    """Rows of one or more wells, with everything fitting, validation and prediction need."""
    features: pd.DataFrame     # logs feature columns + DTC_FEATURES
    logs_set: np.ndarray       # logs route per row: "all" / "core" / ""
    dtc: np.ndarray            # measured DTC where usable (valid, or a soft reason), else NaN
    dtc_reason: np.ndarray     # "" where valid, else why not (measured.sonic_validity)
    dts: np.ndarray            # measured DTS (NaN where absent or impossible)
    baselines: dict            # {"DTS_MUDROCK", "DTS_GC"} from the valid measured DTC
    well: np.ndarray           # index into `names` per row
    names: list

    @property
    def n(self) -> int:
        return len(self.dtc)

    @property
    def cond_set(self) -> np.ndarray:
        """Rows the conditioned route can serve: a logs route and a valid measured DTC."""
        return np.where(np.isfinite(self.dtc), self.logs_set, "")


def dtc_features(dtc: np.ndarray, depth_ft: np.ndarray | None, step: float) -> dict:
    feats = {"DTC": dtc}
    ids = F.run_ids(np.isfinite(dtc), depth_ft, step)
    for w in F.MEAN_WINDOWS_FT:
        mean, std = F.rolling_in_runs(dtc, ids, max(1, int(round(w / 2 / step))))
        feats[f"DTC_M{w:g}"] = mean
        if w == F.STD_WINDOW_FT:
            feats[f"DTC_S{w:g}"] = std
    feats[f"DTC_A{F.ANOMALY_WINDOW_FT:g}"] = dtc - feats[f"DTC_M{F.ANOMALY_WINDOW_FT:g}"]
    half = max(1, int(round(F.GRADIENT_HALF_FT / step)))
    feats["DTC_G"] = F.gradient_in_runs(dtc, ids, half) / step
    return {k: feats[k] for k in DTC_FEATURES}


def _measured(frame: pd.DataFrame, name: str, keep_impossible: bool = False) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    v = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    v = np.where(np.isin(v, NULL_SENTINELS), np.nan, v)
    if keep_impossible:
        return v
    lo, hi = CURVES[name].valid
    return np.where((v >= lo) & (v <= hi), v, np.nan)


def prepare(frame: pd.DataFrame, depth_ft: np.ndarray | None = None, *, name: str = "well",
            pe_fill: float = 5.0, ff: F.FeatureFrame | None = None) -> Prepared:
    """One well's rows: canonical inputs plus measured DTC (and DTS when training)."""
    frame = frame.reset_index(drop=True)
    depth = None if depth_ft is None else np.asarray(depth_ft, dtype=float)
    ff = ff or F.build_features(frame, depth, pe_fill=pe_fill)
    # Null sentinels are missing values; other impossible readings are "out of range". The
    # caliper is the cleaned one: a -999 in it would fake a washout around every null run.
    raw = _measured(frame, "DTC", keep_impossible=True)
    valid, reason = sonic_validity(raw, "DTC", ff.clean["CAL"].to_numpy(), depth)
    usable = valid | np.isin(reason, list(SOFT_REASONS))
    dtc = np.where(usable, _measured(frame, "DTC"), np.nan)
    feats = pd.concat([ff.features.reset_index(drop=True),
                       pd.DataFrame(dtc_features(dtc, depth, ff.step_ft))], axis=1)
    return Prepared(features=feats, logs_set=F.row_curve_set(ff.clean), dtc=dtc,
                    dtc_reason=reason, dts=_measured(frame, "DTS"),
                    baselines=rockphysics.baselines(dtc, ff.clean["GR"].to_numpy()),
                    well=np.zeros(len(frame), dtype=np.int64), names=[name])


def concat(parts: list[Prepared]) -> Prepared:
    offset = np.cumsum([0] + [len(p.names) for p in parts])
    return Prepared(
        features=pd.concat([p.features for p in parts], ignore_index=True),
        logs_set=np.concatenate([p.logs_set for p in parts]),
        dtc=np.concatenate([p.dtc for p in parts]),
        dtc_reason=np.concatenate([p.dtc_reason for p in parts]),
        dts=np.concatenate([p.dts for p in parts]),
        baselines={k: np.concatenate([p.baselines[k] for p in parts]) for k in parts[0].baselines},
        well=np.concatenate([p.well + o for p, o in zip(parts, offset[:-1])]),
        names=[n for p in parts for n in p.names])


def columns_for(curve_set: str) -> list[str]:
    return F.feature_columns(curve_set) + list(DTC_FEATURES)


# ----------------------------------------------------------------------------- fit / predict

def _vpvs(p: Prepared) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = p.dts / p.dtc
    return np.where((r >= VPVS_RANGE[0]) & (r <= VPVS_RANGE[1]), r, np.nan)


def reference(p: Prepared) -> np.ndarray:
    """The slowness the members' ratio multiplies: see REFERENCE."""
    return p.baselines["DTS_GC"] if REFERENCE == "gc" else p.dtc


def _target(p: Prepared) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(_vpvs(p)), p.dts / reference(p), np.nan)


def fit_sets(p: Prepared, mask: np.ndarray, kinds=KINDS) -> dict:
    """{set: {"columns", "clip", "members": {kind: payload}}} for sets with enough rows."""
    y = _target(p)
    cond = p.cond_set
    out = {}
    for curve_set in F.CURVE_SETS:
        usable = (cond == "all") if curve_set == "all" else (cond != "")
        rows = mask & usable & np.isfinite(y) & (p.dtc_reason == "")   # no washout rows
        if rows.sum() < MIN_ROWS:
            continue
        cols = columns_for(curve_set)
        X = p.features[cols].to_numpy(dtype=np.float32)[rows]
        lo, hi = np.nanquantile(X, (0.001, 0.999), axis=0)
        clip = (lo.astype(np.float32), hi.astype(np.float32))
        X = np.clip(X, *clip)
        Y = y[rows, None].astype(np.float32)
        out[curve_set] = {"columns": cols, "clip": clip,
                          "members": {k: fit_member(k, X, Y, cols) for k in kinds}}
    return out


def member_vpvs(sets: dict, p: Prepared, rows: np.ndarray | None = None) -> dict:
    """Per-member ratio DTS / reference on rows the conditioned route serves (NaN elsewhere)."""
    cond = p.cond_set if rows is None else np.where(rows, p.cond_set, "")
    # Rows with all curves fall back to the "core" set if "all" was not trained.
    route = np.where((cond == "all") & ("all" not in sets), "core", cond)
    kinds = next(iter(sets.values()))["members"].keys() if sets else KINDS
    out = {k: np.full(p.n, np.nan) for k in kinds}
    for curve_set, part in sets.items():
        sel = route == curve_set
        if not sel.any():
            continue
        X = np.clip(p.features[part["columns"]].to_numpy(dtype=np.float32)[sel], *part["clip"])
        for k, payload in part["members"].items():
            predictor = payload if isinstance(payload, MemberPredictor) else MemberPredictor(payload)
            out[k][sel] = predictor.predict(X)[:, 0]
    return out


def combine(vpvs: dict, p: Prepared, weights: dict) -> tuple[np.ndarray, np.ndarray]:
    """DTS (us/ft) and the members' spread in DTS, per row."""
    V = np.stack([vpvs[k] for k in weights])
    w = np.array([weights[k] for k in weights])[:, None]
    mean = (V * w).sum(axis=0)
    # Members' disagreement, unweighted: a member with no weight in the mean (validation may
    # zero PCR) still tells where the rock is unlike the training rows.
    spread = V.std(axis=0)
    ref = reference(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        vpvs_mean = np.clip(ref * mean / p.dtc, *VPVS_RANGE)
    return p.dtc * vpvs_mean, ref * spread


def band(dts: np.ndarray, spread: np.ndarray, cal: dict) -> tuple[np.ndarray, np.ndarray]:
    s = cal["a"] + cal["b"] * spread
    return dts + cal["q10"] * s, dts + cal["q90"] * s


# ----------------------------------------------------------------------------- validation

def _fold_task(p: Prepared, test: np.ndarray):
    """Held-out conditioned members and a logs-only XGBoost (same rows, same folds)."""
    train = ~test
    sets = fit_sets(p, train)
    vpvs = member_vpvs(sets, p, test) if sets else {k: np.full(p.n, np.nan) for k in KINDS}
    # The logs-only comparison: the same XGBoost learning DTC and Vp/Vs from the logs alone
    # on the same rows (the logs-only route of the bundled models, one member).
    logs = np.full(p.n, np.nan)
    y = np.column_stack([p.dtc, _vpvs(p)])
    for curve_set in F.CURVE_SETS:
        usable = (p.logs_set == "all") if curve_set == "all" else (p.logs_set != "")
        rows = train & usable & np.isfinite(y).all(axis=1)
        if rows.sum() < MIN_ROWS:
            continue
        cols = F.feature_columns(curve_set)
        Xall = p.features[cols].to_numpy(dtype=np.float32)
        lo, hi = np.nanquantile(Xall[rows], (0.001, 0.999), axis=0)
        m = MemberPredictor(fit_member("xgb", np.clip(Xall[rows], lo, hi),
                                       y[rows].astype(np.float32), cols))
        # "all" comes first; "core" serves the rest (as the logs-only route does).
        sel = test & np.isnan(logs) & ((p.logs_set == "all") if curve_set == "all"
                                       else (p.logs_set != ""))
        if sel.any():
            out = m.predict(np.clip(Xall[sel], lo, hi))
            logs[sel] = out[:, 0] * out[:, 1]
    return {k: v[test] for k, v in vpvs.items()}, logs[test]


def folds_lowo(p: Prepared) -> list[tuple[str, np.ndarray]]:
    """One fold per well that has rows to score (a well without DTS would only be refitted)."""
    scored = np.isfinite(_target(p)) & (p.cond_set != "")
    return [(name, p.well == i) for i, name in enumerate(p.names) if (scored & (p.well == i)).any()]


def folds_blocked(p: Prepared, k: int) -> list[tuple[str, np.ndarray]]:
    edges = np.linspace(0, p.n, k + 1).round().astype(int)
    idx = np.arange(p.n)
    return [(f"block {i + 1}", (idx >= a) & (idx < b)) for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]


def cross_validate(p: Prepared, schemes: dict, n_jobs: int = 2, log=print) -> dict:
    """{scheme: {"folds": [(label, mask)], "vpvs": {kind: (n,)}, "logs": (n,)}} held out."""
    from joblib import Parallel, delayed

    tasks = [(s, label, mask) for s, folds in schemes.items() for label, mask in folds]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=n_jobs)(delayed(_fold_task)(p, mask) for _, _, mask in tasks)
    log(f"  conditioned shear: {len(tasks)} folds in {time.perf_counter() - t0:.0f} s")
    out = {s: {"folds": folds, "vpvs": {k: np.full(p.n, np.nan) for k in KINDS},
               "logs": np.full(p.n, np.nan)} for s, folds in schemes.items()}
    for (s, _, mask), (vpvs, logs) in zip(tasks, results):
        for k in KINDS:
            out[s]["vpvs"][k][mask] = vpvs[k]
        out[s]["logs"][mask] = logs
    return out


def _rmse(e: np.ndarray) -> float:
    e = e[np.isfinite(e)]
    return float(np.sqrt(np.mean(e ** 2))) if len(e) else float("nan")


def fit_weights(p: Prepared, cv: dict) -> dict:
    """Weight of the XGBoost member (PCR gets the rest) minimising the geometric mean of
    per-fold DTS RMSE over every scheme's folds (as train.fit_weights does for the ensembles)."""
    best, best_w = np.inf, 1.0
    for w in np.linspace(0.0, 1.0, 21):
        logs = []
        for s in cv.values():
            dts = reference(p) * (w * s["vpvs"]["xgb"] + (1 - w) * s["vpvs"]["pcr"])
            for _, mask in s["folds"]:
                e = (dts - p.dts)[mask]
                if np.isfinite(e).sum() > 50:
                    logs.append(np.log(_rmse(e)))
        obj = np.mean(logs) if logs else np.inf
        if obj < best - 1e-12:
            best, best_w = obj, float(w)
    return {"xgb": round(best_w, 3), "pcr": round(1 - best_w, 3)}


def calibrate(p: Prepared, cv: dict, weights: dict) -> dict:
    """Band scale a + b*spread fitted to |held-out residual| of every scheme pooled."""
    from scipy.optimize import nnls

    r, sp = [], []
    for s in cv.values():
        dts, spread = combine(s["vpvs"], p, weights)
        ok = np.isfinite(dts) & np.isfinite(p.dts)
        r.append((p.dts - dts)[ok])
        sp.append(spread[ok])
    r, sp = np.concatenate(r), np.concatenate(sp)
    A = np.column_stack([np.ones(len(r)), sp])
    coef, _ = nnls(A, np.abs(r))
    coef[0] = max(coef[0], 1e-3)
    q10, q90 = np.quantile(r / (A @ coef), [0.1, 0.9])
    return {"a": float(coef[0]), "b": float(coef[1]), "q10": float(q10), "q90": float(q90)}


def _stats(pred: np.ndarray, y: np.ndarray, mask: np.ndarray) -> dict:
    ok = mask & np.isfinite(pred) & np.isfinite(y)
    e = (pred - y)[ok]
    return {"rmse": round(_rmse(e), 3), "bias": round(float(e.mean()), 3) if len(e) else None,
            "rows": int(ok.sum())}


def report(p: Prepared, cv: dict, weights: dict, cal: dict) -> dict:
    """RMSE of the conditioned, logs-only and rock-physics DTS on the same held-out rows
    (rows with logs, a valid measured DTC and a measured DTS), pooled and per fold; band
    coverage and the share of rows beyond 3 sigma of the band."""
    z90 = 1.2815515655446004     # P10-P90 half-width in sigmas of a normal distribution
    out = {}
    for scheme, s in cv.items():
        dts, spread = combine(s["vpvs"], p, weights)
        lo, hi = band(dts, spread, cal)
        routes = {"conditioned": dts, "logs_only": s["logs"],
                  "mudrock": p.baselines["DTS_MUDROCK"], "greenberg_castagna": p.baselines["DTS_GC"]}
        common = np.isfinite(p.dts) & np.all([np.isfinite(v) for v in routes.values()], axis=0)
        sigma = (hi - lo) / (2 * z90)
        ok = common & (sigma > 0)
        entry = {"pooled": {k: _stats(v, p.dts, common) for k, v in routes.items()},
                 "coverage_p10_p90": round(float(np.mean((p.dts[ok] >= lo[ok]) & (p.dts[ok] <= hi[ok]))), 3)
                 if ok.any() else None,
                 "beyond_3_sigma": round(float(np.mean(np.abs(p.dts[ok] - dts[ok]) > 3 * sigma[ok])), 4)
                 if ok.any() else None,
                 "per_fold": []}
        for label, mask in s["folds"]:
            entry["per_fold"].append({"fold": label, **{k: _stats(v, p.dts, common & mask)
                                                         for k, v in routes.items()}})
        out[scheme] = entry
    return out


# ----------------------------------------------------------------------------- train / export

def train_section(p: Prepared, out_dir: Path, schemes: dict, *, n_jobs: int = 2,
                  log=print) -> tuple[dict, dict, dict] | None:
    """Validate, fit on all rows, write ARTIFACT. -> (files {name: path}, runtime section,
    card section), or None when the wells hold too few rows with DTC and DTS."""
    from sonic_model.model import artifacts

    y = _target(p)
    if (np.isfinite(y) & (p.cond_set != "")).sum() < MIN_ROWS:
        log("  conditioned shear: too few rows with logs, valid DTC and DTS; not trained")
        return None
    cv = cross_validate(p, schemes, n_jobs=n_jobs, log=log)
    held_out = sum(int((np.isfinite(s["vpvs"]["xgb"]) & np.isfinite(p.dts)).sum())
                   for s in cv.values())
    if held_out < MIN_HELD_OUT:
        # Nothing we could check it on (each fold left too few rows to fit on, or the held-out
        # wells have no shear where the others do): an unvalidated set is not shipped.
        log(f"  conditioned shear: only {held_out} held-out rows could be scored "
            f"(need {MIN_HELD_OUT}); not trained")
        return None
    weights = fit_weights(p, cv)
    cal = calibrate(p, cv, weights)
    validation = report(p, cv, weights, cal)
    sets = fit_sets(p, np.ones(p.n, dtype=bool))
    path = Path(out_dir) / ARTIFACT
    artifacts.dump({s: part["members"] for s, part in sets.items()}, path)
    runtime = {"weights": weights, "intervals": cal,
               "sets": {s: {"columns": part["columns"], "clip_lo": part["clip"][0].tolist(),
                            "clip_hi": part["clip"][1].tolist()} for s, part in sets.items()}}
    card = {"what": "DTS from the logs plus a valid measured DTC: members learn Vp/Vs from the "
                    "logs' features and DTC with its depth context; DTS = measured DTC x Vp/Vs. "
                    "Validation compares it, on the same held-out rows, with the logs-only "
                    "XGBoost and the mudrock / Greenberg-Castagna baselines from the same DTC.",
            "members": list(KINDS), "weights": weights, "intervals": {k: round(v, 4) for k, v in cal.items()},
            "features": list(DTC_FEATURES), "sets": sorted(sets), "validation": validation}
    for scheme, v in validation.items():
        pooled = v["pooled"]
        log(f"  conditioned shear {scheme}: DTS RMSE conditioned {pooled['conditioned']['rmse']}, "
            f"logs-only {pooled['logs_only']['rmse']}, mudrock {pooled['mudrock']['rmse']}, "
            f"GC {pooled['greenberg_castagna']['rmse']} ({pooled['conditioned']['rows']} rows)")
    return {ARTIFACT: path}, runtime, card


@dataclass
class ConditionedModel:
    sets: dict          # {set: {"columns", "clip", "members": {kind: MemberPredictor}}}
    weights: dict
    intervals: dict


def load(path: Path, runtime: dict) -> ConditionedModel:
    """From a sha256-verified ARTIFACT (the caller checks it) and runtime.json's section."""
    from sonic_model.model import artifacts

    payloads = artifacts.load(path)
    sets = {s: {"columns": spec["columns"],
                "clip": (np.asarray(spec["clip_lo"], dtype=np.float32),
                         np.asarray(spec["clip_hi"], dtype=np.float32)),
                "members": {k: MemberPredictor(v) for k, v in payloads[s].items()}}
            for s, spec in runtime["sets"].items()}
    return ConditionedModel(sets=sets, weights=runtime["weights"], intervals=runtime["intervals"])


def predict(model: ConditionedModel, p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DTS, P10, P90 (us/ft) where the conditioned route serves a row, NaN elsewhere."""
    vpvs = member_vpvs(model.sets, p)
    weights = {k: w for k, w in model.weights.items() if k in vpvs}
    dts, spread = combine(vpvs, p, weights)
    lo, hi = band(dts, spread, model.intervals)
    vlo, vhi = CURVES["DTS"].valid
    dts = np.clip(dts, vlo, vhi)
    return dts, np.clip(np.minimum(lo, dts), vlo, vhi), np.clip(np.maximum(hi, dts), vlo, vhi)


def extend_model(model_dir: Path, wells, *, blocked_folds: int = 0, n_jobs: int = 2,
                 log=print) -> dict | None:
    """Add the conditioned shear set to a trained model folder (train.train_model calls this).

    `wells`: train.TrainingWell-like objects (name, frame with inputs + DTC/DTS, depth_ft).
    Validates with leave-one-well-out over them (when there are several) and `blocked_folds`
    contiguous blocks, fits on all, writes ARTIFACT, adds runtime.json's RUNTIME_KEY section
    and the card's RUNTIME_KEY section, and re-lists both files' sha256 in the card.
    Returns the card section, or None when the wells teach no conditioned shear.
    """
    import json

    from sonic_model.model.card import card_path, load_card
    from sonic_model.model.ensemble import RUNTIME_FILE, sha256_file

    model_dir = Path(model_dir)
    parts = [prepare(w.frame, w.depth_ft, name=w.name) for w in wells]
    p = concat(parts)
    schemes = {}
    if blocked_folds:
        schemes["blocked"] = folds_blocked(p, blocked_folds)
    if len(folds_lowo(p)) > 1:
        schemes["lowo"] = folds_lowo(p)
    if not schemes:
        schemes["blocked"] = folds_blocked(p, 5)   # one well: validate on blocks of it
    out = train_section(p, model_dir, schemes, n_jobs=n_jobs, log=log)
    if out is None:
        return None
    files, runtime_section, card_section = out
    runtime_path = model_dir / RUNTIME_FILE
    runtime = json.loads(runtime_path.read_text(encoding="utf-8"))
    runtime[RUNTIME_KEY] = runtime_section
    runtime_path.write_text(json.dumps(runtime, indent=1, sort_keys=True), encoding="utf-8")
    files[RUNTIME_FILE] = runtime_path
    card = load_card(model_dir)
    for name, path in files.items():
        card.setdefault("files", {})[name] = {"sha256": sha256_file(path),
                                              "bytes": path.stat().st_size}
    card_section["sha256"] = card["files"][ARTIFACT]["sha256"]
    card[RUNTIME_KEY] = card_section
    card_path(model_dir).write_text(json.dumps(card, indent=1), encoding="utf-8")
    return card_section


def card_rows(card: dict) -> list[dict]:
    """The card's held-out comparison as table rows (Model page): one per scheme and fold,
    DTS RMSE of each route on the same rows."""
    section = (card or {}).get(RUNTIME_KEY)
    if not section:
        return []
    rows = []
    for scheme, v in section["validation"].items():
        for f in v["per_fold"] + [{"fold": "pooled", **v["pooled"]}]:
            rows.append({"scheme": scheme, "held out": f["fold"], "rows": f["conditioned"]["rows"],
                         "conditioned": f["conditioned"]["rmse"],
                         "logs only": f["logs_only"]["rmse"], "mudrock": f["mudrock"]["rmse"],
                         "Greenberg-Castagna": f["greenberg_castagna"]["rmse"]})
    return rows
