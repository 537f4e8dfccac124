"""`python -m sonic_model train`: both bundled models, `contest` (Well #1's three wells,
bundled.py) and `north-sea` (those plus the FORCE wells, north_sea.py), each through
trainer.train_model into its own folder.
"""

from __future__ import annotations

import time
from pathlib import Path

from sonic_model.training import bundled, card_build
from sonic_model.training.bundled import contest_wells
from sonic_model.training.dataset import K_BLOCKED, build_training_set
from sonic_model.training.trainer import train_model


def train(data_dir: Path | None = None, out_dir: Path | None = None, log=print,
          measure: bool = True, cv_cache: Path | None = None,
          only: tuple[str, ...] = ("contest", "north-sea")) -> dict:
    """`python -m sonic_model train`: both bundled models, into ``out_dir``/contest and
    ``out_dir``/north-sea (default: assets/models; contest goes to $SONIC_MODEL_DIR when that
    is set and no ``out_dir`` is given). ``cv_cache``: a file prefix, one cache per model.
    Returns {name: card}; each card records its own training time."""
    from sonic_model.core.config import bundled_model_dir, get_settings

    cards, sinks, folders = {}, {}, {}
    for name in only:
        started = time.perf_counter()
        folder = Path(out_dir) / name if out_dir else (
            get_settings().model_dir if name == "contest" else bundled_model_dir(name))
        cache = None if cv_cache is None else Path(f"{cv_cache}.{name}.npz")
        scratch = cache is None or not cache.is_file()     # no held-out predictions reused
        sinks[name] = {}
        if name == "contest":
            cards[name] = train_contest(data_dir, folder, log, measure, cache, sinks[name])
        else:
            from sonic_model.training.north_sea import train_north_sea

            cards[name] = train_north_sea(folder, data_dir, log=log, cv_cache=cache,
                                          measure=measure, sink=sinks[name])
        # The whole run, studies, conditioned shear set and measuring included (train_model's
        # own figure stops before them).
        cards[name]["training_seconds"] = round(time.perf_counter() - started, 1)
        cards[name]["training_from_scratch"] = scratch
        card_build.write_card(folder, cards[name])
        folders[name] = folder
    if {"contest", "north-sea"} <= set(cards):
        _blend(cards["contest"], folders["contest"], sinks, log)
    return cards


def _blend(card: dict, folder: Path, sinks: dict, log) -> None:
    """auto's blend of the two models on contest's field (auto_blend.py), into contest's
    card. Trained alone (`--only`), contest keeps no blend: its held-out partner is missing."""
    from sonic_model.training import auto_blend

    entry = auto_blend.section(sinks["contest"], sinks["north-sea"],
                               (card.get("fit_for_purpose") or {}).get("residuals"))
    if entry is None:
        return
    s = entry["summary"]
    log(f"auto blend on Well #1, nested: contest score {s['contest_alone']['contest']} alone, "
        f"{s['blended']['contest']} blended (weight {entry['weight']}) -> "
        f"{'ships' if entry['ships'] else 'not shipped'}")
    card["auto_blend"] = entry
    card_build.write_card(folder, card)


def train_contest(data_dir: Path | None, out_dir: Path, log=print, measure: bool = True,
                  cv_cache: Path | None = None, sink: dict | None = None) -> dict:
    """The bundled contest model from Well #1's three wells, validated leave-one-well-out and
    with 5 contiguous blocks, plus the contest's card fields."""
    from sonic_model.training.studies import run_studies

    wells = contest_wells(data_dir)
    log(f"Well #1: {sum(len(w.frame) for w in wells)} rows in {len(wells)} wells")
    studies = run_studies(build_training_set(wells), log)
    extra = bundled.card_extra(wells, studies)
    extra["bundled"] = {"name": "contest", "purpose": "the contest's field: Well #1 only, "
                                                      "the leaderboard's rules"}
    return train_model(wells, Path(out_dir), blocked_folds=K_BLOCKED, log=log, measure=measure,
                       card_extra=extra, cv_cache=cv_cache, other_fields=bundled.force_wells(log),
                       sink=sink)
