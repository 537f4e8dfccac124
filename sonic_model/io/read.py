"""read_well and well_from_table: one path from a Table to a Well (nulls, depth, mapping,
units, report)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from sonic_model.core import curves, units
from sonic_model.core.digest import sha256_bytes
from sonic_model.core.errors import InputValueError, MissingCurvesError
from sonic_model.io.csvread import read_csv_table
from sonic_model.io.depth import find_depth, map_nulls, order_rows, resolve_depth_unit
from sonic_model.io.encoding import binary_format, decode, fail, is_las, load_bytes
from sonic_model.io.lasread import read_las_table
from sonic_model.io.mapping import ALIAS_INDEX, listing, select_curves
from sonic_model.io.well import CANONICAL_ORDER, MappingReport, Table, Well, text_cell_warning


def _check_mapping_keys(mapping: dict[str, str], fname: str) -> None:
    for canon in mapping:
        if canon not in CANONICAL_ORDER:
            raise fail(fname, f"mapping names unknown curve {canon!r}; use one of "
                               + ", ".join(CANONICAL_ORDER))


def read_well(source: str | os.PathLike | bytes, *, name: str | None = None,
              mapping: dict[str, str] | None = None, require: bool = True,
              max_bytes: int | None = None, frame: str | None = None,
              resample: bool = False) -> Well:
    """Read a LAS (1.2/2.0/3.0), CSV/TSV, DLIS or LIS79 well from a path or bytes into
    canonical curves.

    ``mapping`` overrides recognition, e.g. ``{"HRD": "AF90"}``; an empty value leaves that
    canonical curve unmapped. With ``require=True`` a missing required curve raises
    MissingCurvesError; otherwise the Well comes back with ``report.missing`` filled.
    DLIS/LIS only: ``frame`` names the frame to read (default: the depth-indexed frame with
    the most model inputs; ``frame_choices`` lists them), and ``resample=True`` interpolates
    model curves that only other depth frames carry onto the chosen frame's depth.
    """
    if max_bytes is None:
        from sonic_model.core.config import get_settings
        max_bytes = get_settings().max_file_bytes
    raw, fname, stem = load_bytes(source, name, max_bytes)
    mapping = dict(mapping or {})
    _check_mapping_keys(mapping, fname)
    fmt = binary_format(raw, fname)
    if fmt is not None:
        from sonic_model.io.dlisread import read_binary_table

        table = read_binary_table(source, raw, fname, fmt, frame=frame, resample=resample)
        return _fingerprinted(_well_from(table, fname, stem, mapping, require), raw)
    text, encoding = decode(raw, fname)
    table = read_las_table(text, fname) if is_las(text) else read_csv_table(text, fname)
    table.header["encoding"] = encoding
    if frame:
        table.warnings.append(f"frame {frame!r} ignored: frames exist in DLIS and LIS files "
                              "only")
    return _fingerprinted(_well_from(table, fname, stem, mapping, require), raw)


def _fingerprinted(well: Well, raw: bytes) -> Well:
    well.sha256 = sha256_bytes(raw)
    return well


def frame_choices(source: str | os.PathLike | bytes, *, name: str | None = None,
                  max_bytes: int | None = None) -> tuple[list[dict], str | None]:
    """A DLIS/LIS file's depth-indexed frames as ``[{"key", "label"}]`` (``key`` is what
    ``read_well(frame=...)`` takes) and the key read_well picks by default; ``([], None)`` for
    a text file."""
    if max_bytes is None:
        from sonic_model.core.config import get_settings
        max_bytes = get_settings().max_file_bytes
    raw, fname, _ = load_bytes(source, name, max_bytes)
    fmt = binary_format(raw, fname)
    if fmt is None:
        return [], None
    from sonic_model.io.dlisread import list_frames

    return list_frames(source, raw, fname, fmt)


def well_from_table(names: list[str], units: list[str], data: np.ndarray, *, name: str,
                    mapping: dict[str, str] | None = None, require: bool = True,
                    header: dict | None = None, depth_col: int | None = None) -> Well:
    """A Well from columns already in memory (e.g. an API request): the same null mapping,
    depth handling, curve recognition, unit conversion and report as ``read_well``.

    ``units`` may be blank strings: units are then inferred from the value ranges where the
    curve table allows it (CNC in %, ZDEN in kg/m3, ...). Without ``depth_col`` the rows keep
    their order and the Well has no depth. Problems raise WellReadError / MissingCurvesError
    whose messages start with ``name``.
    """
    names = [str(n) for n in names]
    data = np.asarray(data, dtype=float)
    if data.ndim != 2 or data.shape[1] != len(names) or len(units) != len(names):
        raise InputValueError(f"{name}: {len(names)} names and {len(units)} units for data of "
                              f"shape {data.shape}")
    mapping = dict(mapping or {})
    _check_mapping_keys(mapping, name)
    table = Table(names=names, units=[str(u or "") for u in units],
                   descriptions=[""] * len(names), data=data, depth_col=depth_col,
                   header=dict(header or {"format": "table", "NULL": None, "sections": {},
                                          "other": ""}),
                   noun="input")
    return _well_from(table, name, name, mapping, require)


def _well_from(table: Table, fname: str, stem: str, mapping: dict[str, str],
               require: bool) -> Well:
    report = MappingReport(warnings=list(table.warnings))
    report.text_cells = {n: info["count"] for n, info in table.text_cells.items()
                         if n in table.names and info["numbers"]}
    report.warnings += [text_cell_warning(n, table.text_cells[n]) for n in report.text_cells]
    data = map_nulls(table.data, table.null)
    depth_col = _check_has_data(table, data, fname, report.warnings)
    data, depth, depth_unit = _place_rows(table, data, depth_col, fname, report)
    original = pd.DataFrame(data, columns=pd.Index(table.names, dtype=object))
    chosen = select_curves(table, data, depth_col, mapping, fname, report)
    _note_text_curves(table, report)
    canon_frame = _canonical_frame(table, data, chosen, report)
    header = table.header
    well_name = str(header.get("WELL") or "").strip()
    header["curves"] = [{"mnemonic": n, "unit": u, "descr": d}
                        for n, u, d in zip(table.names, table.units, table.descriptions)]
    well = Well(name=well_name or stem, source=fname, depth=depth, depth_unit=depth_unit,
                curves=canon_frame, original=original, header=header, report=report)
    if well.missing_required and require:
        raise _missing_curves_error(table, well.missing_required, fname, report)
    return well


def _check_has_data(table: Table, data: np.ndarray, fname: str,
                    warnings: list[str]) -> int | None:
    """The depth column (or None); rejects a table without rows or without any curve value."""
    if data.shape[0] == 0:
        raise fail(fname, "has no numeric data rows; the data section is empty")
    depth_col = find_depth(table, fname, warnings)
    others = [i for i in range(data.shape[1]) if i != depth_col]
    if not others or not np.isfinite(data[:, others]).any():
        null = table.null if table.null is not None else "-999.25"
        raise fail(fname, f"every curve value is null (NULL = {null}); the {table.noun} holds no "
                          "log data")
    return depth_col


def _place_rows(table: Table, data: np.ndarray, depth_col: int | None, fname: str,
                report: MappingReport) -> tuple[np.ndarray, np.ndarray | None, str]:
    """(rows in depth order, depth in ft or m, its unit): the row policy of the package
    docstring. Without a depth column the rows keep their order and the unit is "sample"."""
    if depth_col is None:
        return data, None, "sample"
    depth_raw = data[:, depth_col]
    placed = np.isfinite(depth_raw)
    if not placed.any():
        raise fail(fname, f"the depth curve {table.names[depth_col]} is entirely null")
    with_depth = np.flatnonzero(placed)
    no_depth = np.flatnonzero(~placed)
    depth_unit, factor, file_unit, conv = resolve_depth_unit(table, depth_col,
                                                             depth_raw[with_depth],
                                                             report.warnings)
    order = order_rows(depth_raw[with_depth], depth_unit if factor == 1.0 else file_unit,
                       report.warnings)
    if no_depth.size:
        # Every input row comes back: rows without depth go after the sorted ones.
        first = ", ".join(str(i + 1) for i in no_depth[:5]) + (", ..." if no_depth.size > 5
                                                               else "")
        report.warnings.append(
            f"{no_depth.size} row(s) have no depth (null {table.names[depth_col]}; data "
            f"row(s) {first}); kept, placed after the {with_depth.size} row(s) with depth "
            "in file order, with depth NaN")
        order = np.concatenate([with_depth if order is None else with_depth[order], no_depth])
    if order is not None:
        data = data[order]
    report.depth = {"mnemonic": table.names[depth_col], "unit": file_unit, "conversion": conv}
    return data, data[:, depth_col] * factor, depth_unit


def _canonical_frame(table: Table, data: np.ndarray, chosen: dict[str, int],
                     report: MappingReport) -> pd.DataFrame:
    """The chosen columns converted to canonical units; the report says how, and what is
    missing."""
    frame = {}
    assumed = []
    for canon in CANONICAL_ORDER:
        if canon not in chosen:
            continue
        col = chosen[canon]
        conv = units.to_canonical(canon, data[:, col], table.units[col], table.names[col])
        frame[canon] = conv.values
        report.used[canon]["conversion"] = conv.text
        report.used[canon]["samples"] = int(np.isfinite(conv.values).sum())
        if conv.warning:
            report.warnings.append(conv.warning)
        if conv.assumed:
            assumed.append(canon)
    if assumed:
        report.warnings.append(f"no unit given for {', '.join(assumed)}; read in canonical "
                               "units (" + ", ".join(f"{c} {curves.CURVES[c].unit}"
                                                     for c in assumed) + "), value ranges agree")
    for aux in curves.AUXILIARY:
        if aux in chosen:
            frame[aux] = _auxiliary_values(aux, data[:, chosen[aux]], table.units[chosen[aux]],
                                           table.names[chosen[aux]], report)
    report.used = {k: report.used[k] for k in CANONICAL_ORDER if k in report.used}
    report.missing = [c for c in curves.REQUIRED if c not in chosen] + \
                     [c for c in curves.OPTIONAL if c not in chosen]
    return pd.DataFrame(frame, index=pd.RangeIndex(len(data)))


def _auxiliary_values(aux: str, values: np.ndarray, unit: str, mnemonic: str,
                      report: MappingReport) -> np.ndarray:
    """An auxiliary curve in its canonical unit, impossible values null. The bit size is a
    length in inches like the caliper, so it takes the caliper's unit rules."""
    conv = units.to_canonical("CAL", values, unit, mnemonic)
    if conv.warning:
        report.warnings.append(conv.warning.replace(f"{mnemonic} (CAL)", f"{mnemonic} ({aux})"))
    lo, hi = curves.AUXILIARY[aux].valid
    out = conv.values.copy()
    out[~((out >= lo) & (out <= hi))] = np.nan
    return out


def _text_curves(table: Table) -> dict[str, tuple[str, dict]]:
    """{column: (canonical, text_cells)} for columns named as a canonical curve that hold
    text and not one number: a curve the user has, in a form no reader can use."""
    out = {}
    for name, info in table.text_cells.items():
        hit = ALIAS_INDEX.get(curves.normalize_mnemonic(name))
        if hit and not info["numbers"]:
            out[name] = (hit[0], info)
    return out


def _text_phrase(name: str, canon: str, info: dict, noun: str) -> str:
    shown = name if curves.normalize_mnemonic(name) == canon else f"{name} (read as {canon})"
    return (f"{shown} is in the {noun} but holds text, not numbers (e.g. "
            f"{info['example']!r} at row {info['row']})")


def _note_text_curves(table: Table, report: MappingReport) -> None:
    """The report's ignored list says why a canonical curve's text column was not used."""
    found = _text_curves(table)
    for d in report.ignored:
        if d["mnemonic"] in found:
            canon, info = found[d["mnemonic"]]
            d["reason"] = _text_phrase(d["mnemonic"], canon, info, table.noun)


def _missing_curves_error(table: Table, missing: list[str], fname: str,
                          report: MappingReport) -> MissingCurvesError:
    unit_of = dict(zip(table.names, table.units))
    text = {n: v for n, v in _text_curves(table).items() if v[0] in missing}
    if text:
        # The curve is there, as words: "not found" would send the user hunting for it.
        name, (canon, info) = next(iter(text.items()))
        others = [m for m in missing if m not in {c for c, _ in text.values()}]
        rest = (f"; required curve(s) {', '.join(others)} not found either, map them "
                f"explicitly, e.g. {others[0]}=<mnemonic>") if others else ""
        return MissingCurvesError(
            f"{fname}: {_text_phrase(name, canon, info, table.noun)}: write its values as "
            f"numbers (empty cells for missing ones), or map {canon} to a numeric curve, e.g. "
            f"{canon}=<mnemonic>{rest}", missing=missing, available=table.names)
    # A candidate that was found but holds no data is a different problem from no
    # candidate at all: say so, or the user hunts for a curve that is right there.
    empty = [d["mnemonic"] for d in report.ignored
             if "null" in d.get("reason", "") and
             ALIAS_INDEX.get(curves.normalize_mnemonic(d["mnemonic"]), ("",))[0] in missing]
    verbs = ("is", "holds") if len(empty) == 1 else ("are", "hold")
    hint = (f" ({', '.join(empty)} {verbs[0]} in the {table.noun} but {verbs[1]} only "
            "null values)") if empty else ""
    return MissingCurvesError(
        f"{fname}: required curve(s) {', '.join(missing)} not found{hint}; the {table.noun} "
        f"has {listing(table.names, unit_of)}; map them explicitly, e.g. {missing[0]}=<mnemonic>",
        missing=missing, available=table.names)
