"""A file the chosen model was trained on is said to be so wherever its scores are shown: the
contest's train.csv for contest, a FORCE 2020 well of shared/ for north-sea (the file a new
user is most likely to try first), a file of one's own model's training wells. Matched by
the file's sha256 against the model card; a changed byte, or another model, is not flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import force_well

from sonic_model.core.digest import sha256_bytes
from sonic_model.model.card import in_sample_note, training_well

TRAINED_ON = "31_2-9"          # one of north-sea's training wells, the smallest file


def _card(**data) -> dict:
    return {"data": data}


def test_training_well_names_the_matching_file_and_nothing_else():
    wells = [{"name": "A-1", "sha256": "ab" * 32}, {"name": "B-2", "sha256": "CD" * 32}]
    card = _card(train_sha256="ef" * 32, wells=wells)
    assert training_well("ef" * 32, card) == "Well #1"
    assert training_well("ab" * 32, card) == "A-1"
    assert training_well("cd" * 32, card) == "B-2"           # case does not matter
    assert training_well("00" * 32, card) is None
    assert training_well("", card) is None                     # a well built from arrays
    assert training_well("ab" * 32, None) is None
    note = in_sample_note("cd" * 32, {"contest": _card(), "mine": card})
    assert note == ("this file is B-2, one of the wells mine was trained on: its scores against "
                    "the measured sonic are in-sample, not validation")
    assert in_sample_note("00" * 32, {"mine": card}) is None


@pytest.mark.slow      # a whole FORCE well through synth
def test_synth_on_a_north_sea_training_file_says_its_scores_are_in_sample():
    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.choice import Auto
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_export import summary_line
    from sonic_model.model.synth_options import SynthOptions

    path = force_well(TRAINED_ON)
    well = wells.read_well(path)
    assert well.sha256 == sha256_bytes(path.read_bytes())
    opts = SynthOptions(realisations=4, seed=1)
    auto = synth_well(well, Auto(), opts)
    assert auto.options["model"].startswith("auto: north-sea")
    note = auto.options["in_sample"]
    assert note.startswith(f"this file is {TRAINED_ON}, one of the wells north-sea was trained")
    assert note in summary_line(auto, path.name, "out.csv")
    # contest never saw it: its scores there are out of sample, and nothing says otherwise.
    contest = synth_well(well, store.load("contest"), opts)
    assert "in_sample" not in contest.options


@pytest.mark.slow      # predicts a whole FORCE well in the app
@pytest.mark.parametrize("choice, flagged", [("auto", True), ("north-sea", True),
                                             ("contest", False)])
def test_the_predict_page_flags_a_training_file_of_the_chosen_model(choice, flagged):
    from streamlit.testing.v1 import AppTest

    from test_app import APP, TIMEOUT

    data = force_well(TRAINED_ON).read_bytes()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["ensemble"] = choice
    at.run()
    at.file_uploader[0].set_value((f"{TRAINED_ON}.las", data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warned = [w.value for w in at.warning if "in-sample" in w.value]
    if flagged:
        assert warned and warned[0].startswith(f"This file is {TRAINED_ON}, one of the wells "
                                               "north-sea was trained on")
        assert any("in-sample" in h.value for h in at.subheader)
    else:
        assert not warned


@pytest.mark.slow      # the batch CLI in a subprocess, one whole FORCE well
def test_the_batch_report_says_which_wells_scores_are_in_sample(tmp_path):
    import csv
    import shutil

    from forcewells import write_subset
    from support import cli

    from sonic_model.serving import batch

    wells = tmp_path / "wells"
    wells.mkdir()
    shutil.copy(force_well(TRAINED_ON), wells / f"{TRAINED_ON}.las")
    write_subset("31_3-4", wells, rows=600)       # rows cut from a training well: a new file
    proc = cli("batch", wells, "-o", tmp_path / "out", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "out" / batch.REPORT_NAME, newline="", encoding="utf-8") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    assert len(rows) == 2
    trained = rows[f"{TRAINED_ON}.las"]
    assert trained["rmse_dtc"] and "north-sea was trained on" in trained["message"]
    other = next(r for name, r in rows.items() if name != f"{TRAINED_ON}.las")
    assert other["rmse_dtc"] and "in-sample" not in other["message"]


@pytest.mark.slow      # the session's own model (train --wells on four FORCE subsets)
def test_a_file_of_ones_own_training_wells_is_in_sample_for_that_model_only(own_model):
    from sonic_model import io as wells
    from sonic_model.model.choice import load_bundled
    from sonic_model.model.ensemble import load_ensemble
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions

    from forcewells import WITH_DTS

    ens = load_ensemble("full", model_dir=own_model["store"] / own_model["name"])
    path = next(own_model["wells"].glob(f"{WITH_DTS[0]}*"))
    well = wells.read_well(path)
    opts = SynthOptions(realisations=4, seed=1)
    result = synth_well(well, ens, opts)
    note = result.options.get("in_sample") or ""
    assert note.startswith(f"this file is {WITH_DTS[0]}, one of the wells small was trained on")
    # The bundled contest model never saw these rows.
    assert "in_sample" not in synth_well(well, load_bundled("contest"), opts).options


@pytest.mark.slow      # uvicorn over HTTP, one whole FORCE well
def test_the_api_says_when_an_uploaded_file_is_a_training_file(api_server, tmp_path):
    import requests

    from forcewells import write_subset

    server = api_server()
    fresh = write_subset("31_3-4", tmp_path, rows=600)
    cases = [(force_well(TRAINED_ON), "auto", "north-sea was trained on"),
             (force_well(TRAINED_ON), "contest", None),       # contest never saw it
             (fresh, "auto", None)]                            # rows cut into a new file
    for path, model, said in cases:
        with open(path, "rb") as fh:
            r = requests.post(f"{server.url}/api/v1/predict/file", timeout=120,
                              files={"file": (path.name, fh)}, data={"model": model})
        assert r.status_code == 200, r.text
        note = r.json()["in_sample"]
        if said:
            assert note.startswith(f"this file is {TRAINED_ON}, one of the wells ") and said in note
        else:
            assert note is None, (path.name, model, note)
