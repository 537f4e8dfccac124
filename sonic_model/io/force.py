"""Where the FORCE 2020 offset wells live (``$SONIC_FORCE_DIR``, else ../shared/force2020 beside
the checkout) and reading every well of such a folder.

The wells are never copied into the repository: training and validation find them at run time.
"""

from __future__ import annotations

import os
from pathlib import Path

from sonic_model.core.config import PROJECT_DIR


def force_dir() -> Path | None:
    """The FORCE wells folder: ``$SONIC_FORCE_DIR`` when set (None if it is not a folder), else
    ../shared/force2020 next to the project or next to its parent (a clone inside a work folder)."""
    env = os.environ.get("SONIC_FORCE_DIR", "").strip()
    if env:
        return Path(env) if Path(env).is_dir() else None
    for cand in (PROJECT_DIR.parent / "shared" / "force2020",
                 PROJECT_DIR.parent.parent / "shared" / "force2020"):
        if cand.is_dir():
            return cand
    return None


def read_force_wells(data_dir: Path, max_rows: int | None = None) -> list:
    """Every LAS file of the folder as a Well (named by file stem), sorted by name."""
    from sonic_model.io.read import read_well

    wells = []
    for path in sorted(Path(data_dir).glob("*.las")):
        well = read_well(path, name=path.stem, require=False)
        if max_rows:
            well.curves = well.curves.iloc[:max_rows]
            well.depth = None if well.depth is None else well.depth[:max_rows]
        well.name = path.stem
        wells.append(well)
    return wells
