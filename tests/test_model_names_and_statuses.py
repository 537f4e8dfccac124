"""The doors name today's models (auto, contest, north-sea; full and light as contest's old
names), a CSV download says which model made it without breaking pd.read_csv, and bodies sent
the wrong way get the status and the sentence the docs promise. Over real HTTP (uvicorn)."""

from __future__ import annotations

import json
from io import StringIO

import pandas as pd
import pytest
import requests

from support import cli, force_well

pytestmark = pytest.mark.slow      # a uvicorn process and CLI subprocesses

BODY = {"curves": {"CNC": [0.35, 0.36], "GR": [55.0, 57.0], "HRD": [0.81, 0.80],
                   "ZDEN": [2.32, 2.33]}}


@pytest.fixture(scope="module")
def url(api_server) -> str:
    return api_server().url


def test_healthz_names_the_bundled_models_and_keeps_the_old_field(url):
    health = requests.get(f"{url}/healthz", timeout=30).json()
    assert health["ensembles"] == {"full": True, "light": True}      # old clients read this
    assert health["models"] == {"auto": True, "contest": True, "north-sea": True}
    assert health["aliases"] == {"full": "contest", "light": "contest"}


def test_a_body_without_content_type_is_415_not_a_validation_list(url):
    # requests' data="..." sends no Content-Type: FastAPI then does not read JSON at all.
    for body in ("curves=1&ensemble=auto", json.dumps(BODY)):
        r = requests.post(f"{url}/api/v1/predict", data=body, timeout=30)
        assert r.status_code == 415, r.text
        assert "Content-Type: application/json" in r.json()["detail"]
        assert "missing" in r.json()["detail"]
    r = requests.post(f"{url}/api/v1/predict", data={"curves": "1"}, timeout=30)   # form
    assert r.status_code == 415 and "application/x-www-form-urlencoded" in r.json()["detail"]
    assert requests.post(f"{url}/api/v1/predict", json=BODY, timeout=60).status_code == 200


def test_legacy_body_that_is_a_plain_string_says_what_is_wrong(url):
    r = requests.post(f"{url}/api/get_predictions", data=json.dumps("just a string"),
                      headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "not valid JSON" not in detail          # it is valid JSON: a string
    assert "is a JSON string, but the string ('just a string') is not a split-orient" in detail
    assert "to_json(orient='split')" in detail
    r = requests.post(f"{url}/api/get_predictions", data=json.dumps("[1, 2]"),
                      headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 400 and "holding a JSON array" in r.json()["detail"]


def test_csv_download_names_its_model_in_headers_and_stays_plain_csv(url, model_dir):
    with open(force_well("31_3-4"), "rb") as fh:
        r = requests.post(f"{url}/api/v1/predict/file", files={"file": ("31_3-4.las", fh)},
                          data={"format": "csv"}, timeout=120)
    assert r.status_code == 200, r.text
    assert r.headers["X-Sonic-Model"] == "north-sea"
    assert r.headers["X-Sonic-Model-Reason"].startswith("auto: north-sea (")
    assert len(r.headers["X-Sonic-Model-Version"]) >= 8
    frame = pd.read_csv(StringIO(r.text))          # the documented client code still works
    assert list(frame.columns[:1]) == ["DEPTH_M"] and "DTC_PRED" in frame.columns


def test_cli_models_lists_auto_contest_and_north_sea(tmp_path):
    env = {"SONIC_MODEL_STORE": str(tmp_path)}
    text = cli("models", env=env, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "'full' and 'light'" not in text.stdout
    for name in ("auto", "contest", "north-sea"):
        assert f"  {name} " in text.stdout
    assert "old names: full, light" in text.stdout
    listing = json.loads(cli("models", "--json", env=env, timeout=60).stdout)
    assert listing["models"] == []                 # the store's list, as scripts read it
    assert [m["name"] for m in listing["bundled"]] == ["auto", "contest", "north-sea"]
    assert listing["aliases"] == {"full": "contest", "light": "contest"}
