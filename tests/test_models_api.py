"""GET /api/v1/models and model=NAME on the v1 predict endpoints, over HTTP with uvicorn."""

from __future__ import annotations

import lasio
import pytest
import requests

from forcewells import write_subset

pytestmark = pytest.mark.slow      # the session's trained model (own_model) and a server


@pytest.fixture(scope="module")
def server(api_server, own_model):
    return api_server(SONIC_MODEL_STORE=str(own_model["store"])).url


@pytest.fixture(scope="module")
def target_well(tmp_path_factory):
    return write_subset("31_3-4", tmp_path_factory.mktemp("api_well"), rows=300,
                        drop=("DTC", "DTS"), name="target")


def test_models_lists_bundled_and_own_without_server_paths(server, own_model):
    r = requests.get(f"{server}/api/v1/models", timeout=30)
    assert r.status_code == 200
    rows = r.json()["models"]
    assert [m["name"] for m in rows] == ["auto", "contest", "north-sea", "full", "light", "small"]
    small = rows[-1]
    assert small["kind"] == "own" and len(small["wells"]) == 4
    assert small["lowo"]["DTC"]["rmse"] > 0
    assert str(own_model["store"]) not in r.text


def test_upload_with_model_uses_the_own_model(server, target_well):
    def predict(**form):
        with open(target_well, "rb") as fh:
            return requests.post(f"{server}/api/v1/predict/file", files={"file": fh},
                                 data={"format": "json", **form}, timeout=120)

    own, bundled = predict(model="small"), predict()
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["model"] == "small" and body["ensemble"] == "full"
    assert body["rows"] == 300
    # the default, auto, names the bundled model it chose for this North Sea well, and why
    assert bundled.json()["model"] == "north-sea"
    assert bundled.json()["model_reason"].startswith("auto: north-sea")
    diff = [abs(a - b) for a, b in zip(body["results"]["DTC_PRED"],
                                       bundled.json()["results"]["DTC_PRED"])
            if a is not None and b is not None]
    assert len(diff) > 250 and sum(diff) / len(diff) > 1.0


def test_json_predict_with_model(server, target_well):
    las = lasio.read(target_well)
    curves = {c.mnemonic: [None if v != v else float(v) for v in c.data] for c in las.curves
              if c.mnemonic != "DEPT"}
    r = requests.post(f"{server}/api/v1/predict", json={"curves": curves, "model": "small"},
                      timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "small" and r.json()["rows"] == 300


@pytest.mark.parametrize("form, match", [
    ({"model": "nope"}, "no model named 'nope'"),
    ({"model": "../small"}, "not allowed"),
    ({"model": "small", "ensemble": "light"}, "name different models"),
], ids=["unknown", "path-trick", "model-and-ensemble"])
def test_bad_model_choices_are_422_with_a_reason(server, target_well, form, match):
    with open(target_well, "rb") as fh:
        r = requests.post(f"{server}/api/v1/predict/file", files={"file": fh}, data=form,
                          timeout=60)
    assert r.status_code == 422
    assert match in r.text
    assert "Traceback" not in r.text and "/tmp" not in r.text
