"""The HTTP door: SonicPredict's ``POST /api/get_predictions`` plus a documented v1 API (FastAPI).

Laid out as FastAPI's full-stack template lays out its backend: ``main`` (the app factory),
``routes/`` (one thin router per group of endpoints), ``schemas`` (pydantic models), ``deps``
(loaded models and settings, handed to routes by ``Depends``), ``payloads`` (request bodies in,
answers out, as pure functions), ``handlers`` (errors -> answers) and ``middleware`` (body limit).

Routes only parse, check limits and shape answers; reading, mapping, predicting and writing are
the same ``wells`` and ``ensemble`` functions the CLI and the app call. The ensembles load once,
in the lifespan. Client data is parsed as JSON, CSV or LAS only -- never unpickled.

Run with ``python -m sonic_model serve`` or ``uvicorn sonic_model.serving.api:app``.
"""

from __future__ import annotations

from sonic_model.model.ensemble import ENSEMBLE_NAMES
from sonic_model.serving.api.deps import Models, get_api_settings, get_models
from sonic_model.serving.api.handlers import BadJSON, TooLarge
from sonic_model.serving.api.main import DESCRIPTION, app, create_app, serve
from sonic_model.serving.api.payloads import DECIMALS, parse_split_body, render_split

__all__ = ["BadJSON", "DECIMALS", "DESCRIPTION", "ENSEMBLE_NAMES", "Models", "TooLarge", "app",
           "create_app", "get_api_settings", "get_models", "parse_split_body", "render_split",
           "serve"]
