"""Read any vendor's LAS or CSV well file into canonical curves; write CSV and LAS back.

``read_well`` turns a path or uploaded bytes into a ``Well``: the depth index (sorted, with its
unit), the canonical input curves in canonical units, every original curve, the header and a
``MappingReport`` that says which curve was used for what, what was ignored and what is missing.
Every problem a user can cause is a ``WellReadError`` with a one-line message.

Reading strategy: headers go through lasio (``ignore_data=True``); the ~A section of LAS 1.2/2.0
files is parsed here with pandas/numpy (about 6x faster than lasio's reader on a 30,000-row,
25-curve file). LAS 3.0, unusual delimiters and anything the fast path cannot explain go through
lasio's full reader.

Row policy (contract with features/ensemble): every input row comes back, one output row per
readable input row, nothing dropped. Rows with a depth are sorted by increasing depth (stable,
so duplicate depths keep their file order and are kept as separate rows, with a warning). Rows
whose depth is null cannot be placed on the log: they come after all the rows with depth, in
file order, with NaN in ``Well.depth`` (and ``depth_ft()``), and a warning in the mapping report
says how many there are and where they went. Their curve values are read like any other row.
The writers keep them too: an empty depth cell in CSV, the NULL value (-999.25) in the LAS index
curve. read_well reads that back as NaN; lasio.read does not: it never maps NULL to NaN in the
index curve, so ``las.index`` holds -999.25 for those rows (``null_policy="common"`` gives NaN).
STEP is written as 0 ("irregular") whenever the index has nulls, so no tool rebuilds their depth
from STRT/STEP. A file whose depth curve is entirely null is rejected.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
import os
import re
import warnings as warnings_module
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import curves, qc, units
from .errors import InputValueError, MissingCurvesError, WellReadError

__all__ = ["MappingReport", "Well", "canonical_name", "parse_mapping", "read_well",
           "well_from_table",
           "write_csv", "write_las"]

_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
_MAX_LISTED = 40          # curves named in a one-line error message
_CANONICAL_ORDER: tuple[str, ...] = curves.INPUTS + curves.TARGETS
_LAS_NULL_OUT = -999.25


# ---------------------------------------------------------------------------------------------
# Public data classes
# ---------------------------------------------------------------------------------------------

@dataclass
class MappingReport:
    used: dict[str, dict] = field(default_factory=dict)
    ignored: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The index curve: {"mnemonic", "unit" (as in file), "conversion"}; None without depth.
    depth: dict | None = None

    def to_dict(self) -> dict:
        return {
            "used": {k: dict(v) for k, v in self.used.items()},
            "ignored": [dict(i) for i in self.ignored],
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "depth": dict(self.depth) if self.depth else None,
        }

    def as_rows(self) -> list[dict]:
        rows = []
        for name in _CANONICAL_ORDER:
            role = curves.CURVES[name].role
            if name in self.used:
                u = self.used[name]
                status = "user mapping" if u.get("user") else "used"
                rows.append({"canonical": name, "mnemonic": u["mnemonic"], "unit": u["unit"],
                             "conversion": u["conversion"], "status": status})
            else:
                status = ("missing (required)" if role == "required"
                          else "missing" if role == "optional" else "not in file")
                rows.append({"canonical": name, "mnemonic": "", "unit": "", "conversion": "",
                             "status": status})
        return rows


@dataclass
class Well:
    name: str
    source: str
    depth: np.ndarray | None
    depth_unit: str
    curves: pd.DataFrame
    original: pd.DataFrame
    header: dict
    report: MappingReport

    def depth_ft(self) -> np.ndarray | None:
        if self.depth is None:
            return None
        return self.depth * curves.DEPTH_UNITS[self.depth_unit] if self.depth_unit == "m" \
            else self.depth.copy()

    @property
    def missing_required(self) -> list[str]:
        return [m for m in self.report.missing if m in curves.REQUIRED]

    def __len__(self) -> int:
        return len(self.curves)


# ---------------------------------------------------------------------------------------------
# Internal table: what a format reader hands to the common mapping code
# ---------------------------------------------------------------------------------------------

@dataclass
class _Table:
    names: list[str]                 # unique column names (lasio's GR:1/GR:2 for duplicates)
    units: list[str]
    descriptions: list[str]
    data: np.ndarray                 # (rows, columns) float, raw values (nulls not yet mapped)
    depth_col: int | None            # index column, None for a CSV without depth
    header: dict
    null: float | None = None        # header NULL value
    warnings: list[str] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)   # columns that are not curves (text)
    noun: str = "file"               # what error messages call the source: "the file has ..."


def _fail(fname: str, problem: str) -> WellReadError:
    return WellReadError(f"{fname}: {problem}")


# ---------------------------------------------------------------------------------------------
# Bytes -> text
# ---------------------------------------------------------------------------------------------

def _load_bytes(source, name: str | None, max_bytes: int) -> tuple[bytes, str, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        fname = name or "upload"
        if len(raw) > max_bytes:
            raise _fail(fname, f"file is {len(raw) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                               "limit; split it or raise SONIC_MAX_FILE_BYTES")
        return raw, fname, Path(fname).stem or fname
    if not isinstance(source, (str, os.PathLike)):
        raise InputValueError(f"read_well expects a path or bytes, not {type(source).__name__}")
    path = Path(source)
    fname = name or path.name or str(path)
    if not path.is_file():
        raise _fail(str(path), "is not an existing regular file; check the path")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _fail(fname, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                               "limit; split it or raise SONIC_MAX_FILE_BYTES")
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(fname, f"cannot be read ({exc.strerror or exc}); check permissions") from exc
    return raw, fname, Path(fname).stem or fname


_BINARY_HINTS = {
    ".dlis": "DLIS is binary; export the logs as LAS 2.0 (e.g. with dlisio or the vendor viewer)",
    ".lis": "LIS is binary; export the logs as LAS 2.0",
    ".xlsx": "Excel workbooks are not read; save the sheet as CSV",
    ".xls": "Excel workbooks are not read; save the sheet as CSV",
    ".zip": "unzip it and load the LAS or CSV inside",
    ".gz": "decompress it and load the LAS or CSV inside",
    ".pdf": "a PDF is a picture of a log; load the LAS or CSV data instead",
}


def _decode(raw: bytes, fname: str) -> tuple[str, str]:
    if not raw.strip():
        raise _fail(fname, "file is empty; export the well again")
    head = raw[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _fail(fname, "declares UTF-16 but does not decode; save it as UTF-8") from exc
    if head.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    suffix = Path(fname).suffix.lower()
    binary = b"\x00" in head or head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"%PDF"))
    if not binary:
        controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
        binary = controls > max(8, len(head) // 100)
    if binary:
        # UTF-16 without a byte-order mark: every other byte is NUL in ASCII text.
        even = head[0::2]
        printable = sum(1 for b in even if 32 <= b < 127 or b in (9, 10, 13))
        if (len(head) > 16 and head[1::2].count(0) > 0.9 * len(head[1::2])
                and printable > 0.9 * len(even) and not head.startswith(b"PK")):
            with contextlib.suppress(UnicodeDecodeError):
                return raw.decode("utf-16-le"), "utf-16-le"
        hint = _BINARY_HINTS.get(suffix, "export the well as LAS 2.0 or CSV text")
        if head.startswith(b"PK\x03\x04"):
            hint = "it is a zip archive or Excel workbook; " + _BINARY_HINTS[".zip"]
        raise _fail(fname, f"looks like a binary file, not LAS or CSV text; {hint}")
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise _fail(fname, "unknown text encoding (tried utf-8, cp1252, latin-1); save it as UTF-8")


_SECTION_RE = re.compile(r"^[ \t]*~", re.M)


def _is_las(text: str) -> bool:
    head = text[:20000]
    for line in head.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("~"):
            return True
        break
    # Stray text before ~Version (seen in hand-edited files): still LAS if it has the sections.
    return bool(re.search(r"^[ \t]*~V", head, re.M | re.I)
                and re.search(r"^[ \t]*~(A|LOG_DATA)", text, re.M | re.I))


# ---------------------------------------------------------------------------------------------
# LAS
# ---------------------------------------------------------------------------------------------

class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        with contextlib.suppress(Exception):
            self.messages.append(record.getMessage().splitlines()[0][:200])


@contextlib.contextmanager
def _capture_lasio():
    logger = logging.getLogger("lasio")
    handler = _LogCapture()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def _lasio_read(text: str, fname: str, **kwargs):
    import lasio

    with _capture_lasio() as messages:
        try:
            las = lasio.read(io.StringIO(text), ignore_header_errors=True, **kwargs)
        except Exception as exc:  # lasio raises many types for bad files; all are bad input
            detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise _fail(fname, f"not a readable LAS file ({detail}); check it opens in a LAS "
                               "viewer or re-export it as LAS 2.0") from exc
    return las, messages


def _item_value(item):
    v = item.value
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    return v


def _las_header(las, version: str) -> tuple[dict, float | None]:
    sections: dict[str, list[dict]] = {}
    for sec_name, sec in las.sections.items():
        if sec_name in ("Curves",) or not hasattr(sec, "keys"):
            continue
        items = []
        for item in sec:
            items.append({"mnemonic": str(item.original_mnemonic), "unit": str(item.unit or ""),
                          "value": _item_value(item), "descr": str(item.descr or "")})
        sections[sec_name] = items
    other = las.sections.get("Other", "")
    header: dict = {"format": f"LAS {version}".strip(), "version": version,
                    "sections": sections, "other": other if isinstance(other, str) else ""}
    for item in las.well:
        key = str(item.mnemonic).upper()
        value = _item_value(item)
        if (value in (None, "") and version.startswith("1") and item.descr
                and key in ("WELL", "COMP", "FLD", "LOC", "PROV", "CNTY", "STAT", "CTRY",
                            "SRVC", "DATE", "UWI", "API")):
            value = str(item.descr)  # LAS 1.2 puts these values after the colon
        header.setdefault(key, value)
    null = None
    with contextlib.suppress(Exception):
        null = float(las.well["NULL"].value)
        if not math.isfinite(null):
            null = None
    header["NULL"] = null
    return header, null


def _version_of(text: str) -> tuple[str, bool, str]:
    """(VERS, wrapped, DLM) from the ~V section by regex (lasio reads it properly later)."""
    head = text[:8192]
    vers = re.search(r"^[ \t]*VERS[ \t]*\.[^\S\n]*([^\s:]*)", head, re.M | re.I)
    wrap = re.search(r"^[ \t]*WRAP[ \t]*\.[^\S\n]*([^\s:]*)", head, re.M | re.I)
    dlm = re.search(r"^[ \t]*DLM[ \t]*\.[^\S\n]*([^\s:]*)", head, re.M | re.I)
    version = vers.group(1) if vers else ""
    with contextlib.suppress(ValueError):
        version = f"{float(version):.1f}"
    return (version, bool(wrap and wrap.group(1).upper().startswith("Y")),
            (dlm.group(1).upper() if dlm else "SPACE"))


def _numeric(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Float matrix from a parsed frame; non-numeric cells -> NaN, and how many there were."""
    bad = 0
    cols = []
    for col in frame.columns:
        s = frame[col]
        if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            conv = pd.to_numeric(s, errors="coerce")
            bad += int((conv.isna() & s.notna()).sum())
            s = conv
        cols.append(s.to_numpy(dtype=float, na_value=np.nan))
    if not cols:
        return np.empty((len(frame), 0)), 0
    return np.column_stack(cols), bad


def _parse_tokens(data_text: str, ncols: int, warnings: list[str]) -> np.ndarray:
    """Wrapped data: the whole section as one row-major token stream -> (rows, ncols)."""
    lines = [ln for ln in data_text.splitlines() if not ln.lstrip().startswith("#")]
    tokens = " ".join(lines).split()
    if not tokens:
        return np.empty((0, ncols))
    try:
        values = np.array(tokens, dtype=float)
    except ValueError:
        conv = pd.to_numeric(pd.Series(tokens, dtype=object), errors="coerce")
        bad = int(conv.isna().sum())
        warnings.append(f"{bad} non-numeric value(s) in the data section read as null")
        values = conv.to_numpy(dtype=float)
    rest = values.size % ncols
    if rest:
        warnings.append(f"the last data row has only {rest} of {ncols} values (file truncated?); "
                        "the missing values are null")
        values = np.concatenate([values, np.full(ncols - rest, np.nan)])
    return values.reshape(-1, ncols)


def _split_line(line: str, sep: str | None) -> list[str]:
    if sep is None:
        return line.split()
    tokens = [t.strip() for t in line.split(sep)]
    while tokens and not tokens[-1]:
        tokens.pop()       # a trailing delimiter is not an extra value
    return tokens


def _line_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")


def _parse_rows(lines: list[tuple[int, list[str]]], ncols: int, first_line: int,
                warnings: list[str]) -> np.ndarray:
    """One row per data line: extra values cut, missing trailing values null, both warned."""
    long_lines, short_lines = [], []
    flat: list[str | None] = []
    for i, tokens in lines:
        n = len(tokens)
        if n > ncols:
            long_lines.append((i, n))
            tokens = tokens[:ncols]
        elif n < ncols:
            short_lines.append((i, n))
            tokens = tokens + [None] * (ncols - n)
        flat.extend(tokens)

    def where(found: list[tuple[int, int]]) -> str:
        return (f"~A line {found[0][0] + 1} (file line {first_line + found[0][0]})"
                if len(found) == 1 else
                f"{len(found)} ~A lines (file lines "
                f"{_line_list([first_line + i for i, _ in found])})")

    if long_lines:
        warnings.append(f"{where(long_lines)} {'has' if len(long_lines) == 1 else 'have'} "
                        f"{_line_list(sorted({n for _, n in long_lines}))} values for {ncols} "
                        "curves; extra values ignored")
    if short_lines:
        warnings.append(f"{where(short_lines)} {'has' if len(short_lines) == 1 else 'have'} "
                        f"only {_line_list(sorted({n for _, n in short_lines}))} values for "
                        f"{ncols} curves (truncated line?); the missing trailing values are "
                        "null")
    series = pd.Series(flat, dtype=object)
    conv = pd.to_numeric(series, errors="coerce")
    bad = int((conv.isna() & series.notna()).sum())
    if bad:
        warnings.append(f"{bad} non-numeric value(s) in the data section read as null")
    return conv.to_numpy(dtype=float, na_value=np.nan).reshape(-1, ncols)


def _parse_las_data(data_text: str, ncols: int, wrapped: bool, dlm: str, first_line: int,
                    warnings: list[str]) -> np.ndarray | None:
    """Fast path for the ~A section; None when the layout needs lasio's reader.

    ``first_line`` is the file line number of the first data line (for warnings). Wrapped
    data (WRAP=YES, or depth alone on the first data line of a multi-curve file) is read as a
    token stream; any other file gives exactly one row per data line, never re-cut.
    """
    sep = {"SPACE": None, "COMMA": ",", "TAB": "\t"}.get(dlm, "?")
    if sep == "?":
        return None
    lines = [(i, _split_line(ln, sep)) for i, ln in enumerate(data_text.splitlines())
             if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return np.empty((0, ncols))
    if not wrapped and ncols > 1 and len(lines[0][1]) == 1:
        warnings.append("data rows are wrapped (depth alone on the first data line) but the "
                        "header does not say WRAP. YES; read as wrapped")
        wrapped = True
    if wrapped:
        return _parse_tokens(data_text, ncols, warnings)
    if any(len(tokens) != ncols for _, tokens in lines):
        return _parse_rows(lines, ncols, first_line, warnings)
    try:
        frame = pd.read_csv(io.StringIO(data_text), sep=r"\s+" if sep is None else sep,
                            header=None, comment="#", names=range(ncols), skip_blank_lines=True,
                            engine="c", skipinitialspace=True, low_memory=False)
    except (pd.errors.ParserError, ValueError):   # e.g. quotes: the line-by-line reader copes
        return _parse_rows(lines, ncols, first_line, warnings)
    values, bad = _numeric(frame)
    if bad:
        warnings.append(f"{bad} non-numeric value(s) in the data section read as null")
    return values


def _read_las(text: str, fname: str) -> _Table:
    version, wrapped, dlm = _version_of(text)
    starts = [m.start() for m in _SECTION_RE.finditer(text)]
    titles = [text[s:s + 80].lstrip().split("\n", 1)[0].strip().upper() for s in starts]
    bounds = list(zip(starts, starts[1:] + [len(text)], titles))
    # The log data section: ~A (1.2/2.0) or ~Log_Data (3.0); other 3.0 data sets (core, tops,
    # ...) are not logs and stay out of the header lasio sees.
    data_i = next((i for i, (_, _, t) in enumerate(bounds)
                   if t.startswith("~A") or t.startswith("~LOG_DATA")), None)
    if data_i is None:
        raise _fail(fname, "has no ~A (data) section; the file is incomplete or only a "
                           "header; re-export it with its data")
    warnings: list[str] = []
    if sum(t.startswith("~A") or t.startswith("~LOG_DATA") for _, _, t in bounds) > 1:
        warnings.append("several data sections; only the first was read")

    def _other_dataset(title: str) -> bool:
        return bool(re.match(r"~\w*_(DATA|DEFINITION)", title)) and not title.startswith(
            ("~LOG_DEFINITION", "~LOG_DATA"))

    header_text = "".join(text[s:e] for s, e, t in bounds[:data_i] if not _other_dataset(t))
    s, e, _ = bounds[data_i]
    nl = text.find("\n", s)
    data_text = text[nl + 1:e] if 0 <= nl < e else ""
    if version.startswith("3"):
        # lasio 0.32 cannot skip the data of a 3.0 file: hand it an empty ~A instead.
        las, messages = _lasio_read(header_text + "~A\n", fname)
        messages = [m for m in messages if "no data in ~A" not in m and "empty" not in m]
    else:
        las, messages = _lasio_read(header_text, fname, ignore_data=True)
    ncols = len(las.curves)
    if ncols == 0:
        raise _fail(fname, "defines no curves (empty ~Curve section); re-export the file "
                           "with its curve definitions")
    first_line = text.count("\n", 0, nl) + 2   # file line number of the first data line
    data = _parse_las_data(data_text, ncols, wrapped and not version.startswith("3"), dlm,
                           first_line, warnings)
    if data is None:
        las, messages = _lasio_read(text, fname)
        ncols = len(las.curves)
        if ncols == 0:
            raise _fail(fname, "defines no curves (empty ~Curve section); re-export the file "
                               "with its curve definitions")
        frame = pd.DataFrame({i: c.data for i, c in enumerate(las.curves)})
        data, bad = _numeric(frame)
        if bad:
            warnings.append(f"{bad} non-numeric value(s) in the data section read as null")
    version = version or str(_item_value(las.version["VERS"]) if "VERS" in las.version else "")
    header, null = _las_header(las, version)
    header["wrapped"] = wrapped
    warnings.extend(f"lasio: {m}" for m in messages[:5])
    names = [str(c.mnemonic) for c in las.curves]
    return _Table(names=names, units=[str(c.unit or "") for c in las.curves],
                  descriptions=[str(c.descr or "") for c in las.curves], data=data,
                  depth_col=0, header=header, null=null, warnings=warnings)


# ---------------------------------------------------------------------------------------------
# CSV / TSV
# ---------------------------------------------------------------------------------------------

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


def _read_csv(text: str, fname: str) -> _Table:
    all_lines = text.splitlines()
    start = 0
    while start < len(all_lines) and (not all_lines[start].strip()
                                      or all_lines[start].lstrip().startswith("#")):
        start += 1
    lines = [ln for ln in all_lines[start:start + 50] if ln.strip()]
    if not lines:
        raise _fail(fname, "holds only comments or blank lines; no data to read")
    delim = _sniff_delimiter(lines)
    if delim is None:
        if len(lines[0].split()) >= 2:
            delim = r"\s+"
        else:
            raise _fail(fname, "is neither LAS (no ~Version section) nor a delimited table "
                               "(CSV/TSV with a header row); export the well as LAS 2.0 or CSV")
    split = (lambda s: s.split()) if delim == r"\s+" else (lambda s: s.split(delim))
    first = [t.strip().strip('"').strip("'") for t in split(lines[0])]
    if len(first) < 2:
        raise _fail(fname, "has a single column; expected a LAS file or a CSV with one column "
                           "per curve")
    if sum(bool(_NUMBER.match(t)) for t in first if t) >= max(1, len(first) - 1):
        raise _fail(fname, "has no header row; add one naming the curves "
                           "(e.g. DEPTH,CAL,CNC,GR,HRD,HRM,PE,ZDEN)")
    skip_units = False
    file_units = [""] * len(first)
    if len(lines) > 1:
        second = [t.strip().strip('"') for t in split(lines[1])]
        nonnum = [t for t in second if t and not _NUMBER.match(t)]
        # A first data row of null text (NaN, null, N/A) is also all non-numeric: it is a units
        # row only if at least one token is a unit we know.
        if nonnum and len(nonnum) >= 0.5 * max(1, sum(bool(t) for t in second)) \
                and not any(_NUMBER.match(t) for t in second if t) \
                and any(_is_known_unit(t) for t in nonnum):
            skip_units = True
            file_units = (second + [""] * len(first))[:len(first)]
    body = "\n".join(all_lines[start:])
    decimal = "."
    if delim == ";" and re.search(r"\d,\d", "\n".join(lines[1:6])):
        decimal = ","
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
        raise _fail(fname, f"is not a readable CSV ({detail}); check the delimiter and that every "
                           "row has the same number of columns") from exc
    names, unit_list, cols, ignored = [], [], [], []
    warnings: list[str] = []
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        warnings.append("some rows have more fields than the header; the extra fields were "
                        "ignored")
    bad_total = 0
    seen: dict[str, int] = {}
    for i, col in enumerate(frame.columns):
        raw_name = str(col).strip()
        unit = file_units[i].strip() if i < len(file_units) else ""
        m = _UNIT_IN_NAME.match(raw_name)
        if m and m.group(1):
            raw_name, unit = m.group(1).strip(), unit or m.group(2).strip()
        if re.fullmatch(r"Unnamed: \d+", raw_name) or not raw_name:
            raw_name = f"COL{i + 1}"
        s = frame[col].astype(str).str.strip()
        if decimal == ",":
            s = s.str.replace(",", ".", regex=False)
        nums = pd.to_numeric(s, errors="coerce")
        present = s.ne("") & ~s.str.lower().isin(("nan", "na", "n/a", "null", "none", "-"))
        bad = int((nums.isna() & present).sum())
        if nums.notna().sum() == 0 and present.any():
            ignored.append({"mnemonic": raw_name, "reason": "text column, not a curve"})
            continue
        bad_total += bad
        base = raw_name
        if base in seen:
            seen[base] += 1
            raw_name = f"{base}:{seen[base]}"
        else:
            seen[base] = 0
        names.append(raw_name)
        unit_list.append(unit)
        cols.append(nums.to_numpy(dtype=float, na_value=np.nan))
    if bad_total:
        warnings.append(f"{bad_total} non-numeric value(s) read as null")
    if not cols or not any(np.isfinite(c).any() for c in cols):
        if delim == r"\s+":
            raise _fail(fname, "is neither LAS (no ~Version section) nor a delimited table "
                               "(CSV/TSV with a header row); export the well as LAS 2.0 or CSV")
        raise _fail(fname, "has no numeric columns; expected one column per curve")
    data = np.column_stack(cols)
    # A leading pandas row index (0, 1, 2, ...) written by DataFrame.to_csv is not a curve.
    if names[0] == "COL1" and len(data) > 1 and data.shape[1] > 1:
        c0 = data[:, 0]
        if np.array_equal(c0, np.arange(len(c0), dtype=float)):
            ignored.append({"mnemonic": names[0], "reason": "row index, not a curve"})
            names, unit_list, data = names[1:], unit_list[1:], data[:, 1:]
    depth_col = None
    for i, n in enumerate(names):
        if curves.normalize_mnemonic(n) in curves.DEPTH_ALIASES:
            depth_col = i
            break
    header = {"format": "CSV" if delim == "," else ("TSV" if delim == "\t" else
                                                     f"delimited text ({delim!r})"),
              "delimiter": "whitespace" if delim == r"\s+" else delim, "NULL": None,
              "sections": {}, "other": ""}
    return _Table(names=names, units=unit_list, descriptions=[""] * len(names), data=data,
                  depth_col=depth_col, header=header, null=None, warnings=warnings,
                  ignored=ignored)


# ---------------------------------------------------------------------------------------------
# Common: nulls, depth, sorting
# ---------------------------------------------------------------------------------------------

def _map_nulls(data: np.ndarray, null: float | None) -> np.ndarray:
    data = np.array(data, dtype=float, copy=True)
    sentinels = set(curves.NULL_SENTINELS)
    if null is not None:
        sentinels.add(float(null))
    for s in sentinels:
        data[data == s] = np.nan
    data[~np.isfinite(data)] = np.nan
    return data


def _find_depth(table: _Table, fname: str, warnings: list[str]) -> int | None:
    if table.depth_col is None:
        return None
    idx = table.depth_col
    mnem = curves.normalize_mnemonic(table.names[idx])
    unit_known = not math.isnan(units.depth_unit(table.units[idx])[1])
    if mnem in curves.DEPTH_ALIASES or unit_known:
        return idx
    # The index is not depth (e.g. TIME): look for a depth curve elsewhere.
    for j, n in enumerate(table.names):
        if j != idx and curves.normalize_mnemonic(n) in curves.DEPTH_ALIASES:
            warnings.append(f"index curve {table.names[idx]} is not depth; used {n} as depth")
            return j
    if mnem in curves.TIME_INDEX_ALIASES or curves.normalize_unit(table.units[idx]) in (
            "s", "ms", "sec", "min", "h", "hr", "date", "time"):
        raise _fail(fname, f"is indexed by {table.names[idx]} ({table.units[idx] or 'time'}), "
                           "not depth; export a depth-indexed log")
    col = table.data[:, idx]
    finite = col[np.isfinite(col)]
    if finite.size > 1 and (np.all(np.diff(finite) > 0) or np.all(np.diff(finite) < 0)):
        warnings.append(f"index curve {table.names[idx]} is not a known depth mnemonic; "
                        "read it as depth")
        return idx
    raise _fail(fname, f"has no depth curve (index {table.names[idx]!r} is not depth); name the "
                       "first curve DEPT with a unit of ft or m")


def _depth_unit(table: _Table, col: int, depth: np.ndarray, warnings: list[str]) \
        -> tuple[str, float, str, str]:
    """(depth unit "ft"/"m", factor applied to the values, unit as in file, conversion text)."""
    candidates = [table.units[col]]
    for key in ("STRT", "STOP", "STEP"):
        for item in table.header.get("sections", {}).get("Well", []):
            if str(item.get("mnemonic", "")).upper() == key:
                candidates.append(item.get("unit", ""))
    name = curves.normalize_mnemonic(table.names[col])
    if name.endswith("_M"):
        candidates.append("m")
    elif name.endswith("_FT"):
        candidates.append("ft")
    for unit in candidates:
        native, factor = units.depth_unit(unit)
        if native:
            return native, 1.0, unit, "none"
        if not math.isnan(factor):
            warnings.append(f"depth unit '{unit}' converted to ft")
            return "ft", factor, unit, f"{unit} -> ft (x{factor:.6g})"
    steps = np.diff(depth[np.isfinite(depth)])
    step = float(np.median(np.abs(steps))) if steps.size else float("nan")
    if np.isfinite(step) and any(abs(step - s) < 1e-4 for s in (0.1524, 0.0762, 0.1, 0.05)):
        warnings.append(f"depth has no unit; step {step:g} suggests metres")
        return "m", 1.0, "", "none"
    warnings.append("depth has no unit; assumed feet")
    return "ft", 1.0, "", "none"


def _order_rows(depth: np.ndarray, unit: str, warnings: list[str]) -> np.ndarray | None:
    """Row order for increasing depth (stable), or None when already in order."""
    d = np.diff(depth)
    if d.size == 0 or np.all(d >= 0):
        order = None
    else:
        order = np.argsort(depth, kind="stable")
        if np.all(d <= 0):
            warnings.append(f"depth decreases down the file (reversed log, {depth[0]:g} to "
                            f"{depth[-1]:g} {unit}); rows sorted to increasing depth")
        else:
            warnings.append(f"depth is not monotonic ({int((d < 0).sum())} step(s) go up); rows "
                            "sorted by depth, keeping file order for equal depths")
    sd = np.diff(depth[order] if order is not None else depth)
    dup = int((sd == 0).sum())
    if dup:
        warnings.append(f"{dup} duplicate depth value(s) kept as separate rows in file order")
    pos = sd[sd > 0]
    if pos.size >= 2:
        step = float(np.median(pos))
        gaps = np.flatnonzero(sd > 1.5 * step)
        if gaps.size:
            sorted_depth = depth[order] if order is not None else depth
            biggest = gaps[np.argmax(sd[gaps])]
            warnings.append(f"{gaps.size} depth gap(s) with no samples, largest "
                            f"{sorted_depth[biggest]:g}-{sorted_depth[biggest + 1]:g} {unit}")
        irregular = np.abs(pos - step) > 0.01 * step
        if irregular.mean() > 0.05 and irregular.sum() > gaps.size:
            warnings.append(f"irregular sampling: step varies from {pos.min():.4g} to "
                            f"{pos.max():.4g} {unit} (median {step:.4g})")
    return order


# ---------------------------------------------------------------------------------------------
# Curve recognition
# ---------------------------------------------------------------------------------------------

_ALIAS_INDEX: dict[str, tuple[str, int]] = {
    m: (canon, rank) for canon, names in curves.ALIASES.items() for rank, m in enumerate(names)
}


def parse_mapping(items: list[str] | dict[str, str]) -> dict[str, str]:
    """User curve choices -> ``{canonical: mnemonic}`` for ``read_well(mapping=...)``.

    ``items`` are ``"CANON=MNEMONIC"`` strings (several may share one string, comma-separated,
    as a web form sends them) or an already split ``{canon: mnemonic}`` dict. CANON is any
    canonical curve (inputs, and DTC/DTS for measured sonic), case-insensitive. The one parser
    behind the CLI's ``--map`` and the API's ``mapping``; raises InputValueError saying what to
    write.
    """
    if isinstance(items, dict):
        pairs = [(str(k), "=", str(v) if v is not None else "", f"{k}={v}")
                 for k, v in items.items()]
    else:
        pairs = []
        for item in items:
            for part in str(item).split(","):
                if part.strip():
                    canon, sep, mnemonic = part.partition("=")
                    pairs.append((canon, sep, mnemonic, part.strip()))
    out: dict[str, str] = {}
    for canon, sep, mnemonic, text in pairs:
        canon, mnemonic = canon.strip().upper(), mnemonic.strip()
        if not sep or not canon or not mnemonic:
            raise InputValueError(f"mapping {text!r}: write CANON=MNEMONIC, e.g. HRD=AF90")
        if canon not in curves.CURVES:
            raise InputValueError(f"mapping {text!r}: {canon} is not a canonical curve (choose "
                                  f"from {', '.join(curves.CURVES)})")
        if out.get(canon, mnemonic) != mnemonic:
            raise InputValueError(f"mapping {text!r}: {canon} is already mapped to "
                                  f"{out[canon]}; give one curve per canonical name")
        out[canon] = mnemonic
    return out


def canonical_name(mnemonic: str) -> str | None:
    """The canonical curve a mnemonic stands for by the alias table (NPHI -> CNC), or None."""
    hit = _ALIAS_INDEX.get(curves.normalize_mnemonic(mnemonic))
    return hit[0] if hit else None


def _resolve_user(mnemonic: str, names: list[str], fname: str, canonical: str,
                  noun: str = "file") -> int:
    exact = [i for i, n in enumerate(names) if n == mnemonic]
    if exact:
        return exact[0]
    folded = [i for i, n in enumerate(names) if n.upper() == mnemonic.strip().upper()]
    if not folded:
        folded = [i for i, n in enumerate(names)
                  if curves.normalize_mnemonic(n) == curves.normalize_mnemonic(mnemonic)]
    if folded:
        return folded[0]
    raise _fail(fname, f"mapping {canonical}={mnemonic}: no curve {mnemonic!r} in the {noun}; it "
                       f"has {_listing(names)}")


def _listing(names: list[str], unit_of: dict[str, str] | None = None) -> str:
    shown = [f"{n} ({unit_of[n]})" if unit_of and unit_of.get(n) else n
             for n in names[:_MAX_LISTED]]
    more = f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else ""
    return ", ".join(shown) + more if shown else "no curves"


def _select(table: _Table, data: np.ndarray, depth_col: int | None, mapping: dict[str, str],
            fname: str, report: MappingReport) -> dict[str, int]:
    names = table.names
    counts = np.sum(np.isfinite(data), axis=0) if data.size else np.zeros(len(names), dtype=int)
    chosen: dict[str, int] = {}
    user_cols: set[int] = set()
    lost: dict[int, str] = {}

    for canon, mnem in mapping.items():
        if not mnem:
            continue
        col = _resolve_user(str(mnem), names, fname, canon, table.noun)
        if col == depth_col:
            raise _fail(fname, f"mapping {canon}={mnem}: that is the depth curve")
        chosen[canon] = col
        user_cols.add(col)
        report.used[canon] = {"mnemonic": names[col], "unit": table.units[col],
                              "reason": "user mapping", "user": True}
    for canon in _CANONICAL_ORDER:
        if canon in mapping:
            if not mapping[canon]:
                report.warnings.append(f"{canon} left unmapped by the user mapping")
            continue
        cands = []
        for i, n in enumerate(names):
            if i == depth_col or i in user_cols:
                continue
            hit = _ALIAS_INDEX.get(curves.normalize_mnemonic(n))
            if hit and hit[0] == canon:
                cands.append((hit[1], -int(counts[i]), i))
        if not cands:
            continue
        cands.sort()
        with_data = [c for c in cands if -c[1] > 0]
        for c in cands:
            if -c[1] == 0:
                lost[c[2]] = f"every sample is null (candidate for {canon})"
        if not with_data:
            continue
        best = with_data[0]
        col = best[2]
        chosen[canon] = col
        others = [c for c in with_data[1:]]
        if not others:
            reason = ("canonical name" if curves.normalize_mnemonic(names[col]) == canon
                      else f"{curves.normalize_mnemonic(names[col])} is an alias of {canon}")
        else:
            same_rank = [c for c in others if c[0] == best[0]]
            if same_rank:
                reason = (f"duplicate {curves.normalize_mnemonic(names[col])} curves; "
                          f"{names[col]} has the most samples ({-best[1]})")
            else:
                reason = (f"{curves.normalize_mnemonic(names[col])} ranks first in the {canon} "
                          "alias list among " + ", ".join(names[c[2]] for c in with_data))
        for c in others:
            lost[c[2]] = f"candidate for {canon}; {names[col]} chosen instead"
        report.used[canon] = {"mnemonic": names[col], "unit": table.units[col], "reason": reason}
        note = curves.ALIAS_WARNINGS.get(canon, {}).get(curves.normalize_mnemonic(names[col]))
        if note:
            report.warnings.append(f"{names[col]} used as {canon}: {note}")
    used_cols = set(chosen.values())
    for i, n in enumerate(names):
        if i == depth_col or i in used_cols:
            continue
        report.ignored.append({"mnemonic": n, "reason": lost.get(i, "not a model input")})
    report.ignored.extend(table.ignored)
    return chosen


# ---------------------------------------------------------------------------------------------
# read_well
# ---------------------------------------------------------------------------------------------

def _check_mapping_keys(mapping: dict[str, str], fname: str) -> None:
    for canon in mapping:
        if canon not in _CANONICAL_ORDER:
            raise _fail(fname, f"mapping names unknown curve {canon!r}; use one of "
                               + ", ".join(_CANONICAL_ORDER))


def read_well(source: str | os.PathLike | bytes, *, name: str | None = None,
              mapping: dict[str, str] | None = None, require: bool = True,
              max_bytes: int | None = None) -> Well:
    """Read a LAS (1.2/2.0/3.0) or CSV/TSV well from a path or bytes into canonical curves.

    ``mapping`` overrides recognition, e.g. ``{"HRD": "AF90"}``; an empty value leaves that
    canonical curve unmapped. With ``require=True`` a missing required curve raises
    MissingCurvesError; otherwise the Well comes back with ``report.missing`` filled.
    """
    if max_bytes is None:
        from .config import get_settings
        max_bytes = get_settings().max_file_bytes
    raw, fname, stem = _load_bytes(source, name, max_bytes)
    mapping = dict(mapping or {})
    _check_mapping_keys(mapping, fname)
    text, encoding = _decode(raw, fname)
    table = _read_las(text, fname) if _is_las(text) else _read_csv(text, fname)
    table.header["encoding"] = encoding
    return _well_from(table, fname, stem, mapping, require)


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
    table = _Table(names=names, units=[str(u or "") for u in units],
                   descriptions=[""] * len(names), data=data, depth_col=depth_col,
                   header=dict(header or {"format": "table", "NULL": None, "sections": {},
                                          "other": ""}),
                   noun="input")
    return _well_from(table, name, name, mapping, require)


def _well_from(table: _Table, fname: str, stem: str, mapping: dict[str, str],
               require: bool) -> Well:
    report = MappingReport(warnings=list(table.warnings))

    data = _map_nulls(table.data, table.null)
    if data.shape[0] == 0:
        raise _fail(fname, "has no numeric data rows; the data section is empty")
    depth_col = _find_depth(table, fname, report.warnings)
    others = [i for i in range(data.shape[1]) if i != depth_col]
    if not others or not np.isfinite(data[:, others]).any():
        null = table.null if table.null is not None else "-999.25"
        raise _fail(fname, f"every curve value is null (NULL = {null}); the {table.noun} holds no "
                           "log data")

    depth = None
    depth_unit = "sample"
    if depth_col is not None:
        depth_raw = data[:, depth_col]
        placed = np.isfinite(depth_raw)
        if not placed.any():
            raise _fail(fname, f"the depth curve {table.names[depth_col]} is entirely null")
        with_depth = np.flatnonzero(placed)
        no_depth = np.flatnonzero(~placed)
        depth_unit, factor, file_unit, conv = _depth_unit(table, depth_col,
                                                          depth_raw[with_depth], report.warnings)
        order = _order_rows(depth_raw[with_depth], depth_unit if factor == 1.0 else file_unit,
                            report.warnings)
        if no_depth.size:
            # Every input row comes back: rows without depth go after the sorted ones.
            first = ", ".join(str(i + 1) for i in no_depth[:5]) + (", ..." if no_depth.size > 5
                                                                   else "")
            report.warnings.append(
                f"{no_depth.size} row(s) have no depth (null {table.names[depth_col]}; data "
                f"row(s) {first}); kept, placed after the {with_depth.size} row(s) with depth "
                "in file order, with depth NaN")
            order = np.concatenate([with_depth if order is None else with_depth[order],
                                    no_depth])
        if order is not None:
            data = data[order]
        depth = data[:, depth_col] * factor
        report.depth = {"mnemonic": table.names[depth_col], "unit": file_unit,
                        "conversion": conv}

    original = pd.DataFrame(data, columns=pd.Index(table.names, dtype=object))
    chosen = _select(table, data, depth_col, mapping, fname, report)
    frame = {}
    assumed = []
    for canon in _CANONICAL_ORDER:
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
    report.used = {k: report.used[k] for k in _CANONICAL_ORDER if k in report.used}
    report.missing = [c for c in curves.REQUIRED if c not in chosen] + \
                     [c for c in curves.OPTIONAL if c not in chosen]
    canon_frame = pd.DataFrame(frame, index=pd.RangeIndex(len(data)))

    header = table.header
    well_name = str(header.get("WELL") or "").strip()
    header["curves"] = [{"mnemonic": n, "unit": u, "descr": d}
                        for n, u, d in zip(table.names, table.units, table.descriptions)]
    well = Well(name=well_name or stem, source=fname, depth=depth, depth_unit=depth_unit,
                curves=canon_frame, original=original, header=header, report=report)
    missing_req = well.missing_required
    if missing_req and require:
        unit_of = dict(zip(table.names, table.units))
        # A candidate that was found but holds no data is a different problem from no
        # candidate at all: say so, or the user hunts for a curve that is right there.
        empty = [d["mnemonic"] for d in report.ignored
                 if "null" in d.get("reason", "") and
                 _ALIAS_INDEX.get(curves.normalize_mnemonic(d["mnemonic"]), ("",))[0]
                 in missing_req]
        verbs = ("is", "holds") if len(empty) == 1 else ("are", "hold")
        hint = (f" ({', '.join(empty)} {verbs[0]} in the {table.noun} but {verbs[1]} only "
                "null values)") if empty else ""
        raise MissingCurvesError(
            f"{fname}: required curve(s) {', '.join(missing_req)} not found{hint}; the "
            f"{table.noun} has "
            f"{_listing(table.names, unit_of)}; map them explicitly, e.g. "
            f"{missing_req[0]}=<mnemonic>",
            missing=missing_req, available=table.names)
    return well


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------

def _check_result(well: Well, result: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(result, pd.DataFrame):
        raise InputValueError("result must be a DataFrame with the prediction columns")
    absent = [c for c in curves.RESULT_COLUMNS if c not in result.columns]
    if absent:
        raise InputValueError(f"result lacks column(s) {', '.join(absent)}")
    if len(result) != len(well.curves):
        raise InputValueError(f"result has {len(result)} rows but well {well.name} has "
                              f"{len(well.curves)}")
    return result.reset_index(drop=True)


def _emit(payload: bytes, dest) -> bytes | None:
    if dest is None:
        return payload
    if hasattr(dest, "write"):
        try:
            dest.write(payload)
        except TypeError:
            dest.write(payload.decode("utf-8"))
        return None
    Path(dest).write_bytes(payload)
    return None


def _depth_column_name(well: Well) -> str:
    if well.depth is None:
        return curves.SAMPLE_INDEX
    return "DEPTH_M" if well.depth_unit == "m" else "DEPTH_FT"


def write_csv(well: Well, result: pd.DataFrame, dest=None) -> bytes | None:
    """CSV: depth (DEPTH_FT / DEPTH_M, or SAMPLE), canonical inputs (and measured DTC/DTS) in
    canonical units, then the result columns. Nulls are empty cells."""
    result = _check_result(well, result)
    out = pd.DataFrame(index=pd.RangeIndex(len(well.curves)))
    out[_depth_column_name(well)] = (well.depth if well.depth is not None
                                     else np.arange(len(well.curves)))
    for c in well.curves.columns:
        out[c] = well.curves[c].to_numpy()
    for c in curves.RESULT_COLUMNS:     # never a canonical or depth name: no clash possible
        out[c] = result[c].to_numpy()
    payload = out.to_csv(index=False, float_format="%.8g", lineterminator="\n")
    return _emit(payload.encode("utf-8"), dest)


def _las_mnemonic(name: str) -> str:
    # lasio's GR:1/GR:2 duplicates go back to GR; spaces, dots and colons break LAS header lines.
    if re.search(r":\d+$", name):
        name = name.rsplit(":", 1)[0]
    return re.sub(r"[\s.:]+", "_", name.strip()) or "CURVE"


def _qc_legend() -> str:
    lines = ["QC curve: sum of bit flags, 0 = OK."]
    for reason, bit in qc.QC_FLAGS.items():
        lines.append(f"  {bit} = {reason}: {qc.QC_DESCRIPTIONS.get(reason, '')}")
    return "\n".join(lines)


_LAS_FIELD = 10           # minimum width of a ~A value, as lasio writes them
_FAST_LIMIT = 1e15        # |value| * 10**decimals beyond this: format with Python instead


def _format_column(values: np.ndarray, decimals: int, null: float) -> np.ndarray:
    """One column as a right-aligned fixed-point text block: (rows, width) uint8 ASCII.

    Same text as ``"%.{decimals}f" % v`` right-justified to at least _LAS_FIELD characters (the
    last digit may differ on exact decimal ties, and values that round to zero print as 0, not
    -0); non-finite -> null.
    Built with integer arithmetic over whole columns: ~7x faster than np.savetxt and ~30x
    faster than lasio's writer on 30,000 x 32 (benchmarks/bench_read.py).
    """
    x = np.asarray(values, dtype=float)
    x = np.where(np.isfinite(x), x, null)
    n = x.size
    scale = 10 ** decimals
    if n == 0:
        return np.empty((0, _LAS_FIELD), dtype=np.uint8)
    if np.abs(x).max() * scale >= _FAST_LIMIT:
        text = [f"{v:.{decimals}f}" for v in x.tolist()]
        width = max(_LAS_FIELD, max(map(len, text)))
        joined = "".join(t.rjust(width) for t in text).encode("ascii")
        return np.frombuffer(joined, dtype=np.uint8).reshape(n, width).copy()
    v = np.rint(x * scale).astype(np.int64)
    neg = v < 0
    a = np.abs(v)
    ip, fp = np.divmod(a, scale)
    ndig = np.ones(n, dtype=np.int64)
    p = 10
    while True:
        more = ip >= p
        if not more.any():
            break
        ndig += more
        p *= 10
    frac_w = decimals + 1 if decimals else 0
    width = max(_LAS_FIELD, int((ndig + neg).max()) + frac_w)
    block = np.full((n, width), ord(" "), dtype=np.uint8)
    if decimals:
        block[:, width - frac_w] = ord(".")
        for k in range(decimals):
            fp, digit = np.divmod(fp, 10)
            block[:, width - 1 - k] = 48 + digit
    end = width - frac_w                      # one past the last integer digit
    for k in range(int(ndig.max())):
        ip, digit = np.divmod(ip, 10)
        block[:, end - 1 - k] = np.where(k < ndig, 48 + digit, ord(" "))
    rows = np.flatnonzero(neg)
    block[rows, end - 1 - ndig[rows]] = ord("-")
    return block


def _las_data_section(columns: list[np.ndarray], decimals: list[int], null: float) -> str:
    """The ~A rows: a space, then each value right-aligned in its field, space-separated."""
    n = len(columns[0]) if columns else 0
    space = np.full((n, 1), ord(" "), dtype=np.uint8)
    parts = []
    for col, d in zip(columns, decimals):
        parts.append(space)
        parts.append(_format_column(col, d, null))
    parts.append(np.full((n, 1), ord("\n"), dtype=np.uint8))
    return np.concatenate(parts, axis=1).tobytes().decode("ascii")


def _index_start_stop_step(index: np.ndarray) -> tuple[float, float, float]:
    finite = index[np.isfinite(index)]
    if finite.size == 0:
        return _LAS_NULL_OUT, _LAS_NULL_OUT, 0.0
    start, stop = float(finite[0]), float(finite[-1])
    step = 0.0
    if finite.size == index.size and finite.size > 1:
        d = np.diff(finite)
        if np.allclose(d, d[0], rtol=1e-6, atol=1e-9):
            step = float(np.round(d[0], 6))
    # LAS 2.0: STEP 0 when the increment is not constant (irregular, or null index values).
    return round(start, 6), round(stop, 6), step


def write_las(well: Well, result: pd.DataFrame, dest=None) -> bytes | None:
    """LAS 2.0: every original curve plus the prediction curves (us/ft) and QC bit flags.

    The ~Well and ~Parameter items of the input are kept (STRT/STOP/STEP recomputed, NULL set to
    -999.25); the QC legend and any original ~Other text go in ~Other. A file without depth gets
    a SAMPLE index curve (0, 1, 2, ... as the result rows). Rows without depth (kept by
    read_well after the rows with depth) carry the NULL value in the index curve; STEP is then 0.

    lasio writes the header sections; the ~A section is formatted here with numpy (values
    "%.5f", QC "%.0f", nulls -999.25): lasio's per-value writer took 1.5-2.8 s for 30,000 x 32,
    this takes ~0.06 s.
    """
    import lasio

    result = _check_result(well, result)
    from lasio.las_items import SectionItems

    las = lasio.LASFile()
    sections = well.header.get("sections", {})
    curve_meta = {c["mnemonic"]: c for c in well.header.get("curves", [])}
    depth_name = well.report.depth["mnemonic"] if well.report.depth else None
    if well.depth is None:
        index_name, index_unit = curves.SAMPLE_INDEX, ""
        index_values = np.arange(len(well.curves), dtype=float)
        index_descr = "Sample number (row of the input file, from 0)"
    else:
        index_name = _las_mnemonic(depth_name)
        index_unit = well.depth_unit
        index_values = np.asarray(well.depth, dtype=float)
        index_descr = curve_meta.get(depth_name, {}).get("descr", "") or "Depth"
    items = [lasio.HeaderItem(k, unit=index_unit, value=0.0, descr=d)
             for k, d in (("STRT", "START DEPTH"), ("STOP", "STOP DEPTH"), ("STEP", "STEP"))]
    items.append(lasio.HeaderItem("NULL", value=_LAS_NULL_OUT, descr="NULL VALUE"))
    seen = {"STRT", "STOP", "STEP", "NULL"}
    for item in sections.get("Well", []):
        mn = str(item.get("mnemonic", "")).strip()
        if not mn or mn.upper() in seen:
            continue
        seen.add(mn.upper())
        value = item.get("value")
        items.append(lasio.HeaderItem(mn, unit=item.get("unit", ""),
                                      value="" if value is None else value,
                                      descr=item.get("descr", "")))
    if "WELL" not in seen:
        items.append(lasio.HeaderItem("WELL", value=well.name, descr="WELL"))
    las.sections["Well"] = SectionItems(items)
    # Curves go to lasio without data (header only); the columns are formatted below.
    empty = np.empty(0)
    columns: list[np.ndarray] = [index_values]
    decimals: list[int] = [5]
    las.append_curve(index_name, empty, unit=index_unit, descr=index_descr)
    reserved = set(curves.RESULT_COLUMNS) | {index_name.upper()}
    for col in well.original.columns:
        if col == depth_name:
            continue
        meta = curve_meta.get(col, {})
        mn = _las_mnemonic(str(col))
        if mn.upper() in reserved:
            mn = f"{mn}_IN"
        las.append_curve(mn, empty, unit=meta.get("unit", ""), descr=meta.get("descr", ""))
        columns.append(well.original[col].to_numpy(dtype=float))
        decimals.append(5)
    for c in curves.RESULT_COLUMNS:
        if c == "QC":
            las.append_curve("QC", empty, unit="", descr="QC bit flags, see ~Other (0 = OK)")
            columns.append(qc.qc_bits(result["QC"]).astype(float))
            decimals.append(0)
        else:
            las.append_curve(c, empty, unit=curves.RESULT_UNITS[c],
                             descr=curves.RESULT_DESCRIPTIONS[c])
            columns.append(pd.to_numeric(result[c], errors="coerce").to_numpy(dtype=float))
            decimals.append(5)
    for item in sections.get("Parameter", []):
        mn = str(item.get("mnemonic", "")).strip()
        if mn:
            value = item.get("value")
            las.params[mn] = lasio.HeaderItem(mn, unit=item.get("unit", ""),
                                              value="" if value is None else value,
                                              descr=item.get("descr", ""))
    from . import __version__
    other = [f"Sonic curves predicted by SonicPredict {__version__}."]
    ens = result.attrs.get("ensemble")
    if ens:
        other[0] = other[0][:-1] + f" (ensemble {ens})."
    other.append(_qc_legend())
    no_index = ~np.isfinite(index_values)
    nulls = int(no_index.sum())
    if nulls:
        where = "the last " if no_index[-nulls:].all() else ""
        other.append(f"{where}{nulls} data row(s) have no depth (index = NULL): the input file "
                     "gave none; they are kept so every input row has its result.")
    if well.header.get("other"):
        other.append("Original ~Other section:\n" + str(well.header["other"]).strip())
    las.other = "\n".join(other)
    strt, stop, step = _index_start_stop_step(index_values)
    buf = io.StringIO()
    las.write(buf, version=2.0, wrap=False, STRT=strt, STOP=stop, STEP=step)
    buf.write(_las_data_section(columns, decimals, _LAS_NULL_OUT))
    return _emit(buf.getvalue().encode("utf-8"), dest)
