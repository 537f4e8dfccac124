"""Fast prediction for the tree and KNN members without scikit-learn, scipy or xgboost imports.

Importing scikit-learn costs ~1.5 s and the xgboost Python package ~1.4 s (it imports
scikit-learn), more than the CLI's whole budget. So every tree model is converted at training
time into XGBoost's own model format (UBJSON bytes) and evaluated at predict time by calling
``libxgboost.so`` -- shipped inside the xgboost wheel -- through ``ctypes``; pure-numpy tree
traversal is ~10x too slow. KNN is exact brute force in numpy.

Training-time converters (may import scikit-learn / xgboost):
    sklearn_to_xgboost_bytes, xgboost_to_bytes
Predict-time (numpy + ctypes only):
    TreePredictor, knn_predict
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import threading
import weakref

import numpy as np

from .errors import ArtifactError, InputValueError

__all__ = ["TreePredictor", "knn_predict", "sklearn_to_xgboost_bytes", "xgboost_to_bytes"]


# ============================================================================ libxgboost (ctypes)

_LIB: ctypes.CDLL | None = None
_LIB_LOCK = threading.Lock()
_c_ulong_p = ctypes.POINTER(ctypes.c_uint64)


def _libxgboost_path() -> str:
    # find_spec on a top-level package locates it without executing its __init__ (which would
    # import scikit-learn); the shared library sits in the wheel's lib/ directory.
    spec = importlib.util.find_spec("xgboost")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the xgboost package is not installed; `pip install xgboost-cpu` "
                          "provides libxgboost, which evaluates the tree members")
    path = os.path.join(spec.submodule_search_locations[0], "lib", "libxgboost.so")
    if not os.path.isfile(path):
        raise ImportError(f"libxgboost not found at '{path}'; reinstall xgboost-cpu")
    return path


def _lib() -> ctypes.CDLL:
    """Load libxgboost once per process (lazily: importing this module stays cheap)."""
    global _LIB
    if _LIB is not None:
        return _LIB
    with _LIB_LOCK:
        if _LIB is None:
            lib = ctypes.CDLL(_libxgboost_path())
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


# ============================================================================ converters (training)

def xgboost_to_bytes(model) -> bytes:
    """UBJSON bytes of a fitted XGBRegressor / XGBRFRegressor / Booster for TreePredictor.

    A scikit-learn-API model fitted with early stopping predicts with its best iteration only;
    the export keeps exactly those trees so TreePredictor (which uses all trees) agrees.
    """
    import xgboost

    if isinstance(model, xgboost.Booster):
        booster = model
    elif hasattr(model, "get_booster"):
        booster = model.get_booster()
        best = getattr(model, "best_iteration", None) if _has_best_iteration(model) else None
        if best is not None and best + 1 < booster.num_boosted_rounds():
            booster = booster[: best + 1]
    else:
        raise TypeError(f"expected a fitted xgboost model, got {type(model).__name__}")
    return bytes(booster.save_raw("ubj"))


def _has_best_iteration(model) -> bool:
    try:
        model.best_iteration  # noqa: B018 -- raises AttributeError without early stopping
    except AttributeError:
        return False
    return True


def sklearn_to_xgboost_bytes(estimator) -> bytes:
    """Convert a fitted scikit-learn tree regressor into XGBoost UBJSON bytes (same predictions).

    Supported: DecisionTreeRegressor, RandomForestRegressor, ExtraTreesRegressor (leaf values
    scaled by 1/n_trees so the sum is the mean; multi-output becomes a multi-target model),
    GradientBoostingRegressor (constant or 'zero' init; leaf values times learning_rate; any
    regression loss -- all have an identity link) and HistGradientBoostingRegressor (numeric
    features, identity-link loss). Thresholds are re-encoded so that float32 inputs take the
    same branches: scikit-learn goes left when ``x <= thr`` (float64 thr), XGBoost when
    ``x < cond`` (float32 cond).
    """
    from sklearn.ensemble import (ExtraTreesRegressor, GradientBoostingRegressor,
                                  HistGradientBoostingRegressor, RandomForestRegressor)
    from sklearn.tree import DecisionTreeRegressor
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    n_features = int(estimator.n_features_in_)
    trees: list[list[dict]] = []     # one list per iteration: one tree per target
    if isinstance(estimator, DecisionTreeRegressor):
        base, n_targets = np.zeros(estimator.n_outputs_), estimator.n_outputs_
        trees = [_sk_tree(estimator.tree_, 1.0)]
    elif isinstance(estimator, (RandomForestRegressor, ExtraTreesRegressor)):
        n_targets = estimator.n_outputs_
        base = np.zeros(n_targets)
        scale = 1.0 / len(estimator.estimators_)
        trees = [_sk_tree(t.tree_, scale) for t in estimator.estimators_]
    elif isinstance(estimator, GradientBoostingRegressor):
        n_targets = 1
        base = np.array([_gbr_init(estimator)])
        lr = float(estimator.learning_rate)
        trees = [_sk_tree(stage[0].tree_, lr) for stage in estimator.estimators_]
    elif isinstance(estimator, HistGradientBoostingRegressor):
        n_targets = 1
        base, trees = _hgb_trees(estimator)
    else:
        raise TypeError(f"cannot convert {type(estimator).__name__}; supported: DecisionTree, "
                        "RandomForest, ExtraTrees, GradientBoosting, HistGradientBoosting "
                        "regressors")
    return _build_booster_bytes(trees, base, n_features, n_targets)


def _gbr_init(est) -> float:
    init = est.init_
    if isinstance(init, str) and init == "zero":
        return 0.0
    constant = getattr(init, "constant_", None)  # DummyRegressor, whatever its strategy
    if constant is None:
        raise TypeError("GradientBoostingRegressor with a non-constant init estimator "
                        f"({type(init).__name__}) cannot be converted")
    return float(np.ravel(constant)[0])


def _round_down_f32(thr: np.ndarray) -> np.ndarray:
    """Largest float32 <= each float64 threshold."""
    t32 = thr.astype(np.float32)
    over = t32.astype(np.float64) > thr
    t32[over] = np.nextafter(t32[over], np.float32(-np.inf))
    return t32


def _split_condition(thr: np.ndarray) -> np.ndarray:
    # For float32 x: x <= thr  <=>  x <= rd(thr)  <=>  x < nextafter(rd(thr), +inf).
    return np.nextafter(_round_down_f32(thr), np.float32(np.inf))


def _sk_tree(tree, scale: float) -> list[dict]:
    """One scikit-learn Tree -> one XGBoost tree dict per output (leaf values * scale)."""
    left = tree.children_left.astype(np.int64)
    right = tree.children_right.astype(np.int64)
    is_leaf = left == -1
    feature = np.where(is_leaf, 0, tree.feature).astype(np.int64)
    cond = _split_condition(np.where(is_leaf, 0.0, tree.threshold))
    # NaN follows scikit-learn: the recorded side, else (no NaN in training) the larger child.
    mgl = getattr(tree, "missing_go_to_left", None)
    n_node = tree.weighted_n_node_samples
    if mgl is None:
        default_left = np.zeros_like(is_leaf)
        default_left[~is_leaf] = n_node[left[~is_leaf]] >= n_node[right[~is_leaf]]
    else:
        default_left = np.asarray(mgl).astype(bool) & ~is_leaf
    gain = np.zeros(tree.node_count)
    inner = ~is_leaf
    imp = tree.impurity * n_node
    gain[inner] = imp[inner] - imp[left[inner]] - imp[right[inner]]
    values = tree.value[:, :, 0] * scale            # (nodes, n_outputs)
    return [_xgb_tree(left, right, feature, cond, default_left, values[:, j], gain, n_node)
            for j in range(values.shape[1])]


def _hgb_trees(est) -> tuple[np.ndarray, list[list[dict]]]:
    loss = getattr(est, "_loss", None)
    link = type(getattr(loss, "link", None)).__name__
    if link != "IdentityLink":
        raise TypeError(f"HistGradientBoostingRegressor with loss {est.loss!r} (link {link}) "
                        "cannot be converted; only identity-link losses are supported")
    if getattr(est, "_preprocessor", None) is not None or est.n_trees_per_iteration_ != 1:
        raise TypeError("HistGradientBoostingRegressor with categorical features cannot be "
                        "converted")
    base = np.ravel(est._baseline_prediction).astype(np.float64)
    out = []
    for (pred,) in est._predictors:
        nodes = pred.nodes
        is_leaf = nodes["is_leaf"].astype(bool)
        if nodes["is_categorical"][~is_leaf].any():
            raise TypeError("HistGradientBoostingRegressor with categorical splits cannot be "
                            "converted")
        left = np.where(is_leaf, -1, nodes["left"].astype(np.int64))
        right = np.where(is_leaf, -1, nodes["right"].astype(np.int64))
        feature = np.where(is_leaf, 0, nodes["feature_idx"].astype(np.int64))
        # HGB compares float64 X: float32 inputs widen exactly, so the same rule applies. A
        # +inf threshold ("all numbers left, NaN right") stays +inf.
        cond = _split_condition(np.where(is_leaf, 0.0, nodes["num_threshold"]))
        default_left = nodes["missing_go_to_left"].astype(bool) & ~is_leaf
        gain = np.where(is_leaf, 0.0, nodes["gain"]).astype(np.float64)
        values = nodes["value"].astype(np.float64)   # learning rate already applied
        out.append([_xgb_tree(left, right, feature, cond, default_left, values, gain,
                              nodes["count"].astype(np.float64))])
    return base, out


def _bfs_order(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Old node ids in breadth-first order, each left child immediately followed by its right.

    libxgboost finds the right child as ``left + 1`` on its fast path, so the depth-first
    numbering scikit-learn uses would send deep samples to the wrong nodes.
    """
    order = [np.array([0])]
    level = order[0]
    while level.size:
        inner = level[left[level] != -1]
        level = np.column_stack([left[inner], right[inner]]).ravel()
        order.append(level)
    return np.concatenate(order)


def _xgb_tree(left, right, feature, cond, default_left, values, gain, hess) -> dict:
    order = _bfs_order(left, right)
    new_id = np.empty(len(left), dtype=np.int64)
    new_id[order] = np.arange(len(order))
    left, right = left[order], right[order]
    is_leaf = left == -1
    left = np.where(is_leaf, -1, new_id[np.maximum(left, 0)])
    right = np.where(is_leaf, -1, new_id[np.maximum(right, 0)])
    feature, cond, default_left = feature[order], cond[order], default_left[order]
    values, gain, hess = values[order], np.asarray(gain)[order], np.asarray(hess)[order]
    n = len(order)
    parents = np.full(n, 2147483647, dtype=np.int64)  # XGBoost's "no parent" for the root
    parents[left[~is_leaf]] = np.flatnonzero(~is_leaf)
    parents[right[~is_leaf]] = np.flatnonzero(~is_leaf)
    value32 = values.astype(np.float32)
    split = np.where(is_leaf, value32, cond).astype(np.float32)
    return {
        "base_weights": value32.tolist(),
        "default_left": default_left.astype(int).tolist(),
        "left_children": left.tolist(),
        "right_children": right.tolist(),
        "loss_changes": np.asarray(gain, dtype=np.float32).tolist(),
        "parents": parents.tolist(),
        "split_conditions": split.tolist(),
        "split_indices": feature.tolist(),
        "split_type": [0] * n,
        "sum_hessian": np.asarray(hess, dtype=np.float32).tolist(),
        "categories": [], "categories_nodes": [], "categories_segments": [],
        "categories_sizes": [],
        "n": n,
    }


def _build_booster_bytes(trees: list[list[dict]], base: np.ndarray, n_features: int,
                         n_targets: int) -> bytes:
    """Wrap tree dicts in the envelope of a real (tiny) XGBoost model and return UBJSON bytes.

    Taking the envelope from a freshly trained model keeps the schema right for whichever
    xgboost version is installed; only trees and the learner parameters are replaced.
    """
    import xgboost

    rng = np.random.default_rng(0)
    Xt = rng.random((8, n_features), dtype=np.float32)
    yt = rng.random((8, n_targets), dtype=np.float32)
    tiny = xgboost.train({"objective": "reg:squarederror", "max_depth": 1, "nthread": 1,
                          **({"multi_strategy": "one_output_per_tree"} if n_targets > 1 else {})},
                         xgboost.DMatrix(Xt, label=yt if n_targets > 1 else yt[:, 0]),
                         num_boost_round=1)
    doc = json.loads(bytes(tiny.save_raw("json")))
    learner = doc["learner"]
    template = learner["gradient_booster"]["model"]["trees"][0]
    flat, info, indptr = [], [], [0]
    for iteration in trees:
        for target, t in enumerate(iteration):
            n = t.pop("n")
            tree = dict(template)
            tree.update(t)
            tree["id"] = len(flat)
            tree["tree_param"] = dict(template["tree_param"], num_nodes=str(n),
                                      num_feature=str(n_features), num_deleted="0")
            flat.append(tree)
            info.append(target)
        indptr.append(len(flat))
    model = learner["gradient_booster"]["model"]
    model["trees"] = flat
    model["tree_info"] = info
    model["iteration_indptr"] = indptr
    model["gbtree_model_param"] = dict(model["gbtree_model_param"], num_trees=str(len(flat)),
                                       num_parallel_tree="1")
    base32 = np.broadcast_to(np.asarray(base, dtype=np.float32), (n_targets,))
    learner["learner_model_param"].update(
        base_score="[" + ",".join(repr(float(b)) for b in base32) + "]",
        num_feature=str(n_features), num_target=str(n_targets), num_class="0")
    learner["feature_names"] = []
    learner["feature_types"] = []
    learner["attributes"] = {}
    booster = xgboost.Booster()
    booster.load_model(bytearray(json.dumps(doc).encode()))
    return bytes(booster.save_raw("ubj"))


# ============================================================================ KNN (numpy)

_EPS32 = float(np.finfo(np.float32).eps)


def knn_predict(ref_X: np.ndarray, ref_Y: np.ndarray, X: np.ndarray, k: int,
                weights: str = "distance", chunk: int = 256,
                return_distance: bool = False):
    """Exact k-nearest-neighbour regression, as scikit-learn's KNeighborsRegressor (brute).

    Returns (n,) for 1-D ``ref_Y`` else (n, n_targets); with ``return_distance`` also the
    (n, k) Euclidean distances to the neighbours (unsorted) -- a novelty measure for QC.

    Why not just argpartition the distance matrix: numpy's selection costs ~6 ns per element,
    0.9 s for 30,000 queries x 5,000 references. Instead, per chunk of queries:
    1. float32 GEMM gives approximate ||r||^2 - 2 q.r for all references (data centred first
       to limit cancellation);
    2. the minimum of each of B interleaved reference blocks, and the k-th smallest of those B
       minima, bound every row's k-th neighbour distance from above (k distinct real points lie
       below it) -- a cheap reduction instead of a selection;
    3. references under that bound (+ a rigorous float32 error margin) are the candidates,
       typically ~k per row; they are re-measured in float64 and the k nearest are kept.
    Neighbour sets equal the exact ones except between references tied in distance.
    """
    if weights not in ("uniform", "distance"):
        raise InputValueError(f"weights must be 'uniform' or 'distance', got {weights!r}")
    ref64 = np.asarray(ref_X, dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    Y = np.asarray(ref_Y, dtype=np.float64)
    if ref64.ndim != 2 or X64.ndim != 2 or X64.shape[1] != ref64.shape[1]:
        raise InputValueError(f"knn_predict needs 2-D ref_X and X with the same number of "
                              f"columns, got {ref64.shape} and {X64.shape}")
    R, d = ref64.shape
    if Y.shape[0] != R:
        raise InputValueError(f"ref_Y has {Y.shape[0]} rows, ref_X has {R}")
    k = int(k)
    if not 1 <= k <= R:
        raise InputValueError(f"k must be between 1 and the {R} reference points, got {k}")
    chunk = max(1, int(chunk))
    idx, d2 = _knn_search(ref64, X64, k, chunk)
    Yn = Y[idx]                                            # (n, k) or (n, k, t)
    if weights == "uniform":
        pred = Yn.mean(axis=1)
    else:
        with np.errstate(divide="ignore"):
            w = 1.0 / np.sqrt(d2)
        # scikit-learn: a row with exact matches averages those matches only.
        hit = np.isinf(w)
        rows = hit.any(axis=1)
        w[rows] = hit[rows]
        w /= w.sum(axis=1, keepdims=True)
        pred = np.einsum("nk,nk...->n...", w, Yn)
    if return_distance:
        return pred, np.sqrt(d2)
    return pred


def _knn_search(ref64: np.ndarray, X64: np.ndarray, k: int, chunk: int):
    """Indices (n, k) and exact squared distances (n, k) of the k nearest references."""
    R, d = ref64.shape
    n = X64.shape[0]
    B = max(64, -(-2 * k // 8) * 8)        # blocks; a multiple of 8 for the uint64 view below
    idx_out = np.empty((n, k), dtype=np.intp)
    d2_out = np.empty((n, k), dtype=np.float64)
    if R < 4 * B or n == 0:                # small reference set: plain selection is cheap
        for s in range(0, n, chunk):
            diff = X64[s:s + chunk, None, :] - ref64[None, :, :]
            dd = np.einsum("nrd,nrd->nr", diff, diff)
            sel = np.argpartition(dd, k - 1, axis=1)[:, :k] if k < R else \
                np.broadcast_to(np.arange(R), dd.shape)
            idx_out[s:s + chunk] = sel
            d2_out[s:s + chunk] = np.take_along_axis(dd, sel, axis=1)
        return idx_out, d2_out

    mean = ref64.mean(axis=0)
    refc = (ref64 - mean).astype(np.float32)
    rn2 = np.einsum("ij,ij->i", refc.astype(np.float64), refc.astype(np.float64))
    gamma = 2.0 * (d + 8) * _EPS32 / 2.0   # (d + 8) unit roundoffs, doubled for safety
    Rp = -(-R // B) * B
    L = Rp // B
    # Augmented GEMM: [q, 1] . [-2r, ||r||^2] = ||r||^2 - 2 q.r in one product. Padding
    # references sit at +1e30, far beyond any bound.
    AT = np.zeros((d + 1, Rp), dtype=np.float32)
    AT[:d, :R] = -2.0 * refc.T
    AT[d, :R] = rn2
    AT[d, R:] = 1e30
    c0 = min(chunk, n)
    Q = np.ones((c0, d + 1), dtype=np.float32)
    D = np.empty((c0, Rp), dtype=np.float32)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        c = e - s
        qc = X64[s:e] - mean
        Qc = Q[:c]
        Qc[:, :d] = qc
        Dc = D[:c]
        np.matmul(Qc, AT, out=Dc)
        block_min = Dc.reshape(c, L, B).min(axis=1)
        bound = np.partition(block_min, k - 1, axis=1)[:, k - 1]
        # Float32 error of ||r||^2 - 2 q.r for a reference r (rounding of the centred inputs,
        # of ||r||^2, the d+1 products and their sums) is below gamma * (||q|| + ||r||)^2, and
        # references within distance t of q have ||r|| <= ||q|| + t. So: the k points under
        # `bound` are truly under b1, and every point truly under b1 is approximately under
        # `thr`. Measured errors are ~100x smaller than gamma; the margin costs ~nothing.
        qn2 = np.einsum("ij,ij->i", qc, qc)
        qn = np.sqrt(qn2)
        b1 = bound + gamma * (2.0 * qn + np.sqrt(np.maximum(bound + qn2, 0.0))) ** 2
        thr = b1 + gamma * (2.0 * qn + np.sqrt(np.maximum(b1 + qn2, 0.0))) ** 2
        mask = Dc <= thr[:, None]
        # np.nonzero costs ~1.7 ns per element; scanning 8 bytes at a time first is ~5x faster
        # when (as here) hits are sparse.
        wr, wc = np.nonzero(mask.view(np.uint64))
        br, bc = np.nonzero(mask.reshape(c, Rp // 8, 8)[wr, wc])
        rows = wr[br]
        cols = wc[br] * 8 + bc
        diff = X64[s + rows] - ref64[cols]
        dd = np.einsum("ij,ij->i", diff, diff)
        # Ragged rows -> a padded (c, m) table, then select the k smallest per row.
        counts = np.bincount(rows, minlength=c)
        m = int(counts.max())
        pos = np.arange(rows.size) - (np.cumsum(counts) - counts)[rows]
        P = np.full((c, m), np.inf)
        P[rows, pos] = dd
        C = np.zeros((c, m), dtype=np.intp)
        C[rows, pos] = cols
        if m > k:
            sel = np.argpartition(P, k - 1, axis=1)[:, :k]
            C = np.take_along_axis(C, sel, axis=1)
            P = np.take_along_axis(P, sel, axis=1)
        idx_out[s:e] = C
        d2_out[s:e] = P
    return idx_out, d2_out
