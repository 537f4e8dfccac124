"""Fitting the five member kinds (training time); model.members predicts with what they export.

Training uses XGBoost's own estimators for the tree members and scikit-learn for PCR; every
fitted member is exported as plain data (numpy arrays, XGBoost model bytes in its UBJ format)
that model.artifacts stores without pickle and model.members.MemberPredictor evaluates.
Each member learns two targets per row: DTC and the Vp/Vs ratio DTS/DTC.
"""

from __future__ import annotations

import numpy as np

SEED = 20200301  # the contest's data release date; any fixed seed makes training repeatable

# Candidates, all validated on every training run; selection.py decides which ship in the
# full and light ensembles.
FULL_MEMBERS = ("xgb", "pcr", "knn", "rf", "gbm")

# KNN looks at the logs themselves and their 10-ft context, not at gradients or spreads:
# neighbours in a low, meaningful space are real analogues (and the novelty measure for QC).
KNN_FEATURES = ("CNC", "GR", "LRD", "ZDEN", "CNC_M10", "GR_M10", "LRD_M10", "ZDEN_M10")
KNN_K = 12
# Neighbouring 0.1 m samples are near-duplicates: every 8th training sample (0.8 m apart) keeps the
# information and makes the reference set eight times smaller and faster to search.
KNN_THIN = 8

# A target with fewer training rows than this is not learnt (the member predicts NaN for it):
# e.g. the Vp/Vs part in a fold whose training wells have no shear log.
MIN_TARGET_ROWS = 100


def fit_member(kind: str, X: np.ndarray, Y: np.ndarray, columns: list[str]) -> dict:
    """Fit one member on X (n, F) float32 and Y (n, 2) targets; return its exported payload.

    Y may be NaN where a target was not measured: each target learns from its own rows
    (a well with DTC but no DTS still teaches DTC).
    """
    if kind == "pcr":
        return _fit_pcr(X, Y)
    if kind == "knn":
        return _fit_knn(X, Y, columns)
    models = []
    for j in range(Y.shape[1]):
        ok = np.isfinite(Y[:, j])
        models.append(_fit_trees(kind, X[ok], Y[ok, j]) if ok.sum() >= MIN_TARGET_ROWS else None)
    return {"kind": "trees", "models": models}


# XGBoost's own estimators for every tree member. "rf" is XGBoost's random forest (one round
# of 50 parallel trees on half the rows, 40 % of features per split, as the scikit-learn
# forest it replaces); "gbm" is loss-guided histogram boosting (31 leaves, leaf-wise growth,
# the settings of the HistGradientBoostingRegressor it replaces), next to "xgb"'s depth-wise
# boosting with row and column subsampling.
TREE_PARAMS: dict[str, dict] = {
    "xgb": dict(n_estimators=300, max_depth=6, learning_rate=0.05, subsample=0.8,
                colsample_bytree=0.8, min_child_weight=5),
    "rf": dict(n_estimators=50, max_depth=11, min_child_weight=8, colsample_bynode=0.4,
               subsample=0.5),
    "gbm": dict(n_estimators=250, max_depth=6, learning_rate=0.06, min_child_weight=20,
                reg_lambda=1.0, grow_policy="lossguide", max_leaves=31),
}


def _fit_trees(kind: str, X: np.ndarray, y: np.ndarray) -> bytes:
    """One XGBoost model per target, saved as UBJSON bytes for engine.TreePredictor.

    One model per target rather than one multi-output model: measured on 20,000 x 30 rows,
    fit time, predict time and size are the same within 10 %, and separate models let
    predict skip the Vp/Vs trees of a member that carries no DTS weight.
    Every member fits on one thread; training parallelises across folds instead (OpenMP
    threads spin badly when the two cores are shared: 215 s instead of 3 s).
    """
    import xgboost

    if kind not in TREE_PARAMS:
        raise ValueError(f"unknown member kind {kind!r}")
    estimator = xgboost.XGBRFRegressor if kind == "rf" else xgboost.XGBRegressor
    model = estimator(**TREE_PARAMS[kind], tree_method="hist", n_jobs=1, random_state=SEED)
    model.fit(X, y)
    return bytes(model.get_booster().save_raw("ubj"))


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
    coef = np.full((Y.shape[1], T.shape[1]), np.nan)
    intercept = np.full(Y.shape[1], np.nan)
    for j in range(Y.shape[1]):           # each target on its own rows; NaN if too few
        ok = np.isfinite(Y[:, j])
        if ok.sum() >= MIN_TARGET_ROWS:
            reg = Ridge(alpha=1.0).fit(T[ok], Y[ok, j])
            coef[j], intercept[j] = reg.coef_, reg.intercept_
    # y = ((x - mean) / scale - pca.mean_) @ components.T @ coef.T + intercept
    W = (pca.components_.T @ coef.T) / scale[:, None]            # (F, targets)
    b = intercept - ((mean / scale + pca.mean_) @ (pca.components_.T @ coef.T))
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
