"""Request bodies in, answers out: pure functions, testable without HTTP. Names and units go
through ``wells.well_from_table`` like every other door."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from sonic_model import io as wells
from sonic_model.core import curves
from sonic_model.core.curves import RESULT_COLUMNS, RESULT_UNITS
from sonic_model.core.errors import InputValueError, MissingCurvesError
from sonic_model.core.qc import QC_OK, count_reasons
from sonic_model.serving.api.deps import Models
from sonic_model.serving.api.handlers import BadJSON, TooLarge
from sonic_model.serving.api.schemas import PredictRequest

# Predictions are us/ft with ~10 us/ft error: four decimals is lossless for any user and keeps
# an 11,000-row answer near 300 kB.
DECIMALS = 4


def parse_split_body(raw: bytes, max_rows: int) -> tuple[wells.Well, list[Any]]:
    """The request as a Well (canonical curves in request row order, no depth) and the client's
    index, from either body form. Names and units go through ``wells.well_from_table`` like
    every other door: canonical names or aliases, units inferred from the values (CNC in %,
    ZDEN in kg/m3 are converted)."""
    columns, data, index = _split_parts(_load_json(raw))
    check_rows(len(data), max_rows)
    index = _checked_index(index, len(data))
    names = [str(c) for c in columns]
    _check_row_widths(data, len(names), index)
    too_large = _once(lambda: overflow_literal(raw))
    kept, values = [], []
    for pos, name in enumerate(names):
        try:
            values.append(_numeric([row[pos] for row in data], name, index, too_large))
        except InputValueError:
            if wells.canonical_name(name) is not None:
                raise
            continue           # a text column (well name, zone...) that is not a curve
        kept.append(name)
    matrix = np.column_stack(values) if values else np.empty((len(data), 0))
    well = wells.well_from_table(kept, [""] * len(kept), matrix, name="request",
                                 require=False)
    missing = well.missing_required
    if missing:
        raise MissingCurvesError(
            f"missing required curve(s): {', '.join(missing)}; the request has "
            f"{', '.join(names) or 'no columns'}. Send CNC, GR, HRD and ZDEN "
            f"(CAL and HRM are used when present).", missing=missing, available=names)
    return well, index


_SEND = ("send DataFrame.to_json(orient='split'), plain or as a JSON string "
         "(json.dumps of it)")


def _load_json(raw: bytes) -> dict:
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJSON(f"body is not valid JSON ({exc}); {_SEND}") from None
    if isinstance(obj, str):          # SonicPredict clients: json.dumps(df.to_json(...))
        # The body is valid JSON; what may be wrong is the frame inside the string.
        shown = obj if len(obj) <= 40 else obj[:37] + "..."
        try:
            obj = json.loads(obj)
        except ValueError:
            raise BadJSON(f"body is a JSON string, but the string ({shown!r}) is not a "
                          f"split-orient frame's JSON; {_SEND}") from None
        if not isinstance(obj, dict):
            raise BadJSON("body is a JSON string holding a JSON "
                          f"{_json_kind(obj)}, not a split-orient frame (an object with "
                          f"'columns' and 'data'); {_SEND}")
    if not isinstance(obj, dict):
        raise BadJSON("body must be a split-orient frame: an object with 'columns' and 'data' "
                      f"(got a JSON {_json_kind(obj)}); {_SEND}")
    return obj


def _json_kind(obj: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(obj), "number")


def _split_parts(obj: dict) -> tuple[list, list, list | None]:
    # Checked by hand rather than by SplitFrame (which documents the shape in OpenAPI): pydantic
    # would copy every row of a body that may hold millions of values.
    columns, data, index = obj.get("columns"), obj.get("data"), obj.get("index")
    if not isinstance(columns, list) or not isinstance(data, list) \
            or not (index is None or isinstance(index, list)):
        raise InputValueError("a split-orient frame needs 'columns' (a list of names) and 'data' "
                              "(a list of rows), and optionally 'index' (a list of labels)")
    return columns, data, index


def _checked_index(index: list | None, n: int) -> list:
    index = index if index is not None else list(range(n))
    if len(index) != n:
        raise InputValueError(f"'index' has {len(index)} labels for {n} rows of 'data'")
    for i, label in enumerate(index):
        # NaN/Infinity labels cannot be echoed in strict JSON; nested labels are not labels.
        if (isinstance(label, float) and not np.isfinite(label)) or isinstance(label,
                                                                              (list, dict)):
            raise InputValueError(f"'index' label {i} is {json.dumps(label)}; row labels must be "
                                  "finite numbers or strings")
    return index


def _check_row_widths(data: list, width: int, index: list) -> None:
    for i, row in enumerate(data):
        if not isinstance(row, list) or len(row) != width:
            size = f"{len(row)} values" if isinstance(row, list) else f"a {type(row).__name__}"
            raise InputValueError(f"row {i} (index {index[i]!r}) has {size} for {width} columns")


# A JSON number literal too large for a float: JSON parsers read 1e400 as inf, which would
# pass as a missing value; a client who sent 1e400 meant a number and must hear which one.
_BIG_NUMBER = re.compile(rb"-?\d+(?:\.\d*)?[eE]\+?\d{3,}|-?\d{309,}")


def overflow_literal(raw: bytes) -> bool:
    """Does the body hold a number literal too large for a float (1e400, 400 digits)?"""
    for match in _BIG_NUMBER.finditer(raw):
        try:
            if math.isinf(float(match.group())):
                return True
        except OverflowError:
            return True
    return False


def _once(fn):
    """fn, called at most once (the body is scanned only when an inf turns up)."""
    memo: list = []
    return lambda: memo[0] if memo else (memo.append(fn()) or memo[0])


def check_too_large(values: np.ndarray, name: str, index, too_large) -> None:
    """A 422 naming the curve and row of the first number that overflowed to inf."""
    inf = np.isinf(values)
    if too_large is not None and inf.any() and too_large():
        i = int(np.flatnonzero(inf)[0])
        label = index[i] if index is not None else i
        raise InputValueError(f"curve {name}, row {i} (index {label!r}): a number too large "
                              "for a float (beyond 1.8e308); send the value, or null for a "
                              "missing sample")


def _numeric(values: list[Any], name: str, index: list[Any], too_large=None) -> np.ndarray:
    """Floats with null/NaN/inf -> NaN; a value that is not a number is a client error, and so
    is a literal too large for a float (``too_large()``: the body holds one)."""
    try:
        out = np.array(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        # OverflowError: an integer literal too big for a float (400 digits parse in JSON).
        for i, v in enumerate(values):
            try:
                float(v if v is not None else "nan")
            except (TypeError, ValueError, OverflowError) as exc:
                shown = repr(v) if len(repr(v)) <= 40 else repr(v)[:37] + "..."
                what = ("is too large for a number" if isinstance(exc, OverflowError)
                        else "is not a number")
                raise InputValueError(f"curve {name}, row {i} (index {index[i]!r}): {shown} "
                                      f"{what}") from None
        raise
    if out.ndim != 1:
        raise InputValueError(f"curve {name} holds nested values, not numbers")
    check_too_large(out, name, index, too_large)
    out[~np.isfinite(out)] = np.nan
    return out


def render_split(result: pd.DataFrame, index: list[Any]) -> bytes:
    """SonicPredict's answer: split JSON with pred_DTC, pred_DTS and the request's own index."""
    data = _rounded(result[["DTC_PRED", "DTS_PRED"]].to_numpy(dtype=float))
    return json.dumps({"columns": ["pred_DTC", "pred_DTS"], "index": index, "data": data},
                      allow_nan=False, separators=(",", ":")).encode()


def _rounded(values: np.ndarray) -> list:
    out = np.round(values, DECIMALS).astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def well_from_curves(req: PredictRequest, raw: bytes = b"") -> wells.Well:
    """The request's curves as a Well, mapped by ``wells.well_from_table`` (aliases, units: one
    place); rows stay in request order, with the request's depth when it sent one. ``raw``,
    the body, tells a number too large for a float (a 422) from a missing one."""
    rows = row_count(req)
    units = req.units or {}
    unknown = sorted(set(units) - set(req.curves))
    if unknown:
        raise InputValueError(f"'units' names curve(s) not in 'curves': {', '.join(unknown)}")
    for name in req.curves:
        if curves.normalize_mnemonic(name) in curves.DEPTH_ALIASES:
            # A depth curve would need sorting; answers must keep the request's row order.
            raise InputValueError(f"curve {name!r} reads as a depth index; send depth in "
                                  "'depth', not in 'curves'")
    names = list(req.curves)
    data = np.column_stack([np.array(req.curves[n], dtype=float) for n in names])
    too_large = _once(lambda: overflow_literal(raw))
    for pos, name in enumerate(names):
        check_too_large(data[:, pos], name, None, too_large)
    well = wells.well_from_table(names, [units.get(n, "") for n in names], data,
                                 name="request", mapping=wells.parse_mapping(req.mapping or {}))
    if req.depth is not None:
        if len(req.depth) != rows:
            raise InputValueError(f"'depth' has {len(req.depth)} values for {rows} rows")
        depth = np.array(req.depth, dtype=float)
        depth[~np.isfinite(depth)] = np.nan
        well = replace(well, depth=depth, depth_unit=req.depth_unit)
    return well


def row_count(req: PredictRequest) -> int:
    lengths = {name: len(v) for name, v in req.curves.items()}
    if not lengths:
        raise InputValueError("'curves' is empty; send at least CNC, GR, HRD and ZDEN")
    if len(set(lengths.values())) > 1:
        raise InputValueError("curves differ in length: " +
                              ", ".join(f"{k}={v}" for k, v in lengths.items()))
    return next(iter(lengths.values()))


def v1_answer(result: pd.DataFrame, name: str, models: Models, well: wells.Well) -> dict:
    results: dict[str, list] = {c: _rounded(result[c].to_numpy(dtype=float))
                                for c in RESULT_COLUMNS if c != "QC"}
    results["QC"] = result["QC"].fillna(QC_OK).astype(str).tolist()
    from sonic_model.core.columns import EXTRA_COLUMNS, EXTRA_UNITS, TEXT_COLUMNS

    extra = [c for c in EXTRA_COLUMNS if c in result.columns]
    for c in extra:
        results[c] = (result[c].fillna("").astype(str).tolist() if c in TEXT_COLUMNS
                      else _rounded(result[c].to_numpy(dtype=float)))
    from sonic_model.model.choice import in_sample_for

    ens = models.get(name)
    card = ens.card or {}
    depth_ft = well.depth_ft()
    return {
        # With "auto" the model is chosen per well: the answer names it and says why.
        "ensemble": result.attrs.get("ensemble", ens.name),
        "model": (result.attrs.get("model") or name) if name == "auto" else name, "model_reason":
            result.attrs.get("model_reason", ""),
        "model_version": result.attrs.get("model_version", card.get("model_version")),
        "rows": len(result),
        "columns": list(RESULT_COLUMNS) + extra,
        "units": {**RESULT_UNITS, **{c: EXTRA_UNITS[c] for c in extra}},
        "depth_ft": None if depth_ft is None else _rounded(np.asarray(depth_ft, dtype=float)),
        "results": results, "qc_summary": count_reasons(result["QC"]),
        "mapping": well.report.to_dict(),
        "in_sample": in_sample_for(well, ens, result.attrs),
    }


def model_headers(attrs: dict, name: str) -> dict[str, str]:
    """X-Sonic-Model(-Reason, -Version) for a CSV or LAS download: a CSV has no room for the
    model without breaking plain pd.read_csv, so the answer's headers carry it."""
    values = {"X-Sonic-Model": attrs.get("model") or name,
              "X-Sonic-Model-Reason": attrs.get("model_reason") or "",
              "X-Sonic-Model-Version": attrs.get("model_version") or ""}
    # HTTP header values are latin-1 text on one line.
    return {k: " ".join(str(v).split()).encode("latin-1", "replace").decode("latin-1")
            for k, v in values.items() if v}


def check_rows(n: int, max_rows: int) -> None:
    if n > max_rows:
        raise TooLarge(f"{n} rows exceed the server's limit of {max_rows} rows per request; "
                       "split the well into smaller requests")
    if n == 0:
        raise InputValueError("the request has no rows to predict")


async def read_upload(file, mapping: list[str] | None) -> tuple[bytes, str, dict[str, str]]:
    """An upload route's well form fields: the file's bytes, its name ("upload" when the client
    sent none) and the CANON=MNEMONIC overrides (checked before the file is read)."""
    overrides = wells.parse_mapping(mapping or [])
    return await file.read(), file.filename or "upload", overrides


def well_from_upload(data: bytes, filename: str, overrides: dict[str, str], max_rows: int,
                     **read_options) -> wells.Well:
    """The uploaded well, read as every upload route reads it (``read_options``: DLIS/LIS
    ``frame``, ``resample``); more rows than ``max_rows`` is a 413."""
    well = wells.read_well(data, name=filename, mapping=overrides or None, **read_options)
    check_rows(len(well.curves), max_rows)
    return well


def download_name(filename: str | None, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", (filename or "well").rsplit(".", 1)[0])[:80]
    return f"{stem or 'well'}_sonic.{suffix}"


def summarize_card(card: dict) -> dict:
    """The model card's headline: the data, and per ensemble its members, validation RMSE
    (per scheme, without the per-fold lists), size and speed, and the fit-for-purpose figures
    (synthetics and AVO on held-out wells). The full card is ~15 KB of per-fold and per-member
    detail; ``GET /api/v1/model?full=true`` returns it."""
    from sonic_model.model.card import nested_summary
    from sonic_model.model.synth_score import card_figures

    data = card.get("data") or {}
    return {
        "model_version": card.get("model_version"),
        "data": {k: data[k] for k in ("source", "licence", "attribution", "rows", "target")
                 if k in data},
        "ensembles": {name: {"label": ens.get("label"), "members": ens.get("members"),
                             "validation": _headline_metrics(ens.get("metrics")),
                             "size_bytes": ens.get("size_bytes"),
                             "resources": ens.get("resources")}
                      for name, ens in (card.get("ensembles") or {}).items()},
        "leaderboard": card.get("leaderboard"),
        # synthetics and AVO from predicted vs measured sonic on held-out wells (docs/seismic.md)
        "fit_for_purpose": card_figures(card),
        # the worst held-out well's share silently beyond 3 sigma, out of sample (logs_nested)
        "band_check": nested_summary(card),
        "full_card": "/api/v1/model?full=true",
    }


def _headline_metrics(metrics: dict | None) -> dict:
    return {scheme: {k: v for k, v in values.items() if k != "per_fold"}
            for scheme, values in (metrics or {}).items() if isinstance(values, dict)}
