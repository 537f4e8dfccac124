"""A field folder for batch tests: small slices of real wells mixed with files that are not wells.

Slices of the FORCE 2020 wells (Petrel LAS exports) and of the contest's Well #2 inputs are
written with lasio (or pandas, for the CSV vendor) into a temporary folder at run time; nothing
derived from the shared data is committed.
"""

from __future__ import annotations

import copy
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lasio
import numpy as np
import pandas as pd

from support import force_las, unavailable

NEEDED = ("NPHI", "RHOB", "GR", "RDEP", "DTC")


@dataclass
class Field:
    root: Path
    readable: dict[str, int]        # path relative to root -> rows
    bad: dict[str, str]             # path relative to root -> regex the message must match
    ignored: list[str]              # files in the folder that are not taken as wells
    measured: set[str]              # readable wells with measured DTC


def force_slice(name: str, rows: int, skip: int = 0) -> lasio.LASFile:
    """``rows`` consecutive samples of a FORCE well, starting where its main logs all exist."""
    src = force_las(name)
    df = src.df()
    start = int(np.flatnonzero(df[list(NEEDED)].notna().all(axis=1).to_numpy())[0]) + skip
    part = df.iloc[start:start + rows]
    las = lasio.LASFile()
    for item in src.well:
        if item.mnemonic not in ("STRT", "STOP", "STEP"):
            las.well[item.mnemonic] = copy.deepcopy(item)   # the source is shared (cached)
    las.append_curve("DEPT", part.index.to_numpy(), unit="m", descr="DEPTH")
    for curve in src.curves[1:]:
        las.append_curve(curve.mnemonic, part[curve.mnemonic].to_numpy(), unit=curve.unit,
                         descr=curve.descr)
    return las


def las_text(las: lasio.LASFile) -> str:
    buf = io.StringIO()
    las.write(buf, version=2.0)
    return buf.getvalue()


def contest_las(rows: int) -> str:
    """Well #2's inputs (the contest's blind well, no sonic) as LAS at 0.1 m steps."""
    from sonic_model.core.errors import DataNotFoundError
    from sonic_model.io.contest import find_data_dir

    try:
        path = find_data_dir() / "test.csv"
    except DataNotFoundError as exc:
        unavailable(f"contest data unavailable: {exc}")
    df = pd.read_csv(path, nrows=rows)
    las = lasio.LASFile()
    las.well["WELL"].value = "PDDA 2020 Well #2"
    las.append_curve("DEPT", 1000.0 + 0.1 * np.arange(len(df)), unit="m")
    units = {"CAL": "in", "CNC": "v/v", "GR": "gAPI", "HRD": "ohm.m", "HRM": "ohm.m",
             "PE": "b/e", "ZDEN": "g/cm3"}
    for col in df.columns:
        las.append_curve(col, df[col].to_numpy(), unit=units.get(col, ""))
    return las_text(las)


def lidar_bytes() -> bytes:
    """The start of an ASPRS LAS 1.2 point cloud: 'LASF' signature, then a binary header."""
    header = bytearray(227)
    header[0:4] = b"LASF"
    header[24:26] = bytes([1, 2])                       # version 1.2
    header[26:58] = b"lidar scanner".ljust(32, b"\0")
    header[58:90] = b"PDAL 2.5".ljust(32, b"\0")
    header[94:96] = (227).to_bytes(2, "little")         # header size
    rng = np.random.default_rng(3)
    return bytes(header) + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()


def write_field(root: Path, rows: int = 300) -> Field:
    root.mkdir(parents=True, exist_ok=True)
    readable: dict[str, int] = {}

    def put(rel: str, text: str | bytes) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
        return path

    # Petrel exports (one vendor), two of them with the same file name in different folders.
    put("petrel/a/well.las", las_text(force_slice("16_2-16", rows)))
    put("petrel/b/well.las", las_text(force_slice("34_10-19", rows)))
    put("petrel/deep/31_3-4.LAS", las_text(force_slice("31_3-4", rows)))   # has DTS too
    # Another vendor's CSV: a units row under the header, neutron in percent.
    src = force_slice("25_11-5", rows)
    df = src.df().reset_index()[["DEPT", "CALI", "RDEP", "RMED", "NPHI", "RHOB", "GR", "DTC"]]
    df["NPHI"] = df["NPHI"] * 100.0
    units = pd.DataFrame([["m", "in", "ohm.m", "ohm.m", "%", "g/cm3", "gAPI", "us/ft"]],
                         columns=df.columns)
    put("vendor_csv/25_11-5.csv", pd.concat([units, df.astype(object)]).to_csv(index=False))
    # The contest's blind well (another vendor, contest mnemonics), inputs only.
    put("contest/well2.las", contest_las(rows))
    for rel in ("petrel/a/well.las", "petrel/b/well.las", "petrel/deep/31_3-4.LAS",
                "vendor_csv/25_11-5.csv", "contest/well2.las"):
        readable[rel] = rows
    measured = {r for r in readable if not r.startswith("contest")}

    rng = np.random.default_rng(11)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("well.las", las_text(force_slice("31_2-9", 50)))
    empty_las = force_slice("31_2-10", 40)
    nulls = lasio.LASFile()
    for item in empty_las.well:
        if item.mnemonic not in ("STRT", "STOP", "STEP"):
            nulls.well[item.mnemonic] = item
    nulls.append_curve("DEPT", empty_las.index, unit="m")
    for curve in empty_las.curves[1:]:
        nulls.append_curve(curve.mnemonic, np.full(len(empty_las.index), np.nan),
                           unit=curve.unit)
    header_only = las_text(force_slice("31_2-10", 5))
    header_only = header_only[:header_only.index("~A")] + "~A\n"
    bad = {
        "bad/binary.las": (rng.integers(0, 256, 5000, dtype=np.uint8).tobytes(), "binary"),
        "bad/zipped.las": (zipped.getvalue(), "zip"),
        "bad/empty.las": (b"", "empty"),
        "bad/lidar.las": (lidar_bytes(), "binary|LiDAR|LASF|point cloud"),
        "bad/no_logs.csv": ("name,age,city\nKari,41,Oslo\nOla,37,Bergen\n", "required curve"),
        "bad/header_only.las": (header_only, "no (numeric )?data"),
        "bad/all_null.las": (las_text(nulls), "null"),
    }
    for rel, (content, _) in bad.items():
        put(rel, content)
    ignored = ["bad/photo.png", ".hidden.las", "petrel/notes.docx"]
    put("bad/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    put(".hidden.las", "~Version\n")
    put("petrel/notes.docx", b"PK\x03\x04")
    return Field(root, readable, {k: v[1] for k, v in bad.items()}, ignored, measured)


def copy_field(field: Field, dest: Path) -> Field:
    shutil.copytree(field.root, dest)
    return Field(dest, dict(field.readable), dict(field.bad), list(field.ignored),
                 set(field.measured))
