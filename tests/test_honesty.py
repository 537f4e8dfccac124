"""The bundled model's bands on wells from other fields that their between-field term never saw.

The band's between-field term (training/transfer.py) is fitted on the ten FORCE 2020 wells, so
scoring it on those same wells cannot fail. Here each FORCE well is held out in turn: the term
is refitted on the other nine (transfer.refit_without, as training fits it) and the held-out
well goes through predict() with that band. The figures users are told (the share of samples
beyond 3 sigma of their band while QC says OK, issue 8's target <= 5 %; P10-P90 coverage) are
pooled over the held-out wells and must stay within the bounds below.

What stays fitted with all ten wells: the shipped q10/q90, re-quantiled on Well #1 after the
term was added, so they see the held-out well only through Well #1's coverage.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sonic_model.io import force
from sonic_model.model.ensemble import load_ensemble, predict
from sonic_model.training import honesty, transfer

# Measured (bundled model v3, full ensemble, every row of the ten FORCE wells, each held out
# once), pooled over the held-out wells:
#                                  beyond 3 sigma       P10-P90
#                                  QC OK   QC ignored   coverage   flagged
#   DTC (10 wells, 71,267 samples)  0.023    0.053        0.52       0.54
#   DTS ( 4 wells, 14,849 samples)  0.035    0.054        0.78       0.27
# worst single well (16_2-16): 0.063 DTC and 0.070 DTS beyond 3 sigma with QC OK.
# Without the between-field term (Well #1's calibration alone) the same wells give 0.18 / 0.39
# beyond 3 sigma with QC OK and coverage 0.18 / 0.21: the bounds below fail such a band.
MAX_CONFIDENT_WRONG = 0.05          # issue 8's target, pooled over the held-out wells
MAX_CONFIDENT_WRONG_ONE_WELL = 0.10
MAX_BEYOND_3_SIGMA = 0.07           # QC ignored: the term is fitted to 0.05 on the other wells
MIN_COVERAGE = {"DTC": 0.45, "DTS": 0.70}
MAX_COVERAGE = 0.95                 # honest by being useful, not by absurdly wide bands
MAX_FLAGGED = 0.60


@pytest.fixture(scope="module")
def held_out(model_dir, force_dir):     # ten term fits and twenty predictions: ~20 s
    """{"lowo": [(curves, result)], "no_term": [...]}: each FORCE well predicted with the band
    term refitted without it, and with no between-field term at all (the dishonest band)."""
    ens = load_ensemble("full", model_dir)
    wells = [w for w in force.read_force_wells(force_dir)
             if not w.missing_required and "DTC" in w.curves]
    arrays = transfer.ensemble_arrays(wells, ens)
    assert arrays["wells"] == [w.name for w in wells] and len(wells) >= 5
    no_term = {t: {**c, "transfer": 0.0} for t, c in ens.intervals.items()}
    out = {"lowo": [], "no_term": []}
    for well in wells:
        refit = transfer.refit_without(arrays, well.name, ens.members, ens.weights,
                                       ens.shear_prior, ens.intervals)
        assert refit != ens.intervals
        for key, cal in (("lowo", refit), ("no_term", no_term)):
            result = predict(well.curves, dataclasses.replace(ens, intervals=cal),
                             depth_ft=well.depth_ft())
            out[key].append((well.curves, result))
    return out


def honest(parts, target: str) -> list[str]:
    """What is wrong with these bands on wells they never saw (empty: nothing)."""
    f = honesty.pooled_figures(parts, target)
    beyond = honesty.pooled_figures(parts, target, qc=False)["confident_wrong"]
    problems = []
    if f["confident_wrong"] > MAX_CONFIDENT_WRONG:
        problems.append(f"{f['confident_wrong']:.3f} beyond 3 sigma with QC OK")
    if beyond > MAX_BEYOND_3_SIGMA:
        problems.append(f"{beyond:.3f} beyond 3 sigma, QC ignored")
    if not MIN_COVERAGE[target] <= f["coverage"] <= MAX_COVERAGE:
        problems.append(f"P10-P90 coverage {f['coverage']:.2f}")
    if f["flagged"] >= MAX_FLAGGED:
        problems.append(f"{f['flagged']:.2f} flagged")
    for curves, result in parts:
        one = honesty.result_figures(curves, result).get(target)
        if one and one["confident_wrong"] > MAX_CONFIDENT_WRONG_ONE_WELL:
            problems.append(f"one well: {one['confident_wrong']:.3f} beyond 3 sigma, QC OK")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("target", ["DTC", "DTS"])
def test_bands_are_honest_on_wells_their_between_field_term_never_saw(held_out, target):
    assert honesty.pooled_figures(held_out["lowo"], target)["n"] > 5000
    assert honest(held_out["lowo"], target) == []


@pytest.mark.slow
@pytest.mark.parametrize("target", ["DTC", "DTS"])
def test_a_band_without_the_between_field_term_fails_the_same_bounds(held_out, target):
    problems = honest(held_out["no_term"], target)
    assert any("QC OK" in p for p in problems), problems


def test_confidently_wrong_counts_only_unflagged_samples_outside_3_sigma():
    measured = np.array([100.0, 100.0, 100.0, 100.0])
    pred = np.array([100.0, 130.0, 130.0, 101.0])
    p10, p90 = pred - 5.0, pred + 5.0          # sigma = 10 / 2.563 = 3.9 us/ft
    qc_ok = np.array([True, True, False, True])
    f = honesty.band_figures(measured, pred, p10, p90, qc_ok)
    assert f["confident_wrong"] == pytest.approx(0.25)   # row 1 only: row 2 is flagged
    assert f["coverage"] == pytest.approx(0.5) and f["flagged"] == pytest.approx(0.25)
    assert f["bias"] == pytest.approx(15.25)
