"""Outputs say which model predicted them: the LAS's ~Other names the model auto picked (or the
one named), its model_version and why, and its QC legend is true for that model; a LAS written
from a CSV gives every recognised input curve its canonical unit."""

from __future__ import annotations

import lasio
import numpy as np
import pandas as pd
import pytest

from support import cli, force_well


@pytest.mark.slow          # a subprocess predicting a whole FORCE well
def test_las_from_a_north_sea_well_names_auto_pick_and_a_true_legend(model_dir, tmp_path):
    out = tmp_path / "p2.las"
    proc = cli("predict", force_well("31_3-4"), "-o", out)
    assert proc.returncode == 0, proc.stderr
    other = lasio.read(out).other
    first = other.splitlines()[0]
    assert "with model north-sea (model_version " in first
    assert "ensemble full" not in other                       # the old, wrong record
    assert "Model choice: auto: north-sea (" in other
    legend = next(line for line in other.splitlines() if "outside training range" in line)
    assert "model north-sea's training data" in legend and "FORCE 2020" in legend
    assert "(Well #1)" not in legend


@pytest.mark.slow
def test_las_from_a_model_named_by_its_old_name_records_contest(model_dir, contest_dir, tmp_path):
    src = tmp_path / "well2.csv"
    pd.read_csv(contest_dir / "test.csv").iloc[:300].to_csv(src, index=False)
    out = tmp_path / "well2.las"
    proc = cli("predict", src, "-o", out, "--ensemble", "full")
    assert proc.returncode == 0, proc.stderr
    other = lasio.read(out).other
    assert "with model contest (model_version " in other
    assert "Model choice" not in other                        # named, not chosen
    assert "model contest's training data (Well #1" in other


@pytest.mark.slow
def test_las_from_a_csv_gives_input_curves_canonical_units(model_dir, tmp_path):
    src = tmp_path / "mnemonics.csv"
    depth = 1000 + 0.5 * np.arange(40)
    pd.DataFrame({"DEPT": depth, "NPHI": np.linspace(30, 36, 40), "GR": np.linspace(50, 80, 40),
                  "RDEP": np.linspace(0.8, 2, 40), "RHOB": np.linspace(2.3, 2.5, 40),
                  "ZONE_ID": np.arange(40.0)}).to_csv(src, index=False)
    out = tmp_path / "out.las"
    proc = cli("predict", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    las = lasio.read(out)
    units = {c.mnemonic: c.unit for c in las.curves}
    assert units["NPHI"] == "v/v" and units["GR"] == "gAPI"
    assert units["RDEP"] == "ohm.m" and units["RHOB"] == "g/cm3"
    assert units["ZONE_ID"] == ""                 # not a curve the reader knows: no unit known
    # the values are in the unit written: NPHI % converted to v/v, as the model read it
    np.testing.assert_allclose(las["NPHI"], np.linspace(0.30, 0.36, 40), atol=1e-5)
    assert "% -> v/v" in las.curves["NPHI"].descr
    np.testing.assert_allclose(las["GR"], np.linspace(50, 80, 40), rtol=1e-6)


@pytest.mark.slow
def test_las_from_a_las_keeps_the_files_own_curves_and_units(model_dir, tmp_path):
    out = tmp_path / "own.las"
    src = force_well("31_3-4")
    proc = cli("predict", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    written, original = lasio.read(out), lasio.read(src)
    got = {c.mnemonic: c.unit for c in written.curves}
    for curve in original.curves:            # every input curve, its mnemonic and unit kept
        assert got[curve.mnemonic] == curve.unit
