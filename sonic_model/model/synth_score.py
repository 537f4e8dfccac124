"""How good the predicted-log synthetic is for the job: its scores against the measured-log
synthetic on one well, and the model card's figures over held-out wells as text.

Scores (rows where the measured DTC is valid and the prediction exists; AVO where DTS is too):
- depth: each synthetic read back at every log sample's own two-way time, correlated sample by
  sample (what a depth-domain interpretation sees);
- time: the traces on the shared time axis, over the measured interval's time span (a tie
  without a checkshot sees this: the predicted DTC's drift moves events);
- nrms = 200 rms(a - b) / (rms(a) + rms(b)) in %, 0 identical, ~141 uncorrelated;
- base_shift_ms: predicted minus measured two-way time across the measured interval;
- coverage: share of samples where the measured-log value lies in the predicted run's P10-P90.
"""

from __future__ import annotations

import numpy as np

MIN_ROWS = 50


def corr(a: np.ndarray, b: np.ndarray) -> float | None:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < MIN_ROWS or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return None
    return round(float(np.corrcoef(a[ok], b[ok])[0, 1]), 4)


def nrms(a: np.ndarray, b: np.ndarray) -> float | None:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < MIN_ROWS:
        return None

    def rms(x):
        return float(np.sqrt(np.mean(x ** 2)))

    denom = rms(a[ok]) + rms(b[ok])
    return round(200.0 * rms(a[ok] - b[ok]) / denom, 2) if denom else None


def coverage(truth: np.ndarray, stack: np.ndarray, mask: np.ndarray) -> float | None:
    if len(stack) < 2 or mask.sum() < MIN_ROWS:
        return None
    lo, hi = np.percentile(stack[1:], [10, 90], axis=0)
    inside = (truth >= lo) & (truth <= hi)
    return round(float(inside[mask].mean()), 4)


def _pair(pred, meas, key, mask, time_mask):
    d_p, t_p = pred.out[key][0][0], pred.out[key][1][0]
    d_m, t_m = meas.out[key][0][0], meas.out[key][1][0]
    return {"depth_corr": corr(d_p[mask], d_m[mask]), "depth_nrms": nrms(d_p[mask], d_m[mask]),
            "time_corr": corr(t_p[time_mask], t_m[time_mask]),
            "time_nrms": nrms(t_p[time_mask], t_m[time_mask]),
            "coverage": coverage(d_m, pred.out[key][0], mask)}


def _span(twt_row: np.ndarray, mask: np.ndarray, times: np.ndarray) -> np.ndarray:
    t = twt_row[mask]
    return (times >= t.min()) & (times <= t.max())


def score_runs(pred, meas, grid, meas_dtc: np.ndarray, meas_dts: np.ndarray, opts) -> dict:
    """Scores of run `pred` (predicted logs, with realisations) against run `meas` (measured
    sonic where valid)."""
    times = grid.times
    # Scored where both runs have their own logs: a predicted gap (missing inputs) is filled
    # in the run, and a filled interval judges nothing.
    m_ni = meas_dtc & np.isfinite(meas.rho[0]) & np.isfinite(pred.vp[0])
    both = m_ni & meas_dts & np.isfinite(pred.vs[0])
    if m_ni.sum() < MIN_ROWS:
        return None
    idx = np.flatnonzero(m_ni)
    first, last = idx[0], idx[-1]
    shift = ((pred.twt[0, last] - pred.twt[0, first]) - (meas.twt[0, last] - meas.twt[0, first]))
    out = {"rows_dtc": int(m_ni.sum()), "rows_dts": int(both.sum()),
           "base_shift_ms": round(float(shift) * 1000, 2),
           "angles": {}}
    span_ni = _span(meas.twt[0], m_ni, times)
    for i, angle in enumerate(opts.angles):
        mask = m_ni if angle == 0 else both
        if mask.sum() < MIN_ROWS:
            continue
        span = span_ni if angle == 0 else _span(meas.twt[0], both, times)
        out["angles"][f"{angle:g}"] = _pair(pred, meas, f"SYN_{i}", mask, span)
    if both.sum() >= MIN_ROWS:
        span = _span(meas.twt[0], both, times)
        out["avo_intercept"] = _pair(pred, meas, "AVO_A", both, span)
        out["avo_gradient"] = _pair(pred, meas, "AVO_B", both, span)
    return out


def shear_scores(pred, meas, grid, meas_dtc: np.ndarray, meas_dts: np.ndarray, opts) -> dict | None:
    """Scores of run `pred` (the measured DTC with the shear predicted from it) against `meas`
    (measured DTC and DTS), where both sonic logs are measured. Both runs share the measured
    DTC's time-depth and its normal-incidence synthetic, so only what the shear changes is
    kept: the angle synthetics beyond zero and the AVO gradient. None without DTS to judge."""
    both = meas_dtc & meas_dts & np.isfinite(meas.rho[0]) & np.isfinite(pred.vs[0])
    if both.sum() < MIN_ROWS:
        return None
    span = _span(meas.twt[0], both, grid.times)
    out = {"rows_dts": int(both.sum()), "angles": {}}
    for i, angle in enumerate(opts.angles):
        if angle != 0:
            out["angles"][f"{angle:g}"] = _pair(pred, meas, f"SYN_{i}", both, span)
    out["avo_gradient"] = _pair(pred, meas, "AVO_B", both, span)
    return out


def expectations(card: dict | None) -> dict | None:
    """The card's fit-for-purpose figures over held-out wells (medians), or None when it has
    none; with the AVO gradient's median with a measured DTC when the card has it."""
    ffp = (card or {}).get("fit_for_purpose") or {}
    summary = ffp.get("summary")
    shear = (ffp.get("with_measured_dtc") or {}).get("summary") or {}
    if summary and shear.get("avo_gradient_corr") is not None:
        summary = {**summary, "avo_gradient_corr_with_dtc": shear["avo_gradient_corr"]}
    return summary


def _fmt(x, pattern="{:.2f}") -> str:
    return "n/a" if x is None else pattern.format(x)


def score_lines(scores: dict | None, expected: dict | None,
                in_sample: str | None = None) -> list[str]:
    """Plain-text lines for a summary, a CSV header or a page: this well's scores (first, when
    the file is one the model was trained on, the `in_sample` note), then what to expect on
    wells without sonic (from the card), or why either is absent."""
    lines = []
    if scores and in_sample:
        lines.append(in_sample)
    if scores:
        angles = scores.get("angles") or {}
        ni = angles.get("0", next(iter(angles.values()), None))
        if ni:
            lines.append(
                f"this well, predicted vs measured sonic ({scores['rows_dtc']} samples): "
                f"normal-incidence synthetic correlation {_fmt(ni['depth_corr'])} in depth, "
                f"{_fmt(ni['time_corr'])} in time (NRMS {_fmt(ni['depth_nrms'], '{:.0f}')} % / "
                f"{_fmt(ni['time_nrms'], '{:.0f}')} %), time shift at the base "
                f"{scores['base_shift_ms']:+.1f} ms, measured inside P10-P90 on "
                f"{_fmt(None if ni['coverage'] is None else 100 * ni['coverage'], '{:.0f}')} %")
        grad = scores.get("avo_gradient")
        if grad:
            lines.append(f"this well, AVO gradient correlation {_fmt(grad['depth_corr'])} in "
                         f"depth ({scores['rows_dts']} samples with measured DTS)")
        shear = scores.get("with_measured_dtc")
        if shear:
            lines.append(with_dtc_line(shear))
    if not scores:
        lines.append("this well has no measured sonic to score the synthetic against")
    lines.append(expectation_line(expected))
    return lines


def with_dtc_line(shear: dict) -> str:
    """This well's with-DTC scores (shear_scores) as one line."""
    far = max(shear["angles"], key=float, default=None)
    angle = (f", {far} deg synthetic {_fmt(shear['angles'][far]['depth_corr'])}"
             if far is not None else "")
    return (f"this well, with its measured DTC and the shear predicted from it "
            f"({shear['rows_dts']} samples with measured DTS): AVO gradient correlation "
            f"{_fmt(shear['avo_gradient']['depth_corr'])} in depth{angle}")


def expectation_line(expected: dict | None) -> str:
    """What to expect on a well without sonic: the card's medians, or that it has none."""
    if not expected:
        return ("what to expect without sonic: this model's card has no fit-for-purpose "
                "figures yet (benchmarks/bench_synth.py measures them)")
    return (f"what to expect without sonic (model card, {expected.get('wells', '?')} held-out "
            f"wells, median): synthetic correlation {_fmt(expected.get('ni_depth_corr'))} in "
            f"depth, {_fmt(expected.get('ni_time_corr'))} in time, AVO gradient "
            f"{_fmt(expected.get('avo_gradient_corr'))}{_with_dtc(expected)}, P10-P90 "
            f"coverage {_fmt(expected.get('coverage'))}")


def _with_dtc(expected: dict) -> str:
    if expected.get("avo_gradient_corr_with_dtc") is None:
        return ""
    return f" ({_fmt(expected['avo_gradient_corr_with_dtc'])} with a measured DTC)"


def _median(values: list) -> float | None:
    """The median of the numbers among ``values``; None when there is none. Older cards' summary
    holds no median of the time-domain NRMS, which the well rows do."""
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and np.isfinite(v)]
    return round(float(np.median(numbers)), 2) if numbers else None


def card_rows(card: dict | None) -> list[dict]:
    """The card's fit-for-purpose figures as table rows: one per held-out well (its
    normal-incidence synthetic, time shift, band coverage and AVO gradient), then the medians
    (`expectations`; "samples" None there: a count has no median); [] when the card has none."""
    ffp = (card or {}).get("fit_for_purpose") or {}
    shear = (ffp.get("with_measured_dtc") or {}).get("wells") or {}
    rows = []
    for well, s in (ffp.get("wells") or {}).items():
        if not s:
            continue
        with_dtc = (shear.get(well) or {}).get("avo_gradient") or {}
        ni = (s.get("angles") or {}).get("0") or {}
        rows.append({"well": well, "samples": s.get("rows_dtc"),
                     "corr_depth": ni.get("depth_corr"), "corr_time": ni.get("time_corr"),
                     "nrms_depth_pct": ni.get("depth_nrms"), "nrms_time_pct": ni.get("time_nrms"),
                     "base_shift_ms": s.get("base_shift_ms"), "coverage": ni.get("coverage"),
                     "avo_gradient_corr": (s.get("avo_gradient") or {}).get("depth_corr"),
                     "avo_gradient_corr_with_dtc": with_dtc.get("depth_corr")})
    summary = expectations(card)
    if summary and rows:
        rows.append({"well": f"median of {summary.get('wells', len(rows))} wells",
                     "samples": None, "corr_depth": summary.get("ni_depth_corr"),
                     "corr_time": summary.get("ni_time_corr"),
                     "nrms_depth_pct": summary.get("ni_depth_nrms"),
                     "nrms_time_pct": summary.get("ni_time_nrms", _median(
                         [r["nrms_time_pct"] for r in rows])),
                     "base_shift_ms": summary.get("base_shift_ms"),   # median of |shift|
                     "coverage": summary.get("coverage"),
                     "avo_gradient_corr": summary.get("avo_gradient_corr"),
                     "avo_gradient_corr_with_dtc": summary.get("avo_gradient_corr_with_dtc")})
    return rows


def card_figures(card: dict | None) -> dict | None:
    """The card's fit-for-purpose section in brief (the API's model summary): the medians, one
    row of headline figures per held-out well (card_rows' keys), how they were made."""
    ffp = (card or {}).get("fit_for_purpose")
    if not ffp:
        return None
    wells = set(ffp.get("wells") or ())
    return {"summary": expectations(card),
            "wells": {r["well"]: {k: v for k, v in r.items() if k != "well"}
                      for r in card_rows(card) if r["well"] in wells},
            "options": ffp.get("options"), "how": ffp.get("how")}
