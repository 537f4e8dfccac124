"""Bytes -> text: size limits, DLIS/LIS told apart, other binaries named, encodings sniffed,
LAS told from CSV.

Standard library only, so the CLI can reject a missing, empty, oversized or binary file
(``check_file``) before it imports numpy, pandas and the models.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from sonic_model.core.errors import InputValueError, WellReadError

_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")


def fail(fname: str, problem: str) -> WellReadError:
    """The one shape of a reading error: the file's name, then the problem and what to do."""
    return WellReadError(f"{fname}: {problem}")


def load_bytes(source, name: str | None, max_bytes: int) -> tuple[bytes, str, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        fname = name or "upload"
        if len(raw) > max_bytes:
            raise fail(fname, f"file is {len(raw) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                               "limit; split it or raise SONIC_MAX_FILE_BYTES")
        return raw, fname, Path(fname).stem or fname
    if not isinstance(source, (str, os.PathLike)):
        raise InputValueError(f"read_well expects a path or bytes, not {type(source).__name__}")
    path = Path(source)
    fname = name or path.name or str(path)
    if not path.is_file():
        raise fail(str(path), "is not an existing regular file; check the path")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise fail(fname, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                               "limit; split it or raise SONIC_MAX_FILE_BYTES")
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(fname, f"cannot be read ({exc.strerror or exc}); check permissions") from exc
    return raw, fname, Path(fname).stem or fname


# Binary well formats read by dlisread: DLIS by its Storage Unit Label (or suffix), LIS79 by
# suffix (it has no magic bytes). A damaged one gets dlisread's message, not "binary".
_LIS_SUFFIXES = (".lis", ".lti")


def binary_format(raw: bytes, fname: str) -> str | None:
    """"dlis", "lis" or None (a text format, or an unsupported binary one)."""
    suffix = Path(fname).suffix.lower()
    head = raw[:256]
    # The Storage Unit Label: sequence number, "V1.00", "RECORD", ... (80 bytes), possibly
    # after a 12-byte tape-image (TIF) marker.
    sul = head.find(b"V1.00RECORD")
    if 0 <= sul <= 16 or suffix == ".dlis":
        return "dlis"
    if suffix in _LIS_SUFFIXES:
        return "lis"
    return None


_BINARY_HINTS = {
    ".xlsx": "Excel workbooks are not read; save the sheet as CSV",
    ".xls": "Excel workbooks are not read; save the sheet as CSV",
    ".zip": "unzip it and load the LAS or CSV inside",
    ".gz": "decompress it and load the LAS or CSV inside",
    ".pdf": "a PDF is a picture of a log; load the LAS or CSV data instead",
}


def decode(raw: bytes, fname: str) -> tuple[str, str]:
    if not raw.strip():
        raise fail(fname, "file is empty; export the well again")
    head = raw[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise fail(fname, "declares UTF-16 but does not decode; save it as UTF-8") from exc
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
        raise fail(fname, f"looks like a binary file, not LAS or CSV text; {hint}")
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise fail(fname, "unknown text encoding (tried utf-8, cp1252, latin-1); save it as UTF-8")




def is_las(text: str) -> bool:
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


def check_file(path: str | os.PathLike, max_bytes: int) -> None:
    """Raise the WellReadError that reading ``path`` would raise for a missing, unreadable,
    oversized, empty or binary file, or one in an unknown encoding."""
    raw, fname, _ = load_bytes(path, None, max_bytes)
    if binary_format(raw, fname) is None:
        decode(raw, fname)
    elif not raw:
        raise fail(fname, "file is empty; export the well again")
