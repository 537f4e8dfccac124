"""Seismic forward modelling of logs: wavelets, time-depth, reflectivity binned in time,
convolution, and sampling traces back at the logs' depths.

Hand-written rather than taken from bruges 0.5.4: importing bruges needs matplotlib (undeclared,
~40 MB) and its `filters` module still uses the removed `np.float`; the tests check these
functions against bruges' wavelets. Every function here works on the last axis, so one call
handles one log or a stack of realisations (rows = realisations).

Units: depth in metres, velocity in m/s, density in g/cm3, time in seconds unless a name says ms.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

from sonic_model.core.errors import InputValueError, SonicModelError

# Above the first log sample the overburden is unknown; without a checkshot its two-way time is
# taken at this replacement velocity (the same for every run, so predicted and measured logs
# start at the same time and the time shift at the base is the logs' own drift).
REPLACEMENT_VELOCITY = 2000.0
WAVELET_SECONDS = 0.128        # wavelet length; a 30 Hz Ricker is ~1e-6 of its peak at the ends


class CheckshotError(InputValueError):
    """A checkshot (depth, two-way time) table that cannot calibrate the time-depth curve."""


class CheckshotRangeError(SonicModelError, ValueError):
    """A checkshot that is valid on its own but does not overlap the well's logs (fewer than two
    levels inside them): the two files do not belong together, a 400 rather than a bad option."""


def ricker(freq: float, dt: float, length: float = WAVELET_SECONDS) -> np.ndarray:
    """Zero-phase Ricker wavelet of peak frequency `freq` (Hz), unit peak, odd length."""
    t = _wavelet_time(dt, length)
    a = (np.pi * freq * t) ** 2
    return (1.0 - 2.0 * a) * np.exp(-a)


def ormsby(freqs, dt: float, length: float = WAVELET_SECONDS) -> np.ndarray:
    """Zero-phase Ormsby (trapezoid band-pass) wavelet with corners f1 < f2 <= f3 < f4 (Hz),
    unit peak."""
    f1, f2, f3, f4 = (float(f) for f in freqs)
    if not 0 < f1 < f2 <= f3 < f4:
        raise InputValueError(f"Ormsby frequencies {f1:g},{f2:g},{f3:g},{f4:g}: they must rise, "
                              "0 < f1 < f2 <= f3 < f4, e.g. 5,10,40,60")
    t = _wavelet_time(dt, length)

    def term(f):
        return (np.pi * f) ** 2 * np.sinc(f * t) ** 2

    w = (term(f4) - term(f3)) / (f4 - f3) - (term(f2) - term(f1)) / (f2 - f1)
    return w / np.max(np.abs(w))


def _wavelet_time(dt: float, length: float) -> np.ndarray:
    half = int(round(length / 2 / dt))
    return np.arange(-half, half + 1) * dt


def fill_gaps(values: np.ndarray) -> np.ndarray:
    """NaN samples filled by linear interpolation along the last axis (ends held), so a gap in
    a log neither breaks the time integral nor creates a reflection; all-NaN rows stay NaN."""
    v = np.array(values, dtype=float, copy=True)
    flat = v.reshape(-1, v.shape[-1])
    x = np.arange(v.shape[-1])
    for row in flat:
        ok = np.isfinite(row)
        if ok.any() and not ok.all():
            row[~ok] = np.interp(x[~ok], x[ok], row[ok])
    return v


# An interior gap in a log up to this long (a washout's density, a tool join) is bridged
# linearly for the reflectivity: far below a quarter of the shortest wavelength (~20 m at 30 Hz
# in 2500 m/s rock), a straight line across it can neither make nor hide an event. A longer gap,
# and anything beyond a log's ends, is unknown rock: no reflection is invented there.
MAX_BRIDGED_GAP_M = 5.0


def bridge_gaps(values: np.ndarray, depth_m: np.ndarray,
                max_gap_m: float = MAX_BRIDGED_GAP_M) -> np.ndarray:
    """NaN runs between two valid samples at most `max_gap_m` apart filled linearly along the
    last axis; longer gaps and the ends stay NaN."""
    v = np.array(values, dtype=float, copy=True)
    z = np.asarray(depth_m, dtype=float)
    for row in v.reshape(-1, v.shape[-1]):
        ok = np.flatnonzero(np.isfinite(row))
        if len(ok) < 2:
            continue
        jumps = np.flatnonzero(np.diff(ok) > 1)
        for a, b in zip(ok[jumps], ok[jumps + 1]):
            if z[b] - z[a] <= max_gap_m:
                row[a + 1:b] = np.interp(z[a + 1:b], [z[a], z[b]], [row[a], row[b]])
    return v


def twt_from_velocity(depth_m: np.ndarray, vp: np.ndarray, datum: int = 0) -> np.ndarray:
    """Two-way time (s) at each sample. At sample `datum` (the first one every run has a
    velocity for) and above it, the depth at the replacement velocity; below it, plus the
    integral of 2 dz / Vp, each interval at the mean slowness of its two samples (gaps filled
    linearly). Runs that share a datum share its time, however their logs differ above it.
    `vp` may hold realisations on its leading axis."""
    z = np.asarray(depth_m, dtype=float)
    slow = 1.0 / fill_gaps(vp)
    steps = np.diff(z) * (slow[..., 1:] + slow[..., :-1])    # 2 dz * mean slowness
    out = np.broadcast_to(2.0 * z / REPLACEMENT_VELOCITY, slow.shape).copy()
    if datum < len(z) - 1:
        out[..., datum + 1:] = out[..., datum:datum + 1] + np.cumsum(steps[..., datum:], axis=-1)
    return out


# Average velocity between a checkshot's first and last level, m/s: water to the fastest
# evaporites and basement, with room to spare.
MIN_CHECKSHOT_VELOCITY, MAX_CHECKSHOT_VELOCITY = 1000.0, 8000.0


def check_checkshot(depth_m, twt_s, source: str = "checkshot") -> tuple[np.ndarray, np.ndarray]:
    """(depth, twt) sorted by depth, or CheckshotError naming the problem: fewer than two
    points, a non-finite or negative value, or time that does not increase with depth."""
    z = np.asarray(depth_m, dtype=float)
    t = np.asarray(twt_s, dtype=float)
    if z.shape != t.shape or z.ndim != 1 or len(z) < 2:
        raise CheckshotError(f"{source}: needs at least two (depth, two-way time) rows, "
                             f"got {len(z) if z.ndim == 1 else 0}")
    if not (np.isfinite(z).all() and np.isfinite(t).all()) or (z < 0).any() or (t < 0).any():
        raise CheckshotError(f"{source}: depths and times must be non-negative numbers")
    order = np.argsort(z, kind="stable")
    z, t = z[order], t[order]
    bad = np.flatnonzero((np.diff(z) <= 0) | (np.diff(t) <= 0))
    if len(bad):
        i = bad[0]
        raise CheckshotError(
            f"{source}: two-way time must increase with depth, but {z[i]:g} m -> "
            f"{t[i] * 1000:g} ms and {z[i + 1]:g} m -> {t[i + 1] * 1000:g} ms do not; "
            "check the columns (depth first, then two-way time in ms) and their units")
    # Rock between the first and last level: 2 dz / dt far outside any rock's velocity is a
    # unit mix-up (ft read as m, s as ms), not a survey: say so before it bends the tie.
    velocity = 2 * (z[-1] - z[0]) / (t[-1] - t[0])
    if not MIN_CHECKSHOT_VELOCITY <= velocity <= MAX_CHECKSHOT_VELOCITY:
        raise CheckshotError(
            f"{source}: {z[0]:g}-{z[-1]:g} m in {t[0] * 1000:g}-{t[-1] * 1000:g} ms two-way is "
            f"an average velocity of {velocity:,.0f} m/s, which no rock has; check the units "
            "(by default depth in m and two-way time in ms; a header line such as "
            "'MD (ft), OWT (s)' names others)")
    return z, t


def checkshot_ties(cs_depth, cs_twt, top: float, base: float,
                   source: str = "checkshot") -> tuple[np.ndarray, np.ndarray, dict]:
    """The levels the sonic time is tied to, for a sonic (measured or predicted) spanning
    top..base (m): the checkshot's levels inside it, plus, where it has levels beyond, its time
    at the sonic's top and base interpolated between the last level outside and the first inside
    (constant interval velocity). Levels outside are used for nothing else: there is no sonic
    there to compare them with. Returns (depth, twt, info); CheckshotRangeError when fewer than
    two levels lie inside."""
    z, t = np.asarray(cs_depth, dtype=float), np.asarray(cs_twt, dtype=float)
    inside = (z >= top) & (z <= base)
    above, below = int((z < top).sum()), int((z > base).sum())
    if inside.sum() < 2:
        raise CheckshotRangeError(range_message(source, z, top, base, LOGGED_SONIC))
    zi, ti = z[inside], t[inside]
    ends = []
    if above and zi[0] > top:
        ends.append("top")
        zi, ti = np.r_[top, zi], np.r_[np.interp(top, z, t), ti]
    if below and zi[-1] < base:
        ends.append("base")
        zi, ti = np.r_[zi, base], np.r_[ti, np.interp(base, z, t)]
    info = {"levels": len(z), "inside": int(inside.sum()), "above": above, "below": below,
            "interpolated_at": ends, "logs_top_m": round(float(top), 2),
            "logs_base_m": round(float(base), 2)}
    return zi, ti, info


# The one interval a checkshot is tied over, named the same in every message: the depths whose
# two-way time comes from a sonic (measured where valid, predicted elsewhere). Density does not
# enter: the time-depth curve needs only the P-wave sonic.
LOGGED_SONIC = "the logged interval ({}: the depths with a sonic, measured or predicted)"
# Before the prediction only the file's depth range is known: a checkshot beside it cannot fit
# whatever is predicted, and is refused without waiting for the model.
WELL_DEPTHS = "the well's depths ({})"
FT = 0.3048


def interval_text(top: float, base: float) -> str:
    return f"{top:.1f}-{base:.1f} m"


def range_message(source: str, z: np.ndarray, top: float, base: float, what: str) -> str:
    """One line: a checkshot with fewer than two levels in `what` (LOGGED_SONIC or WELL_DEPTHS,
    spanning top..base m), with a hint when a feet<->metres slip would make them fit."""
    inside = int(((z >= top) & (z <= base)).sum())
    some = "none" if not inside else "only one"
    return (f"{source}: {some} of its {len(z)} levels ({z.min():g}-{z.max():g} m) lies within "
            f"{what.format(interval_text(top, base))}{unit_hint(z, top, base)}; a tie needs at "
            "least two levels inside the logs: give a checkshot of this well whose depths are "
            "metres from the well's depth datum, or run without it (time from the sonic)")


def unit_hint(z: np.ndarray, top: float, base: float) -> str:
    """A hint when the levels would fit top..base after a feet<->metres conversion (either way:
    feet read as metres, or metres a header line called feet); "" otherwise."""
    def fits(values):
        return int(((values >= top) & (values <= base)).sum()) >= 2

    if fits(z * FT):
        return (f" (read as feet they would fit, {z.min() * FT:.1f}-{z.max() * FT:.1f} m: "
                "convert them to metres, or name the unit in a header line such as "
                "'MD (ft), TWT (ms)')")
    if fits(z / FT):
        return (f" (if a header line calls them feet but they are metres, they would fit as "
                f"{z.min() / FT:.1f}-{z.max() / FT:.1f} m: correct the header's unit to m)")
    return ""


def calibrate(depth_m: np.ndarray, twt: np.ndarray, cs_depth: np.ndarray,
              cs_twt: np.ndarray) -> np.ndarray:
    """The sonic's two-way time tied to a checkshot: the drift (checkshot minus sonic time at
    the checkshot depths) interpolated linearly in depth, held constant beyond its ends. Works on
    realisations (leading axis) too."""
    z = np.asarray(depth_m, dtype=float)
    twt = np.asarray(twt, dtype=float)
    flat = twt.reshape(-1, twt.shape[-1])
    out = np.empty_like(flat)
    for k, row in enumerate(flat):
        drift = cs_twt - np.interp(cs_depth, z, row)
        out[k] = row + np.interp(z, cs_depth, drift)
    return out.reshape(twt.shape)


def normal_incidence(impedance: np.ndarray) -> np.ndarray:
    """Reflection coefficients (Z2 - Z1) / (Z2 + Z1) at the interfaces between samples
    (one fewer than samples, along the last axis); NaN where either side is unknown (bridge
    short gaps first: bridge_gaps)."""
    z = np.asarray(impedance, dtype=float)
    return (z[..., 1:] - z[..., :-1]) / (z[..., 1:] + z[..., :-1])


def interface_times(twt: np.ndarray) -> np.ndarray:
    """Time of each interface: halfway between the two samples it separates."""
    return 0.5 * (twt[..., 1:] + twt[..., :-1])


def to_time(values: np.ndarray, times: np.ndarray, t_start: float, dt: float,
            nt: int) -> np.ndarray:
    """Spikes at arbitrary times summed onto a regular grid (rows kept), each split linearly
    between its two neighbouring samples so that nothing is lost and nothing is moved by more
    than dt. values, times: (..., m) -> (..., nt)."""
    v = np.atleast_2d(np.nan_to_num(np.asarray(values, dtype=float)))
    f = (np.atleast_2d(times) - t_start) / dt
    rows = v.shape[0]
    i0 = np.clip(np.floor(f).astype(np.int64), 0, nt - 2)
    w1 = np.clip(f - i0, 0.0, 1.0)
    base = (np.arange(rows) * nt)[:, None]
    out = np.bincount((base + i0).ravel(), (v * (1 - w1)).ravel(), minlength=rows * nt)
    out += np.bincount((base + i0 + 1).ravel(), (v * w1).ravel(), minlength=rows * nt)
    out = out.reshape(rows, nt)
    return out if np.ndim(values) > 1 else out[0]


def convolve(traces: np.ndarray, wavelet: np.ndarray) -> np.ndarray:
    """Each trace (last axis) convolved with a zero-phase wavelet, same length, centred."""
    traces = np.asarray(traces, dtype=float)
    kernel = np.asarray(wavelet, dtype=float).reshape((1,) * (traces.ndim - 1) + (-1,))
    out = fftconvolve(traces, kernel, mode="same", axes=-1)
    # The FFT leaves ~1e-17 where the true answer is 0 (a uniform interval): zero it, so a
    # quiet interval reads 0, not noise. Amplitudes are reflection coefficients times a
    # unit-peak wavelet; the weakest event worth drawing is ~1e-4.
    out[np.abs(out) < FFT_ROUNDOFF] = 0.0
    return out


FFT_ROUNDOFF = 1e-12


def sample_at(traces: np.ndarray, times: np.ndarray, t_start: float, dt: float) -> np.ndarray:
    """Trace values at arbitrary times (linear interpolation), row by row: a synthetic made in
    time read back at each log sample's own two-way time."""
    tr = np.atleast_2d(traces)
    t = np.atleast_2d(times)
    nt = tr.shape[-1]
    f = np.clip((t - t_start) / dt, 0.0, nt - 1.000001)
    i0 = np.floor(f).astype(np.int64)
    w1 = f - i0
    rows = np.arange(tr.shape[0])[:, None]
    out = tr[rows, i0] * (1 - w1) + tr[rows, i0 + 1] * w1
    return out if np.ndim(times) > 1 else out[0]
