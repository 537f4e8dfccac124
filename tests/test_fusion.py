"""Shear fusion: the DTC-conditioned and logs-only DTS combined by their bands, the band holding
their disagreement; validated route by route in each bundled model's card."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sonic_model.model.fusion import Z90, fuse


def _band(mean, sigma):
    mean = np.asarray(mean, float)
    return mean - Z90 * sigma, mean + Z90 * sigma


def test_the_narrower_band_carries_more_weight():
    cond, logs = np.array([100.0]), np.array([120.0])
    dts, lo, hi, w = fuse(cond, *_band(cond, 2.0), logs, *_band(logs, 6.0))
    assert w[0] == pytest.approx(0.9)            # 1/4 against 1/36
    assert dts[0] == pytest.approx(102.0)
    assert lo[0] < dts[0] < hi[0]


def test_disagreement_widens_the_band():
    cond = np.array([100.0, 100.0])
    logs = np.array([100.0, 140.0])               # agree, then disagree by 40 us/ft
    _, lo, hi, _ = fuse(cond, *_band(cond, 5.0), logs, *_band(logs, 5.0))
    agree, disagree = hi[0] - lo[0], hi[1] - lo[1]
    assert agree < 2 * Z90 * 5.0                  # two agreeing routes: narrower than either
    assert disagree > 2 * Z90 * 15.0              # the routes' gap shows in the band


def test_one_route_missing_leaves_the_other_unchanged():
    cond = np.array([np.nan, 90.0])
    logs = np.array([110.0, np.nan])
    clo, chi = _band(np.array([0.0, 90.0]), 3.0)
    llo, lhi = _band(np.array([110.0, 0.0]), 4.0)
    dts, lo, hi, w = fuse(cond, clo, chi, logs, llo, lhi)
    assert dts.tolist() == [110.0, 90.0] and w.tolist() == [0.0, 1.0]
    assert lo[0] == pytest.approx(llo[0]) and hi[1] == pytest.approx(chi[1])
    dts, *_ = fuse(np.array([np.nan]), [0.0], [1.0], np.array([np.nan]), [0.0], [1.0])
    assert np.isnan(dts[0])


@pytest.mark.parametrize("name", ["contest", "north-sea"])
def test_cards_report_both_routes_and_the_fused_one_per_fold(name):
    from sonic_model.core.config import bundled_model_dir

    from support import unavailable

    path = bundled_model_dir(name) / "model_card.json"
    if not path.is_file():
        unavailable(f"no bundled {name} model; run `python -m sonic_model train`")
    cond = json.loads(path.read_text())["conditioned"]
    fusion = cond["fusion"]
    assert set(fusion["objective"]) == {"conditioned", "logs_only_ensemble", "fused"}
    assert fusion["shipped"] == (fusion["objective"]["fused"]
                                 <= fusion["objective"]["conditioned"] * (1 + fusion["tolerance"]))
    for scheme in cond["validation"].values():
        for fold in scheme["per_fold"]:
            assert {"conditioned", "logs_only_ensemble", "fused"} <= set(fold)
        assert {"conditioned", "logs_only_ensemble", "fused"} == set(scheme["bands"])
