"""The bundled model on wells from other fields (FORCE 2020): wide bands or a flag, never a
confident wrong answer (issue 8: <= 5 % of samples beyond 3 sigma of their band with QC OK)."""

from __future__ import annotations

import numpy as np
import pytest

from sonic_model.io import force
from sonic_model.training import honesty
from support import unavailable


@pytest.fixture(scope="module")
def force_wells():
    folder = force.force_dir()
    if folder is None:
        unavailable("FORCE wells not found (../shared/force2020)")
    return force.read_force_wells(folder)


@pytest.mark.parametrize("ensemble", ["full", "light"])
def test_other_field_wells_get_honest_bands(model_dir, force_wells, ensemble):
    rows = honesty.honesty_table(force_wells, model_dir, ensemble)
    pooled = {r["target"]: r for r in rows if r["well"].startswith("ALL")}
    assert set(pooled) == {"DTC", "DTS"}
    for target, r in pooled.items():
        assert r["confident_wrong"] <= 0.05, (target, r)
        # and not by hiding everything behind flags or absurd bands
        assert r["flagged"] < 0.6 and r["width"] < 0.8 * abs(r["rmse"]) * 2.563 * 3
    for r in rows:
        assert r["confident_wrong"] <= 0.10, r


def test_confidently_wrong_counts_only_unflagged_samples_outside_3_sigma():
    measured = np.array([100.0, 100.0, 100.0, 100.0])
    pred = np.array([100.0, 130.0, 130.0, 101.0])
    p10, p90 = pred - 5.0, pred + 5.0          # sigma = 10 / 2.563 = 3.9 us/ft
    qc_ok = np.array([True, True, False, True])
    f = honesty.band_figures(measured, pred, p10, p90, qc_ok)
    assert f["confident_wrong"] == pytest.approx(0.25)   # row 1 only: row 2 is flagged
    assert f["coverage"] == pytest.approx(0.5) and f["flagged"] == pytest.approx(0.25)
    assert f["bias"] == pytest.approx(15.25)
