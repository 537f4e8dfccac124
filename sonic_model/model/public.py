"""The public predict verbs (``sonic_model.predict``, ``predict_well``): a model by name, "auto"
by default (the bundled model each well is closest to, model/choice.py), or a loaded Ensemble.

``result.attrs`` says which model predicted ("model") and, for "auto", why ("model_reason").
A bundled model chosen by hand is checked against the other one the way every door checks it
(choice.better_suited, extended.flag_choice).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.model import ensemble as ens_mod
from sonic_model.model import store


def _model(model):
    return store.load(model) if isinstance(model, str) else model


def predict(frame: pd.DataFrame, model="auto", *,
            depth_ft: np.ndarray | None = None) -> pd.DataFrame:
    """DTC/DTS with P10/P90 and QC, one row per input row (ensemble.predict), from the model
    named ``model``: "auto", "contest", "north-sea" ("full"/"light": contest) or a stored one."""
    from sonic_model.model.choice import better_suited, bundled_name, unfamiliar_share_from_qc
    from sonic_model.model.extended import flag_choice
    from sonic_model.model.features import build_features

    ens = _model(model)
    if hasattr(ens, "pick") or bundled_name(ens) is None or not isinstance(frame, pd.DataFrame):
        return ens_mod.predict(frame, ens, depth_ft=depth_ft)
    # Built once: the prediction and the familiarity check read the same features.
    ff = build_features(frame.reset_index(drop=True), depth_ft, pe_fill=ens.pe_fill)
    result = ens_mod.predict(frame, ens, depth_ft=depth_ft, ff=ff)
    note = better_suited(ens, frame, depth_ft, ff,
                         mine=unfamiliar_share_from_qc(result["QC"]))
    if note:
        flag_choice(result, note)
        result.attrs["model_reason"] = f"{bundled_name(ens)} chosen by hand; {note}"
    return result


def predict_well(well, model="auto") -> pd.DataFrame:
    """predict() for a wells.Well: its canonical curves and its depth in feet."""
    return predict(well.curves, model, depth_ft=well.depth_ft())
