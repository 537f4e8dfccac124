"""Held-out predictions of a bundled model, per training well, as frames other studies consume.

    frames = lowo_prediction_frames("contest")       # Well #1 (a), (b), (c), each held out
    frames = lowo_prediction_frames("north-sea")     # + the FORCE wells, and the one held out

Each frame is one well in depth order with DEPTH_FT, the measured DTC, DTS and ZDEN, and the
model's DTC_PRED, DTS_PRED, DTC_P10/P90, DTS_P10/P90 predicted by members that never saw that
well (leave one well out), combined with the shipped model's weights, shear prior and bands.
Those weights and band scales were fitted on the held-out predictions of every fold, this
well's included, so the bands are in sample to that extent (the card says which figures are
nested). The north-sea model's HELD_OUT_WELL is predicted by the shipped model itself: fully out
of sample. Nothing here reads Well #2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.core.curves import INPUTS, TARGETS
from sonic_model.model.artifacts import RUNTIME_FILE
from sonic_model.model.choice import CONTEST, NORTH_SEA, bundled_dir
from sonic_model.model.ensemble import combine, finish, load_ensemble, predict
from sonic_model.training.dataset import build_training_set, schemes_for

# The contest layout's row spacing (no depth column): 0.1 m.
CONTEST_STEP_FT = 0.328084


def training_wells(model: str, data_dir: Path | None = None) -> list:
    """The TrainingWells bundled model ``model`` learnt from."""
    from sonic_model.training.bundled import contest_wells

    wells = contest_wells(data_dir)
    if model == NORTH_SEA:
        from sonic_model.training.north_sea import force_training_wells

        wells += force_training_wells()
    return wells


def _frame(measured: pd.DataFrame, depth, pred, lo, hi) -> pd.DataFrame:
    """``measured``: the well's DTC, DTS and ZDEN as training cleaned them (nulls, impossible
    values and the contest's -999 as NaN)."""
    cols = {"DEPTH_FT": depth}
    for c in ("DTC", "DTS", "ZDEN"):
        cols[c] = measured[c].to_numpy(dtype=float)
    for j, t in enumerate(TARGETS):
        cols[f"{t}_PRED"], cols[f"{t}_P10"], cols[f"{t}_P90"] = pred[:, j], lo[:, j], hi[:, j]
    return pd.DataFrame(cols)


def _measured(y: np.ndarray, zden: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"DTC": y[:, 0], "DTS": y[:, 1], "ZDEN": zden})


def _depth(well) -> np.ndarray:
    if well.depth_ft is not None:
        return np.asarray(well.depth_ft, dtype=float)
    return np.arange(len(well.frame)) * CONTEST_STEP_FT


def lowo_prediction_frames(model: str = CONTEST, *, cv_cache: Path | None = None,
                           data_dir: Path | None = None, log=print) -> dict[str, pd.DataFrame]:
    """{well name: frame} of leave-one-well-out predictions of bundled model ``model``
    (module docstring). ``cv_cache``: a training run's CV cache of the same wells (`train
    --cv-cache FILE` writes FILE.<model>.npz), else the shipped members are cross-validated
    again (seconds for contest, minutes for north-sea)."""
    from sonic_model.training.crossval import cross_validate, load_cv_cache

    folder = bundled_dir(model)
    spec = json.loads((folder / RUNTIME_FILE).read_text(encoding="utf-8"))["ensembles"]["full"]
    kinds = list(spec["members"])
    wells = training_wells(model, data_dir)
    ts = build_training_set(wells)
    if cv_cache is not None and Path(cv_cache).is_file():
        cv = load_cv_cache(Path(cv_cache))["lowo"]
    else:
        cv = cross_validate(ts, kinds, {"lowo": schemes_for(ts, 0)["lowo"]}, log)["lowo"]
    W = np.array([[spec["weights"][t][k] for t in TARGETS] for k in kinds])
    mean, spread = combine({k: cv["pred"][k] for k in kinds}, kinds, W)
    mean, lo, hi = finish(mean, spread, cv["novelty"], ts.clean["GR"].to_numpy(),
                          spec.get("shear_prior"), spec["intervals"])
    out = {}
    measured = _measured(ts.y, ts.clean["ZDEN"].to_numpy(dtype=float))
    for w, (a, b) in zip(wells, ts.bounds):
        out[w.name] = _frame(measured.iloc[a:b].reset_index(drop=True), _depth(w),
                             mean[a:b], lo[a:b], hi[a:b])
    if model == NORTH_SEA:
        out.update(_held_out_well())
    return out


def _held_out_well() -> dict[str, pd.DataFrame]:
    """north-sea's HELD_OUT_WELL predicted by the shipped model (never trained on it)."""
    from sonic_model.io.force import force_dir
    from sonic_model.training.north_sea import HELD_OUT_WELL
    from sonic_model.training.own_wells import check_well

    folder = force_dir()
    path = None if folder is None else folder / f"{HELD_OUT_WELL}.las"
    if path is None or not path.is_file():
        return {}
    well, _ = check_well(path.read_bytes(), path.name)
    if well is None:
        return {}
    result = predict(well.frame[list(INPUTS)], load_ensemble("full", model_dir=bundled_dir(
        NORTH_SEA)), depth_ft=well.depth_ft)
    pred, lo, hi = (result[[f"{t}_{s}" for t in TARGETS]].to_numpy(dtype=float)
                    for s in ("PRED", "P10", "P90"))
    # Not build_training_set: that refuses a well without shear, and this one has none (its
    # synthetic is still scored at normal incidence; synth_figures drops impossible values).
    from sonic_model.model.features import clean

    frame = well.frame.reset_index(drop=True)
    y = np.column_stack([pd.to_numeric(frame[t], errors="coerce").to_numpy(dtype=float)
                         if t in frame else np.full(len(frame), np.nan) for t in TARGETS])
    return {f"{HELD_OUT_WELL} (held out of training)": _frame(
        _measured(y, clean(frame)["ZDEN"].to_numpy(dtype=float)), _depth(well), pred, lo, hi)}
