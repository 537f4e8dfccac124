"""What routes depend on: the loaded models (built once in the lifespan, handed to routes by
``Depends(get_models)``), the settings, and a bounded worker pool for CPU-bound work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import anyio
import pandas as pd
from fastapi import Depends, Request

from sonic_model import io as wells
from sonic_model.core.config import Settings
from sonic_model.core.errors import ArtifactError, SonicModelError
from sonic_model.model import ensemble
from sonic_model.model.ensemble import ENSEMBLE_NAMES

log = logging.getLogger("sonic_model.api")


@dataclass
class Models:
    """The ensembles this server loaded, and why any failed to load."""

    loaded: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    # Bounds how many predictions run at once, so memory stays flat under concurrent clients.
    limiter: anyio.CapacityLimiter | None = None

    @classmethod
    def load(cls, names: tuple[str, ...] = ENSEMBLE_NAMES) -> Models:
        models = cls()
        for name in names:
            try:
                models.loaded[name] = ensemble.load_ensemble(name)
            except SonicModelError as exc:
                log.error("ensemble %r not loaded: %s", name, exc)
                models.failures[name] = str(exc)
        return models

    def get(self, name: str) -> Any:
        """A bundled ensemble loaded at start-up, or a model from the store by name (loaded
        on first use through store.resolve, sha256-checked, then cached per process)."""
        if name in self.loaded:
            return self.loaded[name]
        if name in ENSEMBLE_NAMES:
            raise ArtifactError(self.failures.get(name, f"ensemble {name!r} is not loaded"))
        from sonic_model.model import store

        return store.load(name)

    async def ready(self, name: str) -> Any:
        """``get`` for a route: a model not loaded yet (one from the store, read from disk and
        sha256-checked on first use) loads in a worker thread, so the event loop keeps answering
        other requests (health checks among them) meanwhile. Raises as ``get`` does."""
        if name in self.loaded or name in ENSEMBLE_NAMES:
            return self.get(name)
        return await anyio.to_thread.run_sync(self.get, name)

    def predict_well(self, well: wells.Well, name: str, **options) -> pd.DataFrame:
        """extras.predict_extended (options ignore_measured, elastic, splice), a long well in
        slices (model.chunked) so memory stays bounded whatever its length."""
        from sonic_model.model.chunked import predict_chunked

        return predict_chunked(well, self.get(name), **options)

    def card(self) -> dict:
        """The bundled model's card: from a loaded ensemble, else read from the model folder
        (ArtifactError, answered 503, when it cannot be read)."""
        for ens in self.loaded.values():
            return ens.card
        from sonic_model.model.card import load_card

        return load_card()


def get_models(request: Request) -> Models:
    return request.app.state.models


def get_api_settings(request: Request) -> Settings:
    return request.app.state.settings


ModelsDep = Annotated[Models, Depends(get_models)]
SettingsDep = Annotated[Settings, Depends(get_api_settings)]


async def in_worker(models: Models, fn: Callable, *args: Any) -> Any:
    # Parsing and prediction are CPU-bound: keep them off the event loop, a few at a time.
    return await anyio.to_thread.run_sync(fn, *args, limiter=models.limiter)
