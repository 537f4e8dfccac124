"""The model card's fit-for-purpose figures: computed from held-out prediction frames, perfect
when the prediction is the measurement, lower when it is not; absent (and said so) for a model
trained on one well; the synth summary quotes them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model.realisations import correlated_normals
from sonic_model.model.synth_score import score_lines
from sonic_model.model.synth_options import SynthOptions
from sonic_model.training.synth_figures import card_section, fit_for_purpose

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
