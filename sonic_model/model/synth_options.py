"""The options of a synthetic (wavelet, angles, realisations, checkshot, fluid), checked once
where they enter: every door builds a SynthOptions and check_options names a bad one."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sonic_model.core.errors import InputValueError
from sonic_model.physics import fluids as FL
from sonic_model.physics import seismic as S

WAVELETS = ("ricker", "ormsby")
DEFAULT_ANGLES = (0.0, 10.0, 20.0, 30.0)
MAX_ANGLE = 60.0
MAX_REALISATIONS = 1000


class SynthOptionError(InputValueError):
    """A synth option out of its range (names the option, the value and the range)."""


@dataclass(frozen=True)
class SynthOptions:
    wavelet: str = "ricker"
    freq: tuple[float, ...] = (30.0,)      # Ricker: peak Hz; Ormsby: four corners f1,f2,f3,f4
    angles: tuple[float, ...] = DEFAULT_ANGLES
    realisations: int = 100
    seed: int | None = 0
    ignore_measured: bool = False
    checkshot: tuple | None = None         # (depth m, two-way time s), checked
    checkshot_source: str = "checkshot"    # how messages name it: "--checkshot cs.txt"
    fluid: FL.FluidSettings | None = None
    dt: float = 0.001                      # s: the time traces' and SEG-Y's sample interval

    def wavelet_array(self) -> np.ndarray:
        if self.wavelet == "ormsby":
            return S.ormsby(self.freq, self.dt)
        return S.ricker(self.freq[0], self.dt)

    def describe(self) -> dict:
        """The options as plain data (for headers and API answers)."""
        return {"wavelet": self.wavelet, "freq": list(self.freq), "angles": list(self.angles),
                "realisations": self.realisations, "seed": self.seed,
                "ignore_measured": self.ignore_measured, "dt_ms": self.dt * 1000,
                "checkshot_points": 0 if self.checkshot is None else len(self.checkshot[0]),
                "fluid": None if self.fluid is None else self.fluid.as_dict()}


def _bad(option: str, value, why: str) -> SynthOptionError:
    return SynthOptionError(f"{option} {value}: {why}")


def check_options(o: SynthOptions) -> SynthOptions:
    """The options back (freq and angles as float tuples), or SynthOptionError."""
    if o.wavelet not in WAVELETS:
        raise _bad("--wavelet", o.wavelet, f"choose {' or '.join(WAVELETS)}")
    freq = tuple(float(f) for f in o.freq)
    nyquist = 0.5 / o.dt
    if o.wavelet == "ricker" and (len(freq) != 1 or not 1 <= freq[0] < nyquist / 2):
        raise _bad("--freq", ",".join(f"{f:g}" for f in freq),
                   f"a Ricker wavelet takes one peak frequency between 1 and {nyquist / 2:g} Hz")
    if o.wavelet == "ormsby":
        if len(freq) != 4 or freq[-1] >= nyquist:
            raise _bad("--freq", ",".join(f"{f:g}" for f in freq),
                       f"an Ormsby wavelet takes four corners f1,f2,f3,f4 below {nyquist:g} Hz")
        S.ormsby(freq, o.dt)            # checks that they rise
    angles = tuple(float(a) for a in o.angles)
    if not angles or len(angles) > 20 or any(not 0 <= a <= MAX_ANGLE for a in angles) \
            or len(set(angles)) != len(angles):
        raise _bad("--angles", ",".join(f"{a:g}" for a in angles),
                   f"give 1 to 20 distinct incidence angles between 0 and {MAX_ANGLE:g} degrees")
    if not 0 <= int(o.realisations) <= MAX_REALISATIONS:
        raise _bad("--realisations", o.realisations, f"between 0 (no band) and "
                   f"{MAX_REALISATIONS}")
    if o.fluid is not None:
        FL.check_settings(o.fluid)
    return replace(o, freq=freq, angles=angles, realisations=int(o.realisations))


def default_model() -> str:
    """The model `predict` uses by default: `auto` where the library has it."""
    try:
        from sonic_model.model.choice import AUTO
    except ImportError:        # a library without the automatic choice
        return "full"
    return AUTO


def angle_label(angle: float) -> str:
    """Column suffix of an angle: 30 -> "30", 12.5 -> "12p5"."""
    return f"{angle:g}".replace(".", "p")


def parse_number_list(text: str, option: str) -> tuple[float, ...]:
    """"0,10,20" -> (0.0, 10.0, 20.0); SynthOptionError naming `option` otherwise."""
    try:
        values = tuple(float(x) for x in str(text).replace(" ", "").split(",") if x != "")
    except ValueError:
        raise _bad(option, text, "expected numbers separated by commas, e.g. 0,10,20,30") \
            from None
    if not values or not all(np.isfinite(values)):
        raise _bad(option, text, "expected numbers separated by commas, e.g. 0,10,20,30")
    return values


def read_checkshot(data: bytes | str, source: str) -> tuple[np.ndarray, np.ndarray]:
    """A checkshot text file: two columns, depth (m) then two-way time (ms), separated by
    commas, tabs or spaces; a header line and '#' comments are skipped. Returns (depth m, twt s)
    checked, or CheckshotError naming the file and the line."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace(";", " ").split()
        try:
            values = [float(p) for p in parts[:2]]
        except ValueError:
            if not rows:          # a header line
                continue
            raise S.CheckshotError(f"{source}: line {number} ({line[:40]!r}) is not two "
                                   "numbers (depth m, two-way time ms)") from None
        if len(values) < 2:
            raise S.CheckshotError(f"{source}: line {number} has one column; expected depth "
                                   "(m) and two-way time (ms)")
        rows.append(values)
    arr = np.array(rows, dtype=float).reshape(-1, 2)
    return S.check_checkshot(arr[:, 0], arr[:, 1] / 1000.0, source)
