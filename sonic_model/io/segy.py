"""SEG-Y (rev 1, IEEE floats) of synthetic traces, written with segyio so interpretation software
loads them; and a result table as CSV with a commented header.

    payload = segy_bytes(traces, dt_ms=1.0, t_start_ms=1200.0,
                         headers=[{"angle": 0, "percentile": 50}, ...], text=["..."])

Each trace carries its incidence angle in the `offset` header (degrees, rounded) and which
synthetic it is in `ShotPoint` (10, 50 or 90 for P10, P50, P90); the textual header says so.
The time of the first sample is the `DelayRecordingTime` (ms) of every trace.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sonic_model.core.errors import SonicModelError


class SegyWriteError(SonicModelError, OSError):
    """The SEG-Y file cannot be written (segyio missing, or the disk refused it)."""


def _text_header(lines: list[str]) -> str:
    rows = [f"C{i + 1:2d} {line}"[:80].ljust(80) for i, line in enumerate(lines[:40])]
    rows += [f"C{i + 1:2d}".ljust(80) for i in range(len(rows), 40)]
    return "".join(rows)


def write_segy(path: str | os.PathLike, traces: list[np.ndarray], dt_ms: float,
               t_start_ms: float, headers: list[dict], text: list[str]) -> None:
    """Write traces (equal length) to `path` with segyio."""
    try:
        import segyio
    except ImportError as exc:   # a runtime dependency; say how to repair a broken install
        raise SegyWriteError(f"SEG-Y output needs segyio ({exc}); pip install -r "
                             "requirements.txt") from None
    data = np.asarray(traces, dtype=np.float32)
    spec = segyio.spec()
    spec.format = 5                 # 4-byte IEEE float
    spec.samples = t_start_ms + dt_ms * np.arange(data.shape[1])
    spec.tracecount = data.shape[0]
    with segyio.create(str(path), spec) as f:
        f.text[0] = _text_header(text)
        f.bin.update({segyio.BinField.Interval: int(round(dt_ms * 1000)),
                      segyio.BinField.Samples: data.shape[1],
                      segyio.BinField.Format: 5})
        for i, (trace, h) in enumerate(zip(data, headers)):
            f.header[i] = {
                segyio.TraceField.TRACE_SEQUENCE_LINE: i + 1,
                segyio.TraceField.TRACE_SEQUENCE_FILE: i + 1,
                segyio.TraceField.CDP: 1,
                segyio.TraceField.offset: int(round(h.get("angle", 0))),
                segyio.TraceField.ShotPoint: int(h.get("percentile", 50)),
                segyio.TraceField.TRACE_SAMPLE_COUNT: data.shape[1],
                segyio.TraceField.TRACE_SAMPLE_INTERVAL: int(round(dt_ms * 1000)),
                segyio.TraceField.DelayRecordingTime: int(round(t_start_ms)),
            }
            f.trace[i] = trace


def segy_bytes(traces: list[np.ndarray], dt_ms: float, t_start_ms: float,
               headers: list[dict], text: list[str]) -> bytes:
    """write_segy into memory (segyio writes only to named files: a temporary one)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.sgy"
        write_segy(path, traces, dt_ms, t_start_ms, headers, text)
        return path.read_bytes()


def table_csv(frame: pd.DataFrame, header: list[str]) -> bytes:
    """CSV with '# ' header lines (read it back with pandas.read_csv(..., comment='#'));
    nulls are empty cells."""
    lines = "".join(f"# {line}\n" for line in header)
    body = frame.to_csv(index=False, float_format="%.8g", lineterminator="\n")
    return (lines + body).encode("utf-8")
