"""The five member kinds: how each is fitted (training time) and how its export predicts.

Training uses scikit-learn and xgboost; the exported form of every member is plain data
(numpy arrays, XGBoost model bytes) that predicts with numpy and libxgboost only, so the
predict path imports neither scikit-learn (1.5 s) nor the xgboost Python package.
Each fitted member predicts two targets per row: DTC and the Vp/Vs ratio DTS/DTC (the
shear route chosen by validation; train.run_studies re-measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEED = 20200301  # the contest's data release date; any fixed seed makes training repeatable

MEMBER_LABELS: dict[str, str] = {
    "xgb": "XGBoost",
    "pcr": "Principal-component regression",
    "knn": "k-nearest neighbours",
    "rf": "Random forest",
    "gbm": "Gradient boosting (histogram)",
}
FULL_MEMBERS = ("xgb", "pcr", "knn", "rf", "gbm")
LIGHT_MEMBERS = ("xgb", "pcr", "knn")   # what SonicPredict deployed

# KNN looks at the logs themselves and their 10-ft context, not at gradients or spreads:
# neighbours in a low, meaningful space are real analogues (and the novelty measure for QC).
KNN_FEATURES = ("CNC", "GR", "LRD", "ZDEN", "CNC_M10", "GR_M10", "LRD_M10", "ZDEN_M10")
KNN_K = 12
# Neighbouring 0.1 m samples are near-duplicates: every 8th training sample (0.8 m apart) keeps the
# information and makes the reference set eight times smaller and faster to search.
KNN_THIN = 8


# ----------------------------------------------------------------------------- fitting

def fit_member(kind: str, X: np.ndarray, Y: np.ndarray, columns: list[str]) -> dict:
    """Fit one member on X (n, F) float32 and Y (n, 2) targets; return its exported payload."""
    if kind == "pcr":
        return _fit_pcr(X, Y)
    if kind == "knn":
        return _fit_knn(X, Y, columns)
    return {"kind": "trees", "models": [_fit_trees(kind, X, Y[:, j]) for j in range(Y.shape[1])]}


def _fit_trees(kind: str, X: np.ndarray, y: np.ndarray) -> bytes:
    # Every member fits on one thread; training parallelises across folds instead. OpenMP
    # threads spin badly when the two cores are shared (xgboost: 215 s instead of 3 s).
    from . import engine

    if kind == "xgb":
        from xgboost import XGBRegressor
        model = XGBRegressor(n_estimators=300, max_depth=6, learning_rate=0.05, subsample=0.8,
                             colsample_bytree=0.8, min_child_weight=5, n_jobs=1,
                             random_state=SEED, tree_method="hist")
        model.fit(X, y)
        return engine.xgboost_to_bytes(model)
    if kind == "rf":
        from sklearn.ensemble import RandomForestRegressor
        model = RandomForestRegressor(n_estimators=50, max_depth=11, min_samples_leaf=8,
                                      max_features=0.4, max_samples=0.5, n_jobs=1,
                                      random_state=SEED)
    elif kind == "gbm":
        from sklearn.ensemble import HistGradientBoostingRegressor
        model = HistGradientBoostingRegressor(max_iter=250, max_depth=6, learning_rate=0.06,
                                              min_samples_leaf=20, l2_regularization=1.0,
                                              early_stopping=False, random_state=SEED)
    else:
        raise ValueError(f"unknown member kind {kind!r}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        model.fit(X, y)
    return engine.sklearn_to_xgboost_bytes(model)


def _fit_pcr(X: np.ndarray, Y: np.ndarray) -> dict:
    """Standardise -> PCA -> least squares, collapsed to one weight vector per target."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import Ridge

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    pca = PCA(n_components=0.995, svd_solver="full", random_state=SEED).fit(Z)
    T = pca.transform(Z)
    reg = Ridge(alpha=1.0).fit(T, Y)
    # y = ((x - mean) / scale - pca.mean_) @ components.T @ coef.T + intercept
    W = (pca.components_.T @ reg.coef_.T) / scale[:, None]            # (F, targets)
    b = reg.intercept_ - ((mean / scale + pca.mean_) @ (pca.components_.T @ reg.coef_.T))
    return {"kind": "linear", "W": W.astype(np.float64), "b": np.asarray(b, dtype=np.float64),
            "n_components": int(pca.n_components_)}


def _fit_knn(X: np.ndarray, Y: np.ndarray, columns: list[str]) -> dict:
    cols = [columns.index(c) for c in KNN_FEATURES if c in columns]
    R = X[::KNN_THIN, cols].astype(np.float64)
    mean = R.mean(axis=0)
    scale = R.std(axis=0)
    scale[scale == 0] = 1.0
    return {"kind": "knn", "cols": np.asarray(cols, dtype=np.int64),
            "mean": mean.astype(np.float32), "scale": scale.astype(np.float32),
            "refs": ((R - mean) / scale).astype(np.float32),
            "targets": Y[::KNN_THIN].astype(np.float32), "k": KNN_K}


# ----------------------------------------------------------------------------- predicting

def to_sonic(pred: np.ndarray) -> np.ndarray:
    """Member output (DTC, Vp/Vs) -> (DTC, DTS)."""
    return np.column_stack([pred[:, 0], pred[:, 0] * pred[:, 1]])


@dataclass
class MemberPredictor:
    """Predicts (n, 2) targets from an exported payload with numpy / libxgboost only."""
    payload: dict

    def __post_init__(self):
        if self.payload["kind"] == "trees":
            from .engine import TreePredictor
            self._trees = [TreePredictor(b) for b in self.payload["models"]]

    def predict(self, X: np.ndarray, need: tuple[bool, bool] = (True, True)) -> np.ndarray:
        """(n, 2) DTC and Vp/Vs. Tree members skip a target not in `need` (NaN instead):
        each tree model costs ~40 ms per 30,000 rows, the others nothing worth saving."""
        kind = self.payload["kind"]
        if kind == "linear":
            return X.astype(np.float64) @ self.payload["W"] + self.payload["b"]
        if kind == "trees":
            return np.column_stack([t.predict(X) if wanted else np.full(len(X), np.nan)
                                    for t, wanted in zip(self._trees, need)])
        Y, _ = self.knn(X)
        return Y

    def knn(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """KNN prediction and each row's mean distance to its k neighbours (novelty)."""
        from .engine import knn_predict

        p = self.payload
        Q = ((X[:, p["cols"]] - p["mean"]) / p["scale"]).astype(np.float32)
        pred, dist = knn_predict(p["refs"], p["targets"], Q, p["k"], return_distance=True)
        return pred, dist.mean(axis=1)
