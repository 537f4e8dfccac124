"""Predict-path benchmark (issue 2, item 11): prints numbers, asserts nothing.

- load time of each ensemble, in-process predict time for 30,000 samples, peak RSS;
- artifact sizes;
- the whole CLI process (start, load, read, predict, write) on the contest's Well #2 inputs
  (11,088 rows): wall time and peak RSS of the child, best of several runs, beside the
  seed-like peer: the same job in one process that imports the stack eagerly, as SonicPredict's
  2020 service and a first version do (pandas, lasio, scikit-learn, scipy, the xgboost Python
  package), then makes the same library calls (read_well, load_ensemble, predict_well,
  write_csv). The ratio is what lazy imports buy (issue 11 target: <= 0.7x);
- the whole CLI process on an empty file (target <= 1.0 s: checked before the heavy imports);
- which heavy modules the predict path imports (none of streamlit/plotly/fastapi/sklearn/xgboost).

Run: .venv/bin/python benchmarks/bench_predict.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def in_process(runs: int) -> None:
    import numpy as np
    import pandas as pd

    from sonic_model.core.config import get_settings
    from sonic_model.io import contest
    from sonic_model.model import ensemble

    test = contest.load_test()
    frame = pd.concat([test, test, test], ignore_index=True).iloc[:30000]
    for name in ("full", "light"):
        t0 = time.perf_counter()
        ens = ensemble.load_ensemble(name)
        load = time.perf_counter() - t0
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            out = ensemble.predict(frame, ens)
            times.append(time.perf_counter() - t0)
        print(f"{name:5s} ensemble: load {load:.3f} s; predict 30,000 rows: best "
              f"{min(times):.3f} s, median {np.median(times):.3f} s "
              f"({len(out)} rows, {out['DTC_PRED'].notna().sum()} predicted)")
    print(f"peak RSS of this process: {ensemble.peak_rss_mb():.0f} MB")
    model_dir = get_settings().model_dir
    total = 0
    for p in sorted(model_dir.iterdir()):
        total += p.stat().st_size
        print(f"  {p.name:20s} {p.stat().st_size / 1024:8.1f} KB")
    print(f"  {'all artifacts':20s} {total / 1024:8.1f} KB")


PEER = """
import sys
import pandas, lasio, sklearn.ensemble, sklearn.neighbors, scipy.stats, xgboost  # eager, as a seed
from sonic_model.model import ensemble
from sonic_model import io as wells
well = wells.read_well(sys.argv[1])
result = ensemble.predict_well(well, ensemble.load_ensemble("full"))
wells.write_csv(well, result, sys.argv[2])
"""


def _child(cmd: list[str]) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MB, exit code, stderr) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # wait4: this child's own rusage. Runs before anything big is loaded here, as Linux
    # carries the parent's peak RSS into a forked child's ru_maxrss.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), \
        proc.stderr.read().decode().strip()


def cli(runs: int) -> None:
    from sonic_model.io import contest

    src = contest.test_csv()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "well2_pred.csv"
        ours = [sys.executable, "-m", "sonic_model", "predict", str(src), "-o", str(out), "-q"]
        peer = [sys.executable, "-c", PEER, str(src), str(Path(tmp) / "peer.csv")]
        walls: dict[str, list[float]] = {"cli": [], "peer": []}
        rss: dict[str, list[float]] = {"cli": [], "peer": []}
        for _ in range(runs):      # interleaved, so a load spike hits both alike
            for key, cmd in (("cli", ours), ("peer", peer)):
                wall, peak, code, err = _child(cmd)
                if code != 0:
                    print(f"{key} failed: {err}")
                    return
                walls[key].append(wall)
                rss[key].append(peak)
        rows = sum(1 for _ in open(out)) - 1
        for key, label in (("cli", "CLI predict"), ("peer", "seed-like peer")):
            print(f"{label:15s} on {src.name} ({rows} rows): best {min(walls[key]):.2f} s, "
                  f"median {sorted(walls[key])[len(walls[key]) // 2]:.2f} s over {runs} runs; "
                  f"peak RSS {max(rss[key]):.0f} MB")
        print(f"CLI / peer (best wall): {min(walls['cli']) / min(walls['peer']):.2f}x "
              "(target <= 0.7x)")
        empty = Path(tmp) / "empty.las"
        empty.write_bytes(b"")
        times = []
        for _ in range(runs):
            wall, _, code, err = _child([sys.executable, "-m", "sonic_model", "predict",
                                         str(empty), "-o", str(Path(tmp) / "e.csv")])
            times.append(wall)
        print(f"CLI predict on an empty file: best {min(times):.2f} s, worst {max(times):.2f} s "
              f"(exit {code}: {err}; target <= 1.0 s)")
        probe = ("import sys,runpy;sys.argv=['sonic_model','predict',%r,'-o',%r,'-q'];"
                 "import sonic_model.__main__ as m;m.main(sys.argv[1:]);"
                 "print(sorted(k for k in ('streamlit','plotly','fastapi','sklearn','xgboost','scipy')"
                 " if k in sys.modules))") % (str(src), str(out))
        heavy = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        print(f"heavy modules imported by the predict path: {heavy}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
    cli(args.runs)          # first, while this process is small (see cli())
    in_process(args.runs)
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
