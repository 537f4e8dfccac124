"""The HTTP API through FastAPI's TestClient: every endpoint and error path.

Most tests serve a stand-in ensemble (a linear formula, NaN where a required input is null) so
they check the door -- parsing, limits, status codes, answer shapes -- without trained models.
The tests at the end use the real artifacts (the ``model_dir`` fixture: skip locally, fail in CI).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from sonic_model.core.config import get_settings
from sonic_model.core.curves import REQUIRED, RESULT_COLUMNS
from sonic_model.serving import api

ROWS = pd.DataFrame({
    "CAL": [8.5, 8.6, 8.7, 8.5],
    "CNC": [0.35, 0.36, None, 0.20],
    "GR": [55.2, 57.0, 60.1, 40.0],
    "HRD": [0.81, 0.80, 0.95, 5.0],
    "HRM": [0.78, 0.77, 0.90, 4.0],
    "PE": [6.8, 6.8, 6.7, 5.0],
    "ZDEN": [2.33, 2.33, 2.40, 2.55],
}, index=[100, 101, 102, 103])


class FakeEnsemble:
    def __init__(self, name: str):
        self.name = name
        self.card = {"schema": 1, "model_version": "test-1", "ensembles": {name: {}}}


class FakeModels(api.Models):
    """Answers DTC = 300 - 80*ZDEN, DTS = 2*DTC; records what predict() was handed."""

    def __init__(self, names=api.ENSEMBLE_NAMES, fail: Exception | None = None):
        super().__init__(loaded={n: FakeEnsemble(n) for n in names},
                         failures={n: f"'/srv/secret/{n}.json' missing"
                                   for n in api.ENSEMBLE_NAMES if n not in names})
        self.calls: list[tuple[pd.DataFrame, str, object]] = []
        self.fail = fail

    def predict_well(self, well, name, **options):
        return self.predict(well.curves, name, well.depth_ft())

    def predict(self, frame, name, depth_ft=None):
        self.get(name)
        if self.fail is not None:
            raise self.fail
        self.calls.append((frame.copy(), name, depth_ft))
        dtc = 300.0 - 80.0 * frame["ZDEN"].astype(float)
        ok = frame[list(REQUIRED)].notna().all(axis=1)
        dtc = dtc.where(ok)
        out = pd.DataFrame(index=frame.index)
        for col, values in (("DTC_PRED", dtc), ("DTS_PRED", 2 * dtc), ("DTC_P10", dtc - 5),
                            ("DTC_P90", dtc + 5), ("DTS_P10", 2 * dtc - 9),
                            ("DTS_P90", 2 * dtc + 9)):
            out[col] = values
        out["QC"] = np.where(ok, "OK", "missing input: CNC")
        return out[list(RESULT_COLUMNS)]


def make_client(models: api.Models | None = None, **limits) -> tuple[TestClient, api.Models]:
    models = models if models is not None else FakeModels()
    settings = replace(get_settings(), **limits) if limits else get_settings()
    app = api.create_app(settings, load_models=lambda: models)
    return TestClient(app, raise_server_exceptions=False), models


@pytest.fixture
def client():
    c, models = make_client()
    with c:
        c.models = models
        yield c


def post_split(client, frame: pd.DataFrame, double_encode: bool = True, **kw):
    body = frame.to_json(orient="split")
    data = json.dumps(body) if double_encode else body
    return client.post("/api/get_predictions", content=data,
                       headers={"content-type": "application/json"}, **kw)


# ---------------------------------------------------------------- /api/get_predictions

@pytest.mark.parametrize("double_encode", [True, False], ids=["json-string", "plain-object"])
def test_get_predictions_echoes_index_and_answers_split_json(client, double_encode):
    r = post_split(client, ROWS, double_encode=double_encode)
    assert r.status_code == 200, r.text
    out = pd.read_json(StringIO(r.text), orient="split")
    assert list(out.columns) == ["pred_DTC", "pred_DTS"]
    assert list(out.index) == [100, 101, 102, 103]
    assert out.loc[100, "pred_DTC"] == pytest.approx(300 - 80 * 2.33)
    assert np.isnan(out.loc[102, "pred_DTC"])   # CNC null -> null prediction, row kept
    merged = ROWS.merge(out, left_index=True, right_index=True)
    assert len(merged) == len(ROWS)


def test_get_predictions_takes_columns_in_any_order_and_ignores_extras(client):
    frame = ROWS[["ZDEN", "HRD", "GR", "CNC", "PE"]].assign(WELL="15/9-F-11", DEPTH=1.0)
    r = post_split(client, frame)
    assert r.status_code == 200, r.text
    handed = client.models.calls[-1][0]
    assert set(handed.columns) == {"ZDEN", "HRD", "GR", "CNC", "PE"}   # PE used, extras not
    assert handed["GR"].tolist() == ROWS["GR"].tolist()


def test_get_predictions_converts_units_the_values_reveal(client):
    frame = ROWS.assign(CNC=ROWS["CNC"] * 100, ZDEN=ROWS["ZDEN"] * 1000)   # % and kg/m3
    r = post_split(client, frame)
    assert r.status_code == 200, r.text
    handed = client.models.calls[-1][0]
    assert handed["CNC"].tolist()[:2] == pytest.approx([0.35, 0.36])
    assert handed["ZDEN"].tolist() == pytest.approx(ROWS["ZDEN"].tolist())
    out = pd.read_json(StringIO(r.text), orient="split")
    assert out.loc[100, "pred_DTC"] == pytest.approx(300 - 80 * 2.33)


def test_get_predictions_accepts_aliases_and_keeps_request_order(client):
    frame = ROWS.rename(columns={"CNC": "NPHI", "ZDEN": "RHOB", "HRD": "ILD"})
    frame = frame.assign(DEPTH=[4.0, 3.0, 2.0, 1.0]).iloc[::-1]   # no sorting by DEPTH
    r = post_split(client, frame)
    assert r.status_code == 200, r.text
    handed = client.models.calls[-1][0]
    assert handed["ZDEN"].tolist() == frame["RHOB"].tolist()
    assert json.loads(r.text)["index"] == [103, 102, 101, 100]


def test_get_predictions_keeps_string_index(client):
    frame = ROWS.set_axis(["a", "b", "c", "d"])
    r = post_split(client, frame)
    assert json.loads(r.text)["index"] == ["a", "b", "c", "d"]


def test_get_predictions_nan_inf_and_null_are_missing(client):
    body = ('{"columns":["CNC","GR","HRD","ZDEN"],"index":[0,1,2,3],"data":'
            '[[0.3,50,1,2.3],[null,50,1,2.3],[0.3,NaN,1,2.3],[0.3,50,Infinity,2.3]]}')
    r = client.post("/api/get_predictions", content=body)
    assert r.status_code == 200, r.text
    handed = client.models.calls[-1][0]
    assert handed.isna().sum().sum() == 3
    assert not np.isinf(handed.to_numpy()).any()
    assert "NaN" not in r.text and "Infinity" not in r.text   # strict JSON back


def test_get_predictions_without_index_numbers_rows(client):
    body = {"columns": ["CNC", "GR", "HRD", "ZDEN"], "data": [[0.3, 50, 1, 2.3]]}
    r = client.post("/api/get_predictions", json=body)
    assert r.status_code == 200
    assert r.json()["index"] == [0]


def test_get_predictions_light_ensemble_by_query(client):
    r = post_split(client, ROWS, params={"ensemble": "light"})
    assert r.status_code == 200
    assert client.models.calls[-1][1] == "light"


def test_get_predictions_unknown_ensemble_is_422(client):
    r = post_split(client, ROWS, params={"ensemble": "huge"})
    assert r.status_code == 422


def test_missing_curves_is_422_naming_them(client):
    r = post_split(client, ROWS.drop(columns=["GR", "ZDEN"]))
    assert r.status_code == 422
    body = r.json()
    assert body["missing"] == ["GR", "ZDEN"]
    assert "GR, ZDEN" in body["detail"]
    assert "CAL" in body["available"]


@pytest.mark.parametrize("body, status, match", [
    (b"{not json", 400, "not valid JSON"),
    (b"", 400, "not valid JSON"),
    (json.dumps("{half a frame").encode(), 400, "is a JSON string, but the string"),
    (json.dumps("just a string").encode(), 400, "not a split-orient frame's JSON"),
    (b"[1, 2, 3]", 400, "split-orient"),
    (b'{"columns": ["CNC"]}', 422, "data"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"data":[[0.3,50,1]]}', 422, "row 0"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"data":[1, 2]}', 422, "row 0"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"data":[[0.3,"abc",1,2.3]]}', 422, "curve GR"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"data":[]}', 422, "no rows"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"index":[1,2],"data":[[0.3,5,1,2.3]]}', 422,
     "index"),
    (b'\xff\xfe garbage', 400, "not valid JSON"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"data":[[0.3,1' + b"0" * 400 + b',1,2.3]]}', 422,
     "curve GR, row 0"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"index":[NaN],"data":[[0.3,5,1,2.3]]}', 422,
     "'index' label 0 is NaN"),
    (b'{"columns":["CNC","GR","HRD","ZDEN"],"index":[0,Infinity],"data":[[0.3,5,1,2.3],'
     b'[0.3,5,1,2.3]]}', 422, "'index' label 1 is Infinity"),
], ids=["broken", "empty", "broken-inner-string", "plain-string", "array", "no-data",
        "ragged-row", "flat-rows", "non-numeric", "no-rows", "index-length", "not-utf8", "huge-integer", "nan-label",
        "infinite-label"])
def test_malformed_bodies_are_client_errors(client, body, status, match):
    r = client.post("/api/get_predictions", content=body,
                    headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert match in json.dumps(r.json()["detail"])


def test_row_limit_is_413():
    c, _ = make_client(api_max_rows=3)
    with c:
        r = post_split(c, ROWS)
    assert r.status_code == 413
    assert "limit of 3 rows" in r.json()["detail"]


def test_body_limit_by_content_length_is_413():
    c, models = make_client(api_max_body_bytes=200)
    with c:
        r = post_split(c, pd.concat([ROWS] * 10, ignore_index=True))
    assert r.status_code == 413
    assert "200 bytes" in r.json()["detail"]
    assert models.calls == []


def test_body_limit_counts_streamed_bytes_without_content_length():
    c, models = make_client(api_max_body_bytes=200)
    payload = json.dumps(pd.concat([ROWS] * 10, ignore_index=True).to_json(orient="split"))

    def chunks():
        for i in range(0, len(payload), 64):
            yield payload[i:i + 64].encode()

    with c:
        r = c.post("/api/get_predictions", content=chunks())
    assert "content-length" not in r.request.headers
    assert r.status_code == 413
    assert models.calls == []


def test_body_limit_applies_to_uploads():
    c, _ = make_client(api_max_body_bytes=300)
    with c:
        r = c.post("/api/v1/predict/file", files={"file": ("w.csv", b"x" * 1000, "text/csv")})
    assert r.status_code == 413


def test_bad_content_length_header_is_400(client):
    r = client.post("/api/get_predictions", content=b"{}", headers={"content-length": "lots"})
    assert r.status_code == 400


def test_internal_error_is_500_without_traceback(caplog):
    c, _ = make_client(FakeModels(fail=RuntimeError("secret internals at /srv/x.py line 3")))
    with c:
        r = post_split(c, ROWS)
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error"}
    assert "Traceback" not in r.text
    assert any("secret internals" in (rec.exc_text or "") or rec.exc_info for rec in caplog.records)


def test_unloaded_ensemble_is_503_without_server_paths():
    c, _ = make_client(FakeModels(names=("full",)))
    with c:
        r = post_split(c, ROWS, params={"ensemble": "light"})
        health = c.get("/healthz")
    assert r.status_code == 503
    assert "/srv/secret" not in r.text
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"


# ---------------------------------------------------------------- service endpoints

def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["ensembles"] == {"full": True, "light": True}
    assert r.json()["aliases"] == {"full": "contest", "light": "contest"}
    assert r.json()["models"]["contest"] is True


def test_healthz_503_when_nothing_loaded():
    c, _ = make_client(FakeModels(names=()))
    with c:
        r = c.get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"


def test_model_card(client):
    r = client.get("/api/v1/model")
    assert r.status_code == 200
    assert r.json()["model_version"] == "test-1"


def test_index_page_links_to_pages_that_answer(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="([^"]+)"', r.text)
    assert {"/docs", "/redoc", "/openapi.json", "/api/v1/model", "/healthz"} <= set(links)
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_nothing_from_other_hosts(client, page):
    r = client.get(page)
    assert r.status_code == 200
    refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert refs and all(ref.startswith("/") for ref in refs), refs
    assert "cdn" not in r.text and "fonts.googleapis" not in r.text
    for ref in refs:
        asset = client.get(ref)
        assert asset.status_code == 200 and len(asset.content) > 1000, ref


def test_openapi_docs_have_examples(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/get_predictions", "/api/v1/predict", "/api/v1/predict/file",
                 "/api/v1/model", "/healthz"):
        assert path in paths
    compat = paths["/api/get_predictions"]["post"]["requestBody"]["content"]["application/json"]
    assert "double-encoded (SonicPredict clients)" in compat["examples"]
    assert spec["components"]["schemas"]["PredictRequest"]["examples"]


def test_cors_off_by_default(client):
    r = client.get("/healthz", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_on_when_configured():
    c, _ = make_client(api_cors_origins=("https://notebooks.example",))
    with c:
        ok = c.get("/healthz", headers={"origin": "https://notebooks.example"})
        other = c.get("/healthz", headers={"origin": "https://evil.example"})
    assert ok.headers["access-control-allow-origin"] == "https://notebooks.example"
    assert "access-control-allow-origin" not in other.headers


def test_unknown_route_is_json_404(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404
    assert "detail" in r.json()


# ---------------------------------------------------------------- /api/v1/predict

V1 = {"curves": {"NPHI": [0.35, 0.36, None], "GR": [55.2, 57.0, 60.1],
                 "ILD": [0.81, 0.80, 0.95], "RHOB": [2.33, 2.33, 2.40]}}


def test_v1_predict_maps_mnemonics_and_returns_result_columns(client):
    r = client.post("/api/v1/predict", json=V1)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"] == list(RESULT_COLUMNS)
    assert body["rows"] == 3
    assert body["results"]["DTC_PRED"][0] == pytest.approx(300 - 80 * 2.33)
    assert body["results"]["DTC_PRED"][2] is None
    assert body["results"]["QC"][2].startswith("missing input")
    assert body["qc_summary"] == {"OK": 2, "missing input": 1}
    assert body["mapping"]
    handed = client.models.calls[-1][0]
    assert {"CNC", "GR", "HRD", "ZDEN"} <= set(handed.columns)


def test_v1_predict_depth_in_metres_is_converted(client):
    r = client.post("/api/v1/predict", json={**V1, "depth": [1000.0, 1000.1524, 1000.3048],
                                            "depth_unit": "m", "ensemble": "light"})
    assert r.status_code == 200, r.text
    _, name, depth_ft = client.models.calls[-1]
    assert name == "light"
    assert depth_ft[1] - depth_ft[0] == pytest.approx(0.5)
    assert r.json()["depth_ft"][0] == pytest.approx(3280.8399, abs=1e-3)


def test_v1_predict_explicit_mapping(client):
    req = {"curves": {"NEU": [0.3], "GR": [50.0], "DEEP": [2.0], "DEN_X": [2.4]},
           "mapping": {"CNC": "NEU", "hrd": "DEEP", "ZDEN": "DEN_X"}}
    r = client.post("/api/v1/predict", json=req)
    assert r.status_code == 200, r.text
    assert client.models.calls[-1][0]["ZDEN"].tolist() == [2.4]


def test_v1_predict_reads_nan_and_infinity_literals_as_missing(client):
    body = ('{"curves": {"NPHI": [0.3, NaN], "GR": [50, 60], "ILD": [1, Infinity], '
            '"RHOB": [2.3, 2.4]}}')
    r = client.post("/api/v1/predict", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    handed = client.models.calls[-1][0]
    assert handed[["CNC", "HRD"]].iloc[1].isna().all()


def test_v1_predict_units_are_converted(client):
    # Conductivity cannot be inferred from values: only the stated unit can convert it.
    req = {**V1, "curves": {**V1["curves"], "ILD": [500.0, 400.0, 250.0]},
           "units": {"ILD": "mS/m"}}
    r = client.post("/api/v1/predict", json=req)
    assert r.status_code == 200, r.text
    assert client.models.calls[-1][0]["HRD"].tolist() == pytest.approx([2.0, 2.5, 4.0])
    assert "1000/x" in r.json()["mapping"]["used"]["HRD"]["conversion"]


def test_v1_predict_only_gr_is_422_naming_the_missing_curves(client):
    r = client.post("/api/v1/predict", json={"curves": {"GR": [50.0, 60.0]}})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["missing"] == ["CNC", "HRD", "ZDEN"]
    assert "CNC, HRD, ZDEN" in body["detail"] and ".csv" not in body["detail"]


def test_v1_predict_errors_do_not_mention_a_temporary_file(client):
    r = client.post("/api/v1/predict", json={**V1, "mapping": {"ZDEN": "DEN_X"}})
    assert r.status_code in (400, 422), r.text
    assert "DEN_X" in r.json()["detail"] and ".csv" not in r.json()["detail"]


@pytest.mark.parametrize("req, status, match", [
    ({**V1, "ensemble": "huge"}, 422, "ensemble"),
    ({**V1, "ensamble": "full"}, 422, "ensamble"),
    ({"curves": {}}, 422, "empty"),
    ({"curves": {"NPHI": [0.3], "GR": [1.0, 2.0]}}, 422, "differ in length"),
    ({**V1, "depth": [1.0]}, 422, "'depth' has 1 values"),
    ({**V1, "depth_unit": "furlong"}, 422, "depth_unit"),
    ({"curves": {"GR": [50.0], "ILD": [1.0]}}, 422, "CNC"),
    ({"curves": {"GR": ["abc"]}}, 422, "curves"),
    ({"curves": {**V1["curves"], "GR": [10 ** 400, 1.0, 2.0]}}, 422, "GR"),
    ({**V1, "units": {"XYZ": "m"}}, 422, "XYZ"),
    ({**V1, "mapping": {"FOO": "NPHI"}}, 422, "FOO is not a canonical curve"),
    ({"curves": {**V1["curves"], "DEPT": [3.0, 2.0, 1.0]}}, 422, "depth"),
], ids=["bad-ensemble", "typo-field", "no-curves", "ragged", "depth-length", "depth-unit",
        "missing-curves", "non-numeric", "huge-integer", "units-unknown-curve",
        "mapping-unknown-canon", "depth-in-curves"])
def test_v1_predict_client_errors(client, req, status, match):
    r = client.post("/api/v1/predict", json=req)
    assert r.status_code == status, r.text
    assert match in json.dumps(r.json()["detail"])


@pytest.mark.parametrize("path", ["/api/get_predictions", "/api/v1/predict"])
def test_malformed_json_is_400_on_every_endpoint(client, path):
    r = client.post(path, content=b'{"curves": ', headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert "detail" in r.json()


def test_openapi_documents_the_real_status_codes(client):
    paths = client.get("/openapi.json").json()["paths"]
    compat = paths["/api/get_predictions"]["post"]["responses"]
    assert "not valid JSON" in compat["400"]["description"]
    assert "JSON" not in compat["422"]["description"].replace("split", "")
    assert "not valid JSON" in paths["/api/v1/predict"]["post"]["responses"]["400"]["description"]


def test_v1_predict_row_limit_is_413():
    c, _ = make_client(api_max_rows=2)
    with c:
        r = c.post("/api/v1/predict", json=V1)
    assert r.status_code == 413


def test_v1_validation_errors_do_not_echo_the_input(client):
    r = client.post("/api/v1/predict", json={"curves": "x" * 5000})
    assert r.status_code == 422
    assert len(r.text) < 1000


# ---------------------------------------------------------------- /api/v1/predict/file

CSV = ROWS.rename(columns={"CNC": "NPHI", "ZDEN": "RHOB", "HRD": "ILD"}).to_csv(index=False)


def test_v1_file_json(client):
    r = client.post("/api/v1/predict/file", files={"file": ("well.csv", CSV, "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == len(ROWS)
    assert body["results"]["DTC_PRED"][0] == pytest.approx(300 - 80 * 2.33)


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("las", "text/plain")])
def test_v1_file_download_formats(client, fmt, media):
    r = client.post("/api/v1/predict/file", files={"file": ("my well.csv", CSV, "text/csv")},
                    data={"format": fmt, "ensemble": "light"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert f'filename="my_well_sonic.{fmt}"' in r.headers["content-disposition"]
    assert "DTC_PRED" in r.text
    assert client.models.calls[-1][1] == "light"


def test_v1_file_mapping_override(client):
    csv = ROWS.rename(columns={"ZDEN": "DEN_X"}).to_csv(index=False)
    r = client.post("/api/v1/predict/file", files={"file": ("w.csv", csv, "text/csv")},
                    data={"mapping": "ZDEN=DEN_X"})
    assert r.status_code == 200, r.text
    assert client.models.calls[-1][0]["ZDEN"].tolist() == ROWS["ZDEN"].tolist()


@pytest.mark.parametrize("files, data, status", [
    ({"file": ("w.bin", b"\x00\x01\x02 not a well", "application/octet-stream")}, {}, 4),
    ({"file": ("w.csv", CSV, "text/csv")}, {"format": "xlsx"}, 422),
    ({"file": ("w.csv", CSV, "text/csv")}, {"ensemble": "huge"}, 422),
    ({"file": ("w.csv", CSV, "text/csv")}, {"mapping": "ZDEN"}, 422),
    ({}, {}, 422),
], ids=["not-a-well", "bad-format", "bad-ensemble", "bad-mapping", "no-file"])
def test_v1_file_client_errors(client, files, data, status):
    r = client.post("/api/v1/predict/file", files=files or None, data=data)
    # status 4: any 4xx; "unreadable" vs "lacks curves" for garbage is the reader's call
    assert r.status_code == status or (status == 4 and r.status_code in (400, 422)), r.text
    assert "detail" in r.json()


def test_v1_file_missing_curves_names_them(client):
    csv = ROWS.drop(columns=["ZDEN"]).to_csv(index=False)
    r = client.post("/api/v1/predict/file", files={"file": ("w.csv", csv, "text/csv")})
    assert r.status_code == 422, r.text
    assert "ZDEN" in r.json()["detail"]


# ---------------------------------------------------------------- the real ensembles

@pytest.fixture(scope="module")
def real_client(model_dir):
    with TestClient(api.create_app(), raise_server_exceptions=False) as c:
        yield c


def test_real_healthz_and_card(real_client):
    assert real_client.get("/healthz").json()["status"] == "ok"
    card = real_client.get("/api/v1/model").json()
    assert {"full", "light"} <= set(card["ensembles"])


def test_real_card_is_a_summary_unless_full_is_asked(real_client, model_dir):
    brief = real_client.get("/api/v1/model")
    full = real_client.get("/api/v1/model", params={"full": "true"})
    assert brief.status_code == full.status_code == 200
    assert full.json() == json.loads((model_dir / "model_card.json").read_text())
    summary = brief.json()
    assert len(brief.content) * 4 < len(full.content)
    assert summary["full_card"] == "/api/v1/model?full=true"
    assert summary["data"]["licence"] == full.json()["data"]["licence"]
    for name, ens in full.json()["ensembles"].items():
        shown = summary["ensembles"][name]
        assert shown["members"] == ens["members"]
        for scheme, metrics in ens["metrics"].items():
            assert shown["validation"][scheme]["DTC"] == metrics["DTC"]
            assert "per_fold" not in shown["validation"][scheme]


@pytest.mark.parametrize("ensemble", ["full", "light"])
def test_real_get_predictions_are_plausible_sonic(real_client, ensemble):
    r = post_split(real_client, ROWS, params={"ensemble": ensemble})
    assert r.status_code == 200, r.text
    out = pd.read_json(StringIO(r.text), orient="split")
    assert list(out.index) == list(ROWS.index)
    good = out.drop(index=102)
    assert good["pred_DTC"].between(40, 200).all()
    assert good["pred_DTS"].between(60, 500).all()
    assert (good["pred_DTS"] > good["pred_DTC"]).all()


def test_real_v1_predict(real_client):
    r = real_client.post("/api/v1/predict", json=V1)
    assert r.status_code == 200, r.text
    assert r.json()["results"]["DTC_P10"][0] <= r.json()["results"]["DTC_P90"][0]
