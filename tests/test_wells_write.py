"""write_csv / write_las round trips through pandas, lasio and read_well."""

from __future__ import annotations

import io

import lasio
import numpy as np
import pandas as pd
import pytest

from sonic_model.core import curves, qc
from sonic_model.core.errors import InputValueError
from sonic_model.io import read_well, write_csv, write_las
from sonic_model.io.writers import _format_column

from wellfiles import GENERIC, SCHLUMBERGER, canonical_well, vendor_las


def fake_result(n: int) -> pd.DataFrame:
    res = pd.DataFrame({c: np.linspace(60.0, 70.0, n) for c in curves.RESULT_COLUMNS[:-1]})
    res["QC"] = qc.QC_OK
    res.loc[1, "QC"] = "missing input: CNC"
    res.loc[2, "QC"] = "outside training range: GR; washout"
    res.loc[1, ["DTC_PRED", "DTS_PRED"]] = np.nan
    return res


PARAMS = ("BHT .DEGF        180.00000 : Bottom hole temperature\n"
          "MUD .           Water based : Mud type\n")


@pytest.fixture(scope="module")
def well():
    f = canonical_well(50)
    text = vendor_las(f, SCHLUMBERGER, extra={"BS": (np.full(50, 8.5), "in")}, reverse=True)
    head, rest = text.split("~Params", 1)
    line_end = rest.index("\n") + 1
    text = head + "~Params" + rest[:line_end] + PARAMS + rest[line_end:]
    return read_well(text.encode(), name="slb.las")


def test_las_round_trip_keeps_originals_header_and_adds_results(well, tmp_path):
    res = fake_result(len(well.curves))
    out = tmp_path / "out.las"
    assert write_las(well, res, out) is None
    las = lasio.read(out)
    names = [c.mnemonic for c in las.curves]
    assert names[:12] == ["DEPT", "HCAL", "TNPH", "GR", "AT90", "AT30", "PEFZ", "RHOZ", "DTCO",
                          "DTSM", "BS", "DTC_PRED"]
    assert names[-6:] == ["DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90", "QC"]
    assert las.curves["DTC_PRED"].unit == "us/ft"
    assert las.curves["DTC_PRED"].descr == curves.RESULT_DESCRIPTIONS["DTC_PRED"]
    assert las.well["WELL"].value == "TEST-1" and las.well["COMP"].value == "ACME Logging"
    assert float(las.well["NULL"].value) == -999.25
    np.testing.assert_allclose(las["DEPT"], well.depth)   # sorted ascending, as the rows
    assert np.isnan(las["DTC_PRED"][1])
    assert list(las["QC"][:3]) == [0, 1, 2 | 8]
    for bit_reason in qc.QC_FLAGS:
        assert bit_reason in las.other
    np.testing.assert_allclose(las["RHOZ"], well.original["RHOZ"], rtol=1e-6)
    again = read_well(out)
    pd.testing.assert_frame_equal(again.curves, well.curves, atol=1e-5)
    assert again.report.used["ZDEN"]["mnemonic"] == "RHOZ"



def test_las_round_trip_keeps_every_curve_unit_description_and_value(well):
    res = fake_result(len(well.curves))
    res.loc[4, "DTS_P90"] = np.inf                      # non-finite results are nulls too
    las = lasio.read(io.StringIO(write_las(well, res).decode()))
    meta = {c["mnemonic"]: c for c in well.header["curves"]}
    for name in well.original.columns:
        c = las.curves[name]
        assert (c.unit, c.descr) == (meta[name]["unit"], meta[name]["descr"])
        got = las[name] if name != "DEPT" else las.index
        np.testing.assert_allclose(got, well.original[name], rtol=0, atol=5.01e-6)
    for c in curves.RESULT_COLUMNS[:-1]:
        expected = res[c].to_numpy(dtype=float).copy()
        expected[~np.isfinite(expected)] = np.nan
        np.testing.assert_allclose(las[c], expected, rtol=0, atol=5.01e-6)
        assert las.curves[c].unit == curves.RESULT_UNITS[c]
    np.testing.assert_array_equal(las["QC"], qc.qc_bits(res["QC"]))
    # header items: every ~Well item of the input (STRT/STOP/STEP recomputed), ~Parameter kept
    src = {i["mnemonic"]: i for i in well.header["sections"]["Well"]}
    for mn, item in src.items():
        if mn in ("STRT", "STOP", "STEP"):
            continue
        assert str(las.well[mn].value) == str(item["value"] if item["value"] is not None else "")
        assert las.well[mn].descr == item["descr"]
    assert (las.well["STRT"].value, las.well["STOP"].value) == (well.depth[0], well.depth[-1])
    assert las.well["STEP"].value == 0.5 and las.well["STEP"].unit == "ft"
    assert las.params["BHT"].value == 180.0 and las.params["BHT"].unit == "DEGF"
    assert las.params["MUD"].value == "Water based"
    assert "QC curve: sum of bit flags, 0 = OK." in las.other


def test_las_data_section_is_fixed_width_with_the_null_value(well):
    res = fake_result(len(well.curves))
    text = write_las(well, res).decode()
    data = text.split("~ASCII", 1)[1].splitlines()[1:]
    assert len(data) == len(well.curves)
    assert len({len(line) for line in data}) == 1              # aligned columns
    ncurves = len(well.original.columns) + len(curves.RESULT_COLUMNS)
    assert all(len(line.split()) == ncurves for line in data)
    assert data[1].split()[-7] == "-999.25000"                  # DTC_PRED null in row 1
    assert data[2].split()[-1] == str(2 | 8)                    # QC as an integer
    assert "nan" not in text.lower().split("~ascii", 1)[1]


def test_format_column_matches_percent_formatting():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 1, 2000), rng.normal(0, 3e4, 2000),
                        rng.uniform(0, 1e-3, 500),
                        [0.0, 1.0, -1.0, 123456789.125, -99999.5, 9.999996, np.nan, -np.inf]])
    for decimals in (5, 0):
        got = [r.tobytes().decode() for r in _format_column(x, decimals, -999.25)]
        assert len({len(g) for g in got}) == 1 and len(got[0]) >= 10
        want = [f"{(v if np.isfinite(v) else -999.25):.{decimals}f}" for v in x]
        for v, g, w in zip(x, got, want):
            # Same text as %-formatting, except -0 (printed 0) and a last-digit tie.
            if g.strip() != w:
                tie = abs(float(g) - float(w)) <= 1.01 * 10.0 ** -decimals
                assert w.lstrip("-") == g.strip() or tie, (v, g, w)
    big = _format_column(np.array([1e20, -2.5]), 5, -999.25)   # beyond int64: Python path
    assert [r.tobytes().decode().strip() for r in big] == [f"{1e20:.5f}", "-2.50000"]


def test_rows_without_depth_round_trip_through_las_and_csv():
    f = canonical_well(30)
    f.loc[[4, 17], "DEPTH"] = np.nan
    well = read_well(vendor_las(f, SCHLUMBERGER).encode(), name="holes.las")
    assert len(well.curves) == 30 and np.isnan(well.depth[-2:]).all()
    res = fake_result(30)
    text = write_las(well, res).decode()
    las = lasio.read(io.StringIO(text))
    assert las["DTC_PRED"].size == 30
    # lasio never maps NULL to NaN in the index curve (reader: "Do not replace nulls in the index
    # curve"), so its index holds the literal NULL value; null_policy="common" maps it to NaN.
    np.testing.assert_array_equal(las.index[-2:], [-999.25, -999.25])
    np.testing.assert_allclose(las.index[:-2], well.depth[:-2])
    lenient = lasio.read(io.StringIO(text), null_policy="common")
    assert np.isnan(lenient.index[-2:]).all()
    assert las.well["STEP"].value == 0 and las.well["STOP"].value == well.depth[-3]
    assert "the last 2 data row(s) have no depth (index = NULL)" in las.other
    again = read_well(text.encode(), name="out.las")
    pd.testing.assert_frame_equal(again.curves, well.curves, atol=1e-5)
    np.testing.assert_array_equal(np.isnan(again.depth), np.isnan(well.depth))
    back = pd.read_csv(io.BytesIO(write_csv(well, res)))
    assert len(back) == 30 and back["DEPTH_FT"].iloc[-2:].isna().all()
    again = read_well(write_csv(well, res), name="out.csv")
    pd.testing.assert_frame_equal(again.curves, well.curves, atol=1e-6)

def test_csv_round_trip_through_pandas(well):
    res = fake_result(len(well.curves))
    payload = write_csv(well, res)
    back = pd.read_csv(io.BytesIO(payload))
    assert list(back.columns) == ["DEPTH_FT"] + list(well.curves.columns) + \
        list(curves.RESULT_COLUMNS)
    np.testing.assert_allclose(back["DEPTH_FT"], well.depth)
    np.testing.assert_allclose(back[list(well.curves.columns)], well.curves, rtol=1e-7)
    assert back["QC"].tolist() == res["QC"].tolist()
    assert np.isnan(back["DTC_PRED"][1])
    again = read_well(payload, name="out.csv")
    pd.testing.assert_frame_equal(again.curves, well.curves, atol=1e-6)


def test_contest_layout_gets_a_sample_index():
    f = canonical_well(20).drop(columns=["DEPTH", "DTC", "DTS"])
    well = read_well(f.to_csv(index=False).encode(), name="contest.csv")
    res = fake_result(20)
    las = lasio.read(io.StringIO(write_las(well, res).decode()))
    assert las.curves[0].mnemonic == "SAMPLE"
    np.testing.assert_array_equal(las.index, np.arange(20))
    assert (las.well["STRT"].value, las.well["STOP"].value, las.well["STEP"].value) == (0, 19, 1)
    assert pd.read_csv(io.BytesIO(write_csv(well, res))).columns[0] == "SAMPLE"


def test_writers_reject_a_misaligned_result(well):
    with pytest.raises(InputValueError, match="rows"):
        write_csv(well, fake_result(3))
    with pytest.raises(InputValueError, match="QC"):
        write_las(well, fake_result(len(well.curves)).drop(columns="QC"))


def test_same_well_in_other_units_predicts_the_same(model_dir):
    from sonic_model.model import ensemble

    f = canonical_well(300)
    a = read_well(vendor_las(f, SCHLUMBERGER, depth=("DEPTH", "m"), reverse=True).encode(),
                  name="a.las")
    b = read_well(vendor_las(f, GENERIC).encode(), name="b.las")
    pa = ensemble.predict(a.curves, depth_ft=a.depth_ft())
    pb = ensemble.predict(b.curves, depth_ft=b.depth_ft())
    cols = [c for c in curves.RESULT_COLUMNS if c != "QC"]
    np.testing.assert_allclose(pa[cols].to_numpy(dtype=float), pb[cols].to_numpy(dtype=float),
                               rtol=1e-4, atol=1e-3)
