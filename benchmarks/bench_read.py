"""Print read_well timings: a 30,000-sample, 25-curve LAS 2.0 (the issue's target: <= 1 s),
the same file wrapped, via lasio's own reader for comparison, and the contest CSV if present.

    .venv/bin/python benchmarks/bench_read.py
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import lasio
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sonic_model.wells import read_well, write_las  # noqa: E402

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


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


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
        import pandas as pd
        from sonic_model import curves
        res = pd.DataFrame({c: np.full(len(well.curves), 80.0) for c in curves.RESULT_COLUMNS})
        res["QC"] = "OK"
        print(f"write_las 30000 x 32                       : "
              f"{best_of(lambda: write_las(well, res), 1):.3f} s")
    contest = Path("/work/shared/pdda2020/train.csv")
    if contest.is_file():
        print(f"contest train.csv (30143 x 9)    read_well: "
              f"{best_of(lambda: read_well(contest)):.3f} s")


if __name__ == "__main__":
    main()
