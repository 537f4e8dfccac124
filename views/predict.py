"""Predict: drop a well, check the curve mapping, see the tracks, judge, download.

Widgets and layout only. Reading, mapping, predicting and writing are sonic_model's (through
the cached doors in ui_cache); figures come from sonic_model.viz.plots; scores from metrics.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import streamlit as st

from sonic_model.core import curves as C
from sonic_model.core import metrics
from sonic_model.core.digest import sha256_bytes
from sonic_model.core.errors import SonicModelError
from sonic_model.core.qc import QC_DESCRIPTIONS, QC_OK, count_reasons
from sonic_model.model import advice, explain
from sonic_model.model.card import in_sample_note
from sonic_model.viz import plots

import ui_cache
from views import predict_state, shear_section

NONE = "— not used —"
DEMO_LABEL = "Try the contest blind well"
UPLOAD_TYPES = ["las", "csv", "txt", "dlis", "lis"]
# Canonical curves offered in the mapping editor: the inputs, then measured sonic for scoring.
MAPPABLE = C.INPUTS + C.TARGETS
MAP_COLUMNS = 4
SCALE_OPTIONS = {"fixed": "Print scales", "auto": "Fit to this well"}


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


# --------------------------------------------------------------------------- choosing a file

def _remember_upload(key: str) -> None:
    """on_change of the uploader: keep the file (or forget it when the user clears it).

    Streamlit drops the widget state of a page that is not shown, so the uploader comes back
    empty after a visit to another page; the remembered copy keeps the well on screen. A
    fresh uploader (after a page switch) fires no on_change, a user's clear does.
    """
    f = st.session_state.get(key)
    if f is None:
        st.session_state.pop("uploaded", None)
    else:
        st.session_state.uploaded = {"name": f.name, "data": f.getvalue(), "origin": "upload"}
        st.session_state.pop("demo", None)


def _forget_upload() -> None:
    st.session_state.pop("uploaded", None)
    st.session_state.uploader_gen += 1  # empties the uploader too, should it hold the file


def choose_source() -> dict | None:
    """The well to show: the uploaded file (kept across pages), else the demo well if loaded."""
    st.session_state.setdefault("uploader_gen", 0)
    key = f"uploader_{st.session_state.uploader_gen}"
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        upload = st.file_uploader(
            "Well file (LAS 1.2/2.0/3.0, CSV, TXT, DLIS or LIS)", type=UPLOAD_TYPES, key=key,
            on_change=_remember_upload, args=(key,),
            help="Curves are recognised by mnemonic (RHOB, NPHI, ILD, …) and converted to "
                 "canonical units; you can change the mapping below.")
    with right:
        st.caption("No file at hand?")
        demo_clicked = st.button(DEMO_LABEL, type="primary", icon=":material/science:",
                                 help="Loads Well #2's inputs (the contest's blind well, "
                                      "no depth) from the contest data; on a "
                                      "fresh machine downloads the public archive first.")
    if demo_clicked:
        try:
            with st.spinner("Loading the contest's blind well (downloading the public archive "
                            "if this machine lacks it)…"):
                name, data = ui_cache.demo_well()
        except SonicModelError as exc:
            st.error(f"Could not load the contest well: {exc}\n\nIf this machine is offline, "
                     "copy train.csv and test.csv from the PDDA 2020 archive into a folder and "
                     "set SONIC_DATA_DIR to it (or run `python -m sonic_model fetch-data` "
                     "where there is a connection), then try again.")
            return None
        st.session_state.demo = {"name": name, "data": data, "origin": "demo"}
        st.session_state.pop("uploaded", None)
        # A new key empties the uploader from the next run on, so the demo stays in view.
        st.session_state.uploader_gen += 1
        return st.session_state.demo
    if upload is not None:
        _remember_upload(key)  # also when on_change did not run (a session restored, tests)
        return st.session_state.uploaded
    kept = st.session_state.get("uploaded")
    if kept is not None:
        with left:
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.caption(f":material/description: Showing **{kept['name']}**, uploaded earlier "
                       "in this session. Drop another file to replace it.")
            c2.button("Clear", key="clear_upload", on_click=_forget_upload,
                      icon=":material/close:", help="Forget this file.")
        return kept
    return st.session_state.get("demo")


def frame_picker(data: bytes, name: str, digest: str) -> tuple[str | None, bool]:
    """A DLIS/LIS upload with several depth-indexed frames: the frame to read (None = the
    reader's choice) and whether to resample other frames' curves onto it. (None, False) for
    LAS/CSV and single-frame files."""
    try:
        choices, default = ui_cache.frame_choices(data, name)
    except SonicModelError:
        return None, False      # the read below shows the problem
    if len(choices) < 2:
        return None, False
    keys = [c["key"] for c in choices]
    labels = {c["key"]: c["label"] + (" — default" if c["key"] == default else "")
              for c in choices}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        "Frame", keys, index=keys.index(default) if default in keys else 0,
        format_func=labels.get, key=f"frame_{digest}",
        help="This file holds several depth-indexed frames (e.g. a 6-inch frame beside a "
             "high-rate one). The default is the frame with the most model inputs.")
    resample = right.checkbox(
        "Resample other frames", key=f"resample_{digest}",
        help="Interpolate model curves that only another frame has onto this frame's depth "
             "(the reader notes say which).")
    return (None if picked == default else picked), resample


# --------------------------------------------------------------------------- mapping editor

def mapping_editor(auto, digest: str) -> tuple[tuple[str, str], ...] | None:
    """A select box per canonical curve, preset from auto-recognition; None = unchanged."""
    depth_mn = auto.report.depth["mnemonic"] if auto.report.depth else None
    options = [NONE] + [str(c) for c in auto.original.columns if c != depth_mn]
    preset = {k: v["mnemonic"] for k, v in auto.report.used.items()}
    units = {c["mnemonic"]: c.get("unit", "") for c in auto.header.get("curves", [])}
    missing_req = auto.missing_required
    with st.expander("Curve mapping" + (f" — required curve(s) missing: "
                                         f"{', '.join(missing_req)}" if missing_req else ""),
                     expanded=bool(missing_req)):
        st.caption("Preset by mnemonic recognition. Change a box to use another curve; the "
                   "file is re-read and predictions follow. DTC/DTS: measured sonic, used only "
                   "for scoring.")
        chosen: dict[str, str] = {}
        # Rows of MAP_COLUMNS boxes, inputs first, then measured sonic: nine boxes in one row
        # were too narrow for "HRD (ohm.m)" or "— not used —".
        rows = [C.INPUTS[i:i + MAP_COLUMNS] for i in range(0, len(C.INPUTS), MAP_COLUMNS)]
        for row in rows + [C.TARGETS]:
            cols = st.columns(MAP_COLUMNS)
            for col, canon in zip(cols, row):
                curve = C.CURVES[canon]
                tag = {"required": "required", "optional": "optional",
                       "target": "measured"}[curve.role]
                default = preset.get(canon, NONE)
                with col:
                    value = st.selectbox(
                        f"{canon} · {tag}", options,
                        index=options.index(default) if default in options else 0,
                        key=f"map_{digest}_{canon}",
                        format_func=lambda o: o if o == NONE or not units.get(o)
                        else f"{o} ({units[o]})",
                        help=f"{curve.description}, canonical unit {curve.unit}.")
                chosen[canon] = "" if value == NONE else value
        st.dataframe(pd.DataFrame(auto.report.as_rows()), hide_index=True, width="stretch",
                     key=f"report_{digest}")
        if auto.report.ignored:
            st.caption("Ignored: " + ", ".join(f"{i['mnemonic']} ({i['reason']})"
                                               for i in auto.report.ignored[:30]))
    if all(chosen[c] == preset.get(c, "") for c in MAPPABLE):
        return None
    return tuple(sorted(chosen.items()))


# --------------------------------------------------------------------------- summaries

def header_summary(well) -> None:
    h = well.header
    n = len(well)
    st.subheader(str(h.get("WELL") or well.name), help=f"File: {well.source}")
    cols = st.columns(5)
    cols[0].metric("Samples", f"{n:,}")
    if well.depth is not None and n:
        d = well.depth
        step = float(np.nanmedian(np.diff(d))) if n > 1 else float("nan")
        cols[1].metric(f"Top ({well.depth_unit})", f"{np.nanmin(d):,.1f}")
        cols[2].metric(f"Bottom ({well.depth_unit})", f"{np.nanmax(d):,.1f}")
        cols[3].metric("Step", f"{step:.4g} {well.depth_unit}" if math.isfinite(step) else "–")
    else:
        cols[1].metric("Depth", "none", help="No depth curve: rows are shown by sample number "
                       "and taken as consecutive samples 0.1 m apart (the contest layout).")
    cols[4].metric("Inputs mapped", f"{sum(c in well.curves for c in C.INPUTS)} / {len(C.INPUTS)}",
                   help="Measured sonic: " + (", ".join(t for t in C.TARGETS if t in well.curves)
                                              or "none"))
    facts = {k: h.get(k) for k in ("COMP", "FLD", "LOC", "UWI", "API", "SRVC", "DATE", "format",
                                   "encoding") if h.get(k) not in (None, "")}
    if facts:
        st.caption(" · ".join(f"**{k}** {v}" for k, v in facts.items()))
    if well.report.warnings:
        with st.expander(f"Reader notes ({len(well.report.warnings)})"):
            for w in well.report.warnings:
                st.markdown(f"- {w}")


def qc_summary(result: pd.DataFrame) -> None:
    """QC counts over the predicted samples (explain.predicted_rows, the advice's base); the
    samples never predicted (a required input missing) are counted apart, not as a QC reason
    of a prediction that does not exist."""
    predicted = explain.predicted_rows(result["QC"])
    counts = count_reasons(result["QC"][predicted])
    counts.pop("missing input", None)
    parts = [f"**{counts.pop(QC_OK):,}** OK"] + [f"**{k:,}** {r}" for r, k in counts.items()]
    skipped = int((~predicted).sum())
    st.caption(f"QC of the {int(predicted.sum()):,} predicted samples: " + " · ".join(parts)
               + (f". **{skipped:,}** samples not predicted (a required input is missing)."
                  if skipped else ""),
               help="\n\n".join(f"**{r}**: {d}" for r, d in QC_DESCRIPTIONS.items()))


def depth_window(well, digest: str) -> np.ndarray:
    """Boolean row mask of the selected depth (or sample) range.

    No slider when there is nothing to choose (one row, or every depth the same): all rows.
    Rows without depth cannot be placed on the log; they count in scores and QC while the
    slider spans the whole well and drop out once it is narrowed (a caption says so).
    """
    n = len(well)
    if n < 2:
        return np.ones(n, dtype=bool)
    if well.depth is None:
        lo, hi = st.slider("Sample range", 0, n - 1, (0, n - 1), key=f"range_{digest}")
        idx = np.arange(n)
        return (idx >= lo) & (idx <= hi)
    d = np.asarray(well.depth, dtype=float)
    has_depth = np.isfinite(d)
    no_depth = int(n - has_depth.sum())
    if not has_depth.any():
        st.caption("No row has a depth value: every row is shown and scored.")
        return np.ones(n, dtype=bool)
    dmin, dmax = float(d[has_depth].min()), float(d[has_depth].max())
    if not (math.isfinite(dmin) and math.isfinite(dmax)) or dmax <= dmin:
        st.caption(f"Every row is at {dmin:,.1f} {well.depth_unit}: no depth range to "
                   "choose; all rows are shown and scored.")
        return np.ones(n, dtype=bool)
    step = float(np.nanmedian(np.abs(np.diff(d[has_depth]))))
    if not math.isfinite(step) or step <= 0:
        step = 0.5
    # At most a few thousand slider stops; Streamlit insists on floats throughout.
    step = float(max(step, 10.0 ** math.floor(math.log10(max(dmax - dmin, 1e-9)) - 3)))
    lo, hi = st.slider(f"Depth range ({well.depth_unit})", dmin, dmax, (dmin, dmax),
                       step=step, format="%.1f", key=f"range_{digest}")
    mask = (d >= lo - 1e-9) & (d <= hi + 1e-9)
    full = lo <= dmin + 1e-9 and hi >= dmax - 1e-9
    if no_depth:
        if full:
            mask |= ~has_depth
        st.caption(f"{no_depth:,} row(s) have no depth: not drawn on the tracks; "
                   + ("counted in QC and scores over the whole well." if full else
                      "left out of QC and scores while the depth range is narrowed."))
    return mask


def downloads(well, result: pd.DataFrame, stem: str, ensemble: str) -> None:
    from sonic_model import io as wells

    # Callables: files are written only when asked for, so drawing the tracks never waits
    # for the LAS writer.
    c1, c2, _ = st.columns([1, 1, 4])
    csv_name, las_name = f"{stem}_sonic_{ensemble}.csv", f"{stem}_sonic_{ensemble}.las"
    with c1:
        st.download_button("Download CSV", data=lambda: wells.write_csv(well, result),
                           file_name=csv_name, mime="text/csv", help=f"Saves {csv_name}",
                           icon=":material/download:", on_click="ignore", key="dl_csv")
    with c2:
        st.download_button("Download LAS", data=lambda: wells.write_las(well, result),
                           file_name=las_name, mime="text/plain", help=f"Saves {las_name}",
                           icon=":material/download:", on_click="ignore", key="dl_las")


def trust_notice(result: pd.DataFrame, choice: str) -> None:
    """A prominent verdict when most of the well is flagged or unlike the training data,
    with advice that fits this model and this well (model.advice)."""
    model = result.attrs.get("model") or choice
    try:
        card = getattr(ui_cache.get_ensemble(model), "card", None) or {}
    except SonicModelError:
        card = {}
    verdict = advice.well_advice(
        result, model=model, own=bool(card.get("own")),
        validated=advice.validated_from_card(card, result.attrs.get("ensemble", "full")),
        conditioned_rmse=advice.conditioned_rmse_from_card(card))
    if verdict.level == "untrusted":
        st.error(f"**{verdict.headline}**\n\n{verdict.advice}", icon=":material/gpp_bad:")
    elif verdict.level == "caution":
        st.warning(f"{verdict.headline}\n\n{verdict.advice}", icon=":material/warning:")


def _scores_row(scores: dict, in_sample: bool) -> None:
    cols = st.columns(7)
    i = 0
    for curve in C.TARGETS:
        if curve not in scores:
            continue
        s = scores[curve]
        cols[i].metric(f"{curve} RMSE", f"{s['rmse']:.2f}", help=f"us/ft, n = {s['n']:,}")
        cols[i + 1].metric(f"{curve} MAE", f"{s['mae']:.2f}", help="us/ft")
        cols[i + 2].metric(f"{curve} R²", "–" if not math.isfinite(s["r2"]) else f"{s['r2']:.3f}")
        i += 3
    if "contest" in scores:
        cols[6].metric("Combined RMSE" + (" (in-sample)" if in_sample else ""),
                       f"{scores['contest']['rmse']:.2f}",
                       help=("In-sample: the model was trained on this well. " if in_sample
                             else "")
                       + "us/ft: √((ΣΔDTC² + ΣΔDTS²) / 2n) over rows with both curves "
                            f"measured (n = {scores['contest']['n']:,}), the contest's formula "
                            "applied to this well.")


def measured_section(curves: pd.DataFrame, result: pd.DataFrame, in_sample: bool = False) -> None:
    """Scores against the well's own sonic, with how many samples they rest on and how many
    of those are flagged: this well's figures, not a leaderboard entry."""
    scores = metrics.sonic_metrics(curves, result)
    if not scores:
        return
    st.subheader("Against this well's measured sonic"
                 + (" — in-sample (training well)" if in_sample else ""))
    ctx = explain.score_context(curves, result)
    c1, c2, c3 = st.columns([1, 1, 3])
    c1.metric(f"Samples scored (of {ctx.samples:,})", f"{ctx.scored:,}",
              help="Samples in the selected range with measured sonic and a prediction.")
    c2.metric("QC-flagged among them", f"{ctx.flagged_share:.0%}", help=f"{ctx.flagged:,} samples")
    c3.caption(("In-sample scores: the models were fitted on these very rows, so they say how "
                "well the models fit this well, not how they do on a new well (see the Model "
                "page for held-out figures). " if in_sample else "")
               + "RMSE, MAE and R² in us/ft on this well only: they depend on its rocks and "
               "on how much of it is flagged, so compare them with other wells' scores, not "
               "with the contest leaderboard (Well #2) or the cross-validation figures.")
    _scores_row(scores, in_sample)
    if ctx.flagged and ctx.ok_scores:
        parts = [f"{t} {ctx.ok_scores[t]['rmse']:.2f}" for t in C.TARGETS if t in ctx.ok_scores]
        st.caption(f"On the QC-OK samples only ({ctx.scored - ctx.flagged:,}): RMSE "
                   + " · ".join(parts) + " us/ft.")
    xp = st.columns(2)
    for col, curve in zip(xp, [c for c in C.TARGETS if c in scores]):
        with col:
            st.plotly_chart(plots.pred_vs_measured(curves[curve], result[f"{curve}_PRED"], curve,
                                                   result["QC"]),
                            width="stretch", key=f"xp_{curve}")


def show_tracks(slot, fig, key: str, name: str) -> None:
    slot.plotly_chart(fig, width="stretch", key=key, config={
        "scrollZoom": True, "displaylogo": False,
        "toImageButtonOptions": {"filename": f"{name}_tracks", "scale": 2}})


def predicted(well, source: tuple, ensemble: str, show_inputs) -> pd.DataFrame | None:
    """The prediction for this well (None when required curves are missing or it fails, with
    the message), the model choice and the verdict. ``source``: (data, name, mapping, frame,
    resample) as read. A well not yet predicted in this session first has ``show_inputs()``
    draw its input logs, so they are on screen while the models run (and the browser has
    loaded its charting code when the predicted tracks arrive)."""
    if well.missing_required:
        st.warning(f"Required curve(s) {', '.join(well.missing_required)} not mapped: choose "
                   "them in Curve mapping above and the prediction runs by itself. The tracks "
                   "below show the inputs only.")
        return None
    data, name, mapping, frame, resample = source
    extras = shear_section.options(well)
    seen = st.session_state.setdefault("predicted_keys", set())
    key = (_digest(data), mapping, ensemble, extras, frame, resample)
    if key not in seen:
        show_inputs()
    try:
        with st.spinner(f"Predicting DTC and DTS with the {ensemble} model…"):
            result = ui_cache.predict(data, name, mapping, ensemble, extras, frame, resample)
    except SonicModelError as exc:
        st.error(str(exc))
        return None
    seen.add(key)
    predict_state.remember_model(data, name, ensemble, result.attrs)   # the Model page's default
    if result.attrs.get("model_reason"):      # "auto": which bundled model, and why
        st.caption(f":material/alt_route: Model {result.attrs['model_reason']}")
    trust_notice(result, ensemble)
    return result


# --------------------------------------------------------------------------- the page

def render() -> None:
    st.title("Predict sonic logs")
    source = choose_source()
    if source is None:
        st.info("Drop a LAS, CSV, DLIS or LIS well above (CNC, GR, HRD and ZDEN are "
                "required; CAL and HRM are used when present), or try the contest's blind "
                "well.")
        return
    data, name = source["data"], source["name"]
    digest = _digest(data)
    predict_state.restore_frame(data)           # as chosen before a visit to another page
    frame, resample = frame_picker(data, name, digest)
    if frame is not None or resample:   # another frame is another table: fresh mapping boxes
        digest = f"{digest}_{frame}_{int(resample)}"
    try:
        with st.spinner(f"Reading {name}…"):
            auto = ui_cache.read_well(data, name, None, frame, resample)
    except SonicModelError as exc:
        st.error(str(exc))
        return
    predict_state.restore_mapping(data, digest)
    mapping = mapping_editor(auto, digest)
    predict_state.remember(data, mapping, frame, resample)     # the Seismic page reads it so
    well = auto
    if mapping is not None:
        try:
            with st.spinner("Re-reading with your mapping…"):
                well = ui_cache.read_well(data, name, mapping, frame, resample)
        except SonicModelError as exc:
            st.error(str(exc))
            return
    if source["origin"] == "demo":
        st.caption(":material/science: Contest blind well, Well #2 inputs. No depth column: "
                   "tracks show sample number. Its measured sonic was never published, so no "
                   "scores here; the Vp–Vs crossplot is the check.")
    try:
        note = in_sample_note(sha256_bytes(data),
                              ui_cache.training_cards(ui_cache.current_ensemble()))
    except SonicModelError:
        note = None  # no card: the prediction below reports the missing models
    in_sample = note is not None
    if in_sample:
        st.warning(note[0].upper() + note[1:], icon=":material/warning:")
    header_summary(well)

    ensemble = ui_cache.current_ensemble()
    status = st.container()     # the shear switches, the prediction's spinner and verdict
    mask = depth_window(well, digest)
    view = well.curves.loc[mask]
    depth = well.depth[mask] if well.depth is not None else np.flatnonzero(mask)
    dl_row, qc_row = st.container(), st.container()
    scales = st.segmented_control(
        "Track scales", list(SCALE_OPTIONS), default="fixed", format_func=SCALE_OPTIONS.get,
        key="track_scales", help="Print scales: the conventional fixed scales (GR 0–150, "
        "DTC 140–40, DTS 240–40 us/ft, …), the same for every well. Fit to this well: scales "
        "from the well's own values.") or "fixed"
    slot = st.empty()
    draw = lambda fig, key: show_tracks(slot, fig, key, name)
    with status:
        result = predicted(well, (data, name, mapping, frame, resample), ensemble,
                           lambda: draw(plots.depth_tracks(view, None, depth, scales=scales,
                                                           depth_unit=well.depth_unit),
                                        "tracks_inputs"))
    if result is not None:
        with qc_row:
            qc_summary(result.loc[mask])
    draw(plots.depth_tracks(view, None if result is None else result.loc[mask], depth,
                            depth_unit=well.depth_unit, scales=scales), "tracks")
    if result is None:
        return
    with dl_row:
        downloads(well, result, name.rsplit(".", 1)[0] or "well", ensemble)
    measured_section(view, result.loc[mask], in_sample)
    st.subheader("Vp–Vs sanity check")
    st.plotly_chart(plots.vp_vs_crossplot(result.loc[mask], view, depth,
                                          depth_unit=well.depth_unit),
                    width="stretch", key="vpvs")
    shear_section.render(view, result.loc[mask], depth, well.depth_unit)
