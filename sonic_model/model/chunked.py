"""predict_extended in bounded memory: a long well predicted in overlapping slices.

Predicting builds a table of ~70 features per sample plus per-member copies, about 1.7 kB per
row at its peak: 430 MB for a 250,000-sample well, which alone overflows a 1 GB host. Slices of
CHUNK_ROWS samples keep that peak near 90 MB whatever the length. Each slice is extended by a
margin on both sides that covers the widest depth window a feature looks through (the caliper's
bit-size proxy, BIT_WINDOW_FT, plus the 40 ft context means), and only its core rows are kept,
so every sample sees the same neighbours it would in one pass: the answer equals the one-pass
answer (tests/test_bounded_memory.py checks it on a real well).

Not sliced: a well whose measured DTC the shear route uses, or extras computed from it
(baselines, splice, elastic). That route reads whole-well statistics (the shale volume's GR
percentiles), so slices would change its numbers; such a well is predicted in one pass.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from sonic_model.io.depth import sampling_step_ft
from sonic_model.model.extended import flag_choice, predict_extended
from sonic_model.model.features import ANOMALY_WINDOW_FT, MEAN_WINDOWS_FT
from sonic_model.physics.borehole import BIT_WINDOW_FT

CHUNK_ROWS = 50_000
# Half the bit-size window, then the context windows computed on top of those features.
MARGIN_FT = BIT_WINDOW_FT / 2 + max(MEAN_WINDOWS_FT) + ANOMALY_WINDOW_FT


def margin_rows(depth_ft) -> int:
    """Samples on each side of a slice that its core rows' features can reach."""
    return math.ceil(MARGIN_FT / sampling_step_ft(depth_ft)) + 2


def sliceable(well, ignore_measured: bool = False, **extras) -> bool:
    """True when slicing cannot change the answer: no measured DTC reaches the result."""
    if "DTC" not in well.curves.columns:
        return True
    if not np.isfinite(pd.to_numeric(well.curves["DTC"], errors="coerce")).any():
        return True
    return ignore_measured and not any(extras.get(k) for k in ("baselines", "splice",
                                                                 "elastic"))


def _slice(well, start: int, stop: int):
    depth = None if well.depth is None else well.depth[start:stop]
    return replace(well, depth=depth, curves=well.curves.iloc[start:stop],
                   original=well.original.iloc[0:0])


def predict_chunked(well, ensemble, *, chunk_rows: int = CHUNK_ROWS, **options) -> pd.DataFrame:
    """``predict_extended(well, ensemble, **options)``, computed slice by slice when the well
    is longer than ``chunk_rows``. An "auto" choice (anything with ``pick``) is made once, on
    the whole well, so every slice uses the same model."""
    n = len(well.curves)
    if n <= chunk_rows or not sliceable(well, **options):
        return predict_extended(well, ensemble, **options)
    chosen, note = {}, None
    curves = well.curves.reset_index(drop=True)
    if hasattr(ensemble, "pick"):
        ensemble, name, reason = ensemble.pick(curves, well.depth_ft())
        chosen = {"model": name, "model_reason": reason}
    elif options.get("check_choice", True):
        from sonic_model.model.choice import better_suited
        from sonic_model.model.ensemble import load_ensemble

        if isinstance(ensemble, str):
            ensemble = load_ensemble(ensemble)
        note = better_suited(ensemble, curves, well.depth_ft())
    options = {**options, "check_choice": False}
    margin = margin_rows(well.depth_ft())
    parts = []
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        lo, hi = max(0, start - margin), min(n, stop + margin)
        part = predict_extended(_slice(well, lo, hi), ensemble, **options)
        parts.append(part.iloc[start - lo: stop - lo])
    attrs = {**parts[0].attrs, **chosen}
    result = pd.concat(parts)
    result.attrs.update(attrs)
    if note:
        flag_choice(result, ensemble, note)
    return result
