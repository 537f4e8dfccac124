"""The shipped ensembles: predictions, partial curve sets, missing inputs, QC, integrity."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from sonic_model.core.curves import RESULT_COLUMNS
from sonic_model.core.errors import ArtifactError, MissingCurvesError, SonicModelError
from sonic_model.model import ensemble as E


@pytest.fixture(scope="module")
def well2(contest_dir) -> pd.DataFrame:
    from sonic_model.io.contest import load_test
    return load_test(contest_dir)


@pytest.fixture(scope="module")
def full(model_dir):
    return E.load_ensemble("full", model_dir)


@pytest.fixture(scope="module")
def light(model_dir):
    return E.load_ensemble("light", model_dir)


def test_result_has_the_contract_columns_and_keeps_the_index(full, well2):
    frame = well2.iloc[:500].copy()
    frame.index = frame.index * 10 + 7          # a caller's own index must come back
    out = E.predict(frame, full)
    assert list(out.columns) == list(RESULT_COLUMNS)
    assert out.index.equals(frame.index)
    assert out["DTC_PRED"].notna().all() and out["DTS_PRED"].notna().all()


def test_predictions_are_physically_plausible(full, well2):
    out = E.predict(well2, full)
    assert out["DTC_PRED"].between(40, 200).all()
    assert (out["DTS_PRED"] > out["DTC_PRED"] * 1.3).mean() > 0.99   # Vp/Vs above ~1.3
    assert (out["DTC_P10"] <= out["DTC_PRED"]).all() and (out["DTC_PRED"] <= out["DTC_P90"]).all()
    assert (out["DTS_P10"] <= out["DTS_PRED"]).all() and (out["DTS_PRED"] <= out["DTS_P90"]).all()


@pytest.mark.parametrize("name", ["full", "light"])
def test_both_ensembles_ship_and_predict(model_dir, well2, name):
    out = E.predict(well2.iloc[:300], E.load_ensemble(name, model_dir))
    assert out["DTS_PRED"].notna().all()


def test_a_well_with_only_the_four_required_curves_is_predicted(full, well2):
    out = E.predict(well2[["CNC", "GR", "HRD", "ZDEN"]].iloc[:1000], full)
    assert out["DTC_PRED"].notna().all() and out["DTS_PRED"].notna().all()


def test_optional_curves_change_the_prediction(full, well2):
    with_all = E.predict(well2.iloc[:1000], full)
    core = E.predict(well2[["CNC", "GR", "HRD", "ZDEN"]].iloc[:1000], full)
    assert not np.allclose(with_all["DTS_PRED"], core["DTS_PRED"])


def test_a_row_missing_an_input_gets_nan_and_a_reason_while_neighbours_are_predicted(full, well2):
    frame = well2.iloc[:200].copy()
    frame.loc[100, "ZDEN"] = -999
    frame.loc[101, "CNC"] = np.nan
    out = E.predict(frame, full)
    assert len(out) == 200
    assert np.isnan(out.loc[100, "DTC_PRED"]) and np.isnan(out.loc[100, "DTS_P90"])
    assert out.loc[100, "QC"].startswith("missing input: ZDEN")
    assert "missing input: CNC" in out.loc[101, "QC"]
    assert out.loc[[99, 102], "DTC_PRED"].notna().all()


def test_a_frame_without_a_required_column_names_it(full, well2):
    with pytest.raises(MissingCurvesError, match="ZDEN") as info:
        E.predict(well2[["CNC", "GR", "HRD"]], full)
    assert info.value.missing == ["ZDEN"]


def test_inputs_far_outside_training_are_flagged_and_get_wider_bands(full, well2):
    frame = well2.iloc[2000:2400].reset_index(drop=True)
    odd = frame.copy()
    # Each value inside Well #1's range, the combination nowhere in it: a "shale" by GR that
    # is dense, tight and very resistive.
    odd["GR"] = 150.0
    odd["CNC"] = 0.04
    odd["ZDEN"] = 2.75
    odd["HRD"] = odd["HRM"] = 800.0
    base = E.predict(frame, full)
    out = E.predict(odd, full)
    assert (out["QC"] != "OK").mean() > 0.9
    assert out["QC"].str.contains("unfamiliar log combination|outside training range").all()
    width = lambda r: (r["DTS_P90"] - r["DTS_P10"]).median()
    assert width(out) > 1.5 * width(base)


def test_washout_is_flagged_from_the_caliper(full, well2):
    frame = well2.iloc[:600].copy()
    frame.loc[300:320, "CAL"] = 13.0     # 8.5-in hole washed out to 13 in
    out = E.predict(frame, full)
    assert out.loc[300:320, "QC"].str.contains("washout").all()
    assert not out.loc[:250, "QC"].str.contains("washout").any()


def test_unknown_ensemble_name_is_refused(model_dir):
    with pytest.raises(SonicModelError, match="full.*light"):
        E.load_ensemble("medium", model_dir)


def _members(model_dir, name):
    from sonic_model.model.card import load_card
    return load_card(model_dir)["ensembles"][name]["members"]


def test_a_tampered_artifact_is_refused(model_dir, tmp_path):
    shared = [k for k in _members(model_dir, "light") if k in _members(model_dir, "full")][0]
    copy = tmp_path / "models"
    shutil.copytree(model_dir, copy)
    target = copy / f"{shared}.npz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=f"{shared}.npz.*sha256"):
        E.load_ensemble("full", copy)
    with pytest.raises(ArtifactError, match=f"{shared}.npz.*sha256"):
        E.load_ensemble("light", copy)


def test_a_missing_artifact_says_how_to_fix_it(model_dir, tmp_path):
    kind = _members(model_dir, "full")[0]
    copy = tmp_path / "models"
    shutil.copytree(model_dir, copy)
    (copy / f"{kind}.npz").unlink()
    with pytest.raises(ArtifactError, match=f"{kind}.npz.*missing.*train"):
        E.load_ensemble("full", copy)


def test_predict_path_imports_no_heavy_library(model_dir, contest_dir):
    import subprocess
    import sys

    code = ("import sys; from sonic_model.model import ensemble; from sonic_model.io import contest;"
            "ensemble.predict(contest.load_test().iloc[:100], ensemble.load_ensemble('full'));"
            "print(','.join(m for m in ('sklearn','xgboost','streamlit','plotly','fastapi')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _blind_well_las(path, frame: pd.DataFrame, depth_unit: str) -> None:
    """Well #2's inputs as a LAS at its real 0.1 m step, depth in metres or in feet."""
    import lasio

    units = {"CAL": "in", "CNC": "v/v", "GR": "gAPI", "HRD": "ohm.m", "HRM": "ohm.m",
             "PE": "b/e", "ZDEN": "g/cm3"}
    depth_m = 2500.0 + 0.1 * np.arange(len(frame))
    las = lasio.LASFile()
    las.well["NULL"].value = -999.25
    if depth_unit == "m":
        las.append_curve("DEPT", depth_m, unit="m")
    else:
        las.append_curve("DEPT", depth_m / 0.3048, unit="ft")
    for name, unit in units.items():
        values = frame[name].to_numpy(dtype=float)
        las.append_curve(name, np.where(values == -999, np.nan, values), unit=unit)
    las.write(str(path), version=2.0, fmt="%.6f")


@pytest.mark.parametrize("depth_unit", ["m", "ft"], ids=["las-depth-in-m", "las-depth-in-ft"])
def test_the_blind_well_as_csv_and_as_las_at_its_real_step_gives_the_same_predictions(
        full, contest_dir, tmp_path, depth_unit):
    """The contest rows are 0.1 m apart: a depth-less CSV and the same well as LAS at 0.1 m
    must see the same depth context, so every prediction, band and QC text agrees."""
    from sonic_model.io import read_well
    from sonic_model.io.contest import load_test, test_csv

    csv_well = read_well(test_csv(contest_dir))
    assert csv_well.depth_ft() is None
    path = tmp_path / f"well2_{depth_unit}.las"
    _blind_well_las(path, load_test(contest_dir), depth_unit)
    las_well = read_well(path)
    assert len(las_well) == len(csv_well) == 11088
    from_csv = E.predict_well(csv_well, full)
    from_las = E.predict_well(las_well, full)
    numbers = [c for c in from_csv.columns if c != "QC"]
    np.testing.assert_allclose(from_las[numbers].to_numpy(), from_csv[numbers].to_numpy(),
                               rtol=1e-5, atol=1e-3)
    assert (from_las["QC"].to_numpy() == from_csv["QC"].to_numpy()).all()


def test_a_model_without_the_all_curve_set_serves_every_row_with_the_core_models(full, well2):
    """Own models train a curve set only when enough rows have it: rows with CAL and HRM
    then go to the four-curve models instead of getting no prediction."""
    import dataclasses

    core_only = dataclasses.replace(full, sets={"core": full.sets["core"]})
    frame = well2.iloc[:800]
    out = E.predict(frame, core_only)
    want = E.predict(frame[["CNC", "GR", "HRD", "ZDEN"]], full)
    np.testing.assert_allclose(out[["DTC_PRED", "DTS_PRED"]], want[["DTC_PRED", "DTS_PRED"]])
