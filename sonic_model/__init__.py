"""SonicPredict's library: synthesize DTC and DTS sonic logs from conventional well logs.

A small public face (lasio's ``read()``, welly's ``__all__``): read a well, load an ensemble,
predict, write. Heavy modules load on first use so ``python -m sonic_model predict`` starts fast.
"""

from __future__ import annotations

__all__ = [
    "__version__", "read_well", "load_ensemble", "predict", "predict_well",
    "write_csv", "write_las", "SonicModelError",
]

from sonic_model.core.errors import SonicModelError  # noqa: E402  (light: no third-party imports)


def __getattr__(name: str):
    # Lazy exports keep `import sonic_model` cheap for the CLI and for `info`; even
    # importlib.metadata (~50 ms, it scans every installed distribution) waits for __version__.
    if name == "__version__":
        from sonic_model.core.version import package_version
        globals()["__version__"] = version = package_version()
        return version
    if name in ("read_well", "write_csv", "write_las"):
        from sonic_model import io as wells
        return getattr(wells, name)
    if name == "load_ensemble":
        from sonic_model.model import ensemble
        return ensemble.load_ensemble
    if name in ("predict", "predict_well"):     # a model by name, "auto" by default
        from sonic_model.model import public
        return getattr(public, name)
    raise AttributeError(f"module 'sonic_model' has no attribute {name!r}")
