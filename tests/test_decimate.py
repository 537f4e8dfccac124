"""Long logs are drawn as the min and max of bins of samples: every peak and every gap stays on
the track, the figure gets small, and the data behind it is untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.viz.decimate import minmax_index
from sonic_model.viz.tracks import depth_tracks


def _drawn(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_each_bin_keeps_its_smallest_and_largest_sample():
    rng = np.random.default_rng(0)
    v = rng.normal(size=11_000)
    idx = minmax_index(v, bins=1000)
    assert len(idx) <= 2000 and np.all(np.diff(idx) > 0)
    k = 11                                             # ceil(11,000 / 1,000) samples a bin
    for start in range(0, len(v), k):
        part = idx[(idx >= start) & (idx < start + k)]
        assert v[part].min() == v[start:start + k].min()
        assert v[part].max() == v[start:start + k].max()


def test_short_logs_are_drawn_whole():
    assert np.array_equal(minmax_index(np.arange(100.0), bins=1000), np.arange(100))
    assert np.array_equal(minmax_index(np.arange(5000.0), bins=0), np.arange(5000))


def test_a_gap_stays_a_gap_and_padding_is_not_one():
    v = np.linspace(0, 1, 10_001)
    v[5000:5003] = np.nan
    idx = minmax_index(v, bins=500)
    assert np.isnan(v[idx]).sum() == 1                  # one missing sample breaks the line
    assert idx.max() <= 10_000


def test_a_one_sample_spike_in_a_long_well_is_drawn():
    n = 11_000
    depth = 8000.0 + 0.5 * np.arange(n)
    gr = np.full(n, 60.0)
    gr[7_777] = 140.0                                   # on the print scale, one sample
    fig = depth_tracks(pd.DataFrame({"GR": gr}), None, depth)
    trace = _drawn(fig, "GR")
    assert len(trace.x) < n / 4                         # the figure is thinned...
    x = np.asarray(trace.x, dtype=float)
    assert x.max() == 140.0                             # ...the spike is not
    assert float(np.asarray(trace.y)[x.argmax()]) == depth[7_777]


def test_backup_curves_hold_every_sample_beyond_the_scale_and_only_those():
    n = 11_000
    depth = 8000.0 + 0.5 * np.arange(n)
    gr = np.full(n, 60.0)
    gr[100:200] = 200.0                                 # beyond GR 0-150: the backup curve
    gr[300:310] = 180.0
    fig = depth_tracks(pd.DataFrame({"GR": gr}), None, depth)
    backup = _drawn(fig, "GR backup")
    x, y = np.asarray(backup.x, dtype=float), np.asarray(backup.y, dtype=float)
    assert np.isfinite(x).sum() == 110                  # every sample beyond the scale
    np.testing.assert_array_equal(y[np.isfinite(x)], np.r_[depth[100:200], depth[300:310]])
    np.testing.assert_allclose(x[np.isfinite(x)], np.r_[np.full(100, 50.0), np.full(10, 30.0)])
    assert np.isnan(x[100])                             # the two runs are not joined
    assert len(x) == 112
