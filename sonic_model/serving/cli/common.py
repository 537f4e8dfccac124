"""What every CLI command shares: the usage error, the output formats, progress notes."""

from __future__ import annotations

import os
import sys

from sonic_model.core.errors import SonicModelError

OUTPUT_FORMATS = ("csv", "las")


class UsageError(SonicModelError):
    """A command-line option that cannot be honoured."""


def note(message: str) -> None:
    """A progress line on stderr. If its reader has gone away (`2>&1 | head -1`) the work goes
    on: the remaining wells are still predicted and written, the notes go to /dev/null."""
    try:
        print(message, file=sys.stderr, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())


def check_store_writable(action: str) -> None:
    """Refuse ``action`` (training or deleting a stored model) when $SONIC_STORE_READ_ONLY
    is set."""
    from sonic_model.core.config import get_settings
    from sonic_model.core.errors import StoreReadOnlyError

    if get_settings().store_read_only:
        raise StoreReadOnlyError(f"cannot {action}: the model store is read-only "
                                 "(SONIC_STORE_READ_ONLY is set); unset it to change the store")
