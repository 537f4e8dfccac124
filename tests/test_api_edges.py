"""The API at its edges, over HTTP against a real uvicorn server: numbers too large for a
float, bodies of the wrong content type, /redoc without the internet, an index page that lists
every route."""

from __future__ import annotations

import json
import re

import pytest
import requests

pytestmark = pytest.mark.slow        # one server start per module (~5 s)

ROWS = {"CNC": [0.3, 0.31], "GR": [55.0, "BIG"], "HRD": [5.0, 5.1], "ZDEN": [2.4, 2.41]}


@pytest.fixture(scope="module")
def url(api_server):
    return api_server().url


def _v1_body(big: str) -> str:
    return json.dumps({"curves": ROWS, "model": "full"}).replace('"BIG"', big)


@pytest.mark.parametrize("big", ["1e400", "-2.5E+999", "1" * 400], ids=["1e400", "-2.5E+999",
                                                                          "400-digits"])
def test_a_number_too_large_for_a_float_is_422_naming_curve_and_row(url, big):
    r = requests.post(f"{url}/api/v1/predict", data=_v1_body(big),
                      headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 422, r.text
    assert "curve GR, row 1" in str(r.json()["detail"])
    split = {"columns": list(ROWS), "index": [100, 101],
             "data": [list(row) for row in zip(*ROWS.values())]}
    body = json.dumps(split).replace('"BIG"', big)
    for sent in (body, json.dumps(body)):            # plain and double-encoded
        r = requests.post(f"{url}/api/get_predictions?ensemble=full", data=sent,
                          headers={"content-type": "application/json"}, timeout=60)
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert "curve GR, row 1 (index 101)" in detail and "too large" in detail


def test_infinity_still_reads_as_a_missing_sample(url):
    r = requests.post(f"{url}/api/v1/predict", data=_v1_body("Infinity"),
                      headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["results"]["DTC_PRED"][1] is None


def test_v1_json_sent_as_another_content_type_says_application_json(url):
    r = requests.post(f"{url}/api/v1/predict", data=_v1_body("56.0"),
                      headers={"content-type": "text/plain"}, timeout=60)
    assert r.status_code == 415
    assert "application/json" in r.json()["detail"] and "text/plain" in r.json()["detail"]
    r = requests.post(f"{url}/api/v1/predict", data={"curves": "x"}, timeout=60)   # a form
    assert "application/json" in r.json()["detail"]


def test_an_upload_sent_as_json_says_multipart(url):
    r = requests.post(f"{url}/api/v1/predict/file", data=_v1_body("56.0"),
                      headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 415
    assert "multipart/form-data" in r.json()["detail"]


def test_redoc_fetches_nothing_from_the_internet(url):
    page = requests.get(f"{url}/redoc", timeout=30).text
    assert "https://" not in page.replace("https://fonts", "FONTS")  # no CDN script or icon
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(s.startswith("/") for s in scripts)
    for src in scripts:
        js = requests.get(url + src, timeout=30)
        assert js.status_code == 200
        assert "cdn.redoc.ly" not in js.text and "cdn.jsdelivr" not in js.text


def test_the_index_page_lists_every_route(url):
    page = requests.get(f"{url}/", timeout=30).text
    for path in requests.get(f"{url}/openapi.json", timeout=30).json()["paths"]:
        assert path in page
    assert 'href="/api/v1/models"' in page
