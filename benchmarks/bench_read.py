"""Print read_well timings: a 30,000-sample, 25-curve LAS 2.0 (the issue's target: <= 1 s),
the same file wrapped, via lasio's own reader for comparison, and the contest CSV if present;
then write_las / write_csv for that well plus the 7 result columns (32 curves; write_las
target <= 0.4 s), lasio's own writer on the same curves for comparison, and write_las on a
copy whose last 1,000 rows have no depth. Last, real files: read_well beside lasio.read on the
ten FORCE 2020 wells and on the contest's Well #1 written as LAS (issue 11: LAS is read through
lasio unless an own parser is >= 3x faster on real files; the former own ~A parser measured
1.6x on the FORCE wells, so read_well now hands the data to lasio and its time is lasio's plus
the mapping).

    .venv/bin/python benchmarks/bench_read.py
"""

from __future__ import annotations

import copy
import io
import sys
import tempfile
from pathlib import Path

import lasio
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of

from sonic_model.core import curves, qc  # noqa: E402
from sonic_model.io import read_well, write_csv, write_las  # noqa: E402

NAMES = ["HCAL", "TNPH", "GR", "AT90", "AT30", "PEFZ", "RHOZ", "DTCO", "DTSM", "BS", "SP",
         "DRHO", "AT10", "AT20", "AT60", "NPOR", "HDRA", "TENS", "CALI", "ECGR", "RLA1", "RLA2",
         "PR", "TEMP"]


def make_las(n: int = 30000, wrap: bool = False) -> str:
    rng = np.random.default_rng(0)
    las = lasio.LASFile()
    las.append_curve("DEPT", 1000 + 0.5 * np.arange(n), unit="ft")
    for m in NAMES:
        v = rng.normal(50, 10, n)
        v[rng.random(n) < 0.02] = np.nan
        las.append_curve(m, v, unit={"TNPH": "%", "RHOZ": "kg/m3"}.get(m, ""))
    buf = io.StringIO()
    las.write(buf, version=2.0, wrap=wrap)
    return buf.getvalue()


def lasio_write(well, res) -> str:
    """What write_las did before: the same curves through lasio's per-value ~A writer."""
    las = lasio.LASFile()
    las.append_curve("DEPT", well.depth, unit=well.depth_unit)
    for col in well.original.columns[1:]:
        las.append_curve(str(col), well.original[col].to_numpy(dtype=float))
    for c in curves.RESULT_COLUMNS:
        values = np.asarray(qc.qc_bits(res[c]) if c == "QC" else res[c], dtype=float)
        las.append_curve(c, values)
    buf = io.StringIO()
    las.write(buf, version=2.0, wrap=False, fmt="%.5f",
              column_fmt={len(las.curves) - 1: "%.0f"})
    return buf.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.las"
        path.write_text(make_las())
        wrapped = Path(tmp) / "wrapped.las"
        wrapped.write_text(make_las(wrap=True))
        mb = path.stat().st_size / 1e6
        print(f"LAS 2.0 30000 x 25 ({mb:.1f} MB)   read_well: "
              f"{best_of(lambda: read_well(path)):.3f} s (target <= 1 s)")
        print(f"LAS 2.0 wrapped                  read_well: "
              f"{best_of(lambda: read_well(wrapped)):.3f} s")
        print(f"LAS 2.0 30000 x 25               lasio.read: "
              f"{best_of(lambda: lasio.read(path), 3):.3f} s (for comparison)")
        well = read_well(path)
        n = len(well.curves)
        rng = np.random.default_rng(1)
        res = pd.DataFrame({c: rng.normal(80, 20, n) for c in curves.RESULT_COLUMNS})
        res.loc[rng.random(n) < 0.05, ["DTC_PRED", "DTS_PRED"]] = np.nan
        res["QC"] = np.where(rng.random(n) < 0.1, "washout", "OK")
        ncurves = len(well.original.columns) + len(curves.RESULT_COLUMNS)
        payload = write_las(well, res)
        print(f"LAS 2.0 out 30000 x {ncurves} ({len(payload) / 1e6:.1f} MB) write_las: "
              f"{best_of(lambda: write_las(well, res)):.3f} s (target <= 0.4 s)")
        print(f"same rows and curves, CSV         write_csv: "
              f"{best_of(lambda: write_csv(well, res)):.3f} s")
        print(f"same curves, lasio's writer  LASFile.write: "
              f"{best_of(lambda: lasio_write(well, res), 1):.3f} s (the former write_las path)")
        holes = copy.copy(well)
        holes.depth = well.depth.copy()
        holes.depth[-1000:] = np.nan
        print(f"last 1,000 rows without depth    write_las: "
              f"{best_of(lambda: write_las(holes, res)):.3f} s")
    contest = SHARED / "pdda2020" / "train.csv"
    if contest.is_file():
        print(f"contest train.csv (30143 x 9)    read_well: "
              f"{best_of(lambda: read_well(contest)):.3f} s")
    real_files(contest)


SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def real_files(contest: Path) -> None:
    """read_well vs lasio.read on real LAS files: the FORCE wells, and Well #1 as LAS."""
    paths = sorted((SHARED / "force2020").glob("*.las"))
    with tempfile.TemporaryDirectory() as tmp:
        if contest.is_file():
            frame = pd.read_csv(contest)
            las = lasio.LASFile()
            las.append_curve("DEPT", 1000 + 0.5 * np.arange(len(frame)), unit="ft")
            for col in frame.columns:
                las.append_curve(col, frame[col].replace(-999, np.nan).to_numpy(dtype=float))
            as_las = Path(tmp) / "well1.las"
            las.write(str(as_las), version=2.0)
            paths.append(as_las)
        if not paths:
            print("no real LAS files found beside the checkout (../shared); skipped")
            return
        ours = theirs = 0.0
        for path in paths:
            a = best_of(lambda: read_well(path, require=False), 3)
            b = best_of(lambda: lasio.read(str(path)), 3)
            ours, theirs = ours + a, theirs + b
            print(f"{path.name:22s} {path.stat().st_size / 1e6:5.1f} MB  read_well {a:.3f} s  "
                  f"lasio.read {b:.3f} s")
        print(f"{len(paths)} real LAS files: read_well {ours:.3f} s, lasio.read {theirs:.3f} s "
              f"(read_well = lasio plus checks, mapping, units and depth ordering)")


if __name__ == "__main__":
    main()
