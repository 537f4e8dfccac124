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
    # The well has DTC and DTS: the AVO from its DTC with the predicted shear is judged too.
    shear = ref.scores["with_measured_dtc"]["avo_gradient"]["depth_corr"]
    assert metrics["AVO corr., with DTC"] == f"{shear:.2f}"
    fluid = next(s for s in at.selectbox if s.label == "New pore fluid")
    fluid.select("gas").run()
    assert not at.exception, [e.value for e in at.exception]
    # The same one-line account as the CLI's header: substituted, skipped and why, kept.
    assert any(c.value.startswith("Gas substitution: ") and "samples substituted" in c.value
               and "FLUID_SUB" in c.value for c in at.caption)


@pytest.mark.slow
def test_the_pages_door_gives_the_functions_numbers(tmp_path):
    """ui_cache.synth (what the page draws and offers for download) equals synth_well to 1e-6."""
    import numpy as np

    import ui_cache
    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions

    path = write_subset("16_2-11_A", tmp_path, rows=600)
    options = (("wavelet", "ricker"), ("freq", (25.0,)), ("angles", (0.0, 20.0)),
               ("realisations", 8), ("seed", 3), ("ignore_measured", False))
    page = ui_cache.synth(path.read_bytes(), path.name, "full", options, None)
    ref = synth_well(wells.read_well(path), store.load("full"),
                     SynthOptions(freq=(25.0,), angles=(0.0, 20.0), realisations=8, seed=3))
    numeric = [c for c in ref.frame.columns if c != "SONIC_SOURCE"]
    np.testing.assert_allclose(page.frame[numeric].to_numpy(float),
                               ref.frame[numeric].to_numpy(float), atol=1e-6, equal_nan=True)
    assert page.scores == ref.scores


@pytest.mark.slow
def test_the_contest_blind_well_without_depth_gets_its_synthetic_on_the_contests_spacing(
        contest_dir):
    # Predict's demo button loads Well #2 (no depth column): the page used to refuse it.
    data = (contest_dir / "test.csv").read_bytes()
    at = _page()
    at.session_state["demo"] = {"name": "PDDA2020_Well2_test.csv", "data": data,
                                "origin": "demo"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any(i.value.startswith("No depth column: rows taken 0.1 m apart") for i in at.info)
    assert any("no measured sonic to score" in c.value for c in at.caption)
    # The tracks say the depth is relative, in words.
    specs = [c.proto.spec for c in at.main.get("plotly_chart")]
    assert any("Depth below the first row (m)" in spec for spec in specs)
