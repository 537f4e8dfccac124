"""The advice over a prediction fits this well and this model: no banner the figures shown
beside it contradict (issue 17's cases, as result frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model.advice import (
    Validated,
    conditioned_rmse_from_card,
    validated_from_card,
    well_advice,
)

FLAGGED = "outside training range: GR"


def _result(n_flagged: int, n_ok: int, conditioned: int = 0) -> pd.DataFrame:
    n = n_flagged + n_ok
    out = pd.DataFrame({"DTC_PRED": np.full(n, 90.0), "DTS_PRED": np.full(n, 170.0),
                        "QC": [FLAGGED] * n_flagged + ["OK"] * n_ok})
    if conditioned:
        out["DTS_SOURCE"] = ["DTC-conditioned"] * conditioned + ["logs-only"] * (n - conditioned)
    return out


# The contest model's QC-OK samples on two FORCE wells (issue 17): poor.
POOR = Validated("2 wells of other fields", {"DTC": (15.6, 18.4)}, {"DTC": (0.41, 0.47)})
GOOD = Validated("4 wells of other fields", {"DTC": (7.9, 9.8)}, {"DTC": (0.78, 0.84)})


def test_poor_qc_ok_figures_are_quoted_instead_of_use_only_qc_ok():
    advice = well_advice(_result(70, 30), model="contest", own=False, validated=POOR)
    assert advice.level == "untrusted"
    text = advice.headline + advice.advice
    assert "use only QC-OK" not in text and "Use the QC-OK" not in text
    assert "15.6–18.4 us/ft" in text and "41–47 %" in text


def test_good_qc_ok_figures_send_users_to_the_qc_ok_intervals():
    advice = well_advice(_result(30, 70), model="contest", own=False, validated=GOOD)
    assert advice.level == "caution"
    assert "Use the QC-OK intervals" in advice.advice and "7.9–9.8 us/ft" in advice.advice


def test_unvalidated_qc_ok_is_not_promised():
    advice = well_advice(_result(70, 30), model="contest", own=False, validated=None)
    assert "have not been validated" in advice.advice
    assert "Use the QC-OK" not in advice.advice


def test_own_model_is_not_told_to_train_a_model_on_offset_wells():
    advice = well_advice(_result(70, 30), model="my-field", own=True, validated=None)
    assert "offset wells" not in advice.advice
    assert "'my-field' is your own model" in advice.advice
    bundled = well_advice(_result(70, 30), model="contest", own=False)
    assert "Train a model on offset wells" in bundled.advice


def test_dts_from_a_measured_dtc_is_not_called_untrustworthy():
    advice = well_advice(_result(70, 30, conditioned=90), model="contest", own=False,
                         conditioned_rmse=5.3)
    assert advice.headline.startswith("Do not trust the predicted DTC")
    assert "this well's prediction" not in advice.headline
    assert "measured DTC on 90 %" in advice.advice and "5.3 us/ft" in advice.advice


def test_a_clean_well_gets_no_banner():
    assert well_advice(_result(5, 95), model="contest", own=False).level == "ok"


def test_nothing_predicted_says_what_is_missing():
    result = pd.DataFrame({"DTC_PRED": [np.nan] * 3, "DTS_PRED": [np.nan] * 3,
                           "QC": ["missing input: CNC"] * 3})
    advice = well_advice(result, model="contest", own=False)
    assert advice.level == "untrusted" and "required input" in advice.headline


@pytest.mark.parametrize(("card", "expected"), [
    ({}, None),
    ({"other_fields": {"leave_one_well_out": {"full": [
        {"well": "a", "DTC": {"qc_ok": {"rmse": 15.6, "coverage": 0.47}}},
        {"well": "b", "DTC": {"qc_ok": {"rmse": 18.4, "coverage": 0.41}}}]}}},
     Validated("2 wells of other fields", {"DTC": (15.6, 18.4)}, {"DTC": (0.41, 0.47)})),
    ({"other_fields": {"leave_one_well_out": {"full": [{"well": "a", "DTC": {"coverage": 0.6}}]}}},
     None),
], ids=["empty", "qc-ok-figures", "all-samples-only"])
def test_validated_figures_read_from_the_card(card, expected):
    assert validated_from_card(card, "full") == expected


def test_conditioned_rmse_prefers_leave_one_well_out():
    card = {"conditioned": {"validation": {
        "blocked": {"pooled": {"conditioned": {"rmse": 23.8}}},
        "lowo": {"pooled": {"conditioned": {"rmse": 14.8}}}}}}
    assert conditioned_rmse_from_card(card) == 14.8
    assert conditioned_rmse_from_card({}) is None
