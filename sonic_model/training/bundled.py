"""The bundled model's data: the contest's Well #1 as three wells, its card fields, and the
FORCE wells that calibrate its bands' between-field term. bundled_train.train puts them together.
Nothing here reads Well #2's answers (they are not in the contest files we have).
"""

from __future__ import annotations

from pathlib import Path

from sonic_model.core.digest import sha256_file
from sonic_model.model.card import LEADERBOARD
from sonic_model.training.dataset import TrainingWell

# Well #1 joins three wells (../shared/pdda2020/README.md). The joins, read off the data:
# row 13,125 starts a 6-inch hole (CAL ~6.2 in after a long null run), row 19,912 an
# 8.5-inch hole whose PE is dead. Half-open row ranges.
WELL_JOINS = (13125, 19912)


def contest_wells(data_dir: Path | None = None) -> list[TrainingWell]:
    """The three wells joined in the contest's Well #1, in the contest layout (0.1 m rows)."""
    from sonic_model.io import contest

    frame = contest.load_train(data_dir)
    sha = sha256_file(contest.train_csv(data_dir))
    edges = (0, *WELL_JOINS, len(frame))
    return [TrainingWell(f"Well #1 ({'abc'[i]})", frame.iloc[a:b].reset_index(drop=True),
                         None, sha) for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]


def card_extra(wells: list[TrainingWell], studies: dict) -> dict:
    """The bundled model's own card fields: the contest data and licence, the design studies
    (studies.run_studies) and the contest leaderboard."""
    return {
        "data": {
            "source": "SPWLA PDDA 2020 machine-learning contest (Volve field data, Equinor)",
            "url": "https://github.com/pddasig/Machine-Learning-Competition-2020",
            "licence": "CC BY-NC-SA (Creative Commons Attribution-NonCommercial-ShareAlike)",
            "attribution": "Trained on the SPWLA PDDA SIG 2020 contest data (Well #1), derived "
                           "from Equinor's Volve field data set. The trained models are shared "
                           "under CC BY-NC-SA; credit the SPWLA PDDA SIG and Equinor.",
            "train_sha256": wells[0].sha256,
            "layout": "rows 0.1 m (0.328 ft) apart, no depth column",
            "target": "Well #1 only; Well #2 never used",
        },
        "studies": {
            "what": "contest RMSE of single members on held-out rows with all curves; "
                    "vpvs = DTS predicted as DTC x Vp/Vs, direct = DTS learnt directly; "
                    "with_pe = PE features added",
            "results": studies},
        "leaderboard": LEADERBOARD,
    }


def force_wells(log=print) -> list | None:
    """The FORCE wells for the bundled model's between-field band term, if on this machine."""
    from sonic_model.io.force import force_dir, read_force_wells

    folder = force_dir()
    if folder is None:
        log("  no other-field wells found (../shared/force2020, $SONIC_FORCE_DIR): "
            "bands calibrated on Well #1 alone")
        return None
    return read_force_wells(folder)
