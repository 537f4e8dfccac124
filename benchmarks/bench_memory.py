"""Peak memory of the API server and the dashboard serving the same long well (prints only).

    .venv/bin/python benchmarks/bench_memory.py [--rows 250000] [--only api|app] [--model NAME]

The well: the contest's Well #2 inputs tiled to ``--rows`` samples (a synthetic well when the
contest data is not found), 0.5 ft apart. Each server runs in its own process; its peak resident
memory is read from /proc/PID/status (VmHWM, the high-water mark since it started).

* api: a fresh ``uvicorn sonic_model.serving.api:app`` per request kind, so each peak is that
  request's alone: ``POST /api/v1/predict`` with the curves as JSON, ``POST /api/v1/predict/file``
  with the LAS (answer as JSON, then as CSV), ``POST /api/get_predictions`` (split JSON), and
  one request one row over ``SONIC_API_MAX_ROWS`` (expects 413); then two of the v1 requests at
  once on one server.
* app: ``streamlit run app.py``, the same LAS uploaded in Chromium (benchmarks/bench_app.py's
  driver), until the depth tracks are drawn.

Target on a 1 GB host: each peak under 700 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))

from _common import start_api
from bench_app import free_port, rss_mb, well_las  # noqa: E402

TARGET_MB = 700.0
NAMES = {"CNC": "NPHI", "GR": "GR", "HRD": "ILD", "ZDEN": "RHOB", "CAL": "CALI", "HRM": "ILM"}


def las_frame(las_bytes: bytes):
    import lasio

    return lasio.read(io.StringIO(las_bytes.decode())).df()


def api_requests(las_bytes: bytes, rows: int, model: str) -> list[tuple[str, dict]]:
    """(label, requests.post keyword arguments) per request kind."""
    frame = las_frame(las_bytes)
    cols = {canon: frame[m].tolist() for canon, m in NAMES.items() if m in frame}
    cols = {k: [None if v != v else v for v in vals] for k, vals in cols.items()}
    v1 = json.dumps({"curves": cols, "model": model})
    split = json.dumps({"columns": list(cols), "index": list(range(rows)),
                        "data": [list(r) for r in zip(*cols.values())]})
    upload = {"file": ("long.las", las_bytes, "text/plain")}
    # The widest bodies the default limits accept: the same rows plus copies of GR, as many
    # as fit under SONIC_API_MAX_BODY_BYTES.
    from sonic_model.core.config import get_settings

    limit = get_settings().api_max_body_bytes
    n_extra = max(0, int((limit - len(v1)) / len(json.dumps(cols["GR"]))) - 1)
    extra = {f"X{k}": cols["GR"] for k in range(n_extra)}
    wide = json.dumps({"curves": {**cols, **extra}, "model": model})
    wide_split = json.dumps({"columns": list(cols) + list(extra), "index": list(range(rows)),
                             "data": [list(r) for r in zip(*cols.values(), *extra.values())]})
    while len(wide_split) > limit:
        wide_split = None
        extra.popitem()
        wide_split = json.dumps({"columns": list(cols) + list(extra),
                                 "index": list(range(rows)),
                                 "data": [list(r) for r in zip(*cols.values(),
                                                               *extra.values())]})
    json_type = {"content-type": "application/json"}
    return [
        (f"v1 JSON, {len(cols) + n_extra} curves", dict(
            url="/api/v1/predict", data=wide, headers=json_type)),
        (f"get_predictions, {len(cols) + len(extra)} cols", dict(
            url="/api/get_predictions", data=wide_split, headers=json_type)),
        ("v1 JSON", dict(url="/api/v1/predict", data=v1,
                         headers={"content-type": "application/json"})),
        ("file -> JSON", dict(url="/api/v1/predict/file", files=upload,
                              data={"model": model})),
        ("file -> CSV", dict(url="/api/v1/predict/file", files=upload,
                             data={"model": model, "format": "csv"})),
        ("get_predictions", dict(url="/api/get_predictions", data=split,
                                 headers={"content-type": "application/json"})),
    ]


def bench_api(las_bytes: bytes, rows: int, model: str) -> list[tuple[str, str, float, float]]:
    out = []
    for label, kwargs in api_requests(las_bytes, rows, model):
        proc, url = start_api({})
        try:
            idle = rss_mb(proc.pid)[0]
            body = kwargs.get("data")
            size = len(body) if isinstance(body, str) else len(las_bytes)
            t0 = time.monotonic()
            r = requests.post(url + kwargs.pop("url"), timeout=900, **kwargs)
            dt = time.monotonic() - t0
            peak = rss_mb(proc.pid)[1]
            out.append((label, f"{r.status_code} in {dt:.1f} s, body {size / 1e6:.1f} MB, "
                               f"answer {len(r.content) / 1e6:.1f} MB", idle, peak))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return out


def concurrent(las_bytes: bytes, rows: int, model: str, n: int = 2, env: dict | None = None
               ) -> tuple[str, str, float, float]:
    """n of the 6-curve v1 requests at once on one server (started with ``env``)."""
    from concurrent.futures import ThreadPoolExecutor

    label, kwargs = next((lbl, kw) for lbl, kw in api_requests(las_bytes, rows, model)
                         if lbl == "v1 JSON")
    proc, url = start_api(env or {})
    try:
        idle = rss_mb(proc.pid)[0]
        path = kwargs.pop("url")
        t0 = time.monotonic()
        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(lambda _: requests.post(url + path, timeout=900,
                                                          **kwargs).status_code, range(n)))
        setting = " ".join(f"{k}={v}" for k, v in (env or {}).items())
        return (f"{n} x {label} at once {setting}".strip(), f"{codes} in {time.monotonic() - t0:.1f} s", idle,
                rss_mb(proc.pid)[1])
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def over_limit(model: str) -> tuple[str, str, float, float]:
    proc, url = start_api({"SONIC_API_MAX_ROWS": "1000"})
    try:
        body = {"curves": {c: [1.0] * 1001 for c in ("CNC", "GR", "HRD", "ZDEN")}, "model": model}
        r = requests.post(f"{url}/api/v1/predict", json=body, timeout=60)
        return ("1,001 rows over a 1,000 limit", f"{r.status_code}: {r.json()['detail'][:70]}",
                *rss_mb(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def bench_app(path: Path) -> tuple[str, str, float, float]:
    from bench_app import CHROMIUM, CHROMIUM_ARGS, PAGE_READY, TRACKS_DRAWN
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.maxUploadSize", "1000"],
        cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        t0 = time.monotonic()
        while True:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() - t0 > 60:
                    sys.exit("streamlit did not start")
                time.sleep(0.1)
        idle = rss_mb(proc.pid)[0]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1400})
            page.goto(url)
            page.wait_for_function(PAGE_READY, timeout=60_000, polling=100)
            t1 = time.monotonic()
            page.locator("input[type=file]").set_input_files(str(path))
            page.wait_for_function(TRACKS_DRAWN, timeout=600_000, polling=200)
            dt = time.monotonic() - t1
            page.wait_for_timeout(3000)
            browser.close()
        return ("dashboard upload", f"tracks drawn in {dt:.1f} s", idle, rss_mb(proc.pid)[1])
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=250_000)
    ap.add_argument("--only", choices=("api", "app", "concurrent"))
    ap.add_argument("--model", default="full", help="the model every request names")
    args = ap.parse_args()
    las_bytes = well_las(args.rows, seed=7)
    print(f"{args.rows:,}-sample LAS ({getattr(well_las, 'source', '?')}), "
          f"{len(las_bytes) / 1e6:.1f} MB; model {args.model}; cpus {os.cpu_count()}")
    rows = []
    if args.only in (None, "api"):
        rows += bench_api(las_bytes, args.rows, args.model)
        rows.append(over_limit(args.model))
    if args.only in (None, "api", "concurrent"):
        rows.append(concurrent(las_bytes, args.rows, args.model))
        rows.append(concurrent(las_bytes, args.rows, args.model,
                               env={"SONIC_API_CONCURRENCY": "1"}))
    if args.only in (None, "app"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "long.las"
            path.write_bytes(las_bytes)
            rows.append(bench_app(path))
    print(f"{'request':46s} {'idle MB':>8s} {'peak MB':>8s}  result")
    for label, result, idle, peak in rows:
        verdict = "ok" if peak <= TARGET_MB else "OVER"
        print(f"{label:46s} {idle:8.0f} {peak:8.0f}  {verdict} (<= {TARGET_MB:.0f})  {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
