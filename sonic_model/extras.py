"""One prediction with the optional extras: DTS from measured DTC, baselines, splice, elastic logs.

    result = predict_extended(well, ens, elastic=True, splice=True)

The CLI, the API and the app call this one function, so which extra columns exist and how
they are computed is decided here, never in a door. The base columns (curves.RESULT_COLUMNS)
are always there; the extras (EXTRA_COLUMNS, in that order) only when asked for or, for
DTS_SOURCE, when the well has a measured DTC the model could use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import conditioned as C
from . import elastic as E
from .curves import CURVES, RESULT_COLUMNS
from .measured import SOFT_REASONS, sonic_validity

SPLICE_MEASURED_DTC = 1     # SPLICE_SOURCE bits (LAS); text in CSV/API
SPLICE_MEASURED_DTS = 2

EXTRA_UNITS: dict[str, str] = {
    "DTS_SOURCE": "", "DTS_MUDROCK": "us/ft", "DTS_GC": "us/ft",
    "DTC_SPLICE": "us/ft", "DTS_SPLICE": "us/ft", "SPLICE_SOURCE": "",
    **E.ELASTIC_UNITS,
}
EXTRA_DESCRIPTIONS: dict[str, str] = {
    "DTS_SOURCE": "Route that produced DTS_PRED, see ~Other",
    "DTS_MUDROCK": "DTS from measured DTC, mudrock line (Castagna et al. 1985)",
    "DTS_GC": "DTS from measured DTC, Greenberg-Castagna (1992) sand-shale, Vsh from GR",
    "DTC_SPLICE": "DTC: measured where valid, else predicted",
    "DTS_SPLICE": "DTS: measured where valid, else predicted",
    "SPLICE_SOURCE": "Which splice values are measured, see ~Other",
    **E.ELASTIC_DESCRIPTIONS,
}
EXTRA_COLUMNS: tuple[str, ...] = tuple(EXTRA_UNITS)
# Text columns stored as integer codes in LAS (its data section is numeric).
TEXT_COLUMNS: tuple[str, ...] = ("DTS_SOURCE", "SPLICE_SOURCE")


def source_code(texts) -> np.ndarray:
    """DTS_SOURCE text -> LAS code (0 none, 1 logs-only, 2 DTC-conditioned)."""
    s = pd.Series(texts, dtype="object").fillna("").astype(str)
    return np.select([s.str.startswith(C.SOURCE_CONDITIONED), s.str.startswith(C.SOURCE_LOGS)],
                     [C.SOURCE_CODES[C.SOURCE_CONDITIONED], C.SOURCE_CODES[C.SOURCE_LOGS]], 0)


def splice_code(texts) -> np.ndarray:
    s = pd.Series(texts, dtype="object").fillna("").astype(str)
    return (np.where(s.str.contains("DTC measured", regex=False), SPLICE_MEASURED_DTC, 0)
            | np.where(s.str.contains("DTS measured", regex=False), SPLICE_MEASURED_DTS, 0))


def las_codes(column: str, values) -> np.ndarray:
    return (source_code if column == "DTS_SOURCE" else splice_code)(values).astype(float)


def legend() -> str:
    """Text for the LAS ~Other section: units of the impedances, and the two code curves."""
    return "\n".join([
        f"DTS_SOURCE: {C.SOURCE_CODES[C.SOURCE_LOGS]} = DTS from the logs alone, "
        f"{C.SOURCE_CODES[C.SOURCE_CONDITIONED]} = DTS from the logs and the measured DTC "
        "(DTC valid here), 0 = no DTS.",
        f"SPLICE_SOURCE: sum of {SPLICE_MEASURED_DTC} = DTC_SPLICE is measured, "
        f"{SPLICE_MEASURED_DTS} = DTS_SPLICE is measured; 0 = both predicted.",
        "AI, SI in m/s*g/cm3 (x1000 for kg/m2s); G_DYN, K_DYN in GPa; VPVS, PR dimensionless. "
        "Elastic logs use the splice: measured sonic where valid, else predicted.",
    ])


def _measured(curves: pd.DataFrame, name: str) -> np.ndarray:
    """A measured sonic as numbers, null sentinels as NaN (validity is judged later)."""
    return C._measured(curves, name, keep_impossible=True)


def predict_extended(well, ensemble, *, ignore_measured: bool = False, elastic: bool = False,
                     splice: bool = False, baselines: bool = False,
                     logs_only_column: bool = False) -> pd.DataFrame:
    """ensemble.predict_well plus the extras asked for; one row per input row, same order.

    - the DTS route: where the well's measured DTC is valid and the model ships a conditioned
      shear set, DTS_PRED/P10/P90 come from it (DTS_SOURCE says so per sample); off with
      `ignore_measured`. DTC_PRED is always the prediction from the logs.
    - `baselines`: DTS_MUDROCK, DTS_GC from the valid measured DTC;
    - `splice`: DTC_SPLICE, DTS_SPLICE, SPLICE_SOURCE;
    - `elastic`: VP ... K_DYN from the splice's sonic and ZDEN;
    - `logs_only_column` (the app's comparison track): DTS_LOGS_ONLY, the logs-only DTS.
    """
    from . import ensemble as ens_mod
    from .features import build_features, clean

    ens = ens_mod.load_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    curves = well.curves.reset_index(drop=True)
    depth = well.depth_ft()
    result = ens_mod.predict(curves, ens, depth_ft=depth)
    attrs = dict(result.attrs)
    result = result.reset_index(drop=True)
    n = len(result)
    logs_dts = result["DTS_PRED"].to_numpy(dtype=float).copy()

    has_dtc = "DTC" in curves.columns and np.isfinite(_measured(curves, "DTC")).any()
    model = getattr(ens, "conditioned", None)
    want_p = has_dtc and (not ignore_measured or baselines or splice or elastic)
    p = None
    if want_p:
        ff = build_features(curves, depth, pe_fill=ens.pe_fill)
        p = C.prepare(curves, depth, name=well.name, pe_fill=ens.pe_fill, ff=ff)

    if p is not None and not ignore_measured and model is not None:
        dts, lo, hi = C.predict(model, p)
        use = np.isfinite(dts) & np.isfinite(logs_dts)
        result.loc[use, "DTS_PRED"] = dts[use]
        result.loc[use, "DTS_P10"] = lo[use]
        result.loc[use, "DTS_P90"] = hi[use]
        source = np.full(n, "", dtype=object)
        has_pred = np.isfinite(logs_dts)
        source[has_pred] = C.SOURCE_LOGS
        # Say why the measured DTC was not used where the logs route stood in for it.
        why = np.where(p.dtc_reason == "", "", "measured DTC " + p.dtc_reason.astype(str))
        fallback = has_pred & ~use & (why != "")
        source[fallback] = [f"{C.SOURCE_LOGS} ({w})" for w in why[fallback]]
        source[use] = C.SOURCE_CONDITIONED
        flagged = use & (why != "")          # conditioned on a flagged (washout) sample
        source[flagged] = [f"{C.SOURCE_CONDITIONED} ({w})" for w in why[flagged]]
        result["DTS_SOURCE"] = source

    if baselines:
        for k in ("DTS_MUDROCK", "DTS_GC"):
            result[k] = p.baselines[k] if p is not None else np.nan

    if splice or elastic:
        dtc_valid = np.isfinite(p.dtc) if p is not None else np.zeros(n, dtype=bool)
        dtc_meas = p.dtc if p is not None else np.full(n, np.nan)
        dts_raw = _measured(curves, "DTS")
        dts_ok, dts_why = sonic_validity(dts_raw, "DTS", clean(curves)["CAL"].to_numpy(), depth)
        dts_ok = (dts_ok | np.isin(dts_why, list(SOFT_REASONS))) & np.isfinite(dts_raw)
        dtc_best = np.where(dtc_valid, dtc_meas, result["DTC_PRED"].to_numpy(dtype=float))
        dts_best = np.where(dts_ok, dts_raw, result["DTS_PRED"].to_numpy(dtype=float))
        if splice:
            result["DTC_SPLICE"] = dtc_best
            result["DTS_SPLICE"] = dts_best
            result["SPLICE_SOURCE"] = [
                f"DTC {'measured' if a else 'predicted'}, DTS {'measured' if b else 'predicted'}"
                for a, b in zip(dtc_valid, dts_ok)]
        if elastic:
            zden = pd.to_numeric(curves["ZDEN"], errors="coerce").to_numpy(dtype=float) \
                if "ZDEN" in curves.columns else np.full(n, np.nan)
            lo, hi = CURVES["ZDEN"].valid
            zden = np.where((zden >= lo) & (zden <= hi), zden, np.nan)
            el = E.elastic_logs(dtc_best, dts_best, zden)
            for c in E.ELASTIC_COLUMNS:
                result[c] = el[c].to_numpy()
    if logs_only_column:
        result["DTS_LOGS_ONLY"] = logs_dts

    extra = [c for c in EXTRA_COLUMNS if c in result.columns]
    rest = [c for c in result.columns if c not in extra and c not in RESULT_COLUMNS]
    result = result[list(RESULT_COLUMNS) + extra + rest]
    result.index = well.curves.index
    result.attrs.update(attrs)
    return result
