"""The model card: what was trained on what, how well it validates, what it costs to run.

Written by ``train`` to assets/models/model_card.json; every number in it is computed by
``python -m sonic_model train``. Schema (version 1):

    {"schema": 1, "model_version": str,
     "data": {"wells": [{"name", "rows", "rows_DTC", "rows_DTS", "sha256"}], "rows", ...},
     "validation": {"blocked": {"k": int, "folds": [[start, stop], ...]},     # if used
                    "lowo": {"wells": [[start, stop], ...], "names": [...]},  # 2+ wells
                    "lowo_wells": [{"well", "DTC": STATS | None, "DTS": STATS | None}],
                    "pooled": {"scheme", "DTC": STATS, "DTS": STATS}},
     "members":   {key: {"label", "metrics": METRICS, "size_bytes", "resources": RES}},
                   # every validated member; size_bytes/resources only for those that ship
     "ensembles": {"full"|"light": {"label", "members": [key...],
                   "weights": {"DTC": {key: w}, "DTS": {key: w}},
                   "metrics": METRICS, "size_bytes", "resources": RES,
                   "intervals": {"DTC"|"DTS": band calibration (intervals.py)},
                   "shear_prior": dict | None,            # shear_prior.py settings
                   "per_interval": {scheme: {"by_fold"|"by_vpvs"|"by_dtc": [
                       {..., "rows", "DTC"|"DTS": {"rmse", "bias", "coverage", "width"}}]}}}},
     "studies": {"shear_prior": {"with"|"without": {"objective", "per_fold_contest"}},
                 "member_selection": {"full"|"light": {"steps": [...], "tolerance"}}, ...},
     "other_fields": {"wells", "transfer": {ensemble: {"DTC", "DTS"}}, "novelty_cap",
                      "leave_one_well_out": {ensemble: [{"well", "DTC"|"DTS": {...}}]}},
     "files": {relative_path: {"sha256", "bytes"}},
     "leaderboard": {name: rmse}}          # the bundled model: the contest's Well #2 scores
    METRICS = {"blocked"|"lowo": {"DTC": rmse, "DTS": rmse, "contest": rmse,
                                 "per_fold": [{"fold", "DTC", "DTS", "contest"}],
                                 "coverage": {"DTC": frac, "DTS": frac}}}   # coverage: ensembles
    STATS = {"rmse", "bias" (predicted - measured), "coverage" (P10-P90), "rows"}
    RES = {"load_s", "peak_rss_mb", "predict_10k_s"}
"""

from __future__ import annotations

import json
from pathlib import Path

from .digest import sha256_bytes
from .errors import ArtifactError

CARD_NAME = "model_card.json"

# Published Well #2 scores of the contest (../shared/pdda2020/README.md): references, not ours.
LEADERBOARD: dict[str, float] = {
    "Contest benchmark (random forest)": 17.93,
    "Contest winner": 12.36,
    "Contest 2nd": 12.55,
    "Contest 3rd": 13.22,
    "SonicPredict five-model average": 16.31,
    "SonicPredict deployed three-model average": 16.51,
}


def card_path(model_dir: Path) -> Path:
    return Path(model_dir) / CARD_NAME


def load_card(model_dir: Path | None = None) -> dict:
    from .config import get_settings

    path = card_path(model_dir or get_settings().model_dir)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"'{path}' does not exist: run `python -m sonic_model train` "
                            "to build the models") from None
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"'{path}' is not a readable model card ({exc}); "
                            "re-run `python -m sonic_model train`") from None


def tradeoff_rows(card: dict) -> list[dict]:
    """One row per member and per ensemble: size, memory, speed and validation RMSE."""
    rows = []
    for kind, group in (("member", card.get("members", {})), ("ensemble", card.get("ensembles", {}))):
        for key, entry in group.items():
            blocked = entry.get("metrics", {}).get("blocked", {})
            lowo = entry.get("metrics", {}).get("lowo", {})
            res = entry.get("resources", {})
            rows.append({
                "name": entry.get("label", key), "key": key, "kind": kind,
                "size_kb": round(entry.get("size_bytes", 0) / 1024, 1),
                "peak_rss_mb": res.get("peak_rss_mb"),
                "load_s": res.get("load_s"),
                "predict_10k_s": res.get("predict_10k_s"),
                "rmse_dtc": blocked.get("DTC"), "rmse_dts": blocked.get("DTS"),
                "rmse_contest": blocked.get("contest"),
                "rmse_contest_lowo": lowo.get("contest"),
            })
    return rows


STUDY_LABELS: dict[str, str] = {
    "xgb_vpvs": "XGBoost, DTS = DTC x Vp/Vs (shipped)",
    "xgb_direct": "XGBoost, DTS learnt directly",
    "pcr_vpvs": "PCR, DTS = DTC x Vp/Vs (shipped)",
    "pcr_direct": "PCR, DTS learnt directly",
    "xgb_vpvs_with_pe": "XGBoost with PE features",
}


def study_rows(card: dict) -> list[dict]:
    """One row per design study variant: contest RMSE pooled and per fold, both schemes."""
    rows = []
    for key, result in card.get("studies", {}).get("results", {}).items():
        row = {"variant": STUDY_LABELS.get(key, key)}
        for scheme in ("blocked", "lowo"):
            entry = result.get(scheme, {})
            row[f"{scheme} pooled"] = entry.get("contest")
            row[f"{scheme} per fold"] = " · ".join(f"{v:.1f}" for v in entry.get("per_fold", []))
        rows.append(row)
    return rows


# Display names of the published Well #2 scores. The original SonicPredict (2020) shares this
# app's name, so its entries say "Original … (2020)" to keep them apart from our own figures.
LEADERBOARD_LABELS: dict[str, str] = {
    "SonicPredict five-model average": "Original SonicPredict (2020), published five-model",
    "SonicPredict deployed three-model average":
        "Original SonicPredict (2020), published deployed three-model",
}


def leaderboard_rows(card: dict | None) -> list[tuple[str, float]]:
    """(display label, Well #2 RMSE) of the contest's published scores, from the card.

    Falls back to LEADERBOARD when the card has none; entries whose value is not a number are
    skipped, so a renamed or malformed entry costs a row, never the page.
    """
    board = (card or {}).get("leaderboard") or LEADERBOARD
    rows = []
    for key, value in dict(board).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            label = LEADERBOARD_LABELS.get(key, str(key))
            if "sonicpredict" in label.lower() and not label.startswith("Original"):
                label = f"Original SonicPredict (2020), published: {label}"
            rows.append((label, float(value)))
    return rows


def format_size(size_bytes) -> str:
    """A file size for people: "–" when unknown, kB below one MB, MB (two decimals) above."""
    if not isinstance(size_bytes, (int, float)) or size_bytes <= 0:
        return "–"
    if size_bytes >= 1024 * 1024:
        return f"{size_bytes / 1024 / 1024:.2f} MB"
    return f"{size_bytes / 1024:.0f} kB"


def _rmse(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def ensemble_summaries(card: dict | None) -> dict[str, str]:
    """One sentence per ensemble from the card: label, members, size and Well #1 CV RMSE."""
    out = {}
    for key, entry in (card or {}).get("ensembles", {}).items():
        m = entry.get("metrics", {})
        out[key] = (f"**{key}** — {entry.get('label', key)}: "
                    f"{', '.join(entry.get('members', [])) or 'members not listed'}; "
                    f"{format_size(entry.get('size_bytes'))} on disk; contest RMSE "
                    f"{_rmse(m.get('blocked', {}).get('contest'))} (blocked CV) / "
                    f"{_rmse(m.get('lowo', {}).get('contest'))} (leave one well out) "
                    "on Well #1, us/ft.")
    return out


def is_training_data(data: bytes, card: dict | None) -> bool:
    """True when ``data`` is byte for byte the file the models were trained on (Well #1).

    Scores on it are in-sample: the models have seen every row. Compares the sha256 with the
    card's ``data.train_sha256``; False when the card does not record one.
    """
    expected = str(((card or {}).get("data") or {}).get("train_sha256") or "").lower()
    return bool(expected) and sha256_bytes(data) == expected


def fold_rows(card: dict, scheme: str, long: bool = False) -> list[dict]:
    """Per-fold validation of every ensemble and member under ``scheme`` ("blocked"|"lowo").

    Wide (default): one row per model, {"kind", "model", "fold 1": contest, "fold 2": …}.
    Long: one row per model and fold with the card's per-fold entry (fold, DTC, DTS, contest…).
    """
    rows = []
    for kind, group in (("ensemble", card.get("ensembles", {})),
                        ("member", card.get("members", {}))):
        for key, entry in group.items():
            folds = entry.get("metrics", {}).get(scheme, {}).get("per_fold", [])
            if long:
                rows += [{"model": key, "kind": kind, **f} for f in folds]
            elif folds:
                rows.append({"kind": kind, "model": key,
                             **{f"fold {f.get('fold', i + 1)}": f.get("contest")
                                for i, f in enumerate(folds)}})
    return rows


def interval_rows(card: dict, ensemble: str, scheme: str) -> list[dict]:
    """Held-out figures per interval (fold, measured Vp/Vs band, DTC band) of one ensemble:
    {"interval", "rows", "DTC rmse", "DTC bias", "DTC coverage", "DTC width", "DTS ..."}.
    Empty for cards written before the per-interval figures existed."""
    table = card.get("ensembles", {}).get(ensemble, {}).get("per_interval", {}).get(scheme)
    if not table:
        return []
    rows = []
    for key, label in (("by_fold", None), ("by_vpvs", "Vp/Vs"), ("by_dtc", "DTC")):
        for entry in table.get(key, []):
            if label is None:
                name = f"fold {entry['fold']} (rows {entry['start']:,}–{entry['stop']:,})"
            else:
                lo, hi = entry["vpvs" if label == "Vp/Vs" else "dtc"]
                name = f"{label} {lo:g}–{hi:g}" if hi < 900 else f"{label} above {lo:g}"
                if lo == 0:
                    name = f"{label} below {hi:g}"
            row = {"interval": name, "rows": entry.get("rows")}
            for t in ("DTC", "DTS"):
                f = entry.get(t) or {}
                for k in ("rmse", "bias", "coverage", "width"):
                    row[f"{t} {k}"] = f.get(k)
            rows.append(row)
    return rows


def member_rows(card: dict) -> list[dict]:
    """One row per member: label, size, blocked-CV RMSE and the ensembles that use it."""
    ensembles = card.get("ensembles", {})
    rows = []
    for key, entry in card.get("members", {}).items():
        b = entry.get("metrics", {}).get("blocked", {})
        rows.append({"key": key, "member": entry.get("label", key),
                     "size": format_size(entry.get("size_bytes")),
                     "DTC": b.get("DTC"), "DTS": b.get("DTS"), "contest": b.get("contest"),
                     "in": ", ".join(k for k, e in ensembles.items()
                                     if key in e.get("members", []))})
    return rows


# ----------------------------------------------------------------------------- writing

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
    from .validation import score
    return score(ts.y, ens["combined"][scheme][0], cv[scheme]["folds"])["contest"]


def build_card(ts, wells, cv: dict, ensembles: dict, qc: dict, files: dict,
               extra: dict | None = None) -> dict:
    """The card of a freshly trained model (train.train_model); `extra` adds or extends
    top-level sections (the bundled model's contest data, studies and leaderboard)."""
    import numpy as np

    from . import features as F
    from .digest import sha256_file
    from .ensemble import RUNTIME_FILE, combine
    from .shear_prior import apply_shear_prior
    from .members import FULL_MEMBERS, MEMBER_LABELS
    from .validation import _round, coverage, score, target_stats

    folds = {s: cv[s]["folds"] for s in cv}
    validation: dict = {}
    if "blocked" in cv:
        validation["blocked"] = {"k": len(folds["blocked"]),
                                 "folds": [list(f) for f in folds["blocked"]]}
    if "lowo" in cv:
        validation["lowo"] = {"wells": [list(f) for f in folds["lowo"]], "names": ts.names}
    validation["weights"] = ("simplex weights minimising the geometric mean of per-fold RMSE "
                             "over every validation scheme")
    validation["intervals"] = ("relative scale (intervals.py) fitted on held-out residuals of "
                               "every scheme, plus a between-field term when other-field wells "
                               "were given (transfer.py); P10/P90 = empirical quantiles")
    validation["members"] = ("backward elimination on held-out folds (selection.py): a member "
                             "ships only if it earns its place")
    # Per well and pooled: the full ensemble's leave-one-well-out predictions and bands
    # (blocked folds when there is only one well).
    scheme = "lowo" if "lowo" in cv else "blocked"
    full = ensembles["full"]
    mean = full["combined"][scheme][0]
    lo, hi = full["bands"][scheme]
    idx = np.arange(ts.n)
    validation["lowo_wells"] = [
        {"well": name, **target_stats(ts.y, mean, lo, hi, (idx >= a) & (idx < b))}
        for name, (a, b) in zip(ts.names, ts.bounds)] if "lowo" in cv else []
    validation["pooled"] = {"scheme": scheme,
                            **target_stats(ts.y, mean, lo, hi, np.ones(ts.n, dtype=bool))}

    ensembles_card = {}
    for name, e in ensembles.items():
        kinds, W = e["kinds"], e["weights"]
        metrics = {}
        for s in cv:
            metrics[s] = score(ts.y, e["combined"][s][0], folds[s])
            metrics[s]["coverage"] = coverage(ts.y, *e["bands"][s])
        ensembles_card[name] = {
            "label": ENSEMBLE_LABELS.get(name, name), "members": list(kinds),
            "weights": weights_dict(kinds, W), "metrics": metrics,
            # The four-curve figure goes through the same shear prior predict() applies.
            "metrics_core_curves": {s: score(ts.y, apply_shear_prior(
                combine(cv[s]["core"], kinds, W)[0], ts.clean["GR"].to_numpy(),
                e.get("shear_prior"))[0], folds[s]) for s in cv},
            "intervals": _round(e["intervals"]),
            **e.get("card", {}),
        }
    card = {
        "schema": 1,
        "model_version": sha256_bytes(b"".join(sha256_file(p).encode()
                                               for p in files.values()))[:12],
        "data": {"wells": [{"name": w.name, "rows": int(b - a),
                            "rows_DTC": int(np.isfinite(ts.y[a:b, 0]).sum()),
                            "rows_DTS": int(np.isfinite(ts.y[a:b, 1]).sum()),
                            "sha256": w.sha256} for w, (a, b) in zip(wells, ts.bounds)],
                 "rows": int(ts.n)},
        "validation": validation,
        "method": {
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
        },
        "members": {k: {"label": MEMBER_LABELS[k],
                        "metrics": {s: score(ts.y, cv[s]["pred"][k], folds[s]) for s in cv},
                        "metrics_core_curves": {s: score(ts.y, cv[s]["core"][k], folds[s])
                                                for s in cv}}
                    for k in FULL_MEMBERS},
        "ensembles": ensembles_card,
        "qc": _round(qc),
        "files": {name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                  for name, p in sorted(files.items())},
    }
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(card.get(key), dict):
            card[key] = {**card[key], **value}
        else:
            card[key] = value
    for k in FULL_MEMBERS:          # validated members that did not earn a place ship no file
        if f"{k}.joblib" in card["files"]:
            card["members"][k]["size_bytes"] = card["files"][f"{k}.joblib"]["bytes"]
    for name, e in card["ensembles"].items():
        e["size_bytes"] = sum(card["files"][f"{k}.joblib"]["bytes"] for k in e["members"]) \
            + card["files"][RUNTIME_FILE]["bytes"]
    return card


def write_card(model_dir: Path, card: dict) -> Path:
    path = card_path(model_dir)
    path.write_text(json.dumps(card, indent=1), encoding="utf-8")
    return path
