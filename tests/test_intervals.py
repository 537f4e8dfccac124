"""Band calibration, the mudrock shear prior and member selection, on synthetic cases whose
right answer is known, so each test fails if the behaviour a user relies on breaks."""

from __future__ import annotations

import numpy as np
import pytest

from sonic_model.model import intervals as I
from sonic_model.physics.shear_prior import (
    DEFAULT_PRIOR,
    apply_shear_prior,
    mudrock_dts,
    prior_weight,
)
from sonic_model.training import selection


def _synthetic(n=20000, seed=0):
    """Held-out-like predictions whose error grows with novelty and scales with the value."""
    rng = np.random.default_rng(seed)
    dtc = rng.uniform(60, 130, n)
    vpvs = rng.uniform(1.7, 2.2, n)
    mean = np.column_stack([dtc, dtc * vpvs])
    novelty = rng.gamma(2.0, 0.3, n)
    spread = np.abs(rng.normal(0, 1, (n, 2))) * mean * 0.01
    rel_sigma = 0.03 + 0.05 * novelty
    y = mean * (1 + rng.normal(0, 1, (n, 2)) * rel_sigma[:, None])
    return y, mean, spread, novelty


def test_calibrated_band_covers_80_percent_of_a_fresh_sample_and_widens_with_novelty():
    y, mean, spread, novelty = _synthetic(seed=1)
    cal = I.fit_band(y, mean, spread, novelty, propagate=False)
    y2, mean2, spread2, novelty2 = _synthetic(seed=2)
    lo, hi = I.band(mean2, spread2, novelty2, cal)
    cov = I.coverage(y2, lo, hi)
    assert 0.77 <= cov["DTC"] <= 0.83 and 0.77 <= cov["DTS"] <= 0.83
    # familiar and unfamiliar samples are both covered ~80 %: the band follows the error
    for mask in (novelty2 < 0.3, novelty2 > 1.2):
        part = I.coverage(y2, lo, hi, mask)
        assert 0.72 <= part["DTC"] <= 0.88, part
    width = hi[:, 0] - lo[:, 0]
    assert np.median(width[novelty2 > 1.2]) > 2 * np.median(width[novelty2 < 0.3])


def test_band_is_relative_so_slow_rock_gets_a_wider_band():
    y, mean, spread, novelty = _synthetic(seed=3)
    cal = I.fit_band(y, mean, spread, novelty)
    one = np.array([[70.0, 130.0], [140.0, 420.0]])
    lo, hi = I.band(one, np.zeros_like(one), np.array([0.5, 0.5]), cal)
    assert (hi[1, 1] - lo[1, 1]) > 2.5 * (hi[0, 1] - lo[0, 1])


def test_an_uncertain_dtc_widens_the_dts_band_through_propagation():
    y, mean, spread, novelty = _synthetic(seed=4)
    cal = I.fit_band(y, mean, spread, novelty, propagate=True)
    assert cal["DTS"]["propagate"]
    one = np.array([[90.0, 170.0], [90.0, 170.0]])
    wide_dtc = dict(cal, DTC=dict(cal["DTC"], a=cal["DTC"]["a"] * 5))
    lo, hi = I.band(one, np.zeros_like(one), np.zeros(2), cal)
    lo5, hi5 = I.band(one, np.zeros_like(one), np.zeros(2), wide_dtc)
    assert (hi5[0, 1] - lo5[0, 1]) > 1.5 * (hi[0, 1] - lo[0, 1])


def test_legacy_absolute_calibration_is_read_as_it_was_fitted():
    cal = {t: {"a": 2.0, "b": 1.0, "c": 3.0, "q10": -1.0, "q90": 1.0} for t in ("DTC", "DTS")}
    mean = np.array([[80.0, 150.0]])
    lo, hi = I.band(mean, np.array([[1.0, 2.0]]), np.array([0.5]), cal)
    np.testing.assert_allclose(hi - mean, [[2 + 1 + 1.5, 2 + 2 + 1.5]])
    np.testing.assert_allclose(mean - lo, hi - mean)


def test_transfer_term_brings_other_field_exceedances_down_to_the_target():
    y, mean, spread, novelty = _synthetic(seed=5)
    cal = I.fit_band(y, mean, spread, novelty)
    # "another field": same inputs, a 12 % bias in shear the home wells never showed
    yo, mo, so, no = _synthetic(seed=6)
    yo = yo * np.array([1.0, 1.12])
    lo, hi = I.band(mo, so, no, cal)
    before = I.exceed_share(yo[:, 1], mo[:, 1], lo[:, 1], hi[:, 1])
    widened = I.fit_transfer(cal, yo, mo, so, no, targets=("DTS",), max_exceed=0.05)
    lo, hi = I.band(mo, so, no, widened)
    after = I.exceed_share(yo[:, 1], mo[:, 1], lo[:, 1], hi[:, 1])
    assert before > 0.15 and after <= 0.05 + 1e-3
    assert widened["DTC"]["transfer"] == 0.0 and widened["DTS"]["transfer"] > 0
    # requantile gives the home wells their calibrated coverage back
    home = I.requantile(widened, y, mean, spread, novelty)
    lo, hi = I.band(mean, spread, novelty, home)
    assert 0.79 <= I.coverage(y, lo, hi)["DTS"] <= 0.81


def test_mudrock_line_matches_castagna_and_is_capped():
    # Vp = 1.16 Vs + 1.36 km/s: Vp 3.0 km/s -> Vs 1.4138 km/s
    dtc = 304.8 / 3.0
    assert mudrock_dts(np.array([dtc]))[0] == pytest.approx(304.8 / ((3.0 - 1.36) / 1.16))
    # Vp/Vs grows as rock gets slower, and never beyond the cap
    ratio = mudrock_dts(np.array([70.0, 110.0, 140.0, 220.0])) / np.array([70.0, 110.0, 140.0, 220.0])
    assert np.all(np.diff(ratio) > 0) and ratio[-1] <= 4.0 + 1e-9


def test_the_prior_acts_only_in_slow_rock_that_is_not_hot_shale():
    dtc = np.array([80.0, 110.0, 130.0, 130.0])
    gr = np.array([60.0, 60.0, 60.0, 250.0])
    g = prior_weight(dtc, gr, DEFAULT_PRIOR)
    np.testing.assert_allclose(g, [0.0, 0.5, 1.0, 0.0])
    mean = np.column_stack([dtc, dtc * 1.9])
    out, gap = apply_shear_prior(mean, gr, DEFAULT_PRIOR)
    np.testing.assert_array_equal(out[:, 0], dtc)
    assert out[0, 1] == mean[0, 1] and out[3, 1] == mean[3, 1]
    assert out[2, 1] == pytest.approx(mudrock_dts(np.array([130.0]))[0])
    assert out[2, 1] > mean[2, 1]              # slower shear than the learnt Vp/Vs 1.9
    assert gap[2, 1] != 0 and gap[0, 1] == 0
    same, _ = apply_shear_prior(mean, gr, None)
    np.testing.assert_array_equal(same, mean)


def test_selection_drops_a_member_that_earns_nothing_and_keeps_one_that_does():
    rng = np.random.default_rng(7)
    n = 6000
    y = np.column_stack([rng.uniform(60, 120, n), rng.uniform(110, 250, n)])
    good = y + rng.normal(0, 3, (n, 2))
    other = y + rng.normal(0, 3, (n, 2))          # independent errors: averaging helps
    copy = good + rng.normal(0, 0.05, (n, 2))     # a near-copy of "good": buys nothing
    folds = [(0, 2000), (2000, 4000), (4000, 6000)]
    pred = {"good": good, "other": other, "copy": copy, "knn": other + rng.normal(0, 6, (n, 2))}
    cv = {"blocked": {"folds": folds, "pred": pred},
          "lowo": {"folds": folds[::-1], "pred": pred}}
    from sonic_model.training.validation import fit_weights

    kept, record = selection.select_members(y, cv, ["good", "copy", "other", "knn"],
                                            fit_weights, lambda m, s: m, 0.002,
                                            log=lambda m: None)
    assert "knn" in kept                       # always kept: it is the novelty measure
    assert not {"good", "copy"} <= set(kept)   # one of the twins goes
    assert "other" in kept
    assert record["steps"][-1]["objective"] <= record["steps"][0]["objective"] * 1.002


def test_selection_keeps_every_member_when_no_fold_can_judge_them():
    y = np.full((300, 2), np.nan)
    pred = {"a": np.ones((300, 2)), "knn": np.ones((300, 2))}
    cv = {"lowo": {"folds": [(0, 150), (150, 300)], "pred": pred}}
    kept, _ = selection.select_members(y, cv, ["a", "knn"], lambda y, cv, k: np.full((len(k), 2), 0.5),
                                       lambda m, s: m, 0.002, log=lambda m: None)
    assert kept == ["a", "knn"]
