"""The model store: names that cannot escape it, listing, deleting, resolving, tamper checks."""

from __future__ import annotations

import json
import shutil

import pytest

from sonic_model.core import config
from sonic_model.core.errors import ArtifactError, InputValueError, StoreReadOnlyError
from sonic_model.model import store
from sonic_model.model.ensemble import load_ensemble


@pytest.fixture
def with_small(own_model, model_store):
    """The session's trained model copied into this test's own store (tests may damage it)."""
    shutil.copytree(own_model["store"] / own_model["name"], model_store / "small")
    return model_store


@pytest.mark.parametrize("name, match", [
    ("../x", "not allowed"), ("", "needs a name"), ("   ", "needs a name"),
    ("full", "bundled model"), ("LIGHT", "bundled model"), ("con", "reserved"),
    ("a" * 49, "at most 48"), (".hidden", "not allowed"), ("a/b", "not allowed"),
    ("a b", "not allowed"), ("x..y", "not allowed"), ("-x", "not allowed"), ("é", "not allowed"),
], ids=["dotdot", "empty", "blank", "full", "light-upper", "windows-device", "too-long",
        "hidden", "slash", "space", "dots", "leading-dash", "non-ascii"])
def test_bad_names_are_refused_before_touching_disk(model_store, name, match):
    with pytest.raises(InputValueError, match=match):
        store.model_dir(name)
    assert not model_store.exists()


@pytest.mark.parametrize("name", ["force", "Force_2020", "a", "x-1", "a" * 48])
def test_good_names_map_inside_the_store(model_store, name):
    assert store.model_dir(name) == model_store / name


def test_store_root_defaults_to_the_per_user_data_folder(settings_env, tmp_path):
    settings_env(SONIC_MODEL_STORE=None, XDG_DATA_HOME=tmp_path / "xdg")
    assert store.store_root() == tmp_path / "xdg" / "sonicpredict" / "models"


def test_empty_store_lists_nothing_and_offers_the_bundled_choices(model_store):
    assert store.list_models() == []
    assert store.choices() == ["auto", "contest", "north-sea"]


@pytest.mark.slow          # the session's trained model (own_model)
def test_listing_shows_wells_created_scores_and_size(with_small):
    (with_small / ".tmp-half-written").mkdir()          # a training in progress: not a model
    (with_small / "notes").mkdir()                      # no card: not a model
    [row] = store.list_models()
    assert row["name"] == "small"
    assert row["wells"] == ["16_2-11_A", "16_2-16", "25_11-15", "31_3-4"]
    assert row["created"].startswith("20")
    assert 0 < row["lowo"]["DTC"]["rmse"] < 60
    on_disk = sum(p.stat().st_size for p in (with_small / "small").iterdir()
                  if p.name != "model_card.json")
    assert row["size_bytes"] == on_disk
    assert store.choices() == ["auto", "contest", "north-sea", "small"]


@pytest.mark.slow          # the session's trained model (own_model)
def test_resolve_maps_bundled_and_own_names(with_small):
    assert store.resolve("light") == (config.get_settings().model_dir, "light")
    assert store.resolve("contest") == (config.get_settings().model_dir, "full")
    assert store.resolve("north-sea") == (config.bundled_model_dir("north-sea"), "full")
    assert store.resolve("small") == (with_small / "small", "full")
    with pytest.raises(store.UnknownModelError, match="no model named 'other'.*has small"):
        store.resolve("other")
    with pytest.raises(InputValueError, match="not allowed"):
        store.resolve("../small")


@pytest.mark.slow          # the session's trained model (own_model)
def test_delete_removes_the_model_and_only_it(with_small):
    keep = with_small / "keep.txt"
    keep.write_text("not a model")
    store.delete_model("small")
    assert store.list_models() == []
    assert keep.read_text() == "not a model"
    assert [p.name for p in with_small.iterdir()] == ["keep.txt"]
    with pytest.raises(store.UnknownModelError, match="store is empty"):
        store.delete_model("small")


@pytest.mark.slow          # the session's trained model (own_model)
def test_a_tampered_artifact_is_refused(with_small):
    card = json.loads((with_small / "small" / "model_card.json").read_text())
    artifact = "knn.npz"                 # always loaded (novelty for QC and the band)
    assert artifact in card["files"]
    path = with_small / "small" / artifact
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF       # one flipped byte inside a member the model loads
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        load_ensemble("full", model_dir=with_small / "small")


@pytest.mark.slow          # the session's trained model (own_model)
def test_stored_models_hold_no_pickles(with_small):
    names = sorted(p.suffix for p in (with_small / "small").iterdir())
    assert ".joblib" not in names and ".pkl" not in names
    assert ".npz" in names


@pytest.mark.slow          # the session's trained model (own_model)
def test_writing_is_atomic_and_refuses_taken_names(with_small):
    with pytest.raises(RuntimeError):
        with store.writing("fresh") as tmp:
            (tmp / "model_card.json").write_text("{}")
            assert not (with_small / "fresh").exists()   # invisible while being written
            raise RuntimeError("training failed")
    assert sorted(p.name for p in with_small.iterdir()) == ["small"]
    with pytest.raises(store.ModelExistsError, match="already exists"):
        with store.writing("small"):
            pass
    with store.writing("small", overwrite=True) as tmp:
        (tmp / "model_card.json").write_text('{"own": {"name": "small"}}')
    assert store.get_card("small") == {"own": {"name": "small"}}
    # Readable like any other folder the user makes (mkdtemp alone would leave it owner-only).
    assert (with_small / "small").stat().st_mode & 0o777 == 0o777 & ~store._umask()


def test_a_read_only_store_refuses_writes_from_any_caller(model_store, model_dir, settings_env):
    """$SONIC_STORE_READ_ONLY holds in the store itself, not only in the doors that check it."""
    shutil.copytree(model_dir, model_store / "shared")
    settings_env(SONIC_STORE_READ_ONLY="1")
    with pytest.raises(StoreReadOnlyError, match="read-only"):
        store.delete_model("shared")
    with pytest.raises(StoreReadOnlyError, match="SONIC_STORE_READ_ONLY"):
        with store.writing("mine"):
            pass
    assert (model_store / "shared" / "model_card.json").is_file()
    assert sorted(p.name for p in model_store.iterdir()) == ["shared"]
    assert store.load("shared").name == "full"          # reading still works
