"""v1 synth: upload a well (and optionally a checkshot); get the synthetic, angle gather and AVO
attributes with P10/P90 and the fit-for-purpose scores as JSON, or the CSV or SEG-Y file.

The options are the CLI's `synth` options, checked by the same model.synth_options; the work is
model.synth.synth_well, the function the CLI and the Seismic page call.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response

from sonic_model.serving.api.deps import ModelsDep, SettingsDep, in_worker
from sonic_model.serving.api.payloads import download_name, read_upload, well_from_upload
from sonic_model.serving.api.schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["v1"])

Num = Annotated[float | None, Form()]


def _clean(values) -> list:
    return [None if isinstance(v, float) and not math.isfinite(v) else v for v in values]


def synth_answer(result, well_name: str) -> dict:
    """The JSON answer: options, scores, the card's expectations, summary lines, and the
    output table by column (null where a value is missing)."""
    from sonic_model.model.synth_export import header_lines

    frame = result.frame
    return {"well": well_name, "rows": len(frame), "options": result.options,
            "scores": result.scores, "expected": result.expected,
            "summary": header_lines(result, well_name),
            "columns": list(frame.columns),
            "data": {c: _clean(frame[c].tolist()) for c in frame.columns}}


@router.post(
    "/synth",
    summary="Synthetic seismogram, angle gather and AVO from a well's logs, with P10/P90",
    description="Upload a LAS, CSV, DLIS or LIS well. Where it lacks sonic the model predicts "
                "it; realisations of the predicted logs inside their bands give P10/P90. Where "
                "it has measured sonic, `scores` compares the predicted-log synthetic and AVO "
                "with the measured-log ones; `expected` holds the model card's figures over "
                "held-out wells (null when the card has none). Options as `python -m "
                "sonic_model synth` (docs/seismic.md).",
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}},
                     "description": "JSON (format=json), CSV or SEG-Y (as an attachment)"},
               **error_responses("the well cannot be read, or the checkshot does not overlap "
                                 "its logs (fewer than two levels inside them)",
                                 "an option out of range (wavelet, angles, fluid...), a "
                                 "checkshot that cannot be read or whose time does not "
                                 "increase, missing curves, unknown model",
                                 unavailable="the requested model is not loaded")},
)
async def synth_file(
    models: ModelsDep, settings: SettingsDep,
    file: Annotated[UploadFile, File(description="a LAS, CSV, DLIS or LIS well file")],
    format: Annotated[Literal["json", "csv", "segy"], Form()] = "json",
    model: Annotated[str | None, Form(description="a model from GET /api/v1/models "
                                                  "(default: as predict)")] = None,
    mapping: Annotated[list[str] | None, Form(description="CANON=MNEMONIC overrides")] = None,
    wavelet: Annotated[Literal["ricker", "ormsby"], Form()] = "ricker",
    freq: Annotated[str | None, Form(description="Ricker peak Hz (30) or Ormsby f1,f2,f3,f4 "
                                                 "(5,10,40,60)")] = None,
    angles: Annotated[str, Form(description="incidence angles, degrees")] = "0,10,20,30",
    ignore_measured: Annotated[bool, Form()] = False,
    realisations: Annotated[int, Form(ge=0, le=1000)] = 100,
    seed: Annotated[int, Form()] = 0,
    checkshot: Annotated[UploadFile | None, File(
        description="two columns: depth (m), two-way time (ms); a header line may name "
                    "other units, e.g. 'MD (ft), OWT (s)'")] = None,
    fluid: Annotated[Literal["brine", "oil", "gas"] | None, Form()] = None,
    sw: Num = None, k_mineral: Num = None, rho_mineral: Num = None, k_fluid: Num = None,
    rho_fluid: Num = None, salinity: Num = None, oil_api: Num = None, gas_gravity: Num = None,
    temperature: Num = None, pressure: Num = None,
) -> Response:
    from sonic_model.model.synth import synth_well
    from sonic_model.model.synth_options import (
        API_NAMES,
        SynthOptions,
        check_options,
        default_model,
        fluid_settings,
        parse_number_list,
        read_checkshot,
    )

    choice = model or default_model()
    await models.ready(choice)
    # Messages name this door's form fields (sw, not the CLI's --sw); a fluid setting without
    # `fluid` is refused, as the CLI does, rather than ignored.
    fluid_opts = fluid_settings(fluid, API_NAMES, sw=sw, k_mineral=k_mineral,
                                rho_mineral=rho_mineral, k_fluid=k_fluid, rho_fluid=rho_fluid,
                                salinity_ppm=salinity, oil_api=oil_api,
                                gas_gravity=gas_gravity, temperature_c=temperature,
                                pressure_mpa=pressure)
    cs, cs_source = None, f"checkshot {checkshot.filename or ''}".strip() if checkshot else ""
    if checkshot is not None:
        cs = read_checkshot(await checkshot.read(), cs_source)
    opts = check_options(SynthOptions(
        wavelet=wavelet, freq=parse_number_list(freq or ("5,10,40,60" if wavelet == "ormsby"
                                                         else "30"), "freq"),
        angles=parse_number_list(angles, "angles"), realisations=realisations, seed=seed,
        ignore_measured=ignore_measured, checkshot=cs,
        checkshot_source=cs_source or "checkshot", fluid=fluid_opts), API_NAMES)
    data, filename, overrides = await read_upload(file, mapping)

    def work() -> Response:
        from sonic_model.model.synth_export import csv_bytes, segy_payload

        well = well_from_upload(data, filename, overrides, settings.api_max_rows)
        result = synth_well(well, models.get(choice), opts)
        if format == "json":
            return JSONResponse(synth_answer(result, well.name))
        stem = download_name(filename, "csv").removesuffix("_sonic.csv")
        if format == "csv":
            body, media, name = csv_bytes(result, well.name), "text/csv", f"{stem}_synth.csv"
        else:
            body, media = segy_payload(result, well.name), "application/octet-stream"
            name = f"{stem}_synth.sgy"
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    return await in_worker(models, work)
