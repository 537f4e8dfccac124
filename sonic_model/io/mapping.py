"""Curve recognition: which file curve becomes which canonical curve (aliases, user mapping)."""

from __future__ import annotations

import numpy as np

from sonic_model.core import curves
from sonic_model.core.errors import InputValueError
from sonic_model.io.encoding import fail
from sonic_model.io.well import CANONICAL_ORDER, MappingReport, Table

_MAX_LISTED = 40          # curves named in a one-line error message


ALIAS_INDEX: dict[str, tuple[str, int]] = {
    m: (canon, rank) for canon, names in curves.ALIASES.items() for rank, m in enumerate(names)
}


def parse_mapping(items: list[str] | dict[str, str]) -> dict[str, str]:
    """User curve choices -> ``{canonical: mnemonic}`` for ``read_well(mapping=...)``.

    ``items`` are ``"CANON=MNEMONIC"`` strings (several may share one string, comma-separated,
    as a web form sends them) or an already split ``{canon: mnemonic}`` dict. CANON is any
    canonical curve (inputs, and DTC/DTS for measured sonic), case-insensitive. The one parser
    behind the CLI's ``--map`` and the API's ``mapping``; raises InputValueError saying what to
    write.
    """
    if isinstance(items, dict):
        pairs = [(str(k), "=", str(v) if v is not None else "", f"{k}={v}")
                 for k, v in items.items()]
    else:
        pairs = []
        for item in items:
            for part in str(item).split(","):
                if part.strip():
                    canon, sep, mnemonic = part.partition("=")
                    pairs.append((canon, sep, mnemonic, part.strip()))
    out: dict[str, str] = {}
    for canon, sep, mnemonic, text in pairs:
        canon, mnemonic = canon.strip().upper(), mnemonic.strip()
        if not sep or not canon or not mnemonic:
            raise InputValueError(f"mapping {text!r}: write CANON=MNEMONIC, e.g. HRD=AF90")
        if canon not in curves.CURVES:
            raise InputValueError(f"mapping {text!r}: {canon} is not a canonical curve (choose "
                                  f"from {', '.join(curves.CURVES)})")
        if out.get(canon, mnemonic) != mnemonic:
            raise InputValueError(f"mapping {text!r}: {canon} is already mapped to "
                                  f"{out[canon]}; give one curve per canonical name")
        out[canon] = mnemonic
    return out


def canonical_name(mnemonic: str) -> str | None:
    """The canonical curve a mnemonic stands for by the alias table (NPHI -> CNC), or None."""
    hit = ALIAS_INDEX.get(curves.normalize_mnemonic(mnemonic))
    return hit[0] if hit else None


def _resolve_user(mnemonic: str, names: list[str], fname: str, canonical: str,
                  noun: str = "file") -> int:
    exact = [i for i, n in enumerate(names) if n == mnemonic]
    if exact:
        return exact[0]
    folded = [i for i, n in enumerate(names) if n.upper() == mnemonic.strip().upper()]
    if not folded:
        folded = [i for i, n in enumerate(names)
                  if curves.normalize_mnemonic(n) == curves.normalize_mnemonic(mnemonic)]
    if folded:
        return folded[0]
    raise fail(fname, f"mapping {canonical}={mnemonic}: no curve {mnemonic!r} in the {noun}; it "
                       f"has {listing(names)}")


def listing(names: list[str], unit_of: dict[str, str] | None = None) -> str:
    shown = [f"{n} ({unit_of[n]})" if unit_of and unit_of.get(n) else n
             for n in names[:_MAX_LISTED]]
    more = f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else ""
    return ", ".join(shown) + more if shown else "no curves"


def select_curves(table: Table, data: np.ndarray, depth_col: int | None,
                  mapping: dict[str, str], fname: str, report: MappingReport) -> dict[str, int]:
    """{canonical: column}: the user's mapping first, then the alias table (first alias wins,
    then the most samples); the report says why each was chosen and why others were not.
    Auxiliary curves (curves.AUXILIARY, e.g. the bit size) found are in it too: read, listed
    as ignored with what they are for, never in ``report.used``."""
    names = table.names
    counts = np.sum(np.isfinite(data), axis=0) if data.size else np.zeros(len(names), dtype=int)
    chosen = _user_choices(table, depth_col, mapping, fname, report)
    user_cols = set(chosen.values())
    lost: dict[int, str] = {}
    for canon in CANONICAL_ORDER:
        if canon in mapping:
            if not mapping[canon]:
                report.warnings.append(f"{canon} left unmapped by the user mapping")
            continue
        cands = sorted((hit[1], -int(counts[i]), i) for i, hit in _alias_hits(names)
                       if hit[0] == canon and i != depth_col and i not in user_cols)
        col = _auto_pick(canon, cands, table, lost, report)
        if col is not None:
            chosen[canon] = col
    used_cols = set(chosen.values())
    for aux, col in _auxiliary(names, counts, depth_col, used_cols).items():
        chosen[aux] = col
        lost[col] = AUX_REASONS[aux]
    for i, n in enumerate(names):
        if i == depth_col or i in used_cols:
            continue
        report.ignored.append({"mnemonic": n, "reason": lost.get(i, "not a model input")})
    report.ignored.extend(table.ignored)
    return chosen


# Why an auxiliary curve is in the report's ignored list although it is read: it is no model
# input, and the user should see what it is used for instead.
AUX_REASONS: dict[str, str] = {
    "BS": "bit size: QC's washout reference (CAL - BS), not a model input",
}


def _auxiliary(names: list[str], counts: np.ndarray, depth_col: int | None,
               used_cols: set[int]) -> dict[str, int]:
    """{auxiliary name: column} for curves.AUXILIARY: first alias, then the most samples;
    columns the canonical curves took and columns without a value are passed over."""
    out: dict[str, int] = {}
    for aux, aliases in curves.AUX_ALIASES.items():
        cands = sorted((aliases.index(m), -int(counts[i]), i) for i, n in enumerate(names)
                       if (m := curves.normalize_mnemonic(n)) in aliases
                       and i != depth_col and i not in used_cols and counts[i] > 0)
        if cands:
            out[aux] = cands[0][2]
    return out


def _alias_hits(names: list[str]):
    for i, n in enumerate(names):
        hit = ALIAS_INDEX.get(curves.normalize_mnemonic(n))
        if hit:
            yield i, hit


def _user_choices(table: Table, depth_col: int | None, mapping: dict[str, str], fname: str,
                  report: MappingReport) -> dict[str, int]:
    chosen: dict[str, int] = {}
    for canon, mnem in mapping.items():
        if not mnem:
            continue
        col = _resolve_user(str(mnem), table.names, fname, canon, table.noun)
        if col == depth_col:
            raise fail(fname, f"mapping {canon}={mnem}: that is the depth curve")
        chosen[canon] = col
        report.used[canon] = {"mnemonic": table.names[col], "unit": table.units[col],
                              "reason": "user mapping", "user": True}
    return chosen


def _auto_pick(canon: str, cands: list[tuple[int, int, int]], table: Table,
               lost: dict[int, str], report: MappingReport) -> int | None:
    """The best of the sorted (alias rank, -samples, column) candidates that holds data, or
    None; records the reason in the report and why each loser was passed over in ``lost``."""
    names = table.names
    with_data = [c for c in cands if -c[1] > 0]
    for c in cands:
        if -c[1] == 0:
            lost[c[2]] = f"every sample is null (candidate for {canon})"
    if not with_data:
        return None
    best, others = with_data[0], with_data[1:]
    col = best[2]
    alias = curves.normalize_mnemonic(names[col])
    if not others:
        reason = "canonical name" if alias == canon else f"{alias} is an alias of {canon}"
    elif any(c[0] == best[0] for c in others):
        reason = f"duplicate {alias} curves; {names[col]} has the most samples ({-best[1]})"
    else:
        reason = (f"{alias} ranks first in the {canon} alias list among "
                  + ", ".join(names[c[2]] for c in with_data))
    for c in others:
        lost[c[2]] = f"candidate for {canon}; {names[col]} chosen instead"
    report.used[canon] = {"mnemonic": names[col], "unit": table.units[col], "reason": reason}
    note = curves.ALIAS_WARNINGS.get(canon, {}).get(alias)
    if note:
        report.warnings.append(f"{names[col]} used as {canon}: {note}")
    return col
