"""Print read_well timings for a 15,000-row DLIS beside the same well as LAS (issue 16's target:
the DLIS read takes no longer than the LAS read), then what a second high-rate frame and an
array channel cost, and dlisio's own load time.

The well is FORCE 2020's longest (16_2-11_A, 14,672 rows) interpolated onto 15,000 evenly
spaced depths over the same interval: real log values, the issue's row count. The LAS is
written by lasio (values to 5 decimals, as vendors' exports are); the DLIS by dliswriter with
Schlumberger-style channels (TDEP in 0.1 in, RHOZ, TNPH in %, AT90, ...) as 32-bit floats,
the usual FSINGL of logging-company DLIS. Best of --repeat runs each.

    .venv/bin/python benchmarks/bench_dlis.py [--repeat 5] [--well PATH]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import lasio
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of

from sonic_model.io import read_well
from sonic_model.io.force import force_dir

ROWS = 15_000
VENDOR = {"CALI": ("HCAL", "in", 1.0), "RDEP": ("AT90", "ohm.m", 1.0),
          "RMED": ("AT30", "ohm.m", 1.0), "NPHI": ("TNPH", "%", 100.0),
          "PEF": ("PEFZ", "b/e", 1.0), "GR": ("GR", "gAPI", 1.0), "RHOB": ("RHOZ", "g/cm3", 1.0),
          "DTC": ("DTCO", "us/ft", 1.0), "DTS": ("DTSM", "us/ft", 1.0)}


def well_rows(path: Path) -> tuple[np.ndarray, dict[str, tuple[str, np.ndarray]]]:
    """(depth m, {LAS mnemonic: (unit, values)}) interpolated onto ROWS depths; nulls stay
    null where either neighbour is null."""
    las = lasio.read(str(path))
    depth = np.asarray(las.index, dtype=float)
    new = np.linspace(depth[0], depth[-1], ROWS)
    pos = np.clip(np.searchsorted(depth, new), 1, len(depth) - 1)
    logs = {}
    for m in VENDOR:
        if m not in las.keys():
            continue
        v = np.asarray(las[m], dtype=float)
        ok = np.isfinite(v[pos]) & np.isfinite(v[pos - 1])
        filled = np.interp(new, depth[np.isfinite(v)], v[np.isfinite(v)])
        logs[m] = (las.curves[m].unit, np.where(ok, filled, np.nan))
    return new, logs


def write_las(path: Path, depth, logs) -> None:
    las = lasio.LASFile()
    las.well["WELL"].value = "BENCH"
    las.append_curve("DEPT", depth, unit="m")
    for m, (unit, v) in logs.items():
        las.append_curve(m, v, unit=unit)
    las.write(str(path), version=2.0, fmt="%.5f")


def write_dlis(path: Path, depth, logs, *, array: bool = False, high_rate: bool = False):
    import dliswriter
    from dliswriter.file import writer

    logging.getLogger("dliswriter").setLevel(logging.ERROR)
    writer.progressbar = lambda records, **_: records
    f = dliswriter.DLISFile()
    lf = f.add_logical_file()
    lf.add_origin("ORIGIN", well_name="BENCH", field_name="FORCE 2020")
    tenth_in = depth / 0.00254
    chans = [lf.add_channel("TDEP", data=tenth_in, units="0.1 in")]
    for m, (_, v) in logs.items():
        name, unit, scale = VENDOR[m]
        data = np.where(np.isfinite(v), v * scale, -999.25).astype(np.float32)
        chans.append(lf.add_channel(name, data=data, units=unit))
    if array:
        chans.append(lf.add_channel("WF", data=np.random.default_rng(0).normal(
            size=(len(depth), 8)).astype(np.float32)))
    lf.add_frame("60B", channels=chans, index_type="BOREHOLE-DEPTH")
    if high_rate:
        fine = np.linspace(tenth_in[0], tenth_in[-1], 6 * (len(depth) - 1) + 1)
        gr = logs["GR"][1]
        ok = np.isfinite(gr)
        hr = [lf.add_channel("TDEP", data=fine, units="0.1 in", dataset_name="TDEP_HR"),
              lf.add_channel("GR", data=np.interp(fine, tenth_in[ok], gr[ok]).astype(np.float32),
                             units="gAPI", dataset_name="GR_HR")]
        lf.add_frame("10B", channels=hr, index_type="BOREHOLE-DEPTH")
    f.write(str(path), output_chunk_size=2**22)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--well", type=Path, help="a LAS well (default FORCE 16_2-11_A)")
    args = ap.parse_args()
    source = args.well or force_dir() / "16_2-11_A.las"
    depth, logs = well_rows(source)
    from dlisio import dlis

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_las(tmp / "w.las", depth, logs)
        write_dlis(tmp / "w.dlis", depth, logs)
        write_dlis(tmp / "wa.dlis", depth, logs, array=True)
        write_dlis(tmp / "wh.dlis", depth, logs, high_rate=True)
        las_s = best_of(lambda: read_well(tmp / "w.las"), args.repeat)
        dlis_s = best_of(lambda: read_well(tmp / "w.dlis"), args.repeat)
        bytes_s = best_of(lambda: read_well((tmp / "w.dlis").read_bytes(), name="w.dlis"),
                          args.repeat)
        array_s = best_of(lambda: read_well(tmp / "wa.dlis"), args.repeat)
        high_s = best_of(lambda: read_well(tmp / "wh.dlis"), max(1, args.repeat // 2))

        def dlisio_only(path=tmp / "w.dlis"):
            with dlis.load(str(path)) as (lf, *_):
                lf.frames[0].curves()

        raw_s = best_of(dlisio_only, args.repeat)
        a, b = read_well(tmp / "w.las"), read_well(tmp / "w.dlis")
        same = all(np.allclose(a.curves[c], b.curves[c], equal_nan=True, atol=1e-3 * np.nanmax(
            np.abs(a.curves[c]))) for c in a.curves)
        sizes = {p: (tmp / p).stat().st_size / 1e6 for p in ("w.las", "w.dlis", "wh.dlis")}
    print(f"{source.name} on {ROWS:,} rows, {len(logs)} curves, best of {args.repeat}")
    print(f"  LAS  read_well (path)           {las_s:6.3f} s   ({sizes['w.las']:.1f} MB)")
    print(f"  DLIS read_well (path)           {dlis_s:6.3f} s   ({sizes['w.dlis']:.1f} MB)  "
          f"{dlis_s / las_s:.2f}x the LAS (target <= 1.0x)")
    print(f"  DLIS read_well (uploaded bytes) {bytes_s:6.3f} s")
    print(f"  DLIS + 8-sample array channel   {array_s:6.3f} s")
    print(f"  DLIS + 6x high-rate GR frame    {high_s:6.3f} s   ({sizes['wh.dlis']:.1f} MB, "
          f"{ROWS * 7:,} frames in all)")
    print(f"  dlisio load + curves alone      {raw_s:6.3f} s")
    print(f"  same canonical curves as the LAS (float32 tolerance): {same}")


if __name__ == "__main__":
    main()
