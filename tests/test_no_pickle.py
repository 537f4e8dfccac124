"""No pickle anywhere: a model folder can never make the package run code (issue 15).

The attack from the issue: a copy of assets/models placed in the model store with every member
replaced by a pickle that writes a file when unpickled, its card's sha256 rewritten to match,
then `predict --model evil`. It must end with exit 2, one clear line, and nothing run.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pytest

from sonic_model.core.digest import sha256_file
from sonic_model.core.errors import ArtifactError
from sonic_model.model import artifacts
from sonic_model.model.ensemble import load_ensemble

import support

PACKAGE = Path(__file__).resolve().parent.parent / "sonic_model"
FORBIDDEN = ("joblib.load", "pickle.load", "allow_pickle=True")


class _Planted:
    """Unpickling this creates `marker` (open(marker, "w")): the planted code."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def planted_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Planted(marker))


def test_the_planted_pickle_really_runs_code_when_unpickled(tmp_path):
    # The attack below is only meaningful if its files would do something when unpickled.
    marker = tmp_path / "ran"
    pickle.loads(planted_pickle(marker))
    assert marker.exists()


def test_the_package_never_unpickles():
    found = [f"{path.relative_to(PACKAGE.parent)}:{i}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if any(word in line for word in FORBIDDEN)]
    assert found == []


def _members(folder: Path) -> list[str]:
    card = json.loads((folder / "model_card.json").read_text(encoding="utf-8"))
    return [rel for rel in card["files"] if rel.endswith(".npz")]


def _rewrite_card(folder: Path, rename: dict[str, str] | None = None) -> None:
    """The card's file list made to match whatever the folder now holds (sha256, bytes),
    with entries renamed as in `rename`: what an attacker controls in their own folder."""
    path = folder / "model_card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    files = {}
    for rel in card["files"]:
        new = (rename or {}).get(rel, rel)
        files[new] = {"sha256": sha256_file(folder / new), "bytes": (folder / new).stat().st_size}
    card["files"] = files
    path.write_text(json.dumps(card, indent=1), encoding="utf-8")


@pytest.fixture
def evil(model_dir, model_store) -> Path:
    """A copy of the bundled model in the test's store under the name "evil"."""
    folder = model_store / "evil"
    shutil.copytree(model_dir, folder)
    return folder


def _predict_evil(contest_dir, tmp_path) -> tuple[int, list[str], Path]:
    out = tmp_path / "out.csv"
    proc = support.cli("predict", contest_dir / "test.csv", "--model", "evil", "-o", out)
    return proc.returncode, proc.stderr.strip().splitlines(), out


def test_planted_pickles_with_a_matching_card_run_nothing(evil, contest_dir, tmp_path):
    marker = tmp_path / "planted-code-ran"
    for rel in _members(evil):               # pcr.npz, knn.npz, conditioned.npz
        (evil / rel).write_bytes(planted_pickle(marker))
    _rewrite_card(evil)
    code, err, out = _predict_evil(contest_dir, tmp_path)
    assert code == 2 and len(err) == 1, err
    assert re.search(r"error: .*\.npz.? holds pickled data, which is never loaded", err[0]), err
    assert not marker.exists() and not out.exists()


def test_a_card_listing_pickle_members_is_refused_before_reading_them(evil, contest_dir,
                                                                       tmp_path):
    # The layout before issue 15: the card lists pcr.joblib and knn.joblib.
    marker = tmp_path / "planted-code-ran"
    rename = {}
    for kind in ("pcr", "knn"):
        (evil / f"{kind}.npz").unlink()
        (evil / f"{kind}.joblib").write_bytes(planted_pickle(marker))
        rename[f"{kind}.npz"] = f"{kind}.joblib"
    _rewrite_card(evil, rename)
    code, err, out = _predict_evil(contest_dir, tmp_path)
    assert code == 2 and len(err) == 1, err
    assert ".joblib" in err[0] and "pickle" in err[0] and "re-train" in err[0], err
    assert not marker.exists() and not out.exists()


def test_a_symlinked_member_is_refused(evil, model_dir, contest_dir, tmp_path):
    # The link points at the genuine file: its sha256 matches the card, and still it is refused
    # (the file checked and the file read could differ).
    target = evil / "knn.npz"
    target.unlink()
    target.symlink_to(model_dir / "knn.npz")
    code, err, out = _predict_evil(contest_dir, tmp_path)
    assert code == 2 and len(err) == 1, err
    assert "knn.npz" in err[0] and "symbolic link" in err[0], err
    assert not out.exists()


def test_a_stray_pickle_in_a_model_folder_is_refused(evil):
    (evil / "extra.pkl").write_bytes(b"anything")
    with pytest.raises(ArtifactError, match=r"extra\.pkl.*pickle"):
        load_ensemble("full", model_dir=evil)


@pytest.mark.parametrize("rel, match", [("model.bin", "not an allowed format"),
                                        ("../runtime.json", "plain file names")])
def test_a_card_listing_another_format_or_path_is_refused(evil, rel, match):
    card = json.loads((evil / "model_card.json").read_text(encoding="utf-8"))
    card["files"][rel] = {"sha256": "0" * 64, "bytes": 1}
    with pytest.raises(ArtifactError, match=match):
        artifacts.check_folder(evil, card)


def test_the_bundled_model_holds_only_allowed_formats(model_dir):
    card = json.loads((model_dir / "model_card.json").read_text(encoding="utf-8"))
    assert {Path(rel).suffix for rel in card["files"]} <= set(artifacts.ALLOWED_SUFFIXES)
    assert not [p.name for p in model_dir.iterdir()
                if p.suffix in artifacts.PICKLE_SUFFIXES or p.is_symlink()]
    artifacts.check_folder(model_dir, card)


def test_member_artifacts_are_byte_for_byte_repeatable(tmp_path):
    import numpy as np

    payload = {"core": {"kind": "linear", "W": np.arange(6.0).reshape(3, 2),
                        "b": np.zeros(2), "n_components": 3}, "blob": b"\x00ubj"}
    a = artifacts.dump(payload, tmp_path / "a.npz")
    b = artifacts.dump(payload, tmp_path / "b.npz")
    assert a.read_bytes() == b.read_bytes()
    back = artifacts.load(a)
    assert back["blob"] == b"\x00ubj" and back["core"]["n_components"] == 3
    np.testing.assert_array_equal(back["core"]["W"], payload["core"]["W"])


def test_the_cv_cache_is_plain_arrays(tmp_path):
    import numpy as np

    from sonic_model.training.crossval import load_cv_cache, save_cv_cache

    cv = {"lowo": {"folds": [(0, 3), (3, 5)], "pred": {"pcr": np.ones((5, 2))},
                   "core": {"pcr": np.zeros((5, 2))}, "novelty": np.arange(5.0)}}
    path = save_cv_cache(cv, tmp_path / "cv.npz")
    back = load_cv_cache(path)
    assert back["lowo"]["folds"] == [(0, 3), (3, 5)]
    np.testing.assert_array_equal(back["lowo"]["pred"]["pcr"], cv["lowo"]["pred"]["pcr"])
    # an old pickled cache is refused with what to do, never unpickled
    marker = tmp_path / "ran"
    old = tmp_path / "cv.joblib"
    old.write_bytes(planted_pickle(marker))
    with pytest.raises(ArtifactError, match="not a CV cache.*delete it"):
        load_cv_cache(old)
    assert not marker.exists()
