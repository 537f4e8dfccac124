"""Settings read from the environment once, with defaults, in one object.

A plain frozen dataclass rather than pydantic-settings: importing pydantic costs ~0.3 s,
and the CLI's predict path must start in well under a second. The API wraps these values
in its own pydantic models where it needs validation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

# core/config.py -> the sonic_model package -> the checkout (or site-packages).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent


def bundled_model_dir() -> Path:
    """The shipped artifacts: package data ``sonic_model/models`` in an installed wheel
    (pyproject.toml maps assets/models there), else ``assets/models`` of the source checkout."""
    packaged = resources.files("sonic_model") / "models"
    if packaged.is_dir():
        return Path(str(packaged))
    return PROJECT_DIR / "assets" / "models"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    cors = os.environ.get("SONIC_API_CORS_ORIGINS", "").strip()
    return Settings(
        model_dir=_env_path("SONIC_MODEL_DIR") or bundled_model_dir(),
        data_dir=_env_path("SONIC_DATA_DIR"),
        model_store=_env_path("SONIC_MODEL_STORE"),
        max_file_bytes=int(os.environ.get("SONIC_MAX_FILE_BYTES", 200 * 1024 * 1024)),
        api_max_body_bytes=int(os.environ.get("SONIC_API_MAX_BODY_BYTES", 50 * 1024 * 1024)),
        api_max_rows=int(os.environ.get("SONIC_API_MAX_ROWS", 1_000_000)),
        api_cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()),
    )
