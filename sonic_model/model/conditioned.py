"""Shear conditioned on a measured DTC: prepare a well's rows, predict with a P10-P90 band.

Most wells have a measured compressional sonic and no shear. Given that DTC, the shear is far
better constrained than from the other logs alone (FORCE 2020: a plain XGBoost's held-out DTS
RMSE roughly halves), so where a well's measured DTC passes measured.sonic_validity, its DTS
comes from a DTC-conditioned member set: the logs' features plus DTC and its depth context,
target DTS relative to the Greenberg-Castagna DTS of the same DTC (see REFERENCE). Elsewhere
the logs-only DTS stands, sample by sample, and DTS_SOURCE says which route made each number.

The members are exported like the logs-only ones (plain arrays and XGBoost model bytes, see
members.py) into one artifact, `conditioned.npz` (artifacts.py: never unpickled), sha256-listed
in the card, with its columns, weights and band calibration in runtime.json under
"conditioned". Fitting and exporting them is training.conditioned_fit, judging them on held-out
rows training.conditioned_validate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES, NULL_SENTINELS
from sonic_model.model import artifacts
from sonic_model.model import features as F
from sonic_model.model.members import MemberPredictor
from sonic_model.physics import rockphysics
from sonic_model.physics.measured import SOFT_REASONS, sonic_validity
from sonic_model.physics.shear_prior import DEFAULT_PRIOR, mudrock_dts, prior_weight

ARTIFACT = "conditioned.npz"
RUNTIME_KEY = "conditioned"
KINDS = ("xgb", "pcr")
# DTC and its context, computed inside runs of valid measured DTC only (as features.py does for
# the logs): windows never reach into a cycle skip, a washout or a gap.
DTC_FEATURES = ("DTC", "DTC_M2.5", "DTC_M10", "DTC_M40", "DTC_S10", "DTC_G", "DTC_A40")
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
# Where the band starts to widen with the measured DTC (us/ft): soft rock, where the Vp/Vs of a
# given DTC differs most between fields (the card's per-interval table: the largest DTS errors
# sit in the slow DTC bands) and a well's own field may be one no training well shows. The start of the shear
# prior's ramp (physics/shear_prior.py), not tuned; the slope h is fitted on held-out residuals.
# North-sea with Well #1 (a) held out, nested: 29 % of its samples beyond 3 sigma without the
# term, 3.4 % with it; no other fold of either bundled model's shipped route above 5 %.
SOFT_ROCK_DTC = DEFAULT_PRIOR["dtc_ramp"][0]


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
    gr: np.ndarray             # cleaned gamma ray: the shear prior's hot-shale cut

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
                    well=np.zeros(len(frame), dtype=np.int64), names=[name],
                    gr=ff.clean["GR"].to_numpy(dtype=float))


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
        names=[n for p in parts for n in p.names],
        gr=np.concatenate([p.gr for p in parts]))


def columns_for(curve_set: str) -> list[str]:
    return F.feature_columns(curve_set) + list(DTC_FEATURES)


# ----------------------------------------------------------------------------- predict

def reference(p: Prepared) -> np.ndarray:
    """The slowness the members' ratio multiplies: see REFERENCE."""
    return p.baselines["DTS_GC"] if REFERENCE == "gc" else p.dtc


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


def with_prior(dts: np.ndarray, p: Prepared, prior: dict | None) -> tuple[np.ndarray, np.ndarray]:
    """(DTS blended towards the mudrock line of the measured DTC, gap = learnt - line).

    The logs-only route's shear prior (physics/shear_prior.py), with the measured DTC in place
    of the predicted one: in slow, soft rock the members' ratio to Greenberg-Castagna cannot
    extrapolate (Well #1's shallow block held out: conditioned DTS bias -37 us/ft, RMSE 51.7
    against 41.2 for the mudrock line of the same DTC), and the gap widens the band there."""
    gap = np.zeros_like(dts)
    if not prior:
        return dts, gap
    g = prior_weight(p.dtc, p.gr, prior)
    mud = mudrock_dts(p.dtc)
    use = (g > 0) & np.isfinite(mud)
    gap = np.where(use, g * (dts - mud), 0.0)
    return np.where(use, (1 - g) * dts + g * mud, dts), gap


def softness(dtc: np.ndarray) -> np.ndarray:
    """us/ft of measured DTC beyond SOFT_ROCK_DTC (0 in ordinary rock): the band's soft-rock
    term."""
    return np.maximum(np.nan_to_num(np.asarray(dtc, dtype=float)) - SOFT_ROCK_DTC, 0.0)


def band(dts: np.ndarray, spread: np.ndarray, cal: dict, gap: np.ndarray | None = None,
         dtc: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """P10, P90: DTS + q * (a + b * spread + e * |prior gap| + h * softness(DTC)); e and h are
    absent in older models."""
    s = cal["a"] + cal["b"] * spread
    if gap is not None and cal.get("e"):
        s = s + cal["e"] * np.abs(np.nan_to_num(gap))
    if dtc is not None and cal.get("h"):
        s = s + cal["h"] * softness(dtc)
    return dts + cal["q10"] * s, dts + cal["q90"] * s


@dataclass
class ConditionedModel:
    sets: dict          # {set: {"columns", "clip", "members": {kind: MemberPredictor}}}
    weights: dict
    intervals: dict
    fusion: bool = False   # fuse with the logs-only DTS (model/fusion.py) where both exist
    prior: dict | None = None   # shear prior on the measured DTC (with_prior); None in older models


def load(path: Path, runtime: dict) -> ConditionedModel:
    """From a sha256-verified ARTIFACT (the caller checks it) and runtime.json's section."""
    payloads = artifacts.load(path)
    sets = {s: {"columns": spec["columns"],
                "clip": (np.asarray(spec["clip_lo"], dtype=np.float32),
                         np.asarray(spec["clip_hi"], dtype=np.float32)),
                "members": {k: MemberPredictor(v) for k, v in payloads[s].items()}}
            for s, spec in runtime["sets"].items()}
    return ConditionedModel(sets=sets, weights=runtime["weights"], intervals=runtime["intervals"],
                            fusion=bool(runtime.get("fusion", False)),
                            prior=runtime.get("prior"))


def predict(model: ConditionedModel, p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DTS, P10, P90 (us/ft) where the conditioned route serves a row, NaN elsewhere."""
    vpvs = member_vpvs(model.sets, p)
    weights = {k: w for k, w in model.weights.items() if k in vpvs}
    dts, spread = combine(vpvs, p, weights)
    dts, gap = with_prior(dts, p, model.prior)
    lo, hi = band(dts, spread, model.intervals, gap, p.dtc)
    vlo, vhi = CURVES["DTS"].valid
    dts = np.clip(dts, vlo, vhi)
    return dts, np.clip(np.minimum(lo, dts), vlo, vhi), np.clip(np.maximum(hi, dts), vlo, vhi)


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
                         # the learnt route alone, in cards whose conditioned route ships the
                         # mudrock prior (with_prior)
                         "conditioned, learnt only":
                             (f.get("conditioned_without_prior") or {}).get("rmse"),
                         "logs only": f["logs_only"]["rmse"], "mudrock": f["mudrock"]["rmse"],
                         "Greenberg-Castagna": f["greenberg_castagna"]["rmse"],
                         # the model's own logs-only ensemble and the fused route (fusion.py),
                         # in cards that validated them
                         "logs-only ensemble": (f.get("logs_only_ensemble") or {}).get("rmse"),
                         "fused": (f.get("fused") or {}).get("rmse"),
                         # share of the fold's rows beyond 3 sigma of the band as shipped
                         # (fused where fusion ships), calibrated without the fold (nested)
                         "beyond 3 sigma": _shipped_beyond(f, section)})
    return rows


def _shipped_beyond(fold: dict, section: dict) -> float | None:
    bands = fold.get("bands") or {}
    route = "fused" if (section.get("fusion") or {}).get("shipped") else "conditioned"
    return (bands.get(route) or {}).get("beyond_3_sigma")


def fusion_summary(card: dict) -> str | None:
    """One sentence on the shear fusion from the card: shipped or not, and why."""
    fusion = ((card or {}).get(RUNTIME_KEY) or {}).get("fusion")
    if not fusion or "objective" not in fusion:
        return None
    g = fusion["objective"]
    state = "on" if fusion["shipped"] else "off"
    return (f"Shear fusion is {state} in this model: geometric mean of per-fold DTS RMSE "
            f"{g['fused']:.2f} fused, {g['conditioned']:.2f} conditioned, "
            f"{g['logs_only_ensemble']:.2f} logs-only (held out; fusion ships unless it is more "
            f"than {fusion.get('tolerance', 0):.1%} worse, a switch chosen on these figures)."
            + _prior_sentence(card[RUNTIME_KEY].get("prior")))


def _prior_sentence(prior: dict | None) -> str:
    if not prior or "objective" not in prior:
        return ""
    g = prior["objective"]
    return (f" In slow, soft rock the conditioned route leans on the mudrock line of the measured "
            f"DTC ({'on' if prior['shipped'] else 'off'}: {g['with']:.2f} with, "
            f"{g['without']:.2f} without, same held-out folds).")
