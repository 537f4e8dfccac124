"""The app factory: settings, lifespan (models load once), error handlers, middleware, routers."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from sonic_model.core.config import Settings, get_settings
from sonic_model.core.errors import SettingsError, SonicModelError
from sonic_model.core.version import __version__
from sonic_model.model.ensemble import ENSEMBLE_NAMES
from sonic_model.serving.api.deps import Models
from sonic_model.serving.api.handlers import internal_error, sonic_error, validation_error
from sonic_model.serving.api.middleware import BodyLimitMiddleware
from sonic_model.serving.api.routes import compat, docs, model, models, predict, service, synth

DESCRIPTION = """\
Synthetic compressional (DTC) and shear (DTS) sonic logs from conventional logs.

* `POST /api/get_predictions` -- SonicPredict-compatible: a pandas `orient='split'` frame in
  (plain, or double-encoded as a JSON string), `pred_DTC`/`pred_DTS` out with your index.
* `POST /api/v1/predict` -- curves as JSON by canonical name or mnemonic, with P10/P90 and QC.
* `POST /api/v1/predict/file` -- upload LAS, CSV, DLIS or LIS; JSON, CSV or LAS back.
* `POST /api/v1/synth` -- upload a well; synthetic seismogram, angle gather and AVO with
  P10/P90, scored against its measured sonic (JSON, CSV or SEG-Y).
* `GET /api/v1/model` -- the model card in brief: data, validation RMSE, size and speed
  (`?full=true`: the whole card, per fold and per member).
* `GET /api/v1/models` -- the models a request can name: `auto` (the default: per well, the
  bundled model it is closest to), `contest`, `north-sea` (`full`, `light`: old names of
  contest), then the models trained on your wells.

Client errors answer 4xx with `{"detail": ...}`; missing curves are **422** (SonicPredict
answered 500).
"""


def _lifespan(load_models: Callable[[], Models], concurrency: int):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load once, at start-up, not per request and not at import.
        models = await anyio.to_thread.run_sync(load_models)
        # Each prediction's peak is a few hundred MB for a long well: this many at once.
        models.limiter = anyio.CapacityLimiter(concurrency)
        app.state.models = models
        yield

    return lifespan


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SonicModelError, sonic_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    if settings.api_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.api_cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)


def create_app(settings: Settings | None = None,
               load_models: Callable[[], Models] = Models.load) -> FastAPI:
    settings = settings or get_settings()
    # docs_url/redoc_url None: FastAPI's own pages load their scripts from a CDN; routes/docs.py
    # serves the same pages from local files.
    app = FastAPI(title="SonicPredict API", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan(load_models, settings.api_concurrency), docs_url=None,
                  redoc_url=None)
    app.state.settings = settings
    app.state.models = Models(failures={n: "server is starting" for n in ENSEMBLE_NAMES})
    _add_error_handlers(app)
    _add_middleware(app, settings)
    docs.mount_assets(app)
    for routes in (docs, service, compat, predict, model, models, synth):
        app.include_router(routes.router)
    return app


def _module_app() -> FastAPI:
    """The app ``uvicorn sonic_model.serving.api:app`` serves. A bad $SONIC_* setting stops it
    from starting with one line naming the variable (exit 2), not a traceback."""
    try:
        return create_app()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


app = _module_app()


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API with uvicorn (``python -m sonic_model serve``)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")
