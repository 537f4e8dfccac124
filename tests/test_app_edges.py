"""The dashboard's small edges a new user notices: the Batch table's empty cells and cut
messages, and the Train page's crossplot legend. Pure functions of the pages and figures."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sonic_model.serving import batch  # noqa: E402
from sonic_model.viz.plots import pred_vs_measured  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

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


def test_a_process_spawned_from_the_app_does_not_load_the_models():
    """multiprocessing's spawn re-imports the parent's main script in each child (a batch pool,
    a Dask worker): app.py run that way, outside a Streamlit server, must not start loading
    both bundled models (two models per worker on a 1 GB host)."""
    import subprocess
    import sys

    code = ("import runpy, time, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            f"runpy.run_path({str(ROOT / 'app.py')!r}, run_name='__mp_main__')\n"
            "time.sleep(3)\n"
            "from sonic_model.model import ensemble\n"
            "print('RESIDENT', len(ensemble._models))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert "RESIDENT 0" in out.stdout, out.stdout + out.stderr[-2000:]
