"""The Seismic page reads the well as Predict does (AppTest): a density the recogniser misses,
mapped by hand on Predict, is the density the synthetic uses; the page says which well, model
and curves; Predict still shows the user's mapping after the visit; a checkshot beside the logs
is an st.error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from forcewells import write_subset

APP = Path(__file__).resolve().parent.parent / "app.py"
ODD_DENSITY = "BULKDEN"         # a density mnemonic the alias table does not know


def _well_with_odd_density(tmp_path: Path) -> Path:
    import lasio

    path = write_subset("16_2-16", tmp_path, rows=600)
    las = lasio.read(path)
    las.curves["RHOB"].mnemonic = ODD_DENSITY
    out = tmp_path / "odd_density.las"
    las.write(str(out), version=2.0)
    return out


def _zden_box(at):
    return next(s for s in at.selectbox if s.label.startswith("ZDEN"))


@pytest.mark.slow
def test_seismic_uses_predicts_mapping_and_says_so(tmp_path):
    from streamlit.testing.v1 import AppTest

    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions

    path = _well_with_odd_density(tmp_path)
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.session_state["ensemble"] = "contest"
    at.run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "application/octet-stream"))
    at.run()
    assert any("ZDEN" in w.value for w in at.warning)       # not recognised: Predict says so
    _zden_box(at).select(ODD_DENSITY).run()
    assert not at.exception, [e.value for e in at.exception]

    at.switch_page("pages/5_seismic.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    said = " ".join(c.value for c in at.caption)
    assert f"Well **{path.name}** (chosen on Predict)" in said and "model **contest**" in said
    assert f"ZDEN = {ODD_DENSITY} (set on Predict)" in said
    ref = synth_well(wells.read_well(path, mapping={"ZDEN": ODD_DENSITY}), store.load("contest"),
                     SynthOptions())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Synthetic corr., depth"] == f"{ref.scores['angles']['0']['depth_corr']:.2f}"
    assert metrics["AVO gradient corr."] == f"{ref.scores['avo_gradient']['depth_corr']:.2f}"

    checkshot = at.file_uploader(key="seismic_checkshot")
    checkshot.set_value(("shallow.txt", b"depth_m,twt_ms\n10,12\n20,24\n", "text/plain")).run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("checkshot shallow.txt: none of its 2 "
                                                     "levels"), errors

    at.switch_page("app.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _zden_box(at).value == ODD_DENSITY           # the mapping survived the visit


@pytest.mark.slow
def test_seismic_reads_the_dlis_frame_and_resampling_chosen_on_predict(tmp_path, force_dir):
    from streamlit.testing.v1 import AppTest

    import dlisfiles

    path = dlisfiles.write_well_dlis(tmp_path / "run1.dlis", "16_2-16", slice(11_000, 11_500))
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.session_state["ensemble"] = "contest"
    at.run()
    at.file_uploader[0].set_value(("run1.dlis", path.read_bytes(), "application/octet-stream"))
    at.run()
    next(s for s in at.selectbox if s.label == "Frame").set_value("10B").run()
    next(c for c in at.checkbox if c.label == "Resample other frames").check().run()
    assert not at.exception and not any("not mapped" in w.value for w in at.warning)

    at.switch_page("pages/5_seismic.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    said = " ".join(c.value for c in at.caption)
    assert "frame 10B, other frames resampled onto it" in said
    assert any("normal-incidence synthetic correlation" in c.value for c in at.caption)

    at.switch_page("app.py").run()
    assert next(s for s in at.selectbox if s.label == "Frame").value == "10B"
    assert next(c for c in at.checkbox if c.label == "Resample other frames").value
