"""The API's /docs in a real browser with no internet: uvicorn on 127.0.0.1, Debian's Chromium
(as tests/e2e/test_browser.py launches it), every request to another host refused. Swagger UI
must still render every endpoint from the files this server ships."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from support import require, unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def api_url(api_server):
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    require("playwright.sync_api")
    return api_server().url


@pytest.mark.parametrize("start", ["/", "/docs"])
def test_docs_render_every_endpoint_offline(api_url, start):
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def only_this_server(route):
        if urlparse(route.request.url).netloc == urlparse(api_url).netloc:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", only_this_server)
            page.goto(api_url + start)
            if start == "/":
                page.get_by_role("link", name="/docs").click()
            page.locator(".opblock").first.wait_for(timeout=60_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    cleaned = {p.replace("\u200b", "").strip() for p in paths}
    assert {"/api/get_predictions", "/api/v1/predict", "/api/v1/predict/file",
            "/api/v1/model", "/healthz"} <= cleaned
    assert refused == []
