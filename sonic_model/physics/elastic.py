"""Elastic logs from compressional and shear slowness and bulk density.

VP, VS (m/s), VPVS, PR (dynamic Poisson's ratio), AI, SI (impedances in m/s*g/cm3, the unit
seismic interpreters read them in: 4000 m/s in 2.5 g/cm3 rock is 10,000), G_DYN and K_DYN
(dynamic shear and bulk moduli, GPa; density converted to kg/m3 for them). Every quantity is
derived from the same three inputs so they are mutually consistent: VP/VS == VPVS and PR is
the isotropic-elastic function of VPVS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sonic_model.core.columns import ELASTIC_COLUMNS

# v[m/s] = 304800 / slowness[us/ft]
US_FT_M_S = 304800.0


def reciprocal_where_positive(values, numerator: float) -> np.ndarray:
    """numerator / values where values > 0, NaN elsewhere: slowness <-> velocity in any units
    (a zero, negative or missing slowness or velocity has no counterpart)."""
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, numerator / x, np.nan)


def velocity_m_s(slowness_us_ft) -> np.ndarray:
    return reciprocal_where_positive(slowness_us_ft, US_FT_M_S)


def poisson_ratio(vpvs) -> np.ndarray:
    """Dynamic Poisson's ratio from Vp/Vs; NaN where Vp/Vs <= 1 (shear faster than
    compressional is not a rock, it is a bad sample)."""
    r2 = np.asarray(vpvs, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        pr = (r2 - 2.0) / (2.0 * (r2 - 1.0))
    return np.where(r2 > 1.0, pr, np.nan)


def elastic_logs(dtc_us_ft, dts_us_ft, zden_g_cm3, index=None) -> pd.DataFrame:
    """The ELASTIC_COLUMNS per sample; NaN wherever an input they need is missing."""
    vp = velocity_m_s(dtc_us_ft)
    vs = velocity_m_s(dts_us_ft)
    rho = np.asarray(zden_g_cm3, dtype=float)
    rho = np.where(rho > 0, rho, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        vpvs = vp / vs
    rho_kg = rho * 1000.0
    out = pd.DataFrame({
        "VP": vp, "VS": vs, "VPVS": vpvs, "PR": poisson_ratio(vpvs),
        "AI": vp * rho, "SI": vs * rho,
        "G_DYN": rho_kg * vs ** 2 / 1e9,
        "K_DYN": rho_kg * (vp ** 2 - 4.0 / 3.0 * vs ** 2) / 1e9,
    }, index=index)
    return out[list(ELASTIC_COLUMNS)]
