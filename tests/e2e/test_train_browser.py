"""The Train page in Chromium: several wells dropped at once -> checked -> trained -> report."""

from __future__ import annotations

import pytest
from test_browser import ARTIFACTS, VIEWPORT, _serve, browser  # noqa: F401  (fixtures)

from forcewells import DTC_ONLY, WITH_DTS, write_subset

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def store_app_url(model_dir, tmp_path, monkeypatch):
    """A server of its own whose model store is an empty tmp folder (inherits the env)."""
    monkeypatch.setenv("SONIC_MODEL_STORE", str(tmp_path / "store"))
    yield from _serve(tmp_path / "server.log")


def test_wells_dropped_train_a_model_that_the_sidebar_offers(store_app_url, browser,  # noqa: F811
                                                              tmp_path):
    wells = tmp_path / "wells"
    wells.mkdir()
    files = [write_subset(stem, wells, rows=300) for stem in (*WITH_DTS[:2], DTC_ONLY)]
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{store_app_url}/train")
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    name = page.get_by_label("Model name")
    name.wait_for(timeout=60_000)
    name.fill("browser_model")
    name.press("Enter")
    page.get_by_role("button", name="Train").click(timeout=60_000)
    page.get_by_text("Model browser_model: leave-one-well-out validation").wait_for(
        timeout=240_000)
    charts = page.locator("[data-testid=stMain] .js-plotly-plot")   # not the sidebar's
    charts.nth(1).wait_for(timeout=60_000)     # the held-out crossplots, DTC and DTS
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "train_report.png"))
    assert (tmp_path / "store" / "browser_model" / "model_card.json").is_file()
    assert page.locator("[data-testid=stSidebar]").get_by_text("browser_model").count() >= 1
    assert not errors, errors
    assert page.locator("text=Traceback").count() == 0
