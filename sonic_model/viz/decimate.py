"""Drawing a long log at the resolution it is seen: per bin of samples, its min and its max.

A depth track is about 700 pixel rows high; an 11,000-sample well puts some 15 samples on each
row. Sending and drawing every sample made the browser spend seconds on the tracks (plotly.js
and Streamlit both walk the figure's JSON), for lines that look the same. Keeping, per bin of
consecutive samples, the sample with the smallest and the one with the largest value draws the
same envelope as every sample (a spike stays a spike) with two points per bin. Only the figure
is thinned: results, scores and downloads keep every sample.
"""

from __future__ import annotations

import math

import numpy as np

# Bins per curve over the whole well (two points each at most): ~1.7 per pixel row of the
# 860-pixel tracks figure, so the full view loses nothing and a 2x zoom little.
DRAWN_BINS = 1200


def minmax_index(values, bins: int = DRAWN_BINS) -> np.ndarray:
    """Sorted indices of the samples to draw: every index when there are at most ``2 * bins``
    samples; else, per bin of consecutive samples, those of its smallest and largest finite
    value, and of its first missing value when it has one (a gap in the log stays a gap)."""
    v = np.asarray(values, dtype=float).reshape(-1)
    n = v.size
    if not bins or n <= 2 * bins:
        return np.arange(n)
    k = math.ceil(n / bins)
    rows = math.ceil(n / k)
    padded = np.full(rows * k, np.nan)
    padded[:n] = v
    grid = padded.reshape(rows, k)
    finite = np.isfinite(grid)
    base = np.arange(rows) * k
    lo = np.argmin(np.where(finite, grid, np.inf), axis=1) + base
    hi = np.argmax(np.where(finite, grid, -np.inf), axis=1) + base
    has = finite.any(axis=1)
    missing = ~finite
    missing[-1, n - base[-1]:] = False          # the padding is not a gap
    gap = np.argmax(missing, axis=1) + base
    has_gap = missing.any(axis=1)
    keep = np.concatenate([lo[has], hi[has], gap[has_gap]])
    return np.unique(keep[keep < n])


def union_index(*arrays, bins: int = DRAWN_BINS) -> np.ndarray:
    """``minmax_index`` of several curves drawn on the same depths (a band's two edges)."""
    return np.unique(np.concatenate([minmax_index(a, bins) for a in arrays]))
