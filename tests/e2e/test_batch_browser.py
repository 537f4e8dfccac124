"""The Batch page in Chromium: several files dropped at once -> scored -> the zip downloads."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from test_browser import ARTIFACTS, VIEWPORT, app_url, browser  # noqa: F401  (fixtures)

from batchwells import write_field

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_several_files_dropped_are_scored_and_the_zip_downloads(app_url, browser,  # noqa: F811
                                                                   tmp_path):
    field = write_field(tmp_path / "field", rows=200)
    files = [field.root / "petrel" / "deep" / "31_3-4.LAS",
             field.root / "vendor_csv" / "25_11-5.csv",
             field.root / "contest" / "well2.las",
             field.root / "bad" / "lidar.las"]
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/batch")
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Score 4 well file(s)").click(timeout=60_000)
    download = page.get_by_role("button", name="Download outputs and report (zip)")
    download.wait_for(timeout=120_000)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch_four_files.png"))
    assert page.get_by_text("3 of 4").first.is_visible()
    with page.expect_download(timeout=60_000) as info:
        download.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    archive = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    report = pd.read_csv(archive.open("batch_report.csv"))
    assert list(report["file"]) == [f.name for f in files]
    assert list(report["status"]) == ["ok", "ok", "ok", "error"]
    for name in report["output"].dropna():
        assert len(pd.read_csv(archive.open(name))) == 200
    assert not errors, errors
    assert page.locator("text=Traceback").count() == 0
