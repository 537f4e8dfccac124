"""``train``: rebuild the bundled models (contest on Well #1, north-sea on Well #1 and the
FORCE wells), or (``--wells``) train a named model on
your own wells (``own.train_wells``)."""

from __future__ import annotations

from pathlib import Path

from sonic_model.serving.cli.common import UsageError, note


def cmd_train(args) -> int:
    if args.wells:
        from sonic_model.serving.cli.own import train_wells

        return train_wells(args)
    if args.name or args.map or args.overwrite:
        raise UsageError("--name, --map and --overwrite train on your own wells: add --wells "
                         "DIR_OR_FILES")
    from sonic_model.training import bundled_train as train

    train.train(data_dir=Path(args.data) if args.data else None,
                out_dir=Path(args.out) if args.out else None,
                log=note,
                measure=not args.no_measure,
                cv_cache=Path(args.cv_cache) if args.cv_cache else None,
                only=(args.only,) if args.only else ("contest", "north-sea"))
    return 0
