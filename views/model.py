"""Model: the ensembles, their members and weights, validation per fold, coverage and cost.

Everything shown is read from the model card that ``python -m sonic_model train`` wrote.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sonic_model.core.errors import SonicModelError
from sonic_model.model.card import (
    blend_rows,
    blend_summary,
    fold_rows,
    format_size,
    interval_rows,
    member_rows,
    nested_rows,
    nested_summary,
    study_rows,
    tradeoff_rows,
)
from sonic_model.model.conditioned import card_rows as conditioned_rows
from sonic_model.model.conditioned import fusion_summary
from sonic_model.model.ensemble import model_name as ensemble_model_name
from sonic_model.model.explain import cv_versus_leaderboard, why_member_beats_ensembles
from sonic_model.model.synth_score import card_rows as card_rows_ffp
from sonic_model.model.synth_score import expectation_line, expectations
from sonic_model.viz.plots import tradeoff_chart

import ui_cache
from views import predict_state

NUM2 = st.column_config.NumberColumn(format="%.2f")


def _numbers(columns: dict[str, tuple[str, str]]) -> dict:
    """A table's number columns: {column: (header, format)} as st.dataframe column_config."""
    return {name: st.column_config.NumberColumn(header, format=fmt)
            for name, (header, fmt) in columns.items()}


def _f(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def _header(card: dict) -> None:
    data = card.get("data", {})
    st.caption(f"Model version **{card.get('model_version', '?')}** · trained on "
               f"{data.get('source', 'PDDA 2020 Well #1')} ({data.get('rows', '?'):,} rows) · "
               f"training file sha256 `{str(data.get('train_sha256', ''))[:12]}…`"
               if isinstance(data.get("rows"), int) else
               f"Model version **{card.get('model_version', '?')}**")


def _tradeoff(card: dict, chosen: str) -> list[dict]:
    st.subheader(f"Memory versus RMSE: {ensemble_model_name(card)}")
    trade = tradeoff_rows(card)
    left, right = st.columns([3, 2])
    with left:
        # Fixed size: the labels are placed in pixels so that none overlaps another.
        st.plotly_chart(tradeoff_chart(trade, highlight=chosen, height=380, width=560),
                        width="content", config={"displayModeBar": False},
                        key="model_tradeoff")
    with right:
        scheme = ("blocked cross-validation on Well #1" if "blocked" in
                  (card.get("validation") or {}) else "leave-one-well-out validation")
        st.markdown(f"Each point is one member or ensemble of the **{ensemble_model_name(card)}** "
                    "model (every one it ships or validated): its peak memory when loaded and "
                    f"predicting, against its contest RMSE (us/ft) in {scheme}. Diamonds are "
                    f"the ensembles; **{chosen}** (dark) is in use. The other bundled model: the "
                    "switch above.")
        why = why_member_beats_ensembles(card)
        if why:
            st.info(why, icon=":material/lightbulb:")
        st.caption(cv_versus_leaderboard(card, chosen))
    return trade


def _ensemble_box(key: str, ens: dict, members: dict, chosen: str) -> None:
    m = ens.get("metrics", {})
    blocked, lowo = m.get("blocked", {}), m.get("lowo", {})
    st.markdown(f"**{ens.get('label', key)}** (`{key}`)" + ("  ← in use" if key == chosen else ""))
    a, b, c = st.columns(3)
    a.metric("Blocked CV", _f(blocked.get("contest")),
             help="Contest RMSE (us/ft) on Well #1 with contiguous blocked folds. "
                  "Not a Well #2 score.")
    b.metric("One well out", _f(lowo.get("contest")),
             help="Contest RMSE (us/ft) with each of the three wells joined in Well "
                  "#1's file held out in turn.")
    c.metric("Size on disk", format_size(ens.get("size_bytes")))
    res = ens.get("resources", {})
    cov = blocked.get("coverage", {})
    st.caption(
        f"DTC {_f(blocked.get('DTC'))} · DTS {_f(blocked.get('DTS'))} us/ft (blocked CV) · "
        "P10–P90 coverage " + " / ".join(f"{k} {v:.0%}" for k, v in cov.items())
        + f" (ideal 80 %) · peak RSS {res.get('peak_rss_mb', '–')} MB · load "
        f"{res.get('load_s', '–')} s · 10k samples in {res.get('predict_10k_s', '–')} s")
    weights = ens.get("weights", {})
    if weights:
        w = pd.DataFrame(weights).rename_axis("member").reset_index()
        w.insert(1, "label", [members.get(k, {}).get("label", k) for k in w["member"]])
        st.dataframe(w, hide_index=True, width="stretch",
                     column_config={"DTC": NUM2, "DTS": NUM2})


def _ensembles(card: dict, chosen: str) -> None:
    ensembles = card.get("ensembles", {})
    members = card.get("members", {})
    st.subheader("Ensembles")
    cols = st.columns(max(1, len(ensembles)))
    for col, (key, ens) in zip(cols, ensembles.items()):
        with col, st.container(border=True):
            _ensemble_box(key, ens, members, chosen)


def _every_model(trade: list[dict]) -> None:
    with st.expander("Size, memory, speed and RMSE of every model"):
        table = pd.DataFrame(trade)[["name", "kind", "size_kb", "peak_rss_mb", "load_s",
                                      "predict_10k_s", "rmse_dtc", "rmse_dts", "rmse_contest",
                                      "rmse_contest_lowo"]] if trade else pd.DataFrame()
        st.dataframe(table, hide_index=True, width="stretch", column_config=_numbers({
            "size_kb": ("size kB", "%.0f"), "peak_rss_mb": ("RAM MB", "%.0f"),
            "load_s": ("load s", "%.2f"), "predict_10k_s": ("10k pred s", "%.2f"),
            "rmse_dtc": ("DTC", "%.2f"), "rmse_dts": ("DTS", "%.2f"),
            "rmse_contest": ("contest", "%.2f"), "rmse_contest_lowo": ("contest LOWO", "%.2f"),
        }))


def _folds(card: dict) -> str:
    """Validation per fold; returns the scheme the user picked."""
    st.subheader("Validation per fold")
    val = card.get("validation", {})
    folds = val.get("blocked", {}).get("folds", [])
    wells_ = val.get("lowo", {}).get("wells", [])
    st.caption(f"Blocked: {val.get('blocked', {}).get('k', len(folds))} contiguous folds along "
               f"Well #1 (rows {', '.join(f'{a:,}–{b:,}' for a, b in folds)}). Neighbouring "
               "0.1 m samples are near-duplicates, so shuffled folds would flatter every "
               "model. Leave-one-well-out: the three wells joined in the training file (rows "
               f"{', '.join(f'{a:,}–{b:,}' for a, b in wells_)}).")
    scheme = st.segmented_control("Scheme", ["blocked", "lowo"], default="blocked",
                                  format_func={"blocked": "Blocked folds",
                                               "lowo": "Leave one well out"}.get,
                                  key="fold_scheme") or "blocked"
    wide = fold_rows(card, scheme)
    if not wide:
        st.caption("The card holds no per-fold figures.")
        return scheme
    table = pd.DataFrame(wide)
    fold_cols = [c for c in table.columns if c.startswith("fold ")]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: NUM2 for c in fold_cols})
    with st.expander("DTC and DTS per fold"):
        st.dataframe(pd.DataFrame(fold_rows(card, scheme, long=True)), hide_index=True,
                     width="stretch", column_config={"DTC": NUM2, "DTS": NUM2, "contest": NUM2})
    return scheme


def _intervals(card: dict, scheme: str) -> None:
    intervals = interval_rows(card, "full", scheme)
    if not intervals:
        return
    st.subheader("Where the error sits")
    st.caption("Held-out figures of the full ensemble per fold, per measured Vp/Vs band and "
               "per DTC band (same scheme as above): RMSE and bias (predicted − measured) "
               "in us/ft, the share of measured values inside P10–P90, and the median band "
               "width. Shear fails in slow, high-Vp/Vs rock; the band widens there. Every "
               "figure here is over the held-out rows with **both** DTC and DTS measured (a "
               "Vp/Vs band needs both), so a fold where the two logs rarely overlap has few "
               "rows here and many more in the bands table below, which scores each log on "
               "every row where that log is measured.")
    st.dataframe(pd.DataFrame(intervals), hide_index=True, width="stretch",
                 column_config={c: NUM2 for c in intervals[0]
                                if c.endswith(("rmse", "bias", "coverage"))})


def _nested_bands(card: dict) -> None:
    """The full ensemble's P10-P90 per held-out fold, calibrated without that fold (nested)."""
    rows = nested_rows(card)
    if not rows:
        return
    st.subheader("Bands on held-out wells, out of sample")
    st.caption("For each held-out fold (well, or contiguous block) the full ensemble's band is "
               "recalibrated without that fold's rows, then scored on it: the share of measured "
               "values inside P10–P90 (ideal 80 %), the share beyond 3 sigma of the band "
               "(sigma = P10–P90 width / 2.563), and the share beyond 3 sigma that no QC flag "
               "warns about (unfamiliar log combination, outside training range, washout). "
               "'in sample' is the shipped band on the same rows: it was calibrated on them, "
               "so it is not a test. 'rows with DTC' / 'rows with DTS': the held-out rows "
               "where that log is measured, each log on its own rows (the table above counts "
               "only rows with both).")
    summary = nested_summary(card)
    if summary:
        st.markdown(summary)
    shares = [c for c in rows[0] if c.endswith(("coverage", "in sample", "sigma"))]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="nested_bands",
                 column_config={c: st.column_config.NumberColumn(c, format="percent")
                                for c in shares})


FIT_NUMBERS = {
    "samples": ("samples", "%d"),
    "corr_depth": ("synthetic corr., depth", "%.2f"),
    "corr_time": ("synthetic corr., time", "%.2f"),
    "nrms_depth_pct": ("NRMS depth %", "%.0f"),
    "nrms_time_pct": ("NRMS time %", "%.0f"),
    "base_shift_ms": ("shift at base (ms)", "%+.1f"),
    "coverage": ("inside P10–P90", "percent"),
    "avo_gradient_corr": ("AVO gradient corr.", "%.2f"),
    "avo_gradient_corr_with_dtc": ("AVO gradient corr., measured DTC", "%.2f"),
}
FIT_COLUMNS = {"well": st.column_config.TextColumn("held-out well"), **_numbers(FIT_NUMBERS)}
MISSING = "—"


def _cell_text(value, fmt: str) -> str:
    if value is None or pd.isna(value):
        return MISSING
    return f"{value:.0%}" if fmt == "percent" else fmt % value


def _dash_missing(table: pd.DataFrame, numbers: dict[str, tuple[str, str]],
                  config: dict) -> tuple[pd.DataFrame, dict]:
    """A number column with an empty cell as right-aligned text, the empty cell "—": the grid
    draws a missing number as the word "None" (the median row has no sample count)."""
    table, config = table.copy(), dict(config)
    for col, (header, fmt) in numbers.items():
        if col in table.columns and table[col].isna().any():
            table[col] = [_cell_text(v, fmt) for v in table[col]]
            config[col] = st.column_config.TextColumn(header, alignment="right")
    return table, config


def _fit_for_purpose(card: dict) -> None:
    """The card's synthetic/AVO figures over held-out wells: what the Seismic page and `synth`
    quote as "what to expect without sonic"."""
    st.subheader("Fit for purpose: well ties and AVO from predicted logs")
    rows = card_rows_ffp(card)
    if not rows:
        st.caption(expectation_line(None) + ".")
        return
    o = (card.get("fit_for_purpose") or {}).get("options") or {}
    wavelet = f"{o.get('wavelet', 'ricker')} {','.join(f'{f:g}' for f in o.get('freq', [30]))} Hz"
    st.markdown(
        "On each well held out of this model's training, the synthetic seismogram "
        f"(normal incidence, {wavelet} wavelet) made from the **predicted** sonic is compared "
        "with the one made from the **measured** sonic, with the same density. Correlation 1 "
        "is identical, 0 unrelated; NRMS 0 % is identical, about 141 % unrelated. *Depth*: "
        "each synthetic at its own time-depth, as a depth-domain interpretation sees it. "
        "*Time*: both on one time axis, as a tie without a checkshot sees it — the predicted "
        "DTC's drift moves events (*shift at base*, predicted minus measured two-way time), so "
        "give a checkshot for a tie. *Inside P10–P90*: share of samples where the measured-log "
        "synthetic lies in the predicted band. *AVO gradient*: Shuey's gradient, limited by "
        "the predicted shear; *with measured DTC*: the same from the well's measured DTC with "
        "the shear predicted from it, held out as shipped (the usual well: DTC logged, no "
        "shear). The last row holds the medians (of the absolute shift).")
    table, config = _dash_missing(pd.DataFrame(rows), FIT_NUMBERS, FIT_COLUMNS)
    st.dataframe(table, hide_index=True, width="stretch", column_config=config,
                 key="fit_for_purpose")
    line = expectation_line(expectations(card))
    st.caption(line[0].upper() + line[1:] + ". The Seismic page and `synth` quote these "
               "medians on wells without sonic.")


def _blend(card: dict) -> None:
    """auto on contest's field: contest's DTC averaged with north-sea's trees, held out."""
    rows = blend_rows(card)
    if not rows:
        return
    st.subheader("auto on contest's field: both models' DTC averaged")
    st.caption("Each of Well #1's wells held out by both models; the weight is chosen on the "
               "other wells only (nested). 'alone': contest by itself, 'blended': what auto "
               "gives a well it picks contest for. Coverage is the share inside P10–P90 "
               "(ideal 80 %); beyond 3 sigma: sigma = P10–P90 width / 2.563.")
    st.markdown(blend_summary(card) or "")
    shares = [c for c in rows[0] if "coverage" in c or "sigma" in c]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="auto_blend",
                 column_config={**{c: st.column_config.NumberColumn(c, format="percent")
                                   for c in shares},
                                **{c: NUM2 for c in rows[0] if "RMSE" in c or "score" in c}})


def _members_and_studies(card: dict) -> None:
    st.subheader("Members")
    st.dataframe(pd.DataFrame(member_rows(card)), hide_index=True, width="stretch",
                 column_config={"DTC": NUM2, "DTS": NUM2, "contest": NUM2})
    st.subheader("Design studies")
    st.caption("Choices settled by validation and re-measured on every training run: how shear "
               "is predicted, and whether PE helps (it is dead in the third well joined in "
               "Well #1, so its presence tells a model which well it is in). Contest RMSE "
               "(us/ft) of single members on held-out rows with all curves.")
    studies = study_rows(card)
    if studies:
        st.dataframe(pd.DataFrame(studies), hide_index=True, width="stretch",
                     column_config={"blocked pooled": NUM2, "lowo pooled": NUM2})
    else:
        st.caption("The card holds no studies.")
    shear = conditioned_rows(card)
    if shear:
        st.subheader("Shear from a measured DTC")
        st.caption("Held-out DTS RMSE (us/ft) where the well has a valid measured DTC: the "
                   "DTC-conditioned members against the logs alone (an XGBoost) and the "
                   "mudrock / Greenberg–Castagna relations on the same DTC, on the same rows; "
                   "the model's own logs-only ensemble and the two routes fused by their bands; "
                   "'learnt only' is the conditioned route without the mudrock line it leans on "
                   "in slow, soft rock; 'beyond 3 sigma' is the share of the fold's samples "
                   "outside 3 sigma of the band as shipped, calibrated without that fold.")
        st.dataframe(pd.DataFrame(shear), hide_index=True, width="stretch")
        if fusion_summary(card):
            st.caption(fusion_summary(card))


def _files_and_licence(card: dict) -> None:
    with st.expander("Artifact files and checksums"):
        files = card.get("files", {})
        st.dataframe(pd.DataFrame([{"file": k, "bytes": v.get("bytes"), "sha256": v.get("sha256")}
                                   for k, v in files.items()]), hide_index=True, width="stretch")
        st.caption("Every file is checked against its sha256 when the ensemble loads.")
    data = card.get("data", {})
    if data.get("licence") or data.get("attribution"):
        st.caption(f"{data.get('attribution', '')} Licence: {data.get('licence', '')}. "
                   f"Source: {data.get('url', '')}")


def _which_model(used: dict | None, in_use: str, shown: str) -> None:
    """Which model predicted the well on Predict, so that this page's figures are read against
    the model a well really used (auto picks per well; Seismic quotes that model's card)."""
    if used is not None:
        how = f" ({used['reason']})" if used.get("reason") else ""
        blend = (f"; its DTC blended with north-sea's trees ({used['blend']}), held-out "
                 "figures in 'auto on contest's field' below" if used.get("blend") else "")
        other = "" if used["model"] == shown else f" This page now shows **{shown}**'s card."
        st.info(f"**{used['well']}** (on Predict) was predicted by **{used['model']}**"
                f"{how}{blend}.{other}", icon=":material/alt_route:")
    elif in_use == "auto":
        st.caption(f"Showing **{shown}**'s card. With auto each well gets its own model: "
                   "predict a well on Predict and this page opens on the model it used.")


def render() -> None:
    st.title("The model")
    try:
        card = ui_cache.get_card()
    except SonicModelError as exc:
        st.error(str(exc))
        return
    cards = ui_cache.bundled_cards()
    in_use = ui_cache.current_ensemble()
    used = predict_state.predicted_model(in_use)
    default = (used or {}).get("model", in_use)
    shown = st.segmented_control(
        "Bundled model", list(cards) or ["contest"], key="model_page_card",
        default=default if default in cards else "contest",
        help="contest: Well #1 only. north-sea: Well #1 and nine FORCE 2020 wells. With "
             "'auto' each well gets the one it is closest to.") or "contest"
    _which_model(used, in_use, shown)
    card = cards.get(shown, card)
    chosen = "full"
    _header(card)
    trade = _tradeoff(card, chosen)
    _ensembles(card, chosen)
    _every_model(trade)
    scheme = _folds(card)
    _intervals(card, scheme)
    _nested_bands(card)
    _fit_for_purpose(card)
    _blend(card)
    _members_and_studies(card)
    _files_and_licence(card)
