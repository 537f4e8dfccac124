"""The HTTP door: SonicPredict's ``POST /api/get_predictions`` plus a documented v1 API (FastAPI).

Routes only parse, check limits and shape answers; reading, mapping, predicting and writing are
the same ``wells`` and ``ensemble`` functions the CLI and the app call. The ensembles load once,
in the lifespan, and reach routes through ``Depends(get_models)``. Client data is parsed as JSON,
CSV or LAS only -- never unpickled.

Run with ``python -m sonic_model serve`` (``serve()`` below) or ``uvicorn sonic_model.api:app``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

import anyio
import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from . import __version__, curves, ensemble, wells
from .config import Settings, get_settings
from .curves import RESULT_COLUMNS, RESULT_UNITS
from .ensemble import ENSEMBLE_NAMES, EnsembleName
from .errors import (
    ArtifactError, DataNotFoundError, FetchError, InputValueError, MissingCurvesError,
    SonicModelError,
)
from .qc import QC_OK, count_reasons

log = logging.getLogger("sonic_model.api")

# Predictions are us/ft with ~10 us/ft error: four decimals is lossless for any user and keeps
# an 11,000-row answer near 300 kB.
DECIMALS = 4


# --------------------------------------------------------------------------------------------
# Errors -> answers. One table: which kind of SonicModelError is whose fault.

class TooLarge(SonicModelError, ValueError):
    """The request holds more rows than the server accepts (settings.api_max_rows)."""


class BadJSON(SonicModelError, ValueError):
    """The body is not JSON, or not a split-orient frame."""


def _status_for(exc: SonicModelError) -> int:
    if isinstance(exc, (ArtifactError, DataNotFoundError, FetchError)):
        return 503  # the server's artifacts or data, not the client's request
    if isinstance(exc, TooLarge):
        return 413
    if isinstance(exc, (MissingCurvesError, InputValueError)):
        return 422
    return 400     # WellReadError and anything else the client's file or values caused


class BodyTooLarge(HTTPException):
    """Raised from inside ``receive`` once a streamed body passes the limit. An HTTPException so
    that FastAPI's body parsing re-raises it instead of turning it into a generic 400."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body exceeds the server's limit of {limit} bytes")


async def _sonic_error(request: Request, exc: Exception) -> JSONResponse:
    status = _status_for(exc)
    if status == 503:
        # The message names server paths; the operator needs it, the client does not.
        log.error("model unavailable for %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": "the model is not available on this server; "
                                       "the server log says why"}, status_code=503)
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, MissingCurvesError):
        body["missing"] = exc.missing
        body["available"] = exc.available
    return JSONResponse(body, status_code=status)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's default echoes each bad input; for a 50 MB body that echo can be the body.
    errors = [{k: v for k, v in err.items() if k in ("type", "loc", "msg")}
              for err in exc.errors()]
    # A body that is not JSON at all is 400 on every endpoint, as /api/get_predictions answers
    # it; 422 is for JSON whose fields or values are wrong.
    status = 400 if any(err.get("type") == "json_invalid" for err in errors) else 422
    return JSONResponse({"detail": errors}, status_code=status)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    return JSONResponse({"detail": "internal error"}, status_code=500)


# --------------------------------------------------------------------------------------------
# Body limit, as plain ASGI middleware: Content-Length is checked before anything is read, and
# the bytes actually streamed are counted too (chunked uploads carry no Content-Length).

class BodyLimitMiddleware:
    def __init__(self, app: Callable, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _send_json(send, 400, {"detail": "invalid Content-Length header"})
                return
            if too_big:
                await _send_json(send, 413, {"detail": BodyTooLarge(self.max_bytes).detail})
                return
        received = 0

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


async def _send_json(send: Callable, status: int, body: dict) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})


# --------------------------------------------------------------------------------------------
# The loaded models: built once in the lifespan, handed to routes by Depends(get_models).

@dataclass
class Models:
    """The ensembles this server loaded, and why any failed to load."""

    loaded: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    # Bounds how many predictions run at once, so memory stays flat under concurrent clients.
    limiter: anyio.CapacityLimiter | None = None

    @classmethod
    def load(cls, names: tuple[str, ...] = ENSEMBLE_NAMES) -> Models:
        models = cls()
        for name in names:
            try:
                models.loaded[name] = ensemble.load_ensemble(name)
            except SonicModelError as exc:
                log.error("ensemble %r not loaded: %s", name, exc)
                models.failures[name] = str(exc)
        return models

    def get(self, name: str) -> Any:
        try:
            return self.loaded[name]
        except KeyError:
            raise ArtifactError(self.failures.get(name, f"ensemble {name!r} is not loaded")) \
                from None

    def predict_well(self, well: wells.Well, name: str) -> pd.DataFrame:
        return ensemble.predict_well(well, self.get(name))

    def card(self) -> dict:
        for ens in self.loaded.values():
            return ens.card
        from .card import load_card
        return load_card()


def get_models(request: Request) -> Models:
    return request.app.state.models


def get_api_settings(request: Request) -> Settings:
    return request.app.state.settings


ModelsDep = Annotated[Models, Depends(get_models)]
SettingsDep = Annotated[Settings, Depends(get_api_settings)]


async def _in_worker(models: Models, fn: Callable, *args: Any) -> Any:
    # Parsing and prediction are CPU-bound: keep them off the event loop, a few at a time.
    return await anyio.to_thread.run_sync(fn, *args, limiter=models.limiter)


# --------------------------------------------------------------------------------------------
# Pydantic models (requests, answers, OpenAPI examples).

class SplitFrame(BaseModel):
    """``DataFrame.to_json(orient='split')``: column names, row labels, rows of values."""

    model_config = ConfigDict(extra="ignore")
    columns: list[Any]
    index: list[Any] | None = None
    data: list[list[Any]]


SPLIT_EXAMPLE = {
    "columns": ["CNC", "GR", "HRD", "ZDEN"],
    "index": [0, 1],
    "data": [[0.3521, 55.1824, 0.8121, 2.3256], [0.3639, 57.0114, 0.8038, 2.3255]],
}


class PredictRequest(BaseModel):
    """Curves by canonical name (CNC, GR, HRD, ZDEN; CAL, HRM, PE optional) or by mnemonic
    (NPHI, RHOB, ILD, ...). ``null`` (or NaN/inf) marks a missing sample."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "curves": {"NPHI": [0.3521, 0.3639], "GR": [55.18, 57.01],
                   "ILD": [0.8121, 0.8038], "RHOB": [2.3256, None]},
        "depth": [10250.0, 10250.5], "depth_unit": "ft", "ensemble": "full",
    }]})
    curves: dict[str, list[float | None]] = Field(
        description="curve name -> values, one per row; all the same length")
    depth: list[float | None] | None = Field(
        None, description="depth per row; omitted means consecutive samples 0.1 m apart")
    depth_unit: Literal["ft", "m"] = "ft"
    units: dict[str, str] | None = Field(
        None, description="curve name -> unit, e.g. {\"NPHI\": \"%\"}; omitted units are read "
                          "from the value range, as for a CSV without units",
        examples=[{"NPHI": "%", "RHOB": "g/cm3"}])
    ensemble: EnsembleName = "full"
    mapping: dict[str, str] | None = Field(
        None, description="canonical name -> the request's curve name, overriding the aliases",
        examples=[{"ZDEN": "DEN_CORR"}])


class PredictResponse(BaseModel):
    ensemble: EnsembleName
    model_version: str | None
    rows: int
    columns: list[str]
    units: dict[str, str]
    depth_ft: list[float | None] | None
    results: dict[str, list[float | None] | list[str]]
    qc_summary: dict[str, int] = Field(description="rows per QC reason ('OK' = clean)")
    mapping: dict[str, Any] = Field(description="which input curve became which canonical "
                                                "curve, with units and conversions")


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    version: str
    ensembles: dict[str, bool]


# --------------------------------------------------------------------------------------------
# The compatible endpoint's parsing: pure functions, testable without HTTP.

def parse_split_body(raw: bytes, max_rows: int) -> tuple[wells.Well, list[Any]]:
    """The request as a Well (canonical curves in request row order, no depth) and the client's
    index, from either body form. Names and units go through ``wells.well_from_table`` like
    every other door: canonical names or aliases, units inferred from the values (CNC in %,
    ZDEN in kg/m3 are converted)."""
    try:
        obj = json.loads(raw)
        if isinstance(obj, str):          # SonicPredict clients: json.dumps(df.to_json(...))
            obj = json.loads(obj)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJSON(f"body is not valid JSON ({exc}); send DataFrame.to_json(orient='split'), "
                      "plain or as a JSON string") from None
    if not isinstance(obj, dict):
        raise BadJSON("body must be a split-orient frame: an object with 'columns' and 'data' "
                      f"(got a JSON {type(obj).__name__})")
    # Checked by hand rather than by SplitFrame (which documents the shape in OpenAPI): pydantic
    # would copy every row of a body that may hold millions of values.
    columns, data, index = obj.get("columns"), obj.get("data"), obj.get("index")
    if not isinstance(columns, list) or not isinstance(data, list) \
            or not (index is None or isinstance(index, list)):
        raise InputValueError("a split-orient frame needs 'columns' (a list of names) and 'data' "
                              "(a list of rows), and optionally 'index' (a list of labels)")
    n = len(data)
    _check_rows(n, max_rows)
    index = index if index is not None else list(range(n))
    if len(index) != n:
        raise InputValueError(f"'index' has {len(index)} labels for {n} rows of 'data'")
    for i, label in enumerate(index):
        # NaN/Infinity labels cannot be echoed in strict JSON; nested labels are not labels.
        if (isinstance(label, float) and not np.isfinite(label)) or isinstance(label,
                                                                              (list, dict)):
            raise InputValueError(f"'index' label {i} is {json.dumps(label)}; row labels must be "
                                  "finite numbers or strings")
    names = [str(c) for c in columns]
    width = len(names)
    for i, row in enumerate(data):
        if not isinstance(row, list) or len(row) != width:
            size = f"{len(row)} values" if isinstance(row, list) else f"a {type(row).__name__}"
            raise InputValueError(f"row {i} (index {index[i]!r}) has {size} for {width} columns")
    kept, values = [], []
    for pos, name in enumerate(names):
        try:
            values.append(_numeric([row[pos] for row in data], name, index))
        except InputValueError:
            if wells.canonical_name(name) is not None:
                raise
            continue           # a text column (well name, zone...) that is not a curve
        kept.append(name)
    matrix = np.column_stack(values) if values else np.empty((n, 0))
    well = wells.well_from_table(kept, [""] * len(kept), matrix, name="request",
                                 require=False)
    missing = well.missing_required
    if missing:
        raise MissingCurvesError(
            f"missing required curve(s): {', '.join(missing)}; the request has "
            f"{', '.join(names) or 'no columns'}. Send CNC, GR, HRD and ZDEN "
            f"(CAL and HRM are used when present).", missing=missing, available=names)
    return well, index


def _numeric(values: list[Any], name: str, index: list[Any]) -> np.ndarray:
    """Floats with null/NaN/inf -> NaN; a value that is not a number is a client error."""
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


# --------------------------------------------------------------------------------------------
# v1 helpers.

def _well_from_curves(req: PredictRequest) -> wells.Well:
    """The request's curves as a Well, mapped by ``wells.well_from_table`` (aliases, units: one
    place); rows stay in request order, with the request's depth when it sent one."""
    rows = _row_count(req)
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
    well = wells.well_from_table(names, [units.get(n, "") for n in names], data,
                                 name="request", mapping=wells.parse_mapping(req.mapping or {}))
    if req.depth is not None:
        if len(req.depth) != rows:
            raise InputValueError(f"'depth' has {len(req.depth)} values for {rows} rows")
        depth = np.array(req.depth, dtype=float)
        depth[~np.isfinite(depth)] = np.nan
        well = replace(well, depth=depth, depth_unit=req.depth_unit)
    return well


def _row_count(req: PredictRequest) -> int:
    lengths = {name: len(v) for name, v in req.curves.items()}
    if not lengths:
        raise InputValueError("'curves' is empty; send at least CNC, GR, HRD and ZDEN")
    if len(set(lengths.values())) > 1:
        raise InputValueError("curves differ in length: " +
                              ", ".join(f"{k}={v}" for k, v in lengths.items()))
    return next(iter(lengths.values()))


def _v1_answer(result: pd.DataFrame, name: str, models: Models, well: wells.Well) -> dict:
    results: dict[str, list] = {c: _rounded(result[c].to_numpy(dtype=float))
                                for c in RESULT_COLUMNS if c != "QC"}
    results["QC"] = result["QC"].fillna(QC_OK).astype(str).tolist()
    card = models.get(name).card or {}
    depth_ft = well.depth_ft()
    return {
        "ensemble": name, "model_version": card.get("model_version"), "rows": len(result),
        "columns": list(RESULT_COLUMNS), "units": dict(RESULT_UNITS),
        "depth_ft": None if depth_ft is None else _rounded(np.asarray(depth_ft, dtype=float)),
        "results": results, "qc_summary": count_reasons(result["QC"]),
        "mapping": well.report.to_dict(),
    }


def _check_rows(n: int, max_rows: int) -> None:
    if n > max_rows:
        raise TooLarge(f"{n} rows exceed the server's limit of {max_rows} rows per request; "
                       "split the well into smaller requests")
    if n == 0:
        raise InputValueError("the request has no rows to predict")


def _download_name(filename: str | None, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", (filename or "well").rsplit(".", 1)[0])[:80]
    return f"{stem or 'well'}_sonic.{suffix}"


# --------------------------------------------------------------------------------------------
# The application.

DESCRIPTION = """\
Synthetic compressional (DTC) and shear (DTS) sonic logs from conventional logs.

* `POST /api/get_predictions` -- SonicPredict-compatible: a pandas `orient='split'` frame in
  (plain, or double-encoded as a JSON string), `pred_DTC`/`pred_DTS` out with your index.
* `POST /api/v1/predict` -- curves as JSON by canonical name or mnemonic, with P10/P90 and QC.
* `POST /api/v1/predict/file` -- upload LAS or CSV; JSON, CSV or LAS back.
* `GET /api/v1/model` -- the model card: data, validation RMSE, size and speed.

Client errors answer 4xx with `{"detail": ...}`; missing curves are **422** (SonicPredict
answered 500).
"""


def create_app(settings: Settings | None = None,
               load_models: Callable[[], Models] = Models.load) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load once, at start-up, not per request and not at import.
        models = await anyio.to_thread.run_sync(load_models)
        models.limiter = anyio.CapacityLimiter(max(2, os.cpu_count() or 1))
        app.state.models = models
        yield

    app = FastAPI(title="SonicPredict API", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.models = Models(failures={n: "server is starting" for n in ENSEMBLE_NAMES})
    app.add_exception_handler(SonicModelError, _sonic_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    if settings.api_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.api_cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)

    @app.get("/healthz", response_model=Health, tags=["service"],
             responses={503: {"model": Health, "description": "no ensemble loaded"}})
    def healthz(models: ModelsDep) -> JSONResponse:
        loaded = {name: name in models.loaded for name in ENSEMBLE_NAMES}
        status = "ok" if all(loaded.values()) else "degraded" if any(loaded.values()) \
            else "unavailable"
        body = Health(status=status, version=__version__, ensembles=loaded).model_dump()
        return JSONResponse(body, status_code=503 if status == "unavailable" else 200)

    @app.post(
        "/api/get_predictions", tags=["SonicPredict-compatible"],
        summary="Predict DTC/DTS for a pandas split-orient frame (SonicPredict's endpoint)",
        response_description="split-orient JSON: columns pred_DTC, pred_DTS; your index",
        responses={200: {"content": {"application/json": {"example": {
                        "columns": ["pred_DTC", "pred_DTS"], "index": [0, 1],
                        "data": [[88.1234, 152.4321], [88.4011, None]]}}}},
                   400: {"description": "body is not valid JSON, or JSON that is not an "
                                        "object (a split-orient frame or a string holding one)"},
                   413: {"description": "body or row count over the server's limit"},
                   422: {"description": "missing required curves (with 'missing' and "
                                        "'available'), an object without 'columns'/'data', "
                                        "values that are not numbers, ragged rows, bad index"},
                   503: {"description": "the requested ensemble is not loaded"}},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"oneOf": [
                {"type": "string", "description": "DataFrame.to_json(orient='split'), as a "
                                                  "JSON string (json.dumps of it)"},
                SplitFrame.model_json_schema()]},
            "examples": {
                "double-encoded (SonicPredict clients)": {"value": json.dumps(SPLIT_EXAMPLE)},
                "plain split object": {"value": SPLIT_EXAMPLE},
            }}}}},
    )
    async def get_predictions(request: Request, models: ModelsDep, settings: SettingsDep,
                              ensemble: Annotated[EnsembleName, Query()] = "full") -> Response:
        """Columns CNC, GR, HRD and ZDEN (canonical names or the usual mnemonics) are required
        in any order; CAL and HRM are used when present; PE is accepted but is not a model
        input; other columns are ignored. CNC in % and ZDEN in kg/m3 are recognised from their
        values and converted. Rows are taken as consecutive samples 0.1 m apart, in request order.
        null/NaN/inf and -999.25-style sentinels are missing values: such rows answer `null`."""
        models.get(ensemble)  # 503 before parsing a big body for nothing
        raw = await request.body()

        def work() -> bytes:
            well, index = parse_split_body(raw, settings.api_max_rows)
            return render_split(models.predict_well(well, ensemble), index)

        return Response(await _in_worker(models, work), media_type="application/json")

    @app.post("/api/v1/predict", response_model=PredictResponse, tags=["v1"],
              summary="Predict DTC/DTS with P10/P90 and QC from curves sent as JSON",
              responses={400: {"description": "body is not valid JSON; a 'mapping' names a "
                                              "curve that is not in 'curves'"},
                         413: {"description": "body or row count over the server's limit"},
                         422: {"description": "missing required curves, unknown fields, "
                                              "values that are not numbers, lengths differ"},
                         503: {"description": "the requested ensemble is not loaded"}})
    async def predict_v1(req: PredictRequest, models: ModelsDep,
                         settings: SettingsDep) -> JSONResponse:
        models.get(req.ensemble)
        _check_rows(_row_count(req), settings.api_max_rows)

        def work() -> dict:
            well = _well_from_curves(req)
            result = models.predict_well(well, req.ensemble)
            return _v1_answer(result, req.ensemble, models, well)

        return JSONResponse(await _in_worker(models, work))

    @app.post(
        "/api/v1/predict/file", tags=["v1"],
        summary="Upload a LAS or CSV well; get predictions as JSON, CSV or LAS",
        response_model=PredictResponse,
        responses={200: {"content": {"text/csv": {}, "text/plain": {}},
                         "description": "JSON (format=json), CSV or LAS (as an attachment)"},
                   400: {"description": "the file cannot be read (detail names the problem)"},
                   413: {"description": "body or row count over the server's limit"},
                   422: {"description": "missing required curves, bad format/ensemble/mapping"},
                   503: {"description": "the requested ensemble is not loaded"}},
    )
    async def predict_file(
        models: ModelsDep, settings: SettingsDep,
        file: Annotated[UploadFile, File(description="a LAS 2.0 or CSV well file")],
        format: Annotated[Literal["json", "csv", "las"], Form()] = "json",
        ensemble: Annotated[EnsembleName, Form()] = "full",
        mapping: Annotated[list[str] | None, Form(
            description="CANON=MNEMONIC overrides, e.g. ZDEN=DEN_CORR (repeatable)")] = None,
    ) -> Response:
        models.get(ensemble)
        overrides = wells.parse_mapping(mapping or [])
        data = await file.read()
        filename = file.filename or "upload"

        def work() -> Response:
            well = wells.read_well(data, name=filename, mapping=overrides or None)
            _check_rows(len(well.curves), settings.api_max_rows)
            result = models.predict_well(well, ensemble)
            if format == "json":
                return JSONResponse(_v1_answer(result, ensemble, models, well))
            writer, media = ((wells.write_csv, "text/csv") if format == "csv"
                             else (wells.write_las, "text/plain"))
            name = _download_name(filename, format)
            return Response(writer(well, result), media_type=media,
                            headers={"content-disposition": f'attachment; filename="{name}"'})

        return await _in_worker(models, work)

    @app.get("/api/v1/model", tags=["v1"], summary="The model card",
             response_description="data source and licence, validation RMSE per curve and "
                                  "fold, members and weights, size, memory and speed")
    def model_card(models: ModelsDep) -> dict[str, Any]:
        return models.card()

    return app


app = create_app()


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API with uvicorn (``python -m sonic_model serve``)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")
