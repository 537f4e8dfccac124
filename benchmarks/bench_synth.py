"""Fit for purpose (issue 19): synthetics and AVO from held-out predicted logs against the
measured-log ones, and the `synth` command's wall time. Prints numbers, asserts nothing.

Accuracy, on wells with measured sonic that the model never saw (not Well #2):
- Well #1 (a), (b), (c): leave-one-well-out predictions of the bundled contest model
  (training/held_out.py re-fits its members without each well: ~1 minute);
- the FORCE 2020 wells with DTS, predicted by the contest model (trained on Well #1 alone);
- with --north-sea: the north-sea model's leave-one-well-out frames (minutes).
Per well: normal-incidence synthetic correlation in depth and in time, NRMS, the time shift at
the base, the measured-log synthetic's share inside the predicted run's P10-P90, and the AVO
gradient correlation; then medians, and the residual settings the realisations use.

Speed: `python -m sonic_model synth` in a fresh process on an 11,000-row slice of a FORCE well
(measured sonic, so the scoring runs too: the slowest case), 100 realisations.

Then, what a checkshot buys: each well again with its time-depth tied to a checkshot every 150 m
taken from the measured sonic (a stand-in for a survey).

Run:  python benchmarks/bench_synth.py [--north-sea] [--skip-speed] [--skip-accuracy]
      [--realisations 100] [--json FILE] [--checkshot-every 150]
      (FILE: the fit_for_purpose section, for a card)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sonic_model.core.curves import INPUTS, TARGETS  # noqa: E402
from sonic_model.io.force import force_dir  # noqa: E402


def force_frames(model_dir=None) -> dict[str, pd.DataFrame]:
    """FORCE wells with DTS, predicted (logs only) by the contest model: held out by design."""
    from sonic_model.model.choice import load_bundled
    from sonic_model.model.ensemble import predict
    from sonic_model.training.own_wells import check_well

    ens = load_bundled("contest")
    out = {}
    folder = force_dir()
    for path in sorted(folder.glob("*.las")) if folder else []:
        well, _ = check_well(path.read_bytes(), path.name)
        if well is None or "DTS" not in well.frame or \
                not np.isfinite(pd.to_numeric(well.frame["DTS"], errors="coerce")).any():
            continue
        res = predict(well.frame[list(INPUTS)], ens, depth_ft=well.depth_ft)
        frame = pd.DataFrame({"DEPTH_FT": well.depth_ft})
        for c in ("DTC", "DTS", "ZDEN"):
            frame[c] = pd.to_numeric(well.frame[c], errors="coerce").to_numpy()
        for t in TARGETS:
            for s in ("PRED", "P10", "P90"):
                frame[f"{t}_{s}"] = res[f"{t}_{s}"].to_numpy()
        out[f"FORCE {path.stem} (contest model)"] = frame
    return out


def accuracy(args) -> dict:
    from sonic_model.model.synth_options import SynthOptions
    from sonic_model.training.held_out import lowo_prediction_frames
    from sonic_model.training.synth_figures import fit_for_purpose

    t = time.perf_counter()
    frames = lowo_prediction_frames("contest", log=lambda *a: None)
    frames.update(force_frames())
    if args.north_sea:
        ns = lowo_prediction_frames("north-sea", log=lambda *a: None)
        frames.update({f"{k} (north-sea LOWO)": v for k, v in ns.items()})
    print(f"held-out frames: {len(frames)} wells in {time.perf_counter() - t:.0f} s")
    section = fit_for_purpose(frames, SynthOptions(realisations=args.realisations, seed=0))
    print(f"\n{'well':44s} {'depth r':>8s} {'time r':>7s} {'NRMS %':>7s} {'shift ms':>9s} "
          f"{'P10-P90':>8s} {'AVO B r':>8s}")
    for name, s in section["wells"].items():
        if not s:
            print(f"{name:44s} (too little measured sonic)")
            continue
        ni = s["angles"].get("0", {})
        grad = (s.get("avo_gradient") or {}).get("depth_corr")
        print(f"{name:44s} {ni.get('depth_corr')!s:>8s} {ni.get('time_corr')!s:>7s} "
              f"{ni.get('depth_nrms')!s:>7s} {s['base_shift_ms']:>9.1f} "
              f"{ni.get('coverage')!s:>8s} {grad!s:>8s}")
    print(f"\nmedians: {section['summary']}")
    print(f"residual settings for the realisations: {section['residuals']}")
    if args.checkshot_every:
        with_checkshot(frames, args.checkshot_every, args.realisations)
    with_measured_dtc()
    return section


def with_measured_dtc() -> None:
    """The usual well: DTC logged, shear not. The angle gather and AVO gradient from the
    measured DTC with the shear predicted from it, against those with the measured DTS: the
    FORCE wells with DTS through the contest model (held out by design), then what each bundled
    model's card holds over its own leave-one-well-out wells."""
    from sonic_model.io.read import read_well
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import bundled_dir, load_bundled
    from sonic_model.model.extended import predict_extended
    from sonic_model.training.synth_figures import with_dtc_scores

    print("\nwith a measured DTC (shear predicted from it; angle gather and AVO gradient):")
    ens = load_bundled("contest")
    folder = force_dir()
    for path in sorted(folder.glob("*.las")) if folder else []:
        well = read_well(path)
        if "DTS" not in well.curves:
            continue
        pred = predict_extended(well, ens, check_choice=False).reset_index(drop=True)
        frame = pd.DataFrame({"DEPTH_FT": well.depth_ft()})
        curves = well.curves.reset_index(drop=True)
        for c in ("DTC", "DTS", "ZDEN"):
            frame[c] = pd.to_numeric(curves[c], errors="coerce").to_numpy()
        for t in TARGETS:
            for s in ("PRED", "P10", "P90"):
                frame[f"{t}_{s}"] = pred[f"{t}_{s}"].to_numpy()
        scores = with_dtc_scores(frame)
        if scores:
            far = max(scores["angles"], key=float)
            print(f"  FORCE {path.stem:14s} (contest model) AVO gradient r "
                  f"{scores['avo_gradient']['depth_corr']!s:>7s}   {far} deg synthetic r "
                  f"{scores['angles'][far]['depth_corr']!s:>7s}   ({scores['rows_dts']} samples)")
    for model in ("contest", "north-sea"):
        section = (load_card(bundled_dir(model)).get("fit_for_purpose") or {}) \
            .get("with_measured_dtc")
        if not section:
            print(f"  {model} card: no figures with a measured DTC (retrain to add them)")
            continue
        print(f"  {model} card, leave-one-well-out: " + ", ".join(
            f"{w} {s['avo_gradient']['depth_corr']}" for w, s in section["wells"].items() if s)
            + f"; median {section['summary']}")


def with_checkshot(frames: dict, every_m: float, realisations: int) -> None:
    """What a checkshot buys in time: each well again, tied to a checkshot every `every_m`
    metres taken from its measured-sonic time-depth curve (a stand-in for a survey: a real one
    also carries the dispersion between sonic and seismic velocities)."""
    from dataclasses import replace

    from sonic_model.model.synth import Depths, synthesize_logs
    from sonic_model.model.synth_options import SynthOptions
    from sonic_model.training.synth_figures import _valid, prediction_frame

    opts = SynthOptions(realisations=realisations, seed=0)
    print(f"\nwith a checkshot every {every_m:g} m (from the measured sonic's time-depth):")
    rows = []
    for name, frame in frames.items():
        if np.isfinite(_valid(frame, "DTC")).sum() < 100:
            continue
        depth_ft = frame["DEPTH_FT"].to_numpy(dtype=float)
        depths = Depths("DEPTH_FT", depth_ft, depth_ft * 0.3048)
        pred, zden = prediction_frame(frame), _valid(frame, "ZDEN")
        gr = np.full(len(frame), np.nan)
        first = synthesize_logs(depths, zden, gr, pred, replace(opts, realisations=0))
        z = depths.metres
        picks = np.unique(np.searchsorted(z, np.arange(z.min(), z.max(), every_m)))
        cs = (z[picks], first.frame["TWT_MS"].to_numpy()[picks] / 1000.0)
        if len(picks) < 2:
            continue
        tied = synthesize_logs(depths, zden, gr, pred, replace(opts, checkshot=cs),
                               pred_logs_only=pred).scores
        if not tied:
            continue
        ni = tied["angles"]["0"]
        rows.append(ni["time_corr"])
        print(f"  {name:44s} time r {ni['time_corr']!s:>7s}  depth r {ni['depth_corr']!s:>7s}  "
              f"shift {tied['base_shift_ms']:+.1f} ms")
    if rows:
        print(f"  median time r {np.median([r for r in rows if r is not None]):.3f}")


def speed(rows: int, realisations: int) -> None:
    import lasio

    folder = force_dir()
    src = folder / "16_2-16.las" if folder else None
    if src is None or not src.is_file():
        print("speed: the FORCE wells are not available")
        return
    las = lasio.read(src)
    sl = slice(2000, 2000 + rows)
    out = lasio.LASFile()
    out.well = las.well
    for curve in las.curves:
        out.append_curve(curve.mnemonic, curve.data[sl], unit=curve.unit)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "slice.las"
        out.write(str(path))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "sonic_model", "synth", str(path), "-o",
               str(Path(tmp) / "out.csv"), "--realisations", str(realisations),
               "--segy", str(Path(tmp) / "out.sgy")]
        for _ in range(2):
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
            wall = time.perf_counter() - t
            print(f"synth CLI, {rows} rows, {realisations} realisations, with scoring and "
                  f"SEG-Y: {wall:.2f} s (exit {proc.returncode}; target < 10 s)")
        print(proc.stderr.strip()[-600:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--north-sea", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--realisations", type=int, default=100)
    ap.add_argument("--rows", type=int, default=11000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--checkshot-every", type=float, default=150.0, metavar="M",
                    help="also score each well tied to a checkshot this often (0: skip)")
    args = ap.parse_args(argv)
    if not args.skip_accuracy:
        section = accuracy(args)
        if args.json:
            args.json.write_text(json.dumps(section, indent=1), encoding="utf-8")
            print(f"wrote {args.json}")
    if not args.skip_speed:
        speed(args.rows, args.realisations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
