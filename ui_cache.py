"""The dashboard's cached doors onto sonic_model: the one place Streamlit caching lives.

Ensembles load once per server process (``st.cache_resource``: one shared object, never
copied); per-file work, reading and predicting, is ``st.cache_data`` keyed on the file's bytes,
the curve mapping and the ensemble name, so moving a slider or switching pages never re-reads
or re-predicts. sonic_model itself never imports Streamlit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from sonic_model.model.choice import MODEL_NAMES
from sonic_model.model.ensemble import ENSEMBLE_NAMES as ENSEMBLES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sonic_model.io import Well

# What the sidebar offers before the store's models: auto, contest, north-sea (full/light too).
BUNDLED_NAMES = (*MODEL_NAMES, *ENSEMBLES)
ENSEMBLE_KEY = "ensemble"  # st.session_state key of the sidebar's full/light choice

# A mapping as a cache key: sorted (canonical, mnemonic) pairs; "" means "do not use".
Mapping = tuple[tuple[str, str], ...]


def settings_error() -> str | None:
    """Why the environment's settings cannot be used (core.config.SettingsError), or None.
    Not cached: the settings are read once per process by get_settings itself."""
    from sonic_model.core.config import get_settings
    from sonic_model.core.errors import SettingsError

    try:
        get_settings()
    except SettingsError as exc:
        return str(exc)
    return None


def store_read_only() -> bool:
    """$SONIC_STORE_READ_ONLY: the Train page offers no training, overwriting or deleting."""
    from sonic_model.core.config import get_settings

    return get_settings().store_read_only


def model_choices() -> list[str]:
    """The models the sidebar offers, in order; the one list every page chooses from:
    the bundled ensembles, then the models in the store (trained on the Train page or with
    `train --wells`). Read on every run, so a model saved or deleted anywhere shows at once."""
    from sonic_model.core.errors import SonicModelError
    from sonic_model.model import store

    try:
        return store.choices()
    except (OSError, SonicModelError):  # an unreadable store must not take the app down
        return list(ENSEMBLES)


def keep_choice() -> None:
    """Carry the sidebar's model choice to the page being opened.

    Each page of the classic pages/ layout is its own script, so the same radio on another
    page is another widget and would start from its default; re-assigning the key before
    the widget exists makes the new widget start from the user's choice.
    """
    if ENSEMBLE_KEY in st.session_state:
        st.session_state[ENSEMBLE_KEY] = st.session_state[ENSEMBLE_KEY]


def current_ensemble() -> str:
    """The model chosen in the sidebar, checked at the boundary (anything else -> auto)."""
    value = st.session_state.get(ENSEMBLE_KEY, "auto")
    if value in ENSEMBLES:      # an old session's full/light: both mean contest now
        value = "contest"
    return value if value in model_choices() else "auto"


def get_ensemble(name: str):
    """The chosen model: "auto" (picks a bundled model per well), a bundled one, or a stored
    one by name (store.resolve checks the name; ensemble.load_ensemble verifies and caches it
    per process, keyed on its card)."""
    if name in BUNDLED_NAMES:
        return _bundled(name)
    from sonic_model.model import store

    return store.load(name)


@st.cache_resource(show_spinner=False)
def _bundled(name: str):
    from sonic_model.model import store

    return store.load(name)


def model_stamp(name: str) -> int:
    """Changes when the model behind ``name`` changes (a stored model trained again under the
    same name): part of the cache key of everything predicted with it."""
    if name in BUNDLED_NAMES:
        return 0
    from sonic_model.model import store

    try:
        folder, _ = store.resolve(name)
        return (folder / "model_card.json").stat().st_mtime_ns
    except (OSError, ValueError):
        return -1


@st.cache_data(show_spinner=False)
def bundled_cards() -> dict[str, dict]:
    """Each bundled model's card ({"contest": card, "north-sea": card}); a model whose card
    cannot be read is left out (the sidebar then shows no figures for it)."""
    from sonic_model.core.errors import SonicModelError
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import BUNDLED, bundled_dir

    cards = {}
    for name in BUNDLED:
        try:
            cards[name] = load_card(bundled_dir(name))
        except SonicModelError:
            pass
    return cards


@st.cache_data(show_spinner=False)
def get_card() -> dict:
    """The model card as JSON: cheap, and it must not wait for the models to load."""
    from sonic_model.model.card import load_card

    return load_card()


def training_cards(choice: str) -> dict[str, dict]:
    """{model name: card} an upload's in-sample check reads (model.card.in_sample_note): the
    chosen model's, or with auto both bundled models'. From disk: no model is loaded."""
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import BUNDLED, bundled_dir, canonical

    if choice == "auto":
        return {name: load_card(bundled_dir(name)) for name in BUNDLED}
    if canonical(choice) in BUNDLED:
        return {canonical(choice): load_card(bundled_dir(choice))}
    from sonic_model.model import store

    return {choice: store.get_card(choice)}


def _mapping_arg(mapping: Mapping | None) -> dict | None:
    if not mapping:
        return None
    return {canon: (mnemonic or None) for canon, mnemonic in mapping}


@st.cache_data(show_spinner=False, max_entries=12)
def read_well(data: bytes, name: str, mapping: Mapping | None = None,
              frame: str | None = None, resample: bool = False) -> Well:
    from sonic_model import io as wells

    return wells.read_well(data, name=name, mapping=_mapping_arg(mapping), require=False,
                           frame=frame, resample=resample)


@st.cache_data(show_spinner=False, max_entries=12)
def frame_choices(data: bytes, name: str) -> tuple[list[dict], str | None]:
    """A DLIS/LIS upload's depth-indexed frames ([{key, label}]) and the reader's default
    choice; ([], None) for LAS/CSV."""
    from sonic_model import io as wells

    return wells.frame_choices(data, name=name)


def predict(data: bytes, name: str, mapping: Mapping | None, ensemble_name: str,
            options: tuple[str, ...] = (), frame: str | None = None,
            resample: bool = False) -> pd.DataFrame:
    """options: any of "ignore_measured", "elastic", "splice" (extras.predict_extended); the
    rock-physics baselines and the logs-only DTS always come along for the shear tracks.
    frame/resample: a DLIS/LIS upload's frame choice (read_well)."""
    return _predict(data, name, mapping, ensemble_name, model_stamp(ensemble_name), options,
                    frame, resample)


@st.cache_data(show_spinner=False, max_entries=12)
def _predict(data: bytes, name: str, mapping: Mapping | None, ensemble_name: str,
             stamp: int, options: tuple[str, ...] = (), frame: str | None = None,
             resample: bool = False) -> pd.DataFrame:
    from sonic_model.model.chunked import predict_chunked

    well = read_well(data, name, mapping, frame, resample)
    # In slices for a long well (model.chunked): the dashboard stays within a small host.
    return predict_chunked(well, get_ensemble(ensemble_name), baselines=True,
                           logs_only_column=True, **{o: True for o in options})


@st.cache_data(show_spinner=False, max_entries=4)
def demo_well() -> tuple[str, bytes]:
    """Well #2's inputs (the contest's blind well) as (file name, bytes).

    Looks where the CLI looks; on a fresh machine downloads the public archive (sha256
    checked) into the user's data directory. Raises DataNotFoundError/FetchError with the
    reader-facing message when neither works.
    """
    from sonic_model.core.config import get_settings
    from sonic_model.core.errors import DataNotFoundError
    from sonic_model.io import contest

    try:
        folder = contest.find_data_dir()
    except DataNotFoundError:
        if get_settings().data_dir is not None:
            raise  # the user named a folder: say it is wrong rather than fetch elsewhere
        folder = contest.fetch_data(contest.default_fetch_dest())
    path = contest.test_csv(folder)
    return "PDDA2020_Well2_test.csv", path.read_bytes()


@st.cache_data(show_spinner=False, max_entries=40)
def check_training_well(data: bytes, name: str, mapping: Mapping | None = None):
    """A training well read and checked (own_wells.check_well): (TrainingWell | None, WellCheck)."""
    from sonic_model.training import own_wells

    return own_wells.check_well(data, name, _mapping_arg(mapping))


def synth(data: bytes, name: str, ensemble_name: str, options: tuple,
          checkshot: bytes | None = None, mapping: Mapping | None = None,
          frame: str | None = None, resample: bool = False, checkshot_name: str = "checkshot"):
    """The Seismic page's synth result (model.synth.synth_well) for a well file read as Predict
    reads it (mapping, frame, resample: read_well) and the page's options ((key, value) pairs of
    SynthOptions fields; fluid settings under "fluid")."""
    return _synth(data, name, ensemble_name, model_stamp(ensemble_name), options, checkshot,
                  mapping, frame, resample, checkshot_name)


@st.cache_data(show_spinner=False, max_entries=6)
def _synth(data: bytes, name: str, ensemble_name: str, stamp: int, options: tuple,
           checkshot: bytes | None, mapping: Mapping | None, frame: str | None,
           resample: bool, checkshot_name: str):
    from sonic_model import io as wells
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions, read_checkshot
    from sonic_model.physics.fluids import FluidSettings

    opts = dict(options)
    fluid = opts.pop("fluid", None)
    cs = read_checkshot(checkshot, checkshot_name) if checkshot else None
    # require=True (unlike read_well): missing inputs are the message, as in the CLI.
    well = wells.read_well(data, name=name, mapping=_mapping_arg(mapping), frame=frame,
                           resample=resample)
    return synth_well(well, get_ensemble(ensemble_name), SynthOptions(
        checkshot=cs, checkshot_source=checkshot_name,
        fluid=FluidSettings(**dict(fluid)) if fluid else None, **opts))
