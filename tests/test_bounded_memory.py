"""Bounded memory on a small host: long wells predicted in slices with the one-pass answer,
readers that do not hold a token per value, limits sized by benchmarks/bench_memory.py, and a
413 naming the limit for what the server cannot hold."""

from __future__ import annotations

import io
from dataclasses import replace

import lasio
import numpy as np
import pandas as pd
import pytest
import requests

from sonic_model import io as wells
from sonic_model.core import config
from sonic_model.model import chunked
from sonic_model.model.extended import predict_extended

import support


@pytest.fixture(scope="module")
def force_slice():
    """4,000 samples of a real FORCE well, its measured sonic left out."""
    well = wells.read_well(support.force_well("16_2-11_A"))
    keep = slice(6000, 10000)
    curves = well.curves.iloc[keep].drop(columns=["DTC", "DTS"], errors="ignore")
    return replace(well, curves=curves, depth=well.depth[keep], original=well.original.iloc[:0])


@pytest.mark.slow
def test_a_well_predicted_in_slices_equals_one_pass(force_slice):
    one = predict_extended(force_slice, "full")
    sliced = chunked.predict_chunked(force_slice, "full", chunk_rows=1000)
    assert chunked.margin_rows(force_slice.depth_ft()) < 1000     # slices really overlap
    assert list(sliced.index) == list(one.index)
    assert list(sliced.columns) == list(one.columns)
    for col in one.columns:
        if col == "QC":
            assert sliced[col].tolist() == one[col].tolist()
        else:
            np.testing.assert_allclose(sliced[col].to_numpy(float), one[col].to_numpy(float),
                                       rtol=1e-6, atol=1e-5, equal_nan=True)


def test_a_used_measured_dtc_keeps_the_well_in_one_pass(force_slice):
    with_dtc = replace(force_slice, curves=force_slice.curves.assign(DTC=80.0))
    assert chunked.sliceable(force_slice)
    assert not chunked.sliceable(with_dtc)
    assert chunked.sliceable(with_dtc, ignore_measured=True)
    assert not chunked.sliceable(with_dtc, ignore_measured=True, splice=True)


def test_a_regular_las_is_read_straight_into_numbers(tmp_path):
    n = 2000
    las = lasio.LASFile()
    las.append_curve("DEPT", 1000 + 0.5 * np.arange(n), unit="ft")
    for name, value in (("NPHI", 0.25), ("GR", 80.0), ("ILD", 5.0), ("RHOB", 2.4)):
        las.append_curve(name, value + np.sin(np.arange(n) / 9.0), unit="")
    buf = io.StringIO()
    las.write(buf, version=2.0)
    well = wells.read_well(buf.getvalue().encode(), name="regular.las")
    assert len(well.curves) == n
    np.testing.assert_allclose(well.curves["GR"], 80.0 + np.sin(np.arange(n) / 9.0), atol=1e-4)


def test_default_limits_fit_a_small_host(settings_env):
    settings_env(SONIC_API_MAX_ROWS=None, SONIC_API_MAX_BODY_BYTES=None)
    settings = config.get_settings()
    # Measured by benchmarks/bench_memory.py: 250,000 rows peak ~450 MB, the widest
    # 32 MiB body ~610 MB; a 1 GB host gives the server 700 MB.
    assert settings.api_max_rows == 250_000
    assert settings.api_max_body_bytes == 32 * 1024 * 1024


LIMIT = chunked.CHUNK_ROWS + 5_000      # one request longer than a slice is accepted


@pytest.fixture(scope="module")
def small_server():
    with support.api_server({"SONIC_API_MAX_ROWS": str(LIMIT)}) as server:
        yield server


@pytest.mark.slow
def test_rows_over_the_limit_are_413_naming_it(small_server):
    curves = {c: [1.0] * (LIMIT + 1) for c in ("CNC", "GR", "HRD", "ZDEN")}
    r = requests.post(f"{small_server.url}/api/v1/predict", json={"curves": curves}, timeout=60)
    assert r.status_code == 413
    assert f"limit of {LIMIT} rows" in r.json()["detail"]
    frame = pd.DataFrame({"DEPT": 1000 + 0.5 * np.arange(LIMIT + 1), **curves})
    r = requests.post(f"{small_server.url}/api/v1/predict/file", timeout=60,
                      files={"file": ("long.csv", frame.to_csv(index=False), "text/csv")})
    assert r.status_code == 413
    assert f"limit of {LIMIT} rows" in r.json()["detail"]


@pytest.mark.slow
def test_a_long_request_answers_every_row_in_slices(small_server, force_slice):
    """Over HTTP, a well longer than one slice: every row back, in order (a moderate size;
    the 250,000-row peak is benchmarks/bench_memory.py's)."""
    n = LIMIT
    reps = -(-n // len(force_slice.curves))
    curves = pd.concat([force_slice.curves[["CNC", "GR", "HRD", "ZDEN"]]] * reps).iloc[:n]
    body = {"curves": {c: [None if v != v else v for v in curves[c].tolist()]
                       for c in curves.columns}}
    r = requests.post(f"{small_server.url}/api/v1/predict", json=body, timeout=300)
    assert r.status_code == 200, r.text[:300]
    answer = r.json()
    assert answer["rows"] == n and len(answer["results"]["DTC_PRED"]) == n


def test_concurrency_is_a_setting_for_a_small_host(settings_env):
    from sonic_model.core.errors import SettingsError

    settings_env(SONIC_API_CONCURRENCY="1")
    assert config.get_settings().api_concurrency == 1
    settings_env(SONIC_API_CONCURRENCY="none")
    with pytest.raises(SettingsError, match="SONIC_API_CONCURRENCY"):
        config.get_settings()
