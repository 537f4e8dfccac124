"""Numbers one page shows twice must agree, and every table must say what it counts: the
Model page's fit-for-purpose medians (no "None" cells), its two per-fold tables (rows with both
logs against rows with one), the model it opens on (the one that predicted the well on
Predict), and Predict's shares of "predicted samples" (the QC line, the shear caption and the
advice), on a FORCE 2020 well. AppTest, no browser."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from support import force_well, require

streamlit = require("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
MODELS = ROOT / "assets" / "models"


def _card(name: str) -> dict:
    return json.loads((MODELS / name / "model_card.json").read_text())


@pytest.fixture(autouse=True)
def fresh_caches():
    streamlit.cache_data.clear()
    yield


def _model_page(choice: str = "contest") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["ensemble"] = choice
    at.switch_page("pages/3_model.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.main.dataframe if column in d.value.columns)


def test_the_median_row_holds_medians_not_none():
    from sonic_model.model.synth_score import card_rows

    for name in ("contest", "north-sea"):
        rows = card_rows(_card(name))
        wells, median = rows[:-1], rows[-1]
        assert median["samples"] is None             # a count has no median: blank on the page
        assert median["nrms_time_pct"] == pytest.approx(
            statistics.median(r["nrms_time_pct"] for r in wells), abs=0.01)


def test_model_page_fit_table_shows_a_dash_where_the_median_row_has_no_figure():
    table = _table(_model_page("contest"), "corr_depth")
    cells = [str(v) for v in table.to_numpy().ravel()]
    assert not {"None", "nan", "<NA>"} & set(cells), cells
    last = table.iloc[-1]
    assert last["well"].startswith("median of") and last["samples"] == "—"
    assert last["nrms_time_pct"] not in ("—", None)
    assert table["samples"].iloc[0] == str(_card("contest")["fit_for_purpose"]["wells"][
        table["well"].iloc[0]]["rows_dtc"])


def test_the_two_per_fold_tables_say_which_rows_they_count():
    from sonic_model.model.card import INTERVAL_ROWS, nested_rows_key

    card = _card("contest")
    at = _model_page("contest")
    where = _table(at, "interval")
    bands = _table(at, "held out")
    assert INTERVAL_ROWS == "rows with DTC and DTS" and INTERVAL_ROWS in where.columns
    fold2 = where[where["interval"].str.startswith("fold 2")].iloc[0]
    by_fold = card["ensembles"]["full"]["per_interval"]["blocked"]["by_fold"][1]
    assert fold2[INTERVAL_ROWS] == by_fold["rows"]
    nested = card["validation"]["nested_bands"]["schemes"]["blocked"]["folds"][1]
    row = bands[(bands["scheme"] == "blocked") & (bands["held out"] == "2")].iloc[0]
    for t in ("DTC", "DTS"):
        assert row[nested_rows_key(t)] == nested[t]["rows"]
    said = " ".join(c.value for c in at.caption)
    assert "rows with **both** DTC and DTS measured" in said
    assert "each log on its own rows" in said


@pytest.mark.slow
def test_force_well_one_definition_of_predicted_samples_and_the_model_it_used():
    path = force_well("34_10-19")
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(c.value for c in at.caption)
    qc_line = next(c.value for c in at.caption if c.value.startswith("QC of the"))
    n_pred = int(re.search(r"QC of the ([\d,]+) predicted samples", qc_line)[1].replace(",", ""))
    skipped = int(re.search(r"\*\*([\d,]+)\*\* samples not predicted", qc_line)[1]
                  .replace(",", ""))
    assert "missing input" not in qc_line.split(". ")[0]    # not a QC reason of a prediction
    route = next(c.value for c in at.caption if c.value.startswith("DTS from the measured DTC"))
    m = re.search(r"\*\*([\d,]+)\*\* of the ([\d,]+) predicted samples \((\d+) %\)", route)
    assert m and int(m[2].replace(",", "")) == n_pred
    share = m[3]
    advice = " ".join(w.value for w in at.warning) + " ".join(e.value for e in at.error)
    assert f"DTS comes from the well's measured DTC on {share} % of the predicted samples" in advice
    assert f"{skipped:,} samples have no prediction" in route
    assert n_pred + skipped == 13238 and "auto: north-sea" in said
    # The Model page opens on the model that predicted this well, and says so.
    at.switch_page("pages/3_model.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (info,) = [i.value for i in at.info if "was predicted by" in i.value]
    assert "**34_10-19.las** (on Predict) was predicted by **north-sea**" in info
    ffp = _card("north-sea")["fit_for_purpose"]
    table = _table(at, "corr_depth")
    assert list(table["well"][:-1]) == list(ffp["wells"])


@pytest.mark.slow
def test_with_no_well_on_predict_the_model_page_says_auto_picks_per_well():
    at = _model_page("auto")
    said = " ".join(c.value for c in at.caption)
    assert "With auto each well gets its own model" in said
    assert not [i for i in at.info if "was predicted by" in i.value]
