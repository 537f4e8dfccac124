"""``predict``: one or more wells in, one output each (CSV or LAS), written atomically.

``-o -`` writes the one input's CSV (or LAS) to standard output, the summary to standard error.
With several inputs each is predicted on its own: the good ones are written, the bad ones are
reported one line each, and the exit code is 2 when any failed (as ``batch`` does).

It checks its input files before it imports numpy, pandas or the models, so a wrong file costs
a fraction of a second; it never loads streamlit, plotly, fastapi, scikit-learn or the xgboost
Python package. Each output is written to a hidden temporary file beside it and renamed into
place, so a killed or failing run leaves the previous OUT whole and no half file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sonic_model.core.errors import SonicModelError
from sonic_model.serving.cli.common import OUTPUT_FORMATS, UsageError, note


def parse_maps(items: list[str]) -> dict[str, str]:
    """``--map CANON=MNEMONIC`` options as a mapping (a bad one is a usage error)."""
    if not items:
        return {}
    from sonic_model.core.errors import InputValueError
    from sonic_model.io import parse_mapping

    try:
        return parse_mapping(items)
    except InputValueError as exc:
        raise UsageError(f"--map: {exc}") from None


def plan_outputs(inputs: list[Path], out: Path, fmt: str | None
                 ) -> list[tuple[Path, Path | None, str]]:
    """(input, output path, format) per input. Several inputs -> OUT is a directory; ``-``
    is standard output (output path None), for one input."""
    if str(out) == STDOUT:
        if len(inputs) > 1:
            raise UsageError("-o - writes one well to standard output; give one input, or a "
                             "directory for several")
        return [(inputs[0], None, fmt or "csv")]
    if len(inputs) == 1 and out.suffix:
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in OUTPUT_FORMATS:
            raise UsageError(f"-o {out}: the output must end in .csv or .las")
        check_folder(out.parent, out)
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
            raise UsageError(f"two inputs are named {src.stem}: their outputs would collide "
                             f"in {out}")
        seen.add(target)
        plan.append((src, target, fmt))
    return plan


STDOUT = "-"


def check_folder(folder: Path, out: Path) -> None:
    """The output's folder exists and takes files: checked before any work, one line if not."""
    import os

    folder = folder if str(folder) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"-o {out}: the folder {folder} does not exist; create it or choose "
                         "another output")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"-o {out}: the folder {folder} is not writable; choose another output")


def check_inputs(inputs: list[Path]) -> None:
    """Fail fast on a missing, empty, oversized or binary input: before the heavy imports and
    the model load, so a wrong file costs a fraction of a second, not seconds."""
    from sonic_model.core.config import get_settings
    from sonic_model.io.encoding import check_file

    for src in inputs:
        check_file(src, get_settings().max_file_bytes)


class OutputWriteError(SonicModelError, OSError):
    """An output cannot be written (disk full, no permission); the previous file is kept."""


def write_output(well, result, target: Path, fmt: str) -> None:
    """Write one result atomically: the writer fills a temporary file, renamed onto target."""
    from sonic_model import io as wells
    from sonic_model.serving.atomic import atomic_output

    writer = wells.write_las if fmt == "las" else wells.write_csv
    if target is None:                      # -o -: standard output
        import sys

        sys.stdout.buffer.write(writer(well, result))
        sys.stdout.flush()
        return
    try:
        with atomic_output(target) as fh:
            writer(well, result, fh)
    except OSError as exc:
        raise OutputWriteError(f"-o {target}: cannot write ({exc.strerror or exc}); the "
                               "previous file, if any, is unchanged") from None


def summary_line(src: Path, target: Path, result, label: str, text_cells=None) -> str:
    flagged = int((result["QC"] != "OK").sum())
    used = ""
    if "DTS_SOURCE" in result.columns:
        conditioned = int(result["DTS_SOURCE"].str.startswith("DTC-conditioned").sum())
        used = f", DTS from the measured DTC on {conditioned} samples"
    if text_cells:        # stray words in numeric columns were read as null: say so
        cells = ", ".join(f"{c} {n}" for c, n in text_cells.items())
        used += f", {sum(text_cells.values())} cells of text read as null ({cells})"
    # "auto" chooses per well: the line names the model chosen and why.
    label = result.attrs.get("model_reason") or label
    return f"{src} -> {target or 'standard output'}: {len(result)} rows, {flagged} with QC flags{used} ({label})"


def cmd_predict(args) -> int:
    """One input (or ``-o -``): predict_files. Several: each on its own, so one bad well
    costs only its own output; the model loads once (the process's model cache)."""
    inputs = [Path(p) for p in args.inputs]
    if len(inputs) == 1 or str(args.output) == STDOUT:
        return predict_files(args)
    parse_maps(args.map or [])
    plan = plan_outputs(inputs, Path(args.output), args.format)
    failed = []
    for src, target, fmt in plan:
        one = argparse.Namespace(**{**vars(args), "inputs": [str(src)],
                                    "output": str(target), "format": fmt})
        try:
            predict_files(one)
        except SonicModelError as exc:
            failed.append(src)
            note(f"error: {exc}")
    if failed:
        note(f"{len(failed)} of {len(plan)} inputs failed ({', '.join(map(str, failed))}); "
             f"the others were written to {args.output}")
        return 2
    return 0


def predict_files(args) -> int:
    inputs = [Path(p) for p in args.inputs]
    mapping = parse_maps(args.map or [])
    if args.model and args.ensemble and args.model != args.ensemble:
        raise UsageError(f"--ensemble {args.ensemble} and --model {args.model}: give one of them")
    plan = plan_outputs(inputs, Path(args.output), args.format)
    check_inputs(inputs)

    from sonic_model import io as wells
    from sonic_model.model import store
    from sonic_model.model.chunked import predict_chunked

    ens = store.load(args.model or args.ensemble or "auto")
    label = f"model {args.model}" if args.model else (
        f"{ens.name} ensemble" if args.ensemble else "auto")
    for src, target, fmt in plan:
        well = wells.read_well(src, mapping=mapping, frame=getattr(args, "frame", None),
                               resample=getattr(args, "resample", False))
        result = predict_chunked(well, ens, ignore_measured=args.ignore_measured,
                                 elastic=args.elastic, splice=args.splice)
        write_output(well, result, target, fmt)
        if not args.quiet:
            note(summary_line(src, target, result, label,
                              getattr(well.report, "text_cells", None)))
            if well.header.get("frame"):     # DLIS/LIS: which frame was read, and why
                note(f"  {well.header['frame']['note']}")
    return 0
