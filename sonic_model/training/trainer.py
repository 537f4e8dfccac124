"""Training on any set of wells: leave-one-well-out (and blocked) validation, fit, export.

``train_model(wells, out_dir)`` is the generic trainer (the bundled model and a user's own
models both come from it): it cross-validates every member, derives the ensemble weights and
the P10/P90 calibration from held-out predictions only, fits the final members on all wells,
and writes ``out_dir`` in the layout of assets/models (model.artifacts: member .npz files +
runtime.json + model_card.json). `python -m sonic_model train` (both bundled models) is
bundled_train.py.

The jobs live in their own modules and this one puts them in order: dataset.py (the wells as
one table, the row plan, the schemes), crossval.py (held-out predictions), ensemble_build.py
(members, weights, bands), export.py (the files), card_build.py (the card),
conditioned_fit.py (the DTC-conditioned shear set).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sonic_model.model.artifacts import RUNTIME_FILE
from sonic_model.model.card import load_card
from sonic_model.training import (
    auto_blend,
    baseline,
    card_build,
    export,
    logs_nested,
    synth_figures,
)
from sonic_model.training.crossval import (
    cross_validate,
    fit_sets,
    fold_tasks,
    load_cv_cache,
    qc_settings,
    save_cv_cache,
)
from sonic_model.training.dataset import (
    PE_FILL,
    ROW_BUDGET,
    TrainingSet,
    TrainingWell,
    build_training_set,
    fit_plan,
    release_memory,
    schemes_for,
)
from sonic_model.training.ensemble_build import build_ensembles, choose
from sonic_model.training.member_fit import FULL_MEMBERS
from sonic_model.training.validation import fit_weights


@dataclass
class _Plan:
    """What one training run will do: the rows, the schemes, the fits, the progress steps."""
    ts: TrainingSet
    schemes: dict
    keep: np.ndarray | None       # rows members fit on above the row budget; None: every row
    rows_entry: dict              # the card's "fit_rows" (fit_plan)
    n_folds: int
    total: int                    # progress steps: folds, final fit, conditioned, measuring

    @property
    def fit_mask(self) -> np.ndarray:
        return np.ones(self.ts.n, dtype=bool) if self.keep is None else self.keep


def _tick(progress, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


def train_model(wells: list[TrainingWell], out_dir: Path, *, blocked_folds: int = 0,
                log=print, progress=None, measure: bool = False, n_jobs: int = 2,
                card_extra: dict | None = None, cv_cache: Path | None = None,
                other_fields: list | None = None, row_budget: int = ROW_BUDGET,
                sink: dict | None = None) -> dict:
    """Validate (leave-one-well-out, plus `blocked_folds` contiguous blocks if > 0), fit on
    all wells, write `out_dir` (member .npz files, runtime.json, model_card.json). Returns the
    card.

    `progress(done, total, message)` is called as folds and final fits finish.
    `other_fields`: wells.Well objects from other fields with measured sonic, never trained
    on, that fit the bands' between-field term (transfer.py); None: the wells alone decide.
    `row_budget`: above this many trainable rows members fit on a per-well stride of rows
    and leave-one-well-out holds out groups of wells (fit_plan, fold_tasks; card "fit_rows").
    `cv_cache`: a file of held-out predictions from an earlier run with the same wells (an
    .npz, crossval.save_cv_cache), reused when present and written otherwise (a development
    shortcut of `python -m sonic_model train --cv-cache`).
    `sink`: filled with the held-out parts auto_blend.section reads (bundled_train.train).
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = _plan(wells, blocked_folds, row_budget, measure, log)
    ts = plan.ts
    cv = _held_out(plan, cv_cache, n_jobs, log, progress)
    # Which members ship, whether the mudrock shear prior holds (ensemble_build.py), then the
    # final fit of the shipped members only, then weights and bands.
    gr = ts.clean["GR"].to_numpy()
    prior, chosen, choice_studies = choose(ts.y, gr, cv, FULL_MEMBERS, fit_weights=fit_weights,
                                           log=log)
    shipped = [k for k in FULL_MEMBERS if k in chosen["full"]]
    qc = qc_settings(ts, cv)
    log("final fit on all wells")
    fitted = fit_sets(ts, shipped, plan.fit_mask, log)
    _tick(progress, plan.n_folds + 1, plan.total, "fitted the final members")
    other_entry, widen = other_field_widener(other_fields, fitted, shipped, log,
                                             novelty_threshold=qc["novelty_threshold"])
    ensembles = build_ensembles(ts.y, gr, cv, chosen, prior, fit_weights=fit_weights,
                                widen=widen, log=log)
    # The full ensemble's band figures per held-out fold, out of sample (logs_nested.py).
    ensembles["full"]["nested_bands"] = logs_nested.card_section(ts, cv, ensembles["full"], qc,
                                                                 log)
    files = export.write_members(out_dir, fitted, shipped)
    runtime = export.runtime_spec(fitted, ensembles, qc)
    files[RUNTIME_FILE] = export.write_runtime(out_dir, runtime)
    for name, e in ensembles.items():
        log(f"{name}: " + ", ".join(f"{s} {card_build.scheme_rmse(ts, cv, e, s):.2f}"
                                    for s in cv) + f"; weights {runtime['ensembles'][name]['weights']}")
    extra = dict(card_extra or {})
    extra["studies"] = {**extra.get("studies", {}), **choice_studies}
    if other_entry:
        extra["other_fields"] = other_entry
    card = card_build.build_card(ts, wells, cv, ensembles, qc, files, extra)
    if plan.keep is not None:          # the bundled model's card stays as it was
        card["fit_rows"] = {**plan.rows_entry, "lowo_fits": sum(
            s == "lowo" for s, _ in fold_tasks(ts, plan.schemes, plan.keep))}
    card["training_seconds"] = round(time.perf_counter() - started, 1)
    card_build.write_card(out_dir, card)
    frames = synth_figures.frames_for_card(ts, wells, ensembles["full"], cv)
    card = _add_conditioned(out_dir, wells, card, plan, blocked_folds, n_jobs, log,
                            logs_only=_logs_only_dts(ensembles["full"]), synth_frames=frames)
    if sink is not None:        # held-out parts for auto's blend of the bundled models
        sink.update(auto_blend.sink_entry(ts, wells, cv, runtime, frames))
    _tick(progress, plan.n_folds + 2, plan.total, "fitted the DTC-conditioned shear set")
    base = baseline.section(ts, card, log)       # a plain XGBoost beside it, well by well
    if base:
        card["baseline"] = base
        card_build.write_card(out_dir, card)
    if measure:
        _measure(out_dir, card, shipped, ts, log)
        _tick(progress, plan.total, plan.total, "measured load time, memory and speed")
    log(f"wrote {out_dir} in {time.perf_counter() - started:.0f} s")
    return card


def _plan(wells, blocked_folds: int, row_budget: int, measure: bool, log) -> _Plan:
    ts = build_training_set(wells)
    log(f"{len(wells)} well(s), {ts.n} rows; curve sets {', '.join(ts.sets)}")
    schemes = schemes_for(ts, blocked_folds)
    keep, rows_entry = fit_plan(ts, row_budget)
    if rows_entry["stride"] > 1:
        log(f"  {rows_entry['note']}")
        release_memory()
    else:
        keep = None               # every row: the path the bundled model was trained on
    n_folds = len(fold_tasks(ts, schemes, keep))
    return _Plan(ts, schemes, keep, rows_entry, n_folds, n_folds + 2 + (1 if measure else 0))


def _held_out(plan: _Plan, cv_cache: Path | None, n_jobs: int, log, progress) -> dict:
    """Every candidate's held-out predictions: cross-validated, or read from `cv_cache`."""
    if cv_cache is not None and Path(cv_cache).is_file():
        cv = load_cv_cache(cv_cache)
        log(f"  reusing held-out predictions from {cv_cache}")
        _tick(progress, plan.n_folds, plan.total, "reused held-out predictions")
        return cv
    cv = cross_validate(plan.ts, FULL_MEMBERS, plan.schemes, log, n_jobs, progress, 0,
                        plan.total, keep=plan.keep)
    if cv_cache is not None:
        save_cv_cache(cv, cv_cache)
    return cv


def _logs_only_dts(full: dict) -> dict:
    """{scheme: (DTS, P10, P90)} of the full ensemble's held-out predictions: what the shear
    fusion is validated against, row for row."""
    return {s: (full["combined"][s][0][:, 1], full["bands"][s][0][:, 1],
                full["bands"][s][1][:, 1]) for s in full["combined"]}


def _add_conditioned(out_dir: Path, wells, card: dict, plan: _Plan, blocked_folds: int,
                     n_jobs: int, log, logs_only: dict | None = None,
                     synth_frames: dict | None = None) -> dict:
    """The DTC-conditioned shear set (conditioned_fit.py): validated over the same wells (leave
    one well out, plus the same blocks), fitted on all; it adds its artifact and card section.
    The card's size figures follow the files it rewrites. -> the card as written."""
    from sonic_model.training import conditioned_fit

    if plan.keep is not None:
        # Its validation refits on every row of every well in one worker process per fold:
        # on 20 wells x 50,000 rows that alone breaks the 5-minute and 2 GB limits. Above the
        # row budget the model ships without it (predict then uses the logs-only shear
        # everywhere) and the card says so.
        log("  DTC-conditioned shear set not trained above the row budget")
        card["fit_rows"]["conditioned_shear"] = "not trained above the row budget"
    elif conditioned_fit.extend_model(out_dir, wells, blocked_folds=blocked_folds,
                                      n_jobs=n_jobs, log=log, logs_only=logs_only,
                                      synth_frames=synth_frames) is not None:
        card = card_build.size_figures(load_card(out_dir))
    card_build.write_card(out_dir, card)
    return card


def _measure(out_dir: Path, card: dict, shipped, ts: TrainingSet, log=print) -> None:
    """Load time, memory and predict time of each shipped member and each ensemble, into the
    card (written)."""
    log("measuring load time, memory and predict time of each member and ensemble")
    sample = ts.clean.iloc[:10000]
    for group, keys in (("members", shipped), ("ensembles", ("full", "light"))):
        for key in keys:
            card[group][key]["resources"] = export.measure_resources(out_dir, key, sample)
    card_build.write_card(out_dir, card)


def other_field_widener(other_fields, fitted: dict, kinds, log=print,
                        novelty_threshold: float | None = None):
    """(card entry, widener or None): the bands' between-field term from wells of other
    fields (transfer.py); without them the training wells alone calibrate the bands.
    ``novelty_threshold``: the model's QC novelty flag, for the share beyond 3 sigma that QC
    leaves unflagged."""
    if not other_fields:
        return {}, None
    from sonic_model.training import transfer

    arrays = transfer.held_out_arrays(other_fields, fitted, kinds, pe_fill=PE_FILL)
    entry: dict = {"source": "FORCE 2020 (Bormann et al. 2020, doi:10.5281/zenodo.4351156); "
                             "predicted, never trained on"}
    return entry, transfer.OtherFieldWidener(arrays, entry, log,
                                             novelty_threshold=novelty_threshold)
