"""The model card's fit-for-purpose figures (synthetics and AVO from predicted vs measured sonic
on held-out wells) where a user looks for them: the Model page shows them for the chosen model
as a table with what they mean (AppTest), and GET /api/v1/model returns them (summary and per
well) beside its existing fields, for ?model= too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app.py"
MODELS = Path(__file__).resolve().parent.parent / "assets" / "models"


def _card(name: str) -> dict:
    return json.loads((MODELS / name / "model_card.json").read_text())


def test_card_rows_are_the_cards_figures_with_the_medians_last():
    from sonic_model.model.synth_score import card_rows

    card = _card("north-sea")
    ffp = card["fit_for_purpose"]
    rows = card_rows(card)
    assert [r["well"] for r in rows[:-1]] == [w for w, s in ffp["wells"].items() if s]
    first = next(iter(ffp["wells"]))
    assert rows[0]["corr_depth"] == ffp["wells"][first]["angles"]["0"]["depth_corr"]
    assert rows[0]["avo_gradient_corr"] == ffp["wells"][first]["avo_gradient"]["depth_corr"]
    assert rows[-1]["well"] == f"median of {ffp['summary']['wells']} wells"
    assert rows[-1]["corr_time"] == ffp["summary"]["ni_time_corr"]
    assert card_rows({}) == []


@pytest.mark.slow
@pytest.mark.parametrize("chosen", ["contest", "north-sea"])
def test_model_page_shows_the_chosen_models_fit_for_purpose_table(chosen):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["ensemble"] = chosen
    at.switch_page("pages/3_model.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Fit for purpose: well ties and AVO from predicted logs" in \
        [h.value for h in at.subheader]
    ffp = _card(chosen)["fit_for_purpose"]
    table = next(d.value for d in at.dataframe if "corr_depth" in d.value.columns)
    assert list(table["well"][:-1]) == list(ffp["wells"])
    # A column with an empty cell is shown as text with "—" there (not the grid's "None").
    assert "None" not in {str(v) for v in table.to_numpy().ravel()}

    def shown(column: str) -> float:
        value = table[column].iloc[-1]
        return float(value) if isinstance(value, str) else value

    assert shown("corr_depth") == pytest.approx(ffp["summary"]["ni_depth_corr"], abs=0.005)
    assert shown("avo_gradient_corr") == pytest.approx(ffp["summary"]["avo_gradient_corr"],
                                                       abs=0.005)
    assert shown("avo_gradient_corr_with_dtc") == pytest.approx(
        ffp["with_measured_dtc"]["summary"]["avo_gradient_corr"], abs=0.005)
    text = " ".join(m.value for m in at.markdown)
    assert "made from the **predicted** sonic is compared" in text
    said = " ".join(c.value for c in at.caption)
    assert f"What to expect without sonic (model card, {ffp['summary']['wells']} held-out " \
           "wells, median)" in said


@pytest.mark.slow
def test_api_model_summary_carries_the_fit_for_purpose_figures(model_dir):
    from fastapi.testclient import TestClient

    from sonic_model.serving import api

    with TestClient(api.create_app(), raise_server_exceptions=False) as client:
        brief = client.get("/api/v1/model").json()
        other = client.get("/api/v1/model", params={"model": "north-sea"}).json()
        full = client.get("/api/v1/model", params={"full": "true"}).json()
    assert {"model_version", "data", "ensembles", "leaderboard", "full_card"} <= set(brief)
    for answer, card in ((brief, full), (other, _card("north-sea"))):
        ffp = card["fit_for_purpose"]
        summary = answer["fit_for_purpose"]["summary"]
        assert {k: summary[k] for k in ffp["summary"]} == ffp["summary"]
        # with a measured DTC (the usual well): the AVO gradient's median over held-out wells
        assert summary["avo_gradient_corr_with_dtc"] == \
            ffp["with_measured_dtc"]["summary"]["avo_gradient_corr"]
        well, scores = next(iter(ffp["wells"].items()))
        shown = answer["fit_for_purpose"]["wells"][well]
        assert shown["corr_time"] == scores["angles"]["0"]["time_corr"]
        assert shown["base_shift_ms"] == scores["base_shift_ms"]
        # the logs-only band checked on held-out wells, out of sample (issue 18)
        worst = card["validation"]["nested_bands"]["worst"]
        assert str(worst["fold"]) in answer["band_check"] and "beyond 3 sigma" in \
            answer["band_check"]
    assert other["model_version"] == _card("north-sea")["model_version"]
