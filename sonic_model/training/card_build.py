"""Writing the model card of a freshly trained model: data, validation, method, members, files.

Reading the card (and the tables the app and CLI show from it) is model.card; this is the
training side.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sonic_model.core.digest import sha256_bytes, sha256_file
from sonic_model.model import features as F
from sonic_model.model.artifacts import RUNTIME_FILE, SUFFIX, file_entry
from sonic_model.model.card import card_path
from sonic_model.model.ensemble import combine
from sonic_model.model.members import MEMBER_LABELS
from sonic_model.physics.shear_prior import apply_shear_prior
from sonic_model.training import synth_figures
from sonic_model.training.member_fit import FULL_MEMBERS
from sonic_model.training.validation import _round, coverage, score, target_stats

# Fallback labels; training labels each ensemble with the members selection.py kept.
ENSEMBLE_LABELS = {"full": "Full", "light": "Light"}
MEMBERS_TEXT = ("tree members trained with XGBoost's own estimators: xgb and gbm XGBRegressor "
                "(depth-wise / leaf-wise boosting), rf XGBRFRegressor; evaluated by libxgboost "
                "(ctypes, version-checked). PCR: PCA + ridge collapsed to one linear map. KNN: "
                "scipy cKDTree, k=12, distance-weighted; its mean neighbour distance is the "
                "novelty measure for QC and bands")


def weights_dict(kinds, W) -> dict:
    return {t: {k: float(W[i, j]) for i, k in enumerate(kinds)}
            for j, t in enumerate(("DTC", "DTS"))}


def scheme_rmse(ts, cv: dict, ens: dict, scheme: str) -> float:
    """Pooled contest RMSE of an ensemble's held-out predictions (for the training log)."""
    return score(ts.y, ens["combined"][scheme][0], cv[scheme]["folds"])["contest"]


def build_card(ts, wells, cv: dict, ensembles: dict, qc: dict, files: dict,
               extra: dict | None = None) -> dict:
    """The card of a freshly trained model (trainer.train_model); `extra` adds or extends
    top-level sections (the bundled model's contest data, studies and leaderboard).
    `files`: {name: path} of the files written so far (members, runtime.json)."""
    card = {
        "schema": 1,
        "model_version": sha256_bytes(b"".join(sha256_file(p).encode()
                                               for p in files.values()))[:12],
        "data": {"wells": [{"name": w.name, "rows": int(b - a),
                            "rows_DTC": int(np.isfinite(ts.y[a:b, 0]).sum()),
                            "rows_DTS": int(np.isfinite(ts.y[a:b, 1]).sum()),
                            "sha256": w.sha256} for w, (a, b) in zip(wells, ts.bounds)],
                 "rows": int(ts.n)},
        "validation": validation_section(ts, cv, ensembles["full"]),
        "method": method_section(ts),
        "members": members_section(ts, cv),
        "ensembles": ensembles_section(ts, cv, ensembles),
        "qc": _round(qc),
        "files": {name: file_entry(p) for name, p in sorted(files.items())},
    }
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(card.get(key), dict):
            card[key] = {**card[key], **value}
        else:
            card[key] = value
    # Synthetics and AVO from the held-out predictions (issue 19); {} with a single well.
    card.update(synth_figures.card_section(ts, wells, ensembles["full"], cv))
    return size_figures(card)


def validation_section(ts, cv: dict, full: dict) -> dict:
    """How the model was validated, and the full ensemble's held-out figures per well (leave
    one well out; blocked folds when there is only one well) and pooled."""
    validation: dict = {}
    if "blocked" in cv:
        validation["blocked"] = {"k": len(cv["blocked"]["folds"]),
                                 "folds": [list(f) for f in cv["blocked"]["folds"]]}
    if "lowo" in cv:
        validation["lowo"] = {"wells": [list(f) for f in cv["lowo"]["folds"]], "names": ts.names}
    validation["weights"] = ("simplex weights minimising the geometric mean of per-fold RMSE "
                             "over every validation scheme")
    validation["intervals"] = ("relative scale (intervals.py) fitted on held-out residuals of "
                               "every scheme, plus a between-field term when other-field wells "
                               "were given (transfer.py); P10/P90 = empirical quantiles. The "
                               "'coverage' of lowo_wells and pooled is IN SAMPLE (the band was "
                               "calibrated on those same residuals); their 'nested' figures "
                               "and nested_bands are out of sample (each fold banded by a "
                               "calibration fitted without it)")
    validation["members"] = ("backward elimination on held-out folds (selection.py): a member "
                             "ships only if it earns its place")
    scheme = "lowo" if "lowo" in cv else "blocked"
    mean = full["combined"][scheme][0]
    lo, hi = full["bands"][scheme]
    idx = np.arange(ts.n)
    validation["lowo_wells"] = [
        {"well": name, **target_stats(ts.y, mean, lo, hi, (idx >= a) & (idx < b))}
        for name, (a, b) in zip(ts.names, ts.bounds)] if "lowo" in cv else []
    validation["pooled"] = {"scheme": scheme,
                            **target_stats(ts.y, mean, lo, hi, np.ones(ts.n, dtype=bool))}
    nested = full.get("nested_bands")
    if nested:
        _add_nested(validation, nested, scheme)
    return validation


def _add_nested(validation: dict, nested: dict, scheme: str) -> None:
    """The out-of-sample band figures (logs_nested.py) beside the in-sample ones: each
    lowo_wells entry and pooled get "nested" ({"DTC"|"DTS": {"coverage", "beyond_3_sigma",
    "silent_beyond_3_sigma", "rows"}}), and validation.nested_bands holds every scheme's folds."""
    validation["nested_bands"] = nested
    by_well = {f["fold"]: f for f in nested["schemes"].get("lowo", {}).get("folds", [])}
    for entry in validation["lowo_wells"]:
        if entry["well"] in by_well:
            entry["nested"] = {t: by_well[entry["well"]].get(t) for t in ("DTC", "DTS")}
    pooled = nested["schemes"].get(scheme, {}).get("pooled")
    if pooled:
        validation["pooled"]["nested"] = pooled


def method_section(ts) -> dict:
    return {
        "curve_sets": {s: list(F.CURVE_SETS[s]) for s in ts.sets},
        "routing": "rows with CAL and HRM use the 'all' models when trained (PE imputed and "
                   "flagged when missing); other rows with CNC, GR, HRD, ZDEN use the "
                   "'core' models; rows missing a required curve get NaN and a QC reason",
        "shear": "members predict DTC and Vp/Vs (DTS/DTC); DTS = DTC x Vp/Vs. DTC is learnt "
                 "from every row with DTC, Vp/Vs from rows with both DTC and DTS; in slow, "
                 "soft rock blended towards Castagna's mudrock line (shear_prior.py) when "
                 "validation says it helps (studies.shear_prior)",
        "features": F.__doc__.strip().splitlines()[0],
        "members": MEMBERS_TEXT,
    }


def members_section(ts, cv: dict) -> dict:
    """Every validated candidate's held-out scores (size_figures adds the shipped ones' sizes)."""
    folds = {s: cv[s]["folds"] for s in cv}
    return {k: {"label": MEMBER_LABELS[k],
                "metrics": {s: score(ts.y, cv[s]["pred"][k], folds[s]) for s in cv},
                "metrics_core_curves": {s: score(ts.y, cv[s]["core"][k], folds[s]) for s in cv}}
            for k in FULL_MEMBERS}


def ensembles_section(ts, cv: dict, ensembles: dict) -> dict:
    """Each ensemble's members, weights, held-out scores and coverage, band calibration."""
    folds = {s: cv[s]["folds"] for s in cv}
    out = {}
    for name, e in ensembles.items():
        kinds, W = e["kinds"], e["weights"]
        metrics = {}
        for s in cv:
            metrics[s] = score(ts.y, e["combined"][s][0], folds[s])
            metrics[s]["coverage"] = coverage(ts.y, *e["bands"][s])
        out[name] = {
            "label": ENSEMBLE_LABELS.get(name, name), "members": list(kinds),
            "weights": weights_dict(kinds, W), "metrics": metrics,
            # The four-curve figure goes through the same shear prior predict() applies.
            "metrics_core_curves": {s: score(ts.y, apply_shear_prior(
                combine(cv[s]["core"], kinds, W)[0], ts.clean["GR"].to_numpy(),
                e.get("shear_prior"))[0], folds[s]) for s in cv},
            "intervals": _round(e["intervals"]),
            **e.get("card", {}),
        }
    return out


def size_figures(card: dict) -> dict:
    """Sizes on disk from the card's file list: each shipped member's file, and each ensemble's
    member files plus runtime.json. Called again whenever a file changes after the card was
    built (the conditioned set rewrites runtime.json)."""
    files = card.get("files") or {}
    for k, entry in (card.get("members") or {}).items():
        if f"{k}{SUFFIX}" in files:   # validated members that did not earn a place ship no file
            entry["size_bytes"] = files[f"{k}{SUFFIX}"]["bytes"]
    for entry in (card.get("ensembles") or {}).values():
        entry["size_bytes"] = sum(files[f"{k}{SUFFIX}"]["bytes"] for k in entry["members"]) \
            + files[RUNTIME_FILE]["bytes"]
    return card


def write_card(model_dir: Path, card: dict) -> Path:
    path = card_path(model_dir)
    path.write_text(json.dumps(card, indent=1), encoding="utf-8")
    return path
