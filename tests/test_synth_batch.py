"""`batch --synth`: each well's synthetic CSV beside its prediction, one row per input row; a
well without depth gets its synthetic on rows taken 0.1 m apart (the contest's layout), and the
report says so."""

from __future__ import annotations

import pandas as pd
import pytest

from support import cli

from forcewells import write_subset


@pytest.mark.slow
def test_batch_synth_writes_a_synthetic_per_well(tmp_path):
    wells = tmp_path / "wells"
    wells.mkdir()
    las = write_subset("16_2-11_A", wells, rows=500)
    import lasio

    frame = lasio.read(las).df().reset_index(drop=True)      # the same curves, no depth
    frame.to_csv(wells / "nodepth.csv", index=False)
    out = tmp_path / "out"
    proc = cli("batch", wells, "-o", out, "--synth", "--workers", "1", "--model", "full", "-q")
    assert proc.returncode == 0, proc.stderr
    synth = sorted(out.glob("*_synth_*.csv"))
    assert [p.name.split("_synth_")[0] for p in synth] == ["wells__16_2-11_A", "wells__nodepth"]
    table = pd.read_csv(synth[0], comment="#")
    assert len(table) == 500 and {"TWT_MS", "SYN_0", "AVO_B_P90"} <= set(table.columns)
    no_depth = pd.read_csv(synth[1], comment="#")
    assert len(no_depth) == 500
    assert no_depth["DEPTH_REL_M"].iloc[:3].tolist() == pytest.approx([0.0, 0.1, 0.2])
    report = pd.read_csv(out / "batch_report.csv")
    report.index = [f.rsplit("/", 1)[-1] for f in report["file"]]
    assert (report["status"] == "ok").all()
    assert "no depth column: rows taken 0.1 m apart" in report.loc["nodepth.csv", "message"]
    assert pd.isna(report.loc["16_2-11_A.las", "message"])
