"""`auto`, the default model at every door: each well gets the bundled model it is closest to.

The bundled north-sea model was trained without the FORCE well 34_10-19 (its card says so):
that well is a North Sea well from a field neither bundled model saw, and auto must pick
north-sea for it; the contest's blind Well #2 must get contest. The choice is visible in the
CLI's summary line, the API's answer and the Python result's attrs.
"""

from __future__ import annotations

import json

import lasio
import numpy as np
import pandas as pd
import pytest
import requests

import sonic_model as sm
from sonic_model.core.config import bundled_model_dir
from sonic_model.core.errors import InputValueError
from sonic_model.model import store

from support import cli, force_well, unavailable

HELD_OUT = "34_10-19"


@pytest.fixture(scope="module")
def north_sea_dir():
    path = bundled_model_dir("north-sea")
    if not (path / "model_card.json").is_file():
        unavailable(f"no bundled north-sea model in {path}; run `python -m sonic_model train`")
    return path


@pytest.fixture(scope="module")
def held_out_las(tmp_path_factory):
    """The held-out FORCE well cut to 3,000 rows with its sonic removed (a well to predict)."""
    las = lasio.read(force_well(HELD_OUT))
    start = int(np.flatnonzero(np.isfinite(las["RHOB"]) & np.isfinite(las["NPHI"]))[0])
    out = lasio.LASFile()
    out.well["WELL"].value = HELD_OUT
    for curve in las.curves:
        if curve.mnemonic in ("DTC", "DTS"):
            continue
        out.append_curve(curve.mnemonic, curve.data[start:start + 3000], unit=curve.unit)
    path = tmp_path_factory.mktemp("auto") / f"{HELD_OUT}.las"
    out.write(str(path), version=2.0)
    return path


def test_north_sea_was_not_trained_on_the_held_out_well(north_sea_dir):
    card = json.loads((north_sea_dir / "model_card.json").read_text())
    trained_on = [w["name"] for w in card["data"]["wells"]]
    assert HELD_OUT not in trained_on and len(trained_on) == 12
    assert card["data"]["held_out"]["well"] == HELD_OUT
    assert "FORCE" in card["data"]["attribution"] and "10.5281/zenodo.4351156" in \
        card["data"]["attribution"]


@pytest.mark.slow
def test_cli_default_picks_north_sea_for_an_unseen_north_sea_well(held_out_las, north_sea_dir,
                                                                  tmp_path):
    proc = cli("predict", held_out_las, "-o", tmp_path / "out.csv", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "auto: north-sea" in proc.stderr
    assert len(pd.read_csv(tmp_path / "out.csv")) == 3000


@pytest.mark.slow
def test_cli_default_picks_contest_for_well2(contest_dir, north_sea_dir, tmp_path):
    proc = cli("predict", contest_dir / "test.csv", "-o", tmp_path / "w2.csv", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "auto: contest" in proc.stderr


def test_python_default_is_auto_and_says_why(held_out_las, contest_dir, north_sea_dir):
    result = sm.predict_well(sm.read_well(held_out_las))
    assert result.attrs["model"] == "north-sea"
    assert "unfamiliar to contest" in result.attrs["model_reason"]
    well2 = pd.read_csv(contest_dir / "test.csv").iloc[:4000]
    result = sm.predict(well2)
    assert result.attrs["model"] == "contest" and len(result) == 4000


def test_explicit_choice_overrides_auto_and_is_flagged_when_the_other_model_fits(
        held_out_las, contest_dir, north_sea_dir):
    """Forcing contest on a North Sea well it does not know: the user gets contest, and every
    predicted row's QC says north-sea knows the well better (contest's band was calibrated on
    Volve and is confidently wrong on such wells with no per-sample flag). Well #2's top forced
    to contest is not flagged; forced to north-sea it is, pointing at contest."""
    well = sm.read_well(held_out_las)
    forced = sm.predict_well(well, "contest")
    assert forced.attrs["model"] == "contest"
    assert forced.attrs["model_reason"].startswith("contest chosen by hand; north-sea knows")
    predicted = forced["DTC_PRED"].notna()
    assert predicted.sum() > 2000
    assert forced.loc[predicted, "QC"].str.contains("model chosen by hand: north-sea").all()
    # full and light are the old names of contest: the same numbers
    old = sm.predict_well(well, "full")
    assert np.allclose(old["DTC_PRED"], forced["DTC_PRED"], equal_nan=True)
    well2 = pd.read_csv(contest_dir / "test.csv").iloc[:4000]
    result = sm.predict(well2, "contest")
    assert result.attrs["model_reason"] == ""
    assert not result["QC"].str.contains("chosen by hand").any()
    result = sm.predict(well2, "north-sea")
    assert "contest knows this well better" in result.attrs["model_reason"]


@pytest.mark.slow
def test_cli_forced_contest_on_a_north_sea_well_says_so_in_its_summary(held_out_las,
                                                                        north_sea_dir, tmp_path):
    proc = cli("predict", held_out_las, "--model", "contest", "-o", tmp_path / "out.csv",
               timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "contest chosen by hand; north-sea knows this well better" in proc.stderr
    out = pd.read_csv(tmp_path / "out.csv", comment="#")
    assert out["QC"].str.contains("model chosen by hand").sum() == out["DTC_PRED"].notna().sum()


@pytest.mark.slow
def test_api_default_answers_which_model_and_why(api_server, contest_dir, north_sea_dir):
    server = api_server()
    rows = pd.read_csv(contest_dir / "test.csv").iloc[:2000]
    body = {"curves": {c: rows[c].tolist() for c in ("CNC", "GR", "HRD", "ZDEN")}}
    r = requests.post(f"{server.url}/api/v1/predict", json=body, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "contest" and r.json()["model_reason"].startswith("auto: contest")
    listing = requests.get(f"{server.url}/api/v1/models", timeout=30).json()["models"]
    assert [m["name"] for m in listing[:5]] == ["auto", "contest", "north-sea", "full", "light"]


def test_bundled_names_cannot_be_taken_by_stored_models(model_store):
    for name in ("north-sea", "contest", "auto", "North-Sea"):
        with pytest.raises(InputValueError, match="bundled model"):
            store.validate_name(name)


def test_a_stored_model_named_like_a_bundled_one_is_listed_with_what_to_do(model_store, model_dir):
    import shutil

    shutil.copytree(model_dir, model_store / "north-sea")
    rows = {r["name"]: r for r in store.list_models()}
    assert "rename its folder" in rows["north-sea"]["error"]
    proc = cli("models", timeout=60)
    assert proc.returncode == 0 and "north-sea" in proc.stdout and "rename" in proc.stdout


@pytest.mark.parametrize("name", ["contest", "north-sea"])
def test_cards_score_a_plain_xgboost_beside_the_ensemble_well_by_well(name):
    path = bundled_model_dir(name) / "model_card.json"
    if not path.is_file():
        unavailable(f"no bundled {name} model; run `python -m sonic_model train`")
    card = json.loads(path.read_text())
    base = card["baseline"]
    wells = [w["well"] for w in card["validation"]["lowo_wells"]]
    assert [r["well"] for r in base["lowo_wells"]] == wells
    for row in base["lowo_wells"]:
        for t in ("DTC", "DTS"):
            pair = row[t]
            if pair["ensemble"] is not None and pair["baseline"] is not None \
                    and pair["baseline"] < pair["ensemble"]:
                assert any(s.startswith(f"{row['well']} {t}") for s in base["ensemble_loses_on"])
    assert set(base["geometric_mean"]) == {"DTC", "DTS"}


@pytest.mark.slow          # cross-validates contest's shipped members again (~10 s)
def test_held_out_frames_for_other_studies_are_per_well_and_out_of_sample(model_dir, contest_dir):
    from sonic_model.training.held_out import lowo_prediction_frames

    frames = lowo_prediction_frames("contest", log=lambda *a: None)
    assert list(frames) == ["Well #1 (a)", "Well #1 (b)", "Well #1 (c)"]
    for frame in frames.values():
        assert list(frame.columns) == ["DEPTH_FT", "DTC", "DTS", "ZDEN", "DTC_PRED", "DTC_P10",
                                       "DTC_P90", "DTS_PRED", "DTS_P10", "DTS_P90"]
        assert np.all(np.diff(frame["DEPTH_FT"]) > 0)
        assert np.nanmin(frame["DTS"]) > 0            # nulls are NaN, not -999
        ok = frame["DTC"].notna() & frame["DTC_PRED"].notna()
        assert 0 < np.sqrt(np.mean((frame["DTC"] - frame["DTC_PRED"])[ok] ** 2)) < 30
