"""The Train page: offset wells in, a named model out, with its leave-one-well-out report.

Widgets and layout only. Reading and checking wells, training, storing and scoring are
sonic_model.training.own_wells / sonic_model.model.store; figures come from sonic_model.viz.plots.

With $SONIC_STORE_READ_ONLY set (a shared deployment) the page still checks wells and shows the
stored models' reports, but its Train, Replace and Delete widgets are disabled, and say why.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sonic_model.core.curves import TARGETS
from sonic_model.core.errors import SonicModelError
from sonic_model.model import store
from sonic_model.training import own_wells

import ui_cache

LAST_KEY = "train_last_model"   # the model this session trained or opened last
READ_ONLY_NOTE = ("The model store is read-only on this server (SONIC_STORE_READ_ONLY is set): "
                  "you can check wells and read the stored models' reports, but not train, "
                  "replace or delete models.")


def _well_table(checks) -> pd.DataFrame:
    return pd.DataFrame([{
        "file": c.file, "rows": c.rows,
        "DTC samples": c.samples.get("DTC", 0), "DTS samples": c.samples.get("DTS", 0),
        "teaches": " + ".join(c.targets) or "–",
        "status": "ready" if not c.problem else "cannot train: see below",
    } for c in checks])


def _report(name: str) -> None:
    try:
        card = store.get_card(name)
        folder, _ = store.resolve(name)
        held_out = own_wells.load_lowo_predictions(folder, card)
    except SonicModelError as exc:
        st.error(str(exc))
        return
    own = card.get("own") or {}
    st.subheader(f"Model {name}: leave-one-well-out validation")
    st.caption(f"Trained {own.get('created', '?')} on {len(own.get('wells', []))} wells. Each "
               "well was predicted by a model fitted on the other wells only; \"bundled\" is "
               "the shipped model (trained on the contest's Well #1) on the same wells. RMSE "
               "and bias (predicted − measured) in us/ft; coverage = share of measured samples "
               "inside P10–P90 (0.80 is ideal).")
    rows = own_wells.lowo_table(card)
    labels = {"rmse": "RMSE", "bias": "bias", "coverage": "P10–P90 coverage",
              "bundled_rmse": "bundled RMSE", "bundled_bias": "bundled bias",
              "bundled_coverage": "bundled coverage"}
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="train_lowo_table",
                 column_config={c: st.column_config.NumberColumn(label, format="%.2f")
                                for c, label in labels.items()})
    if not held_out:
        st.info("This model's trainer did not keep its held-out predictions, so there is no "
                "crossplot; the table above has the scores.")
        return
    from sonic_model.viz.plots import pred_vs_measured

    well = st.selectbox("Crossplot of held-out predictions for well", list(held_out),
                        key="train_crossplot_well")
    frame = held_out[well]
    cols = st.columns(2)
    for col, target in zip(cols, TARGETS):
        with col:
            if frame[target].notna().any():
                st.plotly_chart(pred_vs_measured(frame[target], frame[f"{target}_PRED"], target,
                                                 height=380),
                                width="stretch", key=f"train_xplot_{target}")
            else:
                st.caption(f"{well} has no measured {target}.")


def _train(name: str, pairs, overwrite: bool) -> None:
    bar = st.progress(0.0, text="Scoring the bundled model on your wells…")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{done}/{total} · {message}")

    try:
        wells, checks = own_wells.assemble(pairs)
        own_wells.train_own(None, name, wells_checked=(wells, checks), overwrite=overwrite,
                           log=lambda message: None, progress=progress)
    except SonicModelError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.progress(1.0, text=f"Saved model {name}")
    st.session_state[LAST_KEY] = name


def _uploaded_pairs() -> list:
    """The uploader and the mapping box; each uploaded well read and checked (cached)."""
    files = st.file_uploader("Training wells", type=["las", "csv", "dlis", "lis"],
                             accept_multiple_files=True, key="train_files")
    map_text = st.text_input("Curve mapping for every file (optional)", key="train_map",
                             placeholder="HRD=RDEP, CNC=TNPH",
                             help="CANON=MNEMONIC pairs, comma-separated, when a curve is not "
                                  "recognised by its mnemonic")
    try:
        from sonic_model.io import parse_mapping

        mapping = tuple(sorted(parse_mapping([map_text]).items())) if map_text.strip() else ()
        if not files:
            return []
        own_wells.check_names([f.name for f in files])
        return [ui_cache.check_training_well(f.getvalue(), f.name, mapping) for f in files]
    except SonicModelError as exc:
        st.error(str(exc))
        return []


def _show_checks(checks) -> None:
    st.dataframe(_well_table(checks), hide_index=True, width="stretch", key="train_well_table")
    for check in checks:
        if check.problem:
            st.error(check.problem)
    with st.expander("Curve mapping of each well"):
        for check in checks:
            st.markdown(f"**{check.file}**")
            if check.mapping:
                st.dataframe(pd.DataFrame(check.mapping), hide_index=True, width="stretch")
            for warning in check.warnings:
                st.caption(warning)


def _train_form(pairs, read_only: bool) -> None:
    """The checked wells, the model name and the Train button (disabled when read-only)."""
    checks = [c for _, c in pairs]
    _show_checks(checks)
    ready = [c for c in checks if not c.problem]
    if len(ready) < 2:
        st.info("Training needs at least two wells with measured sonic (each is held out "
                "in turn to validate the model).")
    name = st.text_input("Model name", key="train_name", max_chars=store.MAX_NAME,
                         placeholder="e.g. utsira_2024", disabled=read_only)
    name_error = None
    exists = False
    if name and not read_only:
        try:
            store.validate_name(name)
            exists = name in store.model_names()
        except SonicModelError as exc:
            name_error = str(exc)
            st.error(name_error)
    overwrite = st.checkbox(f"Replace the existing model {name}", key="train_overwrite",
                            disabled=read_only) if exists else False
    can_train = (not read_only and len(ready) == len(checks) >= 2 and bool(name)
                 and not name_error and (overwrite or not exists))
    if st.button("Train", type="primary", disabled=not can_train, key="train_go",
                 help=READ_ONLY_NOTE if read_only else None) and can_train:
        _train(name, pairs, overwrite)


def _stored_models(read_only: bool) -> None:
    """The stored models: their table, a report to open, and Delete (disabled when read-only)."""
    stored = store.list_models()
    if not stored:
        return
    with st.expander(f"Stored models ({len(stored)}) in {store.store_root()}"):
        st.dataframe(pd.DataFrame([{
            "name": r["name"], "wells": len(r.get("wells", [])), "created": r.get("created"),
            "LOWO DTC RMSE": (r.get("lowo") or {}).get("DTC", {}).get("rmse"),
            "LOWO DTS RMSE": (r.get("lowo") or {}).get("DTS", {}).get("rmse"),
            "size MB": round(r.get("size_bytes", 0) / 1e6, 2),
        } for r in stored]), hide_index=True, width="stretch", key="train_stored")
        pick = st.selectbox("Model", [r["name"] for r in stored], key="train_pick")
        c1, c2 = st.columns(2)
        if c1.button("Show its report", key="train_show"):
            st.session_state[LAST_KEY] = pick
            st.rerun()
        if c2.button("Delete it", key="train_delete", disabled=read_only,
                     help=READ_ONLY_NOTE if read_only else None) and not read_only:
            try:
                store.delete_model(pick)
            except SonicModelError as exc:
                st.error(str(exc))
            else:
                st.rerun()


def render() -> None:
    st.title("Train on your own wells")
    st.markdown("Upload offset wells with measured **DTC** and/or **DTS** (LAS, CSV, DLIS or "
                "LIS, read "
                "and mapped as on the Predict page). Wells with DTC only still teach DTC; "
                "shear learns from the wells that have it. The report is leave-one-well-out "
                "validation, beside the bundled model on the same wells.")
    read_only = ui_cache.store_read_only()
    if read_only:
        st.info(READ_ONLY_NOTE, icon=":material/lock:")
    pairs = _uploaded_pairs()
    if pairs:
        _train_form(pairs, read_only)
    last = st.session_state.get(LAST_KEY)
    if last and last in store.model_names():
        _report(last)
    _stored_models(read_only)
