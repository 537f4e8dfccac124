"""Dashboard timings and memory in a real browser (prints; asserts nothing).

    .venv/bin/python benchmarks/bench_app.py [--rows 11000] [--repeat 3] [--source well1|well2]

Starts `streamlit run app.py` on a free 127.0.0.1 port and drives Debian's Chromium with
Playwright. Measures, against the issue's targets:
  * page ready, cold: a fresh server process, first browser visit, until the uploader, the demo
    button and the sidebar's model choice are on screen (target <= 5 s; the server's own
    start-up is printed beside it);
  * upload to tracks drawn: an N-sample LAS set on the page's file input (as soon as the
    page is ready, or ``--think`` seconds later, as a user would), until the
    depth-track figure holds both predicted curves (target <= 5 s, issue 18). By default
    (``--source well1``) the LAS is a slice of Well #1 WITH its measured DTC and DTS (rows
    ``--offset`` on, a 0.5 ft depth), so the default model choice `auto` scores the well
    against both bundled models, the measured sonic is scored, DTS is conditioned on the
    measured DTC and the crossplots are drawn: the slowest ordinary upload. ``--source well2``
    uploads Well #2's inputs (no sonic; the figure recorded before issue 18's last round).
    Without the contest data a synthetic well is used. Every upload opens the page afresh;
    the first may also wait for the models; later ones use new files (no cache hit) on the
    warm server;
  * switching the sidebar's model to north-sea on the last file, until the curve changes;
  * server memory after the uploads, from /proc/<pid>/status: resident now (VmRSS) and the
    peak over the server's life (VmHWM), both against the issue's target (<= 400 MB peak
    after an upload). ``--well PATH`` adds one upload of a real file (e.g. a FORCE 2020 well,
    which also draws the crossplots of measured sonic) before memory is read.
"""

from __future__ import annotations

import argparse
import io
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TARGETS = {"page_ready_cold_s": 5.0, "upload_to_tracks_s": 5.0,
           "upload_to_tracks_first_s": 5.0, "rss_mb": 400.0,
           "rss_peak_mb": 400.0}

PAGE_READY = """() => !!document.querySelector('input[type=file]')
    && [...document.querySelectorAll('button')].some(b => b.innerText.includes('Try the contest'))
    && !!document.querySelector('[data-testid=stSidebar] [role=radiogroup]')"""
TRACKS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    g => g._fullData && g._fullData.filter(t => t.name === 'predicted').length === 2
         && g.querySelectorAll('.scatterlayer .trace').length > 8)"""

# A chart already drawn on the page: plotly.js (loaded lazily with the first chart) is ready.
PLOTLY_READY = "() => !!document.querySelector('.js-plotly-plot .main-svg')"
RUNNING = "!!document.querySelector('[data-testid=stStatusWidget]')"
# The sidebar's radio with the model SWITCH_TO selected and the rerun finished.
SWITCH_TO = "north-sea"
IDLE_WITH_OTHER = f"""!document.querySelector('[data-testid=stStatusWidget]')
    && !document.querySelector('[data-stale=true]')
    && [...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stRadioOption]')]
       .some(l => l.dataset.selected === 'true' && l.innerText.trim().startsWith('{SWITCH_TO}'))"""
PREDICTED_SIGNATURE = """() => { for (const g of document.querySelectorAll('.js-plotly-plot')) {
    const t = (g._fullData || []).find(t => t.name === 'predicted');
    if (t) return Array.from(t.x).slice(0, 200).join(','); } return ''; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _contest_frame(source: str, rows: int, offset: int) -> tuple[pd.DataFrame, str]:
    """``rows`` rows of the contest data: a slice of Well #1 with its measured DTC and DTS
    (``source`` "well1", from row ``offset``) or Well #2's inputs tiled (``source`` "well2")."""
    from sonic_model.io.contest import load_test, load_train

    if source == "well1":
        frame = load_train().replace(-999.0, np.nan)
        if offset + rows > len(frame):
            raise SystemExit(f"Well #1 has {len(frame):,} rows: --offset {offset} + --rows "
                             f"{rows} does not fit")
        frame = frame.iloc[offset:offset + rows].reset_index(drop=True)
        return frame, (f"PDDA 2020 Well #1 rows {offset:,}-{offset + rows - 1:,}, "
                       "with measured DTC and DTS")
    frame = load_test().replace(-999.0, np.nan)
    frame = pd.concat([frame] * (rows // len(frame) + 1), ignore_index=True).iloc[:rows]
    return frame, "PDDA 2020 Well #2 inputs"


def well_las(rows: int, seed: int, source: str = "well1", offset: int = 9_000) -> bytes:
    """An N-row LAS of contest data (``_contest_frame``) or a synthetic well, with a depth;
    values jittered by `seed` so every file is new to the app's cache."""
    import lasio

    from sonic_model.core.errors import DataNotFoundError

    rng = np.random.default_rng(seed)
    try:
        frame, label = _contest_frame(source, rows, offset)
    except DataNotFoundError:
        z = np.arange(rows)
        shale = np.clip(0.5 + 0.45 * np.sin(z / 40.0), 0, 1)
        frame = pd.DataFrame({"CAL": 8.5 + 0.2 * shale, "CNC": 0.1 + 0.25 * shale,
                              "GR": 25 + 100 * shale, "HRD": np.exp(2.6 - 2.2 * shale),
                              "HRM": np.exp(2.4 - 2.1 * shale), "PE": 3.5 - shale,
                              "ZDEN": 2.55 - 0.15 * shale})
        label = "synthetic well"
    frame = frame * (1 + rng.normal(0, 1e-4, frame.shape))
    names = {"CAL": "CALI", "CNC": "NPHI", "GR": "GR", "HRD": "ILD", "HRM": "ILM",
             "PE": "PEF", "ZDEN": "RHOB", "DTC": "DTCO", "DTS": "DTSM"}
    units = {"CAL": "in", "CNC": "v/v", "GR": "gAPI", "HRD": "ohm.m", "HRM": "ohm.m",
             "PE": "b/e", "ZDEN": "g/cm3", "DTC": "us/ft", "DTS": "us/ft"}
    las = lasio.LASFile()
    las.well["WELL"].value = f"BENCH-{seed}"
    las.append_curve("DEPT", 8000.0 + 0.5 * np.arange(rows), unit="ft")
    for canon, mnemonic in names.items():
        if canon in frame:
            las.append_curve(mnemonic, frame[canon].to_numpy(dtype=float), unit=units[canon])
    out = io.StringIO()
    las.write(out, version=2.0)
    well_las.source = label  # type: ignore[attr-defined]
    return out.getvalue().encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=11_000)
    ap.add_argument("--repeat", type=int, default=3, help="warm uploads after the first")
    ap.add_argument("--app", default=str(PROJECT_DIR / "app.py"),
                    help="entry script (default: the project's app.py)")
    ap.add_argument("--source", choices=("well1", "well2"), default="well1",
                    help="uploaded LAS: a slice of Well #1 with measured DTC/DTS (default) "
                         "or Well #2's inputs")
    ap.add_argument("--offset", type=int, default=9_000,
                    help="first Well #1 row of the slice (--source well1)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds between the page being ready and each upload (a user "
                         "finding the file; default 0: upload at once)")
    ap.add_argument("--well", type=Path, default=None,
                    help="a real LAS/CSV file uploaded last, before memory is read")
    args = ap.parse_args()

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="bench_app_"))
    files = [tmp / f"bench_{i}.las" for i in range(args.repeat + 1)]
    for i, f in enumerate(files):
        f.write_bytes(well_las(args.rows, seed=i, source=args.source,
                               offset=args.offset))

    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", args.app, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=PROJECT_DIR, stdout=open(tmp / "server.log", "wb"), stderr=subprocess.STDOUT)
    results: dict[str, float] = {}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() - t0 > 60:
                    raise SystemExit(f"server did not start; see {tmp / 'server.log'}")
                time.sleep(0.05)
        results["server_start_s"] = time.monotonic() - t0
        results["rss_idle_mb"] = rss_mb(proc.pid)[0]

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1400})
            t1 = time.monotonic()
            page.goto(url)
            page.wait_for_function(PAGE_READY, timeout=60_000, polling=50)
            results["page_ready_cold_s"] = time.monotonic() - t1

            uploads, plotly_ready = [], []
            for f in files:
                page.goto(url)
                page.wait_for_function(PAGE_READY, timeout=60_000, polling=50)
                page.wait_for_timeout(args.think * 1000)
                plotly_ready.append(page.evaluate(PLOTLY_READY))
                t2 = time.monotonic()
                page.locator("input[type=file]").set_input_files(str(f))
                page.wait_for_function(TRACKS_DRAWN, timeout=120_000, polling=50)
                uploads.append(time.monotonic() - t2)
            results["upload_to_tracks_first_s"] = uploads[0]
            if len(uploads) > 1:
                results["upload_to_tracks_s"] = float(np.median(uploads[1:]))

            # Switching the model re-predicts the same file with another one. The two may
            # agree, so the end is "the curve changed" or "the rerun with it selected is over".
            before = page.evaluate(PREDICTED_SIGNATURE)
            changed = f"({PREDICTED_SIGNATURE})() !== {before!r}"
            t3 = time.monotonic()
            page.locator("[data-testid=stSidebar] label").filter(has_text=SWITCH_TO).first.click()
            try:
                page.wait_for_function(f"() => {changed} || {RUNNING}", timeout=5_000, polling=20)
            except PlaywrightTimeout:
                pass  # the rerun came and went between two polls
            page.wait_for_function(f"() => {changed} || ({IDLE_WITH_OTHER})",
                                   timeout=120_000, polling=50)
            results[f"switch_to_{SWITCH_TO.replace('-', '_')}_s"] = time.monotonic() - t3
            if args.well is not None:
                page.goto(url)
                page.wait_for_function(PAGE_READY, timeout=60_000, polling=50)
                t4 = time.monotonic()
                page.locator("input[type=file]").set_input_files(str(args.well))
                page.wait_for_function(TRACKS_DRAWN, timeout=120_000, polling=50)
                results["upload_given_well_s"] = time.monotonic() - t4
                page.wait_for_timeout(3000)  # crossplots and the rest of the page
            browser.close()
        rss, hwm = rss_mb(proc.pid)
        results["rss_mb"] = rss
        results["rss_peak_mb"] = hwm
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    print(f"SonicPredict dashboard benchmark: {args.rows:,}-sample LAS "
          f"({getattr(well_las, 'source', '?')}), Chromium headless, 127.0.0.1"
          + (f", uploads {args.think:g} s after the page is ready" if args.think else ""))
    for key, value in results.items():
        unit = "MB" if key.endswith("_mb") else "s"
        target = TARGETS.get(key)
        verdict = "" if target is None else ("  ok" if value <= target else "  OVER") + \
            f" (target <= {target:g} {unit})"
        print(f"  {key:28s} {value:8.2f} {unit}{verdict}")
    print(f"  uploads: {', '.join(f'{u:.2f}' for u in uploads)} s (first includes loading "
          "the ensemble)" + (f"; then {args.well.name}" if args.well is not None else ""))
    print(f"  plotly.js drawn before the upload: {sum(plotly_ready)} of {len(plotly_ready)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
