"""The installed package's version, read once and lazily: importlib.metadata scans every installed
distribution (~50 ms), so `import sonic_model` and the CLI's fast paths do not pay for it."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def package_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sonicpredict")
    except metadata.PackageNotFoundError:  # a source checkout that was not installed
        return "0.1.0+source"


def __getattr__(name: str):
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
