"""DLIS and LIS files are read everywhere a LAS is: the frame with the most model inputs (or
the one asked for), depth in 0.1 in and uplogs, vendor mnemonics and units, array channels
skipped, absent values, well name and field, and one-line refusals for files that are not
depth logs or are damaged. Files are written at test time from a FORCE well (dlisfiles)."""

from __future__ import annotations

import json

import lasio
import numpy as np
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sonic_model as sm
from sonic_model.core.errors import WellReadError
from sonic_model.io import frame_choices, read_well

import dlisfiles
import support
from support import cli

STEM = "16_2-16"
ROWS = slice(10_000, 13_000)      # every input and both sonic curves are logged here


@pytest.fixture(scope="module")
def files(tmp_path_factory, force_dir):
    """The same 3000 rows of a FORCE well as a vendor DLIS and as a plain LAS."""
    folder = tmp_path_factory.mktemp("dlis")
    dlis = dlisfiles.write_well_dlis(folder / "well.dlis", STEM, ROWS, tester=True)
    depth_m, logs = dlisfiles.force_curves(STEM, ROWS)
    las = lasio.LASFile()
    las.well["WELL"].value = STEM
    las.append_curve("DEPT", depth_m, unit="m")
    units = {"CALI": "in", "NPHI": "m3/m3", "GR": "gAPI", "RDEP": "ohm.m", "RMED": "ohm.m",
             "PEF": "b/e", "RHOB": "g/cm3", "DTC": "us/ft", "DTS": "us/ft"}
    for name, values in logs.items():
        las.append_curve(name, values, unit=units[name])
    las_path = folder / "well.las"
    las.write(str(las_path), version=2.0, fmt="%.10g")
    return {"dlis": dlis, "las": las_path, "folder": folder}


@pytest.fixture(scope="module")
def dlis_well(files):
    return read_well(files["dlis"])


def test_vendor_dlis_predicts_what_its_las_predicts(files, dlis_well):
    """The issue's check: 0.1-in uplog, RHOZ/TNPH %/AT90/HCAL/PEFZ/DTCO, a high-rate frame with
    its own GR, an array channel, a formation-tester logical file: same predictions."""
    las_well = read_well(files["las"])
    assert len(dlis_well) == len(las_well) == 3000
    assert np.allclose(dlis_well.depth_ft(), las_well.depth_ft(), atol=1e-6)
    ens = sm.load_ensemble("full")
    got, want = sm.predict_well(dlis_well, ens), sm.predict_well(las_well, ens)
    assert got["DTC_PRED"].notna().sum() > 2000
    for col in ("DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90"):
        diff = np.abs(got[col].to_numpy() - want[col].to_numpy())
        assert np.array_equal(np.isnan(got[col]), np.isnan(want[col])), col
        assert np.nanmax(diff) < 0.05, (col, np.nanmax(diff))
    assert (got["QC"] == want["QC"]).all()


def test_the_report_says_which_frame_why_and_what_was_skipped(dlis_well):
    report = dlis_well.report
    note = report.warnings[0]
    assert note.startswith("DLIS: read frame 60B (logical file 1 of 2), it carries the most "
                           "model inputs (7 of 7)")
    assert "10B (depth TDEP in 0.1 in: GR" in note and "PRETEST-1 (indexed by TIME" in note
    assert {u["mnemonic"] for u in report.used.values()} >= {"RHOZ", "TNPH", "AT90", "AT30",
                                                            "HCAL", "PEFZ", "DTCO", "DTSM", "GR"}
    assert report.used["CNC"]["conversion"].startswith("% -> v/v")
    assert {"mnemonic": "WF", "reason": "array channel (8): images and waveforms are not model "
                                        "inputs"} in report.ignored
    assert any("depth decreases down the file" in w for w in report.warnings)
    assert report.depth["unit"] == "0.1 in" and dlis_well.depth_unit == "ft"
    assert np.all(np.diff(dlis_well.depth) > 0)


def test_well_name_and_field_reach_the_las_output(dlis_well, tmp_path):
    assert dlis_well.name == f"{STEM} DLIS"
    result = sm.predict_well(dlis_well, sm.load_ensemble("full"))
    sm.write_las(dlis_well, result, tmp_path / "out.las")
    back = lasio.read(str(tmp_path / "out.las"))
    assert back.well["WELL"].value == f"{STEM} DLIS"
    assert back.well["FLD"].value == "FORCE 2020 TEST FIELD"
    assert len(back.index) == 3000


def test_frames_are_listed_with_the_default_first_choice(files):
    choices, default = frame_choices(files["dlis"].read_bytes(), name="well.dlis")
    assert default == "60B"
    assert [c["key"] for c in choices] == ["60B", "10B"]      # the tester frame is not a log
    assert "GR" in choices[1]["label"]


def test_a_named_frame_is_read_and_other_frames_are_resampled_only_when_asked(files, dlis_well):
    high = read_well(files["dlis"], frame="10B", require=False)
    assert len(high) == 6 * 2999 + 1
    assert "read frame 10B (logical file 1 of 2), as asked" in high.report.warnings[0]
    assert high.missing_required == ["CNC", "HRD", "ZDEN"]
    assert any(w.startswith("not used, sampled on another depth index: CAL, CNC") and
               "--resample" in w for w in high.report.warnings)

    resampled = read_well(files["dlis"], frame="10B", resample=True)
    assert not resampled.missing_required
    assert any(w.startswith("TNPH (CNC) resampled from frame 60B") for w in
               resampled.report.warnings)
    # On the coarse frame's own depths the resampled curve is the original one.
    coarse = dict(zip(np.round(dlis_well.depth, 4), dlis_well.curves["ZDEN"]))
    fine = dict(zip(np.round(resampled.depth, 4), resampled.curves["ZDEN"]))
    common = [d for d in coarse if d in fine and np.isfinite(coarse[d]) and np.isfinite(fine[d])]
    assert len(common) > 1000
    assert np.allclose([coarse[d] for d in common], [fine[d] for d in common], atol=1e-6)


def test_unknown_or_non_depth_frame_names_the_frames(files):
    with pytest.raises(WellReadError, match=r"well.dlis: has no frame 'NOPE'; its frames are "
                                             r"60B \(depth TDEP"):
        read_well(files["dlis"], frame="NOPE")
    with pytest.raises(WellReadError, match=r"frame 'PRETEST-1' is indexed by TIME \(ms\), not "
                                             r"depth; depth-indexed frames: 60B"):
        read_well(files["dlis"], frame="PRETEST-1")


@pytest.mark.parametrize(("unit", "decreasing", "depth_unit"),
                         [("m", False, "m"), ("ft", True, "ft"), ("0.1 in", False, "ft")],
                         ids=["metres-downlog", "feet-uplog", "tenth-inch"])
def test_depth_index_units_and_direction(tmp_path, force_dir, unit, decreasing, depth_unit):
    path = dlisfiles.write_well_dlis(tmp_path / "w.dlis", STEM, slice(11_000, 11_300),
                                     decreasing=decreasing, high_rate=False, array=False,
                                     index_unit=unit)
    well = read_well(path)
    depth_m, _ = dlisfiles.force_curves(STEM, slice(11_000, 11_300))
    assert well.depth_unit == depth_unit
    assert np.allclose(well.depth_ft() * 0.3048, depth_m, atol=1e-6)
    assert well.report.warnings[0].endswith("the only depth-indexed frame")


def test_absent_values_from_the_file_and_the_usual_sentinels(tmp_path, force_dir):
    rows = slice(3000, 3800)             # CNC and ZDEN start logging inside this interval
    _, logs = dlisfiles.force_curves(STEM, rows)
    for absent, declared in ((-12345.0, True), (-999.25, False), (-999.0, False)):
        path = dlisfiles.write_well_dlis(tmp_path / "a.dlis", STEM, rows, high_rate=False,
                                         array=False, absent=absent, absent_parameter=declared)
        well = read_well(path, require=False)
        assert well.report.used["CNC"]["samples"] == np.isfinite(logs["NPHI"]).sum() < 800
        assert np.nanmin(well.curves["ZDEN"]) > 1.0


def test_damaged_files_get_one_line_naming_the_problem(files):
    raw = files["dlis"].read_bytes()
    cases = [(raw[: len(raw) // 3], "cut.dlis", r"cut.dlis: cannot be read as DLIS .*truncated"),
             (raw[:80], "sul.dlis", r"sul.dlis: cannot be read as DLIS"),
             (bytes(range(256)) * 20, "noise.lis", r"noise.lis: cannot be read as LIS .*LIS79"),
             (b"\x00\x40\x00\x00\x84\x00" + bytes(20), "reel.lis",
              r"reel.lis: cannot be read as LIS .*truncated"),
             (b"\x00\x06\x00\x00", "tiny.lis",
              r"tiny.lis: cannot be read as LIS \(Cannot read 12 first bytes of file: tiny.lis\)")]
    for payload, name, match in cases:
        with pytest.raises(WellReadError, match=match) as exc:
            read_well(payload, name=name)
        assert "\n" not in str(exc.value)
    # A DLIS renamed .bin is still recognised by its storage unit label.
    assert len(read_well(raw, name="delivery.bin")) == 3000


def test_an_encrypted_frame_is_refused_by_name(tmp_path, force_dir):
    dw = dlisfiles._dliswriter()
    f = dw.DLISFile()
    lf = f.add_logical_file()
    lf.add_origin("ORIGIN")
    chans = [lf.add_channel("TDEP", data=np.arange(50) * 60.0, units="0.1 in"),
             lf.add_channel("GR", data=np.full(50, 80.0), units="gAPI")]
    lf.add_frame("60B", channels=chans, index_type="BOREHOLE-DEPTH", encrypted=1)
    path = dlisfiles._write(f, tmp_path / "locked.dlis")
    with pytest.raises(WellReadError, match=r"locked.dlis: every depth-indexed frame is "
                                             r"encrypted; ask the data owner"):
        read_well(path)


def test_batch_and_training_find_dlis_files(files):
    from sonic_model.serving.batch import discover
    from sonic_model.training.own_wells import well_files

    assert {f.path.name for f in discover([files["folder"]])} >= {"well.dlis", "well.las"}
    assert {p.name for p in well_files([files["folder"]])} >= {"well.dlis", "well.las"}
    from sonic_model.training.own_wells import check_well

    training, check = check_well(files["dlis"].read_bytes(), "well.dlis")
    assert check.problem is None and check.samples["DTC"] > 2000 and training is not None


def test_a_repeat_pass_with_the_same_frame_name_is_chosen_by_logical_file(tmp_path, force_dir):
    """Main and repeat pass as two logical files, both with a frame 60B: keys 1:60B and 2:60B."""
    dw = dlisfiles._dliswriter()
    f = dw.DLISFile()
    _, logs = dlisfiles.force_curves(STEM, slice(11_000, 11_200))
    for run, (top, set_name) in enumerate(((1000.0, None), (900.0, "REPEAT")), start=1):
        lf = f.add_logical_file(fh_sequence_number=run)
        lf.add_origin("ORIGIN", well_name=f"PASS {run}", set_name=set_name)
        chans = [lf.add_channel("DEPT", data=top + 0.5 * np.arange(200), units="ft",
                                set_name=set_name)]
        for las_name, (name, unit, scale) in dlisfiles.VENDOR.items():
            values = np.nan_to_num(logs[las_name] * scale, nan=dlisfiles.ABSENT)
            chans.append(lf.add_channel(name, data=values, units=unit, set_name=set_name,
                                        dataset_name=f"{name}_{run}"))
        lf.add_frame("60B", channels=chans, index_type="BOREHOLE-DEPTH", set_name=set_name)
    path = dlisfiles._write(f, tmp_path / "passes.dlis")
    choices, default = frame_choices(path)
    assert [c["key"] for c in choices] == ["1:60B", "2:60B"] and default == "1:60B"
    assert read_well(path).depth[0] == 1000.0
    repeat = read_well(path, frame="2:60B")
    assert repeat.depth[0] == 900.0 and repeat.name == "PASS 2"
    assert repeat.report.warnings[0].startswith("DLIS: read frame 2:60B (logical file 2 of 2), "
                                                "as asked")


@pytest.mark.slow
def test_cli_predicts_a_dlis_and_refuses_a_formation_tester_in_one_line(files, tmp_path):
    tester = dlisfiles.write_tester_dlis(tmp_path / "mdt.dlis")
    out = tmp_path / "out.csv"
    proc = cli("predict", tester, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: mdt.dlis: holds no depth-indexed log: every frame is "
                                  "indexed by TIME (ms)"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()

    proc = cli("predict", files["dlis"], "-o", out, "--frame", "10B", "--resample")
    assert proc.returncode == 0, proc.stderr
    assert "DLIS: read frame 10B (logical file 1 of 2), as asked" in proc.stderr
    import pandas as pd

    table = pd.read_csv(out)
    assert len(table) == 6 * 2999 + 1 and table["DTC_PRED"].notna().mean() > 0.5


@pytest.mark.slow
def test_api_upload_takes_a_frame_field(api_server, files, tmp_path):
    url = api_server().url
    raw = files["dlis"].read_bytes()
    r = requests.post(f"{url}/api/v1/predict/file", files={"file": ("well.dlis", raw)},
                      data={"frame": "60B"}, timeout=120)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows"] == 3000 and len(body["results"]["DTC_PRED"]) == 3000
    assert body["mapping"]["warnings"][0].startswith("DLIS: read frame 60B")
    tester = dlisfiles.write_tester_dlis(tmp_path / "mdt.dlis").read_bytes()
    r = requests.post(f"{url}/api/v1/predict/file", files={"file": ("mdt.dlis", tester)},
                      timeout=60)
    assert r.status_code == 400, r.text
    assert "holds no depth-indexed log" in json.dumps(r.json())


def test_frames_decoded_from_the_bytes_match_dlisio(tmp_path, force_dir, monkeypatch):
    """rp66 reads frame records itself (dlisio's record index is the slow part); a record split
    over visible records (short records, a 200-sample array) and dlisio's own reader (the
    fallback for unusual layouts) give the same curves."""
    from sonic_model.io import rp66

    dw = dlisfiles._dliswriter()
    f = dw.DLISFile(max_record_length=1024)
    lf = f.add_logical_file()
    lf.add_origin("ORIGIN", well_name="SPLIT")
    n = 400
    _, logs = dlisfiles.force_curves(STEM, slice(11_000, 11_000 + n))
    chans = [lf.add_channel("DEPT", data=1000 + 0.5 * np.arange(n), units="ft"),
             lf.add_channel("GR", data=logs["GR"].astype(np.float32), units="gAPI"),
             lf.add_channel("IMG", data=np.ones((n, 200))),
             lf.add_channel("NPHI", data=logs["NPHI"], units="m3/m3"),
             lf.add_channel("FLAG", data=np.arange(n, dtype=np.int32))]
    lf.add_frame("MAIN", channels=chans, index_type="BOREHOLE-DEPTH")
    path = dlisfiles._write(f, tmp_path / "split.dlis")
    records = rp66.scan(path.read_bytes())
    assert [len(v) for v in records.values()] == [n]
    fast = read_well(path, require=False)
    monkeypatch.setattr(rp66, "NUMPY_CODES", {})          # every frame through dlisio
    slow = read_well(path, require=False)
    assert list(fast.original.columns) == list(slow.original.columns) == ["DEPT", "GR", "NPHI",
                                                                            "FLAG"]
    assert np.allclose(fast.original, slow.original, equal_nan=True)
    assert np.allclose(fast.curves["GR"], logs["GR"], equal_nan=True, atol=1e-4)


@pytest.mark.slow          # the app predicts the well
def test_the_app_offers_the_frames_of_an_uploaded_dlis(tmp_path, force_dir, model_dir):
    support.require("streamlit")
    from streamlit.testing.v1 import AppTest

    path = dlisfiles.write_well_dlis(tmp_path / "run1.dlis", STEM, slice(11_000, 11_500))
    at = AppTest.from_file(str(support.PROJECT_DIR / "app.py"), default_timeout=120).run()
    at.file_uploader[0].set_value(("run1.dlis", path.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception and not any("run1.dlis:" in e.value for e in at.error)
    box = next(s for s in at.selectbox if s.label == "Frame")
    assert box.options[0].startswith("60B (depth TDEP in 0.1 in: CAL CNC GR") and \
        box.options[0].endswith("— default")
    assert box.value == "60B" and at.metric          # predicted from the default frame
    box.set_value("10B").run()
    assert not at.exception
    assert any("CNC, HRD, ZDEN not mapped" in w.value for w in at.warning)
    next(c for c in at.checkbox if c.label == "Resample other frames").check().run()
    assert not at.exception and not any("not mapped" in w.value for w in at.warning)
    assert next(m for m in at.metric if m.label == "Samples").value == f"{6 * 499 + 1:,}"


def test_a_lis79_well_predicts_what_its_las_predicts(files, tmp_path):
    path = dlisfiles.write_well_lis(tmp_path / "well.lis", STEM, ROWS)
    lis_well, las_well = read_well(path), read_well(files["las"])
    assert lis_well.report.warnings[0] == "LIS: read frame DFSR1, the only depth-indexed frame"
    assert lis_well.report.used["CNC"]["conversion"].startswith("PU -> v/v")
    assert lis_well.depth_unit == "m" and len(lis_well) == 3000
    ens = sm.load_ensemble("full")
    got, want = sm.predict_well(lis_well, ens), sm.predict_well(las_well, ens)
    for col in ("DTC_PRED", "DTS_PRED", "DTC_P90", "DTS_P10"):
        assert np.array_equal(np.isnan(got[col]), np.isnan(want[col])), col
        assert np.nanmax(np.abs(got[col] - want[col])) < 0.05, col
    raw = path.read_bytes()
    with pytest.raises(WellReadError, match=r"cut.lis: cannot be read as LIS .*truncated"):
        read_well(raw[: len(raw) // 2 + 3], name="cut.lis")


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(2, 300), record=st.sampled_from([1024, 4096, 8192]),
       kinds=st.lists(st.sampled_from(["f4", "f8", "i4", "i2", "u1"]), min_size=1, max_size=5),
       width=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_rp66_frames_equal_dlisio_frames(tmp_path, rows, record, kinds, width, seed):
    """Property: for any mix of numeric channels, record lengths and an array wider or narrower
    than a visible record, the bytes-decoded frame is dlisio's frame."""
    from dlisio import dlis

    from sonic_model.io import rp66

    dw = dlisfiles._dliswriter()
    rng = np.random.default_rng(seed)
    f = dw.DLISFile(max_record_length=record)
    lf = f.add_logical_file()
    lf.add_origin("ORIGIN")
    chans = [lf.add_channel("DEPT", data=np.arange(rows, dtype=float), units="ft")]
    for i, kind in enumerate(kinds):
        values = (rng.normal(0, 1000, rows) if kind[0] == "f" else rng.integers(0, 100, rows))
        chans.append(lf.add_channel(f"C{i}", data=values.astype(kind)))
    chans.append(lf.add_channel("ARR", data=rng.normal(size=(rows, width))))
    lf.add_frame("F", channels=chans, index_type="BOREHOLE-DEPTH")
    path = dlisfiles._write(f, tmp_path / f"p{seed}.dlis")
    with dlis.load(str(path)) as (logical, *_):
        frame = logical.frames[0]
        want = frame.curves()
        got = rp66.decode(frame, rp66.scan(path.read_bytes())[(1, frame.origin,
                                                                 frame.copynumber, "F")])
    assert got is not None
    assert np.array_equal(got[0], want["DEPT"])
    scalars = [f"C{i}" for i in range(len(kinds))] + (["ARR"] if width == 1 else [])
    assert len(got[1]) == len(scalars)
    for name, col in zip(scalars, got[1]):
        assert np.array_equal(col, np.ravel(want[name]).astype(float)), name


def test_batch_jobs_carry_the_frame_choice(files, tmp_path):
    from sonic_model.serving.batch import discover, plan, resolve_model, score_one

    found = [f for f in discover([files["folder"]]) if f.path.suffix == ".dlis"]
    choice = resolve_model("full")
    job = plan(found, tmp_path, "csv", choice, frame="10B", resample=True)[0]
    assert (job.frame, job.resample) == ("10B", True)
    row = score_one(job, choice)
    assert row["status"] == "ok", row["message"]
    assert row["rows"] == 6 * 2999 + 1
