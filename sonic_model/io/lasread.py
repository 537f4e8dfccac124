"""LAS 1.2/2.0/3.0 text -> ``Table``, read by lasio (a thin repair step for ragged ~A lines)."""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re

import numpy as np
import pandas as pd

from sonic_model.io.encoding import fail
from sonic_model.io.well import Table, text_cells

_SECTION_RE = re.compile(r"^[ \t]*~", re.M)


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
            raise fail(fname, f"not a readable LAS file ({detail}); check it opens in a LAS "
                               "viewer or re-export it as LAS 2.0") from exc
    return las, messages


def _item_value(item):
    v = item.value
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    if isinstance(v, str):
        v = _value_and_descr(v, "")[0]
    return v


# lasio splits a header line at its last colon, so a description holding one ("DATE.
# 2020-08-09 20:01:46 : Log Export Date {yyyy-MM-dd HH:mm:ss}", every FORCE 2020 file) leaves
# "... : Log Export Date {yyyy-MM-dd HH:mm" in the value. A colon with white space on both sides
# is the delimiter (a time or a ratio inside a value has none).
_PADDED_COLON = re.compile(r"\s+:\s")


def _value_and_descr(value: str, descr: str) -> tuple[str, str]:
    m = _PADDED_COLON.search(value)
    if not m:
        return value, descr
    rest = value[m.end():].strip()
    return value[:m.start()].strip(), rest + (":" + descr if descr else "")


def _las_header(las, version: str) -> tuple[dict, float | None]:
    sections: dict[str, list[dict]] = {}
    for sec_name, sec in las.sections.items():
        if sec_name in ("Curves",) or not hasattr(sec, "keys"):
            continue
        items = []
        for item in sec:
            value, descr = _item_value(item), str(item.descr or "")
            if isinstance(item.value, str):
                descr = _value_and_descr(str(item.value), descr)[1]
            items.append({"mnemonic": str(item.original_mnemonic), "unit": str(item.unit or ""),
                          "value": value, "descr": descr})
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


def _numeric(frame: pd.DataFrame) -> tuple[np.ndarray, dict[int, dict]]:
    """Float matrix from a parsed frame; non-numeric cells -> NaN, and per column position
    the text cells that were (well.text_cells)."""
    texts: dict[int, dict] = {}
    cols = []
    for i, col in enumerate(frame.columns):
        s = frame[col]
        if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            conv = pd.to_numeric(s, errors="coerce")
            info = text_cells(s, conv)
            if info:
                texts[i] = info
            s = conv
        cols.append(s.to_numpy(dtype=float, na_value=np.nan))
    if not cols:
        return np.empty((len(frame), 0)), texts
    return np.column_stack(cols), texts


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


def _regular_rows(rows: list[tuple[int, str]], ncols: int) -> np.ndarray | None:
    """Rows of exactly ``ncols`` numbers parsed by numpy straight from the text (no token
    objects, no second parse by lasio); None when a token is not a number (lasio then reads
    the rows and counts the non-numeric values)."""
    import warnings as _warnings

    text = "\n".join(ln for _, ln in rows)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")     # numpy warns when it stops at a non-number
        try:
            values = np.fromstring(text, dtype=float, sep=" ")
        except ValueError:
            return None
    if values.size != len(rows) * ncols:
        return None
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


def _repair_rows(data_text: str, ncols: int, wrapped: bool, dlm: str, first_line: int,
                 warnings: list[str]) -> np.ndarray | None:
    """The ~A rows when lasio would misread them, else None (lasio reads the data).

    lasio's data reader flattens the section into one stream of values and reshapes it to the
    curve count. That is right for wrapped data, but a single short or long line shifts every
    later value into the wrong curve (or fails the reshape), and a truncated wrapped stream
    fails outright. Those files are read here instead, one row per data line (extra values
    cut, missing ones null, both warned with file line numbers), or as a padded token stream;
    and so are comma-delimited rows (see below).
    ``first_line`` is the file line number of the first data line.
    """
    sep = {"SPACE": None, "COMMA": ",", "TAB": "\t"}.get(dlm, "?")
    if sep == "?":
        return None               # an unusual delimiter: lasio's own splitter
    rows = [(i, ln) for i, ln in enumerate(data_text.splitlines())
            if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        return np.empty((0, ncols))
    # Token counts first, tokens only when a row needs them: a list of every token of a
    # 250,000-row file costs ~150 MB, more than a small host can spare (bench_memory.py).
    counts = [len(_split_line(ln, sep)) for _, ln in rows]
    if not wrapped and sep != "," and all(c == ncols for c in counts):
        return _regular_rows(rows, ncols)
    lines = [(i, _split_line(ln, sep)) for i, ln in rows]
    del rows
    if not wrapped and ncols > 1 and len(lines[0][1]) == 1:
        warnings.append("data rows are wrapped (depth alone on the first data line) but the "
                        "header does not say WRAP. YES; read as wrapped")
        wrapped = True
    if wrapped:
        if sum(len(tokens) for _, tokens in lines) % ncols:
            return _parse_tokens(data_text, ncols, warnings)
        return None
    # lasio 0.32 ignores DLM COMMA (it reads "1.0,2.0" as one value and leaves the other curves
    # empty), so comma-delimited rows are always read here.
    if sep == "," or any(len(tokens) != ncols for _, tokens in lines):
        return _parse_rows(lines, ncols, first_line, warnings)
    return None


# lasio's notes about how it read a file, not about the file: not shown to users.
_LASIO_CHATTER = ("Only engine='normal' can read wrapped files", "Could not convert curve")


def _split_sections(text: str, fname: str, warnings: list[str]) -> tuple[str, str, int]:
    """(header text for lasio, ~A data text, file line number of the first data line)."""
    starts = [m.start() for m in _SECTION_RE.finditer(text)]
    titles = [text[s:s + 80].lstrip().split("\n", 1)[0].strip().upper() for s in starts]
    bounds = list(zip(starts, starts[1:] + [len(text)], titles))
    # The log data section: ~A (1.2/2.0) or ~Log_Data (3.0); other 3.0 data sets (core, tops,
    # ...) are not logs and stay out of the header lasio sees.
    data_i = next((i for i, (_, _, t) in enumerate(bounds)
                   if t.startswith("~A") or t.startswith("~LOG_DATA")), None)
    if data_i is None:
        raise fail(fname, "has no ~A (data) section; the file is incomplete or only a "
                          "header; re-export it with its data")
    if sum(t.startswith("~A") or t.startswith("~LOG_DATA") for _, _, t in bounds) > 1:
        warnings.append("several data sections; only the first was read")

    def _other_dataset(title: str) -> bool:
        return bool(re.match(r"~\w*_(DATA|DEFINITION)", title)) and not title.startswith(
            ("~LOG_DEFINITION", "~LOG_DATA"))

    header_text = "".join(text[s:e] for s, e, t in bounds[:data_i] if not _other_dataset(t))
    s, e, _ = bounds[data_i]
    nl = text.find("\n", s)
    data_text = text[nl + 1:e] if 0 <= nl < e else ""
    return header_text, data_text, text.count("\n", 0, nl) + 2


def _curve_count(las, fname: str) -> int:
    if len(las.curves) == 0:
        raise fail(fname, "defines no curves (empty ~Curve section); re-export the file with "
                          "its curve definitions")
    return len(las.curves)


def read_las_table(text: str, fname: str) -> Table:
    """LAS text -> Table, through lasio: the header always, the data unless ``_repair_rows``
    has to read lines lasio would misalign."""
    version, wrapped, dlm = _version_of(text)
    warnings: list[str] = []
    header_text, data_text, first_line = _split_sections(text, fname, warnings)
    las3 = version.startswith("3")
    # The header alone first (ignore_data; lasio 0.32 cannot skip the data of a 3.0 file, so
    # that gets an empty ~A): the curve count decides whether lasio can read the rows.
    if las3:
        las, messages = _lasio_read(header_text + "~A\n", fname)
    else:
        las, messages = _lasio_read(header_text, fname, ignore_data=True)
    ncols = _curve_count(las, fname)
    data = _repair_rows(data_text, ncols, wrapped and not las3, dlm, first_line, warnings)
    texts: dict[int, dict] = {}
    if data is None:
        # One ~A title for every version: lasio reads a 3.0 ~Log_Data body the same way.
        las, messages = _lasio_read(header_text + "~A\n" + data_text, fname)
        ncols = _curve_count(las, fname)
        frame = pd.DataFrame({i: c.data for i, c in enumerate(las.curves)})
        data, texts = _numeric(frame)
    messages = [m for m in messages if not m.startswith(_LASIO_CHATTER)
                and "no data in ~A" not in m and "empty" not in m]
    version = version or str(_item_value(las.version["VERS"]) if "VERS" in las.version else "")
    header, null = _las_header(las, version)
    header["wrapped"] = wrapped
    warnings.extend(f"lasio: {m}" for m in messages[:5])
    names = [str(c.mnemonic) for c in las.curves]
    texts = {names[i]: info for i, info in texts.items() if i < len(names)}
    return Table(names=names, units=[str(c.unit or "") for c in las.curves],
                 descriptions=[str(c.descr or "") for c in las.curves], data=data,
                 depth_col=0, header=header, null=null, warnings=warnings, text_cells=texts)
