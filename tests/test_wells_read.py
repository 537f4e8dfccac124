"""read_well: vendor dialects, units, depth handling, CSV sniffing, mapping overrides."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sonic_model.core import curves
from sonic_model.core.errors import MissingCurvesError, WellReadError
from sonic_model.io import read_well

from wellfiles import CANONICAL, GENERIC, SCHLUMBERGER, canonical_well, las30_text, vendor_las

COLS = ["CAL", "CNC", "GR", "HRD", "HRM", "PE", "ZDEN", "DTC", "DTS"]


@pytest.fixture(scope="module")
def frame():
    return canonical_well()


def _read(text: str, name: str = "well.las", **kw):
    return read_well(text.encode("utf-8"), name=name, **kw)


def _assert_canonical(well, frame, atol=1e-4):
    got = well.curves[COLS].to_numpy()
    np.testing.assert_allclose(got, frame[COLS].to_numpy(), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("spec", [SCHLUMBERGER, GENERIC, CANONICAL],
                         ids=["schlumberger-%-kgm3-usm", "generic-rhob-nphi-ild", "canonical"])
@pytest.mark.parametrize("kw", [{}, {"wrap": True}, {"version": 1.2}, {"depth": ("DEPTH", "m")},
                                {"reverse": True}],
                         ids=["las20", "wrapped", "las12", "metric-depth", "reversed"])
def test_every_dialect_reads_to_the_same_canonical_curves(frame, spec, kw):
    well = _read(vendor_las(frame, spec, **kw))
    _assert_canonical(well, frame)
    assert list(well.curves.columns) == COLS
    assert well.report.missing == []
    depth_ft = well.depth_ft()
    np.testing.assert_allclose(depth_ft, frame["DEPTH"].to_numpy(), atol=1e-3)
    assert well.depth_unit == ("m" if kw.get("depth", ("", "ft"))[1] == "m" else "ft")
    assert well.curves.index.equals(pd.RangeIndex(len(frame)))
    assert len(well.original) == len(well.curves)


def test_las30_comma_delimited(frame):
    well = _read(las30_text(frame, SCHLUMBERGER))
    _assert_canonical(well, frame)
    assert well.header["format"] == "LAS 3.0"
    assert well.name == "LAS3-1"


def test_report_says_what_was_converted_and_why(frame):
    well = _read(vendor_las(frame, SCHLUMBERGER))
    used = well.report.used
    assert used["CNC"]["mnemonic"] == "TNPH" and used["CNC"]["unit"] == "%"
    assert used["CNC"]["conversion"] == "% -> v/v (/100)"
    assert used["ZDEN"]["conversion"] == "kg/m3 -> g/cm3 (/1000)"
    assert used["DTC"]["conversion"] == "us/m -> us/ft (x0.3048)"
    assert used["GR"]["conversion"] == "none"
    assert all(u["reason"] for u in used.values())
    rows = well.report.as_rows()
    assert [r["canonical"] for r in rows] == list(curves.INPUTS) + ["DTC", "DTS"]
    assert {r["status"] for r in rows} == {"used"}
    d = well.report.to_dict()
    import json
    json.dumps(d)


def test_several_candidates_first_alias_wins_and_losers_are_listed(frame):
    extra = {"RHOB": (frame["ZDEN"].to_numpy() + 0.1, "g/cc"),
             "ILD": (frame["HRD"].to_numpy() * 2, "ohm.m"), "BS": (np.full(len(frame), 8.5), "in"),
             "DRHO": (np.zeros(len(frame)), "g/cc")}
    spec = dict(SCHLUMBERGER)
    well = _read(vendor_las(frame, spec, extra=extra))
    assert well.report.used["ZDEN"]["mnemonic"] == "RHOZ"
    assert "RHOB" in well.report.used["ZDEN"]["reason"]
    assert well.report.used["HRD"]["mnemonic"] == "AT90"
    ignored = {i["mnemonic"]: i["reason"] for i in well.report.ignored}
    assert "RHOZ chosen instead" in ignored["RHOB"]
    assert "AT90 chosen instead" in ignored["ILD"]
    assert ignored["BS"].startswith("bit size: QC's washout reference")
    assert ignored["DRHO"] == "not a model input"
    _assert_canonical(well, frame)


def test_all_null_candidate_loses_to_one_with_data(frame):
    extra = {"RHOZ": (np.full(len(frame), -999.25), "g/cm3")}
    spec = dict(GENERIC)   # RHOB carries the data; RHOZ ranks higher but is empty
    well = _read(vendor_las(frame, spec, extra=extra))
    assert well.report.used["ZDEN"]["mnemonic"] == "RHOB"
    assert any(i["mnemonic"] == "RHOZ" and "null" in i["reason"] for i in well.report.ignored)


def test_duplicate_mnemonics_choose_the_fuller_curve(frame):
    gr2 = frame["GR"].to_numpy().copy()
    gr1 = gr2.copy()
    gr1[: len(gr1) // 2] = np.nan
    spec = {k: v for k, v in GENERIC.items() if k != "GR"}
    well = _read(vendor_las(frame, spec, extra={"GR": (gr1, "gAPI"), "GR_dup": (gr2, "gAPI")})
                 .replace("GR_dup", "GR    "))
    assert well.report.used["GR"]["mnemonic"] == "GR:2"
    assert "most samples" in well.report.used["GR"]["reason"]


def test_user_mapping_overrides_and_unknown_mnemonic_is_named(frame):
    extra = {"AF90": (frame["HRD"].to_numpy() * 3, "ohm.m")}
    text = vendor_las(frame, SCHLUMBERGER, extra=extra)
    well = _read(text, mapping={"HRD": "af90"})
    assert well.report.used["HRD"]["mnemonic"] == "AF90"
    assert well.report.as_rows()[3]["status"] == "user mapping"
    np.testing.assert_allclose(well.curves["HRD"], frame["HRD"] * 3, rtol=1e-5)
    with pytest.raises(WellReadError, match=r"well.las: mapping HRD=NOPE: no curve 'NOPE'.*AT90"):
        _read(text, mapping={"HRD": "NOPE"})
    with pytest.raises(WellReadError, match="unknown curve 'RHOB'"):
        _read(text, mapping={"RHOB": "RHOZ"})
    well = _read(text, mapping={"PE": ""})
    assert "PE" in well.report.missing


def test_missing_required_curves_name_them_and_list_the_file(frame):
    spec = {k: v for k, v in GENERIC.items() if k not in ("CNC", "ZDEN")}
    text = vendor_las(frame, spec)
    with pytest.raises(MissingCurvesError, match=r"well.las: required curve\(s\) CNC, ZDEN not "
                                                 r"found; the file has DEPT \(ft\), CALI") as exc:
        _read(text)
    assert exc.value.missing == ["CNC", "ZDEN"] and "RHOB" not in exc.value.available
    well = _read(text, require=False)
    assert well.report.missing == ["CNC", "ZDEN"]
    assert well.missing_required == ["CNC", "ZDEN"]
    rows = {r["canonical"]: r["status"] for r in well.report.as_rows()}
    assert rows["CNC"] == "missing (required)"


@pytest.mark.parametrize("null", [-999.25, -9999.0, -999.0, -99999.0], ids=str)
def test_null_values_become_nan_and_gaps_stay(frame, null):
    text = vendor_las(frame, GENERIC, null=null, nulls_at={"NPHI": slice(100, 140)})
    if null != -999.25:
        text = text.replace("-999.25000", f"{null:.5f}")
    well = _read(text)
    assert len(well.curves) == len(frame)
    assert well.curves["CNC"].iloc[100:140].isna().all()
    assert well.curves["CNC"].notna().sum() == len(frame) - 40


def test_duplicate_depths_are_kept_in_file_order_and_gaps_reported(frame):
    f = frame.copy()
    f.loc[10, "DEPTH"] = f.loc[9, "DEPTH"]
    f = pd.concat([f.iloc[:200], f.iloc[260:]]).reset_index(drop=True)
    well = _read(vendor_las(f, GENERIC))
    assert len(well.curves) == len(f)
    _assert_canonical(well, f)
    text = " ".join(well.report.warnings)
    assert "1 duplicate depth" in text and "depth gap" in text


def test_unsorted_depth_is_sorted_stably(frame):
    f = frame.copy().iloc[[3, 0, 1, 2, 4, 5, 6, 7]].reset_index(drop=True)
    well = _read(vendor_las(f, GENERIC))
    assert np.all(np.diff(well.depth) > 0)
    assert any("not monotonic" in w for w in well.report.warnings)
    np.testing.assert_allclose(well.curves["GR"], frame["GR"].iloc[:8], atol=1e-6)
    np.testing.assert_allclose(well.original["DEPT"], well.depth)



def _with_null_depths(frame, rows=(2, 3, 25), n=40):
    """File order: the first n samples reversed, then depth blanked at `rows` (file rows)."""
    f = frame.iloc[:n].iloc[::-1].reset_index(drop=True)
    f.loc[list(rows), "DEPTH"] = np.nan
    placed = f[f["DEPTH"].notna()].sort_values("DEPTH", kind="stable")
    expected = pd.concat([placed, f[f["DEPTH"].isna()]]).reset_index(drop=True)
    return f, expected


@pytest.mark.parametrize("depth_unit", ["ft", "m"])
def test_rows_without_depth_come_back_after_the_sorted_rows(frame, depth_unit):
    f, expected = _with_null_depths(frame)
    well = _read(vendor_las(f, GENERIC, depth=("DEPT", depth_unit)))
    assert len(well.curves) == len(well.original) == len(f) == 40      # every row comes back
    _assert_canonical(well, expected)
    assert np.all(np.diff(well.depth[:37]) > 0) and np.isnan(well.depth[37:]).all()
    depth_ft = well.depth_ft()
    np.testing.assert_allclose(depth_ft[:37], expected["DEPTH"].iloc[:37], atol=1e-3)
    assert np.isnan(depth_ft[37:]).all()
    assert np.isnan(well.original["DEPT"].iloc[37:]).all()
    note = [w for w in well.report.warnings if "no depth" in w]
    assert len(note) == 1
    assert note[0].startswith("3 row(s) have no depth (null DEPT; data row(s) 3, 4, 26)")
    assert "after the 37 row(s) with depth in file order" in note[0]
    assert not any("dropped" in w for w in well.report.warnings)


def test_csv_rows_with_empty_depth_are_kept(frame):
    f, expected = _with_null_depths(frame, rows=(0, 39))
    well = _read(_csv(f), name="w.csv")
    assert len(well.curves) == 40
    _assert_canonical(well, expected)
    assert np.isnan(well.depth[-2:]).all() and np.isfinite(well.depth[:-2]).all()
    assert any(w.startswith("2 row(s) have no depth") for w in well.report.warnings)


def test_depth_curve_entirely_null_is_an_error(frame):
    f = frame.iloc[:10].copy()
    f["DEPTH"] = np.nan
    with pytest.raises(WellReadError, match=r"well.las: the depth curve DEPT is entirely null"):
        _read(vendor_las(f, GENERIC))

def test_units_inferred_from_values_with_a_warning(frame):
    spec = dict(GENERIC)
    spec["CNC"] = ("NPHI", "%")
    spec["ZDEN"] = ("RHOB", "kg/m3")
    text = vendor_las(frame, spec).replace("NPHI.%", "NPHI.  ").replace("RHOB.kg/m3", "RHOB.v/v ")
    well = _read(text)
    _assert_canonical(well, frame)
    w = " ".join(well.report.warnings)
    assert "NPHI (CNC): no unit given" in w and "read as %" in w
    assert "RHOB (ZDEN): unit 'v/v' not recognised" in w


def test_stated_unit_contradicted_by_values_is_overruled(frame):
    spec = dict(GENERIC)
    spec["CNC"] = ("NPHI", "%")
    text = vendor_las(frame, spec).replace("NPHI.%", "NPHI.v/v")
    well = _read(text)
    _assert_canonical(well, frame)
    assert any("unit says 'v/v'" in w for w in well.report.warnings)


def test_conductivity_is_converted_to_resistivity(frame):
    spec = dict(GENERIC)
    spec["HRD"] = ("ILD", "mS/m")
    well = _read(vendor_las(frame, spec, fmt="%.10f"))
    np.testing.assert_allclose(well.curves["HRD"], frame["HRD"], rtol=1e-6)


def test_cp1252_header_text(frame):
    text = vendor_las(frame, GENERIC, well="Bohrung Müller – Süd")
    well = read_well(text.encode("cp1252"), name="w.las")
    assert well.name == "Bohrung Müller – Süd"
    assert well.header["encoding"] == "cp1252"
    well = read_well(text.encode("utf-16"), name="w.las")
    assert well.name == "Bohrung Müller – Süd"


def test_a_colon_in_a_header_description_stays_out_of_the_value(frame):
    # Every FORCE 2020 file has "DATE.  2020-08-09 20:01:46   : Log Export Date {yyyy-MM-dd
    # HH:mm:ss}"; lasio splits at the last colon, and the page showed the value as
    # "2020-08-09 20:01:46 : Log Export Date {yyyy-MM-dd HH:mm".
    lines = vendor_las(frame, GENERIC).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("DATE"))
    lines[at] = "DATE.  2020-08-09 20:01:46   : Log Export Date {yyyy-MM-dd HH:mm:ss}"
    text = "\n".join(lines) + "\n"
    well = _read(text)
    assert well.header["DATE"] == "2020-08-09 20:01:46"
    item = next(i for i in well.header["sections"]["Well"] if i["mnemonic"] == "DATE")
    assert item["descr"] == "Log Export Date {yyyy-MM-dd HH:mm:ss}"
    assert well.header["COMP"] == "ACME Logging"           # a value without a colon: as it was


def test_truncated_last_row_keeps_what_was_read(frame):
    text = vendor_las(frame, GENERIC).rstrip()
    text = text[: text.rstrip().rfind(" ", 0, len(text) - 30)]
    well = _read(text)
    assert len(well.curves) == len(frame)
    assert any("truncated" in w for w in well.report.warnings)


def test_time_indexed_file_is_rejected(frame):
    text = vendor_las(frame, GENERIC, depth=("TIME", "s"))
    with pytest.raises(WellReadError, match="indexed by TIME"):
        _read(text)


def test_path_and_bytes_give_the_same_well(tmp_path, frame):
    text = vendor_las(frame, GENERIC)
    p = tmp_path / "w1.las"
    p.write_text(text)
    a, b = read_well(p), read_well(text.encode(), name="w1.las")
    pd.testing.assert_frame_equal(a.curves, b.curves)
    assert a.source == "w1.las" and a.name == "TEST-1"


# ------------------------------------------------------------------------------------- CSV --

def _csv(frame, sep=",", cols=None, **kw):
    cols = cols or list(frame.columns)
    return frame[cols].to_csv(sep=sep, index=False, **kw)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_csv_delimiters_are_sniffed(frame, sep):
    well = _read(_csv(frame, sep=sep), name="w.csv")
    _assert_canonical(well, frame)
    assert well.depth_unit == "ft" and well.report.depth["mnemonic"] == "DEPTH"


def test_whitespace_table_and_european_decimal_comma(frame):
    _assert_canonical(_read(frame.to_string(index=False), name="w.txt"), frame)
    well = _read(_csv(frame, sep=";", decimal=","), name="w.csv")
    _assert_canonical(well, frame)


def test_csv_units_row_and_units_in_brackets(frame):
    f = frame.rename(columns={"DEPTH": "DEPTH [m]", "CNC": "NPHI (%)", "ZDEN": "RHOB"})
    f["DEPTH [m]"] = f["DEPTH [m]"] * 0.3048
    f["NPHI (%)"] = f["NPHI (%)"] * 100
    well = _read(f.to_csv(index=False), name="w.csv")
    _assert_canonical(well, frame)
    assert well.depth_unit == "m"
    units_row = ",".join(["ft", "in", "%", "gAPI", "ohm.m", "ohm.m", "b/e", "kg/m3", "us/ft",
                          "us/ft"])
    g = frame.copy()
    g["CNC"] *= 100
    g["ZDEN"] *= 1000
    lines = g.to_csv(index=False).splitlines()
    well = _read("\n".join([lines[0], units_row] + lines[1:]), name="w.csv")
    _assert_canonical(well, frame)


def test_contest_layout_without_depth_reads_by_sample(frame):
    f = frame.drop(columns=["DEPTH"]).copy()
    f.iloc[5:9, 1] = -999
    well = _read(f.to_csv(index=False), name="contest.csv")
    assert well.depth is None and well.depth_unit == "sample" and well.depth_ft() is None
    assert well.curves["CNC"].iloc[5:9].isna().all()
    assert well.report.depth is None


def test_pandas_index_column_and_text_columns_are_ignored(frame):
    f = frame.copy()
    f["FORMATION"] = "Sand A"
    well = _read(f.to_csv(index=True), name="w.csv")
    _assert_canonical(well, frame)
    reasons = {i["mnemonic"]: i["reason"] for i in well.report.ignored}
    assert reasons["FORMATION"] == "text column, not a curve"
    assert "row index" in reasons["COL1"]


def test_contest_train_and_test_files(contest_dir):
    train = read_well(contest_dir / "train.csv")
    raw = pd.read_csv(contest_dir / "train.csv")
    assert len(train.curves) == len(raw)
    assert list(train.curves.columns) == COLS
    expected = raw.replace(-999, np.nan)
    np.testing.assert_allclose(train.curves.to_numpy(), expected[COLS].to_numpy())
    test = read_well(contest_dir / "test.csv")
    assert list(test.curves.columns) == COLS[:7] and test.report.missing == []


@pytest.mark.parametrize("null", ["NaN", "null", "N/A"])
def test_csv_first_row_of_null_text_is_data_not_units(null):
    frame = pd.DataFrame({"CNC": [np.nan, 0.30, 0.31], "GR": [np.nan, 50.0, 51.0],
                          "HRD": [np.nan, 1.0, 2.0], "ZDEN": [np.nan, 2.3, 2.4]})
    well = read_well(frame.to_csv(index=False, na_rep=null).encode(), name="nulls.csv")
    assert len(well) == 3
    assert well.curves.iloc[0].isna().all()
    assert well.curves["GR"].tolist()[1:] == [50.0, 51.0]


def test_csv_units_row_is_still_recognised():
    text = b"DEPTH,CNC,GR,HRD,ZDEN\nft,%,gAPI,ohmm,g/cc\n1,30,50,1,2.3\n2,31,51,1,2.4\n"
    well = read_well(text, name="units.csv")
    assert len(well) == 2
    assert well.curves["CNC"].tolist() == pytest.approx([0.30, 0.31])


def test_well_from_table_maps_like_a_file_and_keeps_row_order():
    from sonic_model.io import well_from_table

    data = np.array([[35.0, 50.0, 1.0, 2330.0, 3.0], [30.0, 60.0, 2.0, 2400.0, 1.0]])
    well = well_from_table(["NPHI", "GR", "ILD", "RHOB", "DEPT"], [""] * 5, data, name="request")
    assert well.depth is None and well.report.depth is None
    assert well.curves["CNC"].tolist() == pytest.approx([0.35, 0.30])
    assert well.curves["ZDEN"].tolist() == pytest.approx([2.33, 2.40])
    assert well.report.used["ZDEN"]["mnemonic"] == "RHOB"
    with pytest.raises(MissingCurvesError, match=r"^request: required curve\(s\) CNC, HRD, "
                                                 r"ZDEN not found; the input has GR"):
        well_from_table(["GR"], [""], data[:, 1:2], name="request")
