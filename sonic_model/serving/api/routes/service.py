"""Service routes: health."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sonic_model.core.errors import SonicModelError
from sonic_model.core.version import __version__
from sonic_model.model.choice import ALIASES, AUTO, CONTEST, NORTH_SEA, bundled_dir
from sonic_model.model.ensemble import ENSEMBLE_NAMES
from sonic_model.serving.api.deps import ModelsDep
from sonic_model.serving.api.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health,
            summary="Which bundled models can answer: auto, contest, north-sea (503 when none can)",
            responses={503: {"model": Health, "description": "no ensemble loaded"}})
def healthz(models: ModelsDep) -> JSONResponse:
    loaded = {name: name in models.loaded for name in ENSEMBLE_NAMES}
    status = "ok" if all(loaded.values()) else "degraded" if any(loaded.values()) \
        else "unavailable"
    contest = any(loaded.values())     # full and light are contest's old names
    north_sea = NORTH_SEA in models.loaded or _installed(NORTH_SEA)
    body = Health(status=status, version=__version__, ensembles=loaded,
                  models={AUTO: contest and north_sea, CONTEST: contest, NORTH_SEA: north_sea},
                  aliases=dict(ALIASES)).model_dump()
    return JSONResponse(body, status_code=503 if status == "unavailable" else 200)


def _installed(name: str) -> bool:
    # north-sea loads on first use (start-up memory stays contest's): a health check must stay
    # cheap, so its card on disk stands for it; a damaged file still answers 503 when used.
    try:
        return (bundled_dir(name) / "model_card.json").is_file()
    except SonicModelError:
        return False
