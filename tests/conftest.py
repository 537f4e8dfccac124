"""Shared fixtures. Tests locate files from __file__, never from the working directory.

Fixtures that need something outside the repository (the contest data, the trained artifacts)
skip on a developer's machine that lacks it, but *fail* under CI (CI=true): there the contest
data is at ../shared/pdda2020 and the artifacts are committed, so their absence is a real fault
that a skip would hide.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sonic_model.core import config
from support import unavailable
from sonic_model.core.errors import DataNotFoundError

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

# Session fixture: one small model trained on FORCE well subsets (tests/forcewells.py), shared
# by the store, CLI, API and app tests so training runs once per session.
from forcewells import own_model  # noqa: E402,F401
