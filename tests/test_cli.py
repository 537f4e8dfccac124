"""The command line as a user runs it: real processes, real files, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import lasio
import numpy as np
import pandas as pd
import pytest

from sonic_model.core.curves import RESULT_COLUMNS
from sonic_model.io.depth import CONTEST_STEP_FT

from support import PROJECT_DIR, cli, cli_argv, cli_env


def vendor_las(path: Path, frame: pd.DataFrame, start_ft: float = 8000.0) -> Path:
    """Write contest rows as a vendor LAS: RHOB/NPHI(%)/ILD/ILM/PEF/CALI mnemonics, in feet at
    the contest's 0.1 m sampling (so the LAS and the depth-less CSV make the same features)."""
    las = lasio.LASFile()
    las.well["WELL"].value = "TEST-1"
    las.append_curve("DEPT", start_ft + np.arange(len(frame)) * CONTEST_STEP_FT, unit="ft")
    spec = [("CALI", "CAL", "in", 1), ("NPHI", "CNC", "%", 100), ("GR", "GR", "gAPI", 1),
            ("ILD", "HRD", "ohmm", 1), ("ILM", "HRM", "ohmm", 1), ("PEF", "PE", "b/e", 1),
            ("RHOB", "ZDEN", "g/cm3", 1)]
    for mnem, canon, unit, factor in spec:
        values = frame[canon].to_numpy(dtype=float)
        las.append_curve(mnem, np.where(values == -999, -999.25, values * factor), unit=unit)
    las.write(str(path), version=2.0)
    return path


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_predict_contest_csv_gives_one_row_per_input_row(contest_dir, model_dir, tmp_path):
    out = tmp_path / "well2.csv"
    proc = cli("predict", contest_dir / "test.csv", "-o", out)
    assert proc.returncode == 0, proc.stderr
    result = pd.read_csv(out)
    assert len(result) == 11088
    assert set(RESULT_COLUMNS) <= set(result.columns)
    assert result["DTC_PRED"].notna().all()


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_predict_las_in_las_out_with_vendor_mnemonics(contest_dir, model_dir, tmp_path):
    frame = pd.read_csv(contest_dir / "test.csv").iloc[:1500]
    src = vendor_las(tmp_path / "vendor.las", frame)
    out = tmp_path / "vendor_pred.las"
    proc = cli("predict", src, "-o", out, "--ensemble", "light")
    assert proc.returncode == 0, proc.stderr
    las = lasio.read(str(out))
    assert len(las["DTC_PRED"]) == 1500
    for curve in ("RHOB", "NPHI", "DTC_PRED", "DTS_PRED", "DTC_P10", "DTS_P90", "QC"):
        assert curve in las.keys()
    assert "with model contest (model_version " in las.other   # light is an old name of contest
    # % neutron was converted: the result equals predicting the contest rows directly
    direct = tmp_path / "direct.csv"
    contest_like = tmp_path / "rows.csv"
    frame.to_csv(contest_like, index=False)
    assert cli("predict", contest_like, "-o", direct, "--ensemble", "light").returncode == 0
    assert np.allclose(las["DTS_PRED"], pd.read_csv(direct)["DTS_PRED"], atol=0.05)


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_several_inputs_write_one_output_each(contest_dir, model_dir, tmp_path):
    frame = pd.read_csv(contest_dir / "test.csv")
    a = vendor_las(tmp_path / "a.las", frame.iloc[:300])
    b = tmp_path / "b.csv"
    frame.iloc[300:700].to_csv(b, index=False)
    proc = cli("predict", a, b, "-o", tmp_path / "out", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(tmp_path / "out" / "a_sonic.csv")) == 300
    assert len(pd.read_csv(tmp_path / "out" / "b_sonic.csv")) == 400


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_map_overrides_the_automatic_choice(contest_dir, model_dir, tmp_path):
    frame = pd.read_csv(contest_dir / "test.csv").iloc[:400]
    src = tmp_path / "odd.csv"
    frame.rename(columns={"HRD": "RES_DEEP_X"}).to_csv(src, index=False)
    proc = cli("predict", src, "-o", tmp_path / "o.csv")
    assert proc.returncode == 2
    assert "HRD" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = cli("predict", src, "-o", tmp_path / "o.csv", "--map", "HRD=RES_DEEP_X")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("content,expected", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, ""),
    (b"A,B,C\n1,2,3\n4,5,6\n", "CNC"),
], ids=["empty-file", "binary-file", "no-required-curves"])
def test_bad_input_exits_2_with_one_line_and_no_traceback(model_dir, tmp_path, content, expected):
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    proc = cli("predict", src, "-o", tmp_path / "o.csv")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert expected in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_missing_file_and_bad_options_exit_2(model_dir, tmp_path):
    proc = cli("predict", tmp_path / "nope.las", "-o", tmp_path / "o.csv")
    assert proc.returncode == 2 and "nope.las" in proc.stderr
    proc = cli("predict", tmp_path / "nope.las", "-o", tmp_path / "o.xlsx")
    assert proc.returncode == 2 and ".csv or .las" in proc.stderr
    proc = cli("predict", tmp_path / "x.las", "-o", tmp_path / "o.csv", "--ensemble", "huge")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    proc = cli("predict", tmp_path / "x.las", "-o", tmp_path / "o.csv", "--map", "FOO=BAR")
    assert proc.returncode == 2 and "FOO" in proc.stderr


def test_info_prints_the_model_card(model_dir):
    proc = cli("info", "--json")
    assert proc.returncode == 0
    card = json.loads(proc.stdout)
    assert set(card["ensembles"]) == {"full", "light"}
    assert "CC BY-NC-SA" in card["data"]["licence"]
    proc = cli("info")
    assert proc.returncode == 0 and "XGBoost" in proc.stdout and "Full" in proc.stdout


def test_info_says_how_far_the_predicted_logs_serve_a_synthetic_and_avo():
    # The card's fit-for-purpose figures, per held-out well, with the AVO gradient from the
    # logs alone and with a measured DTC, and the medians a user without sonic should expect.
    proc = cli("info", "--model", "north-sea")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(cli("info", "--model", "north-sea", "--json").stdout)
    ffp = card["fit_for_purpose"]
    lines = proc.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Fit for purpose"))
    first_well, scores = next((w, s) for w, s in ffp["wells"].items() if s)
    row = lines[start + 1].split()
    assert " ".join(row[:len(first_well.split())]) == first_well
    assert f"{scores['angles']['0']['depth_corr']:.2f}" == row[len(first_well.split())]
    with_dtc = ffp["with_measured_dtc"]["summary"]["avo_gradient_corr"]
    assert any(f"({with_dtc:.2f} with a measured DTC)" in line for line in lines[start:])


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_tampered_artifacts_make_predict_exit_2(contest_dir, model_dir, tmp_path):
    import shutil

    copy = tmp_path / "models"
    shutil.copytree(model_dir, copy)
    (copy / "pcr.npz").write_bytes(b"x")
    proc = cli("predict", contest_dir / "test.csv", "-o", tmp_path / "o.csv",
               env={"SONIC_MODEL_DIR": str(copy)})
    assert proc.returncode == 2 and "sha256" in proc.stderr


@pytest.mark.parametrize("args", [("info",), ("info", "--json")], ids=["info", "info-json"])
def test_a_closed_output_pipe_is_a_normal_end(model_dir, args):
    # `python -m sonic_model info | head -1`: the reader leaves before the CLI writes. Closing
    # our end at once, while the child is still importing, makes that deterministic.
    proc = subprocess.Popen(cli_argv(*args), cwd=PROJECT_DIR, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""


def test_an_empty_input_is_rejected_before_pandas_and_the_models_load(model_dir, tmp_path):
    src = tmp_path / "empty.las"
    src.write_bytes(b"  \n")
    argv = cli_argv("predict", src, "-o", tmp_path / "o.csv")
    proc = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=PROJECT_DIR,
                          env=cli_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    message = [ln for ln in proc.stderr.splitlines() if not ln.startswith("import time:")]
    assert message == ["error: empty.las: file is empty; export the well again"]
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in proc.stderr.splitlines()
                if ln.startswith("import time:")}
    assert not imported & {"numpy", "pandas", "joblib", "lasio", "sonic_model.model.ensemble"}


@pytest.mark.slow          # predicts whole wells in a subprocess
def test_a_closed_stderr_does_not_stop_predict(contest_dir, model_dir, tmp_path):
    # `predict a b 2>&1 | head -1`: the summary lines lose their reader; both wells are written.
    frame = pd.read_csv(contest_dir / "test.csv")
    frame.iloc[:300].to_csv(tmp_path / "a.csv", index=False)
    frame.iloc[300:500].to_csv(tmp_path / "b.csv", index=False)
    proc = subprocess.Popen(cli_argv("predict", "a.csv", "b.csv", "-o", "out", "--ensemble",
                                     "light"), cwd=tmp_path, env=cli_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc.stderr.close()
    assert proc.wait(timeout=300) == 0
    assert len(pd.read_csv(tmp_path / "out" / "a_sonic.csv")) == 300
    assert len(pd.read_csv(tmp_path / "out" / "b_sonic.csv")) == 200
