"""Fluid substitution: Batzle-Wang fluid properties against published values and bruges,
Gassmann's limits, and what a user sees: gas lowers Vp in porous sands and leaves shales alone."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sonic_model.physics import fluids as F

from support import require


def _bruges():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return require("bruges")


def test_pure_water_and_sea_water_velocities_are_the_published_ones():
    # Fresh water at 20 C and atmospheric pressure: 1482 m/s; sea water (35 ppt): ~1521 m/s.
    assert F.water_velocity(20.0, 0.1) == pytest.approx(1482.3, abs=0.5)
    rho, v, _ = F.brine(20.0, 0.1, 35000)
    assert v == pytest.approx(1521.5, abs=2.0)
    assert rho == pytest.approx(1.0247, abs=0.004)
# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
def test_brine_matches_bruges():
    b = _bruges().rockphysics.fluids
    for t, p, s in [(20, 10, 0.0), (80, 30, 0.08), (120, 60, 0.2)]:
        rho, v, _ = F.brine(t, p, s * 1e6)
        assert rho == pytest.approx(float(b.rho_brine(t, p * 1e6, s)), rel=1e-9)
        # bruges uses -820 S^2 where Batzle & Wang (1992) eq. 29 prints -1820 S^2.
        assert v == pytest.approx(float(b.v_brine(t, p * 1e6, s)) - 1000 * s ** 2, abs=1e-6)


def test_gas_and_oil_are_lighter_and_softer_than_brine():
    rho_g, k_g = F.gas(80.0, 30.0, 0.6)
    rho_o, v_o, k_o = F.dead_oil(80.0, 30.0, 35.0)
    rho_b, _, k_b = F.brine(80.0, 30.0, 35000)
    # Batzle & Wang's figures: methane-like gas at 30 MPa, 80 C ~0.2 g/cm3 and ~0.07 GPa.
    assert 0.15 < rho_g < 0.25 and 0.04 < k_g < 0.12
    assert 0.75 < rho_o < 0.9 and 1200 < v_o < 1450
    assert k_g < k_o < k_b and rho_g < rho_o < rho_b
# Slow: importing bruges pulls in matplotlib (~2 s, once per session).
@pytest.mark.slow
def test_gassmann_same_fluid_changes_nothing_and_matches_bruges():
    k2, k_dry = F.gassmann(20.0, 36.6, 2.5, 2.5, 0.25)
    assert k2 == pytest.approx(20.0, rel=1e-12)
    b = _bruges().rockphysics.fluidsub
    assert F.gassmann(20.0, 36.6, 2.5, 0.05, 0.25)[0] == pytest.approx(
        b.smith_gassmann(k_dry, 36.6, 0.05, 0.25), rel=1e-12)
    # A vanishing fluid modulus leaves the dry frame.
    assert F.gassmann(20.0, 36.6, 2.5, 1e-9, 0.25)[0] == pytest.approx(k_dry, rel=1e-6)


def _sand_shale():
    """Two samples at 2000 m: a porous brine sand (low GR) and a shale (high GR)."""
    vp = np.array([3000.0, 3000.0])
    vs = np.array([1600.0, 1300.0])
    rho = np.array([2.2, 2.45])            # porosity from density: 0.27 sand
    gr = np.array([30.0, 130.0])
    return vp, vs, rho, gr, np.array([2000.0, 2000.0])


def test_gas_lowers_vp_in_porous_sand_and_leaves_shale_alone():
    vp, vs, rho, gr, z = _sand_shale()
    out = F.substitute(vp, vs, rho, gr, z, F.check_settings(F.FluidSettings("gas", sw=0.2)))
    assert out["SUBSTITUTED"].tolist() == [True, False]
    assert out["VP"][0] < 0.9 * vp[0]                    # a strong drop in the sand
    assert out["RHOB"][0] < rho[0] and out["VS"][0] > vs[0]   # lighter: shear speeds up
    assert out["VP"][1] == vp[1] and out["VS"][1] == vs[1] and out["RHOB"][1] == rho[1]


def test_brine_back_to_brine_is_the_identity():
    vp, vs, rho, gr, z = _sand_shale()
    out = F.substitute(vp, vs, rho, gr, z, F.FluidSettings("brine"))
    np.testing.assert_allclose(out["VP"], vp, rtol=1e-9)
    np.testing.assert_allclose(out["RHOB"], rho, rtol=1e-12)


@pytest.mark.parametrize("settings, option", [
    (F.FluidSettings("gas", sw=1.5), "--sw 1.5"),
    (F.FluidSettings("brine", sw=0.5), "--sw 0.5"),
    (F.FluidSettings("oil", rho_mineral=0.9), "--rho-mineral 0.9"),
    (F.FluidSettings("gas", k_mineral=-3), "--k-mineral -3"),
    (F.FluidSettings("gas", temperature_c=400), "--temperature 400"),
    (F.FluidSettings("gas", k_fluid=50), "--k-fluid 50"),
    (F.FluidSettings("steam"), "--fluid steam"),
], ids=["sw-above-1", "brine-with-hc-saturation", "light-mineral", "negative-modulus",
        "hot", "fluid-stiffer-than-mineral", "unknown-fluid"])
def test_impossible_settings_are_named(settings, option):
    with pytest.raises(F.FluidSettingError, match=option.replace(".", r"\.")):
        F.check_settings(settings)


def _suspect_sands():
    """Four low-GR samples at 1700 m: a sound porous sand, a washed-out density (PHI 0.58), a
    frame stiffer than quartz, and a brine sand (Vp/Vs 1.87) whose dry frame has a negative
    Poisson's ratio (gas-filled it would show Vp/Vs 1.29); then two shales (high GR)."""
    vp = np.array([3000.0, 1900.0, 6500.0, 2530.0, 3000.0, 3000.0])
    vs = np.array([1600.0, 700.0, 3500.0, 1350.0, 1300.0, 1300.0])
    rho = np.array([2.2, 1.69, 2.3, 2.2, 2.45, 2.45])
    gr = np.array([30.0, 32.0, 31.0, 33.0, 130.0, 140.0])
    return vp, vs, rho, gr, np.full(6, 1700.0)


def test_gassmann_is_applied_only_where_it_describes_a_rock():
    vp, vs, rho, gr, z = _suspect_sands()
    out = F.substitute(vp, vs, rho, gr, z, F.check_settings(F.FluidSettings("gas")))
    assert out["FLUID_SUB"].tolist() == [F.SUBSTITUTED, F.SKIP_POROSITY, F.SKIP_FRAME_STIFF,
                                         F.SKIP_POISSON, F.KEPT_SHALE, F.KEPT_SHALE]
    assert out["SUBSTITUTED"].tolist() == [True] + [False] * 5
    kept = ~out["SUBSTITUTED"]
    for name, before in (("VP", vp), ("VS", vs), ("RHOB", rho)):
        np.testing.assert_array_equal(out[name][kept], before[kept])   # in situ, untouched
    assert out["VP"][0] < 0.9 * vp[0]
    # Whatever was substituted is still a rock: Poisson's ratio >= 0, i.e. Vp/Vs >= sqrt(2).
    assert np.all(out["VP"] / out["VS"] >= np.sqrt(2) - 1e-9)


def test_realisations_are_judged_sample_by_sample():
    vp, vs, rho, gr, z = _suspect_sands()
    stack = [np.vstack([a, a]) for a in (vp, vs, rho)]
    out = F.substitute(*stack, gr, z, F.FluidSettings("gas"))
    assert out["FLUID_SUB"].shape == (2, 6) and out["SUBSTITUTED"][:, 0].all()
    assert not out["SUBSTITUTED"][:, 1:].any()


def test_the_summary_says_how_many_were_skipped_and_why():
    vp, vs, rho, gr, z = _suspect_sands()
    out = F.substitute(vp, vs, rho, gr, z, F.FluidSettings("gas"))
    assert F.skipped_counts(out["FLUID_SUB"]) == {F.SKIP_POROSITY: 1, F.SKIP_FRAME_STIFF: 1,
                                                 F.SKIP_POISSON: 1}
    line = F.summary_line(out["FLUID_SUB"], "gas")
    assert line.startswith("gas substitution: 1 samples substituted; 3 skipped, in-situ logs "
                           "kept (1 porosity above the cap")
    assert "Poisson's ratio < 0" in line and line.endswith("2 shale") and "\n" not in line


def test_the_porosity_cap_is_a_setting_checked_like_the_others():
    with pytest.raises(F.FluidSettingError, match=r"--phi-max 0\.9"):
        F.check_settings(F.FluidSettings("gas", phi_max=0.9))
    with pytest.raises(F.FluidSettingError, match=r"^phi_max 0\.9: "):
        F.check_settings(F.FluidSettings("gas", phi_max=0.9), {"phi_max": "phi_max"})
