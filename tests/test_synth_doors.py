"""`synth` through every door: the CLI, the API and the pure function give the same numbers on
the same file (to 1e-6); a bad checkshot or an impossible fluid setting is one line naming it
(exit 2, HTTP 422/400); a well with sonic carries its scores in the CSV header and the summary;
the SEG-Y loads in segyio."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from support import cli, require

from forcewells import write_subset

ROWS = 1500
OPTIONS = ["--realisations", "12", "--seed", "7", "--angles", "0,15,30", "--model", "full"]


@pytest.fixture(scope="module")
def well_file(tmp_path_factory):
    return write_subset("16_2-16", tmp_path_factory.mktemp("synth"), rows=ROWS)


@pytest.fixture(scope="module")
def pure(well_file):
    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import SynthOptions

    opts = SynthOptions(realisations=12, seed=7, angles=(0, 15, 30))
    return synth_well(wells.read_well(well_file), store.load("full"), opts)


@pytest.fixture(scope="module")
def cli_run(well_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth_out")
    proc = cli("synth", well_file, "-o", out / "syn.csv", "--segy", out / "syn.sgy", *OPTIONS)
    return proc, out


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["SONIC_SOURCE"]).astype(float)


@pytest.mark.slow
def test_cli_writes_one_row_per_input_row_with_scores_in_header_and_summary(cli_run, pure):
    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    text = (out / "syn.csv").read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("synthetic correlation" in line and "in depth" in line for line in header)
    assert any("what to expect without sonic" in line for line in header)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert len(frame) == ROWS
    for col in ("DEPTH_M", "TWT_MS", "VP", "VS", "RHOB", "AI", "SYN_0", "SYN_15_P10",
                "SYN_30_P90", "AVO_A", "AVO_B_P90"):
        assert col in frame.columns
    assert "synthetic correlation" in proc.stderr and proc.stderr.count("\n") == 1
    # Where the synthetic has a band, P10 <= P90 and the band is not empty; rows without
    # logs (this well's 30 m density gap) have no synthetic and no band, not an invented one.
    banded = frame["SYN_0_P10"].notna()
    assert banded.mean() > 0.8
    assert (frame.loc[banded, "SYN_0_P90"] >= frame.loc[banded, "SYN_0_P10"]).all()
    assert frame.loc[~banded, "SYN_0"].isna().all()


@pytest.mark.slow
def test_cli_api_and_the_function_agree(cli_run, pure, well_file, api_server):
    import requests

    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    from_cli = pd.read_csv(out / "syn.csv", comment="#")
    server = api_server()
    with open(well_file, "rb") as fh:
        r = requests.post(f"{server.url}/api/v1/synth", files={"file": ("w.las", fh)},
                          data={"realisations": 12, "seed": 7, "angles": "0,15,30",
                                "model": "full"}, timeout=120)
    assert r.status_code == 200, r.text
    body = r.json()
    from_api = pd.DataFrame({c: body["data"][c] for c in body["columns"]})
    ref = _numeric(pure.frame.reset_index(drop=True))
    for other in (from_cli, from_api):
        assert list(other.columns) == list(pure.frame.columns)
        np.testing.assert_allclose(_numeric(other).to_numpy(), ref.to_numpy(), rtol=1e-6,
                                   atol=1e-6, equal_nan=True)
    assert body["scores"]["angles"]["0"]["depth_corr"] == \
        pure.scores["angles"]["0"]["depth_corr"]
    assert body["scores"]["with_measured_dtc"] == pure.scores["with_measured_dtc"]


@pytest.mark.slow
def test_a_well_with_dtc_and_dts_scores_the_shear_its_dtc_predicts(cli_run, pure):
    # The usual well has a DTC and no shear: the user needs the AVO made from their DTC with
    # the predicted shear judged, not only the one from the logs alone.
    shear = pure.scores["with_measured_dtc"]
    assert shear["rows_dts"] >= 50
    assert set(shear["angles"]) == {"15", "30"}    # normal incidence is the measured DTC's own
    grad = shear["avo_gradient"]["depth_corr"]
    # On this FORCE well (contest never saw it) the measured DTC makes the gradient better.
    assert grad > pure.scores["avo_gradient"]["depth_corr"]
    proc, out = cli_run
    header = [line for line in (out / "syn.csv").read_text().splitlines()
              if line.startswith("#")]
    assert any("with its measured DTC and the shear predicted from it" in line
               and f"AVO gradient correlation {grad:.2f}" in line for line in header)


@pytest.mark.slow
def test_segy_holds_p10_p50_p90_per_angle(cli_run, pure):
    segyio = require("segyio")
    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    with segyio.open(out / "syn.sgy", ignore_geometry=True) as f:
        assert f.tracecount == 9
        offsets = [f.header[i][segyio.TraceField.offset] for i in range(9)]
        assert offsets == [0, 0, 0, 15, 15, 15, 30, 30, 30]
        np.testing.assert_allclose(f.trace[1], pure.traces[(0.0, "P50")], atol=1e-6)
        assert segyio.tools.dt(f) == 1000.0


@pytest.mark.slow
@pytest.mark.parametrize("extra, named", [
    (["--fluid", "gas", "--sw", "1.5"], "--sw 1.5"),
    (["--sw", "0.3"], "--sw is a fluid-substitution setting"),
    (["--checkshot", "CS"], "--checkshot"),
    (["--angles", "0,95"], "--angles 0,95"),
], ids=["impossible-saturation", "sw-without-fluid", "bad-checkshot", "angle-beyond-60"])
def test_bad_settings_are_one_line_naming_them(extra, named, well_file, tmp_path):
    cs = tmp_path / "cs.txt"
    cs.write_text("depth_m,twt_ms\n1000,900\n1200,880\n")
    extra = [str(cs) if x == "CS" else x for x in extra]
    proc = cli("synth", well_file, "-o", tmp_path / "x.csv", *extra)
    assert proc.returncode == 2
    assert named in proc.stderr and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.slow
def test_api_names_an_impossible_fluid_setting(well_file, api_server):
    import requests

    server = api_server()
    with open(well_file, "rb") as fh:
        r = requests.post(f"{server.url}/api/v1/synth", files={"file": ("w.las", fh)},
                          data={"fluid": "oil", "rho_mineral": "0.5"}, timeout=60)
    assert r.status_code == 422 and "rho_mineral 0.5" in r.json()["detail"]
    assert "--rho-mineral" not in r.json()["detail"]      # the API's own field name
    spec = requests.get(f"{server.url}/openapi.json", timeout=30).json()
    assert "/api/v1/synth" in spec["paths"]


@pytest.mark.slow
def test_with_auto_the_picked_models_card_draws_the_band_and_says_what_to_expect(tmp_path):
    # auto gives this FORCE well north-sea: its realisations must use north-sea's residual
    # correlation and its summary quote north-sea's held-out wells, not the contest card's.
    from sonic_model import io as wells
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import Auto, bundled_dir
    from sonic_model.model.synth import residual_settings, synth_well
    from sonic_model.model.synth_options import SynthOptions
    from sonic_model.model.synth_score import expectations

    path = write_subset("31_3-4", tmp_path, rows=ROWS)
    result = synth_well(wells.read_well(path), Auto(), SynthOptions(realisations=12, seed=7))
    assert result.options["model"].startswith("auto: north-sea")
    card = load_card(bundled_dir("north-sea"))
    assert result.expected == expectations(card)
    assert result.options["residuals"] == residual_settings(card)
    assert result.options["residuals"] != residual_settings(load_card(bundled_dir("contest")))
