"""sonic_model.engine: converted tree models and numpy KNN reproduce their sources exactly
enough, and the predict path stays free of scikit-learn, scipy and the xgboost package."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from sonic_model.engine import (TreePredictor, knn_predict, sklearn_to_xgboost_bytes,
                                xgboost_to_bytes)
from sonic_model.errors import ArtifactError, InputValueError, SonicModelError

PROJECT_DIR = Path(__file__).resolve().parents[1]
N_FEATURES = 6


def _log_like_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Correlated inputs and a DTC-like target (~50-150 us/ft), float32 like the pipeline."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n, 3))
    X = latent @ rng.standard_normal((3, N_FEATURES)) + 0.3 * rng.standard_normal((n, N_FEATURES))
    y = 90 + 15 * latent[:, 0] - 8 * np.tanh(latent[:, 1]) + 3 * latent[:, 2] ** 2
    return X.astype(np.float32), (y + rng.normal(0, 1, n))


@pytest.fixture(scope="module")
def data():
    X, y = _log_like_data(1500, seed=1)
    X_new, _ = _log_like_data(2000, seed=2)
    # Training rows sit exactly on either side of the learnt thresholds: the split rule
    # (<= in scikit-learn, < in XGBoost) is exercised, not just approximated.
    X_test = np.vstack([X, X_new])
    return X, y, X_test


def _sklearn_models():
    from sklearn.ensemble import (ExtraTreesRegressor, GradientBoostingRegressor,
                                  HistGradientBoostingRegressor, RandomForestRegressor)
    from sklearn.tree import DecisionTreeRegressor
    return {
        "decision-tree-deep": DecisionTreeRegressor(max_depth=14, random_state=0),
        "random-forest": RandomForestRegressor(n_estimators=25, max_depth=12, min_samples_leaf=3,
                                               max_features=0.5, random_state=0, n_jobs=1),
        "extra-trees": ExtraTreesRegressor(n_estimators=15, max_depth=10, random_state=0),
        "gbr-dummy-init": GradientBoostingRegressor(n_estimators=60, max_depth=4,
                                                    random_state=0),
        "gbr-zero-init-huber": GradientBoostingRegressor(n_estimators=40, loss="huber",
                                                         init="zero", random_state=0),
        "hist-gbr": HistGradientBoostingRegressor(max_iter=60, max_depth=6,
                                                  early_stopping=False, random_state=0),
    }


def _xgboost_models():
    from xgboost import XGBRegressor, XGBRFRegressor
    return {
        "xgb-regressor": XGBRegressor(n_estimators=80, max_depth=6, learning_rate=0.1,
                                      n_jobs=1, random_state=0),
        "xgb-rf-regressor": XGBRFRegressor(n_estimators=30, max_depth=8, n_jobs=1,
                                           random_state=0),
    }


SKLEARN_IDS = ["decision-tree-deep", "random-forest", "extra-trees", "gbr-dummy-init",
               "gbr-zero-init-huber", "hist-gbr"]
XGB_IDS = ["xgb-regressor", "xgb-rf-regressor"]


@pytest.mark.parametrize("name", SKLEARN_IDS, ids=SKLEARN_IDS)
def test_sklearn_conversion_reproduces_predictions(data, name):
    X, y, X_test = data
    model = _sklearn_models()[name].fit(X, y)
    predictor = TreePredictor(sklearn_to_xgboost_bytes(model))
    got = predictor.predict(X_test)
    want = model.predict(X_test)
    assert got.dtype == np.float64 and got.shape == want.shape
    # float32 accumulation in libxgboost vs float64 in scikit-learn; a wrong branch would
    # cost whole leaf values (~1 us/ft and more).
    assert np.max(np.abs(got - want)) < 1e-3
    assert predictor.n_features == N_FEATURES and predictor.n_targets == 1


def test_single_tree_takes_identical_branches_at_thresholds(data):
    """Inputs at every threshold and one float32 step either side land in the same leaf."""
    from sklearn.tree import DecisionTreeRegressor

    X, y, _ = data
    model = DecisionTreeRegressor(max_depth=10, random_state=0).fit(X, y)
    inner = model.tree_.children_left != -1
    feats = model.tree_.feature[inner]
    thr = model.tree_.threshold[inner]
    base = np.tile(np.median(X, axis=0), (3 * len(thr), 1)).astype(np.float32)
    t32 = thr.astype(np.float32)
    for j, values in enumerate([t32, np.nextafter(t32, np.float32(-np.inf)),
                                np.nextafter(t32, np.float32(np.inf))]):
        rows = np.arange(len(thr)) + j * len(thr)
        base[rows, feats] = values
    got = TreePredictor(sklearn_to_xgboost_bytes(model)).predict(base)
    # One tree: the output is one leaf value (float32) -- equal up to float32 rounding.
    np.testing.assert_allclose(got, model.predict(base), rtol=1e-6, atol=0)


@pytest.mark.parametrize("name", XGB_IDS, ids=XGB_IDS)
def test_xgboost_export_reproduces_predictions(data, name):
    X, y, X_test = data
    model = _xgboost_models()[name].fit(X, y)
    got = TreePredictor(xgboost_to_bytes(model)).predict(X_test)
    np.testing.assert_allclose(got, model.predict(X_test), rtol=0, atol=1e-4)


def test_xgboost_export_keeps_only_the_best_iteration_after_early_stopping(data):
    from xgboost import XGBRegressor

    X, y, X_test = data
    model = XGBRegressor(n_estimators=400, learning_rate=0.3, early_stopping_rounds=3,
                         n_jobs=1, random_state=0)
    model.fit(X[:1000], y[:1000], eval_set=[(X[1000:], y[1000:])], verbose=False)
    assert model.best_iteration + 1 < model.get_booster().num_boosted_rounds()
    got = TreePredictor(xgboost_to_bytes(model)).predict(X_test)
    np.testing.assert_allclose(got, model.predict(X_test), rtol=0, atol=1e-4)


def test_multi_output_forest_becomes_a_multi_target_model(data):
    from sklearn.ensemble import RandomForestRegressor

    X, y, X_test = data
    Y = np.column_stack([y, 2.0 * y + 10])
    model = RandomForestRegressor(n_estimators=10, max_depth=8, random_state=0).fit(X, Y)
    predictor = TreePredictor(sklearn_to_xgboost_bytes(model))
    got = predictor.predict(X_test)
    assert predictor.n_targets == 2 and got.shape == (len(X_test), 2)
    assert np.max(np.abs(got - model.predict(X_test))) < 1e-3


def test_unsupported_estimator_is_refused():
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit(np.eye(3), np.arange(3.0))
    with pytest.raises(TypeError, match="cannot convert LinearRegression"):
        sklearn_to_xgboost_bytes(model)


@pytest.fixture(scope="module")
def small_forest(data):
    from sklearn.ensemble import RandomForestRegressor

    X, y, X_test = data
    model = RandomForestRegressor(n_estimators=20, max_depth=10, random_state=0).fit(X, y)
    return sklearn_to_xgboost_bytes(model), model.predict(X_test)


@pytest.mark.parametrize("blob", [b"not a model at all", b"{\"learner\": 3}", b""],
                         ids=["garbage", "wrong-json", "empty"])
def test_corrupt_bytes_raise_artifact_error(blob):
    with pytest.raises(ArtifactError, match="(do not load|empty)"):
        TreePredictor(blob)


def test_truncated_model_raises_artifact_error_with_libxgboost_text(small_forest):
    blob, _ = small_forest
    with pytest.raises(SonicModelError, match=r"do not load in libxgboost \(.+\)"):
        TreePredictor(blob[: len(blob) // 2])


def test_wrong_feature_count_is_an_input_error(small_forest, data):
    blob, _ = small_forest
    with pytest.raises(InputValueError, match=f"{N_FEATURES} feature columns"):
        TreePredictor(blob).predict(np.zeros((4, N_FEATURES + 1), dtype=np.float32))


def test_predict_accepts_float64_fortran_and_empty_inputs(small_forest, data):
    blob, want = small_forest
    _, _, X_test = data
    predictor = TreePredictor(blob)
    got = predictor.predict(np.asfortranarray(X_test.astype(np.float64)))
    assert np.max(np.abs(got - want)) < 1e-3
    assert predictor.predict(np.empty((0, N_FEATURES), dtype=np.float32)).shape == (0,)


def test_concurrent_predict_from_8_threads_is_identical(small_forest, data):
    blob, _ = small_forest
    _, _, X_test = data
    predictor = TreePredictor(blob)
    expected = predictor.predict(X_test)
    # Different slices per call so that a shared output buffer would show up as a mix-up.
    slices = [slice(i * 100, i * 100 + 1500) for i in range(8)] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: predictor.predict(X_test[s]), slices))
    for s, r in zip(slices, results):
        np.testing.assert_array_equal(r, expected[s])


def test_predictor_pickles_and_closes(small_forest, data):
    blob, want = small_forest
    _, _, X_test = data
    predictor = TreePredictor(blob, n_threads=1)
    clone = pickle.loads(pickle.dumps(predictor))
    np.testing.assert_array_equal(clone.predict(X_test), predictor.predict(X_test))
    predictor.close()
    with pytest.raises(ArtifactError, match="closed"):
        predictor.predict(X_test)


def test_predict_path_imports_neither_sklearn_scipy_nor_xgboost(tmp_path, small_forest):
    blob, _ = small_forest
    (tmp_path / "model.ubj").write_bytes(blob)
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import sonic_model.engine as engine
        blob = open({str(tmp_path / "model.ubj")!r}, "rb").read()
        p = engine.TreePredictor(blob)
        X = np.random.default_rng(0).standard_normal((500, {N_FEATURES})).astype(np.float32)
        assert p.predict(X).shape == (500,)
        y = engine.knn_predict(X[:300], X[:300, :2], X, k=5)
        assert y.shape == (500, 2)
        heavy = sorted(m for m in sys.modules
                       if m.split(".")[0] in ("sklearn", "scipy", "xgboost"))
        print(heavy)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- KNN

@pytest.mark.parametrize("weights", ["distance", "uniform"])
@pytest.mark.parametrize("n_ref,k,n_targets", [(60, 4, 1), (1200, 12, 2), (700, 1, 2)],
                         ids=["small-ref-1d", "large-ref-2d", "k1"])
def test_knn_matches_sklearn_brute(weights, n_ref, k, n_targets):
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(n_ref + k)
    ref = rng.standard_normal((n_ref, 10)).astype(np.float32) * [1, 2, 3, 1, 1, 5, 1, 1, 1, 9]
    ref = (ref + 40).astype(np.float32)    # offset from the origin: stresses cancellation
    Y = rng.standard_normal((n_ref, n_targets)) * 20 + 100
    if n_targets == 1:
        Y = Y[:, 0]
    X = np.vstack([rng.standard_normal((900, 10)) * [1, 2, 3, 1, 1, 5, 1, 1, 1, 9] + 40,
                   ref[:50]]).astype(np.float32)          # last rows hit references exactly
    want = KNeighborsRegressor(n_neighbors=k, weights=weights, algorithm="brute") \
        .fit(ref, Y).predict(X)
    got = knn_predict(ref, Y, X, k=k, weights=weights, chunk=128)
    assert got.shape == want.shape
    # Same neighbours (uniform weights agree to rounding); scikit-learn measures distances of
    # float32 inputs with float32-level accuracy, which moves distance weights by ~1e-8.
    np.testing.assert_allclose(got, want, rtol=1e-9 if weights == "uniform" else 1e-6, atol=0)


def test_knn_distances_match_sklearn_kneighbors():
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(5)
    ref = rng.standard_normal((800, 8)).astype(np.float32)
    X = rng.standard_normal((300, 8)).astype(np.float32)
    want, _ = NearestNeighbors(n_neighbors=7, algorithm="brute").fit(ref).kneighbors(X)
    _, dist = knn_predict(ref, np.zeros(800), X, k=7, return_distance=True)
    np.testing.assert_allclose(np.sort(dist, axis=1), want, rtol=1e-6, atol=1e-6)


def test_knn_rejects_bad_options():
    ref = np.zeros((10, 3), dtype=np.float32)
    with pytest.raises(InputValueError, match="weights must be"):
        knn_predict(ref, np.zeros(10), ref, k=3, weights="gaussian")
    with pytest.raises(InputValueError, match="k must be between 1 and the 10"):
        knn_predict(ref, np.zeros(10), ref, k=11)
    with pytest.raises(InputValueError, match="same number of columns"):
        knn_predict(ref, np.zeros(10), np.zeros((2, 4)), k=3)
