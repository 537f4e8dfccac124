"""The optional result columns (elastic logs, the DTS route, the splice): names, units,
descriptions, and the numeric codes their text columns take in a LAS file.

A table of data, like core.curves for the canonical inputs: the writers (io), the prediction
(model.extended) and the doors read it from here, so io never depends on the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE_CONDITIONED = "DTC-conditioned"
SOURCE_LOGS = "logs-only"
# LAS stores the route as a number: legend in the ~Other section.
SOURCE_CODES = {"": 0, SOURCE_LOGS: 1, SOURCE_CONDITIONED: 2}

ELASTIC_COLUMNS: tuple[str, ...] = ("VP", "VS", "VPVS", "PR", "AI", "SI", "G_DYN", "K_DYN")
ELASTIC_UNITS: dict[str, str] = {
    "VP": "m/s", "VS": "m/s", "VPVS": "ratio", "PR": "ratio",
    "AI": "m/s*g/cm3", "SI": "m/s*g/cm3", "G_DYN": "GPa", "K_DYN": "GPa",
}
ELASTIC_DESCRIPTIONS: dict[str, str] = {
    "VP": "Compressional velocity from the best DTC (measured where valid, else predicted)",
    "VS": "Shear velocity from the best DTS (measured where valid, else predicted)",
    "VPVS": "Vp/Vs ratio (= DTS/DTC)",
    "PR": "Dynamic Poisson's ratio (VPVS^2 - 2) / (2 (VPVS^2 - 1))",
    "AI": "Acoustic impedance VP x ZDEN",
    "SI": "Shear impedance VS x ZDEN",
    "G_DYN": "Dynamic shear modulus rho VS^2",
    "K_DYN": "Dynamic bulk modulus rho (VP^2 - 4/3 VS^2)",
}

SPLICE_MEASURED_DTC = 1     # SPLICE_SOURCE bits (LAS); text in CSV/API
SPLICE_MEASURED_DTS = 2

EXTRA_UNITS: dict[str, str] = {
    "DTS_SOURCE": "", "DTS_MUDROCK": "us/ft", "DTS_GC": "us/ft",
    "DTC_SPLICE": "us/ft", "DTS_SPLICE": "us/ft", "SPLICE_SOURCE": "",
    **ELASTIC_UNITS,
}
EXTRA_DESCRIPTIONS: dict[str, str] = {
    "DTS_SOURCE": "Route that produced DTS_PRED, see ~Other",
    "DTS_MUDROCK": "DTS from measured DTC, mudrock line (Castagna et al. 1985)",
    "DTS_GC": "DTS from measured DTC, Greenberg-Castagna (1992) sand-shale, Vsh from GR",
    "DTC_SPLICE": "DTC: measured where valid, else predicted",
    "DTS_SPLICE": "DTS: measured where valid, else predicted",
    "SPLICE_SOURCE": "Which splice values are measured, see ~Other",
    **ELASTIC_DESCRIPTIONS,
}
EXTRA_COLUMNS: tuple[str, ...] = tuple(EXTRA_UNITS)
# The rock-physics baselines the dashboard draws beside the predicted DTS: figures only, never
# written. CSV and LAS from the app, the CLI and the API share one column set: the result
# columns, DTS_SOURCE when the well's measured DTC was used, and the splice and elastic
# columns when asked for.
BASELINE_COLUMNS: tuple[str, ...] = ("DTS_MUDROCK", "DTS_GC")
OUTPUT_EXTRAS: tuple[str, ...] = tuple(c for c in EXTRA_COLUMNS if c not in BASELINE_COLUMNS)
# Text columns stored as integer codes in LAS (its data section is numeric).
TEXT_COLUMNS: tuple[str, ...] = ("DTS_SOURCE", "SPLICE_SOURCE")


def source_code(texts) -> np.ndarray:
    """DTS_SOURCE text -> LAS code (0 none, 1 logs-only, 2 DTC-conditioned)."""
    s = pd.Series(texts, dtype="object").fillna("").astype(str)
    return np.select([s.str.startswith(SOURCE_CONDITIONED), s.str.startswith(SOURCE_LOGS)],
                     [SOURCE_CODES[SOURCE_CONDITIONED], SOURCE_CODES[SOURCE_LOGS]], 0)


def splice_code(texts) -> np.ndarray:
    s = pd.Series(texts, dtype="object").fillna("").astype(str)
    return (np.where(s.str.contains("DTC measured", regex=False), SPLICE_MEASURED_DTC, 0)
            | np.where(s.str.contains("DTS measured", regex=False), SPLICE_MEASURED_DTS, 0))


def las_codes(column: str, values) -> np.ndarray:
    return (source_code if column == "DTS_SOURCE" else splice_code)(values).astype(float)


def legend() -> str:
    """Text for the LAS ~Other section: units of the impedances, and the two code curves."""
    return "\n".join([
        f"DTS_SOURCE: {SOURCE_CODES[SOURCE_LOGS]} = DTS from the logs alone, "
        f"{SOURCE_CODES[SOURCE_CONDITIONED]} = DTS from the logs and the measured DTC "
        "(DTC valid here), 0 = no DTS.",
        f"SPLICE_SOURCE: sum of {SPLICE_MEASURED_DTC} = DTC_SPLICE is measured, "
        f"{SPLICE_MEASURED_DTS} = DTS_SPLICE is measured; 0 = both predicted.",
        "AI, SI in m/s*g/cm3 (x1000 for kg/m2s); G_DYN, K_DYN in GPa; VPVS, PR dimensionless. "
        "Elastic logs use the splice: measured sonic where valid, else predicted.",
    ])
