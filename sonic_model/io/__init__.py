"""Read any vendor's LAS, CSV, DLIS or LIS well file into canonical curves; write CSV and LAS
back.

``read_well`` turns a path or uploaded bytes into a ``Well``: the depth index (sorted, with its
unit), the canonical input curves in canonical units, every original curve, the header and a
``MappingReport`` that says which curve was used for what, what was ignored and what is missing.
Every problem a user can cause is a ``WellReadError`` with a one-line message.

One module per job: ``encoding`` (bytes -> text, LAS or CSV?), ``lasread`` and ``csvread``
(text -> ``Table``), ``dlisread`` (DLIS/LIS through dlisio -> ``Table``), ``depth`` (nulls,
depth curve and unit, row order), ``mapping`` (which curve is which canonical curve), ``read``
(``read_well``/``well_from_table``: Table -> Well) and ``writers`` (CSV and LAS out).

Row policy (contract with features/ensemble): every input row comes back, one output row per
readable input row, nothing dropped. Rows with a depth are sorted by increasing depth (stable,
so duplicate depths keep their file order and are kept as separate rows, with a warning). Rows
whose depth is null cannot be placed on the log: they come after all the rows with depth, in
file order, with NaN in ``Well.depth`` (and ``depth_ft()``), and a warning in the mapping report
says how many there are and where they went. Their curve values are read like any other row.
The writers keep them too: an empty depth cell in CSV, the NULL value (-999.25) in the LAS index
curve. read_well reads that back as NaN; lasio.read does not: it never maps NULL to NaN in the
index curve, so ``las.index`` holds -999.25 for those rows (``null_policy="common"`` gives NaN).
STEP is written as 0 ("irregular") whenever the index has nulls, so no tool rebuilds their depth
from STRT/STEP. A file whose depth curve is entirely null is rejected.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Public name -> the module that defines it. Loaded on first use (PEP 562), so that
# ``sonic_model.wells.encoding`` stays importable without numpy/pandas for the CLI's early checks.
_EXPORTS = {
    "MappingReport": "well", "Well": "well",
    "canonical_name": "mapping", "parse_mapping": "mapping",
    "read_well": "read", "well_from_table": "read", "frame_choices": "read",
    "write_csv": "writers", "write_las": "writers",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from sonic_model.io.mapping import canonical_name, parse_mapping
    from sonic_model.io.read import frame_choices, read_well, well_from_table
    from sonic_model.io.well import MappingReport, Well
    from sonic_model.io.writers import write_csv, write_las


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sonic_model.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
