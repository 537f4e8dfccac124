"""``GET /api/v1/model``: the model card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import ModelsDep

router = APIRouter(prefix="/api/v1", tags=["v1"])


@router.get("/model", summary="The model card",
                 response_description="data source and licence, validation RMSE per curve and "
                                      "fold, members and weights, size, memory and speed")
def model_card(models: ModelsDep) -> dict[str, Any]:
    return models.card()
