"""Fluid substitution on a real well keeps to rock that exists, and every door names a fluid
setting its own way: FORCE 16_8-1 with gas (its washed-out densities and frames with a negative
dry Poisson's ratio are left in situ), the API refusing `sw` without `fluid` with its field's
name, the page's labels in its messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.model import synth_options as SO
from sonic_model.physics import fluids as F

from support import cli, force_well

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gas_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fluid") / "s.csv"
    proc = cli("synth", force_well("16_8-1"), "-o", out, "--fluid", "gas",
               "--realisations", "0")
    assert proc.returncode == 0, proc.stderr
    header = [ln for ln in out.read_text().splitlines() if ln.startswith("#")]
    frame = pd.read_csv(out, comment="#")
    frame.attrs["header"] = header
    return frame


def test_each_sample_says_why_it_was_or_was_not_substituted(gas_run):
    f = gas_run
    assert ((f["FLUID_SUB"] == "substituted") == (f["SUBSTITUTED"] == 1)).all()
    skipped = f["FLUID_SUB"].str.startswith("skipped: ")
    assert skipped.sum() > 50 and (f.loc[skipped, "PHI"] > F.PHI_MAX).sum() > 20
    line = next(ln for ln in f.attrs["header"] if "gas substitution:" in ln)
    assert f"{int(f['SUBSTITUTED'].sum())} samples substituted" in line
    assert f"{int(skipped.sum())} skipped, in-situ logs kept" in line


def test_gas_substitution_on_16_8_1_leaves_no_impossible_rock(gas_run):
    f = gas_run
    sub = f["SUBSTITUTED"] == 1
    assert sub.sum() > 500
    # Poisson's ratio >= 0 (Vp/Vs >= sqrt 2) and porosity within the cap where substituted;
    # before the guard: Vp/Vs 1.26, PHI 0.58, RHOB 1.28 g/cm3.
    assert f.loc[sub, "VPVS"].min() >= np.sqrt(2) - 1e-6
    assert f.loc[sub, "PHI"].max() <= F.PHI_MAX
    assert f.loc[sub, "RHOB"].min() > 1.6
    # Gas lowers Vp in sands (all but a handful of frames stiff in bulk and soft in shear,
    # where the lighter rock outweighs the softer fluid: at most 3 % up).
    ratio = f.loc[sub, "VP"] / f.loc[sub, "VP_INSITU"]
    assert ratio.median() < 0.9 and (ratio < 1).mean() > 0.98 and ratio.max() < 1.03
    # Washed-out "sands" exist on this well and keep their in-situ logs, as shales do.
    washed = (f["VSH"] < 0.4) & (f["PHI"] > F.PHI_MAX) & np.isfinite(f["VP_INSITU"])
    assert washed.sum() > 20 and not sub[washed].any()
    kept = ~sub & np.isfinite(f["VP_INSITU"])
    for log in ("VP", "VS", "RHOB"):
        np.testing.assert_allclose(f.loc[kept, log], f.loc[kept, f"{log}_INSITU"], rtol=1e-6)
    assert len(f) == 14586                                     # every input row comes back


def test_the_api_refuses_sw_without_fluid_naming_its_field(api_server):
    import requests

    server = api_server()
    with open(force_well("16_5-3"), "rb") as fh:
        data = fh.read()
    for form, text in (({"sw": "0.3"}, "sw is a fluid-substitution setting: add fluid brine, "
                                       "oil or gas"),
                       ({"k_mineral": "40"}, "k_mineral is a fluid-substitution setting"),
                       ({"fluid": "gas", "sw": "1.5"}, "sw 1.5: water saturation"),
                       ({"angles": "0,70"}, "angles 0,70: give 1 to 20")):
        r = requests.post(f"{server.url}/api/v1/synth", files={"file": ("w.las", data)},
                          data={"realisations": "0", **form}, timeout=120)
        assert r.status_code == 422, (form, r.text)
        detail = r.json()["detail"]
        assert detail.startswith(text) and "--" not in detail and "\n" not in detail


def test_each_door_names_the_option_its_own_way():
    bad = SO.SynthOptions(angles=(0.0, 70.0))
    with pytest.raises(SO.SynthOptionError, match=r"^--angles 0,70: "):
        SO.check_options(bad)
    with pytest.raises(SO.SynthOptionError, match=r"^angles 0,70: "):
        SO.check_options(bad, SO.API_NAMES)
    from views.seismic import PAGE_NAMES

    with pytest.raises(SO.SynthOptionError, match=r'^"Angles \(degrees\)" 0,70: '):
        SO.check_options(bad, PAGE_NAMES)
    gas = SO.SynthOptions(fluid=F.FluidSettings("brine", sw=0.5))
    with pytest.raises(F.FluidSettingError, match=r'^"Sw after" 0\.5: .*"New pore fluid" oil'):
        SO.check_options(gas, PAGE_NAMES)
    assert SO.fluid_settings(None, SO.API_NAMES, sw=None) is None


def test_the_seismic_page_names_its_own_control(tmp_path):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from forcewells import write_subset

    path = write_subset("16_2-16", tmp_path, rows=300)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                           default_timeout=180)
    at.switch_page("pages/5_seismic.py")
    at.session_state["uploaded"] = {"name": path.name, "data": path.read_bytes(),
                                    "origin": "upload"}
    at.session_state["ensemble"] = "full"
    at.run()
    next(t for t in at.text_input if t.label == "Angles (degrees)").input("0,70").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith('"Angles (degrees)" 0,70: give 1 to 20'), errors
    assert "--" not in errors[0]
