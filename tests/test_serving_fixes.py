"""Regression tests for the serving doors (issue 15): bad settings, atomic `predict -o`, model
loads off the API's event loop, the model routes without a bundled model, a read-only store."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from sonic_model.core import config
from sonic_model.core.errors import SettingsError, SonicModelError

from support import API_APP, PROJECT_DIR, cli, cli_env, free_port, stop

APP = PROJECT_DIR / "app.py"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --------------------------------------------------------------------------- a. bad settings

BAD_SETTINGS = [("SONIC_MAX_FILE_BYTES", "lots"), ("SONIC_API_MAX_ROWS", "-5"),
                ("SONIC_API_MAX_BODY_BYTES", "0"), ("SONIC_STORE_READ_ONLY", "maybe")]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS, ids=[n for n, _ in BAD_SETTINGS])
def test_a_bad_setting_is_a_settings_error_naming_variable_value_and_expectation(
        name, value, settings_env):
    settings_env(**{name: value})
    with pytest.raises(SettingsError) as err:
        config.get_settings()
    assert isinstance(err.value, SonicModelError) and isinstance(err.value, ValueError)
    message = str(err.value)
    assert name in message and repr(value) in message and "expected" in message


def test_good_settings_parse(settings_env):
    settings_env(SONIC_MAX_FILE_BYTES=" 1000 ", SONIC_API_MAX_ROWS="",   # blank: the default
                 SONIC_STORE_READ_ONLY="Yes")
    settings = config.get_settings()
    assert settings.max_file_bytes == 1000
    assert settings.api_max_rows == 250_000
    assert settings.store_read_only is True


@pytest.mark.parametrize(("name", "value", "args"), [
    ("SONIC_MAX_FILE_BYTES", "lots", ("predict", "{well}", "-o", "{out}")),
    ("SONIC_API_MAX_ROWS", "-5", ("info",)),
    ("SONIC_API_MAX_ROWS", "-5", ("serve", "--port", "{port}")),
], ids=["predict", "info", "serve"])
def test_the_cli_prints_one_line_and_exits_2_on_a_bad_setting(name, value, args, tmp_path):
    well = tmp_path / "w.csv"
    pd.DataFrame({"GR": [50.0]}).to_csv(well, index=False)
    argv = [a.format(well=well, out=tmp_path / "o.csv", port=free_port()) for a in args]
    proc = cli(*argv, env={name: value}, timeout=60)
    assert proc.returncode == 2, proc.stderr
    line = one_line(proc.stderr)
    assert line.startswith("error: ") and name in line and repr(value) in line
    assert not (tmp_path / "o.csv").exists()


def test_the_api_refuses_to_start_with_the_line(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", API_APP, "--host", "127.0.0.1",
         "--port", str(free_port())], cwd=PROJECT_DIR,
        env=cli_env({"SONIC_API_MAX_ROWS": "-5"}), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stop(proc)
        pytest.fail("the API started with SONIC_API_MAX_ROWS=-5")
    assert proc.returncode == 2
    line = one_line(stderr)
    assert "SONIC_API_MAX_ROWS" in line and "'-5'" in line


def test_the_app_shows_the_bad_setting(settings_env):
    from streamlit.testing.v1 import AppTest

    settings_env(SONIC_MAX_FILE_BYTES="lots")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "SONIC_MAX_FILE_BYTES" in at.error[0].value
    assert "'lots'" in at.error[0].value


# --------------------------------------------------------------------------- b. atomic predict -o

def test_predict_writes_its_output_atomically(contest_dir, model_dir, tmp_path, monkeypatch):
    from sonic_model import io as wells
    from sonic_model.serving.cli.main import main

    src = tmp_path / "in" / "well.csv"
    src.parent.mkdir()
    pd.read_csv(contest_dir / "test.csv").iloc[:200].to_csv(src, index=False)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "well.csv"
    out.write_text("the previous result\n")
    real = wells.write_csv

    def dies_midway(well, result, dest=None):
        payload = real(well, result)
        if dest is None:
            return payload
        half = payload[: len(payload) // 2]
        if hasattr(dest, "write"):
            dest.write(half)
        else:
            with open(dest, "wb") as fh:
                fh.write(half)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wells, "write_csv", dies_midway)
    code = main(["predict", str(src), "-o", str(out), "-q"])
    assert out.read_text() == "the previous result\n"   # the previous OUT is whole
    assert [p.name for p in out_dir.iterdir()] == ["well.csv"]   # no partial or temp file
    assert code == 2                                    # a clear error, not an internal one

    monkeypatch.setattr(wells, "write_csv", real)
    assert main(["predict", str(src), "-o", str(out), "-q"]) == 0
    assert len(pd.read_csv(out)) == 200
    assert [p.name for p in out_dir.iterdir()] == ["well.csv"]


# --------------------------------------------------------------------------- c. off the loop

def test_a_slow_model_load_does_not_block_the_event_loop(monkeypatch):
    import httpx

    from sonic_model.core.errors import InputValueError
    from sonic_model.model import store
    from sonic_model.serving import api

    class Bundled:
        card = {"model_version": "test-1", "ensembles": {}}

    loading = {"started": 0.0}

    def slow_load(name):   # a big stored model: read, hashed and unpacked for seconds
        loading["started"] = time.perf_counter()
        time.sleep(2.0)
        raise InputValueError(f"no model named {name!r}")

    monkeypatch.setattr(store, "load", slow_load)
    models = api.Models(loaded={n: Bundled() for n in api.ENSEMBLE_NAMES})
    app = api.create_app(config.get_settings(), load_models=lambda: models)
    app.state.models = models     # httpx's ASGI transport does not run the lifespan

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = {"curves": {"GR": [50.0]}, "model": "big_field"}
            slow = asyncio.create_task(client.post("/api/v1/predict", json=body))
            while not loading["started"]:
                await asyncio.sleep(0.01)
            start = time.perf_counter()
            health = await client.get("/healthz")
            waited = time.perf_counter() - start
            in_progress = not slow.done()
            return health, waited, in_progress, await slow

    health, waited, in_progress, slow = asyncio.run(asyncio.wait_for(scenario(), 30))
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert in_progress and waited < 1.0, f"/healthz waited {waited:.2f} s for the model load"
    assert slow.status_code == 422 and "big_field" in slow.json()["detail"]


# --------------------------------------------------------------------------- d. no bundled model

@pytest.mark.parametrize("folder", ["empty", "broken"])
def test_model_routes_answer_json_without_a_bundled_model(folder, tmp_path, model_store,
                                                          settings_env):
    from fastapi.testclient import TestClient

    from sonic_model.serving import api

    models_dir = tmp_path / "models"
    models_dir.mkdir()
    if folder == "broken":
        (models_dir / "model_card.json").write_text("{ not json")
        (models_dir / "runtime.json").write_text("[]")
    settings_env(SONIC_MODEL_DIR=models_dir)
    app = api.create_app(config.get_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        card = client.get("/api/v1/model")
        listing = client.get("/api/v1/models")
        health = client.get("/healthz")
    assert health.status_code == 503
    assert card.status_code == 503, card.text
    assert "not available" in card.json()["detail"] and str(models_dir) not in card.text
    assert listing.status_code == 200, listing.text
    rows = listing.json()["models"]
    assert [(r["name"], r["loaded"]) for r in rows] == [
        ("auto", False), ("contest", False), ("north-sea", False), ("full", False),
        ("light", False)]
    assert str(models_dir) not in listing.text


# --------------------------------------------------------------------------- e. read-only store

@pytest.fixture
def read_only_store(model_store, model_dir, settings_env):
    """A store holding one model ("shared"), marked read-only by $SONIC_STORE_READ_ONLY."""
    shutil.copytree(model_dir, model_store / "shared")
    settings_env(SONIC_STORE_READ_ONLY="1")
    return model_store


def test_the_cli_refuses_to_delete_or_train_in_a_read_only_store(read_only_store, tmp_path):
    proc = cli("models", "--delete", "shared", timeout=120)
    assert proc.returncode == 2
    assert "read-only" in one_line(proc.stderr)
    assert (read_only_store / "shared" / "model_card.json").is_file()
    proc = cli("train", "--wells", tmp_path, "--name", "mine", timeout=120)
    assert proc.returncode == 2
    assert "read-only" in one_line(proc.stderr)
    assert not (read_only_store / "mine").exists()
    listing = cli("models", "--json", timeout=120)      # reading still works
    assert listing.returncode == 0 and '"shared"' in listing.stdout


def test_the_train_page_cannot_train_or_delete_in_a_read_only_store(read_only_store, tmp_path):
    from streamlit.testing.v1 import AppTest

    from forcewells import WITH_DTS, write_subset

    wells = tmp_path / "wells"
    wells.mkdir()
    for stem in WITH_DTS[:2]:
        write_subset(stem, wells, rows=300)
    at = AppTest.from_file(str(APP), default_timeout=240).run()
    at.switch_page("pages/1_train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("read-only" in i.value for i in at.info)
    assert at.button(key="train_delete").disabled       # AppTest, like a browser, cannot click it

    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in sorted(wells.iterdir())]
    at.file_uploader(key="train_files").set_value(files).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.text_input(key="train_name").disabled
    assert at.button(key="train_go").disabled
    # The session's own choices still work: the stored model's report opens.
    at.button(key="train_show").click().run()
    assert not at.exception


def test_the_train_page_trains_when_the_store_is_writable(model_store, model_dir):
    from streamlit.testing.v1 import AppTest

    shutil.copytree(model_dir, model_store / "shared")
    at = AppTest.from_file(str(APP), default_timeout=240).run()
    at.switch_page("pages/1_train.py").run()
    assert not any("read-only" in i.value for i in at.info)
    assert not at.button(key="train_delete").disabled
