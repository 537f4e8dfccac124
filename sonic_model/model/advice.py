"""The advice shown over a prediction, computed from what this well and this model really show.

explain.well_trust measures how much of a well is QC-flagged or unlike the training data; this
module turns that into advice that fits the case instead of one fixed text:

* the model chosen: a model trained on the user's own wells is never told to "train a model
  on offset wells"; it is told how to improve or check it;
* the shear route: where DTS comes from the well's measured DTC (DTS_SOURCE), the verdict on
  the logs-only prediction is not applied to DTS, and the conditioned route's own held-out
  figure is quoted;
* "use the QC-OK intervals" only when the card's held-out figures for QC-OK samples on wells
  like this one back it; when they do not (the contest model's QC-OK samples on FORCE wells:
  DTC RMSE 15-18 us/ft, 41-47 % inside P10-P90), the figures are quoted instead.

Pure functions (no Streamlit): tests/test_advice.py covers the cases, views/predict.py shows
the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sonic_model.core.columns import SOURCE_CONDITIONED
from sonic_model.model.explain import Level, well_trust

# QC-OK samples held out on wells like this one must have at least this share inside their
# P10-P90 band (80 % nominal) for the advice to send users to them.
USABLE_COVERAGE = 0.7
# DTS from the measured DTC on at least this share of the predicted samples: the well's DTS
# is the conditioned route's, and the logs-only verdict is about DTC alone.
CONDITIONED_SHARE = 0.5


@dataclass(frozen=True)
class Validated:
    """Held-out figures of QC-OK samples on wells like this one, per target: (lowest,
    highest) over the wells, and what they were measured on."""

    scope: str
    rmse: dict[str, tuple[float, float]] = field(default_factory=dict)
    coverage: dict[str, tuple[float, float]] = field(default_factory=dict)

    def usable(self, target: str = "DTC") -> bool:
        lo = self.coverage.get(target, (0.0, 0.0))[0]
        return lo >= USABLE_COVERAGE


@dataclass(frozen=True)
class Advice:
    level: Level          # "ok" (nothing to show), "caution" or "untrusted"
    headline: str
    advice: str


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _span(pair: tuple[float, float], fmt) -> str:
    lo, hi = pair
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def conditioned_share(result: pd.DataFrame) -> float:
    """Share of the predicted samples whose DTS comes from the measured DTC."""
    if "DTS_SOURCE" not in result.columns:
        return 0.0
    source = result["DTS_SOURCE"].fillna("").astype(str)
    predicted = np.isfinite(pd.to_numeric(result["DTS_PRED"], errors="coerce")).sum()
    used = int(source.str.startswith(SOURCE_CONDITIONED).sum())
    return used / predicted if predicted else 0.0


def _figures(validated: Validated, target: str) -> str:
    return (f"{target} RMSE {_span(validated.rmse[target], lambda v: f'{v:.1f}')} us/ft with "
            f"{_span(validated.coverage[target], lambda v: f'{100 * v:.0f}')} % inside P10–P90")


def _qc_ok_advice(validated: Validated | None) -> str:
    if validated is None or "DTC" not in validated.coverage or "DTC" not in validated.rmse:
        return ("QC-OK intervals have not been validated on wells like this one: check them "
                "against any measured sonic before using them.")
    if validated.usable("DTC"):
        return (f"Use the QC-OK intervals: held out on {validated.scope} they had "
                f"{_figures(validated, 'DTC')}.")
    return (f"QC-OK is no guarantee here: held out on {validated.scope}, even QC-OK samples "
            f"had {_figures(validated, 'DTC')} (80 % expected). Treat every interval as "
            "indicative and check it against any measured sonic.")


def _model_advice(model: str, own: bool) -> str:
    if own:
        return (f"'{model}' is your own model: if these figures are not good enough, add wells "
                "from this area with measured DTC/DTS to it (Train page), and compare its "
                "leave-one-well-out scores on the Model page.")
    return ("Train a model on offset wells from the same area that have measured DTC/DTS "
            "(the Train page) and predict with it.")


def well_advice(result: pd.DataFrame, *, model: str, own: bool,
                validated: Validated | None = None,
                conditioned_rmse: float | None = None) -> Advice:
    """The banner for this well's prediction: level, one headline, what to do.

    ``result`` holds QC and, when the well's measured DTC was used, DTS_SOURCE; ``model`` is
    the model that predicted, ``own`` whether it was trained on the user's wells;
    ``validated`` the card's held-out figures for QC-OK samples on wells like this one (None:
    not measured); ``conditioned_rmse`` the conditioned shear route's held-out DTS RMSE.
    """
    trust = well_trust(result["QC"])
    if trust.level == "ok":
        return Advice("ok", "", "")
    shares = (f"{_pct(trust.flagged_share)} of the samples are QC-flagged, "
              f"{_pct(trust.unlike_share)} of the predicted ones unlike the data "
              f"'{model}' learnt from")
    conditioned = conditioned_share(result) >= CONDITIONED_SHARE
    what = "the predicted DTC" if conditioned else "this well's prediction"
    if trust.predicted == 0:
        headline = trust.headline
    elif trust.level == "untrusted":
        headline = f"Do not trust {what} as a whole: {shares}."
    else:
        headline = (f"Use the predicted DTC with care: {shares}." if conditioned
                    else f"Use with care: {shares}.")
    parts = []
    if trust.level == "caution":
        parts.append("Flagged intervals (the QC strip beside the tracks) may be far off.")
    if conditioned:
        figure = (f" (held-out DTS RMSE {conditioned_rmse:.1f} us/ft)"
                  if conditioned_rmse is not None else "")
        parts.append(f"DTS comes from the well's measured DTC on "
                     f"{_pct(conditioned_share(result))} of the predicted samples{figure}; "
                     "there the verdict above is not about DTS.")
    if trust.predicted == 0:
        parts.append(trust.advice)
    else:
        parts.append(_qc_ok_advice(validated))
        parts.append(_model_advice(model, own))
    return Advice(trust.level, headline, " ".join(parts))


def validated_from_card(card: dict | None, ensemble: str = "full") -> Validated | None:
    """QC-OK figures on other wells from a model card, when it records them:
    ``other_fields.leave_one_well_out[ensemble]`` rows with a ``qc_ok`` entry per target
    ({"rmse", "coverage"}), or, for a model trained on the user's wells,
    ``own.lowo.per_well`` rows with the same entry. None when the card has no such figures."""
    card = card or {}
    rows = ((card.get("other_fields") or {}).get("leave_one_well_out") or {}).get(ensemble)
    scope = f"{len(rows or [])} wells of other fields"
    if not rows:
        rows = (((card.get("own") or {}).get("lowo") or {}).get("per_well")) or []
        scope = f"your {len(rows)} wells, each left out in turn"
    rmse: dict[str, list[float]] = {}
    cover: dict[str, list[float]] = {}
    for row in rows:
        for target in ("DTC", "DTS"):
            ok = ((row.get(target) or {}).get("qc_ok")) or {}
            if isinstance(ok.get("rmse"), (int, float)):
                rmse.setdefault(target, []).append(float(ok["rmse"]))
            if isinstance(ok.get("coverage"), (int, float)):
                cover.setdefault(target, []).append(float(ok["coverage"]))
    if not cover.get("DTC") or not rmse.get("DTC"):
        return None
    return Validated(scope, {t: (min(v), max(v)) for t, v in rmse.items()},
                     {t: (min(v), max(v)) for t, v in cover.items()})


def conditioned_rmse_from_card(card: dict | None) -> float | None:
    """The conditioned shear route's held-out DTS RMSE (leave one well out when the card has
    it, else blocked folds)."""
    validation = ((card or {}).get("conditioned") or {}).get("validation") or {}
    for scheme in ("lowo", "blocked"):
        pooled = ((validation.get(scheme) or {}).get("pooled") or {}).get("conditioned") or {}
        if isinstance(pooled.get("rmse"), (int, float)):
            return float(pooled["rmse"])
    return None
