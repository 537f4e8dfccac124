"""Errors -> answers. One table says which kind of SonicModelError is whose fault; no
traceback and no server path reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from sonic_model.core.errors import (
    ArtifactError,
    DataNotFoundError,
    FetchError,
    InputValueError,
    MissingCurvesError,
    SonicModelError,
)

log = logging.getLogger("sonic_model.api")


class TooLarge(SonicModelError, ValueError):
    """The request holds more rows than the server accepts (settings.api_max_rows)."""


class BadJSON(SonicModelError, ValueError):
    """The body is not JSON, or not a split-orient frame."""


def _status_for(exc: SonicModelError) -> int:
    if isinstance(exc, (ArtifactError, DataNotFoundError, FetchError)):
        return 503  # the server's artifacts or data, not the client's request
    if isinstance(exc, TooLarge):
        return 413
    if isinstance(exc, (MissingCurvesError, InputValueError)):
        return 422
    return 400     # WellReadError and anything else the client's file or values caused


class BodyTooLarge(HTTPException):
    """Raised from inside ``receive`` once a streamed body passes the limit. An HTTPException so
    that FastAPI's body parsing re-raises it instead of turning it into a generic 400."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body exceeds the server's limit of {limit} bytes")


async def sonic_error(request: Request, exc: Exception) -> JSONResponse:
    status = _status_for(exc)
    if status == 503:
        # The message names server paths; the operator needs it, the client does not.
        log.error("model unavailable for %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": "the model is not available on this server; "
                                       "the server log says why"}, status_code=503)
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, MissingCurvesError):
        body["missing"] = exc.missing
        body["available"] = exc.available
    return JSONResponse(body, status_code=status)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's default echoes each bad input; for a 50 MB body that echo can be the body.
    errors = [{k: v for k, v in err.items() if k in ("type", "loc", "msg")}
              for err in exc.errors()]
    # A body that is not JSON at all is 400 on every endpoint, as /api/get_predictions answers
    # it; 422 is for JSON whose fields or values are wrong.
    status = 400 if any(err.get("type") == "json_invalid" for err in errors) else 422
    return JSONResponse({"detail": errors}, status_code=status)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    return JSONResponse({"detail": "internal error"}, status_code=500)
