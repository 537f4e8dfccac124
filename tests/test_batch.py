"""Batch scoring of a field folder: real wells (FORCE slices, the contest well) mixed with files
that are not wells; the CLI verb, the report, resumable re-runs, atomic outputs, the app page."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from sonic_model.serving import batch
from sonic_model.serving.batch import ProgressPrinter

from batchwells import copy_field, write_field
from support import cli, cli_argv, cli_env

ROOT = Path(__file__).resolve().parents[1]
READER_COLUMNS = {"DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90", "QC"}


def read_report(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def rel_of(field, label: str) -> str:
    return Path(label).resolve().relative_to(field.root.resolve()).as_posix()


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != batch.REPORT_NAME}


@pytest.fixture(scope="module")
def field(tmp_path_factory):
    return write_field(tmp_path_factory.mktemp("field") / "field")


@pytest.fixture
def choice(model_dir):
    return batch.resolve_model("full")


def run(field, out: Path, choice, **kw) -> batch.BatchSummary:
    jobs = batch.plan(batch.discover([field.root], out), out, kw.pop("fmt", "csv"), choice)
    return batch.run_batch(jobs, out, choice, **kw)


# --------------------------------------------------------------------------- the CLI, end to end

@pytest.mark.slow          # subprocesses
def test_cli_scores_every_readable_well_and_reports_every_bad_file(field, model_dir, tmp_path):
    out = tmp_path / "out"
    proc = cli("batch", field.root, "-o", out, "--workers", "2")
    assert proc.returncode == 2, proc.stderr          # some inputs were refused
    assert "Traceback" not in proc.stderr
    report = read_report(out / batch.REPORT_NAME)
    by_rel = {rel_of(field, label): row for label, row in report.items()}
    # One row per input, nothing for files that are not wells (.png, .docx, hidden).
    assert set(by_rel) == set(field.readable) | set(field.bad)
    for rel, pattern in field.bad.items():
        row = by_rel[rel]
        assert row["status"] == "error" and row["output"] == ""
        assert re.search(pattern, row["message"], re.I), (rel, row["message"])
        # the file column names the file: the message does not repeat it
        assert not row["message"].startswith(Path(rel).name), row["message"]
        assert f"{Path(rel).name}: {Path(rel).name}:" not in proc.stderr
    outputs = sorted(p.name for p in out.iterdir() if p.name != batch.REPORT_NAME)
    assert len(outputs) == len(field.readable)               # one output per readable well
    for rel, rows in field.readable.items():
        row = by_rel[rel]
        assert row["status"] == "ok", row
        # the model auto picked for this well and its version; why, in a column of its own
        picked = row["model"].split(" ")[0]
        assert picked in ("contest", "north-sea") and len(row["model"].split(" ")) == 2, row
        assert row["model_reason"].startswith(f"auto: {picked} (")
        frame = pd.read_csv(out / row["output"])
        assert len(frame) == rows == int(row["rows"])
        assert READER_COLUMNS <= set(frame.columns)
        assert frame["DTC_PRED"].notna().mean() > 0.9
        # The report's figures are those of the written file.
        assert float(row["qc_flagged_share"]) == pytest.approx((frame["QC"] != "OK").mean(),
                                                                abs=1e-4)
        if rel in field.measured:
            ok = frame["DTC"].notna() & frame["DTC_PRED"].notna()
            rmse = math.sqrt(((frame["DTC"] - frame["DTC_PRED"])[ok] ** 2).mean())
            assert float(row["rmse_dtc"]) == pytest.approx(rmse, abs=2e-3)
        else:
            assert row["rmse_dtc"] == ""                   # no measured sonic, no score
    assert by_rel["petrel/deep/31_3-4.LAS"]["rmse_dts"] != ""   # the well with shear
    # The two wells called well.las get different outputs, named after their folders.
    assert {by_rel["petrel/a/well.las"]["output"], by_rel["petrel/b/well.las"]["output"]} == {
        "field__petrel__a__well_sonic_auto.csv", "field__petrel__b__well_sonic_auto.csv"}
    # Not a terminal: one plain line per file, then the summary.
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len(report) + 1
    assert lines[-1].startswith(f"{len(report)} files: 5 scored, 0 up to date, 7 refused")


@pytest.mark.slow          # subprocesses
def test_cli_las_output_reads_back(field, model_dir, tmp_path):
    import lasio

    out = tmp_path / "out"
    sub = field.root / "petrel" / "a"
    proc = cli("batch", sub, "-o", out, "--format", "las", "--ensemble", "light", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    (name,) = [p.name for p in out.glob("*.las")]
    assert name == "a__well_sonic_light.las"
    las = lasio.read(out / name)
    assert len(las.index) == field.readable["petrel/a/well.las"]
    assert "DTC_PRED" in las.keys()


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["/nonexistent/field", "-o", "OUT"], "'/nonexistent/field' is not an existing file or folder"),
    (["EMPTY", "-o", "OUT"], "no well files"),
    (["EMPTY", "-o", "OUT", "--workers", "0"], "--workers 0: give 1 or more"),
    (["EMPTY", "-o", "OUT", "--ensemble", "full", "--model", "x"], "not allowed with"),
    (["WELLS", "-o", "a_file.csv"], "-o a_file.csv: is a file; name a folder"),
    (["WELLS", "-o", "a_file.csv/out"], "cannot create the output folder"),
], ids=["missing-input", "no-wells", "zero-workers", "ensemble-and-model", "out-is-a-file",
        "out-cannot-be-made"])
def test_cli_usage_errors_are_one_line_exit_2(tmp_path, args, message):
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "EMPTY" / "notes.docx").write_bytes(b"PK")
    (tmp_path / "WELLS").mkdir()
    (tmp_path / "WELLS" / "w.las").write_text("~Version\n")
    (tmp_path / "a_file.csv").write_text("x\n1\n")
    proc = cli("batch", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2 and "Traceback" not in proc.stderr


@pytest.mark.slow          # subprocesses
def test_cli_model_name_goes_through_the_store(field, model_dir, tmp_path):
    proc = cli("batch", field.root / "contest", "-o", tmp_path / "out", "--model", "no_such_model",
               cwd=tmp_path)
    assert proc.returncode == 2
    assert "no_such_model" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow          # subprocesses
def test_unreachable_scheduler_is_a_clear_error(field, model_dir, tmp_path):
    from support import free_port

    proc = cli("batch", field.root / "contest", "-o", tmp_path / "out", "--scheduler",
               f"tcp://127.0.0.1:{free_port()}", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "cannot reach the Dask scheduler" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- finding and naming

def test_discover_walks_folders_and_skips_outputs_hidden_and_other_files(field, tmp_path):
    out = field.root / "results"           # an output folder inside the input folder
    out.mkdir(exist_ok=True)
    (out / "old_sonic_full.csv").write_text("DEPTH_M,DTC_PRED\n1,80\n")
    try:
        found = batch.discover([field.root], out)
    finally:
        (out / "old_sonic_full.csv").unlink()
        out.rmdir()
    rels = {rel_of(field, f.label) for f in found}
    assert rels == set(field.readable) | set(field.bad)   # .LAS found; .png/.docx/hidden not
    # An explicitly named file is taken whatever its suffix; a file named twice counts once.
    doc = field.root / "petrel" / "notes.docx"
    again = batch.discover([doc, doc, field.root / "contest" / "well2.las"], tmp_path)
    assert [Path(f.label).name for f in again] == ["notes.docx", "well2.las"]


def test_output_names_never_collide_and_are_stable(tmp_path, choice):
    for rel in ("x/w1.las", "x/w1.csv", "y/w1.las", "x__w1.las", "x/W1.LAS"):
        (tmp_path / "in" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / rel).write_text("~Version\n")
    found = batch.discover([tmp_path / "in"], tmp_path / "out")
    names = [Path(j.output).name for j in batch.plan(found, tmp_path / "out", "las", choice)]
    assert len({n.casefold() for n in names}) == len(names) == 5
    assert "in__y__w1_sonic_full.las" in names
    again = batch.plan(batch.discover([tmp_path / "in"], tmp_path / "out"), tmp_path / "out",
                       "las", choice)
    assert [Path(j.output).name for j in again] == names


# --------------------------------------------------------------------------- resuming

def test_rerun_skips_finished_wells_and_force_recomputes(field, choice, tmp_path):
    out = tmp_path / "out"
    first = run(field, out, choice)
    assert first.counts == {"ok": 5, "skipped": 0, "error": 7} and first.exit_code == 2
    before = mtimes(out)
    first_report = read_report(out / batch.REPORT_NAME)

    second = run(field, out, choice)
    assert second.counts == {"ok": 0, "skipped": 5, "error": 7} and second.exit_code == 2
    assert mtimes(out) == before                           # nothing rewritten
    report = read_report(out / batch.REPORT_NAME)
    assert set(report) == set(first_report)                # the report still lists every file
    for label, row in report.items():
        old = first_report[label]
        if old["status"] == "ok":
            assert row["status"] == "skipped" and "--force" in row["message"]
            # figures carried over from the run that computed them
            for col in ("output", "rows", "qc_flagged_share", "rmse_dtc", "rmse_dts"):
                assert row[col] == old[col]
        else:
            assert row["status"] == "error" and row["message"] == old["message"]

    forced = run(field, out, choice, force=True)
    assert forced.counts == {"ok": 5, "skipped": 0, "error": 7}
    assert all(mtimes(out)[n] > before[n] for n in before)


@pytest.mark.slow
def test_a_changed_input_or_model_is_recomputed(field, model_dir, tmp_path):
    import shutil

    local = copy_field(field, tmp_path / "field")
    models = tmp_path / "models"
    shutil.copytree(model_dir, models)
    choice = batch.ModelChoice("full", str(models), "full")
    out = tmp_path / "out"
    run(local, out, choice)
    before = mtimes(out)
    future = time.time() + 10
    changed = local.root / "contest" / "well2.las"
    os.utime(changed, (future, future))
    summary = run(local, out, choice)
    ok = {Path(r["file"]).name for r in summary.rows if r["status"] == "ok"}
    assert ok == {"well2.las"}
    assert summary.counts["skipped"] == 4
    # A newer model (retrained in place) makes every output stale.
    os.utime(models / "model_card.json", (future + 10, future + 10))
    assert run(local, out, choice).counts == {"ok": 5, "skipped": 0, "error": 7}
    assert all(mtimes(out)[n] != before[n] for n in before)


@pytest.mark.slow
def test_another_model_never_reuses_outputs(field, model_dir, tmp_path):
    out = tmp_path / "out"
    run(field, out, batch.resolve_model())                   # the default: auto
    light = run(field, out, batch.resolve_model("light"))
    assert light.counts == {"ok": 5, "skipped": 0, "error": 7}
    assert len(list(out.glob("*_sonic_light.csv"))) == len(list(out.glob("*_sonic_auto.csv"))) == 5


# --------------------------------------------------------------------------- atomic outputs

@pytest.mark.slow
def test_failure_mid_write_leaves_the_previous_output_whole(field, choice, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(field, out, choice)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != batch.REPORT_NAME}

    real_fsync = os.fsync

    def disk_full(fd):  # the bytes are in the temporary file; committing them fails
        if "_sonic_full.csv" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full)
    summary = run(field, out, choice, force=True)
    monkeypatch.undo()
    failed = [r for r in summary.rows if "cannot write" in r["message"]]
    assert len(failed) == 5 and summary.exit_code == 2
    assert all("No space left on device" in r["message"] for r in failed)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != batch.REPORT_NAME}
    assert after == before                                 # no half file, no temp file left


@pytest.mark.slow
def test_a_killed_run_leaves_only_whole_outputs_and_resumes(field, model_dir, tmp_path):
    src = tmp_path / "many"
    for k in range(6):                                     # 30 wells: long enough to interrupt
        for rel in field.readable:
            dest = src / f"copy{k}" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes((field.root / rel).read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen(cli_argv("batch", src, "-o", out, "--workers", "1"), cwd=ROOT,
                            env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if len(list(out.glob("*_sonic_auto.csv"))) >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = list(out.glob("*_sonic_auto.csv"))
    assert 3 <= len(done) < 30
    for path in done:                                      # every output present is whole
        assert len(pd.read_csv(path)) == 300
    journal = read_report(out / batch.REPORT_NAME)         # says what finished before the kill
    assert {r["output"] for r in journal.values() if r["status"] == "ok"} <= {p.name for p in done}

    proc = cli("batch", src, "-o", out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    report = read_report(out / batch.REPORT_NAME)
    assert len(report) == 30
    assert sum(r["status"] == "skipped" for r in report.values()) >= len(journal)
    assert len(list(out.glob("*_sonic_auto.csv"))) == 30
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- pool and progress

@pytest.mark.slow          # subprocesses
def test_process_pool_writes_what_one_process_writes(field, choice, tmp_path):
    one = run(field, tmp_path / "one", choice, workers=1)
    two = run(field, tmp_path / "two", choice, workers=2)
    assert [r["status"] for r in one.rows] == [r["status"] for r in two.rows]
    for row in one.rows:
        if row["status"] == "ok":
            assert (tmp_path / "one" / row["output"]).read_bytes() == \
                (tmp_path / "two" / row["output"]).read_bytes()


def _row(status, name="w.las", message=""):
    return {"file": name, "status": status, "output": "w_sonic_full.csv", "seconds": 0.5,
            "message": message}


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    tty = io.StringIO()
    bar = ProgressPrinter(tty, tty=True)
    bar(_row("ok"), 1, 4)
    bar(_row("error", "bad.las", "file is empty"), 2, 4)
    bar(_row("ok"), 3, 4)
    text = tty.getvalue()
    assert "\r[" in text and "3/4 files, 1 failed" in text and "left" in text
    assert "error: bad.las: file is empty\n" in text       # failures stay readable
    bar(_row("ok"), 4, 4)
    assert tty.getvalue().endswith("4/4 files, 1 failed   \n")

    plain = io.StringIO()
    lines = ProgressPrinter(plain, tty=False)
    lines(_row("ok"), 1, 2)
    lines(_row("error", "bad.las", "file is empty"), 2, 2)
    assert "\r" not in plain.getvalue()
    assert plain.getvalue().splitlines() == [
        "[1/2] ok      w.las -> w_sonic_full.csv (0.5 s)",
        "[2/2] error   bad.las: file is empty"]        # the file named once


# --------------------------------------------------------------------------- the app page

def test_batch_page_scores_dropped_files_and_offers_a_zip(field, model_dir):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/2_batch.py").run()
    assert not at.exception
    well = (field.root / "petrel" / "a" / "well.las").read_bytes()
    other = (field.root / "vendor_csv" / "25_11-5.csv").read_bytes()
    at.file_uploader[0].set_value([("well.las", well, "text/plain"),
                                   ("well.las", other, "text/csv"),    # same name, other well
                                   ("zipped.las", (field.root / "bad/zipped.las").read_bytes(),
                                    "application/octet-stream")])
    at.run()
    assert at.button[0].label == "Score 3 well file(s)"
    at.button[0].click().run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["2 of 3", "1"]
    table = at.dataframe[0].value
    assert list(table["file"]) == ["well.las", "well.las (2)", "zipped.las"]
    assert "unzip it" in table["message"].iloc[2]
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["batch_result"]["zip"]))
    names = archive.namelist()
    assert batch.REPORT_NAME in names and len(names) == 3
    outputs = [n for n in names if n != batch.REPORT_NAME]
    assert len(set(outputs)) == 2
    report = pd.read_csv(archive.open(batch.REPORT_NAME))
    assert list(report["status"]) == ["ok", "ok", "error"]
    for name, rows in zip(report["output"][:2], report["rows"][:2]):
        assert len(pd.read_csv(archive.open(name))) == rows == 300


@pytest.mark.slow          # subprocesses
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_damaged_model_is_one_clear_error_not_one_per_well(field, model_dir, tmp_path, workers):
    import shutil

    models = tmp_path / "models"
    shutil.copytree(model_dir, models)
    with open(models / "runtime.json", "a", encoding="utf-8") as fh:
        fh.write(" ")
    proc = cli("batch", field.root, "-o", tmp_path / "out", "--workers", workers,
               env={"SONIC_MODEL_DIR": str(models)})
    assert proc.returncode == 2
    assert "sha256" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not list((tmp_path / "out").glob("*_sonic_*"))


@pytest.mark.slow          # subprocesses
def test_a_stored_model_scores_by_name(field, model_dir, model_store, tmp_path):
    import shutil

    shutil.copytree(model_dir, model_store / "my_field")  # a stored model: a folder with its card
    wells = field.root / "petrel" / "deep"
    outs = {}
    for flag in (["--model", "my_field"], ["--ensemble", "full"]):
        out = tmp_path / flag[1]
        proc = cli("batch", wells, "-o", out, "--workers", "1", *flag)
        assert proc.returncode == 0, proc.stderr
        (outs[flag[1]],) = list(out.glob("*_sonic_*.csv"))
    assert outs["my_field"].name == "deep__31_3-4_sonic_my_field.csv"
    assert outs["my_field"].read_bytes() == outs["full"].read_bytes()   # same artifacts
    report = read_report(tmp_path / "my_field" / batch.REPORT_NAME)
    assert next(iter(report.values()))["model"].startswith("my_field ")


def test_batch_page_scores_with_the_stored_model_chosen_in_the_sidebar(field, model_dir,
                                                                       model_store):
    import shutil

    from streamlit.testing.v1 import AppTest

    shutil.copytree(model_dir, model_store / "my_field")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/2_batch.py").run()
    at.sidebar.radio(key="ensemble").set_value("my_field").run()
    well = (field.root / "contest" / "well2.las").read_bytes()
    at.file_uploader[0].set_value([("well2.las", well, "text/plain")]).run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["status"]) == ["ok"]
    assert list(table["output"]) == ["well2_sonic_my_field.csv"]
