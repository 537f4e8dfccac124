"""Training: folds that do not leak, deterministic members, the generic trainer on real wells
(small subsets of FORCE wells read at run time), and a card the code reproduces."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sonic_model.core.digest import sha256_file
from sonic_model.core.errors import InputValueError
from sonic_model.model import ensemble as E
from sonic_model.model import features as F
from sonic_model.training import crossval, dataset
from sonic_model.training import trainer as T
from sonic_model.training.bundled import contest_wells
from sonic_model.training.member_fit import FULL_MEMBERS, fit_member
from sonic_model.training.validation import blocked_folds, score

from forcewells import DTC_ONLY, WITH_DTS
from forcewells import ROWS as SESSION_ROWS
from support import force_well

ROWS = 500          # per FORCE well: keeps the trainer test at seconds, not minutes


@pytest.fixture(scope="module")
def contest(contest_dir):
    return dataset.build_training_set(contest_wells(contest_dir))


@pytest.fixture(scope="module")
def card(model_dir):
    return json.loads((model_dir / "model_card.json").read_text())


def test_blocked_folds_are_contiguous_disjoint_and_cover_every_row():
    folds = blocked_folds(30143, 5)
    assert len(folds) == 5
    assert folds[0][0] == 0 and folds[-1][1] == 30143
    assert all(a < b for a, b in folds)
    assert all(folds[i][1] == folds[i + 1][0] for i in range(4))


def test_well_one_is_three_wells_whose_windows_never_cross(contest):
    assert contest.bounds == [(0, 13125), (13125, 19912), (19912, 30143)]
    assert dataset.schemes_for(contest, 5)["lowo"] == contest.bounds
    # the third well's PE is dead: nulls after cleaning
    assert contest.clean["PE"].iloc[19912:].isna().mean() > 0.95
    # Rewriting the second well leaves every feature of the first well unchanged.
    wells = contest_wells()
    wells[1].frame = wells[1].frame.assign(GR=wells[1].frame["GR"] + 50.0)
    changed = dataset.build_training_set(wells)
    pd.testing.assert_frame_equal(contest.features.iloc[:13125], changed.features.iloc[:13125])


@pytest.mark.slow
def test_held_out_predictions_do_not_see_the_held_out_targets(contest):
    schemes = {"blocked": blocked_folds(contest.n, 5)}
    quiet = dict(log=lambda m: None, n_jobs=1)
    base = crossval.cross_validate(contest, ["pcr"], schemes, **quiet)
    a, b = schemes["blocked"][2]
    y = contest.y.copy()
    y[a:b] = y[a:b] * 3.0 + 100.0
    poisoned = dataset.TrainingSet(contest.names, contest.bounds, contest.features, contest.clean, y,
                             contest.row_set, contest.sets)
    after = crossval.cross_validate(poisoned, ["pcr"], schemes, **quiet)
    np.testing.assert_array_equal(base["blocked"]["pred"]["pcr"][a:b],
                                  after["blocked"]["pred"]["pcr"][a:b])
    # ...while the folds that trained on them did change
    assert not np.allclose(base["blocked"]["pred"]["pcr"][:a], after["blocked"]["pred"]["pcr"][:a],
                           equal_nan=True)


@pytest.mark.slow
@pytest.mark.parametrize("kind", FULL_MEMBERS)
def test_fitting_a_member_twice_gives_identical_artifacts(contest, kind):
    rows = np.flatnonzero(dataset.train_rows(contest, "core"))[::6]
    X = dataset.set_matrix(contest, "core")[rows]
    Y = dataset.targets_for_fit(contest.y[rows])
    cols = F.feature_columns("core")
    first, second = fit_member(kind, X, Y, cols), fit_member(kind, X, Y, cols)
    assert first.keys() == second.keys()
    for key in first:
        a, b = first[key], second[key]
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


@pytest.mark.slow
def test_the_shipped_card_is_reproduced_by_the_code(contest, card):
    """Re-runs the validation of the two fast members and compares with the shipped card."""
    cv = crossval.cross_validate(contest, ["pcr", "knn"], dataset.schemes_for(contest, 5), log=lambda m: None)
    for kind in ("pcr", "knn"):
        for scheme in ("blocked", "lowo"):
            got = score(contest.y, cv[scheme]["pred"][kind], cv[scheme]["folds"])
            want = card["members"][kind]["metrics"][scheme]
            assert got["contest"] == pytest.approx(want["contest"], abs=0.01)
            assert got["DTC"] == pytest.approx(want["DTC"], abs=0.01)
            assert got["DTS"] == pytest.approx(want["DTS"], abs=0.01)


def test_card_lists_every_artifact_with_its_sha256_and_the_licence(model_dir, card):
    assert "CC BY-NC-SA" in card["data"]["licence"]
    assert "Well #2 never used" in card["data"]["target"]
    for rel, entry in card["files"].items():
        assert sha256_file(model_dir / rel) == entry["sha256"]
    total = sum(e["bytes"] for e in card["files"].values())
    assert total < 10 * 1024 * 1024
    assert set(card["members"]) == set(FULL_MEMBERS)
    assert [w["well"] for w in card["validation"]["lowo_wells"]] == \
        ["Well #1 (a)", "Well #1 (b)", "Well #1 (c)"]


# ----------------------------------------------------------------------------- own wells

def _force_subset(name: str, rows: int, with_shear: bool) -> dataset.TrainingWell:
    """`rows` consecutive samples of a FORCE well from where its logs (and shear) start."""
    from sonic_model.io import read_well

    path = force_well(name)
    well = read_well(path, require=False)
    frame = well.curves
    ok = frame[["CNC", "GR", "HRD", "ZDEN", "DTC"]].notna().all(axis=1).to_numpy()
    if with_shear:
        ok = ok & frame["DTS"].notna().to_numpy()
    start = int(np.flatnonzero(ok)[0])
    return dataset.TrainingWell(name, frame.iloc[start:start + rows].reset_index(drop=True),
                          well.depth_ft()[start:start + rows], sha256_file(path))


@pytest.fixture(scope="module")
def own_wells():
    return [_force_subset("16_2-11_A", ROWS, True), _force_subset("31_3-4", ROWS, True),
            _force_subset("16_8-1", ROWS, False)]          # 16_8-1 has no shear log


@pytest.fixture(scope="module")
def trained(own_model):
    """(model folder, card, well files) of the session's model (conftest's own_model: the
    trainer through `train --wells` on FORCE subsets, three wells with shear and one without,
    forcewells.ROWS rows each); trained once for every test that needs an own-wells model."""
    out = own_model["store"] / own_model["name"]
    return out, json.loads((out / "model_card.json").read_text()), own_model["wells"]


@pytest.mark.slow
def test_own_wells_train_a_model_that_loads_and_predicts_both_logs(trained):
    from sonic_model.io import read_well

    out, card, wells = trained
    w = read_well(wells / f"{DTC_ONLY}.las")     # the well without shear still gets DTS
    for name in ("full", "light"):
        ens = E.load_ensemble(name, model_dir=out)
        result = E.predict(w.curves, ens, depth_ft=w.depth_ft())
        assert result["DTC_PRED"].notna().all() and result["DTS_PRED"].notna().all()
        assert (result["DTS_PRED"] > 1.3 * result["DTC_PRED"]).mean() > 0.95
    # every file sha256-listed in the card
    for rel, entry in card["files"].items():
        assert sha256_file(out / rel) == entry["sha256"]


@pytest.mark.slow
def test_own_model_card_has_a_lowo_row_per_well_and_dtc_only_wells_score_dtc(trained):
    _, card, _ = trained
    names = sorted([*WITH_DTS, DTC_ONLY])           # the folder's files, by name
    table = card["validation"]["lowo_wells"]
    assert [row["well"] for row in table] == names
    for row in table:
        assert row["DTC"]["rows"] == SESSION_ROWS and 0 < row["DTC"]["rmse"] < 60
        assert 0 <= row["DTC"]["coverage"] <= 1
        assert (row["DTS"] is None) == (row["well"] == DTC_ONLY)
    assert table[0]["DTS"]["rows"] == SESSION_ROWS
    pooled = card["validation"]["pooled"]
    assert pooled["scheme"] == "lowo" and pooled["DTC"]["rows"] == 4 * SESSION_ROWS
    assert pooled["DTS"]["rows"] == sum(row["DTS"]["rows"] for row in table if row["DTS"])
    # the P10-P90 band is calibrated on the held-out rows: about 80 % of them inside
    assert 0.65 <= pooled["DTC"]["coverage"] <= 0.95
    assert "blocked" not in card["validation"]        # blocked_folds=0: LOWO only
    assert [w["name"] for w in card["data"]["wells"]] == names


@pytest.mark.slow
def test_a_well_without_shear_teaches_dtc_and_leaves_vpvs_alone(own_wells):
    ts = dataset.build_training_set(own_wells)
    rows = dataset.train_rows(ts, "core")
    assert rows[2 * ROWS:].all()              # 16_8-1's rows are DTC training rows
    X, Y = dataset.set_matrix(ts, "core"), dataset.targets_for_fit(ts.y)
    cols = F.feature_columns("core")
    first_two = rows & (np.arange(ts.n) < 2 * ROWS)
    with_it = fit_member("xgb", X[rows], Y[rows], cols)
    without = fit_member("xgb", X[first_two], Y[first_two], cols)
    # Vp/Vs learns from rows with both logs only: the same model either way...
    assert with_it["models"][1] == without["models"][1]
    # ...while DTC learnt 16_8-1: its DTC is fitted far better with its rows than without.
    from sonic_model.model.members import MemberPredictor

    def dtc_rmse(payload):
        pred = MemberPredictor(payload).predict(X[2 * ROWS:])[:, 0]
        return float(np.sqrt(np.mean((pred - ts.y[2 * ROWS:, 0]) ** 2)))
    assert dtc_rmse(with_it) < 0.5 * dtc_rmse(without)


@pytest.mark.slow
def test_progress_reports_every_fold_and_the_final_fit(own_model):
    # The trainer's progress(done, total, message), printed by the CLI as "[done/total] ...".
    calls = [line.split(" ", 1) for line in own_model["proc"].stderr.splitlines()
             if line.startswith("[")]
    steps = [tuple(map(int, c[0].strip("[]").split("/"))) for c in calls]
    assert steps == [(i, 6) for i in range(1, 7)]     # 4 wells, final fit, conditioned shear
    assert "final" in calls[-2][1] and "conditioned" in calls[-1][1]


@pytest.mark.slow
def test_wells_without_enough_shear_are_refused_with_what_to_add(own_wells, tmp_path):
    with pytest.raises(InputValueError, match="both DTC and DTS.*shear log"):
        T.train_model([own_wells[2], own_wells[2]], tmp_path, log=lambda m: None)


# ----------------------------------------------------------------------------- large sets

def test_the_bundled_models_rows_are_under_the_budget_so_nothing_is_thinned(contest, card):
    keep, entry = dataset.fit_plan(contest)
    assert entry["stride"] == 1 and keep.all()
    assert entry["rows_used"] == entry["rows_available"] < dataset.ROW_BUDGET
    # one fit per fold, as before the budget existed; and no fit_rows entry in the card
    schemes = dataset.schemes_for(contest, 5)
    assert len(crossval.fold_tasks(contest, schemes, None)) == 5 + 3
    assert "fit_rows" not in card


@pytest.mark.slow
def test_a_large_set_fits_on_a_per_well_stride_of_rows(own_wells):
    # ~190,000 rows: the three FORCE subsets repeated, as six wells
    big = [dataset.TrainingWell(f"{w.name}-{i}", pd.concat([w.frame] * 64, ignore_index=True), None)
           for i in range(2) for w in own_wells]
    ts = dataset.build_training_set(big)
    assert ts.n > dataset.ROW_BUDGET
    keep, entry = dataset.fit_plan(ts)
    assert entry["stride"] == 2 and entry["rows_available"] == ts.n
    assert entry["rows_used"] <= dataset.ROW_BUDGET < entry["rows_available"]
    for a, b in ts.bounds:                      # every other row of each well, from its top
        assert keep[a] and not keep[a + 1] and keep[a:b].sum() == -(-(b - a) // 2)


def test_grouped_wells_are_each_held_out_once():
    schemes = {"lowo": [(i * 10, i * 10 + 10) for i in range(14)]}
    ts = dataset.TrainingSet([], [], pd.DataFrame(), pd.DataFrame(), np.zeros((140, 2)),
                       np.full(140, "core"), ("core",))
    tasks = crossval.fold_tasks(ts, schemes, np.ones(140, dtype=bool))
    assert len(tasks) == crossval.MAX_LOWO_FITS
    held = np.concatenate([idx for _, idx in tasks])
    assert sorted(held) == list(range(140))
    assert len(crossval.fold_tasks(ts, schemes, None)) == 14          # below the budget: one per well


@pytest.mark.slow
def test_thinned_folds_do_not_see_the_held_out_well(own_wells):
    ts = dataset.build_training_set(own_wells)
    keep, entry = dataset.fit_plan(ts, budget=400)
    assert entry["stride"] == 4
    schemes = {"lowo": list(ts.bounds)}
    quiet = dict(log=lambda m: None, n_jobs=1, keep=keep)
    base = crossval.cross_validate(ts, ["pcr", "knn"], schemes, **quiet)
    a, b = ts.bounds[1]
    poisoned = dataset.build_training_set(own_wells)
    poisoned.y[a:b] += 500.0
    after = crossval.cross_validate(poisoned, ["pcr", "knn"], schemes, **quiet)
    for k in ("pcr", "knn"):
        assert np.isfinite(base["lowo"]["pred"][k][:, 0]).all()     # every row predicted
        np.testing.assert_allclose(base["lowo"]["pred"][k][a:b], after["lowo"]["pred"][k][a:b])
        assert not np.allclose(base["lowo"]["pred"][k][:a], after["lowo"]["pred"][k][:a])


@pytest.mark.slow
def test_a_model_above_the_budget_says_so_in_its_card_and_scores_every_row(own_wells,
                                                                          tmp_path):
    card = T.train_model(own_wells, tmp_path, log=lambda m: None, row_budget=400)
    rows = card["fit_rows"]
    assert rows["rows_available"] == 3 * ROWS and rows["stride"] == 4
    assert rows["rows_used"] == 3 * (-(-ROWS // 4)) and "every 4th sample" in rows["note"]
    assert all(w["DTC"]["rows"] == ROWS for w in card["validation"]["lowo_wells"])
    ens = E.load_ensemble("full", model_dir=tmp_path)
    result = E.predict(own_wells[0].frame, ens, depth_ft=own_wells[0].depth_ft)
    assert result["DTC_PRED"].notna().all()
