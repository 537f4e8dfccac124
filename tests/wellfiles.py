"""Helpers that write well files inside tests: one synthetic well, many vendor dialects.

The well is deterministic (no contest data needed). ``vendor_las`` writes it with lasio under
whatever mnemonics/units a test asks for, so tests can check that every dialect reads back to
the same canonical curves.
"""

from __future__ import annotations

import io

import lasio
import numpy as np
import pandas as pd

CANONICAL_UNITS = {"CAL": "in", "CNC": "v/v", "GR": "gAPI", "HRD": "ohm.m", "HRM": "ohm.m",
                   "PE": "b/e", "ZDEN": "g/cm3", "DTC": "us/ft", "DTS": "us/ft"}

# canonical unit -> other units: (unit text, function canonical -> that unit)
TO_UNIT = {
    "v/v": lambda x: x, "%": lambda x: x * 100.0, "pu": lambda x: x * 100.0,
    "g/cm3": lambda x: x, "kg/m3": lambda x: x * 1000.0, "g/cc": lambda x: x,
    "us/ft": lambda x: x, "us/m": lambda x: x / 0.3048,
    "in": lambda x: x, "mm": lambda x: x * 25.4,
    "ohm.m": lambda x: x, "OHMM": lambda x: x, "mS/m": lambda x: 1000.0 / x,
    "gAPI": lambda x: x, "API": lambda x: x, "b/e": lambda x: x, "": lambda x: x,
}


def canonical_well(n: int = 400, seed: int = 7, start_ft: float = 5000.0) -> pd.DataFrame:
    """DEPTH (ft, 0.5 ft step) and every canonical curve in canonical units, no nulls."""
    rng = np.random.default_rng(seed)
    z = np.arange(n)
    shale = 0.5 + 0.4 * np.sin(z / 23.0) + 0.05 * rng.standard_normal(n)
    shale = np.clip(shale, 0.0, 1.0)
    frame = pd.DataFrame({
        "DEPTH": start_ft + 0.5 * z,
        "CAL": 8.5 + 0.3 * shale + 0.05 * rng.standard_normal(n),
        "CNC": 0.08 + 0.25 * shale + 0.01 * rng.standard_normal(n),
        "GR": 20.0 + 110.0 * shale + 3.0 * rng.standard_normal(n),
        "HRD": np.exp(2.5 - 2.0 * shale + 0.1 * rng.standard_normal(n)),
        "HRM": np.exp(2.3 - 1.9 * shale + 0.1 * rng.standard_normal(n)),
        "PE": 4.5 - 1.5 * shale + 0.1 * rng.standard_normal(n),
        "ZDEN": 2.6 - 0.2 * shale + 0.02 * rng.standard_normal(n),
        "DTC": 60.0 + 50.0 * shale + rng.standard_normal(n),
        "DTS": 110.0 + 110.0 * shale + 2.0 * rng.standard_normal(n),
    })
    return frame.round(4)


def vendor_las(frame: pd.DataFrame, spec: dict[str, tuple[str, str]], *, depth=("DEPT", "ft"),
               version: float = 2.0, wrap: bool = False, null: float = -999.25,
               reverse: bool = False, well: str = "TEST-1", extra: dict | None = None,
               nulls_at: dict[str, slice] | None = None, fmt: str = "%.6f") -> str:
    """LAS text for `frame` written with lasio.

    spec: canonical -> (mnemonic, unit); values are converted from canonical units to `unit`.
    depth: (mnemonic, "ft" | "m"). extra: mnemonic -> (values, unit) appended as-is.
    nulls_at: mnemonic -> slice of rows set to `null`.
    """
    las = lasio.LASFile()
    las.well["WELL"].value = well
    las.well["COMP"].value = "ACME Logging"
    las.well["NULL"].value = null
    dmn, dunit = depth
    dvals = frame["DEPTH"].to_numpy(dtype=float)
    if dunit == "m":
        dvals = dvals * 0.3048
    order = slice(None, None, -1) if reverse else slice(None)
    las.append_curve(dmn, dvals[order], unit=dunit, descr="Depth")
    for canon, (mn, unit) in spec.items():
        vals = TO_UNIT[unit](frame[canon].to_numpy(dtype=float))
        if nulls_at and mn in nulls_at:
            vals = vals.copy()
            vals[nulls_at[mn]] = np.nan
        las.append_curve(mn, vals[order], unit=unit, descr=f"{canon} as {mn}")
    for mn, (vals, unit) in (extra or {}).items():
        las.append_curve(mn, np.asarray(vals, dtype=float)[order], unit=unit, descr=mn)
    buf = io.StringIO()
    las.write(buf, version=version, wrap=wrap, fmt=fmt)
    text = buf.getvalue()
    return text


SCHLUMBERGER = {"CAL": ("HCAL", "in"), "CNC": ("TNPH", "%"), "GR": ("GR", "gAPI"),
                "HRD": ("AT90", "ohm.m"), "HRM": ("AT30", "ohm.m"), "PE": ("PEFZ", "b/e"),
                "ZDEN": ("RHOZ", "kg/m3"), "DTC": ("DTCO", "us/m"), "DTS": ("DTSM", "us/m")}
GENERIC = {"CAL": ("CALI", "in"), "CNC": ("NPHI", "v/v"), "GR": ("GR", "API"),
           "HRD": ("ILD", "OHMM"), "HRM": ("ILM", "OHMM"), "PE": ("PEF", "b/e"),
           "ZDEN": ("RHOB", "g/cc"), "DTC": ("DT", "us/ft"), "DTS": ("DTS", "us/ft")}
CANONICAL = {c: (c, u) for c, u in CANONICAL_UNITS.items()}


def las30_text(frame: pd.DataFrame, spec: dict[str, tuple[str, str]], well: str = "LAS3-1") -> str:
    """A small hand-written LAS 3.0 file (lasio cannot write 3.0), comma-delimited ~Log_Data."""
    lines = ["~Version", "VERS.   3.0 : CWLS LOG ASCII STANDARD - VERSION 3.0",
             "WRAP.    NO : One line per depth step", "DLM . COMMA : delimiter",
             "~Well", f"STRT.ft {frame['DEPTH'].iloc[0]:.2f} : start",
             f"STOP.ft {frame['DEPTH'].iloc[-1]:.2f} : stop", "STEP.ft 0.5 : step",
             "NULL. -999.25 : null", f"WELL. {well} : well name", "~Log_Parameter",
             "BS .in 8.5 : bit size", "~Log_Definition", "DEPT .ft : depth"]
    cols = [frame["DEPTH"].to_numpy()]
    for canon, (mn, unit) in spec.items():
        lines.append(f"{mn} .{unit} : {canon}")
        cols.append(TO_UNIT[unit](frame[canon].to_numpy(dtype=float)))
    lines.append("~Log_Data | Log_Definition")
    data = np.column_stack(cols)
    for row in data:
        lines.append(",".join(f"{v:.6f}" for v in row))
    return "\n".join(lines) + "\n"
