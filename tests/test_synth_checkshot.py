"""A checkshot beside the well's logs: with fewer than two levels inside the logged interval it
is one line naming the checkshot, the interval and what to do (exit 2, HTTP 400, st.error on the
Seismic page); partly outside, it is used, the levels outside only place the logs' top and base,
and the summary says so. Real LAS files (FORCE subsets written by lasio)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from forcewells import write_subset
from support import cli

ROWS = 600
QUICK = ["--realisations", "4", "--model", "full"]


@pytest.fixture(scope="module")
def well(tmp_path_factory):
    """(path, top m, base m) of a 600-row FORCE subset with measured sonic, depth in metres."""
    from sonic_model import io as wells

    path = write_subset("16_2-16", tmp_path_factory.mktemp("cs_well"), rows=ROWS)
    depth = wells.read_well(path).depth
    return path, float(depth.min()), float(depth.max())


def _checkshot(tmp_path, rows) -> str:
    path = tmp_path / "cs.txt"
    path.write_text("depth_m,twt_ms\n" + "".join(f"{z:.2f},{t:.1f}\n" for z, t in rows))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("levels, named", [
    (lambda top, base: [(100, 110), (200, 220), (300, 330)], "none of its 3 levels"),
    (lambda top, base: [(100, 110), ((top + base) / 2, 1800), (base + 500, 2300)],
     "only one of its 3 levels"),
], ids=["all-above-the-logs", "one-level-inside"])
def test_cli_refuses_a_checkshot_beside_the_logs_in_one_line(levels, named, well, tmp_path):
    path, top, base = well
    cs = _checkshot(tmp_path, levels(top, base))
    proc = cli("synth", path, "-o", tmp_path / "out.csv", "--checkshot", cs, *QUICK)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert line.startswith(f"--checkshot {cs}") or f"--checkshot {cs}:" in line
    assert named in line and f"({top:.1f}-{base:.1f} m)" in line
    assert "at least two levels inside the logs" in line
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.slow
def test_cli_uses_a_checkshot_partly_outside_and_says_what_became_of_the_rest(well, tmp_path):
    path, top, base = well
    mid = top + 0.5 * (base - top)
    levels = [(500.0, 520.0), (round(top + 10, 2), 1700.0), (round(mid, 2), 1760.0),
              (round(base + 300, 2), 2150.0)]
    out = tmp_path / "out.csv"
    proc = cli("synth", path, "-o", out, "--checkshot", _checkshot(tmp_path, levels), *QUICK)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("\n") == 1
    said = ("2 of its 4 levels lie within the logs", "1 above, 1 below",
            "used only to interpolate the checkshot time at the top and base of the logs")
    assert all(s in proc.stderr for s in said), proc.stderr
    text = out.read_text()
    assert any(all(s in line for s in said) for line in text.splitlines()
               if line.startswith("#"))
    frame = pd.read_csv(io.StringIO(text), comment="#")
    depth, twt = frame["DEPTH_M"].to_numpy(), frame["TWT_MS"].to_numpy()
    # The levels inside are honoured, and the top sits on the checkshot's straight line between
    # the level above the logs and the first inside (not on the sonic's guess of the overburden).
    z = np.array([lv[0] for lv in levels])
    t = np.array([lv[1] for lv in levels])
    np.testing.assert_allclose(np.interp(z[1:3], depth, twt), t[1:3], atol=0.1)  # between samples
    assert twt[np.argmin(depth)] == pytest.approx(np.interp(top, z, t), abs=1e-3)


@pytest.mark.parametrize("levels, hint", [
    # feet read as metres (no header): 5000-5600 ft are 1524-1707 m
    ([5000.0, 5300.0, 5600.0], r"read as feet they would fit, 1524\.0-1706\.9 m: convert"),
    # metres a header called feet: 1600-1700 m became 487.7-518.2 m
    ([1600 * 0.3048, 1700 * 0.3048], r"calls them feet but they are metres, they would fit as "
                                     r"1600\.0-1700\.0 m: correct the header"),
], ids=["feet-read-as-metres", "metres-called-feet"])
def test_a_checkshot_that_would_fit_after_a_feet_metre_slip_says_so(levels, hint):
    from sonic_model.physics import seismic as S

    z = np.array(levels)
    with pytest.raises(S.CheckshotRangeError, match=hint):
        S.checkshot_ties(z, np.linspace(1.5, 1.7, len(z)), 1500.0, 1750.0, "cs.txt")


def test_a_checkshot_beside_the_logs_either_way_gets_no_unit_hint():
    from sonic_model.physics import seismic as S

    with pytest.raises(S.CheckshotRangeError) as err:
        S.checkshot_ties(np.array([100.0, 200.0]), np.array([0.1, 0.2]), 1500.0, 1750.0)
    assert "feet" not in str(err.value) and "(1500.0-1750.0 m" in str(err.value)


@pytest.mark.slow
def test_cli_tells_a_metre_well_that_its_checkshot_looks_like_feet(well, tmp_path):
    """The reviewer's case: a metre well, levels in feet, no header. Refused before predicting,
    with the hint (only feet wells had it)."""
    path, top, base = well
    feet = [top / 0.3048 + 50, (top + base) / 2 / 0.3048, base / 0.3048 - 50]
    cs = _checkshot(tmp_path, [(z, 1500 + k * 40) for k, z in enumerate(feet)])
    proc = cli("synth", path, "-o", tmp_path / "out.csv", "--checkshot", cs, *QUICK)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert line.count("\n") == 0 and "Traceback" not in line
    assert f"lies within the well's depths ({top:.1f}-{base:.1f} m)" in line
    assert "read as feet they would fit" in line and "convert them to metres" in line


@pytest.mark.slow
def test_api_answers_400_naming_the_checkshot(well, tmp_path, model_dir):
    from fastapi.testclient import TestClient

    from sonic_model.serving import api

    path, top, base = well
    cs = "depth,twt\n10,12\n20,24\n"
    with TestClient(api.create_app(), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/synth",
                        files={"file": ("w.las", path.read_bytes()),
                               "checkshot": ("shallow.txt", cs.encode())},
                        data={"realisations": "4", "model": "full"})
    assert r.status_code == 400, r.text
    detail = r.json()["detail"]
    assert detail.startswith("checkshot shallow.txt: none of its 2 levels")
    assert f"({top:.1f}-{base:.1f} m)" in detail and "\n" not in detail


def test_a_checkshot_for_a_well_without_depth_is_one_line(tmp_path, contest_dir):
    cs = tmp_path / "cs.txt"
    cs.write_text("1000,900\n2000,1560\n")
    proc = cli("synth", contest_dir / "test.csv", "-o", tmp_path / "o.csv", "--checkshot", cs)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "has no depth column" in proc.stderr
    assert str(cs) in proc.stderr and "Traceback" not in proc.stderr
