"""``GET /api/v1/model``: a model card, in brief or in full (the bundled contest model's unless
``model=`` names another)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sonic_model.serving.api.deps import ModelsDep
from sonic_model.serving.api.payloads import summarize_card

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/model", summary="A model card (a summary; full=true for all of it)",
            response_description="model version, data source and licence, per ensemble its "
                                 "members, validation RMSE, size, memory and speed, and the "
                                 "fit-for-purpose figures (synthetics and AVO from predicted "
                                 "vs measured sonic on held-out wells); with full=true also "
                                 "per-fold and per-member detail, weights, QC envelope and file "
                                 "hashes")
def model_card(models: ModelsDep, full: Annotated[bool, Query(
        description="the whole card instead of the summary")] = False,
        model: Annotated[str | None, Query(
            description="a model from GET /api/v1/models (default, and for auto: the "
                        "bundled contest model)")] = None) -> dict[str, Any]:
    if model in (None, "", "auto"):
        card = models.card()
    else:
        from sonic_model.model import store
        from sonic_model.model.card import load_card

        card = load_card(store.resolve(model)[0])
    return card if full else summarize_card(card)
