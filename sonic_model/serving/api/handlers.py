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
    errors = [_readable({k: v for k, v in err.items() if k in ("type", "loc", "msg")})
              for err in exc.errors()]
    # A body that is not JSON at all is 400 on every endpoint, as /api/get_predictions answers
    # it; 422 is for JSON whose fields or values are wrong.
    status = 400 if any(err.get("type") == "json_invalid" for err in errors) else 422
    hint = content_type_hint(request.headers.get("content-type", ""), errors,
                             has_body=_has_body(request))
    if hint:
        return JSONResponse({"detail": hint}, status_code=415)
    return JSONResponse({"detail": errors}, status_code=status)


def _readable(err: dict) -> dict:
    """A value error inside 'curves' or 'depth' names the curve and row in words too, as the
    API's other messages do (``loc`` keeps the machine-readable path)."""
    loc = tuple(err.get("loc") or ())
    if len(loc) == 4 and loc[:2] == ("body", "curves") and isinstance(loc[3], int):
        err["msg"] = f"curve {loc[2]}, row {loc[3]}: {err.get('msg', '')}"
    elif len(loc) == 3 and loc[:2] == ("body", "depth") and isinstance(loc[2], int):
        err["msg"] = f"depth, row {loc[2]}: {err.get('msg', '')}"
    return err


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length", "").strip()
    return (length.isdigit() and int(length) > 0) or "transfer-encoding" in request.headers


def content_type_hint(content_type: str, errors: list[dict], has_body: bool = False
                      ) -> str | None:
    """The one line a client needs when the body was sent as the wrong kind (pydantic would
    say "Input should be a valid dictionary" or "Field required: file"). A body without a
    Content-Type (requests' ``data="a=1"`` or ``data=json.dumps(...)``) is not read as JSON
    by FastAPI, so it is the same mistake: 415, saying which header to send."""
    sent = content_type.split(";")[0].strip().lower()
    if not sent and not has_body:
        return None           # no body at all: the usual "field required" says it
    sent = sent or "missing"
    locs = [tuple(err.get("loc") or ()) for err in errors]
    if ("body", "file") in locs and sent != "multipart/form-data":
        return ("upload the well as multipart/form-data: a 'file' field with the LAS, CSV, DLIS "
                f"or LIS file, and optional form fields (the request's Content-Type is {sent})")
    if ("body",) in locs and sent != "application/json":
        return ("send the body as JSON with Content-Type: application/json (the request's "
                f"Content-Type is {sent})")
    return None


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    return JSONResponse({"detail": "internal error"}, status_code=500)
