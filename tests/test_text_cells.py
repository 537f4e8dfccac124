"""Text where numbers belong: a curve written as words is named as such (not "not found"), and
stray text cells in a numeric column are counted and reported, not silently made null."""

from __future__ import annotations

import re

import lasio
import numpy as np
import pytest

from sonic_model.core.errors import MissingCurvesError
from sonic_model.io import read_well
from support import cli
from wellfiles import CANONICAL_UNITS, canonical_well

INPUTS = ["CAL", "CNC", "GR", "HRD", "HRM", "PE", "ZDEN"]
TEXT_GR = "GR is in the file but holds text, not numbers (e.g. 'high' at row 3)"


def csv_with(cells: dict[tuple[int, str], str], n: int = 12) -> str:
    """The synthetic well as CSV text, the given (row, column) cells replaced by text."""
    frame = canonical_well(n)[["DEPTH", *INPUTS]].astype(object)
    for (row, col), text in cells.items():
        frame.loc[row, col] = text
    return frame.to_csv(index=False)


def las_with_text_gr(n: int = 12) -> str:
    """LAS 2.0 written by lasio, then GR's values replaced by words (rows 1-2 null)."""
    frame = canonical_well(n)
    las = lasio.LASFile()
    las.append_curve("DEPT", frame["DEPTH"].to_numpy(), unit="ft")
    for c in INPUTS:
        las.append_curve(c, frame[c].to_numpy(), unit=CANONICAL_UNITS[c])
    las.well["NULL"].value = -999.25
    text = las.write_string() if hasattr(las, "write_string") else _written(las)
    head, data = text.split("~A", 1)
    title, *rows = data.split("\n")
    gr = 1 + INPUTS.index("GR")
    out = []
    for i, line in enumerate(rows):
        tokens = line.split()
        if len(tokens) == len(INPUTS) + 1:
            tokens[gr] = "-999.25" if i < 2 else "high"
            line = " ".join(tokens)
        out.append(line)
    return head + "~A" + "\n".join([title, *out])


def _written(las) -> str:
    import io

    buf = io.StringIO()
    las.write(buf, version=2.0)
    return buf.getvalue()


def test_a_csv_curve_of_text_is_named_not_called_missing():
    text = csv_with({(r, "GR"): ("" if r < 2 else "high") for r in range(12)})
    with pytest.raises(MissingCurvesError, match=re.escape(TEXT_GR)) as exc:
        read_well(text.encode(), name="w.csv")
    message = str(exc.value)
    assert "\n" not in message and "not found" not in message
    assert "GR=<mnemonic>" in message and "as numbers" in message


def test_a_las_curve_of_text_is_named_not_called_missing():
    with pytest.raises(MissingCurvesError, match=re.escape(TEXT_GR)):
        read_well(las_with_text_gr().encode(), name="w.las")


def test_other_missing_curves_are_still_named():
    frame_text = csv_with({(r, "GR"): ("" if r < 2 else "high") for r in range(12)})
    lines = [",".join(ln.split(",")[:-1]) for ln in frame_text.splitlines()]   # no ZDEN
    with pytest.raises(MissingCurvesError, match=r"holds text.*ZDEN not found") as exc:
        read_well("\n".join(lines).encode(), name="w.csv")
    assert exc.value.missing == ["GR", "ZDEN"]


def test_stray_text_cells_are_counted_per_column_and_rows_kept():
    text = csv_with({(1, "CAL"): "abc", (4, "CAL"): "abc", (2, "CNC"): "n/a",
                     (3, "GR"): "1,234"})
    well = read_well(text.encode(), name="w.csv")
    assert len(well.curves) == 12
    assert well.report.text_cells == {"CAL": 2, "CNC": 1, "GR": 1}
    notes = [w for w in well.report.warnings if "of text read as null" in w]
    assert len(notes) == 3
    assert "CAL: 2 cells of text read as null (e.g. 'abc' at row 2)" in notes[0]
    assert "'n/a' at row 3" in notes[1] and "'1,234' at row 4" in notes[2]
    assert np.isnan(well.curves["CAL"].iloc[[1, 4]]).all()
    assert well.curves["CAL"].notna().sum() == 10
    assert well.report.to_dict()["text_cells"] == {"CAL": 2, "CNC": 1, "GR": 1}


def test_empty_and_nan_cells_are_nulls_not_text():
    text = csv_with({(1, "CAL"): "", (2, "CAL"): "NaN", (3, "CAL"): "nan"})
    well = read_well(text.encode(), name="w.csv")
    assert well.report.text_cells == {}
    assert not any("text" in w for w in well.report.warnings)


def test_stray_text_in_a_las_column_is_counted():
    text = las_with_text_gr()
    text = text.replace("high", "55.0").replace(" 55.0 ", " bad ", 1)
    well = read_well(text.encode(), name="w.las", require=False)
    assert well.report.text_cells == {"GR": 1}
    assert any(w.startswith("GR: 1 cell of text read as null (e.g. 'bad' at row 3)")
               for w in well.report.warnings)


def test_cli_names_the_text_curve_in_one_line_with_exit_2(tmp_path):
    src = tmp_path / "w.csv"
    src.write_text(csv_with({(r, "GR"): ("" if r < 2 else "high") for r in range(12)}))
    proc = cli("predict", str(src), "-o", str(tmp_path / "out.csv"))
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and TEXT_GR in lines[0]


def test_cli_summary_counts_stray_text_cells_and_keeps_every_row(tmp_path):
    src = tmp_path / "w.csv"
    src.write_text(csv_with({(1, "CAL"): "abc", (4, "CAL"): "abc", (3, "GR"): "1,234"}))
    proc = cli("predict", str(src), "-o", str(tmp_path / "out.csv"))
    assert proc.returncode == 0, proc.stderr
    assert "12 rows" in proc.stderr
    assert "3 cells of text read as null (CAL 2, GR 1)" in proc.stderr
