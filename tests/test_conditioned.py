"""Shear from a measured DTC: validity of the measured sample, route per sample, the trained set.

The trained set is fitted here on one FORCE 2020 well with shear (16_5-3) and applied to
another (16_2-16), read from ../shared/force2020 at run time.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sonic_model import io as wells
from sonic_model.core.columns import SOURCE_CONDITIONED
from sonic_model.model import conditioned as C
from sonic_model.model.extended import predict_extended
from sonic_model.physics import measured
from sonic_model.training import conditioned_fit as CF
from sonic_model.training import conditioned_validate as CV

from support import force_well, unavailable


def _force_well(stem: str) -> wells.Well:
    return wells.read_well(force_well(stem))


# ----------------------------------------------------------------------------- validity

def _smooth_dtc(n=200):
    z = np.arange(n)
    return 90.0 + 20.0 * np.sin(z / 40.0)


def test_cycle_skip_spike_is_rejected_and_a_fast_stringer_is_kept():
    dtc = _smooth_dtc()
    dtc[50:52] += 30.0          # skipped cycle: reads too slow for two samples
    dtc[120] -= 30.0            # a thin fast bed: real, kept
    valid, reason = measured.sonic_validity(dtc, "DTC")
    assert list(reason[50:52]) == ["cycle skip", "cycle skip"]
    assert valid[120] and reason[120] == ""
    assert valid.sum() == len(dtc) - 2


def test_missing_out_of_range_and_washout():
    dtc = _smooth_dtc()
    dtc[10] = np.nan
    dtc[20] = 400.0
    cal = np.full(len(dtc), 8.5)
    cal[150:160] = 12.0         # 3.5 in over the bit size
    valid, reason = measured.sonic_validity(dtc, "DTC", cal=cal)
    assert reason[10] == "missing" and reason[20] == "out of range"
    assert set(reason[150:160]) == {"washout"}
    assert not valid[[10, 20, 150]].any() and valid[100]


def test_null_sentinels_are_missing_not_washouts_or_out_of_range():
    from wellfiles import canonical_well

    frame = canonical_well(400).drop(columns="DEPTH")
    frame.loc[100:149, "CAL"] = -999.0        # raw contest-style nulls in the caliper
    frame.loc[200:209, "DTC"] = -999.25
    frame.loc[300, "DTC"] = 20.0              # impossible: out of range
    p = C.prepare(frame, None)
    assert set(p.dtc_reason[200:210]) == {"missing"}
    assert p.dtc_reason[300] == "out of range"
    assert "washout" not in set(p.dtc_reason)
    assert np.isfinite(p.dtc[:100]).all()


# ----------------------------------------------------------------------------- trained set

@pytest.fixture(scope="module")
def model():
    """A conditioned set fitted on all of 16_5-3's rows with logs, valid DTC and DTS."""
    w = _force_well("16_5-3")
    p = C.prepare(w.curves, w.depth_ft(), name="16_5-3")
    sets = CF.fit_sets(p, np.ones(p.n, dtype=bool))
    assert sets, "16_5-3 should teach at least one curve set"
    from sonic_model.model.members import MemberPredictor
    for part in sets.values():
        part["members"] = {k: MemberPredictor(v) for k, v in part["members"].items()}
    return C.ConditionedModel(sets=sets, weights={"xgb": 1.0, "pcr": 0.0},
                              intervals={"a": 5.0, "b": 1.0, "q10": -1.2, "q90": 1.2})


@pytest.fixture(scope="module")
def target_well():
    """2,000 rows of 16_2-16 where it has logs, DTC and DTS."""
    w = _force_well("16_2-16")
    has = w.curves[["CNC", "GR", "HRD", "ZDEN", "DTC", "DTS"]].notna().all(axis=1).to_numpy()
    first = int(np.flatnonzero(has)[0])
    sl = slice(first, first + 2000)
    return dataclasses.replace(w, curves=w.curves.iloc[sl].reset_index(drop=True),
                               depth=w.depth[sl], original=w.original.iloc[sl].reset_index(drop=True))


@pytest.fixture(scope="module")
def ens(model):
    from sonic_model.model.ensemble import load_ensemble
    try:
        base = load_ensemble("light")
    except Exception as exc:  # noqa: BLE001 - no artifacts on this machine
        unavailable(f"bundled model unavailable: {exc}")
    return dataclasses.replace(base, conditioned=model)


def _rmse(a, b):
    e = np.asarray(a, float) - np.asarray(b, float)
    e = e[np.isfinite(e)]
    return float(np.sqrt(np.mean(e ** 2)))


@pytest.mark.slow          # fits the conditioned set (model fixture)
def test_measured_dtc_improves_shear_on_another_well(ens, target_well):
    with_dtc = predict_extended(target_well, ens)
    without = predict_extended(target_well, ens, ignore_measured=True)
    truth = target_well.curves["DTS"].to_numpy()
    cond = with_dtc["DTS_SOURCE"] == SOURCE_CONDITIONED
    assert cond.mean() > 0.5
    r_with, r_without = _rmse(with_dtc["DTS_PRED"][cond], truth[cond]), \
        _rmse(without["DTS_PRED"][cond], truth[cond])
    assert r_with < 0.7 * r_without, (r_with, r_without)


@pytest.mark.slow          # fits the conditioned set (model fixture)
def test_route_per_sample_cycle_skips_fall_back_to_logs_only(ens, target_well):
    base = predict_extended(target_well, ens)["DTS_SOURCE"].to_numpy()
    run = np.convolve(base == SOURCE_CONDITIONED, np.ones(9), mode="same") == 9
    centres = np.flatnonzero(run)                          # conditioned with 4 either side
    a, b, gap = centres[len(centres) // 5], centres[len(centres) // 2], centres[4 * len(centres) // 5]
    rows = [a, a + 1, b]
    curves = target_well.curves.copy()
    curves.loc[rows, "DTC"] += 40.0                        # skipped cycles
    curves.loc[[gap], "DTC"] = np.nan                      # a gap in the measured sonic
    well = dataclasses.replace(target_well, curves=curves)
    res = predict_extended(well, ens)
    logs_only = predict_extended(well, ens, ignore_measured=True)
    assert len(res) == len(curves)
    src = res["DTS_SOURCE"]
    for r in rows:
        assert src[r] == "logs-only (measured DTC cycle skip)"
    assert src[gap] == "logs-only (measured DTC missing)"
    fallback = np.array(rows + [gap])
    np.testing.assert_allclose(res["DTS_PRED"].to_numpy()[fallback],
                               logs_only["DTS_PRED"].to_numpy()[fallback])
    # valid rows around them use the measured DTC, and DTC_PRED is untouched by it
    assert src[a - 1] == src[a + 2] == SOURCE_CONDITIONED
    np.testing.assert_allclose(res["DTC_PRED"], logs_only["DTC_PRED"])
    assert "DTS_SOURCE" not in logs_only.columns


@pytest.mark.slow          # fits the conditioned set (model fixture)
def test_conditioned_band_contains_its_prediction(ens, target_well):
    res = predict_extended(target_well, ens)
    ok = res["DTS_PRED"].notna()
    assert (res.loc[ok, "DTS_P10"] <= res.loc[ok, "DTS_PRED"]).all()
    assert (res.loc[ok, "DTS_P90"] >= res.loc[ok, "DTS_PRED"]).all()


@pytest.mark.slow
def test_extend_model_writes_a_verified_artifact_that_loads(tmp_path, model_dir):
    import shutil

    from sonic_model.core.errors import ArtifactError
    from sonic_model.model.ensemble import load_ensemble

    for f in model_dir.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    w = _force_well("16_5-3")
    rows = np.flatnonzero(w.curves["DTS"].notna().to_numpy())
    sl = slice(rows[0], rows[-1] + 1)          # the logged shear interval only: fast
    tw = type("TW", (), {"name": "16_5-3", "frame": w.curves.iloc[sl].reset_index(drop=True),
                         "depth_ft": w.depth_ft()[sl]})
    section = CF.extend_model(tmp_path, [tw], n_jobs=1, log=lambda m: None)
    assert section is not None
    pooled = section["validation"]["blocked"]["pooled"]
    assert set(pooled) == {"conditioned", "logs_only", "mudrock", "greenberg_castagna"}
    ens = load_ensemble("light", model_dir=tmp_path)
    assert ens.conditioned is not None
    # tampering with the artifact is caught before it is unpickled
    (tmp_path / C.ARTIFACT).write_bytes(b"not a model")
    with pytest.raises(ArtifactError, match="sha256"):
        load_ensemble("full", model_dir=tmp_path)


@pytest.mark.slow
def test_card_numbers_of_the_conditioned_shear_are_reproduced(contest_dir, model_dir):
    """The shipped card's held-out comparison on Well #1's third well, re-run by the code."""
    from sonic_model.model.card import load_card
    from sonic_model.training.bundled import contest_wells

    section = load_card(model_dir)["conditioned"]
    p = C.concat([C.prepare(tw.frame, tw.depth_ft, name=tw.name)
                  for tw in contest_wells(contest_dir)])
    mask = p.well == 2
    vpvs, logs = CF._fold_task(p, mask)
    cv = {"lowo": {"folds": [("Well #1 (c)", mask)], "logs": np.full(p.n, np.nan),
                   "vpvs": {k: np.full(p.n, np.nan) for k in C.KINDS}}}
    for k in C.KINDS:
        cv["lowo"]["vpvs"][k][mask] = vpvs[k]
    cv["lowo"]["logs"][mask] = logs
    got = CV.report(p, cv, section["weights"], section.get("prior", {}).get("prior")
                    )["lowo"]["per_fold"][0]
    want = next(f for f in section["validation"]["lowo"]["per_fold"] if f["fold"] == "Well #1 (c)")
    for route in ("conditioned", "logs_only", "mudrock", "greenberg_castagna"):
        assert got[route]["rows"] == want[route]["rows"]
        assert got[route]["rmse"] == pytest.approx(want[route]["rmse"], abs=0.01), route
    # what the card claims a user gets: the measured DTC beats every other route on this well
    assert want["conditioned"]["rmse"] < min(want[r]["rmse"] for r in
                                             ("logs_only", "mudrock", "greenberg_castagna"))


@pytest.mark.slow          # fits the conditioned set (model fixture)
def test_a_washout_flags_the_measured_dtc_but_keeps_the_conditioned_route(ens, target_well):
    """Washout samples still condition DTS (held out on FORCE it halves the error there) and
    say so; cycle skips do not."""
    curves = target_well.curves.copy()
    curves["CAL"] = 8.5
    curves.loc[600:639, "CAL"] = 12.5                    # 4 in over the bit size
    well = dataclasses.replace(target_well, curves=curves)
    res = predict_extended(well, ens, splice=True)
    src = res["DTS_SOURCE"]
    logs = predict_extended(well, ens, ignore_measured=True)
    rows = [r for r in range(600, 640) if src[r] != ""]
    assert rows and all(src[r] == "DTC-conditioned (measured DTC washout)" for r in rows)
    assert not np.allclose(res["DTS_PRED"][rows], logs["DTS_PRED"][rows])
    assert (res["SPLICE_SOURCE"][rows].str.startswith("DTC measured")).all()


@pytest.mark.slow
def test_own_wells_model_ships_a_conditioned_set_that_predict_uses(own_model):
    """A model trained on FORCE wells (conftest's own_model: three with shear, one without)
    ships the conditioned set, validated leave-one-well-out over the wells with shear, and
    prediction on a well without shear (16_8-1, never trained on) uses it."""
    from sonic_model.model.card import load_card
    from sonic_model.model.ensemble import load_ensemble

    from forcewells import WITH_DTS

    folder = own_model["store"] / own_model["name"]
    section = load_card(folder)["conditioned"]
    assert [f["fold"] for f in section["validation"]["lowo"]["per_fold"]] == sorted(WITH_DTS)
    ens = load_ensemble("full", model_dir=folder)
    w = _force_well("16_8-1")
    has = np.flatnonzero(w.curves[["CNC", "GR", "HRD", "ZDEN", "DTC"]].notna().all(axis=1))
    sl = slice(has[len(has) // 4], has[len(has) // 4] + 2000)   # 2,000 rows with every input
    well = dataclasses.replace(w, curves=w.curves.iloc[sl].reset_index(drop=True),
                               depth=w.depth[sl], original=w.original.iloc[sl].reset_index(drop=True))
    res = predict_extended(well, ens)
    assert res["DTS_SOURCE"].str.startswith(SOURCE_CONDITIONED).any()
