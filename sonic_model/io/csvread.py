"""CSV / TSV / whitespace tables -> ``Table``: delimiter, units row, decimal comma sniffed."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import warnings as warnings_module

import numpy as np
import pandas as pd

from sonic_model.core import curves
from sonic_model.io.encoding import fail
from sonic_model.io.well import Table, text_cells

_UNIT_IN_NAME = re.compile(r"^\s*(.*?)\s*[\[(]\s*([^\])]*)\s*[\])]\s*$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")


_KNOWN_UNITS = frozenset(k for table in curves.UNITS.values() for k in table) | \
    frozenset(curves.DEPTH_UNITS)


def _is_known_unit(token: str) -> bool:
    return curves.normalize_unit(token.strip().strip("[]()")) in _KNOWN_UNITS


def _sniff_delimiter(lines: list[str]) -> str | None:
    best, best_score = None, 0
    for delim in (",", ";", "\t", "|"):
        counts = [ln.count(delim) for ln in lines]
        if not counts or min(counts) == 0:
            continue
        # consistent column counts across the sample
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * mode
        if counts.count(mode) >= 0.8 * len(counts) and score > best_score:
            best, best_score = delim, score
    if best is None:
        with contextlib.suppress(csv.Error):
            best = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    return best


_NOT_A_TABLE = ("is neither LAS (no ~Version section) nor a delimited table (CSV/TSV with a "
                "header row); export the well as LAS 2.0 or CSV")
_NULL_TEXT = ("nan", "na", "n/a", "null", "none", "-")


def _head_lines(text: str, fname: str) -> tuple[list[str], int]:
    """(every line, index of the first line that is neither blank nor a # comment)."""
    all_lines = text.splitlines()
    start = 0
    while start < len(all_lines) and (not all_lines[start].strip()
                                      or all_lines[start].lstrip().startswith("#")):
        start += 1
    if not any(ln.strip() for ln in all_lines[start:start + 50]):
        raise fail(fname, "holds only comments or blank lines; no data to read")
    return all_lines, start


def _delimiter(lines: list[str], fname: str) -> str:
    delim = _sniff_delimiter(lines)
    if delim is not None:
        return delim
    if len(lines[0].split()) >= 2:
        return r"\s+"
    raise fail(fname, _NOT_A_TABLE)


def _header_and_units(lines: list[str], delim: str, fname: str) -> tuple[list[str], bool]:
    """(units per column from a units row under the header, or blanks; whether there is one)."""
    def split(line: str) -> list[str]:
        return line.split() if delim == r"\s+" else line.split(delim)

    first = [t.strip().strip('"').strip("'") for t in split(lines[0])]
    if len(first) < 2:
        raise fail(fname, "has a single column; expected a LAS file or a CSV with one column "
                          "per curve")
    if sum(bool(_NUMBER.match(t)) for t in first if t) >= max(1, len(first) - 1):
        raise fail(fname, "has no header row; add one naming the curves "
                          "(e.g. DEPTH,CAL,CNC,GR,HRD,HRM,PE,ZDEN)")
    if len(lines) > 1:
        second = [t.strip().strip('"') for t in split(lines[1])]
        nonnum = [t for t in second if t and not _NUMBER.match(t)]
        # A first data row of null text (NaN, null, N/A) is also all non-numeric: it is a units
        # row only if at least one token is a unit we know.
        if nonnum and len(nonnum) >= 0.5 * max(1, sum(bool(t) for t in second)) \
                and not any(_NUMBER.match(t) for t in second if t) \
                and any(_is_known_unit(t) for t in nonnum):
            return (second + [""] * len(first))[:len(first)], True
    return [""] * len(first), False


def _parse_text(body: str, delim: str, skip_units: bool, decimal: str, fname: str,
                warnings: list[str]) -> pd.DataFrame:
    """Every cell as text (numbers are converted per column, with counts of bad cells)."""
    try:
        with warnings_module.catch_warnings(record=True) as caught:
            warnings_module.simplefilter("always")
            frame = pd.read_csv(io.StringIO(body), sep=delim, header=0, comment=None,
                                skiprows=[1] if skip_units else None, decimal=decimal,
                                skip_blank_lines=True, low_memory=False, dtype=str,
                                keep_default_na=False, skipinitialspace=True, index_col=False,
                                engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError) as exc:
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise fail(fname, f"is not a readable CSV ({detail}); check the delimiter and that every "
                          "row has the same number of columns") from exc
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        warnings.append("some rows have more fields than the header; the extra fields were "
                        "ignored")
    return frame


def _column_name_and_unit(raw: str, unit: str, position: int) -> tuple[str, str]:
    """"GR (gAPI)" / "GR [gAPI]" carry their unit in the name; blank names get COL<n>."""
    m = _UNIT_IN_NAME.match(raw)
    if m and m.group(1):
        raw, unit = m.group(1).strip(), unit or m.group(2).strip()
    if re.fullmatch(r"Unnamed: \d+", raw) or not raw:
        raw = f"COL{position + 1}"
    return raw, unit


def _numeric_columns(frame: pd.DataFrame, file_units: list[str], decimal: str,
                     texts: dict[str, dict]) -> tuple[list[str], list[str], list, list[dict]]:
    """(names, units, float columns, ignored text columns); duplicates become GR:1, GR:2.
    ``texts`` gets each column's text cells (well.text_cells), text columns included."""
    names, unit_list, cols, ignored = [], [], [], []
    seen: dict[str, int] = {}
    for i, col in enumerate(frame.columns):
        unit = file_units[i].strip() if i < len(file_units) else ""
        name, unit = _column_name_and_unit(str(col).strip(), unit, i)
        s = frame[col].astype(str).str.strip()
        if decimal == ",":
            s = s.str.replace(",", ".", regex=False)
        nums = pd.to_numeric(s, errors="coerce")
        present = s.ne("") & ~s.str.lower().isin(_NULL_TEXT)
        info = text_cells(frame[col], nums)
        if nums.notna().sum() == 0 and present.any():
            ignored.append({"mnemonic": name, "reason": "text column, not a curve"})
            if info:
                texts[name] = info
            continue
        if name in seen:
            seen[name] += 1
            name = f"{name}:{seen[name]}"
        else:
            seen[name] = 0
        if info:
            texts[name] = info
        names.append(name)
        unit_list.append(unit)
        cols.append(nums.to_numpy(dtype=float, na_value=np.nan))
    return names, unit_list, cols, ignored


def _drop_row_index(names: list[str], units: list[str], data: np.ndarray,
                    ignored: list[dict]) -> tuple[list[str], list[str], np.ndarray]:
    """A leading pandas row index (0, 1, 2, ...) written by DataFrame.to_csv is not a curve."""
    if names[0] == "COL1" and len(data) > 1 and data.shape[1] > 1 \
            and np.array_equal(data[:, 0], np.arange(len(data), dtype=float)):
        ignored.append({"mnemonic": names[0], "reason": "row index, not a curve"})
        return names[1:], units[1:], data[:, 1:]
    return names, units, data


def read_csv_table(text: str, fname: str) -> Table:
    all_lines, start = _head_lines(text, fname)
    lines = [ln for ln in all_lines[start:start + 50] if ln.strip()]
    delim = _delimiter(lines, fname)
    file_units, skip_units = _header_and_units(lines, delim, fname)
    decimal = "," if delim == ";" and re.search(r"\d,\d", "\n".join(lines[1:6])) else "."
    warnings: list[str] = []
    frame = _parse_text("\n".join(all_lines[start:]), delim, skip_units, decimal, fname,
                        warnings)
    texts: dict[str, dict] = {}
    names, units, cols, ignored = _numeric_columns(frame, file_units, decimal, texts)
    if not cols or not any(np.isfinite(c).any() for c in cols):
        raise fail(fname, _NOT_A_TABLE if delim == r"\s+" else
                   "has no numeric columns; expected one column per curve")
    names, units, data = _drop_row_index(names, units, np.column_stack(cols), ignored)
    depth_col = next((i for i, n in enumerate(names)
                      if curves.normalize_mnemonic(n) in curves.DEPTH_ALIASES), None)
    header = {"format": "CSV" if delim == "," else ("TSV" if delim == "\t" else
                                                     f"delimited text ({delim!r})"),
              "delimiter": "whitespace" if delim == r"\s+" else delim, "NULL": None,
              "sections": {}, "other": ""}
    return Table(names=names, units=units, descriptions=[""] * len(names), data=data,
                 depth_col=depth_col, header=header, null=None, warnings=warnings,
                 ignored=ignored, text_cells=texts)
