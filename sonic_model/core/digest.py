"""sha256, computed one way everywhere: the shipped artifacts, the contest files and downloads,
the training data recorded in the model card. Standard library only."""

from __future__ import annotations

import hashlib
import os


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in blocks by hashlib.file_digest (never whole in memory)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes already in memory (an upload)."""
    return hashlib.sha256(data).hexdigest()
