"""The one table of canonical curves: names, units, meaning, valid ranges, aliases.

Everything that needs to know what a curve is (the readers, cleaning, features, the app's
mapping editor, the API's validation) reads it from here, never from a literal of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Curve:
    name: str            # canonical mnemonic
    unit: str            # canonical unit
    description: str
    valid: tuple[float, float]  # physically possible range in the canonical unit; outside -> missing
    role: str            # "required" | "optional" | "target"


CURVES: dict[str, Curve] = {
    c.name: c
    for c in (
        Curve("CAL", "in", "Caliper (borehole diameter)", (3.0, 40.0), "optional"),
        Curve("CNC", "v/v", "Neutron porosity (limestone matrix)", (-0.15, 1.0), "required"),
        Curve("GR", "gAPI", "Gamma ray", (0.0, 1500.0), "required"),
        Curve("HRD", "ohm.m", "Deep resistivity", (0.01, 100000.0), "required"),
        Curve("HRM", "ohm.m", "Medium resistivity", (0.01, 100000.0), "optional"),
        # Dead PE tools read ~0.05 b/e (contest Well #1, third well); real rocks are above 0.15.
        Curve("PE", "b/e", "Photoelectric factor", (0.15, 20.0), "optional"),
        Curve("ZDEN", "g/cm3", "Bulk density", (1.0, 3.5), "required"),
        Curve("DTC", "us/ft", "Compressional slowness", (35.0, 260.0), "target"),
        Curve("DTS", "us/ft", "Shear slowness", (55.0, 900.0), "target"),
    )
}

INPUTS: tuple[str, ...] = tuple(n for n, c in CURVES.items() if c.role != "target")
REQUIRED: tuple[str, ...] = tuple(n for n, c in CURVES.items() if c.role == "required")
OPTIONAL: tuple[str, ...] = tuple(n for n, c in CURVES.items() if c.role == "optional")
TARGETS: tuple[str, ...] = ("DTC", "DTS")

# The result columns every door (CSV, LAS, API v1) hands back, in this order (DESIGN.md).
RESULT_COLUMNS: tuple[str, ...] = (
    "DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90", "QC",
)
RESULT_UNITS: dict[str, str] = {c: "us/ft" for c in RESULT_COLUMNS if c != "QC"}
RESULT_DESCRIPTIONS: dict[str, str] = {
    "DTC_PRED": "Predicted compressional slowness (ensemble mean)",
    "DTS_PRED": "Predicted shear slowness (ensemble mean)",
    "DTC_P10": "Predicted DTC, 10th percentile",
    "DTC_P90": "Predicted DTC, 90th percentile",
    "DTS_P10": "Predicted DTS, 10th percentile",
    "DTS_P90": "Predicted DTS, 90th percentile",
    "QC": "Quality flag: OK, or why the sample is suspect",
}

# Null sentinels seen in the wild, beside whatever a LAS header declares as NULL.
NULL_SENTINELS: tuple[float, ...] = (-999.25, -999.0, -9999.0, -9999.25, -99999.0)
