"""Ensembles of members: load (sha256-checked), predict with P10/P90 and QC flags.

INTERFACE (implementation in progress):

    load_ensemble(name: Literal["full", "light"] = "full", model_dir: Path | None = None) -> Ensemble
        Cached per (name, model_dir). Raises ArtifactError on missing/tampered files.
        Ensemble has .name, .card (dict, the model card), .members (list of member names).

    predict(frame: pd.DataFrame, ensemble: Ensemble | str = "full", *, depth_ft=None) -> pd.DataFrame
        frame: canonical input columns (subset of curves.INPUTS; must contain the REQUIRED
        columns, values in canonical units, nulls as NaN or sentinels). Extra columns ignored.
        depth_ft: optional depth per row in feet (sampling step + gap detection); None means
        rows are consecutive half-foot samples (the contest layout).
        Returns a DataFrame with curves.RESULT_COLUMNS, same index and order as `frame`.
        Raises MissingCurvesError if a required column is absent altogether.

    predict_well(well: wells.Well, ensemble) -> pd.DataFrame
        predict(well.curves, ensemble, depth_ft=well.depth_ft()).
"""
