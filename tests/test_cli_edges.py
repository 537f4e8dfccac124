"""The command line at its edges: outputs that cannot be written, several inputs with a bad one,
``-o -`` to standard output, a LAS STEP from rounded depths, delete's message, one CSV column
set. Every case runs the real CLI in a fresh process on real files written with lasio."""

from __future__ import annotations

import io
import time

import lasio
import numpy as np
import pandas as pd
import pytest

from sonic_model import io as wells
from sonic_model.core.columns import BASELINE_COLUMNS

from support import cli

MODEL = ("--ensemble", "full")


def _las(path, n: int = 300, step_m: float | None = None, with_dtc: bool = False):
    from wellfiles import canonical_well

    frame = canonical_well(n)
    las = lasio.LASFile()
    if step_m is None:
        las.append_curve("DEPT", frame["DEPTH"].to_numpy(), unit="ft")
    else:     # 0.1 m samples written in feet to four decimals: rounding jitter in the steps
        las.append_curve("DEPT", np.round((1000 + step_m * np.arange(n)) / 0.3048, 4), unit="ft")
    for name in ("CNC", "GR", "HRD", "ZDEN") + (("DTC",) if with_dtc else ()):
        las.append_curve(name, frame[name].to_numpy(), unit="")
    buf = io.StringIO()
    las.write(buf, version=2.0, fmt="%.4f")
    path.write_text(buf.getvalue())
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return _las(tmp_path_factory.mktemp("edges") / "good.las")


def _one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_an_output_folder_that_does_not_exist_is_one_line_before_any_work(good, tmp_path):
    t0 = time.monotonic()
    proc = cli("predict", good, "-o", tmp_path / "no" / "such" / "x.csv", *MODEL)
    line = _one_line(proc.stderr)
    assert proc.returncode == 2
    assert "does not exist" in line and str(tmp_path / "no" / "such") in line
    assert time.monotonic() - t0 < 20


@pytest.mark.slow
def test_several_inputs_write_the_good_ones_and_report_the_bad(good, tmp_path):
    empty = tmp_path / "empty.las"
    empty.write_text("")
    out = tmp_path / "out"
    proc = cli("predict", good, empty, "-o", out, *MODEL)
    assert proc.returncode == 2, proc.stderr
    written = pd.read_csv(out / "good_sonic.csv")
    assert len(written) == 300
    assert not (out / "empty_sonic.csv").exists()
    assert "empty.las" in proc.stderr and "1 of 2 inputs failed" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_dash_writes_csv_to_stdout_and_the_summary_to_stderr(good, tmp_path):
    proc = cli("predict", good, "-o", "-", *MODEL, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(io.StringIO(proc.stdout))
    assert len(frame) == 300 and "DTC_PRED" in frame.columns
    assert "standard output" in proc.stderr and "300 rows" in proc.stderr
    assert not (tmp_path / "-").exists()


def test_dash_with_several_inputs_is_a_usage_error(good, tmp_path):
    proc = cli("predict", good, good, "-o", "-", *MODEL)
    assert proc.returncode == 2
    assert "standard output" in _one_line(proc.stderr)


@pytest.mark.slow
def test_las_step_is_the_regular_step_when_depths_are_rounded(tmp_path):
    src = _las(tmp_path / "metric.las", step_m=0.1)
    out = tmp_path / "metric_sonic.las"
    proc = cli("predict", src, "-o", out, *MODEL)
    assert proc.returncode == 0, proc.stderr
    step = float(lasio.read(out).well["STEP"].value)
    assert step == pytest.approx(0.1 / 0.3048, abs=1e-4)


def test_delete_of_an_unknown_model_says_so(tmp_path):
    proc = cli("models", "--delete", "nosuch", env={"SONIC_MODEL_STORE": str(tmp_path)})
    line = _one_line(proc.stderr)
    assert proc.returncode == 2
    assert "no model named 'nosuch' to delete" in line
    assert "train" not in line


@pytest.mark.slow
def test_app_download_and_cli_write_one_column_set(tmp_path):
    """The app predicts with the rock-physics baselines for its figures; its CSV download
    holds the same columns as the CLI's output of the same well."""
    from sonic_model.model.extended import predict_extended

    src = _las(tmp_path / "dtc.las", with_dtc=True)
    out = tmp_path / "dtc_sonic.csv"
    assert cli("predict", src, "-o", out, *MODEL).returncode == 0
    well = wells.read_well(src)
    app_result = predict_extended(well, "full", baselines=True, logs_only_column=True)
    assert set(BASELINE_COLUMNS) <= set(app_result.columns)
    app_csv = pd.read_csv(io.BytesIO(wells.write_csv(well, app_result)))
    assert list(app_csv.columns) == list(pd.read_csv(out).columns)
    assert not set(BASELINE_COLUMNS) & set(app_csv.columns)
