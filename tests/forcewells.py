"""Small real training wells: row subsets of the shared FORCE 2020 wells, written with lasio.

The FORCE files are read at run time from ../shared/force2020 (never copied into the
repository); each test writes the few hundred rows it needs into its own tmp folder. The
session fixture ``own_model`` trains one small model through the real CLI, once, for every
test that needs a stored model (CLI, API, app).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import PROJECT_DIR, cli, force_las  # noqa: F401  (PROJECT_DIR: for importers)

# Three wells with shear (two Johan Sverdrup, one Troll) and one with compressional only.
WITH_DTS = ("16_2-11_A", "16_2-16", "31_3-4")
DTC_ONLY = "25_11-15"
CURVES = ("CALI", "NPHI", "GR", "RDEP", "RMED", "RHOB", "PEF", "DTC", "DTS")
ROWS = 600


def write_subset(stem: str, dest: Path, rows: int = ROWS, drop: tuple[str, ...] = (),
                 name: str | None = None) -> Path:
    """``rows`` contiguous rows of a FORCE well (from where its sonic is logged) as LAS 2.0."""
    import lasio

    src = force_las(stem)
    df = src.df()
    target = "DTS" if "DTS" in df and df["DTS"].notna().sum() > rows else "DTC"
    logged = df[[target, "NPHI", "RHOB", "GR", "RDEP"]].notna().all(axis=1)
    start = df.index.get_loc(df[logged].index[0])
    df = df.iloc[start:start + rows]
    keep = [c for c in CURVES if c in df.columns and c not in drop]
    out = lasio.LASFile()
    out.well["WELL"].value = stem
    out.set_data_from_df(df[keep])
    units = {c.mnemonic: c.unit for c in src.curves}
    for curve in out.curves:
        curve.unit = units.get(curve.mnemonic, "")
    path = Path(dest) / f"{name or stem}.las"
    out.write(str(path), version=2.0)
    return path


def write_training_set(dest: Path, rows: int = ROWS, dtc_only: bool = True) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for stem in WITH_DTS:
        write_subset(stem, dest, rows)
    if dtc_only:
        write_subset(DTC_ONLY, dest, rows)
    return dest


@pytest.fixture(scope="session")
def own_model(tmp_path_factory) -> dict:
    """One model, "small", trained by `train --wells` on four FORCE subsets in its own store.

    Returns {"store", "wells" (folder), "name", "proc" (the CompletedProcess of the training)}.
    """
    wells = write_training_set(tmp_path_factory.mktemp("force_wells"))
    store = tmp_path_factory.mktemp("model_store")
    proc = cli("train", "--wells", str(wells), "--name", "small",
               env={"SONIC_MODEL_STORE": str(store)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {"store": store, "wells": wells, "name": "small", "proc": proc}
