"""SEG-Y written with segyio reads back through segyio: samples, sample interval, start time,
angles and percentiles in the trace headers."""

from __future__ import annotations

import numpy as np

from sonic_model.io.segy import segy_bytes, write_segy

from support import require


def test_segy_round_trip_through_segyio(tmp_path):
    segyio = require("segyio")
    rng = np.random.default_rng(1)
    traces = [rng.standard_normal(300).astype(np.float32) for _ in range(6)]
    headers = [{"angle": a, "percentile": p} for a in (0, 30) for p in (10, 50, 90)]
    path = tmp_path / "gather.sgy"
    write_segy(path, traces, dt_ms=1.0, t_start_ms=1200.0, headers=headers,
               text=["SonicPredict test", "offset = angle"])
    with segyio.open(path, ignore_geometry=True) as f:
        assert f.tracecount == 6
        np.testing.assert_array_equal(f.trace.raw[:], np.array(traces))
        assert segyio.tools.dt(f) == 1000.0
        assert f.samples[0] == 1200.0 and f.samples[-1] == 1499.0
        assert [f.header[i][segyio.TraceField.offset] for i in range(6)] == [0, 0, 0, 30, 30, 30]
        assert [f.header[i][segyio.TraceField.ShotPoint] for i in range(3)] == [10, 50, 90]
        assert "SonicPredict test" in f.text[0].decode("ascii", errors="replace")


def test_segy_in_memory_equals_the_file(tmp_path):
    traces = [np.linspace(-1, 1, 50, dtype=np.float32)]
    path = tmp_path / "one.sgy"
    write_segy(path, traces, 2.0, 0.0, [{"angle": 0, "percentile": 50}], ["x"])
    assert segy_bytes(traces, 2.0, 0.0, [{"angle": 0, "percentile": 50}], ["x"]) \
        == path.read_bytes()
