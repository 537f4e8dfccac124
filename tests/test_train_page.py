"""The Train page in Streamlit's AppTest: upload wells, check them, train, read the report."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from forcewells import DTC_ONLY, PROJECT_DIR, WITH_DTS, write_subset

APP = PROJECT_DIR / "app.py"
TIMEOUT = 240


def open_train_page() -> AppTest:
    """The real app, switched to the Train page (with the shared sidebar)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("pages/1_train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choices(at: AppTest) -> list[str]:
    """The sidebar's model choices by name (AppTest shows the formatted labels)."""
    return [o.split(" · ")[0] for o in at.sidebar.radio(key="ensemble").options]


def _table(at: AppTest, column: str):
    """The one dataframe on the page that has ``column`` (AppTest does not expose their keys)."""
    [frame] = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def _files(folder):
    return [(p.name, p.read_bytes(), "application/octet-stream") for p in sorted(folder.iterdir())]


@pytest.mark.slow          # trains a model through the page
def test_upload_check_train_and_read_the_report(model_store, tmp_path):
    wells = tmp_path / "wells"
    wells.mkdir()
    for stem in (*WITH_DTS[:2], DTC_ONLY):
        write_subset(stem, wells, rows=400)
    at = open_train_page()
    assert choices(at) == ["auto", "contest", "north-sea"]
    at.file_uploader(key="train_files").set_value(_files(wells)).run()
    table = _table(at, "teaches")
    assert list(table["file"]) == ["16_2-11_A.las", "16_2-16.las", "25_11-15.las"]
    assert list(table["teaches"]) == ["DTC + DTS", "DTC + DTS", "DTC"]
    assert at.button(key="train_go").disabled            # no name yet

    at.text_input(key="train_name").set_value("../up").run()
    assert "not allowed" in at.error[0].value
    assert at.button(key="train_go").disabled

    at.text_input(key="train_name").set_value("offset").run()
    at.button(key="train_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (model_store / "offset" / "model_card.json").is_file()
    report = _table(at, "bundled_rmse")
    assert set(report["well"]) == {*WITH_DTS[:2], DTC_ONLY, "pooled"}
    assert report["rmse"].notna().all() and report["bundled_rmse"].notna().all()
    assert at.selectbox(key="train_crossplot_well").options == [*WITH_DTS[:2], DTC_ONLY]
    # The page's two crossplots (the sidebar's trade-off chart is on every page).
    assert sorted(c.key for c in at.main.get("plotly_chart")) == ["train_xplot_DTC",
                                                                  "train_xplot_DTS"]
    assert _table(at, "LOWO DTC RMSE")["name"].tolist() == ["offset"]
    # The new model is a choice in the sidebar at once, for every page.
    assert choices(at) == ["auto", "contest", "north-sea", "offset"]


@pytest.mark.slow          # the session's trained model (own_model)
def test_the_sidebar_choice_of_an_own_model_drives_the_predict_page(own_model, model_store,
                                                                     tmp_path):
    import shutil

    shutil.copytree(own_model["store"] / "small", model_store / "small")
    well = write_subset("31_3-4", tmp_path, rows=300, name="target")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.file_uploader[0].set_value(("target.las", well.read_bytes(), "application/octet-stream"))
    at.run()
    names = lambda: [b.proto.help.removeprefix("Saves ") for b in at.get("download_button")]
    assert names() == ["target_sonic_auto.csv", "target_sonic_auto.las"]
    at.sidebar.radio(key="ensemble").set_value("small").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert names() == ["target_sonic_small.csv", "target_sonic_small.las"]
    at.switch_page("pages/3_model.py").run()      # the choice survives a page switch
    assert at.sidebar.radio(key="ensemble").value == "small"
    assert not at.exception


def test_a_bad_well_is_named_and_training_stays_off(model_store, tmp_path):
    wells = tmp_path / "wells"
    wells.mkdir()
    write_subset(WITH_DTS[0], wells, rows=300)
    write_subset(WITH_DTS[1], wells, rows=300, drop=("DTC", "DTS"), name="no_sonic")
    at = open_train_page()
    at.file_uploader(key="train_files").set_value(_files(wells)).run()
    at.text_input(key="train_name").set_value("x").run()
    assert any("no_sonic.las: it has no measured DTC or DTS" in e.value for e in at.error)
    assert at.button(key="train_go").disabled
    assert not at.exception
