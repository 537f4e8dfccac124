"""The Seismic page (AppTest): opened first without a well it asks for one; with the well kept
from Predict it shows the same scores the pure function computes, and gas substitution changes
sands only."""

from __future__ import annotations

from pathlib import Path

import pytest

from forcewells import write_subset

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE = "pages/5_seismic.py"


def _page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=180)
    at.switch_page(PAGE)
    return at


def test_without_a_well_the_page_asks_for_one():
    at = _page()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Seismic: synthetic, AVO and fluid substitution"]
    assert any("Drop a well" in i.value for i in at.info)


@pytest.mark.slow
def test_the_page_shows_the_pure_functions_scores_and_substitutes_sands_only(tmp_path):
    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions

    path = write_subset("16_2-16", tmp_path, rows=800)
    at = _page()
    at.session_state["uploaded"] = {"name": path.name, "data": path.read_bytes(),
                                    "origin": "upload"}
    at.session_state["ensemble"] = "full"     # the contest model, by its old name
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    ref = synth_well(wells.read_well(path), store.load("full"), SynthOptions())
    ni = ref.scores["angles"]["0"]
    assert metrics["Synthetic corr., depth"] == f"{ni['depth_corr']:.2f}"
    assert metrics["Synthetic corr., time"] == f"{ni['time_corr']:.2f}"
    fluid = next(s for s in at.selectbox if s.label == "New pore fluid")
    fluid.select("gas").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("samples substituted (porous sands)" in c.value for c in at.caption)
