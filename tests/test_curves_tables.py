"""The recognition and unit tables in curves.py: no duplicates, no typos, no dangerous aliases."""

from __future__ import annotations

import pytest

from sonic_model.core import curves


def test_aliases_cover_every_canonical_curve_and_start_with_it():
    assert set(curves.ALIASES) == set(curves.CURVES)
    for canon, names in curves.ALIASES.items():
        assert names[0] == canon


def test_no_alias_is_listed_twice_anywhere():
    seen: dict[str, str] = {}
    for canon, names in curves.ALIASES.items():
        for m in names:
            assert m == m.strip().upper(), f"{m!r} must be upper case without spaces"
            assert m not in seen, f"{m} listed for {seen.get(m)} and {canon}"
            seen[m] = canon
    for m in curves.DEPTH_ALIASES + curves.TIME_INDEX_ALIASES:
        assert m not in seen and m == m.upper()
    assert len(set(curves.DEPTH_ALIASES)) == len(curves.DEPTH_ALIASES)


@pytest.mark.parametrize("not_a_log", ["DRHO", "HDRA", "ZCOR", "DCAL", "BS", "SP", "DTCO_PRED",
                                       "DRHB", "TENS", "DTC_PRED", "DTS_PRED", "QC"])
def test_corrections_and_outputs_are_never_aliases(not_a_log):
    assert all(not_a_log not in names for names in curves.ALIASES.values())


def test_alias_warnings_refer_to_listed_aliases():
    for canon, notes in curves.ALIAS_WARNINGS.items():
        for m in notes:
            assert m in curves.ALIASES[canon]


def test_unit_tables_are_normalised_and_complete():
    for canon, table in curves.UNITS.items():
        assert canon in curves.CURVES
        assert curves.normalize_unit(curves.CURVES[canon].unit) in table
        for unit, rule in table.items():
            assert unit == curves.normalize_unit(unit), f"{canon}: {unit!r} not normalised"
            assert rule.factor > 0 and (rule.identity or rule.label)
    for canon in curves.CURVES:
        assert canon in curves.UNITS
    for canon, alts in curves.INFERABLE_UNITS.items():
        assert alts[0] == curves.CURVES[canon].unit
        assert all(curves.normalize_unit(a) in curves.UNITS[canon] for a in alts)
        assert canon in curves.TYPICAL_MEDIAN
    for unit in curves.NATIVE_DEPTH_UNITS:
        assert unit in curves.DEPTH_UNITS


def test_null_sentinels_are_distinct_floats():
    assert len(set(curves.NULL_SENTINELS)) == len(curves.NULL_SENTINELS)
    assert all(isinstance(v, float) for v in curves.NULL_SENTINELS)


@pytest.mark.parametrize(("raw", "expected"), [("GR:2", "GR"), (" rhob ", "RHOB"),
                                               ("A:B", "A:B"), (":1", ":1")])
def test_normalize_mnemonic(raw, expected):
    assert curves.normalize_mnemonic(raw) == expected
