"""sonic_model.model.explain: the trust verdict on a well and the plain readings of the model card."""

from __future__ import annotations

import pytest

from sonic_model.model import explain


def qc(ok=0, missing=0, unfamiliar=0, outside=0, washout=0) -> list[str]:
    return (["OK"] * ok + ["missing input: ZDEN"] * missing
            + ["unfamiliar log combination"] * unfamiliar
            + ["outside training range: GR"] * outside + ["washout (CAL 14.0 in)"] * washout)


@pytest.mark.parametrize("flags, level", [
    (qc(ok=95, washout=5), "ok"),
    (qc(ok=70, washout=30), "caution"),
    (qc(ok=40, washout=60), "untrusted"),                 # most samples flagged
    (qc(ok=60, outside=10, unfamiliar=30), "caution"),
    (qc(ok=45, unfamiliar=55), "untrusted"),              # most predicted unlike training
    (qc(missing=100), "untrusted"),                        # nothing predicted
    (qc(ok=0, outside=100), "untrusted"),                  # the Penobscot case: 0 samples OK
], ids=["clean", "some-washout", "mostly-washout", "partly-unlike", "mostly-unlike",
        "nothing-predicted", "nothing-ok"])
def test_trust_levels(flags, level):
    verdict = explain.well_trust(flags)
    assert verdict.level == level
    assert bool(verdict.advice) == (level != "ok")


def test_untrusted_verdict_says_what_it_means_and_what_to_do():
    verdict = explain.well_trust(qc(ok=20, missing=20, unfamiliar=60))
    assert verdict.samples == 100 and verdict.predicted == 80 and verdict.ok == 20
    assert verdict.flagged_share == pytest.approx(0.8)
    assert verdict.unlike_share == pytest.approx(0.75)
    assert "80 % of the samples are QC-flagged" in verdict.headline
    assert "20 % have no prediction" in verdict.headline
    assert "75 % of the predicted ones are unlike the training data" in verdict.headline
    assert "offset wells" in verdict.advice and "Train" in verdict.advice


def test_empty_well_is_not_judged():
    assert explain.well_trust([]).level == "ok"


CARD = {
    "ensembles": {
        "full": {"metrics": {"blocked": {"contest": 31.1, "per_fold": [
            {"contest": 70.8}, {"contest": 5.7}, {"contest": 13.3}, {"contest": 11.0}]},
            "lowo": {"contest": 30.9, "per_fold": [{"contest": 68.8}, {"contest": 14.0}]}}},
        "light": {"metrics": {"blocked": {"contest": 31.5, "per_fold": []}}},
    },
    "members": {
        "pcr": {"label": "PCR", "metrics": {
            "blocked": {"contest": 26.9, "per_fold": [
                {"contest": 58.9}, {"contest": 6.1}, {"contest": 14.8}, {"contest": 10.0}]},
            "lowo": {"contest": 27.7, "per_fold": [{"contest": 57.6}, {"contest": 15.4}]}}},
        "xgb": {"label": "XGBoost", "metrics": {"blocked": {"contest": 41.4}}},
    },
}


def test_cv_sentence_names_the_extrapolation_block_and_the_comparable_range():
    text = explain.cv_versus_leaderboard(CARD, "full")
    assert text.startswith("Not comparable with the leaderboard")
    assert "block 1" in text and "70.8" in text and "5.7–13.3" in text
    assert text.count(".") >= 1 and "\n" not in text
    assert explain.cv_versus_leaderboard({}, "full").endswith("Well #1 itself.")


def test_why_a_member_beats_the_ensembles_counts_the_folds_from_the_card():
    text = explain.why_member_beats_ensembles(CARD)
    assert text.startswith("Why PCR alone beats both ensembles on pooled RMSE (26.90 against 31.10)")
    # full beats PCR on folds 2 and 3 of blocked and fold 2 of lowo: 3 of 6.
    assert "better on 3 of the 6 held-out folds" in text
    worse = {**CARD, "members": {"xgb": CARD["members"]["xgb"]}}
    assert explain.why_member_beats_ensembles(worse) is None
    assert explain.why_member_beats_ensembles({}) is None


def test_a_non_linear_winner_is_not_called_linear():
    card = {**CARD, "members": {"xgb": {"label": "XGBoost", "metrics": {
        "blocked": {"contest": 20.0, "per_fold": [{"contest": 40.0}, {"contest": 9.0}]}}}}}
    text = explain.why_member_beats_ensembles(card)
    assert text.startswith("Why XGBoost alone beats both ensembles")
    assert "linear" not in text and "XGBoost extrapolates best into it" in text


def test_score_context_counts_scored_and_flagged_samples():
    import numpy as np
    import pandas as pd

    measured = pd.DataFrame({"DTC": [80.0, 82.0, np.nan, 90.0, 95.0],
                             "DTS": [140.0, np.nan, np.nan, 160.0, 170.0]})
    result = pd.DataFrame({"DTC_PRED": [81.0, 83.0, 85.0, np.nan, 99.0],
                           "DTS_PRED": [141.0, 150.0, 151.0, np.nan, 180.0],
                           "QC": ["OK", "washout", "OK", "missing input: GR",
                                  "unfamiliar log combination"]})
    ctx = explain.score_context(measured, result)
    # Rows 0, 1 and 4 have a measured and a predicted value; 1 and 4 are flagged.
    assert (ctx.samples, ctx.scored, ctx.flagged) == (5, 3, 2)
    assert ctx.flagged_share == pytest.approx(2 / 3)
    assert ctx.ok_scores["DTC"]["n"] == 1 and ctx.ok_scores["DTC"]["rmse"] == pytest.approx(1.0)


def test_the_sidebar_says_when_full_and_light_are_the_same_model():
    card = {"members": {"pcr": {}, "knn": {}, "xgb": {}, "rf": {}},
            "ensembles": {"full": {"members": ["pcr", "knn"]},
                          "light": {"members": ["knn", "pcr"]}}}
    text = explain.same_full_and_light(card)
    assert text.startswith("Full and light are the same model in this release (PCR + KNN)")
    assert "dropped RF, XGB" in text
    card["ensembles"]["full"]["members"] = ["pcr", "knn", "xgb"]
    assert explain.same_full_and_light(card) is None
    assert explain.same_full_and_light(None) is None
