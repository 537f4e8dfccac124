"""The ~A section: one output row per data line, whatever the line holds; wrapping by evidence."""

from __future__ import annotations

import numpy as np
import pytest

from sonic_model.io import read_well

HEADER = """~Version
VERS. 2.0 :
WRAP. {wrap} :
~Well
NULL. -999.25 :
~Curve
DEPT.ft :
GR.gAPI :
NPHI.v/v :
ILD.ohm.m :
RHOB.g/cc :
~A
"""
GOOD = ["1000.0 50 0.30 1.0 2.30", "1000.5 51 0.31 1.1 2.31", "1001.0 52 0.32 1.2 2.32",
        "1001.5 53 0.33 1.3 2.33", "1002.0 54 0.34 1.4 2.34"]
FIRST_DATA_LINE = HEADER.count("\n") + 1


def _read(lines, wrap="NO"):
    return read_well((HEADER.format(wrap=wrap) + "\n".join(lines) + "\n").encode(),
                     name="w.las")


def test_line_with_an_extra_value_keeps_every_row_in_place():
    lines = list(GOOD)
    lines[1] += " 99.9"
    well = _read(lines)
    assert len(well) == 5
    assert well.curves["GR"].tolist() == [50, 51, 52, 53, 54]
    assert well.curves["ZDEN"].tolist() == [2.30, 2.31, 2.32, 2.33, 2.34]
    assert (f"~A line 2 (file line {FIRST_DATA_LINE + 1}) has 6 values for 5 curves; "
            "extra values ignored") in well.report.warnings


def test_short_line_gets_null_trailing_curves_and_keeps_later_rows():
    lines = list(GOOD)
    lines[2] = "1001.0 52 0.32"
    well = _read(lines)
    assert len(well) == 5
    assert well.curves["CNC"].tolist() == [0.30, 0.31, 0.32, 0.33, 0.34]
    assert np.isnan(well.curves["HRD"].iloc[2]) and np.isnan(well.curves["ZDEN"].iloc[2])
    assert well.curves["HRD"].iloc[3] == 1.3
    assert any(w.startswith("~A line 3 ") and "only 3 values for 5 curves" in w
               for w in well.report.warnings)


def test_several_bad_lines_are_listed():
    lines = [ln + " 7 8" for ln in GOOD[:3]] + GOOD[3:]
    well = _read(lines)
    assert len(well) == 5 and well.curves["GR"].tolist() == [50, 51, 52, 53, 54]
    assert any(w.startswith("3 ~A lines") and "7 values for 5 curves" in w
               for w in well.report.warnings)


@pytest.mark.parametrize("wrap", ["YES", "NO"], ids=["wrap-flag", "no-wrap-flag"])
def test_wrapped_rows_read_as_rows(wrap):
    lines = []
    for ln in GOOD:
        depth, *rest = ln.split()
        lines += [depth, " ".join(rest[:2]), " ".join(rest[2:])]
    well = _read(lines, wrap=wrap)
    assert well.depth.tolist() == [1000.0, 1000.5, 1001.0, 1001.5, 1002.0]
    assert well.curves["ZDEN"].tolist() == [2.30, 2.31, 2.32, 2.33, 2.34]
    flagged = any("WRAP" in w for w in well.report.warnings)
    assert flagged == (wrap == "NO")
