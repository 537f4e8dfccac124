"""The dashboard's small edges a new user notices: the Batch table's empty cells and cut
messages, and the Train page's crossplot legend. Pure functions of the pages and figures."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sonic_model.serving import batch  # noqa: E402
from sonic_model.viz.plots import pred_vs_measured  # noqa: E402

LONG = ("well_b.las: missing required curve(s) ZDEN; the file has DEPT, GR, NPHI, ILD. Map "
        "the density log with --map ZDEN=MNEMONIC (or in Curve mapping on the Predict page) "
        "and score it again.")


def _rows() -> list[dict]:
    ok = {c: None for c in batch.REPORT_COLUMNS}
    ok.update(file="well_a.las", status="ok", rows=1200, qc_flagged_share=0.125,
              rmse_dtc=8.4, rmse_dts=None, seconds=0.8, output="well_a_sonic.csv", message="")
    bad = {c: None for c in batch.REPORT_COLUMNS}
    bad.update(file="well_b.las", status="error", message=LONG)
    return [ok, bad]


def test_batch_table_shows_no_none_cells():
    from views.batch import BLANK, report_frame

    table = report_frame(_rows())
    cells = table.to_numpy().ravel().tolist()
    assert "None" not in cells and "nan" not in cells and None not in cells
    assert table.loc[0, "rmse_dts"] == BLANK and table.loc[1, "rows"] == BLANK
    assert table.loc[0, "qc_flagged_share"] == "12%" and table.loc[0, "rows"] == "1,200"


def test_batch_refusals_carry_the_whole_message():
    from views.batch import refusals

    text = refusals(_rows())
    assert LONG in text and "well_a" not in text


def test_train_crossplot_does_not_call_unchecked_points_qc_ok():
    m = np.linspace(60, 120, 50)
    fig = pred_vs_measured(m, m + 2, "DTC")          # held-out predictions: no QC column
    names = [t.name for t in fig.data]
    assert "QC OK" not in names and "samples" in names
    checked = pred_vs_measured(m, m + 2, "DTC", qc=["OK"] * 50)
    assert "QC OK" in [t.name for t in checked.data]
