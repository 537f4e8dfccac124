"""The dashboard in a real browser: `streamlit run app.py` driven through Debian's Chromium.

Playwright's own browser download does not work here, so the tests launch /usr/bin/chromium
(installed by .ci/run). Missing Chromium skips on a workstation and fails under CI=true.
Screenshots land in tests/e2e/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lasio
import numpy as np
import pandas as pd
import pytest

from sonic_model.curves import RESULT_COLUMNS
from support import free_port, stop, unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# The page's scroll container is inside the app, so a tall viewport is what captures it all.
VIEWPORT = {"width": 1600, "height": 2600}


def start_app(port: int, log_path: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "app.py"),
           "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    log = open(log_path, "wb")
    return subprocess.Popen(cmd, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout} s")


@pytest.fixture(scope="module")
def app_url(model_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc = start_app(port, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)
        log = log_path.read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def las_bytes(frame: pd.DataFrame, depth: np.ndarray, depth_unit: str,
              spec: dict[str, tuple[str, str]], well: str) -> bytes:
    las = lasio.LASFile()
    las.well["WELL"].value = well
    las.append_curve("DEPT", depth, unit=depth_unit)
    for canon, (mnemonic, unit) in spec.items():
        las.append_curve(mnemonic, frame[canon].to_numpy(dtype=float), unit=unit)
    out = io.StringIO()
    las.write(out, version=2.0)
    return out.getvalue().encode()


def contest_las(contest_dir: Path, rows: int = 3000) -> bytes:
    """Well #2 inputs (first rows) as a LAS with vendor mnemonics and a synthetic depth."""
    frame = pd.read_csv(contest_dir / "test.csv", nrows=rows).replace(-999.0, -999.25)
    spec = {"CAL": ("CALI", "in"), "CNC": ("NPHI", "v/v"), "GR": ("GR", "gAPI"),
            "HRD": ("ILD", "ohm.m"), "HRM": ("ILM", "ohm.m"), "PE": ("PEF", "b/e"),
            "ZDEN": ("RHOB", "g/cm3")}
    return las_bytes(frame, 10000.0 + 0.5 * np.arange(len(frame)), "ft", spec, "PDDA-W2-LAS")


def unseen_metric_well(rows: int = 2500, seed: int = 11) -> bytes:
    """A well nobody trained on: metres, other mnemonics, measured sonic for scoring."""
    rng = np.random.default_rng(seed)
    z = np.arange(rows)
    shale = np.clip(0.5 + 0.45 * np.sin(z / 40.0) + 0.05 * rng.standard_normal(rows), 0, 1)
    frame = pd.DataFrame({
        "CAL": 8.5 + 0.2 * shale, "CNC": 0.10 + 0.25 * shale, "GR": 25 + 100 * shale,
        "HRD": np.exp(2.6 - 2.2 * shale), "ZDEN": 2.55 - 0.15 * shale,
        "DTC": 65 + 45 * shale + rng.standard_normal(rows),
        "DTS": 120 + 110 * shale + 2 * rng.standard_normal(rows),
    })
    spec = {"CAL": ("HCAL", "in"), "CNC": ("TNPH", "v/v"), "GR": ("GR_EDTC", "gAPI"),
            "HRD": ("AT90", "ohm.m"), "ZDEN": ("RHOZ", "g/cm3"), "DTC": ("DTCO", "us/ft"),
            "DTS": ("DTSM", "us/ft")}
    return las_bytes(frame, 2800.0 + 0.1524 * z, "m", spec, "UNSEEN-7")


TRACKS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    g => g._fullData && g._fullData.filter(t => t.name === 'predicted').length === 2
         && g.querySelectorAll('.scatterlayer .trace').length > 8)"""


def upload_and_wait(page, url: str, path: Path) -> float:
    page.goto(url)
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    started = time.monotonic()
    page.locator("input[type=file]").set_input_files(str(path))
    page.wait_for_function(TRACKS_DRAWN, timeout=120_000)
    return time.monotonic() - started


def download_csv(page, tmp_path: Path) -> pd.DataFrame:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return pd.read_csv(target)


def test_deep_link_to_a_page_on_a_fresh_server_has_the_app_shell(app_url, browser):
    # First in the module on purpose: the server has served nothing yet. (With the pages in a
    # folder named pages/, Streamlit's legacy mode ran /about alone, without the sidebar.)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/about")
    page.get_by_role("heading", name="About SonicPredict").wait_for(timeout=60_000)
    page.locator("[data-testid=stSidebar] [role=radiogroup]").wait_for(timeout=30_000)
    assert page.get_by_text("SPWLA PDDA 2020 contest").first.is_visible()
    page.close()


def test_upload_las_draw_tracks_and_download_csv(app_url, browser, contest_dir, tmp_path):
    well = tmp_path / "pdda_w2_depth.las"
    well.write_bytes(contest_las(contest_dir))
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    took = upload_and_wait(page, app_url, well)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "predict_contest_las.png"))
    print(f"upload -> tracks drawn: {took:.2f} s")

    result = download_csv(page, tmp_path)
    assert len(result) == 3000  # one row per input row
    assert set(RESULT_COLUMNS) <= set(result.columns)
    assert result["DTC_PRED"].notna().mean() > 0.9
    assert ((result["DTS_PRED"] > result["DTC_PRED"]) | result["DTS_PRED"].isna()).all()
    assert page.get_by_role("button", name="Download LAS").is_visible()
    assert not errors, errors
    assert page.locator("text=Traceback").count() == 0


def test_unseen_well_in_metres_is_scored_against_its_sonic(app_url, browser, tmp_path):
    well = tmp_path / "unseen_7.las"
    well.write_bytes(unseen_metric_well())
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    upload_and_wait(page, app_url, well)
    page.get_by_text("Contest RMSE").first.wait_for(timeout=30_000)
    page.get_by_text("Vp–Vs sanity check").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "predict_unseen_metres.png"))
    result = download_csv(page, tmp_path)
    assert len(result) == 2500 and "DEPTH_M" in result.columns
    assert set(RESULT_COLUMNS) <= set(result.columns)


def test_broken_file_shows_an_error_not_a_traceback(app_url, browser, tmp_path):
    bad = tmp_path / "truncated.las"
    bad.write_bytes(b"~Version\nVERS. 2.0:\n~Well\nSTRT.FT 0:\n~Curve\n~A\n")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(app_url)
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("[data-testid=stAlertContentError]").first.wait_for(timeout=30_000)
    text = page.locator("[data-testid=stAlertContentError]").first.inner_text()
    assert "truncated.las" in text
    assert page.locator("text=Traceback").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "predict_broken_file.png"))
