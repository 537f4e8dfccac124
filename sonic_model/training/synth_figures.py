"""The model card's fit-for-purpose figures: how synthetics, angle gathers and AVO made from
held-out predicted logs compare with those from the measured logs, well by well.

    frames = held_out.lowo_prediction_frames("contest")   # per well: depth, measured, predicted
    card["fit_for_purpose"] = fit_for_purpose(frames)

Each frame holds one well in depth order: DEPTH_FT, the measured DTC, DTS, ZDEN and the
predictions DTC_PRED, DTS_PRED with P10/P90, made by a model that never saw the well. Every
figure is therefore out of sample. The residuals' vertical correlation length and the DTC-DTS
residual correlation measured here are what model.realisations draws with.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES
from sonic_model.model.realisations import (
    FIT_LAGS_M,
    autocorrelation,
    correlation_length,
    fit_components,
)
from sonic_model.model.synth import Depths, synthesize_logs
from sonic_model.model.synth_options import SynthOptions

FT_M = 0.3048
# The card's figures use the CLI's defaults, with fewer realisations (a band's P10/P90 from 50
# draws differs from 100 draws' by less than the well-to-well spread).
CARD_OPTIONS = SynthOptions(realisations=50, seed=0)


def _valid(frame: pd.DataFrame, name: str) -> np.ndarray:
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float) \
        if name in frame else np.full(len(frame), np.nan)
    lo, hi = CURVES[name].valid
    return np.where((values >= lo) & (values <= hi), values, np.nan)


def prediction_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A held-out frame in the shape model.synth reads: predictions plus the splice of the
    measured sonic (measured where valid, else predicted)."""
    pred = frame[[c for c in frame.columns if c.endswith(("_PRED", "_P10", "_P90"))]].copy()
    sources = []
    for t in ("DTC", "DTS"):
        meas = _valid(frame, t)
        ok = np.isfinite(meas)
        pred[f"{t}_SPLICE"] = np.where(ok, meas, pred[f"{t}_PRED"].to_numpy(dtype=float))
        sources.append(np.where(ok, f"{t} measured", f"{t} predicted"))
    pred["SPLICE_SOURCE"] = [f"{a}, {b}" for a, b in zip(*sources)]
    return pred


def residual_figures(frames: dict[str, pd.DataFrame]) -> dict:
    """Median e-folding length (m) of the held-out DTC and DTS residuals, the two-scale fit of
    their median autocorrelation (model.realisations.fit_components), and the residuals'
    correlation with each other: what realisations are drawn with."""
    lengths, pairs, acfs = [], [], []
    for frame in frames.values():
        depth = frame["DEPTH_FT"].to_numpy(dtype=float) * FT_M
        step = float(np.nanmedian(np.diff(depth))) if len(depth) > 1 else np.nan
        res = {t: frame[f"{t}_PRED"].to_numpy(dtype=float) - _valid(frame, t)
               for t in ("DTC", "DTS")}
        for t in res:
            length = correlation_length(res[t], step)
            if np.isfinite(length):
                lengths.append(length)
                acfs.append(autocorrelation(res[t], step, FIT_LAGS_M))
        both = np.isfinite(res["DTC"]) & np.isfinite(res["DTS"])
        if both.sum() > 100 and res["DTC"][both].std() > 0 and res["DTS"][both].std() > 0:
            pairs.append(np.corrcoef(res["DTC"][both], res["DTS"][both])[0, 1])
    acf = np.nanmedian(np.vstack(acfs), axis=0) if acfs else None
    return {"correlation_length_m": round(float(np.median(lengths)), 2) if lengths else None,
            "components": fit_components(FIT_LAGS_M, acf) if acf is not None else None,
            "autocorrelation": {"lags_m": list(FIT_LAGS_M),
                                "median": [round(float(a), 3) for a in acf]} if acf is not None
            else None,
            "dtc_dts_correlation": round(float(np.median(pairs)), 3) if pairs else None,
            "wells": len(frames)}


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(np.median(values)), 3) if values else None


def summarise(per_well: dict[str, dict]) -> dict:
    """Medians over the wells (what the synth summary and the page quote)."""
    scored = [s for s in per_well.values() if s]
    ni = [s["angles"].get("0") or {} for s in scored]
    grad = [s.get("avo_gradient") or {} for s in scored]
    return {"wells": len(scored),
            "ni_depth_corr": _median(x.get("depth_corr") for x in ni),
            "ni_time_corr": _median(x.get("time_corr") for x in ni),
            "ni_depth_nrms": _median(x.get("depth_nrms") for x in ni),
            "coverage": _median(x.get("coverage") for x in ni),
            "avo_gradient_corr": _median(x.get("depth_corr") for x in grad),
            "base_shift_ms": _median(abs(s["base_shift_ms"]) for s in scored)}


def fit_for_purpose(frames: dict[str, pd.DataFrame], opts: SynthOptions = CARD_OPTIONS,
                    log=print) -> dict:
    """The card's `fit_for_purpose` section from held-out prediction frames {well: frame}:
    residual settings first (the realisations of every well's score use them)."""
    residuals = residual_figures(frames)
    card = {"fit_for_purpose": {"residuals": residuals}}
    per_well = {}
    for name, frame in frames.items():
        scores = well_scores(frame, opts, card)
        per_well[name] = scores
        if scores and log:
            ni = scores["angles"].get("0", {})
            log(f"  {name}: synthetic corr {ni.get('depth_corr')} (depth), "
                f"{ni.get('time_corr')} (time), AVO gradient "
                f"{(scores.get('avo_gradient') or {}).get('depth_corr')}")
    return {"options": {k: v for k, v in opts.describe().items() if k != "fluid"},
            "residuals": residuals, "wells": per_well, "summary": summarise(per_well),
            "how": "held-out (leave-one-well-out) predictions of this model's training wells "
                   "and wells it never saw; synthetics from predicted vs measured sonic with the "
                   "measured density (training/synth_figures.py)"}


def well_scores(frame: pd.DataFrame, opts: SynthOptions = CARD_OPTIONS,
                card: dict | None = None) -> dict | None:
    """One well's scores (model.synth_score), or None with too little measured sonic."""
    depth_ft = frame["DEPTH_FT"].to_numpy(dtype=float)
    if np.isfinite(_valid(frame, "DTC")).sum() < 100 or \
            not np.isfinite(_valid(frame, "ZDEN")).any():
        return None
    pred = prediction_frame(frame)
    result = synthesize_logs(Depths("DEPTH_FT", depth_ft, depth_ft * FT_M),
                             _valid(frame, "ZDEN"), np.full(len(frame), np.nan), pred, opts,
                             card=card, pred_logs_only=pred)
    return result.scores


def frames_from_training(ts, wells, full: dict, scheme: str = "lowo") -> dict[str, pd.DataFrame]:
    """Held-out frames from a training run: each well's rows of the shipped ensemble's
    leave-one-well-out predictions and bands (card_build has them in hand)."""
    mean = full["combined"][scheme][0]
    lo, hi = full["bands"][scheme]
    frames = {}
    for w, (a, b) in zip(wells, ts.bounds):
        n = b - a
        depth = np.asarray(w.depth_ft, float) if w.depth_ft is not None \
            else np.arange(n) * 0.328084          # the contest layout: 0.1 m rows
        zden = pd.to_numeric(w.frame["ZDEN"], errors="coerce").to_numpy(dtype=float) \
            if "ZDEN" in w.frame else np.full(n, np.nan)
        cols = {"DEPTH_FT": depth, "DTC": ts.y[a:b, 0], "DTS": ts.y[a:b, 1], "ZDEN": zden}
        for j, t in enumerate(("DTC", "DTS")):
            cols[f"{t}_PRED"], cols[f"{t}_P10"], cols[f"{t}_P90"] = \
                mean[a:b, j], lo[a:b, j], hi[a:b, j]
        frames[w.name] = pd.DataFrame(cols)
    return frames


def frames_for_card(ts, wells, full: dict, cv: dict) -> dict[str, pd.DataFrame] | None:
    """frames_from_training for a leave-one-well-out run, None without one (a single well has
    no held-out well to score)."""
    if "lowo" not in cv or "lowo" not in full.get("combined", {}):
        return None
    return frames_from_training(ts, wells, full)


def card_section(ts, wells, full: dict, cv: dict, log=None) -> dict:
    """{"fit_for_purpose": ...} for build_card from a leave-one-well-out run, {} without one."""
    frames = frames_for_card(ts, wells, full, cv)
    return {"fit_for_purpose": fit_for_purpose(frames, log=log)} if frames else {}


# The figures with a measured DTC score no band (the shear band's coverage is the conditioned
# route's own figure in the card): the predicted shear itself is what they judge.
WITH_DTC_OPTIONS = SynthOptions(realisations=0, seed=0)


def with_dtc_section(frames: dict[str, pd.DataFrame], held: tuple, log=None) -> dict:
    """{"with_measured_dtc": ...}: per held-out well, the angle gather and AVO gradient made from
    the measured DTC with the shear the shipped DTC route predicted for it without the well
    (`held`: (DTS, P10, P90) row for row with the frames in order), against those from the
    measured DTC and DTS; then the medians."""
    if sum(len(f) for f in frames.values()) != len(held[0]):
        return {}           # not row for row (a well dropped on one side): nothing to pair
    per_well, start = {}, 0
    for name, frame in frames.items():
        rows = slice(start, start + len(frame))
        start += len(frame)
        frame = frame.copy()
        dts = np.asarray(held[0], float)[rows]
        routed = np.isfinite(dts)
        for col, values in zip(("DTS_PRED", "DTS_P10", "DTS_P90"), held):
            frame[col] = np.where(routed, np.asarray(values, float)[rows], frame[col])
        per_well[name] = with_dtc_scores(frame)
        if per_well[name] and log:
            log(f"  {name}, with its measured DTC: AVO gradient corr "
                f"{per_well[name]['avo_gradient']['depth_corr']}")
    scored = [s for s in per_well.values() if s]
    far = f"{max(WITH_DTC_OPTIONS.angles):g}"
    return {"with_measured_dtc": {
        "wells": per_well,
        "summary": {"wells": len(scored),
                    "avo_gradient_corr": _median(s["avo_gradient"]["depth_corr"] for s in scored),
                    "far_angle": far,
                    "far_angle_depth_corr": _median((s["angles"].get(far) or {}).get("depth_corr")
                                                    for s in scored)},
        "how": "held-out (leave-one-well-out) shear from the measured DTC, as shipped (fused "
               "with the logs-only route where the card's fusion ships); synthetics from the "
               "measured DTC and density with that shear vs with the measured DTS"}}


def with_dtc_scores(frame: pd.DataFrame) -> dict | None:
    """One well's scores with its measured DTC (model.synth_score.shear_scores), or None
    without enough measured DTC and DTS."""
    if np.isfinite(_valid(frame, "DTS")).sum() < 100 or \
            not np.isfinite(_valid(frame, "ZDEN")).any():
        return None
    depth_ft = frame["DEPTH_FT"].to_numpy(dtype=float)
    pred = prediction_frame(frame)
    result = synthesize_logs(Depths("DEPTH_FT", depth_ft, depth_ft * FT_M),
                             _valid(frame, "ZDEN"), np.full(len(frame), np.nan), pred,
                             WITH_DTC_OPTIONS, pred_with_dtc=pred)
    return (result.scores or {}).get("with_measured_dtc")
