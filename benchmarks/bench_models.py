"""Both bundled models: training time (from their cards), predict time and memory (prints only).

    .venv/bin/python benchmarks/bench_models.py [--rows 30000] [--repeat 5]

* train: each card's ``training_seconds`` (written by `python -m sonic_model train`; from
  scratch unless a --cv-cache was reused) and their sum (target: both <= 15 min on 2 cores).
* predict: ``sonic_model.predict`` in process on the contest's Well #1 inputs cut or tiled to
  ``--rows`` rows (no depth: 0.1 m rows), with each bundled model and with ``auto`` (which also
  scores the well against both models first); best of ``--repeat`` after one warm-up
  (target: 30,000 rows < 0.5 s).
* memory: a fresh process that imports Streamlit and the app's cached doors (ui_cache), loads
  both bundled models and predicts the well with ``auto``: its peak resident memory (VmHWM),
  the floor of the app's server with both models loaded (target: < 400 MB;
  benchmarks/bench_memory.py --only app measures the real server in a browser).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

MEMORY_CODE = """
import sys, pandas as pd
sys.path.insert(0, {root!r})
import streamlit, ui_cache
import sonic_model as sm
from sonic_model.io.contest import load_train
from sonic_model.model.choice import Auto
from sonic_model.model.ensemble import peak_rss_mb
frame = load_train().drop(columns=['DTC', 'DTS']).iloc[:{rows}]
auto = Auto()
for name in ('contest', 'north-sea'):
    auto.model(name)
result = sm.predict(frame, auto)
print(peak_rss_mb(), result.attrs['model'])
"""


def well(rows: int):
    import pandas as pd

    from sonic_model.io.contest import load_train

    frame = load_train().drop(columns=["DTC", "DTS"])
    reps = -(-rows // len(frame))
    return pd.concat([frame] * reps, ignore_index=True).iloc[:rows]


def train_times() -> None:
    from sonic_model.model.card import load_card
    from sonic_model.model.choice import BUNDLED, bundled_dir

    total = 0.0
    for name in BUNDLED:
        card = load_card(bundled_dir(name))
        seconds = card.get("training_seconds") or 0.0
        total += seconds
        how = {True: "from scratch", False: "CV cache reused"}.get(
            card.get("training_from_scratch"), "?")
        print(f"train {name:10s} {seconds:7.1f} s (card's training_seconds, {how})")
    print(f"train both       {total:7.1f} s = {total / 60:.1f} min (target <= 15 min)")


def predict_times(rows: int, repeat: int) -> None:
    import sonic_model as sm
    from sonic_model.model import ensemble, store

    frame = well(rows)
    for name in ("contest", "north-sea", "auto"):
        model = store.load(name)
        result = sm.predict(frame, model)          # warm-up: loads and caches the model
        best = min(_timed(lambda m=model: sm.predict(frame, m)) for _ in range(repeat))
        print(f"predict {rows:,} rows with {name:10s} {best:6.3f} s (best of {repeat}; "
              f"model {result.attrs.get('model')}; target < 0.5 s)")
        if name != "auto":
            # The same prediction without the check a hand-chosen bundled model gets
            # (extended.predict_checked), calls interleaved so both see the same machine.
            plain, checked = [], []
            for _ in range(2 * repeat):
                plain.append(_timed(lambda m=model: ensemble.predict(frame, m)))
                checked.append(_timed(lambda m=model: sm.predict(frame, m)))
            print(f"  {name}: without the hand-chosen check {min(plain):6.3f} s, with it "
                  f"{min(checked):6.3f} s (best of {2 * repeat}, interleaved)")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def memory(rows: int) -> None:
    code = MEMORY_CODE.format(root=str(PROJECT_DIR), rows=rows)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROJECT_DIR, check=True).stdout.split()
    print(f"memory: Streamlit + ui_cache + both models + {rows:,} rows with auto: peak "
          f"{float(out[0]):.0f} MB (chose {out[1]}; target < 400 MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=30000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    train_times()
    predict_times(args.rows, args.repeat)
    memory(args.rows)


if __name__ == "__main__":
    main()
