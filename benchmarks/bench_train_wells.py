"""Training on your own wells (issue 9): wall time and peak memory; prints numbers, asserts nothing.

Two runs of the real command, `python -m sonic_model train --wells DIR --name NAME`, each in a
fresh process with a throw-away model store:

- "20x50k": 20 wells of 50,000 samples each, synthesised at run time from the ten FORCE 2020
  wells in ../shared/force2020 (each well's logged interval repeated, every copy perturbed:
  scaled GR, shifted density/neutron, noise), written as CSV into a temp folder. Limits from
  the issue: <= 5 minutes, <= 2 GB peak memory.
- "force10": the ten FORCE wells as they are; also prints the model's leave-one-well-out
  table beside the bundled model.
- "thinning" (only when asked): the ten FORCE wells trained on every row and on every 7th
  sample (the row budget's stride for 20 x 50k), leave-one-well-out RMSE of both.
- "baseline": the issue's reference, a plain XGBoost on 7 curves + 3 rolling means, with the
  same leave-one-well-out over the ten FORCE wells.

Peak memory is the largest sum of resident memory over the command's whole process tree
(training runs folds in worker processes), sampled every 0.2 s from /proc.

Run: .venv/bin/python benchmarks/bench_train_wells.py [--only 20x50k|force10|baseline|thinning] [--wells 20 --rows 50000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORCE = ROOT.parent / "shared" / "force2020"
sys.path.insert(0, str(ROOT))


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip())
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root_pid]
    seen = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss.get(pid, 0)
        stack += [c for c, p in parents.items() if p == pid]
    return total / 1024


def run_measured(args: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak tree RSS MB, process) of `python -m sonic_model ARGS`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sonic_model", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            done.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    done.set()
    thread.join()
    wall = time.perf_counter() - t0
    return wall, peak[0], subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def synthesise(dest: Path, n_wells: int, rows: int, seed: int = 2020) -> None:
    """n_wells CSV wells of `rows` samples from the FORCE wells, repeated and perturbed."""
    import numpy as np
    import pandas as pd

    from sonic_model.io import read_well

    rng = np.random.default_rng(seed)
    sources = sorted(FORCE.glob("*.las"))
    bases = []
    for path in sources:
        w = read_well(path)
        frame = w.curves.copy()
        frame = frame[frame[["DTC", "CNC", "GR", "HRD", "ZDEN"]].notna().all(axis=1)]
        frame = frame.reset_index(drop=True)
        bases.append(frame)
    step_m = 0.1524
    for i in range(n_wells):
        base = bases[i % len(bases)]
        parts = []
        while sum(len(p) for p in parts) < rows:
            copy = base.copy()
            copy["GR"] = copy["GR"] * rng.uniform(0.9, 1.1) + rng.normal(0, 2, len(copy))
            copy["ZDEN"] = copy["ZDEN"] + rng.uniform(-0.02, 0.02) + rng.normal(0, 0.005, len(copy))
            copy["CNC"] = copy["CNC"] + rng.uniform(-0.01, 0.01) + rng.normal(0, 0.003, len(copy))
            for res in ("HRD", "HRM"):
                if res in copy:
                    copy[res] = copy[res] * rng.uniform(0.85, 1.15)
            copy["DTC"] = copy["DTC"] + rng.normal(0, 1.0, len(copy))
            if "DTS" in copy:
                copy["DTS"] = copy["DTS"] + rng.normal(0, 2.0, len(copy))
            parts.append(copy)
        frame = pd.concat(parts, ignore_index=True).iloc[:rows]
        frame.insert(0, "DEPTH", 1000.0 + np.arange(rows) * step_m)
        header = ["DEPTH [m]"] + [f"{c} [{u}]" for c, u in zip(
            frame.columns[1:], ("in", "v/v", "gAPI", "ohm.m", "ohm.m", "b/e", "g/cm3",
                                "us/ft", "us/ft"))]
        frame.to_csv(dest / f"synth_{i:02d}_{sources[i % len(sources)].stem}.csv", index=False,
                     header=header, float_format="%.4f")


def bench(label: str, wells: Path, limits: tuple[float, float] | None) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_store_") as store:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SONIC_MODEL_STORE": store}
        wall, peak, proc = run_measured(["train", "--wells", str(wells), "--name", "bench"], env)
        if proc.returncode != 0:
            print(f"{label}: FAILED (exit {proc.returncode}): {proc.stderr[-1500:]}")
            return
        size = sum(p.stat().st_size for p in (Path(store) / "bench").iterdir())
    verdict = ""
    if limits:
        verdict = (f"  [limits {limits[0]:.0f} s / {limits[1]:.0f} MB: "
                   f"{'within' if wall <= limits[0] and peak <= limits[1] else 'EXCEEDED'}]")
    print(f"{label}: train --wells wall {wall:.1f} s, peak memory (process tree) {peak:.0f} MB, "
          f"model {size / 1e6:.2f} MB{verdict}")
    if label == "force10":
        print(proc.stdout)


def baseline_lowo() -> dict:
    """The issue's reference: a plain XGBoost on the 7 input curves plus three rolling means
    (GR, ZDEN, CNC over ~10 ft), leave-one-well-out over the ten FORCE wells. RMSE per well."""
    import numpy as np
    import pandas as pd
    from xgboost import XGBRegressor

    from sonic_model.core.curves import INPUTS
    from sonic_model.io import read_well

    frames = {}
    for path in sorted(FORCE.glob("*.las")):
        f = read_well(path).curves.reindex(columns=[*INPUTS, "DTC", "DTS"]).copy()
        for c in ("HRD", "HRM"):
            f[c] = np.log10(f[c].clip(lower=0.01))
        for c in ("GR", "ZDEN", "CNC"):
            f[f"{c}_M10"] = f[c].rolling(20, center=True, min_periods=1).mean()
        frames[path.stem] = f
    cols = [c for c in frames[next(iter(frames))].columns if c not in ("DTC", "DTS")]
    out: dict = {}
    for held in frames:
        train = pd.concat([f for k, f in frames.items() if k != held])
        test = frames[held]
        out[held] = {}
        for t in ("DTC", "DTS"):
            fit, ok = train[t].notna(), test[t].notna()
            if not ok.any():
                continue
            model = XGBRegressor(n_estimators=300, max_depth=6, learning_rate=0.05,
                                 subsample=0.8, colsample_bytree=0.8, n_jobs=2, random_state=0)
            model.fit(train.loc[fit, cols], train.loc[fit, t])
            err = model.predict(test.loc[ok, cols]) - test.loc[ok, t]
            out[held][t] = round(float(np.sqrt(np.mean(err ** 2))), 2)
        print(f"  baseline {held:12s} " + "  ".join(f"{t} {v:6.2f}" for t, v in out[held].items()),
              flush=True)
    return out


def thinning(stride: int = 7) -> None:
    """What fitting on every `stride`-th sample costs in accuracy: the ten FORCE wells trained
    with every row and with a row budget that gives that stride (as 20 x 50k gets), the
    leave-one-well-out RMSE of both (us/ft)."""
    import math

    from sonic_model.training import dataset, own_wells
    from sonic_model.training import trainer as T

    wells, _ = own_wells.read_training_wells([FORCE])
    available = dataset.fit_plan(dataset.build_training_set(wells))[1]["rows_available"]
    for budget in (None, math.ceil(available / stride)):
        with tempfile.TemporaryDirectory(prefix="bench_thin_") as tmp:
            t0 = time.perf_counter()
            card = T.train_model(wells, Path(tmp), log=lambda m: None,
                                 **({"row_budget": budget} if budget else {}))
            wall = time.perf_counter() - t0
        rows = card.get("fit_rows", {"stride": 1, "rows_used": available})
        pooled = card["validation"]["pooled"]
        print(f"stride {rows['stride']} ({rows['rows_used']} of {available} rows), {wall:.0f} s: "
              f"pooled LOWO RMSE DTC {pooled['DTC']['rmse']:.2f} DTS {pooled['DTS']['rmse']:.2f}, "
              f"coverage {pooled['DTC']['coverage']:.2f} / {pooled['DTS']['coverage']:.2f}")
        for w in card["validation"]["lowo_wells"]:
            print(f"  {w['well']:12s} " + "  ".join(
                f"{t} {w[t]['rmse']:6.2f}" for t in ("DTC", "DTS") if w[t]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("20x50k", "force10", "baseline", "thinning"))
    parser.add_argument("--wells", type=int, default=20)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    if not FORCE.is_dir():
        sys.exit(f"FORCE wells not found in {FORCE}")
    print(f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    if args.only in (None, "20x50k"):
        with tempfile.TemporaryDirectory(prefix="bench_wells_") as tmp:
            t0 = time.perf_counter()
            synthesise(Path(tmp), args.wells, args.rows)
            print(f"synthesised {args.wells} wells x {args.rows} samples in "
                  f"{time.perf_counter() - t0:.0f} s")
            bench(f"{args.wells}x{args.rows // 1000}k", Path(tmp), (300.0, 2048.0))
    if args.only in (None, "force10"):
        bench("force10", FORCE, None)
    if args.only == "thinning":
        thinning()
    if args.only in (None, "baseline"):
        print("reference: plain XGBoost, 7 curves + 3 rolling means, leave-one-well-out RMSE "
              "(us/ft)")
        baseline_lowo()


if __name__ == "__main__":
    main()
