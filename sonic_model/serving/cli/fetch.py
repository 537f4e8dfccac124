"""``fetch-data``: download and unpack the public contest archive (sha256-checked)."""

from __future__ import annotations

from pathlib import Path


def cmd_fetch(args) -> int:
    from sonic_model.io import contest

    dest = contest.fetch_data(Path(args.dest) if args.dest else None)
    print(f"contest data ready in {dest}")
    return 0
