"""DLIS files written at test time with dliswriter, from real FORCE 2020 wells: the shapes real
wireline deliveries take (vendor mnemonics, depth in 0.1 in, an uplog, a high-rate second
frame, array channels, a formation tester's time-indexed logical file)."""

from __future__ import annotations

import logging
import struct
from pathlib import Path

import numpy as np

import support

# FORCE LAS mnemonic -> (Schlumberger-style DLIS channel, unit, factor from the LAS unit).
VENDOR = {
    "CALI": ("HCAL", "in", 1.0), "RDEP": ("AT90", "ohm.m", 1.0), "RMED": ("AT30", "ohm.m", 1.0),
    "NPHI": ("TNPH", "%", 100.0), "PEF": ("PEFZ", "b/e", 1.0), "GR": ("GR", "gAPI", 1.0),
    "RHOB": ("RHOZ", "g/cm3", 1.0), "DTC": ("DTCO", "us/ft", 1.0), "DTS": ("DTSM", "us/ft", 1.0),
}
TENTH_INCH_PER_M = 1 / 0.00254
ABSENT = -999.25


def _dliswriter():
    dw = support.require("dliswriter")
    # dliswriter logs every RP66 unit it does not list ('0.1 in', '%', 'ohm.m', ...) and draws
    # a progress bar on stderr: noise in a test log.
    logging.getLogger("dliswriter").setLevel(logging.ERROR)
    from dliswriter.file import writer

    writer.progressbar = lambda records, **_: records
    return dw


def _write(dlis_file, path: Path) -> Path:
    # Its default output buffer is 4 GiB, zeroed on every write: seconds of page faults.
    dlis_file.write(str(path), output_chunk_size=2**22)
    return path


def force_curves(stem: str, rows: slice = slice(None)) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(depth in m, {LAS mnemonic: values with NaN for nulls}) for one FORCE well."""
    las = support.force_las(stem)
    depth = np.asarray(las.index, dtype=float)[rows]
    return depth, {m: np.asarray(las[m], dtype=float)[rows] for m in VENDOR if m in las.keys()}


def write_well_dlis(path: Path, stem: str, rows: slice = slice(None), *,
                    decreasing: bool = True, high_rate: bool = True, array: bool = True,
                    tester: bool = False, index_unit: str = "0.1 in",
                    absent: float = ABSENT, absent_parameter: bool = False) -> Path:
    """A FORCE well as a Schlumberger-style DLIS.

    Main frame "60B": TDEP in ``index_unit`` (an uplog when ``decreasing``), the VENDOR curves
    (NaN written as ``absent``) and, with ``array``, an 8-sample waveform channel. With
    ``high_rate`` a second frame "10B" at a sixth of the step with its own TDEP and GR (a
    1-inch-style frame). With ``tester`` a second logical file holding a time-indexed
    pressure test. With ``absent_parameter`` the absent value is declared in a NULL parameter.
    """
    dw = _dliswriter()
    depth_m, logs = force_curves(stem, rows)
    factor = {"0.1 in": TENTH_INCH_PER_M, "m": 1.0, "ft": 1 / 0.3048}[index_unit]
    order = slice(None, None, -1) if decreasing else slice(None)
    f = dw.DLISFile()
    lf = f.add_logical_file()
    lf.add_origin("ORIGIN", well_name=f"{stem} DLIS", field_name="FORCE 2020 TEST FIELD",
                  company="SonicPredict tests")
    chans = [lf.add_channel("TDEP", data=(depth_m * factor)[order].copy(), units=index_unit)]
    for las_name, values in logs.items():
        name, unit, scale = VENDOR[las_name]
        out = np.where(np.isfinite(values), values * scale, absent)[order].copy()
        chans.append(lf.add_channel(name, data=out, units=unit, long_name=f"{name} from FORCE"))
    if array:
        rng = np.random.default_rng(0)
        chans.append(lf.add_channel("WF", data=rng.normal(size=(len(depth_m), 8))))
    step = float(np.median(np.diff(depth_m * factor)))
    lf.add_frame("60B", channels=chans, index_type="BOREHOLE-DEPTH",
                 spacing=-step if decreasing else step)
    if absent_parameter:
        lf.add_parameter("NULL", values=[absent], long_name="absent value")
    if high_rate:
        fine_m = np.linspace(depth_m[0], depth_m[-1], 6 * (len(depth_m) - 1) + 1)
        gr = logs["GR"]
        ok = np.isfinite(gr)
        fine_gr = np.interp(fine_m, depth_m[ok], gr[ok])
        hr = [lf.add_channel("TDEP", data=fine_m * factor, units=index_unit,
                             dataset_name="TDEP_10B"),
              lf.add_channel("GR", data=fine_gr, units="gAPI", dataset_name="GR_10B")]
        lf.add_frame("10B", channels=hr, index_type="BOREHOLE-DEPTH")
    if tester:
        _tester_file(f, set_name="MDT", fh_sequence_number=2)
    return _write(f, path)


def _tester_file(f, set_name: str, fh_sequence_number: int = 1):
    """A formation-tester logical file: one time-indexed frame of pressure and temperature.

    dliswriter keeps one table of sets for the whole physical file: a second logical file's
    origin, channels and frame need their own set names."""
    lf = f.add_logical_file(fh_sequence_number=fh_sequence_number)
    lf.add_origin("MDT-ORIGIN", well_name="TESTER WELL", field_name="FORCE 2020 TEST FIELD",
                  set_name=set_name)
    t = np.arange(600) * 500.0
    chans = [lf.add_channel("TIME", data=t, units="ms", set_name=set_name),
             lf.add_channel("BQP1", data=3000 + np.sqrt(t) / 10, units="psi", set_name=set_name),
             lf.add_channel("BQT1", data=np.full(600, 88.0), units="degC", set_name=set_name)]
    lf.add_frame("PRETEST-1", channels=chans, index_type="NON-STANDARD", set_name=set_name)
    return lf


def write_tester_dlis(path: Path) -> Path:
    """A DLIS from a formation tester: only a time-indexed frame, no depth log."""
    dw = _dliswriter()
    f = dw.DLISFile()
    _tester_file(f, set_name=None)
    return _write(f, path)


# ----------------------------------------------------------------------------- LIS79
# No LIS writer is packaged: the few records a log needs are written here (LIS79: physical
# records of one logical record each; a file header, one data format specification, data
# records of 20 frames, a file trailer), values in representation code 68 (32-bit LIS float).

def _f68(value: float) -> bytes:
    if value == 0:
        return bytes(4)
    mantissa, exponent = np.frexp(abs(value))
    frac, exponent = round(float(mantissa) * (1 << 23)), int(exponent)
    if frac == 1 << 23:
        frac, exponent = frac >> 1, exponent + 1
    word = ((exponent + 128) << 23) | frac
    return struct.pack(">I", (-word) & 0xFFFFFFFF if value < 0 else word)


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack(">HH", len(body) + 6, 0) + bytes([kind, 0]) + body


def _spec(mnemonic: str, unit: str) -> bytes:
    """A subtype-0 spec block: one 4-byte sample of code 68 per frame."""
    return (mnemonic.ljust(4).encode() + b"SONIC " + b"00000001" + unit.ljust(4).encode()
            + bytes(4) + struct.pack(">hh", 1, 4) + bytes([0, 0, 0, 1, 68]) + bytes(5))


LIS_VENDOR = {"CALI": ("CALI", "IN", 1.0), "RDEP": ("ILD", "OHMM", 1.0),
              "RMED": ("ILM", "OHMM", 1.0), "NPHI": ("NPHI", "PU", 100.0),
              "PEF": ("PEF", "B/E", 1.0), "GR": ("GR", "GAPI", 1.0),
              "RHOB": ("RHOB", "G/C3", 1.0), "DTC": ("DT", "US/F", 1.0)}


def write_well_lis(path: Path, stem: str, rows: slice, absent: float = ABSENT) -> Path:
    """A FORCE well as a LIS79 file: depth in metres, classic mnemonics, NPHI in p.u."""
    depth_m, logs = force_curves(stem, rows)
    names = [m for m in LIS_VENDOR if m in logs]
    header = b"SONIC .001" + bytes(2) + b" " * 22 + b" 1024  LO  " + b" " * 10
    entries = bytes([12, 4, 68]) + _f68(absent) + bytes([0, 0, 66])
    specs = _spec("DEPT", "M") + b"".join(_spec(*LIS_VENDOR[m][:2]) for m in names)
    out = [_record(128, header), _record(64, entries + specs)]
    table = np.column_stack([depth_m] + [np.where(np.isfinite(logs[m]),
                                                  logs[m] * LIS_VENDOR[m][2], absent)
                                         for m in names])
    for start in range(0, len(table), 20):
        out.append(_record(0, b"".join(_f68(v) for v in table[start:start + 20].ravel())))
    out.append(_record(129, header))
    path.write_bytes(b"".join(out))
    return path
