"""v1 predictions: curves as JSON, or a LAS/CSV/DLIS/LIS upload answered as JSON, CSV or LAS."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from sonic_model import io as wells
from sonic_model.core.errors import InputValueError
from sonic_model.model.choice import ModelName
from sonic_model.serving.api.deps import ModelsDep, SettingsDep, in_worker
from sonic_model.serving.api.payloads import (
    check_rows,
    download_name,
    model_headers,
    read_upload,
    row_count,
    v1_answer,
    well_from_curves,
    well_from_upload,
)
from sonic_model.serving.api.schemas import PredictRequest, PredictResponse, error_responses

router = APIRouter(prefix="/api/v1", tags=["v1"])


def model_choice(model: str | None, ensemble: str, ensemble_given: bool) -> str:
    """The one model a request asks for: ``model`` (any name from /api/v1/models) or the
    bundled ``ensemble``; both, naming different models, is a 422."""
    if model is None:
        return ensemble
    if ensemble_given and ensemble != model:
        raise InputValueError(f"'ensemble' {ensemble!r} and 'model' {model!r} name different "
                              "models; send one of them")
    return model


@router.post(
    "/predict", response_model=PredictResponse,
    summary="Predict DTC/DTS with P10/P90 and QC from curves sent as JSON",
    responses=error_responses("body is not valid JSON; a 'mapping' names a curve that is not "
                              "in 'curves'",
                              "missing required curves, unknown fields, values that are not "
                              "numbers, lengths differ, unknown model"),
)
async def predict_v1(req: PredictRequest, models: ModelsDep, settings: SettingsDep,
                     request: Request) -> JSONResponse:
    choice = model_choice(req.model, req.ensemble, "ensemble" in req.model_fields_set)
    await models.ready(choice)   # off the event loop when it loads from the store
    check_rows(row_count(req), settings.api_max_rows)
    raw = await request.body()     # already read for req: the same bytes, not a copy

    def work() -> dict:
        well = well_from_curves(req, raw)
        result = models.predict_well(well, choice, ignore_measured=req.ignore_measured,
                                     elastic=req.elastic, splice=req.splice)
        return v1_answer(result, choice, models, well)

    return JSONResponse(await in_worker(models, work))


@router.post(
    "/predict/file",
    summary="Upload a LAS, CSV, DLIS or LIS well; get predictions as JSON, CSV or LAS",
    response_model=PredictResponse,
    responses={200: {"content": {"text/csv": {}, "text/plain": {}},
                     "description": "JSON (format=json), CSV or LAS (as an attachment)"},
               **error_responses("the file cannot be read (detail names the problem)",
                                 "missing required curves, bad format/ensemble/mapping, "
                                 "unknown model")},
)
async def predict_file(
    models: ModelsDep, settings: SettingsDep,
    file: Annotated[UploadFile, File(description="a LAS, CSV, DLIS or LIS well file")],
    format: Annotated[Literal["json", "csv", "las"], Form()] = "json",
    ensemble: Annotated[ModelName | None, Form()] = None,
    model: Annotated[str | None, Form(
        description="a model from GET /api/v1/models; replaces 'ensemble'")] = None,
    mapping: Annotated[list[str] | None, Form(
        description="CANON=MNEMONIC overrides, e.g. ZDEN=DEN_CORR (repeatable)")] = None,
    ignore_measured: Annotated[bool, Form(description="DTS from the logs alone even where "
                                          "the file has a valid measured DTC")] = False,
    elastic: Annotated[bool, Form(description="add the elastic logs")] = False,
    splice: Annotated[bool, Form(description="add the measured/predicted splice")] = False,
    frame: Annotated[str | None, Form(
        description="DLIS/LIS: the frame to read (default: the depth-indexed frame with the "
                    "most model inputs; mapping.warnings names the frame read and why)")] = None,
    resample: Annotated[bool, Form(
        description="DLIS/LIS: interpolate model curves that only another frame has onto the "
                    "chosen frame's depth")] = False,
) -> Response:
    ensemble = model_choice(model, ensemble or "auto", ensemble is not None)
    await models.ready(ensemble)
    data, filename, overrides = await read_upload(file, mapping)

    def work() -> Response:
        well = well_from_upload(data, filename, overrides, settings.api_max_rows, frame=frame,
                                resample=resample)
        result = models.predict_well(well, ensemble, ignore_measured=ignore_measured,
                                     elastic=elastic, splice=splice)
        if format == "json":
            return JSONResponse(v1_answer(result, ensemble, models, well))
        writer, media = ((wells.write_csv, "text/csv") if format == "csv"
                         else (wells.write_las, "text/plain"))
        name = download_name(filename, format)
        return Response(writer(well, result), media_type=media,
                        headers={"content-disposition": f'attachment; filename="{name}"',
                                 **model_headers(result.attrs, ensemble)})

    return await in_worker(models, work)
