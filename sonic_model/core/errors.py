"""The one error family of sonic_model.

Every error a user can cause (a bad file, a missing curve, a tampered artifact, an
unreachable download) is a ``SonicModelError``. The CLI maps the family to exit code 2,
the API to a 4xx answer and the app to ``st.error``; anything else is a bug (exit 1, 500).
Subclasses also subclass the built-in they refine (scikit-learn's ``NotFittedError``
pattern), so callers may catch either.
"""

from __future__ import annotations


class SonicModelError(Exception):
    """Base of every error that sonic_model raises on purpose. Messages say what to do."""


class WellReadError(SonicModelError, ValueError):
    """A well file cannot be read or mapped: not LAS/CSV, truncated, no depth, no data..."""


class MissingCurvesError(WellReadError):
    """Required input curves are absent. Carries the missing names and what the file has."""

    def __init__(self, message: str, missing: list[str] | tuple[str, ...] = (),
                 available: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.missing = list(missing)
        self.available = list(available)


class InputValueError(SonicModelError, ValueError):
    """Values handed to predict() are unusable (wrong type, no rows, bad option)."""


class ArtifactError(SonicModelError, OSError):
    """A shipped model artifact is missing, unreadable or fails its sha256 check."""


class DataNotFoundError(SonicModelError, FileNotFoundError):
    """The contest data directory cannot be found; says where it looked and how to fetch it."""


class FetchError(SonicModelError, OSError):
    """Downloading or unpacking the public contest archive failed (network, sha256, zip)."""


class SettingsError(SonicModelError, ValueError):
    """An environment setting ($SONIC_*) holds a value that cannot be used; the message names
    the variable, the value and what is expected."""


class StoreReadOnlyError(SonicModelError, PermissionError):
    """The model store is read-only ($SONIC_STORE_READ_ONLY): no training into it, no deleting."""
