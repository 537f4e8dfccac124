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


def grid_for(twts: list[np.ndarray], known: np.ndarray, dt: float, pad: float) -> Grid:
    """A grid spanning every run's two-way times at the `known` rows (where some run has logs
    to reflect: rows above or below them carry a time but no trace), with `pad` seconds (half a
    wavelet) beyond."""
    rows = known if known.any() else np.ones_like(known)
    lo = min(float(np.nanmin(t[..., rows])) for t in twts) - pad
    hi = max(float(np.nanmax(t[..., rows])) for t in twts) + pad
    start = np.floor(max(lo, 0.0) / dt) * dt
    return Grid(float(start), dt, int(np.ceil((hi - start) / dt)) + 2)


def first_valid(vp: np.ndarray) -> int:
    """The first sample with a velocity in every row of `vp` (0 when there is none)."""
    ok = np.isfinite(np.atleast_2d(vp)).all(axis=0)
    return int(np.argmax(ok)) if ok.any() else 0


def datum_index(vps: list[np.ndarray]) -> int:
    """The first sample where every run has a velocity: below it each run's time is its own."""
    ok = np.logical_and.reduce([np.isfinite(v[0]) for v in vps])
    return int(np.argmax(ok)) if ok.any() else 0


def reference_twt(depth_m: np.ndarray, vp: np.ndarray) -> np.ndarray:
    """The well's own two-way time (s) from one velocity log (the output's sonic: measured
    where valid, predicted elsewhere): the replacement velocity only above its first sample,
    then the sonic's integral."""
    return S.twt_from_velocity(depth_m, vp, first_valid(vp))


def time_depth(depth_m: np.ndarray, vp: np.ndarray, checkshot, datum: int = 0,
               reference: np.ndarray | None = None) -> np.ndarray:
    """Two-way time (s) per sample and realisation: down to `datum` (the first sample every
    run has a velocity for) the `reference` curve (reference_twt of the output's sonic), below
    it the reference's time at the datum plus the run's own integral, so that runs differ only
    by their own logs' drift; tied to the checkshot (depth m, twt s) when one is given. Without
    a reference, the replacement velocity down to the datum."""
    twt = S.twt_from_velocity(depth_m, vp, datum)
    if reference is not None:
        twt = twt + (reference[datum] - twt[..., datum:datum + 1])
        twt[..., :datum + 1] = reference[:datum + 1]
    if checkshot is not None:
        twt = S.calibrate(depth_m, twt, checkshot[0], checkshot[1])
    return twt


def forward(depth_m, vp, vs, rho, twt, grid: Grid, wavelet: np.ndarray, angles,
            exact: bool = True) -> dict:
    """{"SYN_<i>": (in depth (R, n), in time (R, nt)) per angle index, "AVO_A", "AVO_B"}.

    vp, vs, rho, twt: (R, n). Short interior gaps in the logs are bridged (S.bridge_gaps);
    elsewhere a log is unknown, so an interface with an unknown side reflects nothing and a
    sample whose logs are unknown reads NaN: normal incidence needs Vp and density, the angles
    beyond zero and Shuey's terms Vs too."""
    vp, vs, rho = (S.bridge_gaps(x, depth_m) for x in (vp, vs, rho))
    known_ni = np.isfinite(vp) & np.isfinite(rho)
    known = known_ni & np.isfinite(vs)
    t_if = S.interface_times(twt)
    with np.errstate(invalid="ignore", divide="ignore"):
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
    normal = {f"SYN_{i}" for i, angle in enumerate(angles) if angle == 0}
    out = {}
    for key, r in series.items():
        traces = S.convolve(S.to_time(r, t_if, grid.t_start, grid.dt, grid.nt), wavelet)
        in_depth = S.sample_at(traces, twt, grid.t_start, grid.dt)
        ok = known_ni if key in normal else known
        out[key] = (np.where(ok, in_depth, np.nan), traces)
    return out
