"""Settings read from the environment once, with defaults, in one object.

A plain frozen dataclass rather than pydantic-settings: importing pydantic costs ~0.3 s,
and the CLI's predict path must start in well under a second. The API wraps these values
in its own pydantic models where it needs validation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Settings:
    # Where the trained artifacts and model_card.json live (committed under assets/models).
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
        model_dir=_env_path("SONIC_MODEL_DIR") or PROJECT_DIR / "assets" / "models",
        data_dir=_env_path("SONIC_DATA_DIR"),
        model_store=_env_path("SONIC_MODEL_STORE"),
        max_file_bytes=int(os.environ.get("SONIC_MAX_FILE_BYTES", 200 * 1024 * 1024)),
        api_max_body_bytes=int(os.environ.get("SONIC_API_MAX_BODY_BYTES", 50 * 1024 * 1024)),
        api_max_rows=int(os.environ.get("SONIC_API_MAX_ROWS", 1_000_000)),
        api_cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()),
    )
