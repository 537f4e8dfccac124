"""Member artifacts in a format that is never unpickled: numpy .npz with allow_pickle=False.

A member payload (members.fit_member, one per curve set) is a small tree of dicts and lists
whose leaves are numpy arrays, XGBoost model bytes (its own UBJ format), numbers and strings.
``dump`` stores every array/bytes leaf as an .npz entry (bytes as uint8) and the tree itself as
JSON text in the ``__layout__`` entry; ``load`` rebuilds it with ``np.load(allow_pickle=False)``,
so a crafted file can at worst fail to load, never run code. joblib/pickle files remain only
for the bundled assets until they are re-trained (ensemble._load reads either, both
sha256-verified against the card first).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sonic_model.core.errors import ArtifactError

SUFFIX = ".npz"
_LAYOUT = "__layout__"


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


def dump(payload, path: Path) -> Path:
    """Write ``payload`` to ``path`` (.npz, compressed); returns the path."""
    leaves: dict[str, np.ndarray] = {}
    layout = _encode(payload, leaves)
    with open(path, "wb") as fh:  # a file object: numpy would otherwise append ".npz"
        np.savez_compressed(fh, **{_LAYOUT: np.array(json.dumps(layout))}, **leaves)
    return Path(path)


def load(path: Path):
    """The payload stored in ``path``; ArtifactError if it is not one of ours."""
    try:
        with np.load(path, allow_pickle=False) as z:
            layout = json.loads(str(z[_LAYOUT]))
            return _decode(layout, z)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"'{path}' is not a readable member artifact ({exc}); train the "
                            "model again") from None


def convert_joblib_dir(model_dir: Path) -> dict:
    """Replace the trainer's *.joblib members in a freshly trained folder by .npz files.

    A bridge: the trainer still writes joblib, and a model folder in a user's store must hold
    nothing that unpickles. The joblib files are our own, written moments ago in this process
    and sha256-checked against the card before this reads them. Rewrites the card's file list
    and sizes; returns the card.
    """
    import joblib

    from sonic_model.model.card import card_path, load_card
    from sonic_model.model.ensemble import sha256_file

    model_dir = Path(model_dir)
    card = load_card(model_dir)
    files = card.setdefault("files", {})
    renamed = {}
    for rel in [r for r in files if r.endswith(".joblib")]:
        src = model_dir / rel
        if sha256_file(src) != files[rel]["sha256"]:
            raise ArtifactError(f"'{src}' changed after training; train the model again")
        dst = src.with_suffix(SUFFIX)
        dump(joblib.load(src), dst)
        src.unlink()
        del files[rel]
        files[dst.name] = {"sha256": sha256_file(dst), "bytes": dst.stat().st_size}
        renamed[rel] = dst.name
    card["files"] = dict(sorted(files.items()))
    # Sizes the card derives from file sizes (members, ensembles) follow the new files.
    for key, entry in (card.get("members") or {}).items():
        if f"{key}.joblib" in renamed:
            entry["size_bytes"] = files[renamed[f"{key}.joblib"]]["bytes"]
    for entry in (card.get("ensembles") or {}).values():
        members = entry.get("members") or []
        if members and all(f"{k}{SUFFIX}" in files for k in members):
            entry["size_bytes"] = sum(files[f"{k}{SUFFIX}"]["bytes"] for k in members) \
                + sum(v["bytes"] for r, v in files.items() if r.endswith(".json"))
    card_path(model_dir).write_text(json.dumps(card, indent=1), encoding="utf-8")
    return card
