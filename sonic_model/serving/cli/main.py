"""The command line: predict, batch, train, models, info, serve, fetch-data.

Exit codes: 0 success (also when the reader closes our output pipe early, as `| head` does);
2 bad input or usage, with one line on stderr naming the problem; 1 internal error. No
traceback reaches the user (set SONIC_DEBUG=1 to see one). Imports stay inside the commands so
`predict` never loads streamlit, plotly, fastapi, scikit-learn or the xgboost Python package,
and it checks its input files before it imports numpy, pandas or the models.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from sonic_model.core.errors import SonicModelError

OUTPUT_FORMATS = ("csv", "las")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + message)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class UsageError(SonicModelError):
    """A command-line option that cannot be honoured."""


def _parse_maps(items: list[str]) -> dict[str, str]:
    if not items:
        return {}
    from sonic_model.core.errors import InputValueError
    from sonic_model.io import parse_mapping

    try:
        return parse_mapping(items)
    except InputValueError as exc:
        raise UsageError(f"--map: {exc}") from None


def _outputs(inputs: list[Path], out: Path, fmt: str | None) -> list[tuple[Path, Path, str]]:
    """(input, output path, format) per input. Several inputs -> OUT is a directory."""
    if len(inputs) == 1 and out.suffix:
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in OUTPUT_FORMATS:
            raise UsageError(f"-o {out}: the output must end in .csv or .las")
        return [(inputs[0], out, fmt or suffix)]
    fmt = fmt or "csv"
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: with several inputs, -o names a directory for the outputs")
    out.mkdir(parents=True, exist_ok=True)
    seen = set()
    plan = []
    for src in inputs:
        target = out / f"{src.stem}_sonic.{fmt}"
        if target in seen:
            raise UsageError(f"two inputs are named {src.stem}: their outputs would collide in {out}")
        seen.add(target)
        plan.append((src, target, fmt))
    return plan


def _note(message: str) -> None:
    """A progress line on stderr. If its reader has gone away (`2>&1 | head -1`) the work goes
    on: the remaining wells are still predicted and written, the notes go to /dev/null."""
    try:
        print(message, file=sys.stderr, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())


def _check_inputs(inputs: list[Path]) -> None:
    """Fail fast on a missing, empty, oversized or binary input: before the heavy imports and
    the model load, so a wrong file costs a fraction of a second, not seconds."""
    from sonic_model.core.config import get_settings
    from sonic_model.io.encoding import check_file

    for src in inputs:
        check_file(src, get_settings().max_file_bytes)


def cmd_predict(args) -> int:
    inputs = [Path(p) for p in args.inputs]
    mapping = _parse_maps(args.map or [])
    if args.model and args.ensemble and args.model != args.ensemble:
        raise UsageError(f"--ensemble {args.ensemble} and --model {args.model}: give one of them")
    plan = _outputs(inputs, Path(args.output), args.format)
    _check_inputs(inputs)

    from sonic_model.model import store
    from sonic_model import io as wells
    from sonic_model.model.extended import predict_extended

    ens = store.load(args.model or args.ensemble or "full")
    for src, target, fmt in plan:
        well = wells.read_well(src, mapping=mapping)
        result = predict_extended(well, ens, ignore_measured=args.ignore_measured,
                                  elastic=args.elastic, splice=args.splice)
        writer = wells.write_las if fmt == "las" else wells.write_csv
        writer(well, result, target)
        if not args.quiet:
            flagged = int((result["QC"] != "OK").sum())
            used = ""
            if "DTS_SOURCE" in result.columns:
                used = (f", DTS from the measured DTC on "
                        f"{int(result['DTS_SOURCE'].str.startswith('DTC-conditioned').sum())} samples")
            label = f"model {args.model}" if args.model else f"{ens.name} ensemble"
            _note(f"{src} -> {target}: {len(result)} rows, {flagged} with QC flags{used} ({label})")
    return 0


def cmd_batch(args) -> int:
    from sonic_model.serving.batch import jobs as batch

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give 1 or more")
    choice = batch.resolve_model(args.ensemble, args.model)
    out = Path(args.output)
    jobs = batch.plan(batch.discover(args.inputs, out), out, args.format, choice)
    workers = args.workers or batch.available_cores()
    summary = batch.run_batch(jobs, out, choice, workers=workers, scheduler=args.scheduler,
                              force=args.force,
                              progress=None if args.quiet else batch.ProgressPrinter())
    c = summary.counts
    print(f"{len(jobs)} files: {c['ok']} scored, {c['skipped']} up to date, {c['error']} "
          f"refused, {summary.seconds:.1f} s; report: {summary.report}", file=sys.stderr)
    return summary.exit_code


def cmd_train(args) -> int:
    if args.wells:
        return cmd_train_wells(args)
    if args.name or args.map or args.overwrite:
        raise UsageError("--name, --map and --overwrite train on your own wells: add --wells "
                         "DIR_OR_FILES")
    from sonic_model.training import trainer as train

    train.train(data_dir=Path(args.data) if args.data else None,
                out_dir=Path(args.out) if args.out else None,
                log=_note,
                measure=not args.no_measure,
                cv_cache=Path(args.cv_cache) if args.cv_cache else None)
    return 0


def cmd_train_wells(args) -> int:
    from sonic_model.serving.cli.own import train_wells

    return train_wells(args)


def cmd_models(args) -> int:
    from sonic_model.serving.cli.own import models

    return models(args)


def cmd_info(args) -> int:
    import json

    from sonic_model.model.card import load_card, tradeoff_rows

    card = load_card()
    if args.json:
        print(json.dumps(card, indent=1))
        return 0
    print(f"SonicPredict model {card['model_version']} — {card['data']['source']}")
    print(f"Licence: {card['data']['licence']}")
    print(f"{'name':38s} {'size KB':>8s} {'RSS MB':>7s} {'DTC':>6s} {'DTS':>6s} "
          f"{'contest':>8s} {'LOWO':>6s}   (Well #1 blocked-CV RMSE, us/ft)")
    for row in tradeoff_rows(card):
        def f(v, w=6):
            return f"{v:{w}.2f}" if isinstance(v, (int, float)) else f"{'-':>{w}s}"
        print(f"{row['name'][:38]:38s} {row['size_kb']:8.1f} {f(row['peak_rss_mb'], 7)} "
              f"{f(row['rmse_dtc'])} {f(row['rmse_dts'])} {f(row['rmse_contest'], 8)} "
              f"{f(row['rmse_contest_lowo'])}")
    cond = card.get("conditioned")
    if cond:
        print("DTS with a valid measured DTC, held-out RMSE (us/ft) on the same rows: "
              "conditioned / logs-only / mudrock / Greenberg-Castagna")
        for scheme, v in cond["validation"].items():
            p = v["pooled"]
            print(f"  {scheme:8s} {p['conditioned']['rmse']:7.2f} {p['logs_only']['rmse']:7.2f} "
                  f"{p['mudrock']['rmse']:7.2f} {p['greenberg_castagna']['rmse']:7.2f}"
                  f"   ({p['conditioned']['rows']:,} rows)")
    from sonic_model.training.breakdown import format_breakdown

    for scheme, table in card["ensembles"].get("full", {}).get("per_interval", {}).items():
        print()
        print(format_breakdown("full ensemble, held out", scheme, table))
    return 0


def cmd_serve(args) -> int:
    from sonic_model.serving import api

    api.serve(host=args.host, port=args.port)
    return 0


def cmd_fetch(args) -> int:
    from sonic_model.io import contest as data

    dest = data.fetch_data(Path(args.dest) if args.dest else None)
    print(f"contest data ready in {dest}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sonic_model",
                     description="Synthesize DTC and DTS sonic logs from conventional well logs.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("predict", help="predict DTC/DTS for LAS or CSV wells")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="LAS or CSV well files")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output .csv or .las (a directory when several inputs are given)")
    p.add_argument("--ensemble", choices=("full", "light"), default=None,
                   help="bundled ensemble (default full)")
    p.add_argument("--model", metavar="NAME",
                   help="a model from `models` (your own, or full/light); default full")
    p.add_argument("--format", choices=OUTPUT_FORMATS, help="output format for a directory -o")
    p.add_argument("--map", action="append", metavar="CANON=MNEMONIC",
                   help="use this file curve for a canonical curve, e.g. --map HRD=AF90")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line per well")
    p.add_argument("--ignore-measured", action="store_true",
                   help="predict DTS from the logs alone even where the well has a valid DTC")
    p.add_argument("--elastic", action="store_true",
                   help="add VP, VS, VPVS, PR, AI, SI, G_DYN, K_DYN (best sonic per sample)")
    p.add_argument("--splice", action="store_true",
                   help="add DTC_SPLICE, DTS_SPLICE (measured where valid, else predicted) "
                        "and SPLICE_SOURCE")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("batch", help="score folders of wells: one output each + batch_report.csv")
    p.add_argument("inputs", nargs="+", metavar="IN",
                   help="well files, or folders searched recursively for .las/.csv/.txt")
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help="folder for outputs")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="csv")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ensemble", choices=("full", "light"), default=None)
    which.add_argument("--model", metavar="NAME", help="a model from the model store")
    p.add_argument("--workers", type=int, metavar="N", help="local processes (default: all cores; not used with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on this Dask cluster, e.g. tcp://host:8786 (shared file system)")
    p.add_argument("--force", action="store_true", help="recompute wells already done")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("train", help="validate and fit the ensembles on Well #1")
    p.add_argument("--data", metavar="DIR", help="contest data directory (train.csv)")
    p.add_argument("--out", metavar="DIR", help="where to write the artifacts (default assets/models)")
    p.add_argument("--no-measure", action="store_true", help="skip the resource measurements")
    p.add_argument("--cv-cache", metavar="FILE",
                   help="development: save held-out predictions here, or reuse them if present")
    p.add_argument("--wells", nargs="+", metavar="DIR_OR_FILE",
                   help="train a named model on your own wells (LAS/CSV files, or folders of "
                        "them) instead of rebuilding the bundled one")
    p.add_argument("--name", help="with --wells: the name to save the model under")
    p.add_argument("--map", action="append", metavar="CANON=MNEMONIC",
                   help="with --wells: use this curve for a canonical curve in every file")
    p.add_argument("--overwrite", action="store_true",
                   help="with --wells: replace an existing model of that name")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("models", help="list (or delete) the models trained on your own wells")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--delete", metavar="NAME", help="delete this model from the store")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("info", help="show the model card")
    p.add_argument("--json", action="store_true", help="print the whole card as JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("serve", help="run the HTTP API with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("fetch-data", help="download the public contest archive (sha256-checked)")
    p.add_argument("--dest", metavar="DIR", help="where to unpack (default: your data directory)")
    p.set_defaults(func=cmd_fetch)
    return parser


def _quiet_closed_pipe() -> int:
    # The reader went away (`... | head -1`): a normal end. Point stdout/stderr at /dev/null so
    # the interpreter's final flush cannot raise again, and exit 0.
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()          # a closed pipe shows here, inside the handler below
        return code
    except BrokenPipeError:
        return _quiet_closed_pipe()
    except SonicModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
        if os.environ.get("SONIC_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set SONIC_DEBUG=1 for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
