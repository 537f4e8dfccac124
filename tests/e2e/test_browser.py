"""The dashboard in a real browser: `streamlit run app.py` driven through Debian's Chromium.

Playwright's own browser download does not work here, so the tests launch /usr/bin/chromium
(installed by .ci/run). Missing Chromium skips on a workstation and fails under CI=true.
Screenshots land in tests/e2e/artifacts/ (git-ignored) for a human to look at, except the
README's picture of the Predict page, docs/predict.png, which the upload test refreshes.

Every page URL is opened first on a fresh server of its own (the case Streamlit's page
handling gets wrong most easily), and every request the browser makes must stay on the app's
own server: nothing from the internet.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lasio
import numpy as np
import pandas as pd
import pytest

from sonic_model.core.curves import RESULT_COLUMNS

from support import force_well, free_port, require, stop, unavailable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from views.shell import page_files, page_name  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# The page's scroll container is inside the app, so a tall viewport is what captures it all.
VIEWPORT = {"width": 1600, "height": 2600}
# The README's screenshot: the Predict page after a prediction, from the title to the tracks'
# legend, at a size that stays readable when GitHub scales it to the README's width.
DOCS_SHOT = PROJECT_DIR / "docs" / "predict.png"
DOCS_SHOT_VIEWPORT = {"width": 1400, "height": 1750}


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


def _serve(log_path: Path):
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    require("playwright.sync_api")  # skips on a workstation, fails under CI=true
    port = free_port()
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
def app_url(model_dir, tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("streamlit") / "server.log")


@pytest.fixture
def fresh_app_url(model_dir, tmp_path):
    """A server of its own that has served nothing yet."""
    yield from _serve(tmp_path / "server.log")


def watch_requests(page, base_url: str) -> list[str]:
    """Every URL the page asks for that is not on the app's own server (should stay empty)."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((base_url, "data:", "blob:")) else None)
    return outside


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


def upload_and_wait(page, url: str, path: Path, model: str | None = None) -> float:
    page.goto(url)
    if model:      # the sidebar's choice first (default: auto)
        page.locator("[data-testid=stSidebar]").locator("[role=radiogroup] label").filter(
            has_text=model).first.click()
        page.wait_for_timeout(1000)
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


PAGE_HEADINGS = {"predict": "Predict sonic logs", "model": "The model",
                 "about": "About SonicPredict"}
PAGE_NAMES = [page_name(p) for p in page_files()]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_each_page_url_opened_first_on_a_fresh_server(fresh_app_url, browser, name):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    outside = watch_requests(page, fresh_app_url)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{fresh_app_url}/{'' if name == 'predict' else name}")
    # The page's own content...
    heading = PAGE_HEADINGS.get(name)
    main = page.locator("[data-testid=stMain]")
    if heading:
        main.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
    else:  # a page added later: it has a title of its own
        main.locator("h1").first.wait_for(timeout=60_000)
    # ...and the shared sidebar: navigation to every page, the contest, the model choice.
    side = page.locator("[data-testid=stSidebar]")
    side.locator("[role=radiogroup]").wait_for(timeout=30_000)
    assert side.get_by_text("SPWLA PDDA 2020 contest").first.is_visible()
    nav = side.locator("[data-testid=stPageLink] a")
    # The radio can reach the browser a moment before the links above it are filled in.
    nav.nth(len(PAGE_NAMES) - 1).wait_for(timeout=30_000)
    labels = [t.strip().splitlines()[-1] for t in nav.all_inner_texts()]  # after the icon
    assert labels[:1] == ["Predict"] and all(n.replace("_", " ").capitalize() in labels
                                             for n in PAGE_NAMES)
    # The sidebar's memory-vs-accuracy chart is drawn as the page opens (plotly.js comes
    # from the app's server before any upload), its labels inside it and apart.
    chart = side.locator(".js-plotly-plot")
    chart.locator(".scatterlayer .trace").first.wait_for(state="attached", timeout=30_000)
    box = chart.bounding_box()
    labels = page.evaluate(LABEL_BOXES.replace("SELECTOR", ".textpoint text, .annotation-text"),
                           chart.element_handle())
    assert {"contest", "north-sea"} <= {b["text"] for b in labels}, labels
    assert all(box["x"] <= b["x0"] and b["x1"] <= box["x"] + box["width"] and
               box["y"] <= b["y0"] and b["y1"] <= box["y"] + box["height"] for b in labels)
    assert not overlapping(labels), overlapping(labels)
    # Nothing from the internet: the page icon is the app's own file.
    page.wait_for_timeout(1500)
    icon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    assert icon.startswith(fresh_app_url), icon
    assert not outside, outside
    assert not errors, errors
    assert page.locator("text=Traceback").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first_{name}.png"))
    page.close()


def test_memory_chart_is_readable_without_scrolling_on_the_model_page(app_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(app_url)
    side = page.locator("[data-testid=stSidebar]")
    side.locator("[role=radiogroup] label").filter(has_text="contest").first.click()
    page.wait_for_timeout(1000)
    # The navigation keeps the session: the choice made on Predict holds on the Model page.
    # Text ending in "Model": the Train link's icon ligature ("model_training") contains it too.
    side.locator("[data-testid=stPageLink] a").filter(has_text=re.compile(r"Model$")).first.click()
    page.get_by_text("full (dark) is in use").first.wait_for(timeout=60_000)
    selected = side.locator("[data-testid=stRadioOption][data-selected=true]")
    selected.filter(has_text="contest").wait_for(timeout=30_000)
    assert selected.count() == 1
    chart = page.locator("[data-testid=stMain] .js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    box = chart.bounding_box()
    assert box["width"] >= 540 and box["height"] >= 360  # its own size, not shrunk
    assert box["y"] + box["height"] <= 900, box  # above the fold at 1440x900
    labels = page.evaluate(LABEL_BOXES.replace("SELECTOR", ".annotation-text"),
                           chart.element_handle())
    # One label per plotted model: members that ship (memory measured) and both ensembles.
    from sonic_model.model.card import load_card, tradeoff_rows
    from sonic_model.viz.plots import tradeoff_chart

    plotted = len(tradeoff_chart(tradeoff_rows(load_card())).layout.annotations)
    assert len(labels) == plotted >= 4
    assert not overlapping(labels), overlapping(labels)
    page.close()


# Bounding boxes of the text elements matching SELECTOR inside one plot.
LABEL_BOXES = """(root) => [...root.querySelectorAll('SELECTOR')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })
    .filter(b => b.text && b.x1 > b.x0)"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5 \
                    and a["y0"] < b["y1"] - 0.5 and b["y0"] < a["y1"] - 0.5:
                out.append((a["text"], b["text"]))
    return out


def test_upload_las_draw_tracks_and_download_csv(app_url, browser, contest_dir, tmp_path):
    well = tmp_path / "pdda_w2_depth.las"
    well.write_bytes(contest_las(contest_dir))
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside = watch_requests(page, app_url)
    took = upload_and_wait(page, app_url, well)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "predict_contest_las.png"))
    print(f"upload -> tracks drawn: {took:.2f} s")

    # Tick labels and scale titles of neighbouring tracks never collide.
    texts = page.evaluate(TRACK_TEXTS)
    assert len(texts) > 20
    assert not overlapping(texts), overlapping(texts)
    result = download_csv(page, tmp_path)
    assert len(result) == 3000  # one row per input row
    assert set(RESULT_COLUMNS) <= set(result.columns)
    assert result["DTC_PRED"].notna().mean() > 0.9
    assert ((result["DTS_PRED"] > result["DTC_PRED"]) | result["DTS_PRED"].isna()).all()
    assert page.get_by_role("button", name="Download LAS").is_visible()
    assert not errors, errors
    assert not outside, outside  # plotly.js, fonts and icons all come from the app's server
    assert page.locator("text=Traceback").count() == 0
    # Only a page that passed the checks above becomes the README's picture.
    page.set_viewport_size(DOCS_SHOT_VIEWPORT)
    page.mouse.move(DOCS_SHOT_VIEWPORT["width"] // 2, 10)  # no hover label, no focused button
    page.wait_for_function(TRACKS_DRAWN, timeout=30_000)
    page.wait_for_timeout(1500)  # plotly redraws the tracks at the new width
    page.screenshot(path=str(DOCS_SHOT))
    page.close()


def test_unseen_well_in_metres_is_scored_against_its_sonic(app_url, browser, tmp_path):
    well = tmp_path / "unseen_7.las"
    well.write_bytes(unseen_metric_well())
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    upload_and_wait(page, app_url, well)
    page.get_by_text("Combined RMSE").first.wait_for(timeout=30_000)
    page.get_by_text("Vp–Vs sanity check").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "predict_unseen_metres.png"))
    result = download_csv(page, tmp_path)
    assert len(result) == 2500 and "DEPTH_M" in result.columns
    assert set(RESULT_COLUMNS) <= set(result.columns)
    # The curve-mapping boxes show their whole labels ("AT90 (ohm.m)", "— not used —").
    page.get_by_text("Curve mapping").first.click()
    boxes = page.locator("[data-testid=stSelectbox] input[role=combobox]")
    boxes.first.wait_for(timeout=30_000)
    shown = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stSelectbox] input[role=combobox]')].map(
        i => ({value: i.value, cut: i.scrollWidth > i.clientWidth + 1}))""")
    assert len(shown) == 9
    assert {v["value"] for v in shown} >= {"AT90 (ohm.m)", "— not used —", "RHOZ (g/cm3)"}
    assert not [v["value"] for v in shown if v["cut"]]


def foreign_well_las(rows: int = 1500) -> bytes:
    """A tiny well unlike Volve (very light, very resistive, hot), written by lasio."""
    z = np.arange(rows)
    frame = pd.DataFrame({"CNC": 0.55 + 0.02 * np.sin(z / 9), "GR": 280 + 10 * np.sin(z / 13),
                          "HRD": 4000 + 500 * np.sin(z / 7), "ZDEN": 1.75 + 0.02 * np.sin(z / 5)})
    spec = {"CNC": ("NPHI", "v/v"), "GR": ("GR", "gAPI"), "HRD": ("ILD", "ohm.m"),
            "ZDEN": ("RHOB", "g/cm3")}
    return las_bytes(frame, 500.0 + 0.5 * z, "ft", spec, "FAR-AWAY-1")


@pytest.mark.parametrize("which", ["force2020", "tiny"])
def test_a_foreign_well_carries_a_prominent_warning(app_url, browser, tmp_path, which):
    model = None
    if which == "force2020":
        path = force_well("16_2-11_A")  # a real North Sea well from another field (FORCE 2020)
        model = "contest"               # auto would give it north-sea, which learnt from it
    else:
        path = tmp_path / "far_away.las"
        path.write_bytes(foreign_well_las())
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    upload_and_wait(page, app_url, path, model)
    alert = page.locator("[data-testid=stAlertContentError]").first
    alert.wait_for(timeout=30_000)
    text = alert.inner_text()
    # A well with a valid measured DTC gets DTS from it, so the verdict names DTC alone.
    headline = ("Do not trust the predicted DTC as a whole" if which == "force2020"
                else "Do not trust this well's prediction as a whole")
    assert headline in text
    assert "QC-flagged" in text and "offset wells" in text
    box = alert.bounding_box()
    assert box["y"] < 900 + 400  # near the top of the page, above the tracks
    tracks_top = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].find(
        g => g._fullData && g._fullData.some(t => t.name === 'predicted'))
        .getBoundingClientRect().top""")
    assert box["y"] < tracks_top
    # The QC strip: one legend entry per reason present, no shading over the sonic tracks.
    legend = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].find(
        g => g._fullData && g._fullData.some(t => t.name === 'predicted'))
        ._fullData.filter(t => (t.name || '').startsWith('QC: ')).map(t => t.name)""")
    assert legend and all(n.startswith("QC: ") for n in legend)
    texts = page.evaluate(TRACK_TEXTS)  # at 1440 px too, scale titles and ticks stay apart
    assert not overlapping(texts), overlapping(texts)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"predict_foreign_{which}.png"), full_page=True)
    page.close()


# Tick labels and axis titles of the depth-track figure, as screen boxes.
TRACK_TEXTS = """() => {
    const g = [...document.querySelectorAll('.js-plotly-plot')].find(
        g => g._fullData && g._fullData.some(t => t.name === 'predicted'));
    return [...g.querySelectorAll('g[class$=tick] > text, text[class$=title]')].map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })
        .filter(b => b.text && b.x1 > b.x0); }"""


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
