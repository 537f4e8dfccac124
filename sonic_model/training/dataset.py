"""Training data: wells end to end as one feature table, the rows each curve set learns from,
the row plan above the row budget, and the validation schemes.

Shared by every training job (trainer, crossval, studies, the bundled model): nothing here
fits a member or writes a file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES, INPUTS, TARGETS
from sonic_model.core.errors import InputValueError
from sonic_model.model import features as F
from sonic_model.training.validation import blocked_folds

# Contiguous blocks of the bundled model's validation (and of one well alone).
K_BLOCKED = 5
# Feature clipping envelope (quantiles of training features): tames spikes the cleaning let
# through and stops the linear member from extrapolating into absurd values.
CLIP_QUANTILES = (0.001, 0.999)
# A curve set is trained only when at least this many rows have its curves and DTC; the
# shear part of the final model needs this many rows with DTC and DTS.
MIN_SET_ROWS = 500
PE_FILL = 5.0
# Above this many trainable rows (curves + DTC), members fit on every k-th row of each well
# (one stride for all wells) in cross-validation and in the final fit; neighbouring samples
# (0.1-0.15 m apart) are near-copies and the features already carry 10-ft windows. Below it,
# nothing changes (the bundled model fits on Well #1's ~30,000 rows). 20 wells x 50,000
# samples, every row: not finished after 45 min holding 3.6 GB (issue 9's limits: 5 min, 2 GB).
ROW_BUDGET = 150_000


@dataclass
class TrainingWell:
    name: str                  # shown in reports (file stem, or "Well #1 (a)")
    frame: pd.DataFrame        # canonical inputs (canonical units, NaN where absent) + DTC, DTS
    depth_ft: np.ndarray | None  # per-row depth in feet; None = contest layout (0.1 m rows)
    sha256: str = ""           # of the source file, recorded in the card


@dataclass
class TrainingSet:
    """Wells end to end. Features are built per well, so no window reaches across wells."""
    names: list[str]
    bounds: list[tuple[int, int]]     # each well's half-open row range
    features: pd.DataFrame
    clean: pd.DataFrame               # cleaned inputs (QC envelope)
    y: np.ndarray                     # (n, 2) DTC, DTS; NaN where not measured
    row_set: np.ndarray               # "all" / "core" / "" per row (predict's routing)
    sets: tuple[str, ...]             # curve sets with enough rows to train

    @property
    def n(self) -> int:
        return len(self.y)


def _clean_target(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    v = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    lo, hi = CURVES[name].valid
    return np.where((v >= lo) & (v <= hi), v, np.nan)


def build_training_set(wells: list[TrainingWell]) -> TrainingSet:
    if not wells:
        raise InputValueError("no wells to train on: give at least one well with DTC")
    # Above the row budget features are kept as float32 well by well (members and predict
    # read them as float32 anyway): 20 wells x 50,000 rows peaked at 1.2 GB as float64.
    large = sum(len(w.frame) for w in wells) > ROW_BUDGET
    feats, cleans, ys, bounds, start = [], [], [], [], 0
    for w in wells:
        frame = w.frame.reset_index(drop=True)
        ff = F.build_features(frame[[c for c in INPUTS if c in frame.columns]], w.depth_ft,
                              pe_fill=PE_FILL)
        feats.append(ff.features.astype(np.float32) if large else ff.features)
        cleans.append(ff.clean)
        ys.append(np.column_stack([_clean_target(frame, t) for t in TARGETS]))
        bounds.append((start, start + len(frame)))
        start += len(frame)
    features = pd.concat(feats, ignore_index=True)
    clean = pd.concat(cleans, ignore_index=True)
    y = np.vstack(ys)
    row_set = F.row_curve_set(clean)
    has_dtc = np.isfinite(y[:, 0])
    counts = {"all": int((has_dtc & (row_set == "all")).sum()),
              "core": int((has_dtc & (row_set != "")).sum())}
    sets = tuple(s for s in F.CURVE_SETS if counts[s] >= MIN_SET_ROWS)
    if "core" not in sets:
        raise InputValueError(
            f"only {counts['core']} rows have CNC, GR, HRD, ZDEN and a valid DTC; training "
            f"needs at least {MIN_SET_ROWS}: add wells or check the curve mapping")
    shear = int((np.isfinite(y).all(axis=1) & (row_set != "")).sum())
    if shear < MIN_SET_ROWS:
        raise InputValueError(
            f"only {shear} rows have both DTC and DTS (with CNC, GR, HRD, ZDEN); the shear "
            f"part needs at least {MIN_SET_ROWS}: add a well with a shear log")
    return TrainingSet([w.name for w in wells], bounds, features, clean, y, row_set, sets)


def fit_plan(ts: TrainingSet, budget: int = ROW_BUDGET) -> tuple[np.ndarray, dict]:
    """(rows members may fit on, card entry). Every row while the trainable rows fit in
    `budget`; above it every `stride`-th row of each well, counted from the well's top."""
    available = int(train_rows(ts, "core").sum())
    stride = max(1, -(-available // budget))
    keep = np.ones(ts.n, dtype=bool)
    if stride > 1:
        keep[:] = False
        for a, b in ts.bounds:
            keep[a:b:stride] = True
    used = int((train_rows(ts, "core") & keep).sum())
    entry = {"rows_available": available, "rows_used": used, "stride": stride,
             "row_budget": budget}
    if stride > 1:
        entry["note"] = (f"{available:,} trainable rows exceed the budget of {budget:,}: "
                         f"members fit on every {_ordinal(stride)} sample of each well ({used:,} rows) "
                         "in validation and in the final fit; every row is predicted and scored")
    return keep, entry


# ----------------------------------------------------------------------------- per-set data

def set_matrix(ts: TrainingSet, curve_set: str) -> np.ndarray:
    return ts.features[F.feature_columns(curve_set)].to_numpy(dtype=np.float32)


def train_rows(ts: TrainingSet, curve_set: str) -> np.ndarray:
    """Rows a curve set learns from: its curves present and DTC measured (DTS may be NaN)."""
    usable = (ts.row_set == "all") if curve_set == "all" else (ts.row_set != "")
    return usable & np.isfinite(ts.y[:, 0])


def targets_for_fit(y: np.ndarray) -> np.ndarray:
    """Members learn DTC and the Vp/Vs ratio DTS/DTC (the shear route that validated better);
    Vp/Vs is NaN where DTS was not measured."""
    return np.column_stack([y[:, 0], y[:, 1] / y[:, 0]]).astype(np.float32)


def clip_bounds(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.nanquantile(X, CLIP_QUANTILES, axis=0)
    return lo.astype(np.float32), hi.astype(np.float32)


# ----------------------------------------------------------------------------- helpers

def release_memory() -> None:
    """Hand freed heap back to the OS (glibc keeps it otherwise). Measured on 20 wells x
    50,000 rows: the trainer process held 840 MB after building the features, 550 MB after
    this; it matters before fold workers start, as the limit is on the whole process tree."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to hand back this way
        pass


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def subset(ts: TrainingSet, idx: np.ndarray) -> TrainingSet:
    """Rows `idx` (sorted) of a training set: what one fold's worker process needs (fitting
    and predicting read features, targets and routing, not the cleaned curves)."""
    return TrainingSet(ts.names, ts.bounds, ts.features.iloc[idx].reset_index(drop=True),
                       ts.clean.iloc[:0], ts.y[idx], ts.row_set[idx], ts.sets)


def schemes_for(ts: TrainingSet, k_blocked: int) -> dict[str, list[tuple[int, int]]]:
    """Leave-one-well-out over the wells, plus k contiguous blocks along the rows if k > 0.
    One well alone cannot be left out: it gets K_BLOCKED blocks instead."""
    schemes = {}
    if len(ts.bounds) == 1 and k_blocked <= 0:
        k_blocked = K_BLOCKED
    if k_blocked > 0:
        schemes["blocked"] = blocked_folds(ts.n, k_blocked)
    if len(ts.bounds) > 1:
        schemes["lowo"] = list(ts.bounds)
    return schemes


