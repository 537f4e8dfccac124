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
        {"name": "auto", "kind": "bundled", "default": True, "loaded": "full" in models.loaded,
         "description": "per well, the bundled model whose training data the well is closest "
                        "to; answers say which (model) and why (model_reason)"}]
    for name in ("contest", "north-sea", "full", "light"):
        rows.append(_bundled_row(name, models, card))
    for row in store.list_models():
        row = {k: v for k, v in row.items() if k != "path"}   # server paths stay on the server
        if "error" in row and row["name"].lower() not in store.BUNDLED_NAMES:
            row["error"] = "the model card cannot be read; retrain or delete this model"
        rows.append({**row, "kind": "own"})
    return {"models": rows}


def _bundled_row(name: str, models, contest_card: dict) -> dict[str, Any]:
    """A bundled model's row: contest (and its old names full/light) or north-sea."""
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import NORTH_SEA, bundled_dir

    card = contest_card
    if name == NORTH_SEA:
        try:
            card = load_card(bundled_dir(name))
        except SonicModelError:
            card = {}
    full = (card.get("ensembles") or {}).get("full") or {}
    metrics = full.get("metrics") or {}
    return {"name": name, "kind": "bundled",
            # north-sea loads on first use (the server starts with contest's ensembles)
            "loaded": name in models.loaded or (name != NORTH_SEA and "full" in models.loaded),
            "same_as": "contest" if name in ("full", "light") else None,
            "model_version": card.get("model_version"), "size_bytes": full.get("size_bytes"),
            "lowo_contest_rmse": (metrics.get("lowo") or {}).get("contest")}
