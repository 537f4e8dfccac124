"""sonic_model.model.engine: XGBoost models evaluated through libxgboost match XGBoost's own predict,
the KD-tree KNN matches scikit-learn, and the predict path stays free of scikit-learn and the
xgboost package."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from sonic_model.core.errors import ArtifactError, InputValueError, SonicModelError
from sonic_model.model.engine import (
    NeighbourIndex,
    TreePredictor,
    check_trained_version,
    libxgboost_version,
)
from sonic_model.training.member_fit import TREE_PARAMS, _fit_trees

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
    return X, y, np.vstack([X, X_new])


@pytest.mark.parametrize("kind", sorted(TREE_PARAMS), ids=sorted(TREE_PARAMS))
def test_member_trees_through_libxgboost_match_xgboost_predict(data, kind):
    """The shipped route (bytes -> ctypes) gives what XGBoost's own estimator predicts."""
    import xgboost

    X, y, X_test = data
    blob = _fit_trees(kind, X, y)
    got = TreePredictor(blob).predict(X_test)
    booster = xgboost.Booster()
    booster.load_model(bytearray(blob))
    want = booster.inplace_predict(X_test)
    assert got.dtype == np.float64 and got.shape == (len(X_test),)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-4)
    # and the member learnt something: far better than predicting the mean
    assert np.sqrt(np.mean((got[:len(y)] - y) ** 2)) < 0.5 * np.std(y)


def test_multi_target_model_predicts_every_target(data):
    from xgboost import XGBRegressor

    X, y, X_test = data
    Y = np.column_stack([y, 2.0 * y + 10])
    model = XGBRegressor(n_estimators=40, max_depth=4, n_jobs=1, random_state=0).fit(X, Y)
    predictor = TreePredictor(bytes(model.get_booster().save_raw("ubj")))
    got = predictor.predict(X_test)
    assert predictor.n_targets == 2 and got.shape == (len(X_test), 2)
    np.testing.assert_allclose(got, model.predict(X_test), rtol=0, atol=1e-3)


@pytest.fixture(scope="module")
def small_forest(data):
    X, y, X_test = data
    blob = _fit_trees("rf", X, y)
    return blob, TreePredictor(blob).predict(X_test)


@pytest.mark.parametrize("blob", [b"not a model at all", b"{\"learner\": 3}", b""],
                         ids=["garbage", "wrong-json", "empty"])
def test_corrupt_bytes_raise_artifact_error(blob):
    with pytest.raises(ArtifactError, match="(do not load|empty)"):
        TreePredictor(blob)


def test_truncated_model_raises_artifact_error_with_libxgboost_text(small_forest):
    blob, _ = small_forest
    with pytest.raises(SonicModelError, match=r"do not load in libxgboost \(.+\)"):
        TreePredictor(blob[: len(blob) // 2])


def test_wrong_feature_count_is_an_input_error(small_forest):
    blob, _ = small_forest
    with pytest.raises(InputValueError, match=f"{N_FEATURES} feature columns"):
        TreePredictor(blob).predict(np.zeros((4, N_FEATURES + 1), dtype=np.float32))


def test_predict_accepts_float64_fortran_and_empty_inputs(small_forest, data):
    blob, want = small_forest
    _, _, X_test = data
    predictor = TreePredictor(blob)
    got = predictor.predict(np.asfortranarray(X_test.astype(np.float64)))
    np.testing.assert_array_equal(got, want)
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


def test_the_library_found_is_the_installed_xgboost():
    from importlib.metadata import version

    installed = version("xgboost-cpu")
    assert ".".join(map(str, libxgboost_version())) == installed
    check_trained_version(installed)            # the version we train with loads


def test_models_from_a_newer_xgboost_are_refused_with_what_to_install():
    major, minor, _ = libxgboost_version()
    newer = f"{major}.{minor + 1}.0"
    with pytest.raises(ArtifactError, match=rf"saved by XGBoost {newer}.*xgboost-cpu ~={newer}"):
        check_trained_version(newer)


def test_predict_path_imports_neither_sklearn_nor_xgboost(tmp_path, small_forest):
    blob, _ = small_forest
    (tmp_path / "model.ubj").write_bytes(blob)
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import sonic_model.model.engine as engine
        blob = open({str(tmp_path / "model.ubj")!r}, "rb").read()
        p = engine.TreePredictor(blob)
        X = np.random.default_rng(0).standard_normal((500, {N_FEATURES})).astype(np.float32)
        assert p.predict(X).shape == (500,)
        y, d = engine.NeighbourIndex(X[:300], X[:300, :2], k=5).predict(X)
        assert y.shape == (500, 2) and d.shape == (500,)
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "xgboost")))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- KNN

@pytest.mark.parametrize("n_ref,k,n_targets", [(60, 4, 1), (1200, 12, 2), (700, 1, 2)],
                         ids=["small-ref-1d", "large-ref-2d", "k1"])
def test_knn_matches_sklearn_distance_weighted(n_ref, k, n_targets):
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(n_ref + k)
    scale = [1, 2, 3, 1, 1, 5, 1, 1, 1, 9]
    ref = rng.standard_normal((n_ref, 10)) * scale + 40
    Y = rng.standard_normal((n_ref, n_targets)) * 20 + 100
    if n_targets == 1:
        Y = Y[:, 0]
    X = np.vstack([rng.standard_normal((900, 10)) * scale + 40,
                   ref[:50]])                     # last rows hit references exactly
    model = KNeighborsRegressor(n_neighbors=k, weights="distance", algorithm="brute").fit(ref, Y)
    got, novelty = NeighbourIndex(ref, Y, k).predict(X)
    assert got.shape == np.shape(model.predict(X))
    np.testing.assert_allclose(got[:900], model.predict(X[:900]), rtol=1e-9, atol=0)
    # A query on a reference point answers that point's target (scikit-learn's brute
    # distances read ~3e-6 there instead of 0, so it only comes within rounding of it).
    np.testing.assert_array_equal(got[900:], Y[:50])
    # scikit-learn's brute distances carry ~1e-6 of rounding (exact hits read 3e-6, not 0).
    want_dist, _ = model.kneighbors(X)
    np.testing.assert_allclose(novelty, want_dist.mean(axis=1), rtol=1e-7, atol=1e-5)


def test_knn_rejects_bad_shapes():
    ref = np.zeros((10, 3))
    with pytest.raises(InputValueError, match="k must be between 1 and the 10"):
        NeighbourIndex(ref, np.zeros(10), k=11)
    with pytest.raises(InputValueError, match="3 columns"):
        NeighbourIndex(ref, np.zeros(10), k=3).predict(np.zeros((2, 4)))


@pytest.mark.parametrize("unknown", [slice(None, None, 3), slice(90, None)],
                         ids=["a-third-unknown", "nine-tenths-unknown"])
def test_knn_predicts_a_partly_unknown_target_from_the_references_that_know_it(unknown):
    """Shear logged on part of the references only: its neighbours come from those (found
    among the 2k nearest, or -- when too few of those know it -- by a second search)."""
    from sklearn.neighbors import KNeighborsRegressor

    rng = np.random.default_rng(11)
    ref = rng.standard_normal((900, 5))
    Y = np.column_stack([rng.standard_normal(900) * 10 + 90, rng.standard_normal(900) + 2])
    Y[unknown, 1] = np.nan
    X = rng.standard_normal((400, 5))
    got, novelty = NeighbourIndex(ref, Y, k=6).predict(X)
    dtc = KNeighborsRegressor(n_neighbors=6, weights="distance").fit(ref, Y[:, 0])
    known = np.isfinite(Y[:, 1])
    vpvs = KNeighborsRegressor(n_neighbors=6, weights="distance").fit(ref[known], Y[known, 1])
    np.testing.assert_allclose(got[:, 0], dtc.predict(X), rtol=1e-9)
    np.testing.assert_allclose(got[:, 1], vpvs.predict(X), rtol=1e-9)
    # novelty: distance to the nearest references of all kinds
    np.testing.assert_allclose(novelty, dtc.kneighbors(X)[0].mean(axis=1), rtol=1e-6)


@pytest.mark.parametrize("share, threads", [(None, 2), ("1", 1), ("8", 2), ("x", 1)])
def test_knn_threads_stay_within_a_batch_workers_share(monkeypatch, share, threads):
    # Long wells search with two threads, but a batch worker (OMP_NUM_THREADS = its share of
    # the cores) never takes more than its share; the answer is the same either way.
    from sonic_model.model import engine

    if share is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", share)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    assert engine._query_threads() == threads
    rng = np.random.default_rng(3)
    ref, X = rng.standard_normal((800, 5)), rng.standard_normal((engine.PARALLEL_ROWS + 10, 5))
    Y = np.column_stack([rng.standard_normal(800), rng.standard_normal(800)])
    Y[::2, 1] = np.nan
    got, novelty = NeighbourIndex(ref, Y, k=6).predict(X)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    one, one_novelty = NeighbourIndex(ref, Y, k=6).predict(X)
    np.testing.assert_array_equal(got, one)
    np.testing.assert_array_equal(novelty, one_novelty)
