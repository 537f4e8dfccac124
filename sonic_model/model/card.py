"""The model card: what was trained on what, how well it validates, what it costs to run.

Written by ``train`` to assets/models/model_card.json; every number in it is computed by
``python -m sonic_model train``. Schema (version 1):

    {"schema": 1, "model_version": str,
     "data": {"wells": [{"name", "rows", "rows_DTC", "rows_DTS", "sha256"}], "rows", ...},
     "validation": {"blocked": {"k": int, "folds": [[start, stop], ...]},     # if used
                    "lowo": {"wells": [[start, stop], ...], "names": [...]},  # 2+ wells
                    "lowo_wells": [{"well", "DTC": STATS | None, "DTS": STATS | None,
                                    "nested": {"DTC"|"DTS": NESTED | None}}],
                    "pooled": {"scheme", "DTC": STATS, "DTS": STATS, "nested": {...}},
                    # STATS' coverage is in sample (the band was calibrated on those rows);
                    # NESTED is out of sample (training/logs_nested.py):
                    "nested_bands": {"what", "qc_flags", "worst": {"scheme", "fold", "target",
                                     "measure", "share"},
                                     "schemes": {"blocked"|"lowo": {"folds": [{"fold", "start",
                                                 "stop", "DTC"|"DTS": NESTED | None}],
                                                 "pooled": {"DTC"|"DTS": NESTED}}}}},
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
    NESTED = {"coverage" (P10-P90), "beyond_3_sigma", "silent_beyond_3_sigma" (no QC flag), "rows",
              "coverage_in_sample" (the shipped band on the same rows)}
    RES = {"load_s", "peak_rss_mb", "predict_10k_s"}
"""

from __future__ import annotations

import json
from pathlib import Path

from sonic_model.core.digest import sha256_bytes
from sonic_model.core.errors import ArtifactError

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
    from sonic_model.core.config import get_settings

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
            lowo = entry.get("metrics", {}).get("lowo", {})
            # A model validated leave-one-well-out only (north-sea, own models) is placed by
            # that figure.
            blocked = entry.get("metrics", {}).get("blocked") or lowo
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
    """True when ``data`` is byte for byte a file the models were trained on (training_well).

    Scores on it are in-sample: the models have seen every row.
    """
    return training_well(sha256_bytes(data), card) is not None


def training_well(digest: str, card: dict | None) -> str | None:
    """The name of the training well whose file has sha256 ``digest`` ("Well #1" for the
    contest's train.csv, else the card's ``data.wells[*].name``), or None. Compared with the
    card's ``data.train_sha256`` and each well's ``sha256`` (a FORCE well's LAS file for
    north-sea, each file of a model trained with ``train --wells``)."""
    info = (card or {}).get("data") or {}
    digest = str(digest or "").lower()
    if not digest:
        return None
    if str(info.get("train_sha256") or "").lower() == digest:
        return "Well #1"
    for well in info.get("wells") or ():
        if isinstance(well, dict) and str(well.get("sha256") or "").lower() == digest:
            return str(well.get("name") or "a training well")
    return None


def in_sample_note(digest: str, cards: dict[str, dict]) -> str | None:
    """A sentence when the file with sha256 ``digest`` is a training file of one of ``cards``
    ({model name: card}: the model that predicts; with ``auto`` before it picks, both bundled
    models'), else None: scores on it are in sample and must be read so."""
    for name, card in cards.items():
        well = training_well(digest, card)
        if well is not None:
            return (f"this file is {well}, one of the wells {name} was trained on: its scores "
                    "against the measured sonic are in-sample, not validation")
    return None


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


# What interval_rows' and nested_rows' row counts count: the two tables sit on one page and
# their counts for the same fold differ several-fold (Well #1's blocked fold 2: 178 rows with
# both logs measured, 2,996 with DTC, 3,158 with DTS).
INTERVAL_ROWS = "rows with DTC and DTS"


def nested_rows_key(target: str) -> str:
    return f"rows with {target}"


def interval_rows(card: dict, ensemble: str, scheme: str) -> list[dict]:
    """Held-out figures per interval (fold, measured Vp/Vs band, DTC band) of one ensemble:
    {"interval", INTERVAL_ROWS, "DTC rmse", "DTC bias", "DTC coverage", "DTC width", "DTS ..."}.
    Every figure is over the held-out rows with both DTC and DTS measured (training/breakdown.py,
    so that the Vp/Vs bands are defined), fewer than nested_rows' rows with one target
    measured. Empty for cards written before the per-interval figures existed."""
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
            row = {"interval": name, INTERVAL_ROWS: entry.get("rows")}
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


# Issue 18: at most this share of a held-out well's samples silently beyond 3 sigma.
SILENT_BOUND = 0.05


def nested_rows(card: dict | None) -> list[dict]:
    """The full ensemble's band per held-out fold, out of sample (validation.nested_bands): one
    row per scheme and fold; per target the held-out rows with that target measured (each
    target on its own rows, unlike interval_rows), nested coverage, share beyond 3 sigma and the
    silent share (no QC flag), beside the shipped band's (in-sample) coverage on the same rows;
    a "pooled" row per scheme. Empty for cards written before the nested figures existed."""
    val = (card or {}).get("validation") or {}
    schemes = (val.get("nested_bands") or {}).get("schemes") or {}
    rows = []
    for scheme, table in schemes.items():
        for f in table.get("folds", []) + [{"fold": "pooled", **(table.get("pooled") or {})}]:
            row = {"scheme": scheme, "held out": str(f.get("fold"))}
            for t in ("DTC", "DTS"):
                n = f.get(t) or {}
                row[nested_rows_key(t)] = n.get("rows")   # that target measured
                row[f"{t} coverage"] = n.get("coverage")
                row[f"{t} coverage, in sample"] = n.get("coverage_in_sample")
                row[f"{t} beyond 3 sigma"] = n.get("beyond_3_sigma")
                row[f"{t} silently beyond 3 sigma"] = n.get("silent_beyond_3_sigma")
            rows.append(row)
    return rows


def nested_summary(card: dict | None) -> str | None:
    """One sentence naming the worst held-out fold's silent share beyond 3 sigma (nested), or
    None when the card has no nested figures."""
    nested = ((card or {}).get("validation") or {}).get("nested_bands") or {}
    worst = nested.get("worst")
    if not worst:
        return None
    kind = "well" if worst.get("scheme") == "lowo" else "blocked fold"
    silent = worst.get("measure") == "silent_beyond_3_sigma"
    share = float(worst.get("share") or 0.0)
    bound = "within" if share <= SILENT_BOUND else "above"
    return (f"Worst held-out {kind}: {worst.get('fold')}, {share:.1%} of its "
            f"{worst.get('target')} samples {'silently ' if silent else ''}beyond 3 sigma of "
            f"the band{' (no QC flag raised)' if silent else ''}, {bound} the "
            f"{SILENT_BOUND:.0%} bound; band calibrated without that {kind.split()[-1]} "
            "(out of sample).")


def blend_rows(card: dict | None) -> list[dict]:
    """auto's blend on contest's field (training/auto_blend.py), one row per held-out well:
    the weight chosen without it, then contest alone against blended (RMSE, P10-P90 coverage,
    share beyond 3 sigma). [] when the card has no blend."""
    wells = ((card or {}).get("auto_blend") or {}).get("wells") or {}
    rows = []
    for name, w in wells.items():
        row = {"held-out well": name, "weight (contest)": w.get("weight")}
        for key, label in (("contest_alone", "alone"), ("blended", "blended")):
            part = w.get(key) or {}
            row[f"contest score, {label}"] = part.get("contest")
            for t in ("DTC", "DTS"):
                row[f"{t} RMSE, {label}"] = (part.get(t) or {}).get("rmse")
            row[f"DTC coverage, {label}"] = (part.get("DTC") or {}).get("coverage")
            row[f"DTC beyond 3 sigma, {label}"] = (part.get("DTC") or {}).get("beyond_3_sigma")
        rows.append(row)
    return rows


def blend_summary(card: dict | None) -> str | None:
    """One sentence on auto's blend, or None when the card has none."""
    b = (card or {}).get("auto_blend")
    if not b:
        return None
    s = b.get("summary") or {}
    alone, mixed = s.get("contest_alone") or {}, s.get("blended") or {}
    figures = (f"held out on Well #1's wells (weight chosen without the well), geometric mean "
               f"DTC {alone.get('DTC')} -> {mixed.get('DTC')}, DTS {alone.get('DTS')} -> "
               f"{mixed.get('DTS')}, contest score {alone.get('contest')} -> "
               f"{mixed.get('contest')} us/ft")
    if not b.get("ships"):
        return (f"auto does not blend the two models on contest's field: {figures}; worse on "
                f"{', '.join(b.get('worse_wells') or []) or 'average'}.")
    share = float(b.get("weight", 1.0))
    return (f"When auto picks contest, its DTC is averaged with north-sea's tree members "
            f"({share:.2f} / {1 - share:.2f}) and the shear follows through contest's Vp/Vs: "
            f"{figures}. Naming contest gives contest alone.")
