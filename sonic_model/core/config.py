"""Settings read from the environment once, with defaults, in one object.

A plain frozen dataclass rather than pydantic-settings: importing pydantic costs ~0.3 s,
and the CLI's predict path must start in well under a second. The API wraps these values
in its own pydantic models where it needs validation.

The environment variables (all optional):

    SONIC_MODEL_DIR            the bundled contest model's folder (default: the shipped
                               assets/models/contest; north-sea is always the shipped one)
    SONIC_DATA_DIR             the contest data folder (default: searched, see io.contest)
    SONIC_MODEL_STORE          where models trained on your own wells live
                               (default: the per-user data folder, see model.store)
    SONIC_MAX_FILE_BYTES       largest well file the readers accept (default 200 MiB)
    SONIC_API_MAX_BODY_BYTES   largest HTTP request body the API accepts (default 32 MiB)
    SONIC_API_MAX_ROWS         most rows one API request may hold (default 250,000: with
                               the body limit, what keeps one request under 700 MB on a
                               1 GB host; benchmarks/bench_memory.py measures it)
    SONIC_API_CORS_ORIGINS     comma-separated origins the API allows (default: none)
    SONIC_API_CONCURRENCY      most predictions one API process runs at once (default: the
                               CPU count, at least 2; 1 on a 1 GB host, see docs/API.md)
    SONIC_MODEL_CACHE_SIZE     most distinct models a process keeps loaded, least recently
                               used dropped first (default 4; each costs a few MB)
    SONIC_STORE_READ_ONLY      1/true/yes/on: the model store is read-only, for shared
                               deployments: the dashboard's Train page cannot train, overwrite or
                               delete stored models, and the CLI's `train --wells` and
                               `models --delete` refuse (default off; 0/false/no/off)

A value that cannot be used (``SONIC_MAX_FILE_BYTES=lots``, ``SONIC_API_MAX_ROWS=-5``) raises
``SettingsError`` naming the variable, the value and what is expected -- when the settings are
first read, never at import. The CLI prints that line and exits 2, the API refuses to start with
it, the dashboard shows it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sonic_model.core.errors import SettingsError

# core/config.py -> the sonic_model package -> the checkout (or site-packages).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent

# Rows and body bytes per API request by default: 250,000 rows of the four to seven curves
# peak at ~450 MB in the API server, and the JSON parse grows ~6.4 MB per MB of body
# (benchmarks/bench_memory.py): 32 MiB keeps the widest accepted body under the 700 MB a
# 1 GB host can give the server.
API_MAX_ROWS = 250_000
API_MAX_BODY_BYTES = 32 * 1024 * 1024

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


def bundled_models_root() -> Path:
    """The shipped models, one folder each: package data ``sonic_model/models`` in an installed
    wheel (pyproject.toml maps assets/models there), else ``assets/models`` of the checkout."""
    packaged = resources.files("sonic_model") / "models"
    if packaged.is_dir():
        return Path(str(packaged))
    return PROJECT_DIR / "assets" / "models"


def bundled_model_dir(name: str = "contest") -> Path:
    """The folder of one shipped model: ``contest`` (Well #1 only) or ``north-sea``."""
    return bundled_models_root() / name


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _env_int(name: str, default: int, what: str) -> int:
    """A whole number >= 1 from ``$name`` (``default`` when unset or blank)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < 1:
        raise SettingsError(f"{name}={raw!r} is not a valid setting: expected {what}, a whole "
                            f"number of at least 1 (default {default}); fix or unset {name}")
    return value


def _env_flag(name: str) -> bool:
    """On/off from ``$name``: 1/true/yes/on or 0/false/no/off (any case; unset is off)."""
    raw = os.environ.get(name, "")
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={raw!r} is not a valid setting: expected 1/true/yes/on or "
                        f"0/false/no/off; fix or unset {name}")


@dataclass(frozen=True)
class Settings:
    # Where the trained artifacts and model_card.json live ($SONIC_MODEL_DIR, else the bundled
    # ones: bundled_model_dir()).
    model_dir: Path
    # Explicit contest data directory ($SONIC_DATA_DIR); None means "search the defaults".
    data_dir: Path | None
    # Where models trained on a user's own wells live ($SONIC_MODEL_STORE); None means the
    # per-user data folder (store.store_root).
    model_store: Path | None
    # Largest well file the readers accept, in bytes.
    max_file_bytes: int
    # API limits.
    api_max_body_bytes: int
    api_max_rows: int
    api_cors_origins: tuple[str, ...]
    # $SONIC_STORE_READ_ONLY: nobody trains into, overwrites or deletes from the model store.
    store_read_only: bool = False
    # $SONIC_MODEL_CACHE_SIZE: distinct models kept loaded per process (model.ensemble's LRU).
    model_cache_size: int = 4
    # $SONIC_API_CONCURRENCY: predictions the API runs at once (its worker limiter).
    api_concurrency: int = 2


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment (read once; ``get_settings.cache_clear()`` re-reads).
    Raises SettingsError for a value that cannot be used."""
    cors = os.environ.get("SONIC_API_CORS_ORIGINS", "").strip()
    return Settings(
        model_dir=_env_path("SONIC_MODEL_DIR") or bundled_model_dir(),
        data_dir=_env_path("SONIC_DATA_DIR"),
        model_store=_env_path("SONIC_MODEL_STORE"),
        max_file_bytes=_env_int("SONIC_MAX_FILE_BYTES", 200 * 1024 * 1024,
                                "the largest well file to read, in bytes"),
        api_max_body_bytes=_env_int("SONIC_API_MAX_BODY_BYTES", API_MAX_BODY_BYTES,
                                    "the largest API request body, in bytes"),
        api_max_rows=_env_int("SONIC_API_MAX_ROWS", API_MAX_ROWS,
                              "the most rows one API request may hold"),
        api_cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()),
        store_read_only=_env_flag("SONIC_STORE_READ_ONLY"),
        model_cache_size=_env_int("SONIC_MODEL_CACHE_SIZE", 4,
                                  "how many distinct models a process keeps loaded"),
        api_concurrency=_env_int("SONIC_API_CONCURRENCY", max(2, os.cpu_count() or 1),
                                 "how many predictions the API runs at once"),
    )
