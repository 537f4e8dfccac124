"""auto on contest's field: contest's answer with its DTC averaged with north-sea's trees.

The blend is chosen in training with each Well #1 well held out by both models (auto_blend.py);
at prediction `auto` applies it when it picks contest, and only then. Naming contest gives
contest alone (the leaderboard's rules).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sonic_model as sm
from sonic_model.core.config import bundled_model_dir
from sonic_model.model.choice import Auto
from sonic_model.model.dtc_blend import other_dtc
from sonic_model.training import auto_blend

from support import cli, force_well, unavailable


@pytest.fixture(scope="module")
def contest_card():
    path = bundled_model_dir("contest") / "model_card.json"
    if not path.is_file() or not (bundled_model_dir("north-sea") / "model_card.json").is_file():
        unavailable("bundled models missing; run `python -m sonic_model train`")
    card = json.loads(path.read_text())
    if "auto_blend" not in card:
        unavailable("the contest card has no auto_blend: train both models together")
    return card


def _frame(y_dtc, y_dts, pred_dtc, vpvs=1.8):
    pred_dts = pred_dtc * vpvs
    return pd.DataFrame({"DTC": y_dtc, "DTS": y_dts, "DTC_PRED": pred_dtc,
                         "DTC_P10": pred_dtc * 0.93, "DTC_P90": pred_dtc * 1.07,
                         "DTS_PRED": pred_dts, "DTS_P10": pred_dts * 0.9,
                         "DTS_P90": pred_dts * 1.1})


def _wells(other_noise: float, seed: int = 0):
    """Three wells; contest and the other model each miss DTC by independent noise."""
    rng = np.random.default_rng(seed)
    contest, other = {"frames": {}}, {"member_dtc": {}, "dtc_weights": {"rf": 1.0}}
    for name in ("a", "b", "c"):
        y = 80 + 20 * np.sin(np.arange(2000) / 50.0)
        contest["frames"][name] = _frame(y, y * 1.8, y + rng.normal(0, 6, y.size))
        other["member_dtc"][name] = {"rf": y + rng.normal(0, other_noise, y.size)}
    return contest, other


def test_two_equally_good_independent_models_blend_near_half_and_ship():
    """Averaging two independent errors of equal size lowers the RMSE by about 1/sqrt(2) on
    every held-out well; DTS follows through the same Vp/Vs."""
    entry = auto_blend.section(*_wells(other_noise=6.0))
    assert entry["ships"] and 0.4 <= entry["weight"] <= 0.6
    for w in entry["wells"].values():
        alone, mixed = w["contest_alone"], w["blended"]
        assert mixed["DTC"]["rmse"] < 0.8 * alone["DTC"]["rmse"]
        assert mixed["DTS"]["rmse"] < 0.8 * alone["DTS"]["rmse"]
        assert 0.4 <= w["weight"] <= 0.6          # each chosen without its own well


def test_a_much_worse_partner_gets_no_weight():
    entry = auto_blend.section(*_wells(other_noise=60.0))
    assert entry["weight"] >= 0.95
    for w in entry["wells"].values():
        assert w["blended"]["contest"] <= w["contest_alone"]["contest"] * 1.002


def test_shipped_card_blends_only_where_no_held_out_well_got_worse(contest_card):
    b = contest_card["auto_blend"]
    assert b["members"] and "knn" not in b["members"]
    assert set(b["wells"]) == {"Well #1 (a)", "Well #1 (b)", "Well #1 (c)"}
    if b["ships"]:
        for name, w in b["wells"].items():
            assert w["blended"]["contest"] <= w["contest_alone"]["contest"] * 1.002, name
            assert w["blended"]["DTC"]["beyond_3_sigma"] <= 0.05, name
        assert b["summary"]["blended"]["contest"] < b["summary"]["contest_alone"]["contest"]


def test_auto_on_contest_field_averages_the_dtc_and_keeps_contest_vpvs(contest_card,
                                                                       contest_dir):
    frame = pd.read_csv(contest_dir / "train.csv").iloc[15000:18000].replace(-999, np.nan)
    frame = frame.drop(columns=["DTC", "DTS"])
    auto = sm.predict(frame)
    alone = sm.predict(frame, "contest")
    assert auto.attrs["model"] == "contest"
    if not contest_card["auto_blend"]["ships"]:      # no gain held out: contest alone
        pd.testing.assert_frame_equal(auto, alone, check_like=True)
        return
    assert "averaged with north-sea" in auto.attrs["model_reason"]
    assert alone.attrs["model_reason"] == "" and "dtc_blend" not in alone.attrs
    blend = Auto().pick(frame)[0]
    w = contest_card["auto_blend"]["weight"]
    expected = w * alone["DTC_PRED"] + (1 - w) * other_dtc(frame.reset_index(drop=True), blend)
    np.testing.assert_allclose(auto["DTC_PRED"], expected.to_numpy(), rtol=1e-9)
    assert (auto["DTC_PRED"] - alone["DTC_PRED"]).abs().max() > 0.5     # it does change
    np.testing.assert_allclose(auto["DTS_PRED"] / auto["DTC_PRED"],
                               alone["DTS_PRED"] / alone["DTC_PRED"], rtol=1e-9)
    inside = (auto["DTC_P10"] <= auto["DTC_PRED"]) & (auto["DTC_PRED"] <= auto["DTC_P90"])
    assert inside.all() and len(auto) == len(frame)
    assert (auto["QC"] == alone["QC"]).all()


@pytest.mark.slow
def test_info_prints_the_blend_table(contest_card):
    proc = cli("info", "--model", "contest", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "auto on contest's field, per held-out well" in proc.stdout
    assert "Well #1 (a)" in proc.stdout.split("auto on contest's field")[1]


def test_a_well_auto_gives_north_sea_is_not_blended(contest_card):
    well = sm.read_well(force_well("34_10-19"))
    auto = sm.predict_well(well)
    assert auto.attrs["model"] == "north-sea" and "dtc_blend" not in auto.attrs
    np.testing.assert_array_equal(auto["DTC_PRED"], sm.predict_well(well, "north-sea")["DTC_PRED"])
