"""`train --wells`, `models` and `predict --model` as a user runs them: real processes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sonic_model.core.curves import RESULT_COLUMNS

from forcewells import DTC_ONLY, WITH_DTS, write_subset
from support import cli

pytestmark = pytest.mark.slow      # the session's trained model (own_model), real processes


def test_training_prints_the_lowo_table_beside_the_bundled_model(own_model):
    out = own_model["proc"].stdout
    lines = out.splitlines()
    assert "leave-one-well-out" in lines[0] and "bundled" in lines[0]
    rows = [line.split() for line in lines[2:] if not line.startswith("XGB = ")]
    wells = {r[0] for r in rows}
    assert wells == {*WITH_DTS, DTC_ONLY, "pooled"}
    # a plain XGBoost scored beside it, same folds, and the wells where the model loses named
    assert "XGB RMSE" in lines[1] and lines[-1].startswith("XGB = a plain XGBoost")
    assert "loses to it on" in lines[-1]
    assert [r[1] for r in rows if r[0] == DTC_ONLY] == ["DTC"]        # no DTS to score
    # Progress reaches a non-terminal as plain lines, one per finished step.
    steps = [line for line in own_model["proc"].stderr.splitlines() if line.startswith("[")]
    done, total = steps[-1].split()[0].strip("[]").split("/")
    assert len(steps) >= 3 and done == total


def test_models_json_lists_the_trained_model(own_model):
    proc = cli("models", "--json", env={"SONIC_MODEL_STORE": str(own_model["store"])})
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert listing["store"] == str(own_model["store"])
    [row] = listing["models"]
    assert row["name"] == "small" and len(row["wells"]) == 4
    assert row["lowo"]["DTC"]["rmse"] > 0 and row["size_bytes"] > 10_000
    text = cli("models", env={"SONIC_MODEL_STORE": str(own_model["store"])})
    assert "small" in text.stdout and "4 wells" in text.stdout


def test_predict_with_the_own_model_differs_from_the_bundled_one(own_model, tmp_path):
    well = write_subset("31_3-4", tmp_path, rows=400, drop=("DTC", "DTS"), name="target")
    env = {"SONIC_MODEL_STORE": str(own_model["store"])}
    own = cli("predict", str(well), "-o", str(tmp_path / "own.csv"), "--model", "small", env=env)
    assert own.returncode == 0, own.stderr
    assert "model small" in own.stderr
    bundled = cli("predict", str(well), "-o", str(tmp_path / "bundled.csv"), env=env)
    assert bundled.returncode == 0, bundled.stderr
    a, b = pd.read_csv(tmp_path / "own.csv"), pd.read_csv(tmp_path / "bundled.csv")
    assert len(a) == len(b) == 400
    assert list(a.columns[-len(RESULT_COLUMNS):]) == list(RESULT_COLUMNS)
    assert a["DTC_PRED"].notna().sum() > 350
    assert (a["DTC_PRED"] - b["DTC_PRED"]).abs().mean() > 1.0


@pytest.mark.parametrize("args, match", [
    (["predict", "IN", "-o", "OUT", "--model", "nope"], "no model named 'nope'"),
    (["predict", "IN", "-o", "OUT", "--model", "../small"], "not allowed"),
    (["predict", "IN", "-o", "OUT", "--model", "small", "--ensemble", "light"], "give one of them"),
    (["train", "--wells", "WELLS", "--name", "small"], "already exists"),
    (["train", "--wells", "WELLS", "--name", "full"], "bundled model"),
    (["train", "--wells", "WELLS"], "needs --name"),
    (["train", "--name", "x"], "add --wells"),
    (["train", "--wells", "WELLS", "--name", "x", "--map", "GR"], "--map"),
    (["train", "--wells", "MISSING", "--name", "x"], "not an existing file or folder"),
    (["models", "--delete", "nope"], "no model named 'nope'"),
], ids=["unknown-model", "path-trick", "model-and-ensemble", "taken-name", "reserved-name",
        "no-name", "name-without-wells", "bad-map", "missing-wells", "delete-unknown"])
def test_bad_requests_exit_2_with_one_line(own_model, tmp_path, args, match):
    well = write_subset("31_3-4", tmp_path, rows=250, name="in") if "IN" in args else None
    subst = {"IN": str(well), "OUT": str(tmp_path / "o.csv"), "WELLS": str(own_model["wells"]),
             "MISSING": str(tmp_path / "missing")}
    proc = cli(*[subst.get(a, a) for a in args], env={"SONIC_MODEL_STORE": str(own_model["store"])})
    assert proc.returncode == 2, proc.stderr
    assert match in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_models_delete_removes_it(own_model, model_store):
    import shutil

    shutil.copytree(own_model["store"] / "small", model_store / "copy")
    proc = cli("models", "--delete", "copy")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(cli("models", "--json").stdout)["models"] == []
    assert not (model_store / "copy").exists()
