"""The model cache (model.ensemble): one copy per distinct model, bounded, thread-safe."""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict

import pytest

from sonic_model.core.errors import SettingsError
from sonic_model.model import ensemble as E
from sonic_model.model.card import load_card


@pytest.fixture
def cache(monkeypatch, settings_env):
    """An empty cache of this test's own (the process's cache is left as it was)."""
    monkeypatch.setattr(E, "_models", OrderedDict())
    monkeypatch.setattr(E, "_cache", {})
    monkeypatch.setattr(E, "_cards", {})
    settings_env(SONIC_MODEL_CACHE_SIZE=None)
    return E


def _copies(model_dir, tmp_path, n: int):
    """n distinct model folders (copies of the bundled model in different places)."""
    out = []
    for i in range(n):
        folder = tmp_path / f"model{i}"
        shutil.copytree(model_dir, folder)
        out.append(folder)
    return out


def test_full_and_light_share_one_loaded_model(cache, model_dir):
    card = load_card(model_dir)
    full_card, light_card = card["ensembles"]["full"], card["ensembles"]["light"]
    full = cache.load_ensemble("full", model_dir)
    light = cache.load_ensemble("light", model_dir)
    assert len(cache._models) == 1                          # one model, two ensembles
    assert (full.name, light.name) == ("full", "light")    # each still says which it is
    shared = set(full.members) & set(light.members)
    assert shared
    for set_name, part in full.sets.items():
        for kind in shared:
            assert part["members"][kind] is light.sets[set_name]["members"][kind]
    assert full.conditioned is light.conditioned
    if (full_card["members"], full_card["weights"]) == (light_card["members"],
                                                        light_card["weights"]):
        # the bundled card: the same members with the same weights -> the same numbers
        assert full.members == light.members
        assert (full.weights == light.weights).all()
    assert cache.load_ensemble("full", model_dir) is full   # cached
    assert cache.load_ensemble("light", model_dir) is light


def test_more_models_than_the_bound_evict_the_least_recently_used(cache, model_dir, tmp_path,
                                                                  settings_env):
    settings_env(SONIC_MODEL_CACHE_SIZE=2)
    a, b, c = _copies(model_dir, tmp_path, 3)
    first = cache.load_ensemble("full", a)
    cache.load_ensemble("full", b)
    assert cache.load_ensemble("full", a) is first          # a is now the most recent
    cache.load_ensemble("light", c)                          # evicts b, the oldest
    folders = [key[0] for key in cache._models]
    assert folders == [str(a.resolve()), str(c.resolve())]
    assert {key[1][0] for key in cache._cache} == {str(a.resolve()), str(c.resolve())}
    assert cache.load_ensemble("full", a) is first
    cache.load_ensemble("full", b)                           # loaded again; evicts c
    assert [key[0] for key in cache._models] == [str(a.resolve()), str(b.resolve())]


def test_the_default_bound_is_four(cache):
    assert cache.cache_size() == 4


@pytest.mark.parametrize("value", ["0", "-1", "four", "2.5"])
def test_a_bad_cache_size_names_the_setting(cache, model_dir, settings_env, value):
    settings_env(SONIC_MODEL_CACHE_SIZE=value)
    with pytest.raises(SettingsError, match="SONIC_MODEL_CACHE_SIZE"):
        cache.load_ensemble("full", model_dir)


def test_a_retrained_model_in_the_same_folder_is_a_new_model(cache, model_dir, tmp_path):
    (folder,) = _copies(model_dir, tmp_path, 1)
    first = cache.load_ensemble("full", folder)
    card_file = folder / "model_card.json"
    card_file.write_text(card_file.read_text().replace(
        f'"model_version": "{first.card["model_version"]}"', '"model_version": "retrained"'))
    again = cache.load_ensemble("full", folder)
    assert again is not first and again.card["model_version"] == "retrained"


def test_threads_loading_at_once_load_the_model_once(cache, model_dir, monkeypatch):
    opened = []
    real = E._open_model

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(E, "_open_model", counting)
    results, start = [], threading.Barrier(8)

    def load(name):
        start.wait()
        results.append(cache.load_ensemble(name, model_dir))

    threads = [threading.Thread(target=load, args=(("full", "light")[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opened) == 1 and len(results) == 8
    assert len({id(r) for r in results}) == 2              # one full, one light
