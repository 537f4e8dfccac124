"""Which bundled model predicts a well: `contest`, `north-sea`, or `auto` (chosen per well).

    MODEL_NAMES = ("auto", "contest", "north-sea")     # what every door offers, before the store
    ALIASES = {"full": "contest", "light": "contest"}  # old scripts and clients keep working
    auto = Auto()                                      # store.load("auto") returns one
    ens, name, reason = auto.pick(frame, depth_ft)     # the model for this well, and why

`auto` asks each bundled model how unfamiliar the well is to it, with the measure its QC
already uses (core/qc.py): the share of samples whose inputs are outside the model's training
range or whose log combination is far from every training sample (KNN novelty above the
model's threshold). The model the well is most familiar with predicts it; a near tie goes to
`contest`, the specialist of the contest's field (trained on Well #1 alone). Nothing about the
choice was fitted on Well #2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from sonic_model.core.errors import ArtifactError, DataNotFoundError

AUTO = "auto"
CONTEST = "contest"
NORTH_SEA = "north-sea"
BUNDLED = (CONTEST, NORTH_SEA)
MODEL_NAMES: tuple[str, ...] = (AUTO, *BUNDLED)
# What a door's model field accepts before the store's names (the API's `ensemble` fields).
ModelName = Literal["auto", "contest", "north-sea", "full", "light"]
# Names of the seed's and v1/v2's bundled ensembles, kept for old scripts and API clients.
ALIASES = {"full": CONTEST, "light": CONTEST}
# `north-sea` must make this much less of the well unfamiliar than `contest` to be chosen: the
# specialist wins ties (on its own field it validates better than the broad model).
MARGIN = 0.10
# Samples scored per model for the choice: every k-th valid row, at most this many (the choice
# then costs a few milliseconds however long the well is).
SAMPLE_ROWS = 3000
# The hand-chosen model's check (better_suited) scores the other model on fewer: the standard
# error of a share from 1,000 samples is at most 1.6 points, far inside MARGIN, and scoring the
# other model then takes ~12 ms instead of ~33 ms (the whole check: 20-25 ms on 30,000 rows).
CHECK_SAMPLE_ROWS = 1000


def canonical(name: str) -> str:
    """`full`/`light` -> `contest`; other names unchanged."""
    return ALIASES.get(name, name)


def bundled_dir(name: str) -> Path:
    """The folder of bundled model `contest` ($SONIC_MODEL_DIR when set) or `north-sea`."""
    from sonic_model.core.config import bundled_model_dir, get_settings

    name = canonical(name)
    if name == CONTEST:
        return get_settings().model_dir
    return bundled_model_dir(name)


def load_bundled(name: str):
    """The `full` ensemble of bundled model `name` (sha256-checked, cached per process)."""
    from sonic_model.model.ensemble import load_ensemble

    return load_ensemble("full", model_dir=bundled_dir(name))


def unfamiliar_share(ens, frame: pd.DataFrame, depth_ft=None, ff=None,
                     sample_rows: int = SAMPLE_ROWS) -> float:
    """Share of the well's predictable samples that model `ens` would flag as outside its
    training range or as an unfamiliar log combination (NaN when nothing can be predicted).
    ``ff``: the frame's features, when already built with the model's PE fill."""
    from sonic_model.model import features as F
    from sonic_model.model.ensemble import member_predictions

    if ff is None or ff.pe_fill != ens.pe_fill:
        ff = F.build_features(frame.reset_index(drop=True), depth_ft, pe_fill=ens.pe_fill)
    row_set = F.row_curve_set(ff.clean)
    valid = np.flatnonzero(row_set != "")
    if not len(valid):
        return float("nan")
    rows = valid[::max(1, len(valid) // sample_rows)]
    sets = {k: {**part, "members": {"knn": part["members"]["knn"]}}
            for k, part in ens.sets.items()}
    _, novelty = member_predictions(ff.features.iloc[rows], row_set[rows], sets, ["knn"],
                                    {"knn": (True, False)})
    flagged = np.isfinite(novelty) & (novelty > ens.qc["novelty_threshold"])
    clean = ff.clean.iloc[rows]
    for curve, (lo, hi) in ens.qc["envelope"].items():
        v = clean[curve].to_numpy()
        flagged |= np.isfinite(v) & ((v < lo) | (v > hi))
    return float(flagged.mean())


def bundled_name(ens) -> str | None:
    """`contest` / `north-sea` when ``ens`` is one of the bundled models, else None (a user's
    own model: the user chose its wells, nothing to compare it with)."""
    name = ((getattr(ens, "card", None) or {}).get("bundled") or {}).get("name")
    return name if name in BUNDLED else None


def predicted_by(ensemble, attrs: dict):
    """The ensemble that made a prediction with these attrs: auto's pick (attrs["model"]),
    else `ensemble` itself. Its card is the one to read the prediction with."""
    name = attrs.get("model")
    if not (hasattr(ensemble, "pick") and name):
        return ensemble
    if name == CONTEST and attrs.get("dtc_blend"):      # auto's contest with north-sea's DTC
        return ensemble.blended() or ensemble.model(name)
    return ensemble.model(name)


def in_sample_for(well, ensemble, attrs: dict) -> str | None:
    """card.in_sample_note for `well`'s file and the model that predicted it."""
    from sonic_model.model.card import in_sample_note

    picked = predicted_by(ensemble, attrs)
    name = attrs.get("model") or getattr(picked, "name", "the model")
    return in_sample_note(getattr(well, "sha256", ""), {name: getattr(picked, "card", None)})


def unfamiliar_share_from_qc(qc) -> float:
    """unfamiliar_share read off a prediction's QC column (every predicted row instead of a
    sample: the same two flags), NaN when nothing was predicted."""
    from sonic_model.core.qc import QC_FLAGS, qc_bits

    bits = qc_bits(qc)
    predicted = (bits & QC_FLAGS["missing input"]) == 0
    if not predicted.any():
        return float("nan")
    unfamiliar = (bits & (QC_FLAGS["outside training range"]
                          | QC_FLAGS["unfamiliar log combination"])) != 0
    return float(unfamiliar[predicted].mean())


def better_suited(ens, frame: pd.DataFrame, depth_ft=None, ff=None,
                  mine: float | None = None) -> str | None:
    """When a bundled model was chosen by hand and the other bundled model knows this well
    clearly better (by auto's own rule: MARGIN fewer unfamiliar samples), the sentence that
    says so, else None. Its band was calibrated on its own training wells; on a well from
    another field it can be confidently wrong where no sample looks unfamiliar (contest on
    FORCE 16_2-16: 9 % of DTS beyond 3 sigma with no per-sample flag), so the whole well is
    flagged instead."""
    name = bundled_name(ens)
    if name is None:
        return None
    other = NORTH_SEA if name == CONTEST else CONTEST
    try:
        other_ens = load_bundled(other)
    except (ArtifactError, DataNotFoundError, OSError):   # not installed: nothing to compare
        return None
    if mine is None:       # ``mine``: the chosen model's share when its QC is at hand
        mine = unfamiliar_share(ens, frame, depth_ft, ff)
    theirs = unfamiliar_share(other_ens, frame, depth_ft, ff, CHECK_SAMPLE_ROWS)
    if not (np.isfinite(mine) and np.isfinite(theirs)) or theirs + MARGIN >= mine:
        return None
    return (f"{other} knows this well better than {name} ({mine:.0%} of samples unfamiliar "
            f"to {name}, {theirs:.0%} to {other})")


@dataclass
class Auto:
    """The `auto` choice: loads the bundled models on first use and picks one per well."""
    name: str = AUTO
    _models: dict = field(default_factory=dict, repr=False)

    def model(self, name: str):
        if name not in self._models:
            self._models[name] = load_bundled(name)
        return self._models[name]

    @property
    def card(self) -> dict:
        """The contest model's card (what a door shows before a well is chosen for)."""
        return self.model(CONTEST).card

    @property
    def pe_fill(self) -> float:
        return self.model(CONTEST).pe_fill

    def pick(self, frame: pd.DataFrame, depth_ft=None, ff=None) -> tuple[object, str, str]:
        """(ensemble, bundled name, reason in words) for this well; ``ff``: its features when
        the caller built them already (built once here otherwise, for both models)."""
        if ff is None:
            from sonic_model.model import features as F

            ff = F.build_features(frame.reset_index(drop=True), depth_ft, pe_fill=self.pe_fill)
        shares = {name: unfamiliar_share(self.model(name), frame, depth_ft, ff)
                  for name in BUNDLED}
        c, n = shares[CONTEST], shares[NORTH_SEA]
        if not np.isfinite(c) or not np.isfinite(n):
            return self.model(CONTEST), CONTEST, "auto: contest (no sample could be compared)"
        chosen = NORTH_SEA if n + MARGIN < c else CONTEST
        why = (f"auto: {chosen} ({c:.0%} of samples unfamiliar to contest, {n:.0%} to "
               f"north-sea; contest unless north-sea is {MARGIN:.0%} more familiar)")
        if chosen == CONTEST:
            blend = self.blended()
            if blend is not None:
                return blend, chosen, f"{why}; {blend.reason}"
        return self.model(chosen), chosen, why

    def blended(self):
        """contest with north-sea's DTC averaged in (dtc_blend.py), as contest's card says
        its training run validated it; None when it does not ship."""
        from sonic_model.model.dtc_blend import blended

        contest = self.model(CONTEST)
        spec = contest.card.get("auto_blend")
        if not (spec and spec.get("ships")):
            return None
        return blended(contest, self.model(NORTH_SEA), spec)
