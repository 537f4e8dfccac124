"""P-wave reflection coefficients versus angle: exact Zoeppritz (Rpp), Aki-Richards, and
Shuey's two-term intercept and gradient.

Hand-written rather than taken from bruges 0.5.4, whose import needs matplotlib (undeclared) and
which computes every Zoeppritz coefficient in complex arithmetic; these are the same published
equations (Aki & Richards 1980, eq. 5.40 in the explicit form; Shuey 1985 two-term), real
arithmetic whenever no angle passes a critical one, vectorised over the last axis and over
realisations. The tests compare them with bruges and with the normal-incidence limit.
Inputs: upper and lower layers' Vp, Vs (m/s), density (any unit); angles in degrees in the
upper layer.
"""

from __future__ import annotations

import numpy as np


def zoeppritz_rpp(vp1, vs1, rho1, vp2, vs2, rho2, theta_deg: float) -> np.ndarray:
    """Exact plane-wave P-P reflection coefficient (real part beyond a critical angle)."""
    vp1, vs1, rho1, vp2, vs2, rho2 = (np.asarray(a, dtype=float)
                                      for a in (vp1, vs1, rho1, vp2, vs2, rho2))
    s1 = np.sin(np.radians(theta_deg))
    p = s1 / vp1
    sines = [p * vp2, p * vs1, p * vs2]
    # Complex arithmetic only when some ray is post-critical (sin > 1): it is 2-3x slower.
    dtype = complex if max(float(np.nanmax(s)) if np.size(s) else 0 for s in sines) >= 1 \
        else float

    def cos_of(sin):
        return np.sqrt(1 - sin.astype(dtype) ** 2)

    c1 = np.cos(np.radians(theta_deg))
    c2, cj1, cj2 = (cos_of(s) for s in sines)
    p2 = p * p
    a = rho2 * (1 - 2 * vs2 ** 2 * p2) - rho1 * (1 - 2 * vs1 ** 2 * p2)
    b = rho2 * (1 - 2 * vs2 ** 2 * p2) + 2 * rho1 * vs1 ** 2 * p2
    c = rho1 * (1 - 2 * vs1 ** 2 * p2) + 2 * rho2 * vs2 ** 2 * p2
    d = 2 * (rho2 * vs2 ** 2 - rho1 * vs1 ** 2)
    e = b * c1 / vp1 + c * c2 / vp2
    f = b * cj1 / vs1 + c * cj2 / vs2
    g = a - d * (c1 / vp1) * (cj2 / vs2)
    h = a - d * (c2 / vp2) * (cj1 / vs1)
    big_d = e * f + g * h * p2
    rpp = ((b * c1 / vp1 - c * c2 / vp2) * f - (a + d * (c1 / vp1) * (cj2 / vs2)) * h * p2) / big_d
    return np.real(rpp)


def aki_richards(vp1, vs1, rho1, vp2, vs2, rho2, theta_deg: float) -> np.ndarray:
    """Aki-Richards linearised Rpp (small contrasts), at the mean of incidence and
    transmission angles."""
    vp1, vs1, rho1, vp2, vs2, rho2 = (np.asarray(a, dtype=float)
                                      for a in (vp1, vs1, rho1, vp2, vs2, rho2))
    th1 = np.radians(theta_deg)
    p = np.sin(th1) / vp1
    th2 = np.arcsin(np.clip(p * vp2, -1, 1))
    th = 0.5 * (th1 + th2)
    vp, vs, rho = (vp1 + vp2) / 2, (vs1 + vs2) / 2, (rho1 + rho2) / 2
    dvp, dvs, drho = vp2 - vp1, vs2 - vs1, rho2 - rho1
    k = (vs / vp) ** 2 * np.sin(th) ** 2
    return (0.5 * (1 - 4 * k) * drho / rho + dvp / (2 * np.cos(th) ** 2 * vp)
            - 4 * k * dvs / vs)


def shuey(vp1, vs1, rho1, vp2, vs2, rho2) -> tuple[np.ndarray, np.ndarray]:
    """Shuey's two-term (intercept A, gradient B): Rpp ~ A + B sin^2(theta)."""
    vp1, vs1, rho1, vp2, vs2, rho2 = (np.asarray(a, dtype=float)
                                      for a in (vp1, vs1, rho1, vp2, vs2, rho2))
    vp, vs, rho = (vp1 + vp2) / 2, (vs1 + vs2) / 2, (rho1 + rho2) / 2
    dvp, dvs, drho = vp2 - vp1, vs2 - vs1, rho2 - rho1
    intercept = 0.5 * (dvp / vp + drho / rho)
    gradient = 0.5 * dvp / vp - 2 * (vs / vp) ** 2 * (drho / rho + 2 * dvs / vs)
    return intercept, gradient


def interfaces(vp: np.ndarray, vs: np.ndarray, rho: np.ndarray) -> tuple:
    """(vp1, vs1, rho1, vp2, vs2, rho2) at the interfaces between consecutive samples."""
    return (vp[..., :-1], vs[..., :-1], rho[..., :-1], vp[..., 1:], vs[..., 1:], rho[..., 1:])
