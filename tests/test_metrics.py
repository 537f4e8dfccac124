"""sonic_model.core.metrics: the numbers the app shows against measured sonic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sonic_model.core.metrics import contest_rmse, curve_metrics, sonic_metrics


@pytest.mark.parametrize(
    "measured, predicted, expected",
    [
        ([1, 2, 3, 4], [1, 2, 3, 4], {"n": 4, "rmse": 0.0, "mae": 0.0, "r2": 1.0}),
        ([1, 2, 3, 4], [2, 3, 4, 5], {"n": 4, "rmse": 1.0, "mae": 1.0, "r2": 1 - 4 / 5}),
        ([0, 0, 10, 10], [0, 10, 10, 10], {"n": 4, "rmse": 5.0, "mae": 2.5, "r2": 0.0}),
        ([1, np.nan, 3], [1, 5, np.nan], {"n": 1, "rmse": 0.0, "mae": 0.0, "r2": math.nan}),
    ],
    ids=["perfect", "constant-offset", "half-wrong", "nan-pairs-dropped"],
)
def test_curve_metrics_known_values(measured, predicted, expected):
    got = curve_metrics(measured, predicted)
    assert got["n"] == expected["n"]
    for key in ("rmse", "mae", "r2"):
        if math.isnan(expected[key]):
            assert math.isnan(got[key])
        else:
            assert got[key] == pytest.approx(expected[key])


def test_curve_metrics_nothing_to_score_is_nan_not_an_error():
    got = curve_metrics([np.nan, np.nan], [1.0, 2.0])
    assert got["n"] == 0 and math.isnan(got["rmse"]) and math.isnan(got["r2"])


def test_r2_undefined_for_a_constant_measured_curve():
    assert math.isnan(curve_metrics([5, 5, 5], [4, 5, 6])["r2"])


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        curve_metrics([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="same length"):
        contest_rmse([1, 2], [1, 2], [1, 2], [1])


def test_contest_rmse_is_the_published_formula():
    rng = np.random.default_rng(0)
    n = 500
    m_dtc, m_dts = rng.normal(90, 15, n), rng.normal(170, 40, n)
    p_dtc, p_dts = m_dtc + rng.normal(0, 5, n), m_dts + rng.normal(0, 12, n)
    rmse, count = contest_rmse(m_dtc, p_dtc, m_dts, p_dts)
    manual = math.sqrt((np.sum((p_dtc - m_dtc) ** 2) + np.sum((p_dts - m_dts) ** 2)) / (2 * n))
    assert count == n and rmse == pytest.approx(manual)
    # Equal to the RMSE over both curves stacked, as the contest page phrases it.
    stacked = curve_metrics(np.r_[m_dtc, m_dts], np.r_[p_dtc, p_dts])["rmse"]
    assert rmse == pytest.approx(stacked)


def test_contest_rmse_counts_only_rows_with_both_curves():
    m_dtc = [100, 100, np.nan, 100]
    p_dtc = [101, 102, 103, 104]
    m_dts = [200, np.nan, 200, 200]
    p_dts = [201, 202, 203, 204]
    rmse, n = contest_rmse(m_dtc, p_dtc, m_dts, p_dts)
    assert n == 2  # rows 0 and 3
    assert rmse == pytest.approx(math.sqrt((1 + 16 + 1 + 16) / 4))
    assert contest_rmse([np.nan], [1], [1], [1]) == (pytest.approx(math.nan, nan_ok=True), 0)


def test_sonic_metrics_reports_only_what_the_well_has():
    result = pd.DataFrame({"DTC_PRED": [80.0, 90.0, 100.0], "DTS_PRED": [150.0, 160.0, 170.0]})
    only_dtc = pd.DataFrame({"DTC": [81.0, 89.0, 100.0]})
    got = sonic_metrics(only_dtc, result)
    assert set(got) == {"DTC"}
    both = only_dtc.assign(DTS=[150.0, np.nan, 171.0])
    got = sonic_metrics(both, result)
    assert set(got) == {"DTC", "DTS", "contest"}
    assert got["contest"]["n"] == 2
    assert sonic_metrics(pd.DataFrame({"DTC": [np.nan] * 3}), result) == {}
    assert sonic_metrics(pd.DataFrame({"GR": [1.0, 2.0, 3.0]}), result) == {}


def test_qc_reasons_are_counted_from_the_bits():
    from sonic_model.core.qc import count_reasons, qc_bits

    qc = ["OK", None, "missing input: CNC", "outside training range: HRD; washout", "washout"]
    assert count_reasons(qc) == {"OK": 2, "missing input": 1, "outside training range": 1,
                                 "washout": 2}
    assert count_reasons(pd.Series(qc))["OK"] == int((qc_bits(qc) == 0).sum())
    assert count_reasons([]) == {"OK": 0}
