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

from sonic_model.core.columns import EXTRA_COLUMNS, SOURCE_CONDITIONED, SOURCE_LOGS
from sonic_model.core.curves import CURVES, RESULT_COLUMNS
from sonic_model.model import conditioned as C
from sonic_model.model.choice import bundled_name
from sonic_model.physics import elastic as E
from sonic_model.physics.measured import (
    REASON_INCONSISTENT,
    SOFT_REASONS,
    inconsistent_with_logs,
    sonic_validity,
)


def _measured(curves: pd.DataFrame, name: str) -> np.ndarray:
    """A measured sonic as numbers, null sentinels as NaN (validity is judged later)."""
    return C._measured(curves, name, keep_impossible=True)


def predict_extended(well, ensemble, *, ignore_measured: bool = False, elastic: bool = False,
                     splice: bool = False, baselines: bool = False,
                     logs_only_column: bool = False, check_choice: bool = True) -> pd.DataFrame:
    """ensemble.predict_well plus the extras asked for; one row per input row, same order.

    - the DTS route: where the well's measured DTC is valid and the model ships a conditioned
      shear set, DTS_PRED/P10/P90 come from it (DTS_SOURCE says so per sample); off with
      `ignore_measured`. DTC_PRED is always the prediction from the logs.
    - `baselines`: DTS_MUDROCK, DTS_GC from the valid measured DTC;
    - `splice`: DTC_SPLICE, DTS_SPLICE, SPLICE_SOURCE;
    - `elastic`: VP ... K_DYN from the splice's sonic and ZDEN;
    - `logs_only_column` (the app's comparison track): DTS_LOGS_ONLY, the logs-only DTS;
    - `check_choice`: a bundled model chosen by hand is compared with the other one
      (choice.better_suited); when that one knows the well clearly better, model_reason says
      so and every predicted row is QC-flagged (chunked.py checks once for the whole well).
    """
    from sonic_model.model import ensemble as ens_mod

    ens = ens_mod.load_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    curves = well.curves.reset_index(drop=True)
    depth = well.depth_ft()
    chosen, ff = {}, None
    if hasattr(ens, "pick"):           # choice.Auto: the bundled model this well is closest to
        from sonic_model.model.features import build_features

        ff = build_features(curves, depth, pe_fill=ens.pe_fill)
        ens, name, reason = ens.pick(curves, depth, ff=ff)
        chosen = {"model": name, "model_reason": reason}
    if check_choice and not chosen and bundled_name(ens) is not None:
        result, ff = predict_checked(curves, ens, depth, ff)
    else:
        result = ens_mod.predict(curves, ens, depth_ft=depth, ff=ff)
    attrs = {**result.attrs, **chosen}
    result = result.reset_index(drop=True)
    logs_dts = result["DTS_PRED"].to_numpy(dtype=float).copy()

    p = None
    has_dtc = "DTC" in curves.columns and np.isfinite(_measured(curves, "DTC")).any()
    if has_dtc and (not ignore_measured or baselines or splice or elastic):
        from sonic_model.model.features import build_features
        if ff is None or ff.pe_fill != ens.pe_fill:
            ff = build_features(curves, depth, pe_fill=ens.pe_fill)
        p = _prepare_consistent(curves, depth, result, well.name, ens.pe_fill, ff)
    model = getattr(ens, "conditioned", None)
    if p is not None and not ignore_measured and model is not None:
        _conditioned_route(result, model, p, logs_dts)
    if baselines:
        for k in ("DTS_MUDROCK", "DTS_GC"):
            result[k] = p.baselines[k] if p is not None else np.nan
    if splice or elastic:
        _splice_and_elastic(result, curves, depth, p, splice=splice, elastic=elastic)
    if logs_only_column:
        result["DTS_LOGS_ONLY"] = logs_dts

    extra = [c for c in EXTRA_COLUMNS if c in result.columns]
    rest = [c for c in result.columns if c not in extra and c not in RESULT_COLUMNS]
    result = result[list(RESULT_COLUMNS) + extra + rest]
    result.index = well.curves.index
    result.attrs.update(attrs)
    return result


def predict_checked(frame: pd.DataFrame, ens, depth_ft=None, ff=None):
    """(ensemble.predict of a bundled model chosen by hand, its features). When the other
    bundled model knows the well clearly better (choice.better_suited), every predicted row is
    QC-flagged and attrs["model_reason"] says so. The features are built once for both."""
    from sonic_model.model import ensemble as ens_mod
    from sonic_model.model.choice import better_suited, unfamiliar_share_from_qc
    from sonic_model.model.features import build_features

    if ff is None:
        ff = build_features(frame.reset_index(drop=True), depth_ft, pe_fill=ens.pe_fill)
    result = ens_mod.predict(frame, ens, depth_ft=depth_ft, ff=ff)
    note = better_suited(ens, frame, depth_ft, ff, mine=unfamiliar_share_from_qc(result["QC"]))
    if note:
        flag_choice(result, ens, note)
    return result, ff


def flag_choice(result: pd.DataFrame, ens, note: str) -> None:
    """QC-flag every predicted row and say why in attrs["model_reason"]: the bundled model
    ``ens`` was chosen by hand and ``note`` (choice.better_suited) names a better one."""
    from sonic_model.core.qc import QC_OK, QC_SEPARATOR

    result.attrs["model_reason"] = f"{bundled_name(ens)} chosen by hand; {note}"
    reason = f"model chosen by hand: {note}"
    qc = result["QC"].astype(str)
    predicted = np.isfinite(result["DTC_PRED"].to_numpy(dtype=float))
    result["QC"] = np.where(~predicted, qc, np.where(qc == QC_OK, reason,
                                                     qc + QC_SEPARATOR + reason))


def _prepare_consistent(curves: pd.DataFrame, depth, result: pd.DataFrame, name: str,
                        pe_fill: float, ff) -> C.Prepared:
    """C.prepare with a measured DTC that no other log supports (inconsistent_with_logs, against
    the logs-only prediction in `result`) taken out like any bad reading: neither it nor its
    depth context conditions the shear, the splice predicts there, DTS_SOURCE says why, and the
    QC column flags the row (the other logs, not the sonic, are what the row can trust)."""
    p = C.prepare(curves, depth, name=name, pe_fill=pe_fill, ff=ff)
    # Judged only where the other checks passed: the first failing check names a sample.
    bad = np.isfinite(p.dtc) & inconsistent_with_logs(p.dtc, result["DTC_P10"],
                                                      result["DTC_P90"])
    if not bad.any():
        return p
    raw = _measured(curves, "DTC")
    p = C.prepare(curves.assign(DTC=np.where(bad, np.nan, raw)), depth, name=name,
                  pe_fill=pe_fill, ff=ff)
    p.dtc_reason = np.where(bad, REASON_INCONSISTENT, p.dtc_reason).astype(object)
    _flag_inconsistent(result, bad, raw)
    return p


def _flag_inconsistent(result: pd.DataFrame, bad: np.ndarray, raw: np.ndarray) -> None:
    from sonic_model.core.qc import QC_OK, QC_SEPARATOR

    lo, hi = (result[c].to_numpy(dtype=float) for c in ("DTC_P10", "DTC_P90"))
    qc = result["QC"].astype(str).to_numpy().copy()
    for i in np.flatnonzero(bad):
        why = (f"measured DTC {REASON_INCONSISTENT} ({raw[i]:.1f} us/ft; the logs say "
               f"{lo[i]:.0f}-{hi[i]:.0f})")
        qc[i] = why if qc[i] == QC_OK else qc[i] + QC_SEPARATOR + why
    result["QC"] = qc


def _conditioned_route(result: pd.DataFrame, model, p: C.Prepared,
                       logs_dts: np.ndarray) -> None:
    """DTS_PRED/P10/P90 from the conditioned set where it serves a row, and DTS_SOURCE."""
    n = len(result)
    dts, lo, hi = C.predict(model, p)
    use = np.isfinite(dts) & np.isfinite(logs_dts)
    if getattr(model, "fusion", False):
        # Both routes by their uncertainty, the band holding their disagreement (fusion.py).
        from sonic_model.model.fusion import fuse

        dts, lo, hi, _ = fuse(dts, lo, hi, logs_dts, result["DTS_P10"].to_numpy(dtype=float),
                              result["DTS_P90"].to_numpy(dtype=float))
    result.loc[use, "DTS_PRED"] = dts[use]
    result.loc[use, "DTS_P10"] = lo[use]
    result.loc[use, "DTS_P90"] = hi[use]
    source = np.full(n, "", dtype=object)
    has_pred = np.isfinite(logs_dts)
    source[has_pred] = SOURCE_LOGS
    # Say why the measured DTC was not used where the logs route stood in for it.
    why = np.where(p.dtc_reason == "", "", "measured DTC " + p.dtc_reason.astype(str))
    fallback = has_pred & ~use & (why != "")
    source[fallback] = [f"{SOURCE_LOGS} ({w})" for w in why[fallback]]
    source[use] = SOURCE_CONDITIONED
    flagged = use & (why != "")          # conditioned on a flagged (washout) sample
    source[flagged] = [f"{SOURCE_CONDITIONED} ({w})" for w in why[flagged]]
    result["DTS_SOURCE"] = source


def _splice_and_elastic(result: pd.DataFrame, curves: pd.DataFrame, depth, p,
                        *, splice: bool, elastic: bool) -> None:
    """The best sonic per sample (measured where valid, else predicted) and, from it and
    ZDEN, the elastic logs."""
    from sonic_model.model.features import clean

    n = len(result)
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
