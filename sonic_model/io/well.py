"""What the well readers return (``Well``, ``MappingReport``) and what a format reader hands
to the common mapping code (``Table``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sonic_model.core import curves

CANONICAL_ORDER: tuple[str, ...] = curves.INPUTS + curves.TARGETS


@dataclass
class MappingReport:
    used: dict[str, dict] = field(default_factory=dict)
    ignored: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The index curve: {"mnemonic", "unit" (as in file), "conversion"}; None without depth.
    depth: dict | None = None
    # file column -> cells of text read as null (Table.text_cells), for a door's summary line.
    text_cells: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "used": {k: dict(v) for k, v in self.used.items()},
            "ignored": [dict(i) for i in self.ignored],
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "depth": dict(self.depth) if self.depth else None,
            "text_cells": dict(self.text_cells),
        }

    def as_rows(self) -> list[dict]:
        rows = []
        for name in CANONICAL_ORDER:
            role = curves.CURVES[name].role
            if name in self.used:
                u = self.used[name]
                status = "user mapping" if u.get("user") else "used"
                rows.append({"canonical": name, "mnemonic": u["mnemonic"], "unit": u["unit"],
                             "conversion": u["conversion"], "status": status})
            else:
                status = ("missing (required)" if role == "required"
                          else "missing" if role == "optional" else "not in file")
                rows.append({"canonical": name, "mnemonic": "", "unit": "", "conversion": "",
                             "status": status})
        return rows


@dataclass
class Well:
    name: str
    source: str
    depth: np.ndarray | None
    depth_unit: str
    curves: pd.DataFrame
    original: pd.DataFrame
    header: dict
    report: MappingReport
    # sha256 of the file's bytes ("" when built from arrays): tells a model's own training
    # file from a new well (model.card.training_well), so in-sample scores are said to be.
    sha256: str = ""

    def depth_ft(self) -> np.ndarray | None:
        if self.depth is None:
            return None
        return self.depth * curves.DEPTH_UNITS[self.depth_unit] if self.depth_unit == "m" \
            else self.depth.copy()

    @property
    def missing_required(self) -> list[str]:
        return [m for m in self.report.missing if m in curves.REQUIRED]

    def __len__(self) -> int:
        return len(self.curves)


@dataclass
class Table:
    names: list[str]                 # unique column names (lasio's GR:1/GR:2 for duplicates)
    units: list[str]
    descriptions: list[str]
    data: np.ndarray                 # (rows, columns) float, raw values (nulls not yet mapped)
    depth_col: int | None            # index column, None for a CSV without depth
    header: dict
    null: float | None = None        # header NULL value
    warnings: list[str] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)   # columns that are not curves (text)
    noun: str = "file"               # what error messages call the source: "the file has ..."
    # column name -> text_cells(): cells that held text and were read as null (text columns
    # dropped from ``names`` are here too), so the report can say so instead of "not found".
    text_cells: dict[str, dict] = field(default_factory=dict)


# The float spelling of a missing value: a cell reading "nan" is a null, not stray text.
_NAN_TEXT = frozenset({"nan", "+nan", "-nan"})


def text_cells(raw: pd.Series, numbers: pd.Series) -> dict | None:
    """{"count", "example", "row" (1-based data row), "numbers" (real values)} for the cells
    of one column that hold text where a number should be (blank and "nan" cells are nulls,
    not text), or None when there are none."""
    text = raw.astype(str).str.strip()
    bad = (numbers.isna() & raw.notna() & text.ne("")
           & ~text.str.lower().isin(_NAN_TEXT)).to_numpy()
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad)[0])
    return {"count": int(bad.sum()), "example": str(text.iloc[first]), "row": first + 1,
            # Null sentinels are not numbers a curve holds: "high" with -999.25 is all text.
            "numbers": int((numbers.notna() & ~numbers.isin(curves.NULL_SENTINELS)).sum())}


def text_cell_warning(name: str, info: dict) -> str:
    """One reader note for a numeric column with stray text cells."""
    k = info["count"]
    return (f"{name}: {k} cell{'s' if k != 1 else ''} of text read as null "
            f"(e.g. {info['example']!r} at row {info['row']}); write numbers there, or leave "
            "the cells empty for missing values")

