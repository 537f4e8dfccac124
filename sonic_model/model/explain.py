"""Plain-language readings for users: how far to trust a prediction, and what the card's
validation figures do and do not say.

Pure functions of a result frame or the model card (no Streamlit), so the dashboard's
warnings and explanations are tested with numbers and shown by thin pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sonic_model.core.qc import QC_FLAGS, qc_bits

# The flags that say "this rock or tool response is not like the training well".
UNLIKE_TRAINING = ("outside training range", "unfamiliar log combination")
# Thresholds on shares of samples. Most samples flagged, or half the predicted samples unlike
# the training data: the well as a whole is outside what the model knows (an error). A
# quarter: parts of it are (a warning). Chosen so that every FORCE 2020 well (North Sea,
# not Volve) reads as untrustworthy while the contest's own wells do not.
UNTRUSTED_SHARE = 0.5
CAUTION_SHARE = 0.25

Level = Literal["ok", "caution", "untrusted"]
# Members that are linear in their features (see sonic_model.members).
LINEAR_MEMBERS = frozenset({"pcr"})

ADVICE = ("Train a model on offset wells from the same area that have measured DTC/DTS "
          "(the Train page) and predict with it; until then use only QC-OK intervals, and "
          "check them against any sonic you have.")


@dataclass(frozen=True)
class Trust:
    """How far a well's prediction can be trusted, as shares of its samples."""

    samples: int          # rows in the (selected part of the) well
    predicted: int        # rows with a prediction (no missing required input)
    ok: int               # rows with QC "OK"
    unlike: int           # predicted rows flagged outside range / unfamiliar combination
    level: Level
    headline: str         # one sentence: what is wrong, with the shares
    advice: str           # what to do about it ("" when level is "ok")

    @property
    def flagged_share(self) -> float:
        return 1.0 - self.ok / self.samples if self.samples else 0.0

    @property
    def unlike_share(self) -> float:
        return self.unlike / self.predicted if self.predicted else 0.0


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def predicted_rows(qc: pd.Series | list[str]) -> np.ndarray:
    """(n,) mask of the rows with a prediction: no required input missing there. The one
    definition of "predicted samples" the Predict page's QC line, shear caption and advice
    (whose shares are of the predicted samples) share."""
    return (qc_bits(qc) & QC_FLAGS["missing input"]) == 0


def well_trust(qc: pd.Series | list[str]) -> Trust:
    """The trust verdict on a prediction from its QC column.

    "untrusted" when nothing could be predicted, when at least half the samples carry a QC
    flag, or when at least half the predicted samples are unlike the training data;
    "caution" from a quarter; "ok" otherwise.
    """
    bits = qc_bits(qc)
    n = int(bits.size)
    missing = ~predicted_rows(qc)
    unlike_bits = 0
    for reason in UNLIKE_TRAINING:
        unlike_bits |= QC_FLAGS[reason]
    predicted = int((~missing).sum())
    ok = int((bits == 0).sum())
    unlike = int((((bits & unlike_bits) != 0) & ~missing).sum())
    flagged = 1.0 - ok / n if n else 0.0
    unlike_share = unlike / predicted if predicted else 0.0
    if n == 0:
        return Trust(0, 0, 0, 0, "ok", "", "")
    if predicted == 0:
        return Trust(n, 0, ok, 0, "untrusted",
                     "No sample could be predicted: every row lacks a required input "
                     "(CNC, GR, HRD or ZDEN).",
                     "Map the missing curves in Curve mapping, or use a file that has them.")
    shares = (f"{_pct(flagged)} of the samples are QC-flagged ({_pct(1 - predicted / n)} "
              f"have no prediction for want of a required input; {_pct(unlike_share)} of the "
              "predicted ones are unlike the training data)")
    if flagged >= UNTRUSTED_SHARE or unlike_share >= UNTRUSTED_SHARE:
        return Trust(n, predicted, ok, unlike, "untrusted",
                     f"Do not trust this well's prediction as a whole: {shares}. The models "
                     "learnt from one well (PDDA 2020 Well #1, Volve, North Sea); on rocks and "
                     "tools unlike it their errors can be several times the validation RMSE, "
                     "and the P10–P90 band may miss the truth.", ADVICE)
    if flagged >= CAUTION_SHARE or unlike_share >= CAUTION_SHARE:
        return Trust(n, predicted, ok, unlike, "caution",
                     f"Use with care: {shares}. Flagged intervals (the QC strip beside the "
                     "tracks) may be far off.", ADVICE)
    return Trust(n, predicted, ok, unlike, "ok", "", "")


# --------------------------------------------------------------------------- the model card

def _folds(entry: dict, scheme: str) -> list[float]:
    return [f.get("contest") for f in entry.get("metrics", {}).get(scheme, {}).get("per_fold", [])
            if isinstance(f.get("contest"), (int, float))]


def cv_versus_leaderboard(card: dict | None, ensemble: str = "full") -> str:
    """One plain sentence on why our Well #1 CV figure is not comparable with the leaderboard,
    with the figures that come closer (the held-out blocks other than the extrapolation one).
    """
    entry = (card or {}).get("ensembles", {}).get(ensemble, {})
    folds = _folds(entry, "blocked")
    text = ("Not comparable with the leaderboard: those teams trained on all of Well #1 and "
            "were scored on Well #2, while our figure holds out slices of Well #1 itself")
    if len(folds) >= 2:
        worst = int(np.argmax(folds))
        rest = [f for i, f in enumerate(folds) if i != worst]
        # Block 1 is the top of the file: the shallow, very slow rocks (Vp/Vs up to 3.7).
        what = " (the shallow, very slow rocks no other block resembles)" if worst == 0 else ""
        text += (f", and block {worst + 1}{what} is an extrapolation that alone scores "
                 f"{folds[worst]:.1f}; on the other {len(rest)} blocks the {ensemble} ensemble "
                 f"scores {min(rest):.1f}–{max(rest):.1f}")
    return text + "."


def why_member_beats_ensembles(card: dict | None) -> str | None:
    """Why one member alone has a lower pooled RMSE than every ensemble, or None if none does.

    Pooled RMSE squares errors, so the extrapolation block dominates it; the ensembles'
    weights minimise the geometric mean of per-fold RMSE (8 held-out folds), so they win on
    most folds while a gently-extrapolating linear member wins the pooled figure.
    """
    card = card or {}
    ensembles, members = card.get("ensembles", {}), card.get("members", {})

    def pooled(entry):
        return entry.get("metrics", {}).get("blocked", {}).get("contest")

    ens = {k: pooled(e) for k, e in ensembles.items() if pooled(e) is not None}
    mem = {k: pooled(e) for k, e in members.items() if pooled(e) is not None}
    if not ens or not mem:
        return None
    best = min(mem, key=mem.get)
    if mem[best] >= min(ens.values()):
        return None
    ref = min(ens, key=ens.get)
    wins = total = 0
    for scheme in ("blocked", "lowo"):
        a, b = _folds(ensembles[ref], scheme), _folds(members[best], scheme)
        for x, y in zip(a, b):
            total += 1
            wins += x < y
    label = members[best].get("label", best)
    how = ("a linear model extrapolates most gently" if best in LINEAR_MEMBERS else
           f"{label} extrapolates best into it")
    text = (f"Why {label} alone beats both ensembles on pooled RMSE ({mem[best]:.2f} against "
            f"{ens[ref]:.2f}): pooled RMSE squares the errors, so the first block, an "
            f"extrapolation for every model, dominates it, and {how}.")
    if total:
        text += (f" Fold by fold the {ref} ensemble is better on {wins} of the {total} held-out "
                 "folds: its weights minimise the geometric mean of per-fold RMSE, so that one "
                 "block cannot choose them alone (see the model card's per-fold figures).")
    return text


def same_full_and_light(card: dict | None) -> str | None:
    """A plain note when the full and light ensembles ship the same members, or None.

    Training keeps only the members whose held-out error earns their place
    (selection.py), so both choices can end up the same model; the sidebar must not suggest
    a trade-off that is not there.
    """
    ensembles = (card or {}).get("ensembles", {})
    full, light = ensembles.get("full", {}), ensembles.get("light", {})
    if not full.get("members") or sorted(full["members"]) != sorted(light.get("members", [])):
        return None
    kept = " + ".join(m.upper() for m in full["members"])
    dropped = sorted(set((card or {}).get("members", {})) - set(full["members"]))
    text = f"Full and light are the same model in this release ({kept})"
    if dropped:
        text += (f": validation dropped {', '.join(d.upper() for d in dropped)}, which made the "
                 "held-out error no lower while taking most of the megabytes")
    return text + ". Both names stay so that scripts using either keep working."


# --------------------------------------------------------------------------- scores in context

@dataclass(frozen=True)
class ScoreContext:
    """What scores against a well's own sonic rest on."""

    samples: int            # rows considered
    scored: int             # rows with measured sonic and a prediction
    flagged: int            # of the scored rows, those with a QC flag
    ok_scores: dict         # metrics.sonic_metrics over the QC-OK rows only

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.scored if self.scored else 0.0


def score_context(measured: pd.DataFrame, result: pd.DataFrame) -> ScoreContext:
    """How many samples the scores rest on, how many of those are flagged, and the scores on
    the QC-OK ones alone (so a user can tell a bad well from a bad interval)."""
    from sonic_model.core.curves import TARGETS
    from sonic_model.core.metrics import sonic_metrics
    from sonic_model.core.qc import QC_OK

    has = np.zeros(len(measured), dtype=bool)
    for t in TARGETS:
        if t in measured and f"{t}_PRED" in result:
            has |= (np.isfinite(measured[t].to_numpy(dtype=float))
                    & np.isfinite(result[f"{t}_PRED"].to_numpy(dtype=float)))
    flagged = (result["QC"].fillna(QC_OK).astype(str) != QC_OK).to_numpy()
    ok = ~flagged
    return ScoreContext(samples=len(measured), scored=int(has.sum()),
                        flagged=int((has & flagged).sum()),
                        ok_scores=sonic_metrics(measured.loc[ok], result.loc[ok]))
