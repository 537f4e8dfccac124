"""Atomic file output for every serving door: write beside the target, then rename into place.

``os.replace`` is atomic on one file system: a reader sees the old file or the whole new one,
and a run killed (or failing) mid-write leaves at most a hidden ``.<name>.<pid>.tmp`` file
beside the target -- never a half file under the target's name. The CLI's ``predict -o`` and
the batch outputs and report all write this way.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_output", "atomic_write", "temp_name"]


def temp_name(path: str | os.PathLike) -> Path:
    """The hidden temporary file beside ``path`` that this process writes before the rename."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only when the block ends normally.

    On any exception (or KeyboardInterrupt) the temporary file is removed and ``path`` is left
    as it was; the exception propagates.
    """
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (see ``atomic_output``)."""
    with atomic_output(path) as fh:
        fh.write(payload)
