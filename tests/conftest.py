"""Shared fixtures. Tests locate files from __file__, never from the working directory.

Fixtures that need something outside the repository (the contest data, the trained artifacts)
skip on a developer's machine that lacks it, but *fail* under CI (CI=true): there the contest
data is at ../shared/pdda2020 and the artifacts are committed, so their absence is a real fault
that a skip would hide.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from sonic_model.core import config
from sonic_model.core.errors import DataNotFoundError

import support
from support import unavailable

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent


@pytest.fixture(scope="session")
def contest_dir() -> Path:
    """The PDDA 2020 data directory (train.csv, test.csv), found as the app finds it."""
    from sonic_model.io.contest import find_data_dir

    try:
        return find_data_dir()
    except DataNotFoundError as exc:
        unavailable(f"contest data unavailable: {exc}")


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The trained-artifact directory; must hold model_card.json."""
    path = config.get_settings().model_dir
    if not (path / "model_card.json").is_file():
        unavailable(f"no trained model in {path} (model_card.json missing); "
                     f"run `python -m sonic_model train`")
    return path


@pytest.fixture(scope="session")
def force_dir() -> Path:
    """The FORCE 2020 wells folder (sonic_model.io.force.force_dir), or unavailable."""
    return support.force_folder()


@pytest.fixture
def settings_env(monkeypatch):
    """``settings_env(NAME=value, OTHER=None)``: set (or, with None, unset) environment
    settings for this test; sonic_model's settings are re-read after each call and after the
    test (monkeypatch then restores the variables)."""
    def apply(**env) -> None:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, str(value))
        config.get_settings.cache_clear()
    yield apply
    config.get_settings.cache_clear()


@pytest.fixture
def model_store(tmp_path, settings_env) -> Path:
    """An empty model store of this test's own: $SONIC_MODEL_STORE points at it, in this
    process and in every CLI or server process a test starts (support.cli and api_server pass
    os.environ on). Copy a model folder into it to store a model."""
    root = tmp_path / "store"
    settings_env(SONIC_MODEL_STORE=root)
    return root


@pytest.fixture(scope="module")
def api_server(model_dir):
    """Starts the API (uvicorn, support.api_server) on demand: ``api_server(**env)`` -> Server
    (url, pid), one server per distinct env in a test module, stopped after the module."""
    servers: dict = {}
    with contextlib.ExitStack() as stack:
        def start(**env: str) -> support.Server:
            key = tuple(sorted(env.items()))
            if key not in servers:
                servers[key] = stack.enter_context(support.api_server(env))
            return servers[key]
        yield start


# Session fixture: one small model trained on FORCE well subsets (tests/forcewells.py), shared
# by the store, CLI, API and app tests so training runs once per session.
from forcewells import own_model  # noqa: E402,F401
