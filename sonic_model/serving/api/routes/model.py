"""``GET /api/v1/model``: the model card, in brief or in full."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sonic_model.serving.api.deps import ModelsDep
from sonic_model.serving.api.payloads import summarize_card

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/model", summary="The model card (a summary; full=true for all of it)",
            response_description="model version, data source and licence, and per ensemble its "
                                 "members, validation RMSE, size, memory and speed; with "
                                 "full=true also per-fold and per-member detail, weights, QC "
                                 "envelope and file hashes")
def model_card(models: ModelsDep, full: Annotated[bool, Query(
        description="the whole card instead of the summary")] = False) -> dict[str, Any]:
    card = models.card()
    return card if full else summarize_card(card)
