"""Prediction for the tree and KNN members without importing scikit-learn or xgboost.

Tree members are XGBoost models (XGBRegressor / XGBRFRegressor, saved as UBJSON bytes at
training time). At predict time they are evaluated by calling ``libxgboost`` -- the shared
library inside the xgboost wheel -- through ``ctypes``: importing the xgboost Python package
costs ~0.9 s of CLI start-up on this machine (it imports scikit-learn), which the CLI's budget
does not have (benchmarks/bench_engine.py measures both routes). The library is found with
xgboost's own lookup (its ``libpath.py``, run without importing the package) and its version
is checked when it is loaded.

KNN uses scipy's cKDTree (exact; two threads on long wells, one on short ones: measured in
benchmarks/bench_models.py, see NeighbourIndex.predict).
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import threading
import weakref

import numpy as np

from sonic_model.core.errors import ArtifactError, InputValueError

__all__ = ["TreePredictor", "NeighbourIndex", "libxgboost_version", "check_trained_version"]

# Oldest libxgboost whose C API and model format this module relies on
# (XGBoosterPredictFromDense with this config, UBJSON, multi-target models).
MIN_LIBXGBOOST = (2, 0, 0)

# ============================================================================ libxgboost (ctypes)

_LIB: ctypes.CDLL | None = None
_LIB_LOCK = threading.Lock()
_c_ulong_p = ctypes.POINTER(ctypes.c_uint64)


def _libxgboost_path() -> str:
    """The library path as xgboost itself finds it (xgboost/libpath.py, ``find_lib_path``).

    libpath.py imports only the standard library; loading it as a standalone module keeps
    xgboost's __init__ (and scikit-learn) out of the process.
    """
    spec = importlib.util.find_spec("xgboost")
    if spec is None or not spec.submodule_search_locations:
        raise ArtifactError("the xgboost package is not installed; `pip install xgboost-cpu` "
                            "provides libxgboost, which evaluates the tree members")
    package_dir = spec.submodule_search_locations[0]
    helper = importlib.util.spec_from_file_location("_sonic_xgboost_libpath",
                                                    f"{package_dir}/libpath.py")
    module = importlib.util.module_from_spec(helper)
    try:
        helper.loader.exec_module(module)
        return module.find_lib_path()[0]
    except Exception as exc:  # XGBoostLibraryNotFound, or a package without libpath.py
        raise ArtifactError(f"libxgboost not found via xgboost's own lookup ({exc}); "
                            "reinstall xgboost-cpu") from None


def _lib() -> ctypes.CDLL:
    """Load libxgboost once per process (lazily: importing this module stays cheap)."""
    global _LIB
    if _LIB is not None:
        return _LIB
    with _LIB_LOCK:
        if _LIB is None:
            lib = ctypes.CDLL(_libxgboost_path())
            ip = ctypes.POINTER(ctypes.c_int)
            lib.XGBoostVersion.restype = None
            lib.XGBoostVersion.argtypes = [ip, ip, ip]
            version = _version_of(lib)
            if version < MIN_LIBXGBOOST:
                raise ArtifactError(
                    f"libxgboost {'.'.join(map(str, version))} is too old: SonicPredict needs "
                    f"{'.'.join(map(str, MIN_LIBXGBOOST))} or newer; `pip install -r "
                    "requirements.txt` installs the pinned xgboost-cpu")
            vp, cp, u64, pu64 = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint64, _c_ulong_p
            # Explicit signatures: a wrong implicit int conversion of a pointer would crash,
            # not raise.
            lib.XGBGetLastError.restype = cp
            lib.XGBGetLastError.argtypes = []
            for name, args in {
                "XGBoosterCreate": [vp, u64, ctypes.POINTER(vp)],
                "XGBoosterFree": [vp],
                "XGBoosterLoadModelFromBuffer": [vp, cp, u64],
                "XGBoosterSetParam": [vp, cp, cp],
                "XGBoosterGetNumFeature": [vp, pu64],
                "XGBoosterPredictFromDense": [vp, cp, cp, vp, ctypes.POINTER(pu64), pu64,
                                              ctypes.POINTER(ctypes.POINTER(ctypes.c_float))],
            }.items():
                fn = getattr(lib, name)
                fn.restype = ctypes.c_int
                fn.argtypes = args
            _LIB = lib
    return _LIB


def _version_of(lib: ctypes.CDLL) -> tuple[int, int, int]:
    parts = [ctypes.c_int() for _ in range(3)]
    lib.XGBoostVersion(*[ctypes.byref(p) for p in parts])
    return tuple(p.value for p in parts)  # type: ignore[return-value]


def libxgboost_version() -> tuple[int, int, int]:
    """(major, minor, patch) of the loaded libxgboost."""
    return _version_of(_lib())


def check_trained_version(trained: str | None) -> None:
    """Refuse tree models saved by a newer XGBoost than the library that would read them:
    older libraries may misread a newer model format instead of failing cleanly."""
    if not trained:
        return
    want = tuple(int(x) for x in str(trained).split(".")[:2])
    have = libxgboost_version()
    if have[:2] < want:
        raise ArtifactError(f"the tree models were saved by XGBoost {trained} but the installed "
                            f"libxgboost is {'.'.join(map(str, have))}; install xgboost-cpu "
                            f"~={trained} (requirements.txt) or re-run `python -m sonic_model train`")


def _last_error(lib: ctypes.CDLL) -> str:
    msg = lib.XGBGetLastError()
    return msg.decode("utf-8", "replace").strip() if msg else "unknown libxgboost error"


# The same JSON the xgboost package sends for Booster.inplace_predict(predict_type="value").
# NaN marks missing values; inputs reaching predict are imputed upstream, so it never fires.
_PREDICT_CONFIG = json.dumps({"type": 0, "training": False, "iteration_begin": 0,
                              "iteration_end": 0, "missing": float("nan"),
                              "strict_shape": False, "cache_id": 0}).encode()


class TreePredictor:
    """An XGBoost-format tree model (UBJSON or JSON bytes) evaluated by libxgboost via ctypes.

    ``predict`` takes (n, n_features) inputs (float32 C-contiguous avoids a copy) and returns
    float64 (n,) -- or (n, n_targets) for a multi-target model. Safe to share between threads:
    a lock serialises calls (libxgboost parallelises each call over ``n_threads`` itself; 0 =
    its default, all cores). Pickles as its bytes, so it can cross process boundaries.
    """

    def __init__(self, model_bytes: bytes, n_threads: int = 0):
        if not isinstance(model_bytes, (bytes, bytearray, memoryview)) or len(model_bytes) == 0:
            raise ArtifactError("tree model bytes are empty or not bytes; the model artifact "
                                "is damaged -- re-run `python -m sonic_model train`")
        self._bytes = bytes(model_bytes)
        self._n_threads = int(n_threads)
        self._lock = threading.Lock()
        lib = _lib()
        handle = ctypes.c_void_p()
        if lib.XGBoosterCreate(None, 0, ctypes.byref(handle)) != 0:
            raise ArtifactError(f"libxgboost could not create a booster: {_last_error(lib)}")
        # Freed when the object is collected or at exit, whichever comes first.
        self._finalizer = weakref.finalize(self, lib.XGBoosterFree, handle)
        self._handle = handle
        if lib.XGBoosterLoadModelFromBuffer(handle, self._bytes, len(self._bytes)) != 0:
            err = _last_error(lib)
            self._finalizer()
            raise ArtifactError(f"tree model bytes do not load in libxgboost ({err}); the model "
                                "artifact is damaged or from an incompatible version -- re-run "
                                "`python -m sonic_model train`")
        if self._n_threads > 0:
            self._check(lib.XGBoosterSetParam(handle, b"nthread", str(self._n_threads).encode()))
        n = ctypes.c_uint64()
        self._check(lib.XGBoosterGetNumFeature(handle, ctypes.byref(n)))
        self._n_features = int(n.value)
        # One-row warm-up: libxgboost configures the learner on first predict (not thread-safe
        # and slow-ish), and it reveals the number of targets.
        self._n_targets = 1
        warm = self.predict(np.zeros((1, self._n_features), dtype=np.float32))
        self._n_targets = 1 if warm.ndim == 1 else int(warm.shape[1])

    @property
    def n_features(self) -> int:
        return self._n_features

    @property
    def n_targets(self) -> int:
        return self._n_targets

    def _check(self, ret: int) -> None:
        if ret != 0:
            raise ArtifactError(f"libxgboost call failed: {_last_error(_lib())}")

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != self._n_features:
            raise InputValueError(f"tree model expects a 2-D array with {self._n_features} "
                                  f"feature columns, got shape {X.shape}")
        n = X.shape[0]
        if n == 0:
            return np.empty((0,) if self._n_targets == 1 else (0, self._n_targets))
        interface = ('{"data": [%d, true], "shape": [%d, %d], "strides": null, '
                     '"typestr": "<f4", "version": 3}'
                     % (X.ctypes.data, n, X.shape[1])).encode()
        shape = _c_ulong_p()
        dims = ctypes.c_uint64()
        result = ctypes.POINTER(ctypes.c_float)()
        lib = _lib()
        with self._lock:
            if not self._finalizer.alive:
                raise ArtifactError("TreePredictor was closed")
            ret = lib.XGBoosterPredictFromDense(self._handle, interface, _PREDICT_CONFIG, None,
                                                ctypes.byref(shape), ctypes.byref(dims),
                                                ctypes.byref(result))
            if ret != 0:
                raise ArtifactError(f"libxgboost predict failed: {_last_error(lib)}")
            out_shape = tuple(int(shape[i]) for i in range(dims.value))
            size = int(np.prod(out_shape))
            # The result buffer belongs to the booster and is reused by the next call: copy
            # it (as float64) while still holding the lock.
            out = np.ctypeslib.as_array(result, shape=(size,)).astype(np.float64)
        del X  # kept alive until here: libxgboost read it through a raw pointer
        return out.reshape(out_shape)

    def close(self) -> None:
        """Free the native booster now instead of at garbage collection."""
        with self._lock:
            self._finalizer()

    def __reduce__(self):
        return (type(self), (self._bytes, self._n_threads))


# ============================================================================ KNN (scipy)

LEAF_SIZE = 32
PARALLEL_ROWS = 5000


def _query_threads() -> int:
    """At most two, and no more than a batch worker's share of the cores: process pools and
    Dask workers set OMP_NUM_THREADS to it (batch/local.py), like libxgboost and BLAS."""
    try:
        share = int(os.environ.get("OMP_NUM_THREADS", "2"))
    except ValueError:
        share = 1
    return max(1, min(2, os.cpu_count() or 1, share))


class NeighbourIndex:
    """k-nearest-neighbour regression over fixed reference points (scipy cKDTree, exact).

    Distance-weighted like scikit-learn's KNeighborsRegressor(weights="distance"): a query
    that hits references exactly averages those references only. A target unknown (NaN) at
    some references -- shear where only DTC was logged -- is predicted from the k nearest
    references that know it. ``predict`` also returns each query's mean distance to its k
    nearest references, the novelty measure for QC and bands.
    """

    def __init__(self, refs: np.ndarray, targets: np.ndarray, k: int):
        from scipy.spatial import cKDTree  # ~0.15 s import: only when a KNN member loads

        refs = np.asarray(refs, dtype=np.float64)
        targets = np.asarray(targets, dtype=np.float64)
        self._one_d = targets.ndim == 1
        self._targets = targets.reshape(len(targets), -1)
        if refs.ndim != 2 or len(refs) != len(self._targets):
            raise ArtifactError(f"KNN references {refs.shape} and targets "
                                f"{self._targets.shape} do not match; re-run training")
        self.k = int(k)
        if not 1 <= self.k <= len(refs):
            raise InputValueError(f"k must be between 1 and the {len(refs)} reference points, "
                                  f"got {self.k}")
        self._dims = refs.shape[1]
        # Leaves of 32 points: 12 % faster queries than the default 16 on Well #1's 3,100
        # standardised references (30,000 queries, k=12: 0.102 s vs 0.116 s).
        self._tree = cKDTree(refs, leafsize=LEAF_SIZE)
        # Targets grouped by which references know them: {mask bytes: (mask, cols, subtree)}.
        # A partly known target takes the first k knowing references among the 2k nearest
        # (one search serves every target); rows with fewer search the knowing subset.
        self._groups: list[tuple[np.ndarray, list[int], object]] = []
        known = np.isfinite(self._targets)
        for j in range(self._targets.shape[1]):
            for mask, cols, _ in self._groups:
                if np.array_equal(known[:, j], mask):
                    cols.append(j)
                    break
            else:
                mask = known[:, j]
                sub = None if mask.all() or not mask.any() else \
                    (cKDTree(refs[mask], leafsize=LEAF_SIZE), np.flatnonzero(mask))
                self._groups.append((mask, [j], sub))
        self._partial = any(sub is not None for _, _, sub in self._groups)

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self._dims:
            raise InputValueError(f"KNN expects a 2-D array with {self._dims} columns, "
                                  f"got shape {X.shape}")
        k, n = self.k, len(X)
        depth = min(2 * k if self._partial else k, self._tree.n)
        # Two threads from PARALLEL_ROWS rows: 30,000 rows with north-sea predict in 0.34 s
        # instead of 0.41 s (0.37 vs 0.42 s with the other core busy: no worse under load);
        # a short query is over before a thread pays off.
        workers = _query_threads() if n >= PARALLEL_ROWS else 1
        dist, idx = self._tree.query(X, k=depth, workers=workers)
        dist, idx = dist.reshape(n, depth), idx.reshape(n, depth)
        pred = np.full((n, self._targets.shape[1]), np.nan)
        for mask, cols, sub in self._groups:
            if not mask.any():        # no reference knows these targets: NaN
                continue
            if sub is None:
                d, i = dist[:, :k], idx[:, :k]
            else:
                kg = min(k, len(sub[1]))
                knows = mask[idx]
                # stable sort: knowing neighbours first, still in order of distance
                first = np.argsort(~knows, axis=1, kind="stable")[:, :kg]
                d = np.take_along_axis(dist, first, axis=1)
                i = np.take_along_axis(idx, first, axis=1)
                short = knows.sum(axis=1) < kg
                if short.any():
                    ds, js = sub[0].query(X[short], k=kg, workers=1)
                    d[short] = ds.reshape(-1, kg)
                    i[short] = sub[1][js.reshape(-1, kg)]
            pred[:, cols] = np.einsum("nk,nkt->nt", _inverse_distance(d),
                                      self._targets[i][:, :, cols])
        novelty = dist[:, :k].mean(axis=1)
        return (pred[:, 0] if self._one_d else pred), novelty


def _inverse_distance(dist: np.ndarray) -> np.ndarray:
    """Normalised 1/d weights; a row with exact hits weighs those hits only (scikit-learn)."""
    with np.errstate(divide="ignore"):
        w = 1.0 / dist
    hit = np.isinf(w)
    rows = hit.any(axis=1)
    w[rows] = hit[rows]
    return w / w.sum(axis=1, keepdims=True)
