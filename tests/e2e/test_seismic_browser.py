"""The Seismic page in Chromium: a well dropped on Predict is modelled on Seismic (reached by
the sidebar link, same session): scores, the synthetic with its band, the angle gather, the
AVO crossplot, gas substitution and both downloads."""

from __future__ import annotations

import re

import pytest
from test_browser import ARTIFACTS, VIEWPORT, _serve, browser  # noqa: F401  (fixtures)

from forcewells import write_subset

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def app_url(model_dir, tmp_path):
    yield from _serve(tmp_path / "server.log")


def test_a_well_from_predict_gets_its_synthetic_scores_and_downloads(app_url, browser,  # noqa: F811
                                                                    tmp_path):
    well = write_subset("16_2-16", tmp_path, rows=1200)
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_url)
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
    page.locator("input[type=file]").first.set_input_files(str(well))
    # Predict's tracks (the sidebar holds a chart of its own from the start)
    page.locator("[data-testid=stMain] .js-plotly-plot").first.wait_for(timeout=120_000)
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Seismic").click()
    main = page.locator("[data-testid=stMain]")
    main.get_by_role("heading", name="Seismic: synthetic, AVO and fluid substitution").wait_for(
        timeout=60_000)
    main.get_by_text("Synthetic corr., depth").wait_for(timeout=120_000)
    main.get_by_text(f"Well {well.name}", exact=False).first.wait_for(timeout=10_000)
    main.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    assert main.get_by_text("this well, predicted vs measured sonic").count() == 1
    assert main.get_by_role("button", name="Download CSV").count() == 1
    assert main.get_by_role("button", name="Download SEG-Y").count() == 1
    # Gas in the sands: the fluid tab shows how many samples changed.
    main.get_by_test_id("stExpander").get_by_text("Time-depth and fluid substitution").click()
    # A rerun may close the list just opened (the page is still settling): reopen it until
    # the option shows, then choose it.
    gas = page.get_by_role("option", name="gas")
    for _ in range(4):
        main.get_by_role("combobox", name="New pore fluid").click()
        try:
            gas.wait_for(timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    gas.click()
    main.get_by_role("tab", name="Fluid substitution").click()
    main.get_by_text(re.compile(r"Gas substitution: \d+ samples substituted")).wait_for(
        timeout=120_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "seismic.png"))
    assert not errors, errors
    assert page.locator("text=Traceback").count() == 0
