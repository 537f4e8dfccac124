"""Model folders and their files, in formats that never run code when read.

A model folder (assets/models, or one model of the store) holds:

    model_card.json   what was trained and how well it validates (card.py), with the sha256
                      and size of every other file under "files"
    runtime.json      what predict needs beside the members: columns, clips, weights, bands
    <kind>.npz        one member (members.py), e.g. pcr.npz, knn.npz, xgb.npz
    conditioned.npz   the DTC-conditioned shear set (conditioned.py), when the model has one
    lowo_predictions.npz   held-out predictions for the crossplots (own models)

A member payload (training.member_fit.fit_member, one per curve set) is a small tree of dicts
and lists whose leaves are numpy arrays, XGBoost model bytes (its own UBJ format), numbers and
strings. ``dump`` stores every array/bytes leaf as an .npz entry (bytes as uint8) and the tree
itself as JSON text in the ``__layout__`` entry; ``load`` rebuilds it with
``np.load(allow_pickle=False)``, so a crafted file can at worst fail to load, never run code.

Nothing here unpickles, ever. ``check_folder`` refuses a folder whose card lists a file in any
other format (a .joblib or .pkl member of an old or planted model) and a folder holding a pickle
or a symbolic link, before anything in it is read; ``verified_path`` gives a listed file's path
once its sha256 matches the card.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from sonic_model.core.digest import sha256_file
from sonic_model.core.errors import ArtifactError

SUFFIX = ".npz"
RUNTIME_FILE = "runtime.json"
# The only formats a model folder's card may list: numpy archives read with
# allow_pickle=False, JSON, and XGBoost's own UBJ model format. Nothing that unpickles.
ALLOWED_SUFFIXES = (".npz", ".json", ".ubj")
# Files that unpickle when loaded: a model folder holding one is refused outright.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".pck", ".dill", ".sav")
_LAYOUT = "__layout__"
# Every entry gets this timestamp (the zip format's earliest): the same payload gives the
# same bytes, so training twice gives the same sha256.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_RETRAIN = "re-train the model with this version (`python -m sonic_model train`, or " \
           "`train --wells ... --name NAME --overwrite` for a stored model)"


# ----------------------------------------------------------------------------- payloads

def _encode(obj, leaves: dict[str, np.ndarray]):
    if isinstance(obj, dict):
        return {"d": {str(k): _encode(v, leaves) for k, v in obj.items()}}
    if isinstance(obj, (list, tuple)):
        return {"l": [_encode(v, leaves) for v in obj]}
    if isinstance(obj, (bytes, bytearray)):
        key = f"b{len(leaves)}"
        leaves[key] = np.frombuffer(bytes(obj), dtype=np.uint8)
        return {"b": key}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError("object arrays cannot be stored without pickle")
        key = f"a{len(leaves)}"
        leaves[key] = obj
        return {"a": key}
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"v": obj}
    raise TypeError(f"cannot store a {type(obj).__name__} in a member artifact")


def _decode(node, z):
    if "d" in node:
        return {k: _decode(v, z) for k, v in node["d"].items()}
    if "l" in node:
        return [_decode(v, z) for v in node["l"]]
    if "b" in node:
        return z[node["b"]].tobytes()
    if "a" in node:
        return z[node["a"]]
    return node["v"]


def dump(payload, path: Path, compress: bool = True) -> Path:
    """Write ``payload`` to ``path`` (.npz, byte-for-byte repeatable); returns the path.

    Deflated unless ``compress`` is False (large scratch files: held-out predictions). Written
    beside the target and renamed into place, so a killed run leaves no half file.
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    leaves: dict[str, np.ndarray] = {}
    layout = _encode(payload, leaves)
    entries = {_LAYOUT: np.array(json.dumps(layout)), **leaves}
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=method) as zf:
            for key, value in entries.items():
                info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_TIME)
                info.compress_type = method
                info.external_attr = 0o644 << 16
                with zf.open(info, "w", force_zip64=True) as fh:
                    np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load(path: Path):
    """The payload stored in ``path``; ArtifactError if it is not one of ours."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            pickled = fh.read(1) == b"\x80"     # the pickle protocol opcode (protocol 2+)
        what = "holds pickled data, which is never loaded" if pickled else "is not an .npz archive"
        raise ArtifactError(f"'{path}' {what}: not a member artifact of this version; delete "
                            f"this model folder or {_RETRAIN}")
    try:
        with np.load(path, allow_pickle=False) as z:
            layout = json.loads(str(z[_LAYOUT]))
            return _decode(layout, z)
    except (OSError, ValueError, KeyError, TypeError, AttributeError,
            zipfile.BadZipFile) as exc:
        raise ArtifactError(f"'{path}' is not a readable member artifact ({exc}); "
                            f"{_RETRAIN}") from None


# ----------------------------------------------------------------------------- folders

def check_folder(model_dir: Path, card: dict) -> None:
    """Refuse a model folder that could make a loader run code, before any file is read.

    ArtifactError naming the file when the card lists a file that is not a plain name in an
    allowed format (ALLOWED_SUFFIXES: a .joblib or .pkl member, say), when the folder holds a
    pickle (PICKLE_SUFFIXES) listed or not, or when any entry of the folder is a symbolic link
    (its sha256 would be checked on one file and another could be read).
    """
    model_dir = Path(model_dir)
    for rel in (card.get("files") or {}):
        name = Path(rel)
        if name.name != rel or rel in ("", ".", ".."):
            raise ArtifactError(f"the model card in '{model_dir}' lists '{rel}', which is not a "
                                f"file of the model folder: models list plain file names only; "
                                f"{_RETRAIN}")
        if name.suffix.lower() not in ALLOWED_SUFFIXES:
            what = "a pickle file, which is never loaded" \
                if name.suffix.lower() in PICKLE_SUFFIXES else "not an allowed format"
            raise ArtifactError(
                f"'{model_dir / rel}' is listed in the model card but is {what} (models load only "
                f"{', '.join(ALLOWED_SUFFIXES)} files, never pickles); delete this model folder "
                f"or {_RETRAIN}")
    try:
        entries = sorted(model_dir.iterdir())
    except OSError as exc:
        raise ArtifactError(f"'{model_dir}' cannot be read ({exc})") from None
    for entry in entries:
        if entry.is_symlink():
            raise ArtifactError(f"'{entry}' is a symbolic link: a model folder must hold its own "
                                "files (copy the file in place of the link) or re-train the model")
        if entry.suffix.lower() in PICKLE_SUFFIXES:
            raise ArtifactError(f"'{entry}' is a pickle file: models never load pickles; delete "
                                f"it (a model of an older version: {_RETRAIN})")


def verified_path(model_dir: Path, rel: str, card: dict) -> Path:
    """The path of a file the card lists, once its sha256 matches the card; ArtifactError
    otherwise (unlisted, missing, a symbolic link, or modified)."""
    entry = (card.get("files") or {}).get(rel)
    path = Path(model_dir) / rel
    if entry is None:
        raise ArtifactError(f"'{path}' is not listed in the model card: re-run "
                            "`python -m sonic_model train`")
    if path.is_symlink():
        raise ArtifactError(f"'{path}' is a symbolic link: a model folder must hold its own "
                            "files (copy the file in place of the link) or re-train the model")
    if not path.is_file():
        raise ArtifactError(f"'{path}' is missing: restore assets/models from the repository "
                            "or re-run `python -m sonic_model train`")
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        raise ArtifactError(f"'{path}' fails its sha256 check (expected {entry['sha256'][:12]}…, "
                            f"got {digest[:12]}…): the file was modified or corrupted; restore it "
                            "from the repository or re-run `python -m sonic_model train`")
    return path


def file_entry(path: Path) -> dict:
    """The card's entry for a file: {"sha256", "bytes"}."""
    return {"sha256": sha256_file(path), "bytes": Path(path).stat().st_size}
