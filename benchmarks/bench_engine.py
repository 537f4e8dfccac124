"""Timings of sonic_model.model.engine: tree members through libxgboost, KNN, and the whole ensemble,
each alone and with a second busy process; CLI start-up of the ctypes route vs the xgboost
package.

    .venv/bin/python benchmarks/bench_engine.py

Prints numbers; asserts nothing. Targets (issue 8): in-process prediction of 30,000 rows
<= 0.5 s, and <= 2x that while a second process is busy predicting. Each timing is the best
of several runs (wall clock): the machine is shared, so medians would mostly measure other
people's jobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sonic_model.model.engine import NeighbourIndex, TreePredictor  # noqa: E402
from sonic_model.training.member_fit import KNN_K, _fit_trees  # noqa: E402

N_ROWS = 30_000
N_FEATURES = 30

# A second process doing what a second user would: predicting 30,000 rows in a loop.
BUSY_CODE = textwrap.dedent("""
    import sys
    sys.path.insert(0, %r)
    import pandas as pd
    from sonic_model.io import contest
    from sonic_model.model import ensemble
    test = contest.load_test()
    frame = pd.concat([test, test, test], ignore_index=True).iloc[:30000]
    ens = ensemble.load_ensemble("full")
    while True:
        ensemble.predict(frame, ens)
""") % str(ROOT)


@contextmanager
def busy_neighbour():
    """A second process predicting in a loop for the duration of the block."""
    proc = subprocess.Popen([sys.executable, "-c", BUSY_CODE], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(4.0)           # past its start-up, into its predict loop
        yield
    finally:
        proc.terminate()
        proc.wait()


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def log_like(n: int, f: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n, 4))
    X = latent @ rng.standard_normal((4, f)) + 0.3 * rng.standard_normal((n, f))
    y = 90 + 15 * latent[:, 0] - 8 * np.tanh(latent[:, 1]) + 3 * latent[:, 2] ** 2
    return X.astype(np.float32), y + rng.normal(0, 1, n)


def bench_trees() -> dict[str, bytes]:
    import xgboost

    X_train, y_train = log_like(8_000, N_FEATURES, seed=0)
    X, _ = log_like(N_ROWS, N_FEATURES, seed=1)
    print(f"Tree members (member_fit.TREE_PARAMS) fitted on 8,000 rows, predict {N_ROWS:,} x "
          f"{N_FEATURES} float32 rows")
    blobs = {}
    for kind in ("xgb", "rf", "gbm"):
        blob = _fit_trees(kind, X_train, y_train)
        blobs[kind] = blob
        predictor = TreePredictor(blob)
        one = TreePredictor(blob, n_threads=1)
        booster = xgboost.Booster()
        booster.load_model(bytearray(blob))
        t_all = best_of(lambda: predictor.predict(X))
        t_one = best_of(lambda: one.predict(X))
        t_pkg = best_of(lambda: booster.inplace_predict(X))
        print(f"  {kind:3s}: ctypes {t_all * 1e3:6.1f} ms (1 thread {t_one * 1e3:6.1f} ms) | "
              f"xgboost package inplace_predict {t_pkg * 1e3:6.1f} ms | "
              f"{len(blob) / 1e6:.2f} MB ubj")
    return blobs


def startup(blobs: dict[str, bytes]) -> None:
    """Fresh-process cost of getting one tree prediction: ctypes route vs xgboost package."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.ubj"
        path.write_bytes(blobs["xgb"])
        common = ("import time;t=time.perf_counter();import numpy as np;"
                  f"X=np.zeros((10,{N_FEATURES}),dtype=np.float32);"
                  f"blob=open({str(path)!r},'rb').read();")
        routes = {
            "ctypes (sonic_model.model.engine)": common + (
                f"import sys;sys.path.insert(0,{str(ROOT)!r});"
                "from sonic_model.model.engine import TreePredictor;TreePredictor(blob).predict(X);"),
            "xgboost package (Booster)": common + (
                "import xgboost;b=xgboost.Booster();b.load_model(bytearray(blob));"
                "b.inplace_predict(X);"),
        }
        print("Fresh process: import + load one model + predict 10 rows (best of 5)")
        for name, code in routes.items():
            code += "print(time.perf_counter()-t)"
            times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                          text=True, check=True).stdout) for _ in range(5)]
            walls = []
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
                walls.append(time.perf_counter() - t0)
            print(f"  {name:28s} in-process {min(times):.2f} s | whole process "
                  f"{min(walls):.2f} s")


def knn_case():
    rng = np.random.default_rng(3)
    n_ref, dims = 3_800, 8          # about Well #1 thinned by member_fit.KNN_THIN, KNN_FEATURES
    basis = rng.standard_normal((4, dims))
    ref = rng.standard_normal((n_ref, 4)) @ basis + 0.3 * rng.standard_normal((n_ref, dims))
    Q = rng.standard_normal((N_ROWS, 4)) @ basis + 0.3 * rng.standard_normal((N_ROWS, dims))
    return NeighbourIndex(ref, rng.standard_normal((n_ref, 2)), KNN_K), Q


def ensemble_case():
    import pandas as pd

    from sonic_model.io import contest
    from sonic_model.model import ensemble

    test = contest.load_test()
    frame = pd.concat([test, test, test], ignore_index=True).iloc[:N_ROWS]
    return {name: (ensemble.load_ensemble(name), frame) for name in ("full", "light")}


def bench_contention() -> None:
    from sonic_model.model import ensemble

    index, Q = knn_case()
    cases = ensemble_case()
    cells = {f"KNN (cKDTree) {N_ROWS:,} queries, k={KNN_K}": lambda: index.predict(Q)}
    for name, (ens, frame) in cases.items():
        cells[f"{name} ensemble predict {N_ROWS:,} rows"] = \
            lambda e=ens, f=frame: ensemble.predict(f, e)
    alone = {k: best_of(fn, 5) for k, fn in cells.items()}
    with busy_neighbour():
        busy = {k: best_of(fn, 5) for k, fn in cells.items()}
    print("In-process timings, alone and with a second process predicting in a loop")
    for k in cells:
        print(f"  {k:42s} alone {alone[k]:.3f} s | busy neighbour {busy[k]:.3f} s "
              f"({busy[k] / alone[k]:.1f}x)")


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    blobs = bench_trees()
    startup(blobs)
    bench_contention()
    print(f"load average at end {os.getloadavg()[0]:.1f}")
