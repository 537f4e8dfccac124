"""``GET /api/v1/models``: every model a request may name with ``model=``.

The list answers even when the bundled model failed to load or its card cannot be read: the
bundled rows then say ``loaded: false`` (without figures) and the stored models are listed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sonic_model.core.errors import SonicModelError
from sonic_model.model import store
from sonic_model.serving.api.deps import ModelsDep

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/models", summary="The models a prediction can use: bundled and trained on wells",
            response_description="the bundled ensembles, then the models in the server's model "
                                 "store with their wells, creation time, pooled leave-one-well-"
                                 "out scores and size")
def list_models(models: ModelsDep) -> dict[str, Any]:
    try:
        card = models.card()
    except SonicModelError:   # logged by the server at start-up; the listing still answers
        card = {}
    rows: list[dict[str, Any]] = [
        {"name": name, "kind": "bundled", "loaded": name in models.loaded,
         "model_version": card.get("model_version"),
         "size_bytes": (card.get("ensembles", {}).get(name) or {}).get("size_bytes")}
        for name in ("full", "light")]
    for row in store.list_models():
        row = {k: v for k, v in row.items() if k != "path"}   # server paths stay on the server
        if "error" in row:
            row["error"] = "the model card cannot be read; retrain or delete this model"
        rows.append({**row, "kind": "own"})
    return {"models": rows}
