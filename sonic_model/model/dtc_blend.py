"""`auto` on the contest model's own field: contest's answer, its DTC averaged with north-sea's trees.

    blended = Blended(contest, north_sea, spec)      # what Auto.pick returns for such a well
    result = predict(frame, blended)                 # ensemble.predict calls its predict_blended

Why: the two bundled models err differently on Well #1's field. contest (PCR + KNN, Well #1
only) and north-sea's tree members (twelve wells, three fields) each miss DTC by 6-8 us/ft on a
held-out Well #1 well, but not at the same samples; their average misses less on every one of
the three wells, each held out with the weight chosen on the other two (training/auto_blend.py,
the contest card's `auto_blend`). DTS follows through contest's own Vp/Vs (DTS = DTC x Vp/Vs,
the route every member takes), so a better DTC is a better shear too; the P10-P90 bands are
contest's, relative to the answer, moved with it (their held-out coverage is in the card).

Only `auto` does this, only when it picks contest, and only when the card's training run found
it better held out (`ships`). Naming `contest` gives the contest model alone: the leaderboard's
rules (Well #1 only) and what the sidebar compares with the contest. north-sea's KNN is left
out on purpose: its search over twelve wells would double the time of a prediction, and its
DTC adds nothing held out once its trees are in (`auto_blend.members`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES

# Columns moved with the DTC: the answer and both bands (relative, so scaled, not shifted).
SCALED = ("DTC_PRED", "DTC_P10", "DTC_P90", "DTS_PRED", "DTS_P10", "DTS_P90")


@dataclass
class Blended:
    """contest (`base`) with its DTC averaged with `other`'s tree members. Anything else asked
    of it (card, pe_fill, conditioned route, QC settings) is the base model's."""
    base: object
    other: object
    weight: float                 # contest's share of the DTC
    members: tuple[str, ...]      # `other`'s members whose DTC is averaged in
    evidence: str = ""            # the card's held-out figures, in words

    def __getattr__(self, name):
        # Only called for names the dataclass does not have: the base model answers them.
        if name in ("base", "other", "weight", "members", "evidence", "card"):
            raise AttributeError(name)
        return getattr(self.base, name)

    @property
    def card(self) -> dict:
        """contest's card, its "what to expect" figures (`fit_for_purpose` summary and wells)
        those of the blend held out (auto_blend.py), so `synth` quotes what the user gets."""
        base = self.base.card
        blend = (base.get("auto_blend") or {}).get("fit_for_purpose")
        if not blend:
            return base
        ffp = {**(base.get("fit_for_purpose") or {}), "wells": blend["wells"],
               "summary": blend["summary"]}
        return {**base, "fit_for_purpose": ffp}

    def predict_blended(self, frame: pd.DataFrame, *, depth_ft=None, ff=None) -> pd.DataFrame:
        """What ensemble.predict does with a Blended: contest's prediction, then its DTC
        averaged with the other model's."""
        from sonic_model.model.ensemble import _features, predict

        if ff is None or ff.pe_fill != self.base.pe_fill:
            ff = _features(frame, depth_ft, self.base.pe_fill)
        result = predict(frame, self.base, depth_ft=depth_ft, ff=ff)
        out = blend_result(result, other_dtc(frame, self, depth_ft, ff), self.weight)
        out.attrs.update(result.attrs)
        out.attrs["dtc_blend"] = self.share_text
        return out

    @property
    def share_text(self) -> str:
        return f"{self.weight:.2f} contest, {1 - self.weight:.2f} north-sea"

    @property
    def reason(self) -> str:
        """What auto's reason adds when it blends."""
        return (f"its DTC averaged with north-sea's trees ({self.share_text}"
                + (f"; {self.evidence}" if self.evidence else "") + ")")


def blended(base, other, spec: dict | None) -> Blended | None:
    """Blended(base, other) when ``spec`` (a contest card's `auto_blend`) ships and `other`
    still holds the members it names; else None (auto then predicts with contest alone)."""
    if not spec or not spec.get("ships") or other is None:
        return None
    members = tuple(spec.get("members") or ())
    if not members or any(k not in getattr(other, "members", ()) for k in members):
        return None
    return Blended(base, other, float(spec["weight"]), members, evidence(spec))


def evidence(spec: dict) -> str:
    """The card's nested figures in a few words: contest score alone and blended."""
    s = spec.get("summary") or {}
    alone, mixed = (s.get(k, {}).get("contest") for k in ("contest_alone", "blended"))
    if alone is None or mixed is None:
        return ""
    return (f"Well #1's wells held out: contest score {alone:.2f} alone, {mixed:.2f} blended, "
            "geometric mean")


def other_dtc(frame: pd.DataFrame, blend: Blended, depth_ft=None, ff=None) -> np.ndarray:
    """`other`'s DTC (us/ft) from its tree members, weighted as its card weights them for DTC
    (renormalised over those members); NaN where they cannot predict."""
    from sonic_model.model import features as F
    from sonic_model.model.ensemble import _features, member_predictions

    other = blend.other
    if ff is None or ff.pe_fill != other.pe_fill:
        ff = _features(frame, depth_ft, other.pe_fill)
    kinds = list(blend.members)
    preds, _ = member_predictions(ff.features, F.row_curve_set(ff.clean), other.sets, kinds,
                                  {k: (True, False) for k in kinds})
    w = np.array([other.weights[other.members.index(k), 0] for k in kinds], dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(kinds), 1.0 / len(kinds))
    return sum(wk * preds[k][:, 0] for wk, k in zip(w, kinds))


def blend_result(result: pd.DataFrame, dtc_other: np.ndarray, weight: float) -> pd.DataFrame:
    """``result`` (predict's frame from contest) with DTC_PRED = weight x contest + (1 - weight)
    x other, DTS and both bands scaled by the same factor. Rows the other model could not
    predict keep contest's answer."""
    out = result.copy()
    dtc = out["DTC_PRED"].to_numpy(dtype=float)
    other = np.asarray(dtc_other, dtype=float)
    ok = np.isfinite(dtc) & np.isfinite(other) & (dtc > 0)
    ratio = np.ones(len(out))
    ratio[ok] = (weight * dtc[ok] + (1.0 - weight) * other[ok]) / dtc[ok]
    for col in SCALED:
        lo, hi = CURVES[col[:3]].valid
        out[col] = np.clip(out[col].to_numpy(dtype=float) * ratio, lo, hi)
    return out


