"""SonicPredict's library: synthesize DTC and DTS sonic logs from conventional well logs.

A small public face (lasio's ``read()``, welly's ``__all__``): read a well, load an ensemble,
predict, write. Heavy modules load on first use so ``python -m sonic_model predict`` starts fast.
"""

from __future__ import annotations

__all__ = [
    "__version__", "read_well", "load_ensemble", "predict", "predict_well",
    "write_csv", "write_las", "SonicModelError",
]

from .errors import SonicModelError  # noqa: E402  (light: no third-party imports)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sonicpredict")
    except metadata.PackageNotFoundError:  # a source checkout that was not installed
        return "0.1.0+source"


def __getattr__(name: str):
    # Lazy exports keep `import sonic_model` cheap for the CLI and for `info`; even
    # importlib.metadata (~50 ms, it scans every installed distribution) waits for __version__.
    if name == "__version__":
        globals()["__version__"] = version = _version()
        return version
    if name in ("read_well", "write_csv", "write_las"):
        from . import wells
        return getattr(wells, name)
    if name in ("load_ensemble", "predict", "predict_well"):
        from . import ensemble
        return getattr(ensemble, name)
    raise AttributeError(f"module 'sonic_model' has no attribute {name!r}")
