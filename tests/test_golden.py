"""Golden outputs: fixed synthetic wells through the shipped ensembles give stored predictions.

The inputs are built here from formulas (no data file, nothing shared re-encoded); the expected
numbers in golden/predictions.json were produced by the code and the models of the commit
that wrote them. Any change to cleaning, features, members, the engine, combining, bands or QC
shows up here as a difference, with the row and column. After a deliberate change (or a
retrain) regenerate and review the diff:

    PYTHONPATH=. .venv/bin/python tests/test_golden.py --regenerate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "predictions.json"
NUMBERS = ["DTC_PRED", "DTS_PRED", "DTC_P10", "DTC_P90", "DTS_P10", "DTS_P90"]
N = 360


def synthetic_well() -> tuple[pd.DataFrame, np.ndarray]:
    """A sand-shale sequence with the cases predict must handle, and a depth with a gap.

    Rows 0-119 a clean sequence; 120-159 without CAL/HRM (the core curve set); row 170 without
    ZDEN; 200-219 a washout; 250-289 a log combination unlike Well #1; the depth jumps 30 m at
    row 300 (windows must not cross it).
    """
    z = np.arange(N, dtype=float)
    shale = np.clip(0.5 + 0.4 * np.sin(z / 23.0) + 0.08 * np.sin(z / 3.1), 0.0, 1.0)
    frame = pd.DataFrame({
        "CAL": 8.5 + 0.3 * shale,
        "CNC": 0.08 + 0.25 * shale,
        "GR": 20.0 + 110.0 * shale,
        "HRD": np.exp(2.5 - 2.0 * shale),
        "HRM": np.exp(2.3 - 1.9 * shale),
        "PE": 4.5 - 1.5 * shale,
        "ZDEN": 2.6 - 0.2 * shale,
    })
    frame.loc[120:159, ["CAL", "HRM"]] = np.nan
    frame.loc[170, "ZDEN"] = np.nan
    frame.loc[200:219, "CAL"] = 12.5
    frame.loc[250:289, ["GR", "CNC", "ZDEN", "HRD", "HRM"]] = [150.0, 0.04, 2.75, 800.0, 800.0]
    depth_m = 1800.0 + 0.1524 * z
    depth_m[300:] += 30.0
    return frame, depth_m / 0.3048


def run_cases() -> dict[str, pd.DataFrame]:
    from sonic_model.core.config import bundled_model_dir
    from sonic_model.model import ensemble as E

    frame, depth_ft = synthetic_well()
    north_sea = E.load_ensemble("full", model_dir=bundled_model_dir("north-sea"))
    return {
        "full_no_depth": E.predict(frame, E.load_ensemble("full")),
        "full_depth": E.predict(frame, E.load_ensemble("full"), depth_ft=depth_ft),
        "light_no_depth": E.predict(frame, E.load_ensemble("light")),
        "north_sea_depth": E.predict(frame, north_sea, depth_ft=depth_ft),
    }


def regenerate() -> None:
    from sonic_model.model.card import load_card

    from sonic_model.core.config import bundled_model_dir

    out = {"model_version": load_card()["model_version"],
           "north_sea_version": load_card(bundled_model_dir("north-sea"))["model_version"],
           "cases": {}}
    for name, result in run_cases().items():
        out["cases"][name] = {c: [None if np.isnan(v) else round(float(v), 5)
                                  for v in result[c]] for c in NUMBERS}
        out["cases"][name]["QC"] = list(result["QC"])
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(out, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_file_belongs_to_the_shipped_models(model_dir, golden):
    from sonic_model.model.card import load_card

    from sonic_model.core.config import bundled_model_dir

    assert golden["model_version"] == load_card(model_dir)["model_version"], (
        "the models were retrained since tests/golden/predictions.json was written: "
        "regenerate it (see this module's docstring) and review the differences")
    assert golden["north_sea_version"] == \
        load_card(bundled_model_dir("north-sea"))["model_version"]


@pytest.fixture(scope="module")
def results(model_dir) -> dict[str, pd.DataFrame]:
    return run_cases()


@pytest.mark.parametrize("case", ["full_no_depth", "full_depth", "light_no_depth",
                                  "north_sea_depth"])
def test_predictions_match_the_stored_golden_output(results, golden, case):
    want = golden["cases"][case]
    got = results[case]
    assert len(got) == N
    for col in NUMBERS:
        expected = np.array([np.nan if v is None else v for v in want[col]])
        # Stored to 1e-5 us/ft; float32 tree sums agree to ~1e-5 between runs and thread counts.
        np.testing.assert_allclose(got[col].to_numpy(), expected, rtol=0, atol=5e-5,
                                   err_msg=f"{case}: {col}")
    assert list(got["QC"]) == want["QC"]


def test_the_golden_cases_exercise_what_they_claim(golden):
    """The stored output itself shows the special rows doing what they are there for."""
    full = golden["cases"]["full_no_depth"]
    assert full["DTC_PRED"][170] is None and full["QC"][170].startswith("missing input: ZDEN")
    assert all("washout" in q for q in full["QC"][200:220])
    assert all(q != "OK" for q in full["QC"][250:290])
    with_depth = golden["cases"]["full_depth"]
    assert with_depth["DTC_PRED"][:300] != full["DTC_PRED"][:300]   # 0.1524 m vs 0.1 m step


if __name__ == "__main__":
    if "--regenerate" in sys.argv:
        regenerate()
    else:
        print(__doc__)
