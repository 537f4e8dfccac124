"""What users and scripts rely on survives refactoring: the public Python API, every CLI verb and
flag, every HTTP route. Pinned from the release before the package was cut into layers."""

from __future__ import annotations

import re

import lasio
import numpy as np
import pandas as pd
import pytest

import sonic_model as sm

from support import cli

CLI_FLAGS = {
    "predict": {"--elastic", "--ensemble", "--format", "--frame", "--ignore-measured", "--map",
                "--model", "--output", "-o", "--quiet", "-q", "--resample", "--splice"},
    "batch": {"--ensemble", "--force", "--format", "--frame", "--model", "--output", "-o",
              "--quiet", "-q", "--resample", "--scheduler", "--synth", "--workers"},
    "train": {"--cv-cache", "--data", "--map", "--name", "--no-measure", "--only", "--out",
              "--overwrite", "--wells"},
    "models": {"--delete", "--json"},
    "info": {"--json", "--model"},
    "serve": {"--host", "--port"},
    "fetch-data": {"--dest"},
    "synth": {"--angles", "--checkshot", "--fluid", "--freq", "--gas-gravity",
              "--ignore-measured", "--k-fluid", "--k-mineral", "--map", "--model", "--oil-api",
              "--output", "-o", "--pressure", "--quiet", "-q", "--realisations", "--rho-fluid",
              "--rho-mineral", "--salinity", "--seed", "--segy", "--sw", "--temperature",
              "--wavelet"},
}
ROUTES = {("/api/get_predictions", "post"), ("/api/v1/model", "get"), ("/api/v1/models", "get"),
          ("/api/v1/predict", "post"), ("/api/v1/predict/file", "post"), ("/healthz", "get"),
          ("/api/v1/synth", "post")}


def test_public_names_resolve():
    assert set(sm.__all__) >= {"__version__", "read_well", "load_ensemble", "predict",
                               "predict_well", "write_csv", "write_las", "SonicModelError"}
    for name in sm.__all__:
        assert getattr(sm, name) is not None
    assert re.match(r"\d+\.\d+", sm.__version__)
    assert issubclass(sm.SonicModelError, Exception)


def test_read_predict_write_through_the_public_api(tmp_path, model_dir, contest_dir):
    rows = pd.read_csv(contest_dir / "test.csv").iloc[:400]
    las = lasio.LASFile()
    las.append_curve("DEPT", 3000 + np.arange(len(rows)) * 0.5, unit="ft")
    for vendor, canon in (("RHOB", "ZDEN"), ("NPHI", "CNC"), ("GR", "GR"), ("RT", "HRD")):
        las.append_curve(vendor, rows[canon].to_numpy(), unit={"ZDEN": "g/cm3", "CNC": "v/v",
                                                                 "GR": "gAPI",
                                                                 "HRD": "ohm.m"}[canon])
    path = tmp_path / "well.las"
    las.write(str(path), version=2.0)

    well = sm.read_well(path)
    result = sm.predict_well(well, sm.load_ensemble("full"))
    assert len(result) == 400 and result["DTC_PRED"].notna().all()
    same = sm.predict(well.curves, "full", depth_ft=well.depth_ft())
    assert np.allclose(result["DTC_PRED"], same["DTC_PRED"], equal_nan=True)
    sm.write_las(well, result, tmp_path / "out.las")
    back = lasio.read(str(tmp_path / "out.las"))
    assert np.allclose(back["DTC_PRED"], result["DTC_PRED"], atol=1e-4)
    csv = sm.write_csv(well, result)
    assert b"DTS_P90" in csv.splitlines()[0]


@pytest.mark.parametrize("verb", sorted(CLI_FLAGS))
def test_every_cli_verb_keeps_its_flags(verb):
    proc = cli(verb, "--help", timeout=120)
    assert proc.returncode == 0, proc.stderr
    shown = set(re.findall(r"(?:^|[\s,\[])(--?[a-zA-Z][a-zA-Z-]*)", proc.stdout))
    assert CLI_FLAGS[verb] <= shown, f"{verb} lost {CLI_FLAGS[verb] - shown}"


def test_every_http_route_is_still_served():
    from sonic_model.serving.api import create_app

    spec = create_app().openapi()
    served = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert ROUTES <= served, f"routes lost: {ROUTES - served}"
