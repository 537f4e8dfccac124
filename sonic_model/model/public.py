"""The public predict verbs (``sonic_model.predict``, ``predict_well``): a model by name, "auto"
by default (the bundled model each well is closest to, model/choice.py), or a loaded Ensemble.

``result.attrs`` says which model predicted ("model") and, for "auto", why ("model_reason").
A bundled model chosen by hand is checked against the other one the way every door checks it
(extended.predict_checked).
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
    from sonic_model.model.choice import bundled_name
    from sonic_model.model.extended import predict_checked

    ens = _model(model)
    if hasattr(ens, "pick") or bundled_name(ens) is None or not isinstance(frame, pd.DataFrame):
        return ens_mod.predict(frame, ens, depth_ft=depth_ft)
    return predict_checked(frame, ens, depth_ft)[0]


def predict_well(well, model="auto") -> pd.DataFrame:
    """predict() for a wells.Well: its canonical curves and its depth in feet."""
    return predict(well.curves, model, depth_ft=well.depth_ft())
