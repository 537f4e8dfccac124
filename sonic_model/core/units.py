"""Unit conversion to canonical units: from the unit field, else from the value range (warned).

Pure functions over numpy arrays and the tables in ``curves`` (UNITS, INFERABLE_UNITS,
TYPICAL_MEDIAN, DEPTH_UNITS); no file handling here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sonic_model.core import curves


@dataclass(frozen=True)
class Conversion:
    values: np.ndarray     # in the canonical unit
    text: str              # e.g. "% -> v/v (/100)" or "none"
    warning: str | None    # set when the unit was inferred or the stated unit was overruled
    assumed: bool = False  # no/unknown unit, values consistent with the canonical unit


def apply_rule(values: np.ndarray, rule: curves.UnitRule) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if rule.reciprocal:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = rule.factor / values
        out[~np.isfinite(out)] = np.nan
        return out
    return values * rule.factor if rule.factor != 1.0 else values.copy()


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _typical(canonical: str, values: np.ndarray) -> bool:
    lo, hi = curves.TYPICAL_MEDIAN[canonical]
    med = _median(values)
    return not np.isfinite(med) or lo <= med <= hi


def _plausible(canonical: str, values: np.ndarray) -> bool:
    lo, hi = curves.CURVES[canonical].valid
    med = _median(values)
    return not np.isfinite(med) or lo <= med <= hi


def _describe(unit_in_file: str, canonical_unit: str, rule: curves.UnitRule) -> str:
    if rule.identity:
        return "none"
    shown = unit_in_file or "?"
    return f"{shown} -> {canonical_unit} ({rule.label})"


def to_canonical(canonical: str, values: np.ndarray, unit: str | None, mnemonic: str) -> Conversion:
    """Convert one curve to the canonical unit of `canonical`.

    A recognised unit is trusted unless the values contradict it and another unit from
    INFERABLE_UNITS explains them (e.g. "v/v" with a median of 25): then the values win, with a
    warning. A blank or unknown unit is read as the canonical one, or as the inferable unit the
    values point to, always with a warning.
    """
    values = np.asarray(values, dtype=float)
    cunit = curves.CURVES[canonical].unit
    table = curves.UNITS[canonical]
    raw = (unit or "").strip()
    key = curves.normalize_unit(raw)
    rule = table.get(key)
    inferable = curves.INFERABLE_UNITS.get(canonical, ())

    def infer() -> tuple[str, curves.UnitRule] | None:
        for alt in inferable:
            alt_rule = table[curves.normalize_unit(alt)]
            converted = apply_rule(values, alt_rule)
            # The canonical unit stands while the values are physically possible in it; another
            # unit must make them typical. A one-row API request with CNC 0.95 is unusual v/v,
            # not 0.0095 from a percent.
            if alt_rule.identity and _plausible(canonical, converted):
                return alt, alt_rule
            if _typical(canonical, converted):
                return alt, alt_rule
        return None

    if rule is not None:
        converted = apply_rule(values, rule)
        if not inferable or _typical(canonical, converted):
            return Conversion(converted, _describe(raw, cunit, rule), None)
        guess = infer()
        if guess is None or guess[1] == rule:
            return Conversion(converted, _describe(raw, cunit, rule),
                              f"{mnemonic} ({canonical}): values look unusual for unit '{raw}' "
                              f"(median {_median(values):.4g}); kept as stated")
        alt, alt_rule = guess
        return Conversion(apply_rule(values, alt_rule), _describe(alt, cunit, alt_rule),
                          f"{mnemonic} ({canonical}): unit says '{raw}' but the values "
                          f"(median {_median(values):.4g}) are in {alt}; converted as {alt}")

    what = f"unit '{raw}' not recognised" if raw else "no unit given"
    if inferable:
        guess = infer()
        if guess is not None:
            alt, alt_rule = guess
            if alt_rule.identity and not raw:
                return Conversion(apply_rule(values, alt_rule), "none", None, assumed=True)
            return Conversion(apply_rule(values, alt_rule), _describe(alt, cunit, alt_rule),
                              f"{mnemonic} ({canonical}): {what}; values (median "
                              f"{_median(values):.4g}) read as {alt}")
        return Conversion(values.copy(), "none",
                          f"{mnemonic} ({canonical}): {what} and the values (median "
                          f"{_median(values):.4g}) fit no known unit; assumed {cunit}")
    if not raw:
        return Conversion(values.copy(), "none", None, assumed=True)
    return Conversion(values.copy(), "none",
                      f"{mnemonic} ({canonical}): {what}; assumed {cunit}")


def depth_unit(unit: str | None) -> tuple[str | None, float]:
    """(native unit "ft"/"m" or None, factor to feet) for a depth unit spelling; (None, nan) if unknown."""
    key = curves.normalize_unit(unit)
    if key in curves.NATIVE_DEPTH_UNITS:
        return curves.NATIVE_DEPTH_UNITS[key], curves.DEPTH_UNITS[key]
    if key in curves.DEPTH_UNITS:
        return None, curves.DEPTH_UNITS[key]
    return None, float("nan")
