"""Ensembles of members: load (sha256-checked), predict with P10/P90 and QC flags.

    ens = load_ensemble("full")            # or "light"; cached per process (see below)
    result = predict(frame, ens)           # DataFrame: DTC_PRED ... QC, same index as frame

`frame` holds canonical input columns in canonical units (wells.read_well produces them);
`depth_ft` (optional) gives the sampling step and breaks runs at depth jumps. Without it,
rows are taken as consecutive samples 0.1 m (0.328 ft) apart, the contest layout.
This module imports numpy and pandas (scipy's KD-tree and libxgboost via the members): no
scikit-learn, no xgboost package, and nothing that unpickles (artifacts.py reads the files).

Loaded models are cached per process, one copy per distinct model: the key is the model's
content as its card states it (folder, model_version, the sha256 of every file), so "full"
and "light" of one model share every member they both load (the bundled ones are the same
members with the same weights). The cache holds at most $SONIC_MODEL_CACHE_SIZE models
(default 4) and forgets the least recently used one beyond that; it is thread-safe.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from sonic_model.core.curves import CURVES, REQUIRED, RESULT_COLUMNS
from sonic_model.core.errors import ArtifactError, InputValueError, MissingCurvesError
from sonic_model.core.qc import QC_OK, join_reasons
from sonic_model.model import artifacts
from sonic_model.model import features as F
from sonic_model.model.artifacts import RUNTIME_FILE
from sonic_model.model.card import CARD_NAME, load_card
from sonic_model.model.intervals import band
from sonic_model.model.members import MemberPredictor, to_sonic
from sonic_model.physics.borehole import WASHOUT_IN
from sonic_model.physics.shear_prior import apply_shear_prior

EnsembleName = Literal["full", "light"]
ENSEMBLE_NAMES: tuple[str, ...] = ("full", "light")


@dataclass
class Ensemble:
    name: str
    members: list[str]                   # members loaded: those with weight, plus KNN (novelty)
    weights: np.ndarray                  # (members, 2) DTC, DTS
    intervals: dict
    sets: dict                           # curve set -> {"columns", "clip", "members": {kind: MemberPredictor}}
    qc: dict
    pe_fill: float
    card: dict = field(repr=False)
    shear_prior: dict | None = None      # shear_prior.py settings; None in older models
    conditioned: object = field(default=None, repr=False)   # conditioned.ConditionedModel

    @property
    def label(self) -> str:
        return self.card["ensembles"][self.name]["label"]


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM from /proc, not getrusage: Linux carries ru_maxrss over fork and exec, so a child
    started by a big parent (training) would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ----------------------------------------------------------------------------- loading

def cache_size() -> int:
    """How many distinct models the process keeps loaded ($SONIC_MODEL_CACHE_SIZE, default 4:
    the bundled model and a few stored ones; each costs its members' memory, a few MB)."""
    from sonic_model.core.config import get_settings

    return get_settings().model_cache_size


@dataclass
class _Model:
    """One model folder's loaded content, shared by its ensembles."""
    model_dir: Path
    card: dict
    runtime: dict
    members: dict = field(default_factory=dict)    # kind -> {set: MemberPredictor}
    conditioned: object = None
    used: bool = False              # an ensemble was assembled from it (conditioned set read)


# content key -> _Model, least recently used first; (ensemble name, content key) -> Ensemble.
_models: OrderedDict[tuple, _Model] = OrderedDict()
_cache: dict[tuple, Ensemble] = {}
_cache_lock = threading.RLock()


def _content_key(model_dir: Path, card: dict) -> tuple:
    """What makes two loads the same model: the folder and the content its card states (a
    model deleted and trained again under the same name is a new model)."""
    files = tuple(sorted((rel, str(entry.get("sha256"))) for rel, entry in
                         (card.get("files") or {}).items()))
    return str(model_dir.resolve()), str(card.get("model_version")), files


_cards: dict[str, tuple[tuple, dict]] = {}    # card path -> (stat signature, parsed card)


def _read_card(model_dir: Path) -> dict:
    """The folder's card, parsed again only when the file changed (a cached call costs a stat,
    not a 60 kB JSON parse)."""
    path = model_dir / CARD_NAME
    try:
        st = path.stat()
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return load_card(model_dir)          # raises the card's own "does not exist" error
    with _cache_lock:
        hit = _cards.get(str(path))
    if hit is not None and hit[0] == signature:
        return hit[1]
    card = load_card(model_dir)
    with _cache_lock:
        _cards[str(path)] = (signature, card)
        while len(_cards) > 2 * cache_size():     # a few more than the models kept
            del _cards[next(iter(_cards))]
    return card


def load_ensemble(name: EnsembleName = "full", model_dir: Path | None = None) -> Ensemble:
    """An ensemble, loaded once per distinct model (module docstring); every file is
    sha256-checked against the card before it is read."""
    if name not in ENSEMBLE_NAMES:
        raise InputValueError(f"unknown ensemble {name!r}: choose 'full' or 'light'")
    from sonic_model.core.config import get_settings

    limit = cache_size()
    model_dir = Path(model_dir or get_settings().model_dir)
    card = _read_card(model_dir)
    key = _content_key(model_dir, card)
    with _cache_lock:
        if (name, key) in _cache:
            _models.move_to_end(key)
            return _cache[(name, key)]
        model = _models.get(key)
        if model is None:
            model = _open_model(model_dir, card)
        ensemble = _assemble(model, name)
        _models[key] = model
        _models.move_to_end(key)
        _cache[(name, key)] = ensemble
        while len(_models) > limit:
            old, _ = _models.popitem(last=False)
            for k in [k for k in _cache if k[1] == old]:
                del _cache[k]
        return ensemble


def load_member_or_ensemble(key: str, model_dir: Path) -> Ensemble:
    """An ensemble by name, or one member alone (weight 1): what the card's resources measure.
    Never cached: a fresh load each time."""
    if key in ENSEMBLE_NAMES:
        return _load(key, Path(model_dir))
    return _load("full", Path(model_dir), only=key)


def _load(name: str, model_dir: Path, only: str | None = None) -> Ensemble:
    """A fresh (uncached) load of ensemble ``name``, or of member ``only`` alone."""
    model_dir = Path(model_dir)
    return _assemble(_open_model(model_dir, load_card(model_dir)), name, only)


def _open_model(model_dir: Path, card: dict) -> _Model:
    """A model folder checked (artifacts.check_folder) and its runtime.json read; members
    are read when an ensemble first needs them."""
    artifacts.check_folder(model_dir, card)
    runtime_path = artifacts.verified_path(model_dir, RUNTIME_FILE, card)
    try:
        runtime = json.loads(runtime_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"'{runtime_path}' could not be read ({exc}); re-run training") \
            from None
    return _Model(model_dir=model_dir, card=card, runtime=runtime)


def _spec(runtime: dict, name: str, only: str | None) -> dict:
    try:
        spec = dict(runtime["ensembles"][name])
    except KeyError:
        raise ArtifactError(f"runtime.json has no ensemble {name!r}; re-run training") from None
    if only is not None:
        spec["members"] = [only]
        spec["weights"] = {"DTC": {only: 1.0}, "DTS": {only: 1.0}}
    return spec


def _assemble(model: _Model, name: str, only: str | None = None) -> Ensemble:
    """Ensemble ``name`` of a model, reading (once per model) the members it needs.

    Files are read once per model, but every ensemble checks every file it uses first, so a
    file changed since the model's first ensemble loaded is reported, not served."""
    spec = _spec(model.runtime, name, only)
    runtime, card = model.runtime, model.card
    if model.used:
        _recheck(model)
    # Every member file of the ensemble is verified; only members that carry weight (and the
    # KNN member, whose neighbour distances are the novelty measure for QC and the band) are
    # read: a zero-weight member cannot change a prediction, only cost time and memory.
    paths = {kind: artifacts.verified_path(model.model_dir, f"{kind}{artifacts.SUFFIX}", card)
             for kind in spec["members"]}
    kinds = [k for k in spec["members"]
             if k == "knn" or spec["weights"]["DTC"][k] > 0 or spec["weights"]["DTS"][k] > 0]
    for kind in kinds:
        if kind not in model.members:
            model.members[kind] = _read_member(paths[kind], runtime)
    if not model.used:
        model.conditioned = _load_conditioned(model.model_dir, runtime, card)
        model.used = True
    sets = {set_name: {"columns": s["columns"],
                       "clip": (np.asarray(s["clip_lo"], dtype=np.float32),
                                np.asarray(s["clip_hi"], dtype=np.float32)),
                       "members": {k: model.members[k][set_name] for k in kinds}}
            for set_name, s in runtime["sets"].items()}
    weights = np.array([[spec["weights"]["DTC"][k], spec["weights"]["DTS"][k]] for k in kinds])
    return Ensemble(name=name, members=kinds, weights=weights, intervals=spec["intervals"],
                    sets=sets, qc=runtime["qc"], pe_fill=runtime["pe_fill"], card=card,
                    shear_prior=spec.get("shear_prior"), conditioned=model.conditioned)


def _recheck(model: _Model) -> None:
    """The checks of a first load, again, for files already read: the folder, runtime.json
    and the conditioned set (members are checked by the caller)."""
    from sonic_model.model.conditioned import ARTIFACT, RUNTIME_KEY

    artifacts.check_folder(model.model_dir, model.card)
    artifacts.verified_path(model.model_dir, RUNTIME_FILE, model.card)
    if RUNTIME_KEY in model.runtime:
        artifacts.verified_path(model.model_dir, ARTIFACT, model.card)


def _read_member(path: Path, runtime: dict) -> dict:
    """{set: MemberPredictor} from a verified member file (artifacts.load: never unpickled)."""
    payload = artifacts.load(path)
    try:
        if any(part.get("kind") == "trees" for part in payload.values()):
            from sonic_model.model.engine import check_trained_version
            check_trained_version(runtime.get("xgboost_version"))
        return {set_name: MemberPredictor(payload[set_name]) for set_name in runtime["sets"]}
    except ArtifactError:
        raise
    except Exception as exc:  # a verified file that still fails to load is an artifact problem
        raise ArtifactError(f"'{path}' could not be loaded ({exc}); re-run training") from None


def _load_conditioned(model_dir: Path, runtime: dict, card: dict):
    """The DTC-conditioned shear set (conditioned.py) when the model ships one, else None."""
    from sonic_model.model import conditioned

    if conditioned.RUNTIME_KEY not in runtime:
        return None
    path = artifacts.verified_path(model_dir, conditioned.ARTIFACT, card)
    try:
        return conditioned.load(path, runtime[conditioned.RUNTIME_KEY])
    except ArtifactError:
        raise
    except Exception as exc:  # a verified file that still fails to load is an artifact problem
        raise ArtifactError(f"'{path}' could not be loaded ({exc}); re-run training") from None


# ----------------------------------------------------------------------------- predict

def predict(frame: pd.DataFrame, ensemble: Ensemble | str = "full", *,
            depth_ft: np.ndarray | None = None,
            ff: F.FeatureFrame | None = None) -> pd.DataFrame:
    """DTC/DTS predictions with P10/P90 and QC, one row per input row, index preserved.

    ``ensemble`` may also be choice.Auto (anything with ``pick``): the model is then chosen for
    this well and ``result.attrs`` says which and why ("model", "model_reason"). The public
    ``sonic_model.predict`` (public.predict) takes model names, "auto" by default. ``ff``: the
    frame's features when the caller already built them (same frame, depth and PE fill)."""
    if hasattr(ensemble, "pick"):
        ff = _features(frame, depth_ft, ensemble.pe_fill)
        chosen, name, reason = ensemble.pick(frame, depth_ft, ff=ff)
        result = predict(frame, chosen, depth_ft=depth_ft, ff=ff)
        result.attrs.update(model=name, model_reason=reason)
        return result
    if hasattr(type(ensemble), "predict_blended"):   # dtc_blend.Blended: auto's contest
        return ensemble.predict_blended(frame, depth_ft=depth_ft, ff=ff)
    if isinstance(ensemble, str):
        ensemble = load_ensemble(ensemble)  # type: ignore[arg-type]
    if not isinstance(frame, pd.DataFrame):
        raise InputValueError("predict() needs a pandas DataFrame of input curves")
    absent = [c for c in REQUIRED if c not in frame.columns]
    if absent:
        raise MissingCurvesError(
            f"required curve(s) {', '.join(absent)} missing; the input has: "
            f"{', '.join(map(str, frame.columns)) or 'no columns'}",
            missing=absent, available=[str(c) for c in frame.columns])
    if depth_ft is not None and len(depth_ft) != len(frame):
        raise InputValueError(f"depth has {len(depth_ft)} values for {len(frame)} rows")

    if ff is None or ff.pe_fill != ensemble.pe_fill:
        ff = _features(frame, depth_ft, ensemble.pe_fill)
    row_set = F.row_curve_set(ff.clean)
    kinds = ensemble.members
    # A member's DTS is its DTC times its Vp/Vs: its DTC model is needed whenever it carries
    # weight, its Vp/Vs model only when it carries DTS weight.
    need = {k: (True, bool(ensemble.weights[i, 1] > 0)) for i, k in enumerate(kinds)}
    preds, novelty = member_predictions(ff.features, row_set, ensemble.sets, kinds, need)
    mean, spread = combine(preds, kinds, ensemble.weights)
    mean, lo, hi = finish(mean, spread, novelty, ff.clean["GR"].to_numpy(), ensemble.shear_prior,
                          ensemble.intervals)
    for t, name in enumerate(("DTC", "DTS")):
        vlo, vhi = CURVES[name].valid
        mean[:, t] = np.clip(mean[:, t], vlo, vhi)
        lo[:, t] = np.clip(np.minimum(lo[:, t], mean[:, t]), vlo, vhi)
        hi[:, t] = np.clip(np.maximum(hi[:, t], mean[:, t]), vlo, vhi)

    result = pd.DataFrame({
        "DTC_PRED": mean[:, 0], "DTS_PRED": mean[:, 1],
        "DTC_P10": lo[:, 0], "DTC_P90": hi[:, 0],
        "DTS_P10": lo[:, 1], "DTS_P90": hi[:, 1],
        "QC": qc_reasons(ff, novelty, ensemble.qc, depth_ft),
    }, index=frame.index)
    result = result[list(RESULT_COLUMNS)]
    # Which model made these numbers travels with them (the LAS writer records it).
    result.attrs.update(ensemble=ensemble.name, model_version=ensemble.card.get("model_version"),
                        model=model_name(ensemble.card), model_reason="")
    return result


def model_name(card: dict) -> str:
    """The name a model goes by at the doors: a bundled model's (its card's "bundled" entry;
    cards older than v3 are the contest model's) or a stored model's."""
    if (card.get("bundled") or {}).get("name"):
        return str(card["bundled"]["name"])
    if (card.get("own") or {}).get("name"):
        return str(card["own"]["name"])
    return "contest"


def _features(frame: pd.DataFrame, depth_ft, pe_fill: float) -> F.FeatureFrame:
    return F.build_features(frame.reset_index(drop=True), depth_ft, pe_fill=pe_fill)


def member_predictions(features: pd.DataFrame, row_set: np.ndarray, sets: dict, kinds,
                       need: dict | None = None) -> tuple[dict, np.ndarray]:
    """Per-member (n, 2) DTC/DTS on the rows each curve set serves (NaN elsewhere), and each
    row's KNN novelty. `sets`: {set: {"columns", "clip", "members": {kind: MemberPredictor}}}.
    Shared by predict() and by training's held-out evaluation."""
    n = len(features)
    preds = {k: np.full((n, 2), np.nan) for k in kinds}
    novelty = np.full(n, np.nan)
    # A model trained without a curve set (too few rows had its curves) serves those rows
    # with the "core" models, which need only the four required curves.
    row_set = np.where((row_set == "") | np.isin(row_set, list(sets)), row_set, "core")
    for set_name, part in sets.items():
        sel = row_set == set_name
        if not sel.any():
            continue
        X = np.clip(features[part["columns"]].to_numpy(dtype=np.float32)[sel], *part["clip"])
        for k in kinds:
            member = part["members"][k]
            if k == "knn":
                out, novelty[sel] = member.knn(X)
            else:
                out = member.predict(X, need[k] if need else (True, True))
            preds[k][sel] = to_sonic(out)
    return preds, novelty


def predict_well(well, ensemble: Ensemble | str = "full") -> pd.DataFrame:
    """predict() for a wells.Well: its canonical curves and its depth in feet."""
    return predict(well.curves, ensemble, depth_ft=well.depth_ft())


# ----------------------------------------------------------------------------- combining

def combine(preds: dict, kinds, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and weighted spread across members, per target.

    A member with zero weight for a target may hold NaN there (not computed): it counts as 0.
    """
    W = weights[:, None, :]
    P = np.where(W > 0, np.stack([preds[k] for k in kinds], axis=0), 0.0)   # (m, n, 2)
    mean = (P * W).sum(axis=0)
    spread = np.sqrt(np.maximum((W * (P - mean) ** 2).sum(axis=0), 0.0))
    return mean, spread


def finish(mean, spread, novelty, gr, shear_prior: dict | None, cal: dict):
    """Combined member output -> (mean with the shear prior applied, P10, P90).

    One function for predict() and training's held-out scoring, so the card's figures are
    those of the shipped predict path."""
    mean, gap = apply_shear_prior(mean, gr, shear_prior)
    lo, hi = band(mean, spread, novelty, cal, gap)
    return mean, lo, hi


# ----------------------------------------------------------------------------- QC

def qc_reasons(ff: F.FeatureFrame, novelty: np.ndarray, qc: dict,
               depth_ft: np.ndarray | None) -> list[str]:
    """QC text per row. Only flagged rows get Python-level work (most rows are OK)."""
    clean = ff.clean
    n = len(clean)
    reasons: dict[int, list[str]] = {}

    def add(mask: np.ndarray, text_for_row):
        for i in np.flatnonzero(mask):
            reasons.setdefault(int(i), []).append(text_for_row(i))

    missing = clean[list(REQUIRED)].isna().to_numpy()
    names = np.array(REQUIRED)
    add(missing.any(axis=1), lambda i: "missing input: " + ", ".join(names[missing[i]]))

    out_cols = []
    for curve, (lo, hi) in qc["envelope"].items():
        v = clean[curve].to_numpy()
        out_cols.append(np.isfinite(v) & ((v < lo) | (v > hi)))
    env_names = np.array(list(qc["envelope"]))
    outside = np.column_stack(out_cols)
    add(outside.any(axis=1), lambda i: "outside training range: " + ", ".join(env_names[outside[i]]))

    add(np.isfinite(novelty) & (novelty > qc["novelty_threshold"]),
        lambda i: "unfamiliar log combination")

    cal = clean["CAL"].to_numpy()
    excess = ff.base["CAL_X"].to_numpy()
    add(np.isfinite(excess) & (excess > WASHOUT_IN), lambda i: f"washout (CAL {cal[i]:.1f} in)")
    texts = [QC_OK] * n
    for i, r in reasons.items():
        texts[i] = join_reasons(r)
    return texts
