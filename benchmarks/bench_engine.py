"""Timings of sonic_model.engine: tree prediction through libxgboost, model load and size, KNN.

    .venv/bin/python benchmarks/bench_engine.py

Prints numbers; asserts nothing. Training the benchmark models imports scikit-learn and
xgboost (that is training-time work); the timed predict calls use neither. Each timing is the
best of several runs (wall clock): the machine is shared, so medians would mostly measure
other people's jobs.
"""

from __future__ import annotations

import os
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sonic_model.engine import (TreePredictor, knn_predict,  # noqa: E402
                                sklearn_to_xgboost_bytes, xgboost_to_bytes)

N_ROWS = 30_000
N_FEATURES = 30


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


def bench_trees() -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
    from xgboost import XGBRegressor

    X_train, y_train = log_like(8_000, N_FEATURES, seed=0)
    X, _ = log_like(N_ROWS, N_FEATURES, seed=1)
    models = {
        "XGBRegressor 300 trees depth 6": (
            XGBRegressor(n_estimators=300, max_depth=6, learning_rate=0.05, n_jobs=2,
                         random_state=0).fit(X_train, y_train), xgboost_to_bytes),
        "HistGradientBoosting 250 iters depth 6": (
            HistGradientBoostingRegressor(max_iter=250, max_depth=6, early_stopping=False,
                                          random_state=0).fit(X_train, y_train),
            sklearn_to_xgboost_bytes),
        "RandomForest 60 trees depth 12": (
            RandomForestRegressor(n_estimators=60, max_depth=12, min_samples_leaf=5,
                                  max_features=0.4, max_samples=0.5, n_jobs=2,
                                  random_state=0).fit(X_train, y_train),
            sklearn_to_xgboost_bytes),
    }
    print(f"Tree models, predict {N_ROWS:,} x {N_FEATURES} float32 rows "
          f"(source model's own predict for comparison)")
    for name, (model, export) in models.items():
        t0 = time.perf_counter()
        blob = export(model)
        t_convert = time.perf_counter() - t0
        t_load = best_of(lambda: TreePredictor(blob))
        predictor = TreePredictor(blob)
        t_pred = best_of(lambda: predictor.predict(X))
        t_pred1 = best_of(lambda: TreePredictor(blob, n_threads=1).predict(X), repeat=3)
        t_src = best_of(lambda: model.predict(X), repeat=2)
        diff = np.max(np.abs(predictor.predict(X) - model.predict(X)))
        print(f"  {name}")
        print(f"    predict {t_pred * 1e3:7.1f} ms (1 thread: load+predict "
              f"{t_pred1 * 1e3:.1f} ms) | source predict {t_src * 1e3:.1f} ms | "
              f"max |diff| {diff:.2e}")
        print(f"    load from bytes {t_load * 1e3:.1f} ms | size {len(blob) / 1e6:.2f} MB ubj, "
              f"{len(zlib.compress(blob, 6)) / 1e6:.2f} MB zlib-6 | convert {t_convert:.2f} s")


def bench_knn() -> None:
    print(f"knn_predict, {N_ROWS:,} queries, distance weights, 2 targets")
    rng = np.random.default_rng(3)
    for n_ref, dims, k in [(2_000, 8, 10), (5_000, 10, 12), (5_000, 12, 12)]:
        # Low intrinsic dimension plus noise, like standardised well logs.
        basis = rng.standard_normal((4, dims))
        ref = (rng.standard_normal((n_ref, 4)) @ basis
               + 0.3 * rng.standard_normal((n_ref, dims))).astype(np.float32)
        Q = (rng.standard_normal((N_ROWS, 4)) @ basis
             + 0.3 * rng.standard_normal((N_ROWS, dims))).astype(np.float32)
        Y = rng.standard_normal((n_ref, 2))
        cells = []
        for chunk in (128, 256, 512, 1024):
            cells.append(f"chunk {chunk}: "
                         f"{best_of(lambda: knn_predict(ref, Y, Q, k, chunk=chunk), 3) * 1e3:.0f} ms")
        # The naive alternative this replaces: one argpartition over all distances.
        t_naive = best_of(lambda: _naive_knn(ref, Q, k), 2)
        print(f"  ref {n_ref} x {dims}, k={k}: " + " | ".join(cells)
              + f" | naive argpartition {t_naive * 1e3:.0f} ms")


def _naive_knn(ref: np.ndarray, Q: np.ndarray, k: int, chunk: int = 2048) -> None:
    rn = np.einsum("ij,ij->i", ref, ref)
    for s in range(0, len(Q), chunk):
        q = Q[s:s + chunk]
        np.argpartition(rn[None, :] - 2.0 * (q @ ref.T), k, axis=1)


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    bench_trees()
    bench_knn()
    print(f"load average at end {os.getloadavg()[0]:.1f}")
