"""``POST /api/get_predictions``: SonicPredict's endpoint, same body and answer."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sonic_model.model.choice import ModelName
from sonic_model.serving.api.deps import ModelsDep, SettingsDep, in_worker
from sonic_model.serving.api.payloads import parse_split_body, render_split
from sonic_model.serving.api.schemas import SPLIT_EXAMPLE, SplitFrame, error_responses

router = APIRouter(tags=["SonicPredict-compatible"])


@router.post(
    "/api/get_predictions",
    summary="Predict DTC/DTS for a pandas split-orient frame (SonicPredict's endpoint)",
    response_description="split-orient JSON: columns pred_DTC, pred_DTS; your index",
    responses={200: {"content": {"application/json": {"example": {
                    "columns": ["pred_DTC", "pred_DTS"], "index": [0, 1],
                    "data": [[88.1234, 152.4321], [88.4011, None]]}}}},
               **error_responses("body is not valid JSON, or JSON that is not an object (a "
                                 "split-orient frame or a string holding one)",
                                 "missing required curves (with 'missing' and 'available'), "
                                 "an object without 'columns'/'data', values that are not "
                                 "numbers, ragged rows, bad index")},
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
                          ensemble: Annotated[ModelName, Query()] = "auto") -> Response:
    """Columns CNC, GR, HRD and ZDEN (canonical names or the usual mnemonics) are required
    in any order; CAL and HRM are used when present; PE is accepted but is not a model
    input; other columns are ignored. CNC in % and ZDEN in kg/m3 are recognised from their
    values and converted. Rows are taken as consecutive samples 0.1 m apart, in request order.
    null/NaN/inf and -999.25-style sentinels are missing values: such rows answer `null`."""
    await models.ready(ensemble)  # 503 before parsing a big body for nothing
    raw = await request.body()

    def work() -> bytes:
        well, index = parse_split_body(raw, settings.api_max_rows)
        return render_split(models.predict_well(well, ensemble), index)

    return Response(await in_worker(models, work), media_type="application/json")
