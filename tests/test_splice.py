"""--splice, --elastic and --ignore-measured end to end on a tiny lasio-written well, and the
LAS round trip of the new curves with their units and legend."""

from __future__ import annotations

from pathlib import Path

import lasio
import numpy as np
import pandas as pd
import pytest

from support import PROJECT_DIR as ROOT
from support import cli
from wellfiles import GENERIC, canonical_well, vendor_las

NULLED = slice(100, 140)          # rows where the measured DT is null


@pytest.fixture(scope="module")
def well_las(tmp_path_factory) -> Path:
    frame = canonical_well(400)
    path = tmp_path_factory.mktemp("splice") / "tiny.las"
    path.write_text(vendor_las(frame, GENERIC, nulls_at={"DT": NULLED, "DTS": slice(0, 400)}))
    return path


@pytest.mark.slow          # CLI predict in a subprocess
def test_las_splice_and_elastic_round_trip_with_units(well_las, model_dir, tmp_path):
    out = tmp_path / "out.las"
    proc = cli("predict", well_las, "-o", out, "--splice", "--elastic")
    assert proc.returncode == 0, proc.stderr
    las = lasio.read(str(out))
    units = {c.mnemonic: c.unit for c in las.curves}
    for name, unit in {"DTC_SPLICE": "us/ft", "DTS_SPLICE": "us/ft", "VP": "m/s", "VS": "m/s",
                       "AI": "m/s*g/cm3", "SI": "m/s*g/cm3", "G_DYN": "GPa", "K_DYN": "GPa",
                       "VPVS": "ratio", "PR": "ratio", "SPLICE_SOURCE": ""}.items():
        assert units[name] == unit, name
    assert "SPLICE_SOURCE" in las.other and "m/s*g/cm3" in las.other
    df = las.df().reset_index()
    assert len(df) == 400
    src = df["SPLICE_SOURCE"].to_numpy().astype(int)
    dtc_measured = (src & 1) == 1
    # measured DT where it is valid, the prediction where it is null
    assert not dtc_measured[NULLED].any() and dtc_measured.mean() > 0.8
    np.testing.assert_allclose(df["DTC_SPLICE"][dtc_measured], df["DT"][dtc_measured], atol=1e-4)
    np.testing.assert_allclose(df["DTC_SPLICE"][~dtc_measured], df["DTC_PRED"][~dtc_measured],
                               atol=1e-4)
    # no measured shear in this file: DTS_SPLICE is the prediction everywhere
    assert not ((src & 2) == 2).any()
    np.testing.assert_allclose(df["DTS_SPLICE"], df["DTS_PRED"], atol=1e-4)
    # elastic logs from the splice and the density, mutually consistent
    np.testing.assert_allclose(df["VP"], 304800.0 / df["DTC_SPLICE"], rtol=1e-5)
    np.testing.assert_allclose(df["VPVS"], df["DTS_SPLICE"] / df["DTC_SPLICE"], rtol=1e-4)
    np.testing.assert_allclose(df["AI"], df["VP"] * df["RHOB"], rtol=1e-4)


@pytest.mark.slow          # CLI predict in a subprocess
def test_csv_keeps_route_and_splice_source_as_text(well_las, model_dir, tmp_path):
    out = tmp_path / "out.csv"
    proc = cli("predict", well_las, "-o", out, "--splice")
    assert proc.returncode == 0, proc.stderr
    df = pd.read_csv(out)
    assert len(df) == 400
    assert set(df["SPLICE_SOURCE"]) <= {"DTC measured, DTS predicted", "DTC predicted, DTS predicted"}
    assert (df["SPLICE_SOURCE"][NULLED] == "DTC predicted, DTS predicted").all()
    # the well has a measured DTC and the bundled model ships the conditioned set
    src = df["DTS_SOURCE"].fillna("")
    assert (src == "DTC-conditioned").mean() > 0.5
    assert src[NULLED].str.startswith("logs-only").all()
    assert "DTS from the measured DTC on" in proc.stderr


@pytest.mark.slow          # CLI predict in a subprocess
def test_ignore_measured_gives_the_logs_only_shear(well_las, model_dir, tmp_path):
    a, b = tmp_path / "with.csv", tmp_path / "without.csv"
    assert cli("predict", well_las, "-o", a).returncode == 0
    assert cli("predict", well_las, "-o", b, "--ignore-measured").returncode == 0
    with_dtc, without = pd.read_csv(a), pd.read_csv(b)
    assert "DTS_SOURCE" in with_dtc.columns and "DTS_SOURCE" not in without.columns
    np.testing.assert_allclose(with_dtc["DTC_PRED"], without["DTC_PRED"])   # DTC still predicted
    cond = (with_dtc["DTS_SOURCE"] == "DTC-conditioned").to_numpy()
    assert not np.allclose(with_dtc["DTS_PRED"][cond], without["DTS_PRED"][cond])
    np.testing.assert_allclose(with_dtc["DTS_PRED"][~cond], without["DTS_PRED"][~cond])


@pytest.mark.slow          # CLI predict in a subprocess
def test_las_dts_source_codes_follow_the_route(well_las, model_dir, tmp_path):
    out = tmp_path / "out.las"
    assert cli("predict", well_las, "-o", out).returncode == 0
    las = lasio.read(str(out))
    code = las["DTS_SOURCE"].astype(int)
    assert set(np.unique(code)) <= {0, 1, 2}
    assert (code[NULLED] == 1).all() and (code == 2).mean() > 0.5
    assert "DTS_SOURCE: 1 = DTS from the logs alone" in las.other


def test_api_file_upload_with_elastic_and_splice(well_las, model_dir):
    from fastapi.testclient import TestClient

    from sonic_model.serving import api

    with TestClient(api.create_app(), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/predict/file",
                        files={"file": ("tiny.las", well_las.read_bytes(), "text/plain")},
                        data={"elastic": "true", "splice": "true"})
        assert r.status_code == 200, r.text
        body = r.json()
        for c in ("DTS_SOURCE", "DTC_SPLICE", "SPLICE_SOURCE", "VP", "PR", "AI"):
            assert c in body["columns"] and len(body["results"][c]) == 400
        assert body["units"]["AI"] == "m/s*g/cm3" and body["units"]["VP"] == "m/s"
        assert body["results"]["SPLICE_SOURCE"][NULLED.start] == "DTC predicted, DTS predicted"
        plain = client.post("/api/v1/predict/file", data={"ignore_measured": "true"},
                            files={"file": ("tiny.las", well_las.read_bytes(), "text/plain")})
        assert plain.status_code == 200
        assert plain.json()["columns"] == ["DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90",
                                           "DTS_P10", "DTS_P90", "QC"]


@pytest.mark.slow
def test_app_shows_shear_routes_and_elastic_tracks(model_dir):
    """The Predict page: route tracks and crossplot for a well with DTC; elastic on demand."""
    import json

    import streamlit
    from streamlit.testing.v1 import AppTest

    from wellfiles import vendor_las as las_text

    streamlit.cache_data.clear()
    data = las_text(canonical_well(400), GENERIC).encode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.file_uploader[0].set_value(("tiny.las", data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.main.get("plotly_chart")]
    assert "Vp–Vs by shear route" in titles
    specs = [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")]
    names = {t.get("name") for s in specs for t in s["data"]}
    assert {"predicted, DTC-conditioned", "mudrock line (Castagna 1985)",
            "Greenberg–Castagna (1992), Vsh from GR", "logs-only DTS"} <= names
    assert "VP" not in names
    at.toggle(key="elastic").set_value(True).run()
    assert not at.exception
    names = {t.get("name") for c in at.main.get("plotly_chart")
             for t in json.loads(c.proto.spec)["data"]}
    assert {"VP", "VS", "PR", "AI", "K_DYN"} <= names
    # switching the measured DTC off leaves only the logs-only route in the crossplot
    at.toggle(key="use_measured").set_value(False).run()
    names = {t.get("name") for c in at.main.get("plotly_chart")
             for t in json.loads(c.proto.spec)["data"]}
    assert "predicted, DTC-conditioned" not in names and "predicted, logs-only" in names


def test_model_page_shows_the_conditioned_shear_comparison(model_dir):
    import streamlit
    from streamlit.testing.v1 import AppTest

    from sonic_model.model.card import load_card
    from sonic_model.model.conditioned import card_rows

    rows = card_rows(load_card(model_dir))
    assert {r["scheme"] for r in rows} == {"blocked", "lowo"}
    pooled = [r for r in rows if r["held out"] == "pooled"]
    assert all(r["conditioned"] < r["logs only"] for r in pooled)
    streamlit.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/3_model.py").run()
    assert not at.exception
    assert "Shear from a measured DTC" in [s.value for s in at.subheader]
