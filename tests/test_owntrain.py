"""Training wells from files: every bad well stops the run with one message naming the file."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from sonic_model.training import own_wells
from sonic_model.training.own_wells import TrainingInputError, read_training_wells

from forcewells import DTC_ONLY, WITH_DTS, write_subset


def test_a_folder_means_its_las_and_csv_files_and_nothing_else(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    upper = write_subset(WITH_DTS[1], tmp_path, rows=300)
    upper.rename(upper.with_suffix(".LAS"))
    (tmp_path / "README.md").write_text("not a well")
    (tmp_path / "notes.txt").write_text("DEPT,GR\n1,2\n")
    (tmp_path / "sub").mkdir()
    write_subset(WITH_DTS[2], tmp_path / "sub", rows=300)
    files = own_wells.well_files([tmp_path])
    assert [p.name for p in files] == ["16_2-11_A.las", "16_2-16.LAS"]
    wells, checks = read_training_wells([tmp_path])
    assert [w.name for w in wells] == ["16_2-11_A", "16_2-16"]
    assert [c.file for c in checks] == ["16_2-11_A.las", "16_2-16.LAS"]


def test_each_well_says_what_it_brings(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    path = write_subset(DTC_ONLY, tmp_path, rows=300)
    wells, checks = read_training_wells([tmp_path])
    by_name = {c.name: c for c in checks}
    assert by_name[WITH_DTS[0]].targets == ["DTC", "DTS"]
    assert by_name[DTC_ONLY].targets == ["DTC"]
    assert by_name[DTC_ONLY].samples["DTS"] == 0
    mapped = {r["canonical"]: r["mnemonic"] for r in by_name[DTC_ONLY].mapping}
    assert mapped["CNC"] == "NPHI" and mapped["ZDEN"] == "RHOB" and mapped["HRD"] == "RDEP"
    dtc_only = next(w for w in wells if w.name == DTC_ONLY)
    assert dtc_only.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert dtc_only.frame["DTS"].isna().all() and dtc_only.frame["DTC"].notna().sum() > 250
    # Real depth in feet (FORCE logs in metres at 0.152 m): windows see real distances.
    assert np.nanmedian(np.diff(dtc_only.depth_ft)) == pytest.approx(0.152 / 0.3048, rel=0.01)


def test_a_well_without_sonic_is_named(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    write_subset(WITH_DTS[1], tmp_path, rows=300, drop=("DTC", "DTS"), name="no_sonic")
    with pytest.raises(TrainingInputError,
                       match=r"^no_sonic\.las: it has no measured DTC or DTS.*--map DTC="):
        read_training_wells([tmp_path])


def test_an_unreadable_file_is_named(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    write_subset(WITH_DTS[1], tmp_path, rows=300)
    (tmp_path / "broken.las").write_bytes(b"\x00\x01PK\x03\x04 not a log" * 20)
    with pytest.raises(TrainingInputError, match=r"broken\.las"):
        read_training_wells([tmp_path])


def test_too_few_samples_is_named_with_the_minimum(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    write_subset(WITH_DTS[1], tmp_path, rows=120, name="short")
    with pytest.raises(TrainingInputError,
                       match=r"^short\.las: only \d+ samples .* at least 200"):
        read_training_wells([tmp_path])


def test_one_well_only_is_refused(tmp_path):
    path = write_subset(WITH_DTS[0], tmp_path, rows=300)
    with pytest.raises(TrainingInputError, match=r"at least two wells.*got only 16_2-11_A\.las"):
        read_training_wells([path])


def test_every_bad_file_is_counted_not_dropped(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    write_subset(WITH_DTS[1], tmp_path, rows=300, drop=("DTC", "DTS"), name="a_no_sonic")
    write_subset(WITH_DTS[2], tmp_path, rows=100, name="b_short")
    with pytest.raises(TrainingInputError,
                       match=r"^a_no_sonic\.las: .*\(1 more file\(s\) with problems: b_short\.las\)"):
        read_training_wells([tmp_path])


@pytest.mark.parametrize("setup, match", [
    (lambda d: d / "missing", r"missing' is not an existing file or folder"),
    (lambda d: (d / "empty").mkdir() or d / "empty", r"empty' holds no \.las, \.csv, \.dlis or \.lis files"),
], ids=["missing-path", "folder-without-wells"])
def test_bad_paths_are_named(tmp_path, setup, match):
    with pytest.raises(TrainingInputError, match=match):
        read_training_wells([setup(tmp_path)])


def test_two_files_with_one_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_subset(WITH_DTS[0], tmp_path / "a", rows=300, name="well")
    two = write_subset(WITH_DTS[1], tmp_path / "b", rows=300, name="well")
    with pytest.raises(TrainingInputError, match="well.las and well.las have the same name"):
        read_training_wells([one, two])


def test_a_mapping_reaches_every_file(tmp_path):
    import lasio

    for stem in WITH_DTS[:2]:
        path = write_subset(stem, tmp_path, rows=300)
        las = lasio.read(path)
        las.curves["RDEP"].mnemonic = "AT90X"     # no alias knows it
        las.write(str(path), version=2.0)
    with pytest.raises(TrainingInputError, match=r"16_2-11_A\.las: required curve\(s\) HRD"):
        read_training_wells([tmp_path])
    wells, checks = read_training_wells([tmp_path], mapping={"HRD": "AT90X"})
    assert all(w.frame["HRD"].notna().sum() > 250 for w in wells)
    assert all(r["status"] == "user mapping" for c in checks for r in c.mapping
               if r["canonical"] == "HRD")


def test_bundled_comparison_scores_each_well_it_can(tmp_path):
    write_subset(WITH_DTS[0], tmp_path, rows=300)
    write_subset(DTC_ONLY, tmp_path, rows=300)
    wells, _ = read_training_wells([tmp_path])
    cmp = own_wells.compare_bundled(wells)
    by_well = {e["well"]: e for e in cmp["lowo_wells"]}
    assert by_well[DTC_ONLY]["DTS"] is None
    dtc = by_well[DTC_ONLY]["DTC"]
    assert dtc["rows"] == int(wells[1].frame["DTC"].notna().sum())
    assert 0 <= dtc["coverage"] <= 1 and dtc["rmse"] >= abs(dtc["bias"])
    assert cmp["pooled"]["DTC"]["rows"] == sum(e["DTC"]["rows"] for e in cmp["lowo_wells"])


@pytest.mark.slow
def test_the_stored_card_records_wells_validation_and_the_bundled_model(own_model):
    card = json.loads((own_model["store"] / "small" / "model_card.json").read_text())
    files = {p.name: p for p in own_model["wells"].iterdir()}
    recorded = {w["file"]: w["sha256"] for w in card["own"]["wells"]}
    assert recorded == {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in files.items()}
    lowo = {e["well"]: e for e in card["validation"]["lowo_wells"]}
    assert set(lowo) == {p.stem for p in files.values()}
    assert lowo[DTC_ONLY]["DTS"] is None and lowo[DTC_ONLY]["DTC"]["rows"] > 250
    bundled = {e["well"]: e for e in card["validation"]["bundled"]["lowo_wells"]}
    assert set(bundled) == set(lowo)
    for t in ("DTC", "DTS"):
        assert set(card["validation"]["pooled"][t]) >= {"rmse", "bias", "coverage", "rows"}
    assert card["own"]["versions"]["numpy"] == np.__version__
    rows = own_wells.lowo_table(card)
    assert {r["well"] for r in rows} == set(lowo) | {"pooled"}


@pytest.mark.slow
def test_the_crossplots_show_the_held_out_predictions_the_table_scores(own_model):
    folder = own_model["store"] / "small"
    card = json.loads((folder / "model_card.json").read_text())
    held_out = own_wells.load_lowo_predictions(folder, card)
    lowo = {e["well"]: e for e in card["validation"]["lowo_wells"]}
    assert set(held_out) == set(lowo)
    for well, frame in held_out.items():
        for t in ("DTC", "DTS"):
            if lowo[well][t] is None:
                assert frame[t].isna().all()
                continue
            err = (frame[f"{t}_PRED"] - frame[t]).dropna()
            assert len(err) == lowo[well][t]["rows"]
            assert np.sqrt(np.mean(err ** 2)) == pytest.approx(lowo[well][t]["rmse"], abs=0.01)
