"""Pydantic models of requests and answers (and the OpenAPI examples)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sonic_model.model.choice import ModelName
from sonic_model.model.ensemble import EnsembleName


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


def error_responses(bad_request: str, invalid: str, *,
                    unavailable: str = "the requested ensemble is not loaded") -> dict:
    """The 400, 413, 422 and 503 entries of a predicting route's OpenAPI ``responses``: 413 reads
    the same on every one; 400 and 422 say what this route refuses, 503 what it waits for."""
    return {400: {"description": bad_request},
            413: {"description": "body or row count over the server's limit"},
            422: {"description": invalid},
            503: {"description": unavailable}}


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
    ensemble: ModelName = Field("auto", description="a bundled model: auto (default: the one "
                                "the well is closest to), contest, north-sea; full and light "
                                "are old names of contest")
    model: str | None = Field(
        None, description="a model from GET /api/v1/models (one trained on your own wells, or "
                          "a bundled one); replaces 'ensemble'", examples=["force"])
    mapping: dict[str, str] | None = Field(
        None, description="canonical name -> the request's curve name, overriding the aliases",
        examples=[{"ZDEN": "DEN_CORR"}])
    ignore_measured: bool = Field(False, description="DTS from the logs alone even where a "
                                  "measured DTC (DTC, DT, DTCO...) is sent and valid")
    elastic: bool = Field(False, description="add VP, VS, VPVS, PR, AI, SI, G_DYN, K_DYN")
    splice: bool = Field(False, description="add DTC_SPLICE, DTS_SPLICE, SPLICE_SOURCE")


class PredictResponse(BaseModel):
    ensemble: EnsembleName
    model: str = Field(description="the model that predicted: contest, north-sea or a stored "
                                   "name (with auto: the one chosen for this well)")
    model_reason: str = Field("", description="why auto chose this model (empty otherwise)")
    model_version: str | None
    rows: int
    columns: list[str]
    units: dict[str, str]
    depth_ft: list[float | None] | None
    results: dict[str, list[float | None] | list[str]]
    qc_summary: dict[str, int] = Field(description="rows per QC reason ('OK' = clean)")
    mapping: dict[str, Any] = Field(description="which input curve became which canonical "
                                                "curve, with units and conversions")
    in_sample: str | None = Field(None, description="set when the uploaded file is one the "
                                  "predicting model was trained on (matched by sha256): scores "
                                  "against its measured sonic are in-sample, not validation")


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    version: str
    ensembles: dict[str, bool] = Field(description="contest's old names full and light, as "
                                       "old clients read them: loaded or not")
    models: dict[str, bool] = Field(default_factory=dict, description="auto, contest, "
                                    "north-sea: can it predict (north-sea loads on first use)")
    aliases: dict[str, str] = Field(default_factory=dict,
                                    description="old name -> the bundled model it stands for")
