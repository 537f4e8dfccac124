"""Predict page pieces for shear from measured DTC and elastic logs (not a page itself).

options() draws the switches and returns the extras.predict_extended options; render() draws
the shear-route tracks, the elastic tracks and the Vp-Vs crossplot by route. Figures come
from sonic_model.shear_figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sonic_model.core.columns import SOURCE_CONDITIONED
from sonic_model.model.explain import predicted_rows
from sonic_model.viz import shear as shear_figures


def options(well) -> tuple[str, ...]:
    has_dtc = "DTC" in well.curves.columns and well.curves["DTC"].notna().any()
    c1, c2, c3 = st.columns(3)
    use = c1.toggle("Use the measured DTC for shear", value=True, disabled=not has_dtc,
                    key="use_measured",
                    help="Where the well's measured DTC is valid (present, in range, no cycle "
                         "skip, no washout), DTS comes from the logs plus that DTC; elsewhere "
                         "from the logs alone. DTC is always predicted from the logs."
                         + ("" if has_dtc else " This well has no measured DTC."))
    elastic = c2.toggle("Elastic logs", value=False, key="elastic",
                        help="VP, VS, Vp/Vs, Poisson's ratio, impedances and dynamic moduli from "
                             "the best sonic per sample (measured where valid, else predicted).")
    splice = c3.toggle("Splice measured and predicted", value=False, key="splice",
                       help="DTC_SPLICE / DTS_SPLICE: measured where valid, predicted elsewhere; "
                            "in the downloads with a SPLICE_SOURCE flag.")
    chosen = [] if use else ["ignore_measured"]
    return tuple(chosen + (["elastic"] if elastic else []) + (["splice"] if splice else []))


def route_caption(result: pd.DataFrame) -> str:
    """How many samples' DTS come from the measured DTC, as a share of the predicted samples
    (explain.predicted_rows): the base the advice's share uses, so the page quotes one figure."""
    predicted = predicted_rows(result["QC"])
    source = result["DTS_SOURCE"].fillna("").astype(str)
    cond = int((source.str.startswith(SOURCE_CONDITIONED) & predicted).sum())
    n = int(predicted.sum())
    skipped = len(result) - n
    share = f" ({100 * cond / n:.0f} %)" if n else ""   # as the advice writes it
    return (f"DTS from the measured DTC on **{cond:,}** of the {n:,} predicted samples{share}; "
            "the rest from the logs alone (the DTS_SOURCE column says why per sample)"
            + (f". {skipped:,} samples have no prediction (a required input is missing)."
               if skipped else "."))


def render(curves: pd.DataFrame, result: pd.DataFrame, depth, depth_unit: str) -> None:
    has_dtc = "DTC" in curves.columns and curves["DTC"].notna().any()
    if has_dtc:
        st.subheader("Shear: measured DTC, logs only, rock physics")
        if "DTS_SOURCE" in result.columns:
            st.caption(route_caption(result))
        st.plotly_chart(shear_figures.shear_tracks(curves, result, depth, depth_unit=depth_unit),
                        width="stretch", key="shear_tracks")
        st.plotly_chart(shear_figures.vp_vs_by_route(result, curves), width="stretch",
                        key="vpvs_route")
    if "VP" in result.columns and np.isfinite(result["VP"].to_numpy(dtype=float)).any():
        st.subheader("Elastic logs")
        st.caption("AI, SI in m/s·g/cm³; moduli in GPa; from the measured sonic where valid, "
                   "else the prediction.")
        st.plotly_chart(shear_figures.elastic_tracks(result, depth, depth_unit=depth_unit),
                        width="stretch", key="elastic_tracks")
