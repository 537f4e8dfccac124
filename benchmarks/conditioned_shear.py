"""DTS with and without the measured DTC, held out: conditioned vs logs-only vs rock physics.

    python benchmarks/conditioned_shear.py [--force DIR] [--data DIR] [--only force|well1]

FORCE 2020: leave-one-well-out over the wells that have DTS (the others teach no shear).
Well #1 (contest): blocked 5-fold and leave-one-well-out over its three wells.
Prints RMSE (us/ft) on the same held-out rows for each route, band coverage and the share of
rows beyond 3 sigma of the conditioned band. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sonic_model import io as wells  # noqa: E402
from sonic_model.model import conditioned as C  # noqa: E402
from sonic_model.training import conditioned_fit as CF  # noqa: E402
from sonic_model.training import conditioned_validate as CV  # noqa: E402


def force(force_dir: Path) -> C.Prepared:
    parts = []
    for path in sorted(force_dir.glob("*.las")):
        w = wells.read_well(path)
        if "DTS" not in w.curves.columns or w.curves["DTS"].notna().sum() < 100:
            continue
        parts.append(C.prepare(w.curves, w.depth_ft(), name=path.stem))
    return C.concat(parts)


def well_one(data_dir: Path | None) -> C.Prepared:
    from sonic_model.training.bundled import contest_wells

    return C.concat([C.prepare(w.frame, w.depth_ft, name=w.name) for w in contest_wells(data_dir)])


def show(title: str, p: C.Prepared, schemes: dict) -> dict:
    cv = CF.cross_validate(p, schemes, log=lambda m: print(m, file=sys.stderr))
    weights = CF.fit_weights(p, cv)
    prior = CV.prior_choice(p, cv, weights)["prior"]
    rep = CV.report(p, cv, weights, prior)
    print(f"\n== {title}  (weights {weights})")
    for scheme, v in rep.items():
        print(f"-- {scheme}: coverage P10-P90 {v['coverage_p10_p90']}, beyond 3 sigma "
              f"{v['beyond_3_sigma']}")
        print(f"{'fold':22s} {'rows':>6s} {'cond':>7s} {'logs':>7s} {'mudrock':>8s} {'GC':>7s}")
        for f in v["per_fold"] + [{"fold": "pooled", **v["pooled"]}]:
            print(f"{f['fold']:22s} {f['conditioned']['rows']:6d} {f['conditioned']['rmse']:7.2f} "
                  f"{f['logs_only']['rmse']:7.2f} {f['mudrock']['rmse']:8.2f} "
                  f"{f['greenberg_castagna']['rmse']:7.2f}")
    # Washout samples: the measured DTC is kept there (measured.SOFT_REASONS); is that right?
    for scheme, v in cv.items():
        dts, _ = C.combine(v["vpvs"], p, weights)
        rows = (p.dtc_reason == "washout") & np.isfinite(dts) & np.isfinite(v["logs"]) \
            & np.isfinite(p.dts)
        if rows.any():
            def r(x):
                return float(np.sqrt(np.mean((x[rows] - p.dts[rows]) ** 2)))
            print(f"-- {scheme}, washout samples ({int(rows.sum())}): conditioned "
                  f"{r(dts):.2f}, logs-only {r(v['logs']):.2f}")
    return rep


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", default=str(ROOT.parent / "shared" / "force2020"))
    ap.add_argument("--data", default=None)
    ap.add_argument("--only", choices=("force", "well1"))
    ap.add_argument("--json", help="also write the report here")
    args = ap.parse_args()
    out = {}
    if args.only in (None, "force"):
        p = force(Path(args.force))
        out["force"] = show("FORCE 2020, leave one well out", p, {"lowo": CF.folds_lowo(p)})
    if args.only in (None, "well1"):
        p = well_one(Path(args.data) if args.data else None)
        out["well1"] = show("Well #1", p, {"blocked": CF.folds_blocked(p, 5), "lowo": CF.folds_lowo(p)})
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
