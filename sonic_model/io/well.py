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

    def to_dict(self) -> dict:
        return {
            "used": {k: dict(v) for k, v in self.used.items()},
            "ignored": [dict(i) for i in self.ignored],
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "depth": dict(self.depth) if self.depth else None,
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

