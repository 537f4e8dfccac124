"""Rock-physics shear baselines from a measured compressional sonic: mudrock line, Greenberg-Castagna.

They sit beside the machine-learnt shear so a user sees what the ML adds over the textbook
relations a geophysicist would otherwise use:

- mudrock line (Castagna, Batzle & Eastwood 1985, Geophysics 50(4)): Vp = 1.16 Vs + 1.36 km/s
  for water-saturated clastic silicate rocks, i.e. Vs = (Vp - 1.36) / 1.16;
- Greenberg & Castagna (1992, Geophysical Prospecting 40): per-lithology Vs = a2 Vp^2 + a1 Vp
  + a0 (km/s) for brine-saturated rocks, mixed as the average of the volume-weighted arithmetic
  and harmonic means of the pure-lithology Vs. Here the mix is sand and shale, with the shale
  volume from a linear gamma-ray index between robust per-well percentiles.

Slowness in us/ft, velocity in km/s inside (the papers' unit). Where a relation gives no positive
shear velocity (Vp below the line's intercept: unconsolidated or gas-bearing rock) it gives NaN,
not a made-up number.
"""

from __future__ import annotations

import numpy as np

from sonic_model.physics.elastic import reciprocal_where_positive

# us/ft <-> km/s: v[km/s] = 304.8 / slowness[us/ft] (0.3048 m per ft, 1e6 us per s, 1e3 m per km).
US_FT_KM_S = 304.8

MUDROCK_SLOPE = 1.16        # Vp = 1.16 Vs + 1.36 (km/s)
MUDROCK_INTERCEPT = 1.36

# Greenberg & Castagna (1992), Table 1: Vs = a2 Vp^2 + a1 Vp + a0, km/s.
GC_COEFFICIENTS: dict[str, tuple[float, float, float]] = {
    "sandstone": (0.0, 0.80416, -0.85588),
    "limestone": (-0.05508, 1.01677, -1.03049),
    "dolomite": (0.0, 0.58321, -0.07775),
    "shale": (0.0, 0.76969, -0.86735),
}

# Linear GR index between these percentiles of the well's own GR: the clean-sand and shale
# lines a petrophysicist would pick by eye, robust to the odd hot streak or dead sample.
GR_CLEAN_PERCENTILE = 5.0
GR_SHALE_PERCENTILE = 95.0


def velocity_km_s(slowness_us_ft) -> np.ndarray:
    return reciprocal_where_positive(slowness_us_ft, US_FT_KM_S)


def slowness_us_ft(velocity_kms) -> np.ndarray:
    return reciprocal_where_positive(velocity_kms, US_FT_KM_S)


def mudrock_vs(vp_km_s) -> np.ndarray:
    """Vs (km/s) on Castagna's mudrock line; NaN where it would not be positive."""
    vs = (np.asarray(vp_km_s, dtype=float) - MUDROCK_INTERCEPT) / MUDROCK_SLOPE
    return np.where(vs > 0, vs, np.nan)


def gc_lithology_vs(vp_km_s, lithology: str) -> np.ndarray:
    """Greenberg-Castagna Vs (km/s) of one pure brine-saturated lithology; NaN where <= 0."""
    a2, a1, a0 = GC_COEFFICIENTS[lithology]
    vp = np.asarray(vp_km_s, dtype=float)
    vs = a2 * vp * vp + a1 * vp + a0
    return np.where(vs > 0, vs, np.nan)


def gc_mix_vs(vp_km_s, fractions: dict[str, np.ndarray]) -> np.ndarray:
    """Greenberg-Castagna (1992) Vs for a mix: 1/2 [sum X_i Vs_i + (sum X_i / Vs_i)^-1].

    `fractions`: lithology -> volume fraction per sample (normalised here to sum to one).
    A lithology with zero fraction cannot spoil the mix with its NaN.
    """
    vp = np.asarray(vp_km_s, dtype=float)
    total = sum(np.broadcast_to(np.asarray(x, dtype=float), vp.shape) for x in fractions.values())
    arith = np.zeros(vp.shape)
    inv = np.zeros(vp.shape)
    bad = np.zeros(vp.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for lith, x in fractions.items():
            x = np.broadcast_to(np.asarray(x, dtype=float), vp.shape) / total
            vs = gc_lithology_vs(vp, lith)
            used = x > 0
            bad |= used & ~np.isfinite(vs)
            arith += np.where(used, x * vs, 0.0)
            inv += np.where(used, x / vs, 0.0)
        vs = 0.5 * (arith + 1.0 / inv)
    return np.where(bad | ~np.isfinite(vs) | (vs <= 0), np.nan, vs)


def shale_volume(gr, clean: float | None = None, shale: float | None = None) -> np.ndarray:
    """Linear GR index clipped to [0, 1]; the clean and shale lines default to the well's own
    GR_CLEAN_PERCENTILE / GR_SHALE_PERCENTILE."""
    gr = np.asarray(gr, dtype=float)
    finite = gr[np.isfinite(gr)]
    if clean is None or shale is None:
        if finite.size < 2:
            return np.full(gr.shape, np.nan)
        p_clean, p_shale = np.percentile(finite, [GR_CLEAN_PERCENTILE, GR_SHALE_PERCENTILE])
        clean = p_clean if clean is None else clean
        shale = p_shale if shale is None else shale
    if not shale > clean:
        return np.full(gr.shape, np.nan)   # a flat GR says nothing about shale volume
    return np.clip((gr - clean) / (shale - clean), 0.0, 1.0)


def dts_mudrock(dtc_us_ft) -> np.ndarray:
    """DTS (us/ft) from DTC on the mudrock line."""
    return slowness_us_ft(mudrock_vs(velocity_km_s(dtc_us_ft)))


def dts_greenberg_castagna(dtc_us_ft, vshale) -> np.ndarray:
    """DTS (us/ft) from DTC by Greenberg-Castagna for a sandstone-shale mix."""
    vsh = np.asarray(vshale, dtype=float)
    vs = gc_mix_vs(velocity_km_s(dtc_us_ft), {"sandstone": 1.0 - vsh, "shale": vsh})
    return np.where(np.isfinite(vsh), slowness_us_ft(vs), np.nan)


def baselines(dtc_us_ft, gr) -> dict[str, np.ndarray]:
    """{"DTS_MUDROCK", "DTS_GC"} (us/ft) from a DTC and the same well's GR."""
    return {"DTS_MUDROCK": dts_mudrock(dtc_us_ft),
            "DTS_GC": dts_greenberg_castagna(dtc_us_ft, shale_volume(gr))}
