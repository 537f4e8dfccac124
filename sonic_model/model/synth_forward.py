"""One forward model of a stack of log realisations: time-depth, reflectivity at each angle and
Shuey's intercept and gradient, summed into time, convolved with the wavelet, read back at each
log sample. Pure numpy on (realisations, rows) arrays; model.synth decides which logs go in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonic_model.physics import avo
from sonic_model.physics import seismic as S


@dataclass(frozen=True)
class Grid:
    """The regular time axis every run of one well shares (s)."""

    t_start: float
    dt: float
    nt: int

    @property
    def times(self) -> np.ndarray:
        return self.t_start + self.dt * np.arange(self.nt)


def grid_for(twts: list[np.ndarray], dt: float, pad: float) -> Grid:
    """A grid spanning every run's two-way times, with `pad` seconds (half a wavelet) beyond."""
    lo = min(float(np.nanmin(t)) for t in twts) - pad
    hi = max(float(np.nanmax(t)) for t in twts) + pad
    start = np.floor(max(lo, 0.0) / dt) * dt
    return Grid(float(start), dt, int(np.ceil((hi - start) / dt)) + 2)


def datum_index(vps: list[np.ndarray]) -> int:
    """The first sample where every run has a velocity: where their time-depth curves start."""
    ok = np.logical_and.reduce([np.isfinite(v[0]) for v in vps])
    return int(np.argmax(ok)) if ok.any() else 0


def time_depth(depth_m: np.ndarray, vp: np.ndarray, checkshot, datum: int = 0) -> np.ndarray:
    """Two-way time (s) per sample and realisation: from the sonic, tied to the checkshot
    (depth m, twt s) when one is given."""
    twt = S.twt_from_velocity(depth_m, vp, datum)
    if checkshot is not None:
        twt = S.calibrate(depth_m, twt, checkshot[0], checkshot[1])
    return twt


def forward(depth_m, vp, vs, rho, twt, grid: Grid, wavelet: np.ndarray, angles,
            exact: bool = True) -> dict:
    """{"SYN_<i>": (in depth (R, n), in time (R, nt)) per angle index, "AVO_A", "AVO_B"}.

    vp, vs, rho, twt: (R, n); gaps in the logs are filled (no reflection across a gap)."""
    vp, vs, rho = S.fill_gaps(vp), S.fill_gaps(vs), S.fill_gaps(rho)
    t_if = S.interface_times(twt)
    layers = avo.interfaces(vp, vs, rho)
    series = {}
    for i, angle in enumerate(angles):
        if angle == 0:
            series[f"SYN_{i}"] = S.normal_incidence(vp * rho)
        elif exact:
            series[f"SYN_{i}"] = avo.zoeppritz_rpp(*layers, angle)
        else:
            series[f"SYN_{i}"] = avo.aki_richards(*layers, angle)
    series["AVO_A"], series["AVO_B"] = avo.shuey(*layers)
    out = {}
    for key, r in series.items():
        traces = S.convolve(S.to_time(r, t_if, grid.t_start, grid.dt, grid.nt), wavelet)
        out[key] = (S.sample_at(traces, twt, grid.t_start, grid.dt), traces)
    return out
