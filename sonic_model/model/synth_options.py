"""The options of a synthetic (wavelet, angles, realisations, checkshot, fluid), checked once
where they enter: every door builds a SynthOptions and check_options names a bad one."""

from __future__ import annotations

import re
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


# How each door names an option in its messages (field -> name): a user is told the name they
# typed, a CLI flag on the command line, a form field over HTTP, a control's label on the page.
CLI_NAMES = {"wavelet": "--wavelet", "freq": "--freq", "angles": "--angles",
             "realisations": "--realisations", **FL.CLI_NAMES}
API_NAMES = {"wavelet": "wavelet", "freq": "freq", "angles": "angles",
             "realisations": "realisations", "fluid": "fluid", "sw": "sw",
             "k_mineral": "k_mineral", "mu_mineral": "mu_mineral", "rho_mineral": "rho_mineral",
             "salinity_ppm": "salinity",
             "oil_api": "oil_api", "gas_gravity": "gas_gravity", "temperature_c": "temperature",
             "pressure_mpa": "pressure", "k_fluid": "k_fluid", "rho_fluid": "rho_fluid",
             "vsh_max": "vsh_max", "phi_min": "phi_min", "phi_max": "phi_max"}


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


def check_options(o: SynthOptions, names: dict | None = None) -> SynthOptions:
    """The options back (freq and angles as float tuples), or SynthOptionError naming the
    option as the calling door does (`names`: field -> name, CLI_NAMES by default)."""
    n = {**CLI_NAMES, **(names or {})}
    if o.wavelet not in WAVELETS:
        raise _bad(n["wavelet"], o.wavelet, f"choose {' or '.join(WAVELETS)}")
    freq = tuple(float(f) for f in o.freq)
    nyquist = 0.5 / o.dt
    if o.wavelet == "ricker" and (len(freq) != 1 or not 1 <= freq[0] < nyquist / 2):
        raise _bad(n["freq"], ",".join(f"{f:g}" for f in freq),
                   f"a Ricker wavelet takes one peak frequency between 1 and {nyquist / 2:g} Hz")
    if o.wavelet == "ormsby":
        if len(freq) != 4 or freq[-1] >= nyquist:
            raise _bad(n["freq"], ",".join(f"{f:g}" for f in freq),
                       f"an Ormsby wavelet takes four corners f1,f2,f3,f4 below {nyquist:g} Hz")
        S.ormsby(freq, o.dt)            # checks that they rise
    angles = tuple(float(a) for a in o.angles)
    if not angles or len(angles) > 20 or any(not 0 <= a <= MAX_ANGLE for a in angles) \
            or len(set(angles)) != len(angles):
        raise _bad(n["angles"], ",".join(f"{a:g}" for a in angles),
                   f"give 1 to 20 distinct incidence angles between 0 and {MAX_ANGLE:g} degrees")
    if not 0 <= int(o.realisations) <= MAX_REALISATIONS:
        raise _bad(n["realisations"], o.realisations, f"between 0 (no band) and "
                   f"{MAX_REALISATIONS}")
    if o.fluid is not None:
        FL.check_settings(o.fluid, n)
    return replace(o, freq=freq, angles=angles, realisations=int(o.realisations))


def fluid_settings(fluid: str | None, names: dict | None = None,
                   **given) -> FL.FluidSettings | None:
    """The FluidSettings of a door's fluid fields (`given`: FluidSettings fields, None where
    not given), None without a fluid. A setting without a fluid would be silently ignored, so
    it is an error naming it (`names` as check_options)."""
    n = {**CLI_NAMES, **(names or {})}
    given = {k: v for k, v in given.items() if v is not None}
    if fluid is None:
        if given:
            first = "sw" if "sw" in given else next(iter(given))
            raise SynthOptionError(f"{n[first]} is a fluid-substitution setting: add "
                                   f"{n['fluid']} brine, oil or gas")
        return None
    return FL.FluidSettings(fluid=fluid, **given)


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
    """A checkshot text file: two columns, depth then time, separated by commas, semicolons,
    tabs or spaces; '#' comments are skipped. Without a header: depth in m, two-way time in ms.
    A header line names other units and one-way time (checkshot_units: "MD (ft), OWT (s)").
    Returns (depth m, two-way time s) checked, or CheckshotError naming the file and the line."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    rows, header = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace(";", " ").split()
        try:
            values = [float(p) for p in parts[:2]]
        except ValueError:
            if not rows:          # a header line
                header = line
                continue
            raise S.CheckshotError(f"{source}: line {number} ({line[:40]!r}) is not two "
                                   "numbers (depth, time)") from None
        if len(values) < 2:
            raise S.CheckshotError(f"{source}: line {number} has one column; expected depth "
                                   "and time (by default m and two-way ms)")
        rows.append(values)
    arr = np.array(rows, dtype=float).reshape(-1, 2)
    to_m, to_twt_s = checkshot_units(header)
    return S.check_checkshot(arr[:, 0] * to_m, arr[:, 1] * to_twt_s, source)


# Units named in a checkshot's header (vendor exports: "MD(ft),TWT(ms)", "DEPTH_M OWT_S",
# "Depth [feet]; One-way time [s]"): a whole word or a bracketed/suffixed unit, nothing inside
# another word ("tvdss" is not seconds).
_FEET = re.compile(r"(?<![a-z])(ft|feet|foot)(?![a-z])")
_MILLISECONDS = re.compile(r"(?<![a-z])(ms|msec|millisec\w*)(?![a-z])")
_SECONDS = re.compile(r"(?<![a-z])(s|sec|secs|second|seconds)(?![a-z])")
_TIME_WORD = re.compile(r"(twt|owt|time|one|two|1-way|2-way)")
_ONE_WAY = re.compile(r"(?<![a-z])(owt|one[\s_-]?way|1[\s_-]?way)(?![a-z])")


def checkshot_units(header: str | None) -> tuple[float, float]:
    """(factor to metres, factor to two-way seconds) for a checkshot's two columns, read from
    its header line: depth in ft or m (default m); time in s or ms (default ms), one-way when
    the header says OWT / one-way (doubled). No header: m and two-way ms."""
    if not header:
        return 1.0, 1e-3
    cols = re.split(r"[,;\t]+|\s{2,}", header.strip().lower())
    if len(cols) < 2:        # single spaces: the time label starts at its first time word
        words = header.strip().lower().split()
        at = next((i for i, w in enumerate(words) if i and _TIME_WORD.search(w)), 1)
        cols = [" ".join(words[:at]), " ".join(words[at:])]
    depth, time = cols[0], " ".join(cols[1:])
    to_m = 0.3048 if _FEET.search(depth) else 1.0
    to_s = 1e-3 if _MILLISECONDS.search(time) or not _SECONDS.search(time) else 1.0
    return to_m, to_s * (2.0 if _ONE_WAY.search(time) else 1.0)
