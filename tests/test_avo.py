"""Reflection coefficients versus angle: the exact Zoeppritz P-P coefficient, Aki-Richards and
Shuey's intercept and gradient agree with textbook limits and with bruges (Agile Geoscience's
reference implementation, a test-only dependency)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sonic_model.physics import avo

from support import require

# Shale over a stiffer, faster sand (m/s, m/s, g/cm3): the example in bruges' documentation.
UPPER = (3000.0, 1500.0, 2.4)
LOWER = (3500.0, 2000.0, 2.5)


def _bruges():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # bruges 0.5.4 imports the deprecated pkg_resources
        return require("bruges")


def test_at_normal_incidence_every_form_is_the_impedance_contrast():
    z1, z2 = UPPER[0] * UPPER[2], LOWER[0] * LOWER[2]
    expected = (z2 - z1) / (z2 + z1)
    assert avo.zoeppritz_rpp(*UPPER, *LOWER, 0) == pytest.approx(expected, abs=1e-12)
    a, _ = avo.shuey(*UPPER, *LOWER)
    # The linear forms approximate ln(Z2/Z1)/2, within a small contrast's error.
    assert a == pytest.approx(expected, abs=2e-3)
    assert avo.aki_richards(*UPPER, *LOWER, 0) == pytest.approx(a, abs=1e-12)


# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
@pytest.mark.parametrize("angle", [0, 10, 20, 30, 40], ids=lambda a: f"{a}deg")
def test_zoeppritz_matches_bruges(angle):
    b = _bruges()
    ours = avo.zoeppritz_rpp(*UPPER, *LOWER, angle)
    ref = np.real(b.reflection.zoeppritz_rpp(UPPER[0], UPPER[1], UPPER[2] * 1000, LOWER[0],
                                             LOWER[1], LOWER[2] * 1000, angle))
    assert ours == pytest.approx(float(ref), abs=1e-10)
# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
def test_zoeppritz_beyond_the_critical_angle_matches_bruges_real_part():
    b = _bruges()
    ref = np.real(b.reflection.zoeppritz_rpp(*UPPER, *LOWER, 60))
    assert avo.zoeppritz_rpp(*UPPER, *LOWER, 60) == pytest.approx(float(ref), abs=1e-10)
# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
def test_shuey_intercept_and_gradient_match_bruges():
    b = _bruges()
    ref = b.reflection.shuey(*UPPER, *LOWER, 0, return_gradient=True)
    a, g = avo.shuey(*UPPER, *LOWER)
    assert a == pytest.approx(float(np.real(ref[0])), abs=1e-12)
    assert g == pytest.approx(float(np.real(ref[1])), abs=1e-12)


def test_class_three_gas_sand_brightens_with_angle():
    """A soft gas sand under shale (Rutherford-Williams class III): negative intercept and
    negative gradient, so |Rpp| grows with angle in every form."""
    shale, gas_sand = (2438.0, 1006.0, 2.25), (2311.0, 1517.0, 2.00)
    r = [avo.zoeppritz_rpp(*shale, *gas_sand, t) for t in (0, 15, 30)]
    a, g = avo.shuey(*shale, *gas_sand)
    assert a < 0 and g < 0
    assert r[0] > r[1] > r[2]
    ar = avo.aki_richards(*shale, *gas_sand, 30)
    assert ar == pytest.approx(r[2], abs=0.02)


def test_vectorised_over_realisations():
    vp = np.array([[3000, 3500, 3200], [3100, 3400, 3300]], float)
    vs, rho = vp / 2, np.full_like(vp, 2.4)
    r = avo.zoeppritz_rpp(*avo.interfaces(vp, vs, rho), 20)
    assert r.shape == (2, 2)
    assert r[1, 0] == pytest.approx(avo.zoeppritz_rpp(3100, 1550, 2.4, 3400, 1700, 2.4, 20))
