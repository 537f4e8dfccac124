"""The bundled `north-sea` model's data: Well #1's three wells plus the FORCE 2020 wells.

One FORCE well (HELD_OUT_WELL) is kept out of its training on purpose: it is a North Sea well
from a field neither bundled model learnt from, on which the test of the `auto` choice
(tests/test_auto_model.py) and the card's held-out figure are measured. Nothing here reads
Well #2's answers.
"""

from __future__ import annotations

from pathlib import Path

from sonic_model.core.errors import InputValueError
from sonic_model.training.dataset import TrainingWell

NAME = "north-sea"
# 34/10 is the only Tampen-area well of the ten (the others are Utsira High, Viking Graben,
# Troll): holding it out costs the fewest shear rows (it has no DTS) and leaves a field no
# bundled model saw.
HELD_OUT_WELL = "34_10-19"
FORCE_CREDIT = ("FORCE 2020 Machine Predicted Lithology competition data (Bormann, Aursand, "
                "Dilib et al., 'FORCE Machine Learning Competition', 2020; "
                "doi:10.5281/zenodo.4351156; https://github.com/bolgebrygg/"
                "Force-2020-Machine-Learning-competition), released openly with attribution; "
                "well logs courtesy of the Norwegian Offshore Directorate and FORCE")


def force_training_wells(folder: Path | None = None, held_out: str = HELD_OUT_WELL) \
        -> list[TrainingWell]:
    """The FORCE wells north-sea learns from (every LAS in the folder but ``held_out``), read
    and checked the way `train --wells` reads a user's wells."""
    from sonic_model.io.force import force_dir
    from sonic_model.training.own_wells import read_training_wells

    folder = Path(folder) if folder else force_dir()
    if folder is None or not folder.is_dir():
        raise InputValueError("the north-sea model needs the FORCE 2020 wells: set "
                              "$SONIC_FORCE_DIR or put them in ../shared/force2020")
    files = [p for p in sorted(folder.glob("*.las")) if p.stem != held_out]
    wells, _checks = read_training_wells(files)
    return wells


def card_extra(contest: list[TrainingWell], force: list[TrainingWell]) -> dict:
    """north-sea's own card fields: both data sources, credited, and the well held out."""
    return {
        "bundled": {"name": NAME,
                    "purpose": "wells from North Sea fields: Well #1's three wells plus "
                               f"{len(force)} FORCE 2020 wells"},
        "data": {
            "source": "SPWLA PDDA 2020 contest Well #1 (Volve, Equinor) and the FORCE 2020 "
                      "wells (Norwegian North Sea)",
            "licence": "CC BY-NC-SA for the result (the contest data's licence); FORCE 2020 "
                       "data released openly with attribution (see its Zenodo record)",
            "attribution": "Trained on the SPWLA PDDA SIG 2020 contest data (Well #1, derived "
                           "from Equinor's Volve data) and on " + FORCE_CREDIT + ". The KNN "
                           "member keeps training rows derived from these wells.",
            "credit_force": FORCE_CREDIT,
            "force_wells": [w.name for w in force],
            "held_out": {"well": HELD_OUT_WELL,
                         "why": "kept out of training so a North Sea well from a field neither "
                                "bundled model saw can test the auto choice and the bands"},
            "train_sha256": contest[0].sha256 if contest else None,
            "target": "Well #1 and FORCE wells; Well #2 never used",
        },
    }


def train_north_sea(out_dir: Path, data_dir: Path | None = None, force_folder: Path | None = None,
                    log=print, cv_cache: Path | None = None, measure: bool = False,
                    sink: dict | None = None) -> dict:
    """Train the bundled north-sea model into ``out_dir``; returns its card."""
    from sonic_model.training.bundled import contest_wells
    from sonic_model.training.trainer import train_model

    contest = contest_wells(data_dir)
    force = force_training_wells(force_folder)
    wells = [*contest, *force]
    log(f"north-sea: {len(contest)} Well #1 wells + {len(force)} FORCE wells "
        f"({HELD_OUT_WELL} held out)")
    return train_model(wells, Path(out_dir), log=log, measure=measure,
                       card_extra=card_extra(contest, force), cv_cache=cv_cache, sink=sink)
