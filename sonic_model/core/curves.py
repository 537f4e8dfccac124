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

# The result columns every door (CSV, LAS, API v1) hands back, in this order.
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


# ---------------------------------------------------------------------------------------------
# Recognition tables (welly's defaults.ALIAS pattern): canonical name -> mnemonics in priority
# order, first match wins. Matching is case-insensitive on the whole mnemonic (after lasio's
# ":1"/":2" duplicate suffix is stripped); nothing is matched by prefix, so a correction curve
# such as DRHO, HDRA or DCAL can never pass for the curve it corrects.
# ---------------------------------------------------------------------------------------------

ALIASES: dict[str, tuple[str, ...]] = {
    # Bulk density: Baker ZDEN/ZDNC, Schlumberger RHOZ (Platform Express) then RHOB (generic).
    "ZDEN": ("ZDEN", "RHOZ", "RHOB", "ZDNC", "DEN", "DENS", "HDEN", "RHOM", "RHO8", "BDCFM",
             "RHOB_LS", "DENB", "BULK_DENSITY", "RHO"),
    # Neutron porosity, limestone matrix first; sandstone/dolomite-matrix variants last (used
    # with a warning: the models were trained on a limestone-matrix neutron).
    "CNC": ("CNC", "CNCF", "TNPH", "NPHI", "NPOR", "CNCLS", "CNCFLS", "TNPH_LS", "TNPH_LIM",
            "NPHI_LS", "NPHI_LIM", "NPOR_LS", "NPOR_LIM", "NPHILS", "NPLS", "NPRL", "TNPL",
            "HNPO", "NPHZ", "PHIN", "NEUT", "NEU", "CN", "NPHI_NORM",
            "CNCSS", "CNCFSS", "TNPH_SS", "TNPH_SAN", "NPHI_SS", "NPHI_SAN", "NPOR_SS", "NPSS",
            "NPHS", "CNCDL", "CNCFDL", "TNPH_DOL", "NPHI_DOL", "NPDL", "NPHD"),
    "GR": ("GR", "GRC", "ECGR", "GR_EDTC", "EHGR", "GRD", "GRS", "GRGM", "HGR", "SGR", "HSGR",
           "GRR", "GRN", "GAM", "GAMMA", "GR_CAL", "CGR", "HCGR"),
    # Deep resistivity: induction (ILD, array 90-inch curves), laterolog (LLD, RLA5), generic.
    "HRD": ("HRD", "AT90", "AF90", "AO90", "AHT90", "AHF90", "AHO90", "AIT90", "RLA5", "HLLD",
            "M2R9", "M2RX", "RT", "RT_HRLT", "ILD", "IDPH", "RILD", "IDER", "LLD", "LLDC", "DLLD",
            "RD", "RDEP", "RES_DEEP", "RESD", "P40H", "A40H", "RACEHM", "RACELM", "RPCEHM"),
    # Medium resistivity: induction 30-inch (then 60-inch) array curves, ILM, shallow laterolog.
    "HRM": ("HRM", "AT30", "AF30", "AO30", "AHT30", "AHF30", "AHO30", "AIT30", "RLA3", "HLLS",
            "M2R3", "ILM", "IMPH", "RILM", "IMER", "LLS", "LLSC", "DLLS", "RM", "RMED", "RES_MED",
            "RESM", "AT60", "AF60", "AO60", "AHT60", "AHO60", "M2R6", "P28H", "P16H", "A28H",
            "RPCELM"),
    "PE": ("PE", "PEFZ", "PEF", "PEF8", "PDPE", "PEDF", "PEDN", "PEFA", "PEFL", "PEB", "PEQ"),
    # Caliper: never DCAL (differential caliper) or BS (bit size).
    "CAL": ("CAL", "CALI", "HCAL", "CALS", "CALD", "CLDC", "CALX", "C1", "CAL1", "CALY", "C2",
            "CAL2", "LCAL", "CALN", "CALA", "HD", "HD1", "CAL_1"),
    # Measured sonic, for comparison with the prediction.
    "DTC": ("DTC", "DTCO", "DT", "DT4P", "DTP", "DTLN", "DTLF", "DT24", "DTCM", "DTCOMP", "AC",
            "ACCO", "DTC1", "SONIC"),
    "DTS": ("DTS", "DTSM", "DT4S", "DTSD", "DTS1", "DTSH", "DTSC", "ACS", "DTXX", "DTYY",
            "DTSHEAR"),
}

# Auxiliary curves: recognised, converted to canonical units and carried in Well.curves beside
# the canonical ones, but never in INPUTS: no model reads them. The bit size is the hole the
# bit drilled, so QC measures a washout as CAL - BS where the file logs it; the caliper's own
# rolling low percentile (physics.borehole) sees every bit-size change as a washout.
AUXILIARY: dict[str, Curve] = {
    "BS": Curve("BS", "in", "Bit size (QC's washout reference; not a model input)",
                (3.0, 40.0), "auxiliary"),
}
AUX_ALIASES: dict[str, tuple[str, ...]] = {
    "BS": ("BS", "BIT", "BITSIZE", "BIT_SIZE", "BITSZ", "BSZ", "BIT_DIAMETER"),
}

# Index curves: the first curve of a LAS file is the index; these names say it is depth.
DEPTH_ALIASES: tuple[str, ...] = (
    "DEPT", "DEPTH", "DEPTH_FT", "DEPTH_M", "MD", "TDEP", "DEP", "DPTH", "MDEPTH", "TVD",
    "TVDSS", "DEPTH_MD", "MEASURED_DEPTH", "INDEX_DEPTH",
)
# Index curves that are *not* depth (time-based recordings): reading them as depth is wrong.
TIME_INDEX_ALIASES: tuple[str, ...] = ("TIME", "ETIM", "ETIME", "DATE_TIME", "DATETIME", "TIM")
# Header name of the sample-number index written for a file without depth (contest CSV).
SAMPLE_INDEX: str = "SAMPLE"

# Curves named in ALIASES[...] after this position are used only with a warning.
ALIAS_WARNINGS: dict[str, dict[str, str]] = {
    "CNC": {m: "sandstone/dolomite-matrix neutron; the models were trained on a "
               "limestone-matrix neutron (CNC), expect a bias"
            for m in ("CNCSS", "CNCFSS", "TNPH_SS", "TNPH_SAN", "NPHI_SS", "NPHI_SAN",
                      "NPOR_SS", "NPSS", "NPHS", "CNCDL", "CNCFDL", "TNPH_DOL", "NPHI_DOL",
                      "NPDL", "NPHD")},
    "GR": {m: "computed gamma ray without uranium; reads lower than total GR"
           for m in ("CGR", "HCGR")},
}


# ---------------------------------------------------------------------------------------------
# Units. Unit spellings are normalised (lower case, spaces removed) before lookup.
# A rule converts a value x in that unit to the canonical unit: x * factor, or factor / x
# when `reciprocal` (conductivity -> resistivity).
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRule:
    factor: float = 1.0
    reciprocal: bool = False
    label: str = ""       # how the conversion reads in the mapping report, e.g. "/100"

    @property
    def identity(self) -> bool:
        return self.factor == 1.0 and not self.reciprocal


_SAME = UnitRule()
_PCT = UnitRule(0.01, label="/100")
_KGM3 = UnitRule(0.001, label="/1000")
_USM = UnitRule(0.3048, label="x0.3048")

UNITS: dict[str, dict[str, UnitRule]] = {
    "CAL": {"in": _SAME, "inch": _SAME, "inches": _SAME, "ins": _SAME, '"': _SAME,
            "mm": UnitRule(1 / 25.4, label="/25.4"), "cm": UnitRule(1 / 2.54, label="/2.54"),
            "m": UnitRule(1 / 0.0254, label="/0.0254")},
    "CNC": {"v/v": _SAME, "frac": _SAME, "fraction": _SAME, "dec": _SAME, "decimal": _SAME,
            "m3/m3": _SAME, "ft3/ft3": _SAME, "cfcf": _SAME, "cf/cf": _SAME, "vol/vol": _SAME,
            "pu_frac": _SAME, "nu": _SAME, "v/v_decimal": _SAME, "ratio": _SAME,
            "%": _PCT, "pu": _PCT, "p.u.": _PCT, "lpu": _PCT, "spu": _PCT, "dpu": _PCT,
            "pct": _PCT, "percent": _PCT, "%lime": _PCT, "%ls": _PCT, "pu(ls)": _PCT,
            "limestonepu": _PCT, "porosityunits": _PCT, "v/v%": _PCT},
    "GR": {"gapi": _SAME, "api": _SAME, "gapiunits": _SAME, "apiunits": _SAME, "apigr": _SAME,
           "gapi_units": _SAME, "api_units": _SAME},
    "HRD": {"ohm.m": _SAME, "ohmm": _SAME, "ohm-m": _SAME, "ohm_m": _SAME, "ohm*m": _SAME,
            "ohm": _SAME, "ohms": _SAME, "ohm/m": _SAME, "ohmmeter": _SAME, "ohm.meter": _SAME,
            "ω.m": _SAME, "ωm": _SAME, "ω·m": _SAME, "ohm·m": _SAME, "ohm-meter": _SAME,
            "mmho/m": UnitRule(1000.0, True, "1000/x, conductivity"),
            "ms/m": UnitRule(1000.0, True, "1000/x, conductivity"),
            "mmhos/m": UnitRule(1000.0, True, "1000/x, conductivity"),
            "s/m": UnitRule(1.0, True, "1/x, conductivity"),
            "mho/m": UnitRule(1.0, True, "1/x, conductivity")},
    "PE": {"b/e": _SAME, "b/elec": _SAME, "barns/e": _SAME, "barn/e": _SAME, "be": _SAME,
           "barns/electron": _SAME, "barns": _SAME, "b/el": _SAME, "b": _SAME, "barn": _SAME,
           "b/electron": _SAME, "barns/elec": _SAME},
    "ZDEN": {"g/cm3": _SAME, "g/cc": _SAME, "gm/cc": _SAME, "g/cm^3": _SAME, "gr/cc": _SAME,
             "g/c3": _SAME, "gcc": _SAME, "g/ml": _SAME, "gm/cm3": _SAME, "grm/cc": _SAME,
             "g/cm**3": _SAME, "g.cm-3": _SAME, "gc3": _SAME, "k/m3": _KGM3,
             "kg/m3": _KGM3, "kg/m^3": _KGM3, "kgm3": _KGM3, "kg/m**3": _KGM3, "g/l": _KGM3,
             "kg.m-3": _KGM3},
    "DTC": {"us/ft": _SAME, "usec/ft": _SAME, "µs/ft": _SAME, "μs/ft": _SAME, "us/f": _SAME,
            "uspf": _SAME, "microsec/ft": _SAME, "micros/ft": _SAME, "us/feet": _SAME,
            "usft": _SAME, "s/ft*1e-6": _SAME,
            "us/m": _USM, "usec/m": _USM, "µs/m": _USM, "μs/m": _USM, "uspm": _USM,
            "microsec/m": _USM, "us/metre": _USM, "us/meter": _USM},
}
UNITS["HRM"] = UNITS["HRD"]
UNITS["DTS"] = UNITS["DTC"]

# Units to try when the unit field is blank or unrecognised, or contradicts the values:
# the first whose converted median falls in TYPICAL_MEDIAN is taken, with a warning.
INFERABLE_UNITS: dict[str, tuple[str, ...]] = {
    "CAL": ("in", "mm"),
    "CNC": ("v/v", "%"),
    "ZDEN": ("g/cm3", "kg/m3"),
    "DTC": ("us/ft", "us/m"),
    "DTS": ("us/ft", "us/m"),
}
# Where the median of a whole log lies in the canonical unit (much wider than any one rock).
TYPICAL_MEDIAN: dict[str, tuple[float, float]] = {
    "CAL": (3.0, 30.0),
    "CNC": (-0.05, 0.9),
    "ZDEN": (1.0, 3.3),
    "DTC": (38.0, 210.0),
    "DTS": (60.0, 650.0),
}

# Depth units -> feet.
DEPTH_UNITS: dict[str, float] = {
    "ft": 1.0, "f": 1.0, "feet": 1.0, "foot": 1.0, "fts": 1.0, "usft": 1.0, "'": 1.0,
    "m": 1 / 0.3048, "meter": 1 / 0.3048, "meters": 1 / 0.3048, "metre": 1 / 0.3048,
    "metres": 1 / 0.3048, "mtr": 1 / 0.3048, "mts": 1 / 0.3048,
    "in": 1 / 12, "inch": 1 / 12, ".1in": 1 / 120, "0.1in": 1 / 120, "cm": 1 / 30.48,
    "mm": 1 / 304.8, "dm": 1 / 3.048,
}
# Depth units kept as they are in Well.depth; every other length unit is converted to feet.
NATIVE_DEPTH_UNITS: dict[str, str] = {
    "ft": "ft", "f": "ft", "feet": "ft", "foot": "ft", "fts": "ft", "usft": "ft", "'": "ft",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m", "mtr": "m", "mts": "m",
}


def normalize_unit(unit: str | None) -> str:
    """Unit spelling used as a key of UNITS/DEPTH_UNITS: lower case, no spaces."""
    return "".join(str(unit or "").split()).lower()


def normalize_mnemonic(mnemonic: str) -> str:
    """Mnemonic as matched against ALIASES: upper case, lasio's ':n' duplicate suffix removed."""
    m = str(mnemonic).strip().upper()
    head, sep, tail = m.rpartition(":")
    if sep and tail.isdigit() and head:
        m = head
    return m
