"""The model card's fit-for-purpose figures: computed from held-out prediction frames, perfect
when the prediction is the measurement, lower when it is not; absent (and said so) for a model
trained on one well; the synth summary quotes them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model.realisations import correlated_normals
from sonic_model.model.synth_options import SynthOptions
from sonic_model.model.synth_score import card_rows, expectations, score_lines
from sonic_model.training.synth_figures import card_section, fit_for_purpose, with_dtc_section

OPTS = SynthOptions(realisations=10, seed=0)


def _frame(n: int = 3000, error: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """A well of layered rock: measured DTC/DTS/ZDEN, and a 'prediction' = measured plus
    vertically correlated error of `error` us/ft, with a band of +-1.28 error."""
    depth_ft = 5000 + 0.5 * np.arange(n)
    z = correlated_normals(3, depth_ft * 0.3048, 3.0, 0.0, seed)[0]
    dtc = 90 + 12 * np.sin(np.arange(n) / 37.0) + 6 * z[0]
    dts = dtc * (1.75 + 0.1 * np.sin(np.arange(n) / 53.0))
    zden = 2.45 - 0.004 * (dtc - 90) + 0.02 * z[1]
    noise = correlated_normals(1, depth_ft * 0.3048, 5.0, 0.8, seed + 1)[:, 0]
    frame = pd.DataFrame({"DEPTH_FT": depth_ft, "DTC": dtc, "DTS": dts, "ZDEN": zden})
    for k, (t, values) in enumerate((("DTC", dtc), ("DTS", dts))):
        pred = values + error * noise[k] * (1 if t == "DTC" else 1.8)
        half = 1.2816 * error * (1 if t == "DTC" else 1.8)
        frame[f"{t}_PRED"], frame[f"{t}_P10"], frame[f"{t}_P90"] = pred, pred - half, pred + half
    return frame


def test_a_perfect_prediction_scores_one_and_a_noisy_one_less():
    section = fit_for_purpose({"perfect": _frame(), "noisy": _frame(error=4.0)}, OPTS, log=None)
    perfect, noisy = section["wells"]["perfect"], section["wells"]["noisy"]
    assert perfect["angles"]["0"]["depth_corr"] == pytest.approx(1.0, abs=1e-6)
    assert perfect["angles"]["0"]["time_corr"] == pytest.approx(1.0, abs=1e-6)
    assert perfect["avo_gradient"]["depth_corr"] == pytest.approx(1.0, abs=1e-6)
    assert perfect["base_shift_ms"] == 0
    assert noisy["angles"]["0"]["depth_corr"] < 0.99
    assert 0.5 < noisy["angles"]["0"]["coverage"] <= 1.0
    assert section["summary"]["wells"] == 2
    assert section["residuals"]["correlation_length_m"] > 0


def test_a_single_well_model_has_no_section_and_the_summary_says_so():
    assert card_section(None, [], {"combined": {"blocked": None}}, {"blocked": {}}) == {}
    lines = score_lines(None, None)
    assert "no measured sonic" in lines[0]
    assert "has no fit-for-purpose figures yet" in lines[1]


def test_the_summary_quotes_the_cards_figures():
    section = fit_for_purpose({"noisy": _frame(error=4.0)}, OPTS, log=None)
    lines = score_lines(None, section["summary"])
    assert "what to expect without sonic (model card, 1 held-out wells" in lines[1]
    assert f"{section['summary']['ni_depth_corr']:.2f} in depth" in lines[1]


def _held(frames: dict, error: float, seed: int = 5) -> tuple:
    """(DTS, P10, P90) row for row over `frames`: the measured DTS plus correlated error of
    `error` us/ft, as a held-out DTC-conditioned shear would be."""
    parts = []
    for k, frame in enumerate(frames.values()):
        z = correlated_normals(1, frame["DEPTH_FT"].to_numpy() * 0.3048, 5.0, 0.0,
                               seed + k)[0, 0]
        parts.append(frame["DTS"].to_numpy() + error * z)
    dts = np.concatenate(parts)
    return dts, dts - 1.28 * error, dts + 1.28 * error


def test_with_a_measured_dtc_the_avo_gradient_is_judged_on_the_predicted_shear_alone():
    # The logs-only prediction is poor in both sonic logs; the shear from the measured DTC is
    # good: the with-DTC figures must judge that shear (with the measured DTC), not the
    # logs-only logs, and be perfect when that shear is the measurement.
    frames = {"a": _frame(error=6.0), "b": _frame(error=6.0, seed=3)}
    exact = with_dtc_section(frames, _held(frames, 0.0), log=None)["with_measured_dtc"]
    assert exact["wells"]["a"]["avo_gradient"]["depth_corr"] == pytest.approx(1.0, abs=1e-6)
    assert "0" not in exact["wells"]["a"]["angles"]   # the measured DTC's own synthetic
    noisy = with_dtc_section(frames, _held(frames, 3.0), log=None)["with_measured_dtc"]
    logs_only = fit_for_purpose(frames, OPTS, log=None)
    for well in frames:
        with_dtc = noisy["wells"][well]["avo_gradient"]["depth_corr"]
        assert with_dtc < 0.999
        assert with_dtc > logs_only["wells"][well]["avo_gradient"]["depth_corr"]
    assert noisy["summary"]["wells"] == 2
    assert noisy["summary"]["avo_gradient_corr"] == pytest.approx(
        np.median([noisy["wells"][w]["avo_gradient"]["depth_corr"] for w in frames]), abs=1e-3)


def test_the_summary_and_the_cards_rows_quote_the_figures_with_a_measured_dtc():
    frames = {"a": _frame(error=4.0)}
    ffp = fit_for_purpose(frames, OPTS, log=None)
    ffp.update(with_dtc_section(frames, _held(frames, 2.0), log=None))
    card = {"fit_for_purpose": ffp}
    expected = expectations(card)
    median = ffp["with_measured_dtc"]["summary"]["avo_gradient_corr"]
    assert expected["avo_gradient_corr_with_dtc"] == median
    assert f"({median:.2f} with a measured DTC)" in score_lines(None, expected)[1]
    rows = card_rows(card)
    assert rows[0]["avo_gradient_corr_with_dtc"] == \
        ffp["with_measured_dtc"]["wells"]["a"]["avo_gradient"]["depth_corr"]
    assert rows[-1]["avo_gradient_corr_with_dtc"] == median
    # An older card without them reads as before.
    assert "with a measured DTC" not in score_lines(None, expectations(
        {"fit_for_purpose": fit_for_purpose(frames, OPTS, log=None)}))[1]
