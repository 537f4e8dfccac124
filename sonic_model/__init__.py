"""SonicPredict's library: synthesize DTC and DTS sonic logs from conventional well logs.

A small public face (lasio's ``read()``, welly's ``__all__``): read a well, load an ensemble,
predict, write. Heavy modules load on first use so ``python -m sonic_model predict`` starts fast.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("sonicpredict")
except metadata.PackageNotFoundError:  # running from a source checkout that was not installed
    __version__ = "0.1.0+source"

__all__ = [
    "__version__", "read_well", "load_ensemble", "predict", "predict_well",
    "write_csv", "write_las", "SonicModelError",
]

from .errors import SonicModelError  # noqa: E402  (light: no third-party imports)


def __getattr__(name: str):
    # Lazy exports keep `import sonic_model` cheap for the CLI and for `info`.
    if name in ("read_well", "write_csv", "write_las"):
        from . import wells
        return getattr(wells, name)
    if name in ("load_ensemble", "predict", "predict_well"):
        from . import ensemble
        return getattr(ensemble, name)
    raise AttributeError(f"module 'sonic_model' has no attribute {name!r}")
