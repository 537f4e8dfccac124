"""Seismic: a synthetic seismogram, angle gather, AVO crossplot and fluid substitution from the
well chosen on Predict (or dropped here), with P10/P90 from the predicted logs' bands, and how
far a predicted log can be trusted for the job (this well's scores, the model card's figures).
The well is read as Predict reads it (its mapping, frame and resampling: views.predict_state)
with the sidebar's model, and the page says which.

Widgets and layout only: the work is model.synth.synth_well through ui_cache.synth, the figures
come from sonic_model.viz.seismic, the files from model.synth_export (the CLI's and API's).
"""

from __future__ import annotations

import streamlit as st

from sonic_model.core.errors import SonicModelError
from sonic_model.model.synth_export import checkshot_note, csv_bytes, segy_payload
from sonic_model.model.synth_score import score_lines
from sonic_model.viz.seismic import fluid_tracks, intercept_gradient, seismic_tracks

import ui_cache
from views import predict_state

TITLE = "Seismic: synthetic, AVO and fluid substitution"
UPLOAD_TYPES = ["las", "csv", "txt", "dlis", "lis"]


def _well() -> dict | None:
    """The well on Predict (kept in the session), else a file dropped here (then kept for
    Predict too)."""
    kept = st.session_state.get("uploaded") or st.session_state.get("demo")
    if kept is not None:
        return {**kept, "from_predict": True}
    upload = st.file_uploader("Well file (LAS, CSV, TXT, DLIS or LIS) — or choose one on "
                              "Predict", type=UPLOAD_TYPES, key="seismic_upload")
    if upload is None:
        st.info("Drop a well with GR, CNC (neutron), HRD (deep resistivity) and ZDEN "
                "(density), and depth (without one, rows are taken 0.1 m apart, the contest's "
                "layout); measured sonic, where the well has some, is used and scored.")
        return None
    st.session_state.uploaded = {"name": upload.name, "data": upload.getvalue(),
                                 "origin": "upload"}
    return {**st.session_state.uploaded, "from_predict": False}


def _read_as_on_predict(source: dict) -> dict:
    """Predict's mapping, frame and resampling for this file, said on the page."""
    read = predict_state.chosen(source["data"])
    where = "chosen on Predict" if source["from_predict"] else "dropped here"
    line = (f":material/description: Well **{source['name']}** ({where}) · model "
            f"**{ui_cache.current_ensemble()}** (sidebar)")
    try:
        auto = ui_cache.read_well(source["data"], source["name"], None, read["frame"],
                                  read["resample"])
        well = auto if read["mapping"] is None else ui_cache.read_well(
            source["data"], source["name"], read["mapping"], read["frame"], read["resample"])
        line += " · " + predict_state.describe(well, auto, read)
    except SonicModelError:
        pass            # the synth below reads the file again and shows the problem
    st.caption(line + ". Change the curve mapping or frame on Predict; this page follows.")
    return read


# The options as this page names them in its messages: its controls' labels, not CLI flags.
PAGE_NAMES = {"wavelet": '"Wavelet"', "freq": '"Frequency (Hz)"', "angles": '"Angles (degrees)"',
              "realisations": '"Realisations (P10/P90)"', "fluid": '"New pore fluid"',
              "sw": '"Sw after"', "k_mineral": '"Mineral K (GPa)"',
              "rho_mineral": '"Grain density (g/cm³)"'}


def _check(options: tuple) -> None:
    """The synth's own option checks, run here first so a message names this page's label."""
    from sonic_model.model.synth_options import SynthOptions, check_options
    from sonic_model.physics.fluids import FluidSettings

    opts = dict(options)
    fluid = opts.pop("fluid", None)
    check_options(SynthOptions(fluid=FluidSettings(**dict(fluid)) if fluid else None, **opts),
                  PAGE_NAMES)


def _controls() -> tuple[tuple, object]:
    """The options as (key, value) pairs, and the checkshot upload (or None)."""
    c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
    wavelet = c1.selectbox("Wavelet", ["ricker", "ormsby"])
    freq = c2.text_input("Frequency (Hz)", "30" if wavelet == "ricker" else "5,10,40,60",
                         help="Ricker: peak frequency. Ormsby: corners f1,f2,f3,f4.")
    angles = c3.text_input("Angles (degrees)", "0,10,20,30")
    realisations = c4.slider("Realisations (P10/P90)", 0, 200, 100, step=10)
    c5, c6, _ = st.columns([1, 2, 3])
    seed = int(c5.number_input("Seed", 0, 10_000, 0))
    ignore = c6.checkbox("Predicted sonic everywhere (ignore the measured)", False)
    with st.expander("Time-depth and fluid substitution"):
        checkshot = st.file_uploader("Checkshot: depth (m), two-way time (ms)",
                                     type=["csv", "txt"], key="seismic_checkshot",
                                     help="Two columns. A header line may name other units "
                                          "or one-way time, e.g. 'MD (ft), OWT (s)'.")
        f1, f2, f3, f4 = st.columns(4)
        fluid = f1.selectbox("New pore fluid", ["none", "brine", "oil", "gas"],
                             help="Gassmann with Batzle-Wang fluids, porous sands only "
                                  "(docs/seismic.md).")
        sw = f2.slider("Sw after", 0.0, 1.0, 1.0 if fluid == "brine" else 0.2, 0.05,
                       disabled=fluid in ("none", "brine"))
        k_min = f3.number_input("Mineral K (GPa)", 1.0, 200.0, 36.6)
        rho_min = f4.number_input("Grain density (g/cm³)", 1.5, 5.0, 2.65)
    from sonic_model.model.synth_options import parse_number_list

    options = {"wavelet": wavelet, "freq": parse_number_list(freq, PAGE_NAMES["freq"]),
               "angles": parse_number_list(angles, PAGE_NAMES["angles"]),
               "realisations": realisations,
               "seed": seed, "ignore_measured": ignore}
    if fluid != "none":
        options["fluid"] = tuple({"fluid": fluid, "sw": None if fluid == "brine" else sw,
                                  "k_mineral": k_min, "rho_mineral": rho_min}.items())
    return tuple(options.items()), checkshot


def _synth(source: dict, read: dict, options: tuple, checkshot):
    """ui_cache.synth on the well as Predict reads it, with the sidebar's model."""
    return ui_cache.synth(source["data"], source["name"], ui_cache.current_ensemble(), options,
                          checkshot and checkshot.getvalue(), read["mapping"], read["frame"],
                          read["resample"],
                          f"checkshot {checkshot.name}" if checkshot else "checkshot")


def _fit_for_purpose(result) -> None:
    st.subheader("How far the predicted logs can be trusted here")
    scores = result.scores
    in_sample = result.options.get("in_sample")
    if in_sample and scores:     # e.g. a FORCE well from shared/ with north-sea
        st.warning(in_sample[0].upper() + in_sample[1:], icon=":material/warning:")
    if scores and "angles" in scores:
        ni = scores["angles"].get("0") or next(iter(scores["angles"].values()), {})
        grad = scores.get("avo_gradient") or {}
        shear = (scores.get("with_measured_dtc") or {}).get("avo_gradient")
        m = st.columns(6 if shear else 5)
        m[0].metric("Synthetic corr., depth", _f(ni.get("depth_corr")))
        m[1].metric("Synthetic corr., time", _f(ni.get("time_corr")))
        m[2].metric("Shift at base (ms)", f"{scores['base_shift_ms']:+.1f}")
        m[3].metric("Inside P10–P90", _pct(ni.get("coverage")))
        m[4].metric("AVO gradient corr.", _f(grad.get("depth_corr")))
        if shear:
            # The usual well: DTC logged, shear predicted from it.
            m[5].metric("AVO corr., with DTC", _f(shear.get("depth_corr")),
                        help="AVO gradient from the well's measured DTC with the shear "
                             "predicted from it, against the one with its measured DTS")
    for line in score_lines(scores, result.expected):
        st.caption(line)


def _f(x) -> str:
    return "–" if x is None else f"{x:.2f}"


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def _downloads(result, name: str) -> None:
    stem = name.rsplit(".", 1)[0]
    d1, d2 = st.columns(2)
    d1.download_button("Download CSV", csv_bytes(result, stem), f"{stem}_synth.csv",
                       "text/csv", icon=":material/download:")
    d2.download_button("Download SEG-Y", segy_payload(result, stem), f"{stem}_synth.sgy",
                       "application/octet-stream", icon=":material/download:")


def render() -> None:
    st.title(TITLE)
    st.caption("Synthetic seismogram, angle gather and AVO attributes from the logs (measured "
               "sonic where valid, predicted elsewhere), with P10/P90 from realisations of the "
               "predicted logs inside their bands. The same computation as `python -m "
               "sonic_model synth` and `POST /api/v1/synth`.")
    source = _well()
    if source is None:
        return
    read = _read_as_on_predict(source)
    try:
        options, checkshot = _controls()
        _check(options)
        with st.spinner("Predicting, drawing realisations, modelling…"):
            result = _synth(source, read, options, checkshot)
            before = None
            if dict(options).get("fluid"):
                plain = tuple((k, v) for k, v in options if k != "fluid")
                before = _synth(source, read, plain, checkshot).frame
    except SonicModelError as exc:
        st.error(str(exc))
        return
    if result.options.get("model") not in (None, "", ui_cache.current_ensemble()):
        st.caption(f":material/alt_route: Model {result.options['model']}")
    note = checkshot_note(result.options.get("checkshot"))
    if note:
        st.info(note[0].upper() + note[1:], icon=":material/schedule:")
    note = result.options.get("depth_note")
    if note:       # the contest's layout, e.g. its blind well from Predict's demo button
        st.info(note[0].upper() + note[1:], icon=":material/straighten:")
    _fit_for_purpose(result)
    tabs = st.tabs(["Synthetic and angle gather", "Intercept–gradient", "Fluid substitution"])
    with tabs[0]:
        st.plotly_chart(seismic_tracks(result.frame), width="stretch")
    with tabs[1]:
        st.plotly_chart(intercept_gradient(result.frame), width="stretch")
    with tabs[2]:
        if before is None:
            st.info("Choose a new pore fluid under *Time-depth and fluid substitution*.")
        else:
            summary = result.options.get("fluid_summary")
            n = int(result.frame["SUBSTITUTED"].sum())
            st.caption((summary[0].upper() + summary[1:] + " (column FLUID_SUB).") if summary
                       else f"{n} of {len(result.frame)} samples substituted (porous sands); "
                            "shales and tight rock unchanged.")
            st.plotly_chart(fluid_tracks(result.frame, before), width="stretch")
    _downloads(result, source["name"])
