"""DLIS (RP66 v1) and LIS79 files -> ``Table``, read by dlisio: one depth-indexed frame, chosen
for its model inputs or named by the user; array channels skipped; other frames' curves
resampled onto it only when asked."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from sonic_model.core import curves, units
from sonic_model.core.errors import WellReadError
from sonic_model.io import rp66
from sonic_model.io.encoding import fail
from sonic_model.io.well import Table

_DEPTH_INDEX_TYPES = ("BOREHOLE-DEPTH", "VERTICAL-DEPTH")
_TIME_UNIT = re.compile(r"^[\d.]*(s|ms|us|sec|min|h|hr)$")
# Parameters where vendors record the value they write for an absent sample.
_ABSENT_PARAMETERS = ("ABSENT_VALUE", "ABSENT", "ABSV", "NULL", "NULL_VALUE")
_CANON = {m: canon for canon, names in curves.ALIASES.items() for m in names}


@dataclass
class Frame:
    """One frame of one logical file, described without reading its samples."""

    name: str
    logical_file: int                      # 1-based, in file order
    index: str                             # index channel mnemonic ("" without one)
    index_unit: str
    kind: str                              # "depth", "time" or "other"
    scalars: list[tuple[str, str, str]]    # (name, unit, description) of scalar channels
    arrays: list[tuple[str, str]]          # (name, why skipped): arrays, other sample rates
    load: Callable[[], tuple[np.ndarray, list[np.ndarray]]] = field(repr=False)
    encrypted: bool = False
    absent: float | None = None
    key: str = ""                          # what ``frame=`` accepts (set once all are known)

    @property
    def inputs(self) -> list[str]:
        found = {_CANON.get(curves.normalize_mnemonic(n)) for n, _, _ in self.scalars}
        return [c for c in curves.INPUTS + curves.TARGETS if c in found]

    def score(self) -> tuple[int, int, int]:
        have = self.inputs
        return (sum(c in have for c in curves.REQUIRED), sum(c in have for c in curves.INPUTS),
                sum(c in have for c in curves.TARGETS))

    def where(self, files: int) -> str:
        return f"frame {self.key}" + (f" (logical file {self.logical_file} of {files})"
                                      if files > 1 else "")


def _kind(index_type: str | None, mnemonic: str, unit: str) -> str:
    u = curves.normalize_unit(unit)
    if u in curves.DEPTH_UNITS or index_type in _DEPTH_INDEX_TYPES:
        return "depth"
    if u == "" and curves.normalize_mnemonic(mnemonic) in curves.DEPTH_ALIASES:
        return "depth"
    if (index_type == "TIME" or _TIME_UNIT.match(u)
            or curves.normalize_mnemonic(mnemonic) in curves.TIME_INDEX_ALIASES):
        return "time"
    return "other"


@contextlib.contextmanager
def _on_disk(source, raw: bytes) -> Iterator[str]:
    """A path dlisio can open: the caller's own file, or the uploaded bytes in a temporary one."""
    if isinstance(source, (str, os.PathLike)):
        yield os.fspath(source)
        return
    with tempfile.TemporaryDirectory(prefix="sonic-dlis-") as tmp:
        path = os.path.join(tmp, "upload")
        with open(path, "wb") as fh:
            fh.write(raw)
        yield path


class _Notes(logging.Handler):
    """dlisio's log lines go to the notes of the read in progress in this thread (the API
    reads in worker threads), never to the terminal."""

    local = threading.local()

    def emit(self, record):
        notes = getattr(self.local, "notes", None)
        with contextlib.suppress(Exception):
            if notes is not None and len(notes) < 3:
                notes.append("dlisio: " + record.getMessage().splitlines()[0][:160])


_NOTES = _Notes(level=logging.WARNING)


@contextlib.contextmanager
def _quiet_dlisio(messages: list[str]) -> Iterator[None]:
    """dlisio logs what it tolerated (unknown units, odd attributes); keep a few as notes."""
    logger = logging.getLogger("dlisio")
    if _NOTES not in logger.handlers:
        logger.addHandler(_NOTES)
        logger.propagate = False
    _Notes.local.notes = messages
    try:
        yield
    finally:
        _Notes.local.notes = None


def _unreadable(fname: str, fmt: str, exc: BaseException, path: str) -> WellReadError:
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    detail = " ".join(detail.replace(path, fname).split()).removeprefix("Problem: ")[:160]
    low = detail.lower()
    if any(w in low for w in ("truncat", "unexpected end", "eof", "end of file")):
        what = "it is truncated (the file ends inside a record); copy or export it again"
    elif "encrypt" in low:
        what = "its records are encrypted; ask the data owner for an unencrypted export"
    else:
        what = "it is damaged or not " + ("RP66 v1 DLIS" if fmt == "dlis" else "LIS79")
    return fail(fname, f"cannot be read as {fmt.upper()} ({detail}): {what}")


# ----------------------------------------------------------------------------- DLIS

def _dlis_frames(files, raw: bytes, path: str) -> tuple[list[Frame], dict]:
    frames, header = [], {}
    records = _once(lambda: rp66.scan(raw))
    for lf_no, lf in enumerate(files, start=1):
        header[lf_no] = _origin_header(lf)
        absent = _absent_value(lf)
        for fr in lf.frames:
            chans = list(fr.channels)
            if not chans:
                continue
            # dlisio's curves() put channels[0] first, after FRAMENO: the index when the frame
            # declares an index type, and in practice depth in frames that do not.
            first = chans[0]
            kind = _kind(fr.index_type, first.name, first.units or "")
            scalars, arrays = [], []
            for ch in chans[1:]:
                shape = [int(d) for d in (ch.dimension or [1])]
                if int(np.prod(shape)) > 1:
                    arrays.append((ch.name, f"array channel ({'x'.join(map(str, shape))}): "
                                           "images and waveforms are not model inputs"))
                else:
                    scalars.append((ch.name, str(ch.units or ""), str(ch.long_name or "")))
            frames.append(Frame(
                name=str(fr.name), logical_file=lf_no, index=first.name,
                index_unit=str(first.units or ""), kind=kind, scalars=scalars, arrays=arrays,
                load=_dlis_loader(fr, lf_no, records, path), encrypted=bool(fr.encrypted),
                absent=absent))
    return frames, header


def _once(fn):
    memo: list = []

    def get():
        if not memo:
            memo.append(fn())
        return memo[0]
    return get


def _dlis_loader(fr, lf_no: int, records, path: str):
    """The frame's samples: decoded from the bytes (rp66), or through dlisio's curves() for
    layouts that needs (the metadata-only open cannot: the file is loaded in full then)."""
    def load() -> tuple[np.ndarray, list[np.ndarray]]:
        found = records()
        key = (lf_no, fr.origin, fr.copynumber, fr.name)
        fast = rp66.decode(fr, found.get(key)) if found is not None else None
        if fast is not None:
            return fast
        from dlisio import dlis

        with dlis.load(path) as files:
            full = next(f for f in files[lf_no - 1].frames
                        if (f.origin, f.copynumber, f.name) == key[1:])
            data = full.curves()
        cols = [n for n in data.dtype.names if n != "FRAMENO"]
        index = np.asarray(data[cols[0]], dtype=float)
        out = []
        for n in cols[1:]:
            col = data[n]
            if col.ndim == 1:
                out.append(np.asarray(col, dtype=float) if col.dtype.kind in "fiu"
                           else np.full(len(col), np.nan))
        return index, out
    return load


def _origin_header(lf) -> dict:
    """WELL, FLD, ... from the logical file's defining origin."""
    header: dict = {}
    for origin in lf.origins[:1]:
        for key, attr in (("WELL", "well_name"), ("FLD", "field_name"), ("COMP", "company"),
                          ("UWI", "well_id"), ("SRVC", "producer_name")):
            value = getattr(origin, attr, None)
            if value not in (None, "") and key not in header:
                header[key] = str(value).strip()
    return header


def _absent_value(lf) -> float | None:
    for param in lf.parameters:
        if str(param.name).upper() in _ABSENT_PARAMETERS:
            with contextlib.suppress(Exception):
                value = float(np.ravel(param.values)[0])
                if np.isfinite(value):
                    return value
    return None


def _dlis_open(path: str):
    return rp66.open_metadata(path)


# ----------------------------------------------------------------------------- LIS79

def _lis_frames(files, raw: bytes, path: str) -> tuple[list[Frame], dict]:
    from dlisio import lis

    frames, header = [], {}
    for lf_no, lf in enumerate(files, start=1):
        for k, spec in enumerate(lf.data_format_specs(), start=1):
            meta = lis.curves_metadata(spec, sample_rate=1)
            names = list(meta)
            if not names:
                continue
            index_unit = str(spec.index_units or "")
            scalars = [(str(n).strip(), str(getattr(meta[n], "units", "") or "").strip(), "")
                       for n in names[1:]]
            # Channels sampled several times per frame are another rate, read only at rate 1.
            arrays = [(str(s.mnemonic).strip(), f"{s.samples} samples per frame: only "
                       "channels sampled once per frame are read")
                      for s in spec.specs if getattr(s, "samples", 1) > 1]

            def load(f=lf, s=spec) -> tuple[np.ndarray, list[np.ndarray]]:
                data = lis.curves(f, s, sample_rate=1)
                cols = list(data.dtype.names)
                return (np.asarray(data[cols[0]], dtype=float),
                        [np.asarray(data[c], dtype=float) if data[c].ndim == 1
                         else np.full(len(data), np.nan) for c in cols[1:]])

            absent = None
            with contextlib.suppress(Exception):
                absent = float(spec.absent_value)
            frames.append(Frame(name=f"DFSR{k}", logical_file=lf_no, index=str(names[0]).strip(),
                                index_unit=index_unit, kind=_kind(None, names[0], index_unit),
                                scalars=scalars, arrays=arrays, load=load, absent=absent))
    return frames, header


def _lis_open(path: str):
    from dlisio import lis

    return lis.load(path)


# ----------------------------------------------------------------------------- choosing

def _name_keys(frames: list[Frame]) -> None:
    names = [f.name for f in frames]
    for f in frames:
        f.key = f.name if names.count(f.name) == 1 else f"{f.logical_file}:{f.name}"


def describe(frame: Frame, files: int) -> str:
    """One line for a frame: what a select box or an error lists."""
    have = " ".join(frame.inputs) or "no model curves"
    unit = f" in {frame.index_unit}" if frame.index_unit else ""
    lf = f", logical file {frame.logical_file}" if files > 1 else ""
    if frame.kind != "depth":
        return f"{frame.key} (indexed by {frame.index}{unit}, not depth{lf})"
    return f"{frame.key} (depth {frame.index}{unit}: {have}{lf})"


def _pick(frames: list[Frame], wanted: str | None, fname: str) -> tuple[Frame, str]:
    """The frame to read and why."""
    files = max(f.logical_file for f in frames)
    readable = [f for f in frames if not f.encrypted]
    depth = [f for f in readable if f.kind == "depth"]
    if not any(f.kind == "depth" for f in frames):
        idx = sorted({f"{f.index} ({f.index_unit or 'no unit'})" for f in frames})
        raise fail(fname, "holds no depth-indexed log: every frame is indexed by "
                          f"{', '.join(idx)} (formation tester or stationary measurements, "
                          "not logs); load a depth-indexed DLIS, LIS or LAS file")
    if wanted is not None:
        hits = [f for f in frames if wanted in (f.key, f.name)]
        if not hits:
            raise fail(fname, f"has no frame {wanted!r}; its frames are "
                              + "; ".join(describe(f, files) for f in frames))
        best = max(hits, key=lambda f: f.score())
        if best.encrypted:
            raise fail(fname, f"frame {wanted!r} is encrypted; ask the data owner for an "
                              "unencrypted export or choose another frame")
        if best.kind != "depth":
            choices = "; ".join(describe(f, files) for f in depth) or "none in this file"
            raise fail(fname, f"frame {wanted!r} is indexed by {best.index} "
                              f"({best.index_unit or 'no unit'}), not depth; depth-indexed "
                              f"frames: {choices}")
        return best, "as asked"
    if not depth:
        raise fail(fname, "every depth-indexed frame is encrypted; ask the data owner for an "
                          "unencrypted export")
    best = max(depth, key=lambda f: f.score())   # max keeps the first of equals: file order
    if len(depth) == 1:
        return best, "the only depth-indexed frame"
    n = best.score()[1]
    return best, f"it carries the most model inputs ({n} of {len(curves.INPUTS)})"


# ----------------------------------------------------------------------------- reading

def list_frames(source, raw: bytes, fname: str, fmt: str) -> tuple[list[dict], str | None]:
    """([{key, label}] for every depth-indexed frame, the key the reader would choose)."""
    def work(frames, _header):
        files = max(f.logical_file for f in frames)
        rows = [{"key": f.key, "label": describe(f, files)} for f in frames
                if f.kind == "depth" and not f.encrypted]
        try:
            return rows, _pick(frames, None, fname)[0].key
        except WellReadError:
            return rows, None
    return _with_frames(source, raw, fname, fmt, work)


def read_binary_table(source, raw: bytes, fname: str, fmt: str, frame: str | None = None,
                      resample: bool = False) -> Table:
    """A DLIS/LIS file's chosen frame as a Table (index first, then its scalar channels)."""
    def work(frames, header):
        chosen, why = _pick(frames, frame, fname)
        return _frame_table(frames, chosen, why, header, fname, fmt, resample)
    return _with_frames(source, raw, fname, fmt, work)


def _with_frames(source, raw: bytes, fname: str, fmt: str, work):
    opener, lister = (_dlis_open, _dlis_frames) if fmt == "dlis" else (_lis_open, _lis_frames)
    messages: list[str] = []
    with _on_disk(source, raw) as path, _quiet_dlisio(messages):
        try:
            with opener(path) as files:
                if not len(files):
                    raise fail(fname, f"cannot be read as {fmt.upper()}: no logical file in it "
                                      "(truncated after its label?); copy or export it again")
                frames, header = lister(files, raw, path)
                if not frames:
                    raise fail(fname, f"holds no frames (no curve data); it is a {fmt.upper()} "
                                      "file without logs")
                _name_keys(frames)
                out = work(frames, header)
        except WellReadError:
            raise
        except Exception as exc:  # dlisio raises RuntimeError, ValueError, IOError, ...
            raise _unreadable(fname, fmt, exc, path) from exc
    if isinstance(out, Table):
        out.warnings.extend(messages)
    return out


def _frame_table(frames: list[Frame], chosen: Frame, why: str, header: dict, fname: str,
                 fmt: str, resample: bool) -> Table:
    files = max(f.logical_file for f in frames)
    # Another logical file may be another run, even another well: its own origin names it.
    header = header.get(chosen.logical_file) or next((h for h in header.values() if h), {})
    index, cols = chosen.load()
    names = [chosen.index] + [n for n, _, _ in chosen.scalars]
    units_ = [chosen.index_unit] + [u for _, u, _ in chosen.scalars]
    descr = ["index"] + [d for _, _, d in chosen.scalars]
    data = [index] + cols
    others = "; ".join(describe(f, files) for f in frames if f is not chosen)
    warnings = [f"{fmt.upper()}: read {chosen.where(files)}, {why}"
                + (f"; other frames: {others}" if others else "")
                + ("; choose another with frame=NAME (CLI --frame)" if others else "")]
    ignored = [{"mnemonic": n, "reason": why} for n, why in chosen.arrays]
    if chosen.arrays:
        warnings.append(f"{len(chosen.arrays)} multi-value channel(s) skipped: "
                        + ", ".join(n for n, _ in chosen.arrays[:8]))
    extra = _from_other_frames(frames, chosen, index, names, resample, warnings)
    for name, unit, d, values in extra:
        names.append(name)
        units_.append(unit)
        descr.append(d)
        data.append(values)
    matrix = np.column_stack([np.asarray(c, dtype=float) for c in data])
    well_items = [{"mnemonic": k, "unit": "", "value": header[k], "descr": k}
                  for k in ("WELL", "FLD", "COMP", "UWI", "SRVC") if header.get(k)]
    head = {"format": fmt.upper(), "sections": {"Well": well_items}, "other": "",
            "NULL": chosen.absent, "frame": {"name": chosen.name, "key": chosen.key,
                                             "logical_file": chosen.logical_file, "why": why,
                                             "note": warnings[0]},
            **{k: header[k] for k in ("WELL", "FLD", "COMP", "UWI", "SRVC") if header.get(k)}}
    return Table(names=_unique(names), units=units_, descriptions=descr, data=matrix,
                 depth_col=0, header=head, null=chosen.absent, warnings=warnings,
                 ignored=ignored)


def _unique(names: list[str]) -> list[str]:
    """Duplicate channel names (several copies or origins) become NAME:1, NAME:2 as in lasio."""
    out = []
    for n in names:
        if names.count(n) > 1:
            k = sum(1 for m in out if m.split(":")[0] == n) + 1
            out.append(f"{n}:{k}")
        else:
            out.append(n)
    return out


def _from_other_frames(frames: list[Frame], chosen: Frame, index: np.ndarray, names: list[str],
                       resample: bool, warnings: list[str]) -> list[tuple]:
    """Curves the chosen frame lacks that another depth frame has: resampled onto the chosen
    index when asked, otherwise named in a note."""
    have = set(chosen.inputs)
    files = max(f.logical_file for f in frames)
    # The chosen logical file first: another logical file may be another run or pass.
    pool = sorted((f for f in frames if f is not chosen and f.kind == "depth"
                   and not f.encrypted), key=lambda f: f.logical_file != chosen.logical_file)
    out, offered = [], []
    for f in pool:
        new = [c for c in f.inputs if c not in have]
        if not new:
            continue
        if not resample:
            offered.append(f"{', '.join(new)} in {f.where(files)}")
            have.update(new)
            continue
        f_index, f_cols = f.load()
        for (n, unit, d), values in zip(f.scalars, f_cols):
            canon = _CANON.get(curves.normalize_mnemonic(n))
            if canon not in new or canon in have:
                continue
            target = _resample(f_index, f.index_unit, values, f.absent, index, chosen.index_unit)
            if not np.isfinite(target).any():
                continue
            have.add(canon)
            out.append((n if n not in names else f"{n}_{f.name}", unit,
                        f"resampled from {f.where(files)}", target))
            warnings.append(f"{n} ({canon}) resampled from {f.where(files)} onto the depth "
                            f"of frame {chosen.key}, as asked (linear, averaged over the "
                            "coarser step)")
    if offered:
        warnings.append("not used, sampled on another depth index: " + "; ".join(offered)
                        + "; ask for resampling (CLI --resample, API resample=true) to put "
                          "them on the chosen frame's depth")
    return out


def _depth_ft(values: np.ndarray, unit: str) -> np.ndarray:
    factor = units.depth_unit(unit)[1]
    return values * (factor if np.isfinite(factor) else 1.0)


def _resample(src_depth: np.ndarray, src_unit: str, values: np.ndarray, absent: float | None,
              dst_depth: np.ndarray, dst_unit: str) -> np.ndarray:
    """Values at dst_depth: box-averaged to the destination step when the source is finer,
    then linearly interpolated; NaN outside the source's range and across its gaps."""
    x = _depth_ft(np.asarray(src_depth, dtype=float), src_unit)
    v = np.asarray(values, dtype=float).copy()
    nulls = curves.NULL_SENTINELS + (() if absent is None else (absent,))
    bad = ~np.isfinite(v) | np.isin(v, nulls)
    keep = np.isfinite(x) & ~bad
    x, v = x[keep], v[keep]
    t = _depth_ft(np.asarray(dst_depth, dtype=float), dst_unit)
    if x.size < 2:
        return np.full(t.shape, np.nan)
    order = np.argsort(x, kind="stable")
    x, v = x[order], v[order]
    src_step = float(np.median(np.diff(x))) or 1e-9
    dst_steps = np.abs(np.diff(t[np.isfinite(t)]))
    dst_step = float(np.median(dst_steps)) if dst_steps.size else src_step
    width = round(dst_step / src_step)
    if width > 1:
        kernel = np.ones(width) / width
        v = np.convolve(v, kernel, mode="same") / np.convolve(np.ones_like(v), kernel,
                                                              mode="same")
    out = np.interp(t, x, v, left=np.nan, right=np.nan)
    pos = np.clip(np.searchsorted(x, t), 1, x.size - 1)
    gap = (x[pos] - x[pos - 1]) > 2.5 * max(src_step, 1e-9)
    out[gap | ~np.isfinite(t)] = np.nan
    return out
