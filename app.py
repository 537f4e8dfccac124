"""SonicPredict dashboard: `streamlit run app.py`.

The entry script runs on every page: page config, the selected page, then the shared sidebar
(the contest, the memory-versus-RMSE trade-off, the full/light choice). Pages hold widgets and
layout only; data comes from sonic_model through ui_cache.

The pages live in views/, not pages/: Streamlit treats a folder named pages/ beside the entry
script as a legacy multipage app until the first st.navigation call. On a fresh server whose
first visitor opens /about or /model directly, the page file then ran alone (no sidebar, no
wide layout, a navigation listing "app") and the server stayed in that mode.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui_cache
from sonic_model.card import ensemble_summaries, format_size, leaderboard_rows, tradeoff_rows
from sonic_model.errors import SonicModelError

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="SonicPredict", page_icon=":material/graphic_eq:", layout="wide",
                   initial_sidebar_state="expanded",
                   menu_items={"About": "SonicPredict: DTC and DTS sonic logs synthesized from "
                                        "conventional logs (SPWLA PDDA 2020 data)."})

def _ensemble_label(card: dict | None, name: str) -> str:
    entry = (card or {}).get("ensembles", {}).get(name, {})
    rmse = entry.get("metrics", {}).get("blocked", {}).get("contest")
    size = entry.get("size_bytes")
    bits = [name]
    if size:
        bits.append(format_size(size))
    if rmse is not None:
        bits.append(f"CV {rmse:.2f}")
    return " · ".join(bits)


def _ensemble_help(card: dict | None) -> str:
    lines = list(ensemble_summaries(card).values())
    if not lines:
        lines = ["Full: every member. Light: a smaller subset that loads faster and needs "
                 "less memory (the model card is not available, so no figures)."]
    return "\n\n".join(lines + ["RMSE is Well #1 cross-validation, not a Well #2 score. The "
                                 "choice applies to every page and download."])


def _cell(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def sidebar() -> None:
    card = None
    card_error = None
    try:
        card = ui_cache.get_card()
    except SonicModelError as exc:
        card_error = str(exc)

    with st.sidebar:
        st.markdown("#### SPWLA PDDA 2020 contest")
        st.markdown(
            "Seven input logs (CAL, CNC, GR, HRD, HRM, PE, ZDEN) → compressional and shear "
            "slowness (DTC, DTS). Models learn on **Well #1** and are scored on the blind "
            "**Well #2** with RMSE = √((ΣΔDTC² + ΣΔDTS²) / 2n), in us/ft.")
        board = leaderboard_rows(card)
        st.markdown("| Well #2 leaderboard (published) | RMSE |\n|:--|--:|\n"
                    + "\n".join(f"| {label} | {rmse:.2f} |" for label, rmse in board))
        ours = [r for r in tradeoff_rows(card) if r["kind"] == "ensemble"] if card else []
        if ours:
            st.markdown("**Ours — Well #1 cross-validation (not a Well #2 score)**\n\n"
                        "| ours | blocked CV | one well out |\n|:--|--:|--:|\n"
                        + "\n".join(f"| {r['key']} | {_cell(r['rmse_contest'])} | "
                                     f"{_cell(r['rmse_contest_lowo'])} |" for r in ours))
        st.caption("Our figures are contest RMSE (us/ft) from cross-validation on Well #1 "
                   "(contiguous blocks; each of its three wells held out in turn), not a "
                   "Well #2 score: Well #2's answers were never published to us.")

        st.divider()
        st.radio(
            "Ensemble", ui_cache.ENSEMBLES, key=ui_cache.ENSEMBLE_KEY, horizontal=True,
            format_func=lambda n: _ensemble_label(card, n),
            help=_ensemble_help(card))

        st.markdown("##### Memory vs RMSE")
        if card_error:
            st.warning(card_error)
            return
        trade = tradeoff_rows(card)
        if not trade:
            st.caption("The model card lists no members yet.")
            return
        from sonic_model.plots import tradeoff_chart

        st.plotly_chart(tradeoff_chart(trade, highlight=ui_cache.current_ensemble(), height=220),
                        width="stretch", config={"displayModeBar": False},
                        key="sidebar_tradeoff")
        import pandas as pd

        table = pd.DataFrame([{
            "model": r["key"] if r["kind"] == "member" else f"▶ {r['key']}",
            "size kB": r["size_kb"], "RAM MB": r["peak_rss_mb"],
            "RMSE": r["rmse_contest"],
        } for r in trade])
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"size kB": st.column_config.NumberColumn(format="%.0f"),
                                    "RAM MB": st.column_config.NumberColumn(format="%.0f"),
                                    "RMSE": st.column_config.NumberColumn(format="%.2f")})
        st.caption("RMSE: contest metric, Well #1 blocked cross-validation (us/ft). RAM: peak "
                   "resident memory of a process that loads the model and predicts.")


pages = [
    st.Page(HERE / "views" / "predict.py", title="Predict", icon=":material/monitoring:", default=True),
    st.Page(HERE / "views" / "batch.py", title="Batch", icon=":material/stacks:", url_path="batch"),
    st.Page(HERE / "views" / "model.py", title="Model", icon=":material/model_training:", url_path="model"),
    st.Page(HERE / "views" / "about.py", title="About", icon=":material/info:", url_path="about"),
]
page = st.navigation(pages, position="top")
# The page first, the sidebar after: the uploader and the demo button reach the browser before
# the sidebar's chart makes it fetch and parse plotly.js. The page reads the ensemble choice
# from st.session_state, which Streamlit updates before the script reruns.
# try/finally: a page that fails still leaves the sidebar (contest, ensemble choice) in place.
try:
    page.run()
finally:
    sidebar()
