"""``batch``: folders of wells scored locally or on a Dask cluster (sonic_model.serving.batch)."""

from __future__ import annotations

import sys
from pathlib import Path

from sonic_model.serving.cli.common import UsageError


def cmd_batch(args) -> int:
    from sonic_model.serving import batch

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give 1 or more")
    choice = batch.resolve_model(args.ensemble, args.model)
    out = Path(args.output)
    jobs = batch.plan(batch.discover(args.inputs, out), out, args.format, choice,
                      synth=getattr(args, "synth", False), frame=getattr(args, "frame", None),
                      resample=getattr(args, "resample", False))
    workers = args.workers or batch.available_cores()
    summary = batch.run_batch(jobs, out, choice, workers=workers, scheduler=args.scheduler,
                              force=args.force,
                              progress=None if args.quiet else batch.ProgressPrinter())
    c = summary.counts
    print(f"{len(jobs)} files: {c['ok']} scored, {c['skipped']} up to date, {c['error']} "
          f"refused, {summary.seconds:.1f} s; report: {summary.report}", file=sys.stderr)
    return summary.exit_code
