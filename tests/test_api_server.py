"""End to end: uvicorn in a subprocess on a free 127.0.0.1 port, driven with `requests` exactly
as SonicPredict's notebook clients drive it, then hammered by 8 threads.

Needs the trained artifacts and the contest's Well #2 inputs (fixtures: skip locally, fail in CI).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
import requests

from sonic_model.io.contest import load_test

COMPAT_COLUMNS = ["CNC", "GR", "HRD", "ZDEN"]
pytestmark = pytest.mark.slow      # a uvicorn process (test_api.py: the routes in-process)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


@pytest.fixture(scope="module")
def server(api_server):
    return api_server()


@pytest.fixture(scope="module")
def well2(contest_dir) -> pd.DataFrame:
    return load_test(contest_dir)


def sonicpredict_client(url: str, df: pd.DataFrame) -> pd.DataFrame:
    """SonicPredict's tutorial steps, unchanged: double-encoded split JSON in, split JSON out."""
    r = requests.post(f"{url}/api/get_predictions", data=json.dumps(df.to_json(orient="split")),
                      headers={"content-type": "application/json"}, timeout=120)
    r.raise_for_status()
    pred = pd.read_json(StringIO(r.text), orient="split")
    return df.merge(pred, left_index=True, right_index=True)


def test_sonicpredict_client_steps_on_well2(server, well2):
    url = server.url
    df = well2[COMPAT_COLUMNS]
    merged = sonicpredict_client(url, df)
    assert len(merged) == len(df)
    assert list(merged.columns) == COMPAT_COLUMNS + ["pred_DTC", "pred_DTS"]
    assert (merged.index == df.index).all()
    # Rows with all four inputs valid (no -999) get a plausible prediction.
    complete = (df > -999).all(axis=1)
    good = merged[complete]
    assert good["pred_DTC"].notna().mean() > 0.99
    assert good["pred_DTC"].dropna().between(40, 200).all()
    assert good["pred_DTS"].dropna().between(60, 600).all()


def test_sonicpredict_client_with_a_shuffled_index_and_extra_columns(server, well2):
    url = server.url
    df = well2.iloc[500:700].sample(frac=1.0, random_state=0)   # index out of order
    merged = sonicpredict_client(url, df)
    assert list(merged.index) == list(df.index)
    complete = (df[COMPAT_COLUMNS] > -999).all(axis=1)
    assert merged.loc[complete, "pred_DTC"].notna().all()


def test_missing_curve_is_422_over_the_wire(server, well2):
    url = server.url
    df = well2[["CNC", "GR", "HRD"]].head(10)
    r = requests.post(f"{url}/api/get_predictions", data=json.dumps(df.to_json(orient="split")),
                      headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 422
    assert r.json()["missing"] == ["ZDEN"]


def test_v1_file_over_the_wire(server, well2):
    url = server.url
    csv = well2.head(300).to_csv(index=False).encode()
    r = requests.post(f"{url}/api/v1/predict/file", files={"file": ("w2.csv", csv)},
                      data={"format": "csv", "ensemble": "light"}, timeout=60)
    assert r.status_code == 200, r.text
    out = pd.read_csv(StringIO(r.text))
    assert len(out) == 300 and "DTS_PRED" in out.columns


def test_concurrent_clients_no_errors_no_memory_growth(server, well2):
    url, pid = server.url, server.pid
    df = well2[COMPAT_COLUMNS]
    sizes = [1, 100, 1000, 5000]
    bodies = [json.dumps(df.iloc[:n].to_json(orient="split")) for n in sizes]

    def call(i: int) -> tuple[int, int]:
        body = bodies[i % len(bodies)]
        r = requests.post(f"{url}/api/get_predictions", data=body,
                          headers={"content-type": "application/json"}, timeout=120)
        rows = len(pd.read_json(StringIO(r.text), orient="split")) if r.ok else -1
        return r.status_code, rows

    with ThreadPoolExecutor(8) as pool:       # warm-up: allocator pools, thread stacks
        list(pool.map(call, range(16)))
    before = rss_mb(pid)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(200)))
    after = rss_mb(pid)
    errors = [(i, s) for i, (s, _) in enumerate(results) if s != 200]
    assert errors == []
    assert [rows for _, rows in results] == [sizes[i % len(sizes)] for i in range(200)]
    assert after - before < 50, f"RSS grew {after - before:.1f} MB ({before:.0f} -> {after:.0f})"
