"""Fluid substitution: Batzle-Wang (1992) brine, oil and gas properties, Wood's mix, Gassmann.

    s = FluidSettings(fluid="gas", sw=0.2)           # checked: FluidSettingError names the option
    out = substitute(vp, vs, rho, gr, depth_m, s)    # new VP, VS, RHOB; sands only
    out["FLUID_SUB"]                                 # per sample: substituted, or kept and why

Hand-written: bruges 0.5.4 has Gassmann and Batzle-Wang brine and gas density, but no gas
modulus and no oil, and importing it needs matplotlib; the tests check these equations against
bruges where it has them and against published values (water velocity, Gassmann's limits).

The in-situ pore fluid is assumed to be brine (Sw = 1): logs that saw hydrocarbons would need
the in-situ saturation, which a well without sonic rarely has. Porosity comes from density
(PHI = (rho_mineral - RHOB) / (rho_mineral - rho_brine)); shale volume from GR (linear index
between the well's 5th and 95th percentiles). Only "sand" samples are substituted: shale
volume below `vsh_max` and porosity above `phi_min`; shales and tight rock are left as they
are, because Gassmann's assumptions (connected pores, a single mineral frame) fail there.

A sand sample is substituted only where Gassmann describes a rock: porosity at most `phi_max`
(PHI_MAX) and a dry frame inverted from the in-situ logs with 0 < K_dry below the
Hashin-Shtrikman upper bound for its porosity (itself below K_mineral) and a non-negative
Poisson's ratio (K_dry >= 2/3 mu; the shear modulus is unchanged). Elsewhere the
in-situ logs stand and FLUID_SUB says why (SKIP_REASONS): on FORCE 16_8-1 these samples had
density porosity up to 0.58 (a washed-out density) or a frame whose gas-filled Vp/Vs fell to
1.26, a negative Poisson's ratio no rock has.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sonic_model.core.errors import InputValueError

FLUIDS = ("brine", "oil", "gas")
K_QUARTZ, RHO_QUARTZ = 36.6, 2.65           # GPa, g/cm3 (Mavko et al., Rock Physics Handbook)
MU_QUARTZ = 44.0                             # GPa, same source: the frame's upper bound below
# Sandstones lose grain contact near 40 % porosity (Nur's critical porosity, Nur et al. 1998):
# a density porosity above it is a bad density reading (washout, coal), not a frame whose pores
# Gassmann can refill.
PHI_MAX = 0.40

SUBSTITUTED = "substituted"
KEPT_SHALE = "kept: shale"
KEPT_TIGHT = "kept: tight"
SKIP_POROSITY = "skipped: porosity above the cap"
SKIP_FRAME_SOFT = "skipped: dry frame K_dry <= 0"
SKIP_FRAME_STIFF = "skipped: dry frame stiffer than its porosity allows"
SKIP_POISSON = "skipped: dry frame Poisson's ratio < 0"
NO_LOGS = "kept: missing log"
# Sands Gassmann was not applied to because it describes no rock there, in test order.
SKIP_REASONS = (SKIP_POROSITY, SKIP_FRAME_SOFT, SKIP_FRAME_STIFF, SKIP_POISSON)
# How each door names the settings in its messages: the CLI's flags by default.
CLI_NAMES = {"fluid": "--fluid", "sw": "--sw", "k_mineral": "--k-mineral",
             "mu_mineral": "--mu-mineral", "rho_mineral": "--rho-mineral",
             "salinity_ppm": "--salinity",
             "oil_api": "--oil-api", "gas_gravity": "--gas-gravity",
             "temperature_c": "--temperature", "pressure_mpa": "--pressure",
             "k_fluid": "--k-fluid", "rho_fluid": "--rho-fluid", "vsh_max": "--vsh-max",
             "phi_min": "--phi-min", "phi_max": "--phi-max"}


class FluidSettingError(InputValueError):
    """A fluid-substitution setting that is impossible (saturation outside 0-1, a mineral
    lighter than its pore fluid, a temperature brine cannot have...)."""


@dataclass(frozen=True)
class FluidSettings:
    """Rock and fluid settings with their documented defaults (docs/seismic.md)."""

    fluid: str = "brine"          # the new pore fluid: brine, oil or gas
    sw: float | None = None       # water saturation after substitution (default 1 brine, 0.2 hc)
    k_mineral: float = K_QUARTZ   # GPa
    mu_mineral: float = MU_QUARTZ  # GPa: only bounds the dry frame (hs_upper_dry)
    rho_mineral: float = RHO_QUARTZ
    salinity_ppm: float = 35000.0
    oil_api: float = 35.0
    gas_gravity: float = 0.6      # relative to air
    temperature_c: float | None = None   # default 15 C + 30 C/km of depth
    pressure_mpa: float | None = None    # default hydrostatic pore pressure, 0.0102 MPa/m
    k_fluid: float | None = None  # override Batzle-Wang's hydrocarbon modulus (GPa)
    rho_fluid: float | None = None  # ... and density (g/cm3)
    vsh_max: float = 0.4
    phi_min: float = 0.05
    phi_max: float = PHI_MAX

    def saturation(self) -> float:
        if self.sw is not None:
            return float(self.sw)
        return 1.0 if self.fluid == "brine" else 0.2

    def as_dict(self) -> dict:
        return {**asdict(self), "sw": self.saturation()}


def _bad(option: str, value, why: str) -> FluidSettingError:
    return FluidSettingError(f"{option} {value}: {why}")


def check_settings(s: FluidSettings, names: dict | None = None) -> FluidSettings:
    """The settings back, or FluidSettingError naming the first impossible one the way the
    calling door names it (`names`: field -> label; CLI_NAMES by default)."""
    n = {**CLI_NAMES, **(names or {})}
    if s.fluid not in FLUIDS:
        raise _bad(n["fluid"], s.fluid, f"choose one of {', '.join(FLUIDS)}")
    if s.sw is not None and not 0.0 <= s.sw <= 1.0:
        raise _bad(n["sw"], s.sw, "water saturation is a fraction between 0 and 1")
    if s.fluid == "brine" and s.sw is not None and s.sw < 1.0:
        raise _bad(n["sw"], s.sw, f"with {n['fluid']} brine the pores hold water only "
                   f"(Sw = 1); choose {n['fluid']} oil or gas for a lower saturation")
    for field, value, ok, why in _range_checks(s):
        if not ok:
            raise _bad(n[field], value, f"expected {why}")
    return s


def _range_checks(s: FluidSettings) -> list[tuple]:
    checks = [("k_mineral", s.k_mineral, 0 < s.k_mineral <= 200, "a mineral bulk modulus "
               "in GPa between 0 and 200 (quartz 36.6, calcite 76.8)"),
              ("mu_mineral", s.mu_mineral, 0 < s.mu_mineral <= 100, "a mineral shear modulus "
               "in GPa between 0 and 100 (quartz 44)"),
              ("rho_mineral", s.rho_mineral, 1.5 <= s.rho_mineral <= 5.0,
               "a grain density in g/cm3 between 1.5 and 5 (quartz 2.65)"),
              ("salinity_ppm", s.salinity_ppm, 0 <= s.salinity_ppm <= 300000,
               "ppm of NaCl between 0 and 300,000"),
              ("oil_api", s.oil_api, 5 <= s.oil_api <= 80, "API gravity between 5 and 80"),
              ("gas_gravity", s.gas_gravity, 0.55 <= s.gas_gravity <= 1.8,
               "gas gravity relative to air between 0.55 (methane) and 1.8"),
              ("vsh_max", s.vsh_max, 0 < s.vsh_max <= 1, "a shale-volume fraction in (0, 1]"),
              ("phi_min", s.phi_min, 0 <= s.phi_min < 0.5, "a porosity fraction in [0, 0.5)"),
              ("phi_max", s.phi_max, s.phi_min < s.phi_max <= 0.5,
               "a porosity cap above the minimum porosity and at most 0.5")]
    if s.temperature_c is not None:
        checks.append(("temperature_c", s.temperature_c, 0 <= s.temperature_c <= 250,
                       "degrees C between 0 and 250"))
    if s.pressure_mpa is not None:
        checks.append(("pressure_mpa", s.pressure_mpa, 0.1 <= s.pressure_mpa <= 150,
                       "pore pressure in MPa between 0.1 and 150"))
    if s.k_fluid is not None:
        checks.append(("k_fluid", s.k_fluid, 0 < s.k_fluid < s.k_mineral,
                       "a fluid bulk modulus in GPa above 0 and below the mineral's"))
    if s.rho_fluid is not None:
        checks.append(("rho_fluid", s.rho_fluid, 0 < s.rho_fluid < s.rho_mineral,
                       "a fluid density in g/cm3 above 0 and below the mineral's"))
    return checks


def brine(t_c, p_mpa, salinity_ppm):
    """Batzle-Wang brine: (density g/cm3, velocity m/s, bulk modulus GPa)."""
    t, p, s = np.asarray(t_c, float), np.asarray(p_mpa, float), salinity_ppm / 1e6
    rho_w = 1 + 1e-6 * (-80 * t - 3.3 * t ** 2 + 0.00175 * t ** 3 + 489 * p - 2 * t * p
                        + 0.016 * t ** 2 * p - 1.3e-5 * t ** 3 * p - 0.333 * p ** 2
                        - 0.002 * t * p ** 2)
    rho = rho_w + s * (0.668 + 0.44 * s + 1e-6 * (300 * p - 2400 * p * s + t * (
        80 + 3 * t - 3300 * s - 13 * p + 47 * p * s)))
    v = water_velocity(t, p) + s * (1170 - 9.6 * t + 0.055 * t ** 2 - 8.5e-5 * t ** 3
                                    + 2.6 * p - 0.0029 * t * p - 0.0476 * p ** 2) \
        + s ** 1.5 * (780 - 10 * p + 0.16 * p ** 2) - 1820 * s ** 2
    return rho, v, rho * v ** 2 / 1e6


_W = np.array([[1402.85, 1.524, 3.437e-3, -1.197e-5],
               [4.871, -0.0111, 1.739e-4, -1.628e-6],
               [-0.04783, 2.747e-4, -2.135e-6, 1.237e-8],
               [1.487e-4, -6.503e-7, -1.455e-8, 1.327e-10],
               [-2.197e-7, 7.987e-10, 5.230e-11, -4.614e-13]])


def water_velocity(t_c, p_mpa):
    """Batzle-Wang pure-water velocity (m/s), their Table 1 polynomial in T (C) and P (MPa)."""
    t, p = np.asarray(t_c, float), np.asarray(p_mpa, float)
    return sum(_W[i, j] * t ** i * p ** j for i in range(5) for j in range(4))


def gas(t_c, p_mpa, gravity):
    """Batzle-Wang gas: (density g/cm3, bulk modulus GPa)."""
    ta = np.asarray(t_c, float) + 273.15
    p = np.asarray(p_mpa, float)
    pr = p / (4.892 - 0.4048 * gravity)
    tr = ta / (94.72 + 170.75 * gravity)
    a = 0.03 + 0.00527 * (3.5 - tr) ** 3
    b = 0.642 * tr - 0.007 * tr ** 4 - 0.52
    c = 0.109 * (3.85 - tr) ** 2
    e_exp = -(0.45 + 8 * (0.56 - 1 / tr) ** 2) * pr ** 1.2 / tr
    d = np.exp(e_exp)
    z = a * pr + b + c * d
    rho = 28.8 * gravity * p / (z * 8.31441 * ta)
    gamma0 = 0.85 + 5.6 / (pr + 2) + 27.1 / (pr + 3.5) ** 2 - 8.7 * np.exp(-0.65 * (pr + 1))
    m = 1.2 * (-(0.45 + 8 * (0.56 - 1 / tr) ** 2) * pr ** 0.2 / tr)
    dz_dpr = a + c * d * m
    k = p * gamma0 / (1 - pr / z * dz_dpr) / 1000.0
    return rho, k


def dead_oil(t_c, p_mpa, api):
    """Batzle-Wang dead oil: (density g/cm3, velocity m/s, bulk modulus GPa)."""
    t, p = np.asarray(t_c, float), np.asarray(p_mpa, float)
    rho0 = 141.5 / (api + 131.5)
    rho_p = rho0 + (0.00277 * p - 1.71e-7 * p ** 3) * (rho0 - 1.15) ** 2 + 3.49e-4 * p
    rho = rho_p / (0.972 + 3.81e-4 * (t + 17.78) ** 1.175)
    v = 15450 / np.sqrt(77.1 + api) - 3.7 * t + 4.64 * p \
        + 0.0115 * (0.36 * np.sqrt(api) - 1) * t * p
    return rho, v, rho * v ** 2 / 1e6


def conditions(depth_m, s: FluidSettings) -> tuple[np.ndarray, np.ndarray]:
    """Temperature (C) and pore pressure (MPa) per sample: the settings', else the gradients."""
    z = np.asarray(depth_m, float)
    t = np.full(z.shape, s.temperature_c) if s.temperature_c is not None else 15 + 0.03 * z
    p = np.full(z.shape, s.pressure_mpa) if s.pressure_mpa is not None \
        else np.maximum(0.0102 * z, 0.1)
    return t, p


def pore_fluid(depth_m, s: FluidSettings) -> dict:
    """Brine and new-fluid (mixed by Wood's law at the new Sw) moduli and densities per sample."""
    t, p = conditions(depth_m, s)
    rho_b, _, k_b = brine(t, p, s.salinity_ppm)
    if s.fluid == "gas":
        rho_h, k_h = gas(t, p, s.gas_gravity)
    elif s.fluid == "oil":
        rho_h, _, k_h = dead_oil(t, p, s.oil_api)
    else:
        rho_h, k_h = rho_b, k_b
    if s.k_fluid is not None:
        k_h = np.full(np.shape(t), s.k_fluid)
    if s.rho_fluid is not None:
        rho_h = np.full(np.shape(t), s.rho_fluid)
    sw = s.saturation()
    k_new = 1.0 / (sw / k_b + (1 - sw) / k_h)           # Wood (Reuss) mix: patchy-free pores
    rho_new = sw * rho_b + (1 - sw) * rho_h
    return {"k_brine": k_b, "rho_brine": rho_b, "k_new": k_new, "rho_new": rho_new}


def gassmann(k_sat, k_min, k_fl1, k_fl2, phi):
    """Saturated bulk modulus after replacing pore fluid fl1 by fl2 (Gassmann 1951; shear
    modulus unchanged). Returns K_sat2, and K_dry for checks."""
    k_dry = (k_sat * (phi * k_min / k_fl1 + 1 - phi) - k_min) / \
        (phi * k_min / k_fl1 + k_sat / k_min - 1 - phi)
    k_sat2 = k_dry + (1 - k_dry / k_min) ** 2 / (phi / k_fl2 + (1 - phi) / k_min
                                                  - k_dry / k_min ** 2)
    return k_sat2, k_dry


def hs_upper_dry(k_min, mu_min, phi):
    """Hashin-Shtrikman upper bound on the bulk modulus of a dry frame of porosity `phi`
    (GPa): K_mineral at zero porosity, 0 when all pore; below K_mineral in between."""
    phi = np.asarray(phi, float)
    return k_min + phi / (-1.0 / k_min + (1 - phi) / (k_min + 4.0 / 3.0 * mu_min))


def shale_volume(gr) -> np.ndarray:
    gr = np.asarray(gr, float)
    ok = np.isfinite(gr)
    if not ok.any():
        return np.full(gr.shape, np.nan)
    lo, hi = np.percentile(gr[ok], [5, 95])
    return np.clip((gr - lo) / max(hi - lo, 1e-6), 0, 1)


def substitute(vp, vs, rho, gr, depth_m, s: FluidSettings) -> dict:
    """New VP, VS, RHOB (realisations on the leading axis allowed) after replacing brine by
    `s.fluid` where Gassmann describes the rock (module docstring); also PHI, VSH, the mask of
    substituted samples and FLUID_SUB, per sample "substituted" or why the in-situ logs stand."""
    vp, vs, rho = (np.asarray(a, float) for a in (vp, vs, rho))
    fl = pore_fluid(depth_m, s)
    phi = np.clip((s.rho_mineral - rho) / (s.rho_mineral - fl["rho_brine"]), 0, 1)
    vsh = shale_volume(gr)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = rho * vs ** 2 / 1e6                                     # GPa
        k_sat = rho * vp ** 2 / 1e6 - 4.0 / 3.0 * mu
        k2, k_dry = gassmann(k_sat, s.k_mineral, fl["k_brine"], fl["k_new"], phi)
        why = _verdict(np.broadcast_to(vsh, phi.shape), phi, k_dry, mu, k2, s)
        sand = why == SUBSTITUTED
        rho2 = rho + phi * (fl["rho_new"] - fl["rho_brine"])
        vp2 = np.sqrt((k2 + 4.0 / 3.0 * mu) * 1e6 / rho2)
        vs2 = np.sqrt(mu * 1e6 / rho2)
    return {"VP": np.where(sand, vp2, vp), "VS": np.where(sand, vs2, vs),
            "RHOB": np.where(sand, rho2, rho), "PHI": phi, "VSH": vsh, "SUBSTITUTED": sand,
            "FLUID_SUB": why}


def _verdict(vsh, phi, k_dry, mu, k2, s: FluidSettings) -> np.ndarray:
    """Per sample: SUBSTITUTED, or the first reason it is not (no logs, shale, tight, then
    SKIP_REASONS)."""
    why = np.full(phi.shape, SUBSTITUTED, dtype=object)
    rules = [(~np.isfinite(vsh) | ~np.isfinite(k_dry) | ~np.isfinite(k2) | ~(mu > 0),
              NO_LOGS),
             (~(vsh < s.vsh_max), KEPT_SHALE),
             (~(phi > s.phi_min), KEPT_TIGHT),
             (phi > s.phi_max, SKIP_POROSITY),
             (k_dry <= 0, SKIP_FRAME_SOFT),
             # Stiffer than Hashin-Shtrikman allows any frame of this porosity: the logs
             # disagree (a fast DTC on a low density), and Gassmann would amplify it.
             (k_dry >= hs_upper_dry(s.k_mineral, s.mu_mineral, phi), SKIP_FRAME_STIFF),
             # K < 2/3 mu is a negative Poisson's ratio: Vp/Vs below sqrt(2) once dry.
             (k_dry < 2.0 / 3.0 * mu, SKIP_POISSON)]
    for hit, reason in reversed(rules):           # the first rule that holds wins
        why[np.asarray(hit, bool)] = reason
    return why


def skipped_counts(fluid_sub) -> dict[str, int]:
    """{reason: samples} of the sands left in situ because Gassmann describes no rock there
    (SKIP_REASONS order, zeros left out)."""
    values = np.asarray(fluid_sub, dtype=object)
    return {r: int(np.sum(values == r)) for r in SKIP_REASONS if np.any(values == r)}


def summary_line(fluid_sub, fluid: str) -> str:
    """One line for summaries: how many samples were substituted, skipped and why, kept."""
    values = np.asarray(fluid_sub, dtype=object)
    skipped = skipped_counts(values)
    line = f"{fluid} substitution: {int(np.sum(values == SUBSTITUTED))} samples substituted"
    if skipped:
        parts = ", ".join(f"{n} {r.removeprefix('skipped: ')}" for r, n in skipped.items())
        line += f"; {sum(skipped.values())} skipped, in-situ logs kept ({parts})"
    kept = [f"{int(np.sum(values == r))} {r.removeprefix('kept: ')}"
            for r in (KEPT_SHALE, KEPT_TIGHT, NO_LOGS) if np.any(values == r)]
    return line + (f"; left as they are: {', '.join(kept)}" if kept else "")
