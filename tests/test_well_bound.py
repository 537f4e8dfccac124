"""The well bound (training/well_bound.py): the logs-only band widened until no held-out well has
more than 5 % of its samples beyond 3 sigma, each well judged by a band fitted without it."""

from __future__ import annotations

import numpy as np
import pytest

from sonic_model.model.intervals import band, exceed_share, fit_band
from sonic_model.training import well_bound


def _wells(tails: list[float], n: int = 3000, seed: int = 0):
    """Held-out predictions of len(tails) wells; a well's errors are normal with a share
    ``tail`` of them ten times larger (an unlike well: confidently wrong in places)."""
    rng = np.random.default_rng(seed)
    k = len(tails)
    mean = np.column_stack([np.full(k * n, 100.0), np.full(k * n, 180.0)])
    err = rng.normal(0, 3, (k * n, 2))
    for i, tail in enumerate(tails):
        rows = slice(i * n, (i + 1) * n)
        wild = rng.random(n) < tail
        err[rows][wild] *= 10
    y = mean + err
    spread = np.full_like(mean, 1.0)
    novelty = np.full(k * n, 0.5)
    gap = np.zeros_like(mean)
    cv = {"lowo": {"folds": [(i * n, (i + 1) * n) for i in range(k)]}}
    return y, {"lowo": (mean, spread, novelty, gap)}, cv


def _fit_without(y, parts):
    mean, spread, novelty, gap = parts["lowo"]
    return lambda m: fit_band(y[~m], mean[~m], spread[~m], novelty[~m], gap[~m])


def _held_out_shares(y, parts, cv, cal_of):
    """Share beyond 3 sigma of each well, banded by cal_of(mask of that well)."""
    mean, spread, novelty, gap = parts["lowo"]
    shares = []
    for a, b in cv["lowo"]["folds"]:
        m = np.zeros(len(y), bool)
        m[a:b] = True
        lo, hi = band(mean[m], spread[m], novelty[m], cal_of(m), gap[m])
        shares.append(max(exceed_share(y[m, t], mean[m, t], lo[:, t], hi[:, t])
                          for t in range(2)))
    return shares


def test_an_unlike_well_widens_the_band_until_no_held_out_well_is_confidently_wrong():
    y, parts, cv = _wells([0.0, 0.0, 0.0, 0.12])
    groups = well_bound.lowo_groups(cv, len(y))
    fit_without = _fit_without(y, parts)
    before = _held_out_shares(y, parts, cv, fit_without)
    assert max(before) > 0.05                       # pooled calibration hides the unlike well
    whole = fit_without(np.zeros(len(y), bool))
    cal = well_bound.bound(whole, y, parts, groups, fit_without)
    assert cal["DTC"]["well_bound"] > 1.0 and cal["DTS"]["well_bound"] > 1.0
    assert cal["DTC"]["q90"] == pytest.approx(whole["DTC"]["q90"] * cal["DTC"]["well_bound"])

    def bounded_without(m):                        # each well: band without it, times k
        c = fit_without(m)
        return {t: {**c[t], "q10": c[t]["q10"] * cal[t]["well_bound"],
                    "q90": c[t]["q90"] * cal[t]["well_bound"]} for t in c}
    assert max(_held_out_shares(y, parts, cv, bounded_without)) <= 0.05 + 1e-9


def test_wells_that_are_all_honest_leave_the_band_as_it_was():
    y, parts, cv = _wells([0.0, 0.0, 0.0])
    fit_without = _fit_without(y, parts)
    whole = fit_without(np.zeros(len(y), bool))
    cal = well_bound.bound(whole, y, parts, well_bound.lowo_groups(cv, len(y)), fit_without)
    for t in ("DTC", "DTS"):
        assert cal[t]["well_bound"] == 1.0 and cal[t]["q90"] == whole[t]["q90"]


def test_one_well_has_nothing_to_leave_out():
    y, parts, cv = _wells([0.2])
    assert well_bound.lowo_groups(cv, len(y)) is None
    whole = _fit_without(y, parts)(np.zeros(len(y), bool))
    assert well_bound.bound(whole, y, parts, None, lambda m: None) is whole
