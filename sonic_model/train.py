"""Training on Well #1: blocked and leave-one-well-out validation, weights, intervals, card.

`python -m sonic_model train` runs `train()`: it cross-validates every member, derives the
ensemble weights and the P10/P90 calibration from held-out predictions only, fits the final
members on all of Well #1, and writes assets/models/ (artifacts + model_card.json).
Nothing here ever reads Well #2's answers (they are not in the contest files we have).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import card as card_mod
from . import features as F
from .curves import CURVES, INPUTS, TARGETS
from .ensemble import combine, interval, member_predictions
from .members import FULL_MEMBERS, LIGHT_MEMBERS, MEMBER_LABELS, MemberPredictor, fit_member, to_sonic

# Well #1 joins three wells (../shared/pdda2020/README.md). The joins, read off the data:
# row 13,125 starts a 6-inch hole (CAL ~6.2 in after a long null run), row 19,912 an
# 8.5-inch hole whose PE is dead. Half-open row ranges.
WELL_JOINS = (13125, 19912)
K_BLOCKED = 5
# Feature clipping envelope (quantiles of training features): tames spikes the cleaning let
# through and stops the linear member from extrapolating into absurd values.
CLIP_QUANTILES = (0.001, 0.999)
# Per-curve "training range" for QC: Well #1 holds junk readings (density 1.4, resistivity
# 7,000 ohm.m) that a wider envelope would count as experience.
INPUT_ENVELOPE_QUANTILES = (0.005, 0.995)
# "Unfamiliar log combination": neighbour distance above twice the median held-out distance.
# A quantile of held-out distances would be set by the first block, itself the most unfamiliar
# interval of Well #1 (a 95th percentile flagged 11% of it while its DTS error was ~100 us/ft);
# twice the median flags 78% of that block and 4-16% of the others (measured on Well #1).
NOVELTY_FACTOR = 2.0


@dataclass
class WellOne:
    frame: pd.DataFrame       # raw contest columns
    depth_ft: np.ndarray      # synthetic depth: 0.1 m steps (in ft), a 1000-ft jump at each join
    ff: F.FeatureFrame
    y: np.ndarray             # (n, 2) DTC, DTS (NaN where null/impossible)
    row_set: np.ndarray       # "all" / "core" / ""

    @property
    def n(self) -> int:
        return len(self.frame)

    def wells(self) -> list[tuple[int, int]]:
        edges = (0, *WELL_JOINS, self.n)
        return list(zip(edges[:-1], edges[1:]))


def load_well_one(data_dir: Path | None = None) -> WellOne:
    from . import data

    frame = data.load_train(data_dir)
    n = len(frame)
    depth = np.arange(n) * F.CONTEST_STEP_FT
    for join in WELL_JOINS:
        depth[join:] += 1000.0   # windows never reach across a join (features break runs)
    ff = F.build_features(frame[list(INPUTS)], depth)
    y = np.column_stack([_clean_target(frame[t], t) for t in TARGETS])
    return WellOne(frame, depth, ff, y, F.row_curve_set(ff.clean))


def _clean_target(series: pd.Series, name: str) -> np.ndarray:
    v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    lo, hi = CURVES[name].valid
    return np.where((v >= lo) & (v <= hi), v, np.nan)


def blocked_folds(n: int, k: int = K_BLOCKED) -> list[tuple[int, int]]:
    """K contiguous, non-shuffled blocks along the file (neighbouring 0.1 m samples are near-copies)."""
    edges = [int(e) for e in np.linspace(0, n, k + 1).round()]
    return list(zip(edges[:-1], edges[1:]))


# ----------------------------------------------------------------------------- per-set data

def set_matrix(w: WellOne, curve_set: str, clip: tuple[np.ndarray, np.ndarray] | None = None):
    X = w.ff.features[F.feature_columns(curve_set)].to_numpy(dtype=np.float32)
    if clip is not None:
        X = np.clip(X, clip[0], clip[1])
    return X


def train_rows(w: WellOne, curve_set: str) -> np.ndarray:
    has_target = np.isfinite(w.y).all(axis=1)
    usable = (w.row_set == "all") if curve_set == "all" else (w.row_set != "")
    return usable & has_target


def targets_for_fit(y: np.ndarray) -> np.ndarray:
    """Members learn DTC and the Vp/Vs ratio DTS/DTC (the shear route that validated better)."""
    return np.column_stack([y[:, 0], y[:, 1] / y[:, 0]]).astype(np.float32)


def clip_bounds(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.nanquantile(X, CLIP_QUANTILES, axis=0)
    return lo.astype(np.float32), hi.astype(np.float32)


# ----------------------------------------------------------------------------- validation

def fit_sets(w: WellOne, kinds, fit_mask: np.ndarray, log=print) -> dict:
    """Fit each member kind for both curve sets on rows in fit_mask. -> {set: {...}}"""
    fitted = {}
    for curve_set in F.CURVE_SETS:
        rows = train_rows(w, curve_set) & fit_mask
        X_raw = set_matrix(w, curve_set)
        bounds = clip_bounds(X_raw[rows])
        X = np.clip(X_raw[rows], *bounds)
        Y = targets_for_fit(w.y[rows])
        cols = F.feature_columns(curve_set)
        fitted[curve_set] = {"clip": bounds, "columns": cols, "members": {}}
        for kind in kinds:
            t0 = time.perf_counter()
            fitted[curve_set]["members"][kind] = fit_member(kind, X, Y, cols)
            log(f"    {curve_set:4s} {kind:3s} fitted on {rows.sum():6d} rows "
                f"in {time.perf_counter() - t0:5.1f} s")
    return fitted


def predict_sets(w: WellOne, fitted: dict, rows: np.ndarray, kinds, force_set: str | None = None):
    """Per-member (n, 2) DTC/DTS predictions on `rows` (NaN elsewhere) and KNN novelty.

    Rows are routed to curve sets as predict() routes them; force_set sends every predictable
    row to that set's models (the four-curve evaluation)."""
    sets = {s: {"columns": part["columns"], "clip": part["clip"],
                "members": {k: MemberPredictor(part["members"][k]) for k in kinds}}
            for s, part in fitted.items() if force_set in (None, s)}
    row_set = w.row_set if force_set is None else np.where(w.row_set != "", force_set, "")
    return member_predictions(w.ff.features, np.where(rows, row_set, ""), sets, kinds)


def _fold_task(w: WellOne, kinds, a: int, b: int):
    """Fit on everything outside rows a:b, predict rows a:b (routed, and core-only)."""
    test = np.zeros(w.n, dtype=bool)
    test[a:b] = True
    fitted = fit_sets(w, kinds, ~test, log=lambda msg: None)
    pred, novelty = predict_sets(w, fitted, test, kinds)
    core, _ = predict_sets(w, fitted, test, kinds, force_set="core")
    return ({k: pred[k][a:b] for k in kinds}, {k: core[k][a:b] for k in kinds}, novelty[a:b])


def cross_validate(w: WellOne, kinds, log=print, n_jobs: int = 2) -> dict:
    """Out-of-fold predictions for both schemes: {scheme: {"folds", "pred", "core", "novelty"}}.

    Folds run in parallel processes (each member fits on one thread).
    """
    from joblib import Parallel, delayed

    schemes = {"blocked": blocked_folds(w.n), "lowo": w.wells()}
    tasks = [(s, a, b) for s, folds in schemes.items() for a, b in folds]
    log(f"  cross-validating {len(kinds)} members on {len(tasks)} folds ({n_jobs} processes)")
    t0 = time.perf_counter()
    results = Parallel(n_jobs=n_jobs)(delayed(_fold_task)(w, kinds, a, b) for _, a, b in tasks)
    log(f"  cross-validation took {time.perf_counter() - t0:.0f} s")
    out = {s: {"folds": folds, "pred": {k: np.full((w.n, 2), np.nan) for k in kinds},
               "core": {k: np.full((w.n, 2), np.nan) for k in kinds},
               "novelty": np.full(w.n, np.nan)} for s, folds in schemes.items()}
    for (s, a, b), (pred, core, novelty) in zip(tasks, results):
        for k in kinds:
            out[s]["pred"][k][a:b] = pred[k]
            out[s]["core"][k][a:b] = core[k]
        out[s]["novelty"][a:b] = novelty
    return out


def rmse(err: np.ndarray) -> float:
    err = err[np.isfinite(err)]
    return float(np.sqrt(np.mean(err ** 2))) if len(err) else float("nan")


def score(y: np.ndarray, pred: np.ndarray, folds) -> dict:
    """RMSE for DTC, DTS, the contest's combined RMSE, pooled and per fold."""
    both = np.isfinite(y).all(axis=1) & np.isfinite(pred).all(axis=1)

    def one(mask):
        e = (pred - y)[mask]
        return {"DTC": rmse(e[:, 0]), "DTS": rmse(e[:, 1]),
                "contest": float(np.sqrt(np.mean(e ** 2))) if len(e) else float("nan"),
                "rows": int(mask.sum())}

    result = one(both)
    idx = np.arange(len(y))
    result["per_fold"] = [dict(fold=i + 1, start=int(a), stop=int(b),
                               **one(both & (idx >= a) & (idx < b)))
                          for i, (a, b) in enumerate(folds)]
    return _round(result)


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 3)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


# ----------------------------------------------------------------------------- weights

def fit_weights(y: np.ndarray, cv: dict, kinds) -> np.ndarray:
    """Simplex weights per target minimising the geometric mean of per-fold RMSE.

    Per fold, and in log space, so that each of the eight held-out folds (both schemes)
    counts by its relative error: the first block — shallow rocks no other block has, an
    extrapolation for every member with RMSE ~70 against ~12 elsewhere — would otherwise
    set the weights alone (pooled MSE: 0.8 on the linear member; measured on Well #1, the
    geometric mean lowers the error of every other fold).
    """
    from scipy.optimize import minimize

    weights = np.zeros((len(kinds), 2))
    for t in range(2):
        groups = []
        for scheme in ("blocked", "lowo"):
            P = np.stack([cv[scheme]["pred"][k][:, t] for k in kinds], axis=1)
            for a, b in cv[scheme]["folds"]:
                sl = slice(a, b)
                ok = np.isfinite(y[sl, t]) & np.isfinite(P[sl]).all(axis=1)
                if ok.sum() > 50:
                    groups.append((P[sl][ok], y[sl, t][ok]))

        def objective(wv):
            return np.mean([np.log(np.sqrt(np.mean((Pg @ wv - yg) ** 2))) for Pg, yg in groups])

        m = len(kinds)
        res = minimize(objective, np.full(m, 1.0 / m), method="SLSQP",
                       bounds=[(0.0, 1.0)] * m,
                       constraints=[{"type": "eq", "fun": lambda wv: wv.sum() - 1.0}],
                       options={"maxiter": 200, "ftol": 1e-9})
        wv = np.clip(res.x, 0, None)
        weights[:, t] = wv / wv.sum()
    return np.round(weights, 4)


# ----------------------------------------------------------------------------- intervals

def calibrate_intervals(y, mean, spread, novelty) -> dict:
    """Scale s = a + b*spread + c*novelty fitted to |residual|; P10/P90 = mean + q*s.

    Fitted on held-out predictions of both schemes pooled, so a well unlike the training
    data (leave-one-well-out, large novelty) teaches the band to widen with novelty.
    """
    from scipy.optimize import nnls

    cal = {}
    for t, name in enumerate(TARGETS):
        ok = np.isfinite(y[:, t]) & np.isfinite(mean[:, t]) & np.isfinite(novelty)
        r = (y[ok, t] - mean[ok, t])
        A = np.column_stack([np.ones(ok.sum()), spread[ok, t], novelty[ok]])
        coef, _ = nnls(A, np.abs(r))
        coef[0] = max(coef[0], 1e-3)
        s = A @ coef
        q10, q90 = np.quantile(r / s, [0.1, 0.9])
        cal[name] = {"a": float(coef[0]), "b": float(coef[1]), "c": float(coef[2]),
                     "q10": float(q10), "q90": float(q90)}
    return cal


def coverage(y, lo, hi) -> dict:
    cov = {}
    for t, name in enumerate(TARGETS):
        ok = np.isfinite(y[:, t]) & np.isfinite(lo[:, t])
        cov[name] = round(float(np.mean((y[ok, t] >= lo[ok, t]) & (y[ok, t] <= hi[ok, t]))), 3)
    return cov


# ----------------------------------------------------------------------------- studies

def _study_task(w: WellOne, kind: str, columns: list[str], route: str, a: int, b: int):
    """Held-out squared errors of one member variant on rows a:b ("all" rows only)."""
    rows = train_rows(w, "all")
    test = np.zeros(w.n, dtype=bool)
    test[a:b] = True
    fit, held = rows & ~test, rows & test
    X = w.ff.features[columns].to_numpy(dtype=np.float32)
    bounds = clip_bounds(X[fit])
    Y = targets_for_fit(w.y[fit]) if route == "vpvs" else w.y[fit].astype(np.float32)
    member = MemberPredictor(fit_member(kind, np.clip(X[fit], *bounds), Y, columns))
    pred = member.predict(np.clip(X[held], *bounds))
    pred = to_sonic(pred) if route == "vpvs" else pred
    return pred, w.y[held]


def run_studies(w: WellOne, log=print, n_jobs: int = 2) -> dict:
    """The design choices validation settles, re-measured on every training run.

    - shear route: DTS learnt directly vs DTC x predicted Vp/Vs (XGBoost and PCR);
    - PE: XGBoost with and without the PE features.
    Contest RMSE pooled and per fold, blocked and leave-one-well-out, on rows with all curves.
    """
    from joblib import Parallel, delayed

    cols = F.feature_columns("all")
    variants = {
        "xgb_vpvs": ("xgb", cols, "vpvs"), "xgb_direct": ("xgb", cols, "direct"),
        "pcr_vpvs": ("pcr", cols, "vpvs"), "pcr_direct": ("pcr", cols, "direct"),
        "xgb_vpvs_with_pe": ("xgb", cols + list(F.PE_COLUMNS), "vpvs"),
    }
    schemes = {"blocked": blocked_folds(w.n), "lowo": w.wells()}
    tasks = [(v, s, a, b) for v in variants for s, folds in schemes.items() for a, b in folds]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=n_jobs)(delayed(_study_task)(w, *variants[v], a, b)
                                      for v, s, a, b in tasks)
    log(f"  studies took {time.perf_counter() - t0:.0f} s")
    out: dict = {v: {} for v in variants}
    for v in variants:
        for s in schemes:
            parts = [r for (tv, ts, _, _), r in zip(tasks, results) if tv == v and ts == s]
            per_fold = [rmse((p - y).ravel()) for p, y in parts]
            pooled = rmse(np.concatenate([(p - y).ravel() for p, y in parts]))
            out[v][s] = {"contest": round(pooled, 3), "per_fold": [round(x, 3) for x in per_fold]}
    return out


# ----------------------------------------------------------------------------- the command

def train(data_dir: Path | None = None, out_dir: Path | None = None, log=print,
          measure: bool = True, cv_cache: Path | None = None) -> dict:
    """Validate, fit, export. Returns the model card (also written to out_dir)."""
    import joblib

    from .config import get_settings
    from .ensemble import RUNTIME_FILE, sha256_file

    started = time.perf_counter()
    out_dir = Path(out_dir or get_settings().model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    w = load_well_one(data_dir)
    log(f"Well #1: {w.n} rows; wells {w.wells()}")

    if cv_cache is not None and Path(cv_cache).is_file():
        # Our own file from an earlier run of this command (a development shortcut).
        cv = joblib.load(cv_cache)
        log(f"  reusing held-out predictions from {cv_cache}")
    else:
        cv = cross_validate(w, FULL_MEMBERS, log)
        if cv_cache is not None:
            joblib.dump(cv, cv_cache)
    folds = {s: cv[s]["folds"] for s in cv}
    studies = run_studies(w, log)
    members_card = {
        k: {"label": MEMBER_LABELS[k],
            "metrics": {s: score(w.y, cv[s]["pred"][k], folds[s]) for s in cv},
            "metrics_core_curves": {s: score(w.y, cv[s]["core"][k], folds[s]) for s in cv}}
        for k in FULL_MEMBERS
    }

    ensembles_card, runtime_ensembles = {}, {}
    for name, kinds, label in (("full", FULL_MEMBERS, "Full (five members)"),
                               ("light", LIGHT_MEMBERS, "Light (XGBoost + PCR + KNN)")):
        W = fit_weights(w.y, cv, kinds)
        combined = {s: combine(cv[s]["pred"], kinds, W) for s in cv}
        pool = {key: np.concatenate(vals) for key, vals in {
            "y": [w.y for _ in cv], "mean": [combined[s][0] for s in cv],
            "spread": [combined[s][1] for s in cv], "novelty": [cv[s]["novelty"] for s in cv],
        }.items()}
        cal = calibrate_intervals(pool["y"], pool["mean"], pool["spread"], pool["novelty"])
        metrics = {}
        for s in cv:
            mean, spread = combined[s]
            metrics[s] = score(w.y, mean, folds[s])
            metrics[s]["coverage"] = coverage(w.y, *interval(mean, spread, cv[s]["novelty"], cal))
        ensembles_card[name] = {
            "label": label, "members": list(kinds),
            "weights": {t: {k: float(W[i, j]) for i, k in enumerate(kinds)}
                        for j, t in enumerate(TARGETS)},
            "metrics": metrics,
            "metrics_core_curves": {s: score(w.y, combine(cv[s]["core"], kinds, W)[0], folds[s])
                                    for s in cv},
            "intervals": _round(cal),
        }
        runtime_ensembles[name] = {"members": list(kinds),
                                   "weights": ensembles_card[name]["weights"],
                                   "intervals": cal}
        log(f"{name}: blocked {metrics['blocked']['contest']:.2f}, lowo {metrics['lowo']['contest']:.2f}"
            f", weights {ensembles_card[name]['weights']}")

    qc = {
        "envelope": {c: [float(v) for v in np.nanquantile(w.ff.clean[c], INPUT_ENVELOPE_QUANTILES)]
                     for c in INPUTS},
        "novelty_threshold": float(NOVELTY_FACTOR * np.nanmedian(cv["blocked"]["novelty"])),
    }

    log("final fit on all of Well #1")
    fitted = fit_sets(w, FULL_MEMBERS, np.ones(w.n, dtype=bool), log)
    files = {}
    for kind in FULL_MEMBERS:
        path = out_dir / f"{kind}.joblib"
        joblib.dump({s: fitted[s]["members"][kind] for s in fitted}, path, compress=3)
        files[path.name] = path
    runtime = {
        "sets": {s: {"columns": fitted[s]["columns"],
                     "clip_lo": fitted[s]["clip"][0].tolist(),
                     "clip_hi": fitted[s]["clip"][1].tolist()} for s in fitted},
        "ensembles": runtime_ensembles, "qc": qc, "pe_fill": 5.0,
        "xgboost_version": _xgboost_version(),
    }
    runtime_path = out_dir / RUNTIME_FILE
    runtime_path.write_text(json.dumps(runtime, indent=1, sort_keys=True), encoding="utf-8")
    files[RUNTIME_FILE] = runtime_path

    from . import data
    card = {
        "schema": 1,
        "model_version": hashlib.sha256(b"".join(sha256_file(p).encode() for p in
                                                 files.values())).hexdigest()[:12],
        "data": {
            "source": "SPWLA PDDA 2020 machine-learning contest (Volve field data, Equinor)",
            "url": "https://github.com/pddasig/Machine-Learning-Competition-2020",
            "licence": "CC BY-NC-SA (Creative Commons Attribution-NonCommercial-ShareAlike)",
            "attribution": "Trained on the SPWLA PDDA SIG 2020 contest data (Well #1), derived "
                           "from Equinor's Volve field data set. The trained models are shared "
                           "under CC BY-NC-SA; credit the SPWLA PDDA SIG and Equinor.",
            "train_sha256": sha256_file(data.train_csv(data_dir)),
            "rows": w.n, "wells": w.wells(), "target": "Well #1 only; Well #2 never used",
        },
        "validation": {"blocked": {"k": K_BLOCKED, "folds": [list(f) for f in folds["blocked"]]},
                       "lowo": {"wells": [list(f) for f in folds["lowo"]]},
                       "weights": "simplex weights minimising the geometric mean of per-fold RMSE "
                                  "over both schemes",
                       "intervals": "scale a + b*spread + c*novelty fitted on held-out residuals "
                                    "of both schemes; P10/P90 = empirical quantiles"},
        "method": {
            "curve_sets": {s: list(F.CURVE_SETS[s]) for s in F.CURVE_SETS},
            "routing": "rows with CAL and HRM use the 'all' models (PE imputed and flagged "
                       "when missing); other rows with CNC, GR, HRD, ZDEN use the 'core' models; "
                       "rows missing a required curve get NaN and a QC reason",
            "shear": "members predict DTC and Vp/Vs (DTS/DTC); DTS = DTC x Vp/Vs",
            "features": F.__doc__.strip().splitlines()[0],
        },
        "studies": {
            "what": "contest RMSE of single members on held-out rows with all curves; "
                    "vpvs = DTS predicted as DTC x Vp/Vs, direct = DTS learnt directly; "
                    "with_pe = PE features added",
            "results": studies},
        "members": members_card,
        "ensembles": ensembles_card,
        "qc": _round(qc),
        "files": {name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                  for name, p in sorted(files.items())},
        "leaderboard": card_mod.LEADERBOARD,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    for k in FULL_MEMBERS:
        card["members"][k]["size_bytes"] = card["files"][f"{k}.joblib"]["bytes"]
    for name, e in card["ensembles"].items():
        e["size_bytes"] = sum(card["files"][f"{k}.joblib"]["bytes"] for k in e["members"]) \
            + card["files"][RUNTIME_FILE]["bytes"]
    card_path = card_mod.card_path(out_dir)
    card_path.write_text(json.dumps(card, indent=1), encoding="utf-8")
    card = _add_conditioned(w, out_dir, log) or card
    if measure:
        log("measuring load time, memory and predict time of each member and ensemble")
        for group, keys in (("members", FULL_MEMBERS), ("ensembles", ("full", "light"))):
            for key in keys:
                card[group][key]["resources"] = measure_resources(out_dir, key, data_dir)
        card_path.write_text(json.dumps(card, indent=1), encoding="utf-8")
    log(f"wrote {out_dir} in {time.perf_counter() - started:.0f} s")
    return card


def well_one_parts(w: WellOne) -> list:
    """Well #1's three wells as (name, frame, depth_ft) records for conditioned.extend_model."""
    from types import SimpleNamespace

    cols = [c for c in (*INPUTS, *TARGETS) if c in w.frame.columns]
    return [SimpleNamespace(name=f"Well #1 ({'abc'[i]})", depth_ft=w.depth_ft[a:b],
                            frame=w.frame.iloc[a:b][cols].reset_index(drop=True))
            for i, (a, b) in enumerate(w.wells())]


def _add_conditioned(w: WellOne, out_dir: Path, log) -> dict | None:
    """The DTC-conditioned shear set (conditioned.py), validated like the ensembles: blocked
    folds and leave-one-well-out over Well #1's three wells. Returns the updated card."""
    from . import conditioned

    if conditioned.extend_model(out_dir, well_one_parts(w), blocked_folds=K_BLOCKED,
                                log=log) is None:
        return None
    return card_mod.load_card(out_dir)


def _xgboost_version() -> str:
    from importlib.metadata import version
    import xgboost
    return getattr(xgboost, "__version__", None) or version("xgboost-cpu")


def measure_resources(model_dir: Path, key: str, data_dir: Path | None) -> dict:
    """Load time, peak RSS and predict time for 10,000 rows, in a fresh process."""
    import subprocess
    import sys

    code = (
        "import json,sys,time;"
        "t=time.perf_counter();"
        "from sonic_model import ensemble as E, data;"
        f"ens=E.load_member_or_ensemble({key!r}, {str(model_dir)!r});"
        "load=time.perf_counter()-t;"
        f"frame=data.load_test({None if data_dir is None else str(data_dir)!r}).iloc[:10000];"
        "t=time.perf_counter();E.predict(frame, ens);pred=time.perf_counter()-t;"
        "print(json.dumps({'load_s':round(load,3),'predict_10k_s':round(pred,3),"
        "'peak_rss_mb':E.peak_rss_mb()}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
