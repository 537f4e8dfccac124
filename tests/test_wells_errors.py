"""Bad files give one WellReadError with a message that names the file and says what to do."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonic_model.core.errors import WellReadError
from sonic_model.io import read_well

from wellfiles import GENERIC, canonical_well, vendor_las

GOOD = vendor_las(canonical_well(30), GENERIC)
HEADER_ONLY = GOOD[: GOOD.index("~A")]


@pytest.mark.parametrize(("payload", "name", "match"), [
    (b"", "empty.las", r"empty.las: file is empty"),
    (b"   \n\n  ", "blank.csv", r"blank.csv: file is empty"),
    (b"PK\x03\x04" + bytes(200), "logs.xlsx", r"logs.xlsx: looks like a binary file.*zip"),
    (bytes(range(256)) * 10, "well.dlis", r"well.dlis: cannot be read as DLIS .*not RP66"),
    (HEADER_ONLY.encode(), "hdr.las", r"hdr.las: has no ~A \(data\) section"),
    (HEADER_ONLY.encode() + b"~A\n", "nodata.las", r"nodata.las: has no numeric data rows"),
    (GOOD.replace("~Curve", "~Cxx").split("~Cxx")[0].encode() + b"~C\n~A\n1 2\n", "nocurves.las",
     r"nocurves.las: defines no curves"),
    (b"just some words\nand more words here\n", "notes.txt", r"notes.txt: is neither LAS"),
    (b"1,2,3\n4,5,6\n", "nohead.csv", r"nohead.csv: has no header row"),
    (b"NAME,VALUE\nfoo,bar\n", "text.csv", r"text.csv: has no numeric (columns|data)"),
    (b"DEPTH,GR,RHOB\n1,-999,-999\n2,-999.25,-999\n", "null.csv", r"null.csv: every curve value "
                                                                  r"is null"),
    (b"<html><body>404</body></html>", "page.las", r"page.las: is neither LAS"),
], ids=["empty", "blank", "zip", "binary", "header-only", "empty-data", "no-curves", "prose",
        "no-header", "text-only", "all-null", "html"])
def test_bad_files_raise_one_line_well_read_errors(payload, name, match):
    with pytest.raises(WellReadError, match=match) as exc:
        read_well(payload, name=name)
    assert "\n" not in str(exc.value)


def test_size_limit_and_missing_path(tmp_path):
    with pytest.raises(WellReadError, match=r"big.las: file is .* over the 0 MB limit"):
        read_well(GOOD.encode(), name="big.las", max_bytes=100)
    p = tmp_path / "big.las"
    p.write_text(GOOD)
    with pytest.raises(WellReadError, match="over the"):
        read_well(p, max_bytes=100)
    with pytest.raises(WellReadError, match="is not an existing regular file"):
        read_well(tmp_path / "nope.las")
    with pytest.raises(WellReadError, match="is not an existing regular file"):
        read_well(tmp_path)


def test_depth_without_values_and_no_depth_index():
    bad = GOOD.replace("DEPT.ft", "XYZ .  ")
    lines = bad.split("~A", 1)
    rows = lines[1].splitlines()[1:]
    rng = np.random.default_rng(0)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    with pytest.raises(WellReadError, match="has no depth curve"):
        read_well((lines[0] + "~A\n" + "\n".join(shuffled)).encode(), name="x.las")


def _accepts(payload: bytes):
    try:
        well = read_well(payload, name="fuzz.las", require=False)
    except WellReadError as exc:
        assert str(exc).startswith("fuzz.las") and "\n" not in str(exc)
        return None
    assert len(well.curves) == len(well.original)
    return well


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_else(payload):
    _accepts(payload)


@pytest.mark.slow          # hypothesis: hundreds of examples
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, len(GOOD)), pos=st.integers(0, len(GOOD)),
       junk=st.text(max_size=40), drop=st.integers(0, 60))
def test_garbled_las_parses_or_raises_well_read_error(cut, pos, junk, drop):
    text = GOOD[:pos] + junk + GOOD[pos + drop:cut if cut > pos else len(GOOD)]
    _accepts(text.encode("utf-8", "replace"))


@pytest.mark.slow          # hypothesis: hundreds of examples
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.floats(allow_nan=True), st.text(max_size=5)),
                         min_size=1, max_size=5), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t"]))
def test_garbled_csv_parses_or_raises_well_read_error(rows, sep):
    head = sep.join(["DEPTH", "GR", "RHOB", "NPHI", "ILD"])
    body = "\n".join(sep.join(str(v) for v in r) for r in rows)
    _accepts((head + "\n" + body).encode())


def test_a_required_curve_present_but_all_null_is_named_as_such():
    payload = b"DEPTH,GR,NPHI,ILD,RHOB\n1,50,0.2,3,-999.25\n2,55,0.21,3.1,-999.25\n3,60,0.2,3,-999\n"
    with pytest.raises(WellReadError, match=r"ZDEN not found \(RHOB is in the file but holds "
                                            r"only null values\)"):
        read_well(payload, name="nulldensity.csv")


def test_parse_mapping_accepts_canonical_names_inputs_and_targets():
    from sonic_model.io import parse_mapping

    assert parse_mapping(["hrd=AF90", "ZDEN=DEN_X,DTC=DT"]) == {"HRD": "AF90", "ZDEN": "DEN_X",
                                                               "DTC": "DT"}
    assert parse_mapping({"dts": " DTSM "}) == {"DTS": "DTSM"}
    assert parse_mapping([]) == {}


@pytest.mark.parametrize("items, match", [
    (["ZDEN"], r"mapping 'ZDEN': write CANON=MNEMONIC"),
    (["ZDEN="], r"write CANON=MNEMONIC"),
    (["FOO=BAR"], r"FOO is not a canonical curve \(choose from CAL, .*DTS\)"),
    (["HRD=A,HRD=B"], r"HRD is already mapped to A"),
], ids=["no-equals", "no-mnemonic", "unknown-canon", "twice"])
def test_parse_mapping_errors_say_what_to_write(items, match):
    from sonic_model.core.errors import InputValueError
    from sonic_model.io import parse_mapping

    with pytest.raises(InputValueError, match=match):
        parse_mapping(items)
