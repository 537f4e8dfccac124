"""The command line: parser and dispatch for predict, batch, train, models, info, serve,
fetch-data. Each verb's work lives in its own module (predict, batch, train, own, info, serve,
fetch); this one only declares the options and maps outcomes to exit codes.

Exit codes: 0 success (also when the reader closes our output pipe early, as `| head` does);
2 bad input, usage or setting, with one line on stderr naming the problem; 1 internal error. No
traceback reaches the user (set SONIC_DEBUG=1 to see one). Imports stay inside the commands so
`predict` never loads streamlit, plotly, fastapi, scikit-learn or the xgboost Python package.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from sonic_model.core.errors import SonicModelError
from sonic_model.serving.cli.batch import cmd_batch
from sonic_model.serving.cli.common import OUTPUT_FORMATS, UsageError
from sonic_model.serving.cli.fetch import cmd_fetch
from sonic_model.serving.cli.info import cmd_info
from sonic_model.serving.cli.own import cmd_models
from sonic_model.serving.cli.predict import cmd_predict
from sonic_model.serving.cli.serve import cmd_serve
from sonic_model.serving.cli.synth import add_arguments as add_synth_arguments
from sonic_model.serving.cli.synth import cmd_synth
from sonic_model.serving.cli.train import cmd_train

__all__ = ["UsageError", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + message)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_frame_options(parser: argparse.ArgumentParser, frame_help: str) -> None:
    """--frame and --resample, as predict and batch declare them (only --frame's help differs:
    batch reads the frame in every file)."""
    parser.add_argument("--frame", metavar="NAME", help=frame_help)
    parser.add_argument("--resample", action="store_true",
                        help="DLIS/LIS: interpolate model curves that only another frame has "
                             "onto the chosen frame's depth")


def _add_predict(sub) -> None:
    p = sub.add_parser("predict", help="predict DTC/DTS for LAS, CSV, DLIS or LIS wells")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="LAS, CSV, DLIS or LIS well files")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output .csv or .las (a directory when several inputs are given)")
    p.add_argument("--ensemble", choices=("full", "light"), default=None,
                   help="old name of the bundled contest model (use --model)")
    p.add_argument("--model", metavar="NAME",
                   help="auto (default: per well, the bundled model it is closest to), contest, "
                        "north-sea, or one of `models`")
    p.add_argument("--format", choices=OUTPUT_FORMATS, help="output format for a directory -o")
    p.add_argument("--map", action="append", metavar="CANON=MNEMONIC",
                   help="use this file curve for a canonical curve, e.g. --map HRD=AF90")
    _add_frame_options(p, "DLIS/LIS: read this frame (default: the depth-indexed frame with "
                          "the most model inputs; the summary names it and the others)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line per well")
    p.add_argument("--ignore-measured", action="store_true",
                   help="predict DTS from the logs alone even where the well has a valid DTC")
    p.add_argument("--elastic", action="store_true",
                   help="add VP, VS, VPVS, PR, AI, SI, G_DYN, K_DYN (best sonic per sample)")
    p.add_argument("--splice", action="store_true",
                   help="add DTC_SPLICE, DTS_SPLICE (measured where valid, else predicted) "
                        "and SPLICE_SOURCE")
    p.set_defaults(func=cmd_predict)


def _add_batch(sub) -> None:
    p = sub.add_parser("batch", help="score folders of wells: one output each + batch_report.csv")
    p.add_argument("inputs", nargs="+", metavar="IN",
                   help="well files, or folders searched recursively for "
                        ".las/.csv/.txt/.dlis/.lis")
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help="folder for outputs")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="csv")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ensemble", choices=("full", "light"), default=None,
                       help="old name of the bundled contest model (use --model)")
    which.add_argument("--model", metavar="NAME",
                       help="auto (default: per well, the bundled model it is closest to), "
                            "contest, north-sea, or a model from the store")
    p.add_argument("--workers", type=int, metavar="N",
                   help="local processes (default: all cores; not used with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on this Dask cluster, e.g. tcp://host:8786 (shared file system)")
    p.add_argument("--force", action="store_true", help="recompute wells already done")
    _add_frame_options(p, "DLIS/LIS: read this frame in every DLIS/LIS file (default: each "
                          "file's depth-indexed frame with the most model inputs; add --force "
                          "after changing it)")
    p.add_argument("--synth", action="store_true",
                   help="also write each well's synthetic seismogram and AVO (synth's "
                        "defaults) as <name>_synth_<model>.csv")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_batch)


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="validate and fit the bundled models (contest, north-sea)")
    p.add_argument("--data", metavar="DIR", help="contest data directory (train.csv)")
    p.add_argument("--out", metavar="DIR",
                   help="folder for the bundled models' folders contest/ and north-sea/ "
                        "(default assets/models)")
    p.add_argument("--only", choices=("contest", "north-sea"),
                   help="rebuild one bundled model only (default both)")
    p.add_argument("--no-measure", action="store_true", help="skip the resource measurements")
    p.add_argument("--cv-cache", metavar="FILE",
                   help="development: save held-out predictions at FILE.<model>.npz, or reuse "
                        "them if present")
    p.add_argument("--wells", nargs="+", metavar="DIR_OR_FILE",
                   help="train a named model on your own wells (LAS, CSV, DLIS or LIS files, "
                        "or folders of them) instead of rebuilding the bundled one")
    p.add_argument("--name", help="with --wells: the name to save the model under")
    p.add_argument("--map", action="append", metavar="CANON=MNEMONIC",
                   help="with --wells: use this curve for a canonical curve in every file")
    p.add_argument("--overwrite", action="store_true",
                   help="with --wells: replace an existing model of that name")
    p.set_defaults(func=cmd_train)


def _add_synth(sub) -> None:
    p = sub.add_parser("synth", help="synthetic seismogram, angle gather and AVO from the logs "
                                     "(predicted where there is no sonic), with P10/P90")
    add_synth_arguments(p)
    p.set_defaults(func=cmd_synth)


def _add_small_verbs(sub) -> None:
    p = sub.add_parser("models", help="list (or delete) the models trained on your own wells")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--delete", metavar="NAME", help="delete this model from the store")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("info", help="show the bundled models' cards")
    p.add_argument("--json", action="store_true", help="print the whole card as JSON")
    p.add_argument("--model", choices=("contest", "north-sea", "full", "light"),
                   help="one bundled model only (with --json: default contest)")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("serve", help="run the HTTP API with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("fetch-data", help="download the public contest archive (sha256-checked)")
    p.add_argument("--dest", metavar="DIR", help="where to unpack (default: your data directory)")
    p.set_defaults(func=cmd_fetch)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sonic_model",
                     description="Synthesize DTC and DTS sonic logs from conventional well logs.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_predict(sub)
    _add_batch(sub)
    _add_train(sub)
    _add_synth(sub)
    _add_small_verbs(sub)
    return parser


def _quiet_closed_pipe() -> int:
    # The reader went away (`... | head -1`): a normal end. Point stdout/stderr at /dev/null so
    # the interpreter's final flush cannot raise again, and exit 0.
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    return 0


def _run(args) -> int:
    from sonic_model.core.config import get_settings

    get_settings()   # a bad $SONIC_* value is one clear line for every verb, before any work
    code = args.func(args)
    sys.stdout.flush()          # a closed pipe shows here, inside main's handler
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
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
