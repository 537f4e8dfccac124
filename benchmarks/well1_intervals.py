"""Well #1 held-out figures per interval: per fold, per measured Vp/Vs band and per DTC band,
for blocked and leave-one-well-out validation (issue 8, part 2). Prints numbers, asserts nothing.

The figures are those `python -m sonic_model train` wrote into the model card
(ensembles.<name>.per_interval), computed from held-out predictions only; this script prints
them for a model directory (the bundled one by default), with the shear-prior and
member-selection studies of the same run, and the other-field (FORCE) band term with its
leave-one-FORCE-well-out check.

Run:  python benchmarks/well1_intervals.py [MODEL_DIR] [--ensemble full light]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sonic_model.model.card import load_card  # noqa: E402
from sonic_model.training.breakdown import format_breakdown  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir", nargs="?", type=Path, default=None)
    ap.add_argument("--ensemble", nargs="+", default=["full", "light"])
    args = ap.parse_args(argv)
    from sonic_model.core.config import get_settings

    model_dir = args.model_dir or get_settings().model_dir
    card = load_card(model_dir)
    for name in args.ensemble:
        ens = card["ensembles"][name]
        if "per_interval" not in ens:
            print(f"{name}: this card has no per-interval figures (trained before issue 8)")
            continue
        print(f"\n{ens['label']}: weights {ens['weights']}")
        for scheme, table in ens["per_interval"].items():
            print(format_breakdown(name, scheme, table))
    studies = card.get("studies", {})
    if "shear_prior" in studies:
        print("\nshear prior (fold objective = geometric mean of per-fold contest RMSE):")
        for key, s in studies["shear_prior"].items():
            print(f"  {key:8s} objective {s['objective']:7.3f}  per fold {s['per_fold_contest']}")
    if "member_selection" in studies:
        print("\nmember selection (backward elimination):")
        for name, rec in studies["member_selection"].items():
            for step in rec["steps"]:
                print(f"  {name:5s} {'+'.join(step['members']):28s} objective {step['objective']}"
                      + (f"  (dropped {step['dropped']})" if "dropped" in step else ""))
    other = card.get("other_fields")
    if other:
        print(f"\nbetween-field band term: {other.get('transfer')} from {len(other.get('wells', []))} "
              f"other-field wells (novelty cap {other.get('novelty_cap')})")
        for name, rows in other.get("leave_one_well_out", {}).items():
            print(f"  {name}, term fitted without the well (share beyond 3 sigma, QC ignored; "
                  "P10-P90 coverage):")
            for r in rows:
                cells = [f"{t} {r[t]['exceed_3sigma']:.3f} cov {r[t]['coverage']:.2f}"
                         for t in ("DTC", "DTS") if t in r]
                print(f"    {r['well']:12s} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
