"""Are the bundled model's bands and QC flags honest on wells unlike Well #1? (issue 8, part 2)

For each FORCE 2020 well in ../shared/force2020 (other fields of the North Sea, real vendor
LAS, measured DTC in all ten and DTS in four) this predicts with a model directory (the
bundled one by default, or each directory given) and prints, per well and target:

- n       samples with a prediction and a measured value
- rmse    us/ft;  bias = mean(predicted - measured)
- cov     share of measured values inside P10–P90 (0.80 is the calibrated aim)
- flag    share of samples whose QC is not OK
- width   median P10–P90 width (us/ft)
- conf    share of samples beyond 3 sigma of their own band while QC says OK, with
          sigma = (P90 - P10) / 2.563 (a normal band's P10–P90 is 2.563 sigma wide).
          The issue's target is <= 5 % (goal 0): a well the model has not seen must get
          wide bands or a flag, never a confident wrong answer.

Run:  python benchmarks/honesty_force.py [MODEL_DIR ...] [--ensemble full light]
      [--data ../shared/force2020] [--max-rows N]
Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sonic_model.io import force  # noqa: E402
from sonic_model.training import honesty  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dirs", nargs="*", type=Path,
                    help="model directories (default: the bundled assets/models)")
    ap.add_argument("--ensemble", nargs="+", default=["full"], choices=("full", "light"))
    ap.add_argument("--data", type=Path, default=None,
                    help="folder of FORCE LAS files (default: ../shared/force2020)")
    ap.add_argument("--max-rows", type=int, default=None,
                    help="score only the first N rows of each well (quick look)")
    args = ap.parse_args(argv)

    from sonic_model.core.config import get_settings

    data_dir = args.data or force.force_dir()
    if data_dir is None or not data_dir.is_dir():
        print("FORCE wells not found: pass --data DIR (../shared/force2020 on the dev machine)")
        return 2
    wells = force.read_force_wells(data_dir, max_rows=args.max_rows)
    for model_dir in args.model_dirs or [get_settings().model_dir]:
        for ensemble in args.ensemble:
            rows = honesty.honesty_table(wells, model_dir, ensemble)
            print(f"\nmodel {model_dir} ({ensemble}); {len(wells)} FORCE wells from {data_dir}")
            print(honesty.format_table(rows))
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
