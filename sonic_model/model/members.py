"""The five member kinds: how each exported member predicts (training.member_fit fits them).

The exported form of every member is plain data (numpy arrays, XGBoost model bytes, stored by
artifacts.py) that predicts with numpy, scipy's KD-tree and libxgboost only, so the predict
path imports neither scikit-learn nor the xgboost Python package.
Each member predicts two targets per row: DTC and the Vp/Vs ratio DTS/DTC (the shear route
chosen by validation; training.studies re-measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MEMBER_LABELS: dict[str, str] = {
    "xgb": "XGBoost",
    "pcr": "Principal-component regression",
    "knn": "k-nearest neighbours",
    "rf": "Random forest (XGBoost)",
    "gbm": "Gradient boosting (XGBoost, leaf-wise)",
}


# ----------------------------------------------------------------------------- predicting

def to_sonic(pred: np.ndarray) -> np.ndarray:
    """Member output (DTC, Vp/Vs) -> (DTC, DTS)."""
    return np.column_stack([pred[:, 0], pred[:, 0] * pred[:, 1]])


@dataclass
class MemberPredictor:
    """Predicts (n, 2) targets from an exported payload with numpy / libxgboost only."""
    payload: dict

    def __post_init__(self):
        kind = self.payload["kind"]
        if kind == "trees":
            from sonic_model.model.engine import TreePredictor
            # One libxgboost thread per model: on the shared two-core machine one thread
            # was as fast or faster for rf and gbm (benchmarks/bench_engine.py), and OpenMP
            # threads waiting on a descheduled sibling are what a busy neighbour costs.
            self._trees = [None if b is None else TreePredictor(b, n_threads=1)
                           for b in self.payload["models"]]
        elif kind == "knn":
            from sonic_model.model.engine import NeighbourIndex
            p = self.payload
            self._index = NeighbourIndex(p["refs"], p["targets"], p["k"])

    def predict(self, X: np.ndarray, need: tuple[bool, bool] = (True, True)) -> np.ndarray:
        """(n, 2) DTC and Vp/Vs. Tree members skip a target not in `need` (NaN instead):
        each tree model costs ~40 ms per 30,000 rows, the others nothing worth saving."""
        kind = self.payload["kind"]
        if kind == "linear":
            return X.astype(np.float64) @ self.payload["W"] + self.payload["b"]
        if kind == "trees":
            return np.column_stack([t.predict(X) if wanted and t is not None
                                    else np.full(len(X), np.nan)
                                    for t, wanted in zip(self._trees, need)])
        Y, _ = self.knn(X)
        return Y

    def knn(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """KNN prediction and each row's mean distance to its k neighbours (novelty)."""
        p = self.payload
        return self._index.predict((X[:, p["cols"]] - p["mean"]) / p["scale"])
