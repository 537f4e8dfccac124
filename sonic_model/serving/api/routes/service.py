"""Service routes: health."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sonic_model.core.version import __version__
from sonic_model.model.ensemble import ENSEMBLE_NAMES
from sonic_model.serving.api.deps import ModelsDep
from sonic_model.serving.api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health,
            summary="Which bundled models are loaded (503 when none is)",
            responses={503: {"model": Health, "description": "no ensemble loaded"}})
def healthz(models: ModelsDep) -> JSONResponse:
    loaded = {name: name in models.loaded for name in ENSEMBLE_NAMES}
    status = "ok" if all(loaded.values()) else "degraded" if any(loaded.values()) \
        else "unavailable"
    body = Health(status=status, version=__version__, ensembles=loaded).model_dump()
    return JSONResponse(body, status_code=503 if status == "unavailable" else 200)
