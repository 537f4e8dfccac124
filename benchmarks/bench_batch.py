"""Batch benchmark (issue 12): wells per minute through `python -m sonic_model batch`.

Copies of real wells -- the ten FORCE 2020 wells (Petrel LAS, 9,400-14,700 rows each) and the
contest's Well #2 inputs written as LAS at 0.1 m (11,088 rows) -- are made in a temporary folder
at run time (never committed), `--copies` times over. The whole CLI process is timed (start,
discovery, model loads, read, predict, write, report) for:
  - 1 local worker (scores in the CLI process itself),
  - 2 local workers (process pool, each loads the model once),
  - a 2-worker Dask LocalCluster (started before the clock: a cluster is already running when a
    user points `--scheduler` at it), via `--scheduler`;
then a re-run of the 1-worker batch, which skips every finished well.
Prints numbers, asserts nothing.

Run: .venv/bin/python benchmarks/bench_batch.py [--copies 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from sonic_model.serving.batch import available_cores

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {available_cores()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; load average {load:.1f} at start")


def contest_las(dest: Path) -> None:
    import lasio
    import numpy as np

    from sonic_model.io import contest

    frame = contest.load_test()
    las = lasio.LASFile()
    las.well["WELL"].value = "PDDA 2020 Well #2"
    las.append_curve("DEPT", 1000.0 + 0.1 * np.arange(len(frame)), unit="m")
    units = {"CAL": "in", "CNC": "v/v", "GR": "gAPI", "HRD": "ohm.m", "HRM": "ohm.m",
             "PE": "b/e", "ZDEN": "g/cm3"}
    for col in frame.columns:
        las.append_curve(col, frame[col].to_numpy(dtype=float), unit=units.get(col, ""))
    las.write(str(dest), version=2.0)


def make_field(root: Path, copies: int) -> int:
    force = sorted((SHARED / "force2020").glob("*.las"))
    if not force:
        sys.exit(f"no FORCE wells in {SHARED / 'force2020'}")
    n = 0
    template = root / "template_well2.las"
    contest_las(template)
    for k in range(copies):
        folder = root / "field" / f"copy{k}"
        folder.mkdir(parents=True)
        for src in force:
            shutil.copyfile(src, folder / src.name)
            n += 1
        shutil.copyfile(template, folder / "well2_0.1m.las")
        n += 1
    template.unlink()
    return n


def run_cli(field: Path, out: Path, *extra: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sonic_model", "batch", str(field), "-o",
                           str(out), "-q", *extra], cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"batch failed ({proc.returncode}): {proc.stderr}")
    return took, proc.stderr.strip().splitlines()[-1]


def per_well(out: Path) -> str:
    """Median of the report's per-well seconds (read + predict + write, model already loaded)."""
    import statistics

    import pandas as pd

    report = pd.read_csv(out / "batch_report.csv")
    ok = report[report["status"] == "ok"]
    return f"median {statistics.median(ok['seconds']):.2f} s per well inside a worker"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of the 11 wells")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        wells = make_field(tmp, args.copies)
        field = tmp / "field"
        size = sum(p.stat().st_size for p in field.rglob("*.las")) / 1e6
        print(f"{wells} wells ({size:.0f} MB of LAS): {args.copies} x (10 FORCE wells + Well #2 "
              "as LAS at 0.1 m)")
        results = {}
        for label, extra in (("1 local worker", ["--workers", "1"]),
                             ("2 local workers", ["--workers", "2"])):
            out = tmp / label.replace(" ", "_")
            took, summary = run_cli(field, out, *extra)
            results[label] = took
            print(f"{label:28s} {took:6.1f} s  {wells / took * 60:6.1f} wells/min   "
                  f"({per_well(out)})")

        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            took, summary = run_cli(field, tmp / "dask", "--scheduler", cluster.scheduler_address)
        print(f"{'Dask LocalCluster, 2 workers':28s} {took:6.1f} s  {wells / took * 60:6.1f} "
              f"wells/min   ({per_well(tmp / 'dask')})")

        first = results["1 local worker"]
        again, summary = run_cli(field, tmp / "1_local_worker", "--workers", "1")
        print(f"{'re-run (all up to date)':28s} {again:6.1f} s  = {again / first:.0%} of the "
              f"first 1-worker run")
        print(f"last summary line: {summary}")


if __name__ == "__main__":
    main()
