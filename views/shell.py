"""The frame every page shares: page config, navigation and the sidebar.

Each page script (app.py for Predict, one file per page in pages/) is three lines: import its
body's ``render`` and call ``run_page(title, render)``. Every page therefore draws the whole
frame itself, so any page URL opened first, in a fresh session on a fresh server, has its
sidebar and content (Streamlit's classic pages/ layout runs that page's file alone).

The navigation lists app.py and every pages/*.py file, in Streamlit's own order (numeric
prefix, then name), so adding a page is adding its file. Icons come from the bundled Material
Symbols font (served by the app, as the page icon is from assets/): nothing is fetched from
the internet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from sonic_model.core.errors import SonicModelError
from sonic_model.model.card import format_size, leaderboard_rows
from sonic_model.model.explain import (
    cv_versus_leaderboard,
    same_full_and_light,
    why_member_beats_ensembles,
)

import ui_cache

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "app.py"
PAGES_DIR = ROOT / "pages"
PAGE_ICON = ROOT / "assets" / "icons" / "sonicpredict.png"
# Navigation icons by page name (a page without an entry gets DEFAULT_ICON).
NAV_ICONS = {"predict": ":material/monitoring:", "train": ":material/model_training:",
             "batch": ":material/stacks:", "model": ":material/analytics:",
             "about": ":material/info:", "seismic": ":material/airwave:"}
DEFAULT_ICON = ":material/article:"


def page_name(path: Path) -> str:
    """A page's name (and URL path) from its file, as Streamlit derives it: "3_model.py" ->
    "model"; the entry script is Predict."""
    if path.resolve() == ENTRY:
        return "predict"
    from streamlit.source_util import page_icon_and_name

    return page_icon_and_name(path)[1].lower()


def page_files() -> list[Path]:
    """app.py, then pages/*.py in Streamlit's navigation order."""
    from streamlit.source_util import page_sort_key

    # The same files Streamlit's classic layout turns into pages (runtime.scriptrunner).
    pages = sorted((p for p in PAGES_DIR.glob("*.py")
                    if not p.name.startswith(".") and p.name != "__init__.py"), key=page_sort_key)
    return [ENTRY] + pages


def page_path(name: str) -> str | None:
    """The script of the page called ``name``, relative to the app (for st.page_link)."""
    for path in page_files():
        if page_name(path) == name:
            return str(path.relative_to(ROOT))
    return None


def navigation() -> None:
    for path in page_files():
        name = page_name(path)
        st.page_link(str(path.relative_to(ROOT)), label=name.replace("_", " ").capitalize(),
                     icon=NAV_ICONS.get(name, DEFAULT_ICON))


_warm_lock = threading.Lock()
_warm_started = False


def _load_bundled_models() -> None:
    import pandas as pd

    from sonic_model.model.choice import BUNDLED, load_bundled
    from sonic_model.model.chunked import predict_chunked  # noqa: F401  (the predict path)
    from sonic_model.viz import plots

    for name in BUNDLED:
        try:
            load_bundled(name)
        except Exception as exc:  # noqa: BLE001 - reported where the model is used
            logging.getLogger(__name__).info("not preloading model %s: %s", name, exc)
    plots.depth_tracks(pd.DataFrame({"GR": [50.0, 60.0]}))  # plotly's validators load lazily
    # The Seismic page's code (synth, AVO, fluids, SEG-Y, its figures; scipy.signal): about
    # 1.2 s of imports its first visit would otherwise wait for, once per server process.
    from sonic_model.model import synth, synth_export  # noqa: F401
    from sonic_model.physics import fluids  # noqa: F401
    from sonic_model.viz import seismic  # noqa: F401


def warm_models() -> None:
    """Load the bundled models (the default `auto` scores a well against both) and the
    figure code in a background thread, once per server process, so the first upload does
    not wait for them.
    They stay loaded for the server's life anyway; the process cache shares them."""
    global _warm_started
    from streamlit import runtime

    if not runtime.exists():
        # Bare mode: app.py imported without a server. A process that multiprocessing spawns
        # from the server (a batch pool, a Dask worker) re-imports the parent's main script,
        # and must not load two models it was never asked for.
        return
    with _warm_lock:
        if _warm_started:
            return
        _warm_started = True
    threading.Thread(target=_load_bundled_models, name="warm-models", daemon=True).start()


def run_page(title: str, render: Callable[[], None]) -> None:
    """Configure the page, draw its body, then the shared sidebar (even if the body fails).

    The body first: the uploader and the demo button reach the browser before the sidebar.
    The body reads the model choice from st.session_state, which Streamlit updates before
    the script reruns. A setting that cannot be used ($SONIC_MAX_FILE_BYTES=lots) is the one
    message the page shows.
    """
    st.set_page_config(
        page_title=f"{title} · SonicPredict", page_icon=str(PAGE_ICON), layout="wide",
        initial_sidebar_state="expanded",
        menu_items={"About": "SonicPredict: DTC and DTS sonic logs synthesized from "
                             "conventional logs (SPWLA PDDA 2020 data)."})
    settings_error = ui_cache.settings_error()
    if settings_error:   # a bad $SONIC_* value: say which, draw nothing that would need it
        st.error(settings_error)
        return
    ui_cache.keep_choice()
    try:
        render()
    finally:
        sidebar()
        warm_models()   # after the page is drawn: the first visit is not slowed by it


# --------------------------------------------------------------------------- the sidebar

# The seed app's trade-off (SonicPredict 2020): its random forest alone was 2.1 GB on disk and
# the whole ensemble over 2 GB, for a 1 GB host; shown beside our bundled models' real figures.
SEED_TRADEOFF = ("SonicPredict 2020 random forest", "2.1 GB", "more than a 1 GB host holds")


def _bundled_row(card: dict | None) -> dict:
    """size, peak memory and held-out contest RMSE (blocked, one well out) of a model's
    shipped ensemble, from its card."""
    entry = ((card or {}).get("ensembles") or {}).get("full") or {}
    metrics = entry.get("metrics") or {}
    return {"size": entry.get("size_bytes"),
            "ram": (entry.get("resources") or {}).get("peak_rss_mb"),
            "blocked": (metrics.get("blocked") or {}).get("contest"),
            "lowo": (metrics.get("lowo") or {}).get("contest")}


def _choice_label(cards: dict, name: str) -> str:
    if name == "auto":
        return "auto · per well, the closest model"
    card = cards.get(name)
    if card is None:
        return name
    row = _bundled_row(card)
    bits = [name]
    if row["size"]:
        bits.append(format_size(row["size"]))
    if row["lowo"] is not None:
        bits.append(f"well out {row['lowo']:.2f}")
    return " · ".join(bits)


def _choice_help(cards: dict) -> str:
    return ("**auto** (default): for each well, the bundled model whose training data the "
            "well is closest to (fewest samples outside its training range or unfamiliar to "
            "it); the Predict page says which and why.\n\n**contest**: Well #1 only, the "
            "leaderboard's rules.\n\n**north-sea**: Well #1's three wells plus nine FORCE "
            "2020 North Sea wells (credited on the About page).\n\nOther names are models "
            "trained on your wells. RMSE is held-out validation, not a Well #2 score. The "
            "choice applies to every page and download.")


# The seed's random forest on the chart's size axis, in MB (it has no held-out RMSE of ours).
SEED_REFERENCE = ("2020 forest<br>2.1 GB", 2.1 * 1024)


@st.cache_resource(show_spinner=False, max_entries=16)
def _tradeoff_figure(models: tuple[tuple[str, float | None, float | None, float | None], ...],
                     highlight: str):
    """The sidebar's trade-off figure, built once per server for each (models, choice): it
    comes from the cards alone, and every rerun of every page draws it."""
    from sonic_model.viz.plots import models_tradeoff_chart

    return models_tradeoff_chart(
        [{"name": n, "size_mb": size, "ram_mb": ram, "rmse": rmse}
         for n, size, ram, rmse in models], highlight=highlight, reference=SEED_REFERENCE)


def _tradeoff_chart(rows: dict[str, dict]) -> None:
    """Memory against accuracy of the bundled models beside the seed's forest. Drawn on
    every page, it also makes the browser load plotly.js when a page opens, not when the
    first well's tracks arrive (Streamlit loads it with the first chart)."""
    models = tuple((name, r["size"] / 2**20 if r["size"] else None, r["ram"], r["lowo"])
                   for name, r in rows.items())
    if not any(size and rmse is not None for _, size, _, rmse in models):
        return
    st.markdown("**Size against held-out RMSE** (well out, us/ft)")
    st.plotly_chart(_tradeoff_figure(models, ui_cache.current_ensemble()), width="stretch",
                    config={"displayModeBar": False, "scrollZoom": False},
                    key="sidebar_tradeoff")


def ours_table(rows: dict[str, dict]) -> str:
    """The sidebar's table of our held-out figures, in markdown: one column per model, one
    row per figure. The sidebar is 300 px wide; five columns (model, disk, RAM, blocked,
    well out) were 350 px even with short headers and were cut at its edge."""
    lines = [("disk", lambda r: format_size(r["size"]).replace(" ", chr(160))),
             ("RAM MB", lambda r: _cell(r["ram"], ".0f")),
             ("blocked", lambda r: _cell(r["blocked"])),
             ("well out", lambda r: _cell(r["lowo"]))]
    return ("**Ours — held-out validation (not a Well #2 score)**\n\n"
            f"| model | {' | '.join(rows)} |\n|:--|{'--:|' * len(rows)}\n"
            + "\n".join(f"| {label} | " + " | ".join(cell(r) for r in rows.values()) + " |"
                         for label, cell in lines))


def _cell(value, fmt: str = ".2f") -> str:
    return "–" if value is None else format(value, fmt)


def sidebar() -> None:
    card = None
    card_error = None
    try:
        card = ui_cache.get_card()
    except SonicModelError as exc:
        card_error = str(exc)
    cards = ui_cache.bundled_cards()

    with st.sidebar:
        navigation()
        st.divider()
        # The one choice that changes every page's results comes first, above the fold.
        st.radio(
            "Model", ui_cache.model_choices(), key=ui_cache.ENSEMBLE_KEY,
            format_func=lambda n: _choice_label(cards, n), help=_choice_help(cards))
        if card_error:
            st.warning(card_error)
        else:
            same = same_full_and_light(card)
            if same and ui_cache.current_ensemble() in ("full", "light"):
                st.caption(same)
            model_page = page_path("model")
            st.caption("Memory against RMSE of each bundled model, its ensembles and members"
                       + (", and why one member alone has the lowest pooled RMSE"
                          if why_member_beats_ensembles(card) else "") + ": the Model page.")
            if model_page:
                st.page_link(model_page, label="Memory vs RMSE", icon=":material/scatter_plot:")
        st.divider()
        st.markdown("#### SPWLA PDDA 2020 contest")
        st.markdown(
            "Seven input logs (CAL, CNC, GR, HRD, HRM, PE, ZDEN) → compressional and shear "
            "slowness (DTC, DTS). Models learn on **Well #1** and are scored on the blind "
            "**Well #2** with RMSE = √((ΣΔDTC² + ΣΔDTS²) / 2n), in us/ft.")
        board = leaderboard_rows(card)
        st.markdown("| Well #2 leaderboard (published) | RMSE |\n|:--|--:|\n"
                    + "\n".join(f"| {label} | {rmse:.2f} |" for label, rmse in board))
        if cards:
            rows = {name: _bundled_row(c) for name, c in cards.items()}
            st.markdown(ours_table(rows))
            st.caption(f"For scale: the {SEED_TRADEOFF[0]} alone was {SEED_TRADEOFF[1]} on "
                       f"disk, {SEED_TRADEOFF[2]}.")
            _tradeoff_chart(rows)
            st.caption("Blocked: cross-validation on contiguous blocks of Well #1 (contest "
                       "only). Well out: each training well left out in turn (contest: Well "
                       "#1's three wells; north-sea: its 12 wells). RAM: peak memory loaded "
                       "and predicting.")
            st.caption(cv_versus_leaderboard(card, "full"))
