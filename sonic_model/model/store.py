"""The model store: named models trained on a user's own wells, one folder each.

    root/                      $SONIC_MODEL_STORE, else <per-user data folder>/sonicpredict/models
      force/                   a model: artifacts + runtime.json + model_card.json (sha256 of
        model_card.json ...      every file in the card; ensemble.load_ensemble verifies them)
      .tmp-force-x1y2/         a model being written (never listed; renamed into place when done)

Every door (app page, CLI ``--model``, API ``model=``) picks a model through ``resolve``/``load``:
the bundled models "contest" and "north-sea" (model/choice.py; "full"/"light" are old names of
"contest"), "auto" (the bundled model each well is closest to), any other name its folder here.
Names are checked by one strict pattern before they touch the file system, so a name can never
climb out of the store (``../x``), hide (``.x``) or shadow a bundled ensemble.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sonic_model.core.errors import ArtifactError, InputValueError, StoreReadOnlyError
from sonic_model.model.card import CARD_NAME
from sonic_model.model.choice import ALIASES, AUTO, BUNDLED, MODEL_NAMES
from sonic_model.model.ensemble import ENSEMBLE_NAMES

# Letters, digits, "_" and "-", starting with a letter or digit, at most 48 characters: safe as
# a folder name on every file system, in a URL query and on a command line. No dots at all, so
# no "..", no hidden folders and no clash with the store's own ".tmp-" folders.
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,47}")
MAX_NAME = 48
# Bundled ensembles (a name here would be ambiguous at every door) and Windows device names
# (a folder called "con" cannot be created there).
BUNDLED_NAMES = frozenset({*ENSEMBLE_NAMES, *MODEL_NAMES, *ALIASES})
RESERVED = BUNDLED_NAMES | {"con", "prn", "aux", "nul"} \
    | {f"{dev}{i}" for dev in ("com", "lpt") for i in range(1, 10)}
_TMP_PREFIX = ".tmp-"
_TRASH_PREFIX = ".trash-"


class UnknownModelError(InputValueError, LookupError):
    """No model of that name in the store (the message lists the ones there are)."""


class ModelExistsError(InputValueError, FileExistsError):
    """A model of that name already exists and overwriting was not asked for."""


def store_root() -> Path:
    """The store folder ($SONIC_MODEL_STORE, else the per-user data folder); not created here."""
    from sonic_model.core.config import get_settings
    from sonic_model.io.contest import default_fetch_dest

    explicit = get_settings().model_store
    # fetch-data's default is <per-user data>/sonicpredict/pdda2020: models sit beside it.
    return explicit if explicit is not None else default_fetch_dest().parent / "models"


def validate_name(name: object) -> str:
    """The name itself when it can name a model; InputValueError saying what is allowed."""
    if not isinstance(name, str) or not name.strip():
        raise InputValueError("a model needs a name: letters, digits, '_' or '-', e.g. force_2020")
    if len(name) > MAX_NAME:
        raise InputValueError(f"model name {name[:20]!r}... is {len(name)} characters long; use at "
                              f"most {MAX_NAME}")
    if not NAME_RE.fullmatch(name):
        raise InputValueError(f"model name {name!r} is not allowed: use letters, digits, '_' or "
                              "'-' (starting with a letter or digit), e.g. force_2020")
    if name.lower() in RESERVED:
        what = "a bundled model's name" if name.lower() in BUNDLED_NAMES \
            else "reserved by Windows"
        raise InputValueError(f"model name {name!r} is {what}; choose another name")
    return name


def model_dir(name: str) -> Path:
    """The folder of model ``name`` in the store (it may not exist yet)."""
    return store_root() / validate_name(name)


def _names(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.is_symlink() and NAME_RE.fullmatch(p.name)
                  and p.name.lower() not in RESERVED and (p / CARD_NAME).is_file())


def model_names() -> list[str]:
    """Names of the models in the store, sorted."""
    return _names(store_root())


def choices() -> list[str]:
    """What a model picker offers: auto, the bundled models, then the store's models."""
    return [*MODEL_NAMES, *model_names()]


def shadowed() -> list[str]:
    """Store folders named like a bundled model (saved before that name was bundled, or by
    hand): never loaded under that name, listed with a message saying how to keep them."""
    root = store_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                  and p.name.lower() in BUNDLED_NAMES and (p / CARD_NAME).is_file())


def shadow_message(name: str) -> str:
    return (f"the stored model {name!r} has the name of a bundled model, which is what "
            f"{name!r} now means at every door; rename its folder ({store_root() / name}) to "
            "keep using it, e.g. my-" + name.lower())


def _read_card(folder: Path) -> dict:
    try:
        return json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"'{folder / CARD_NAME}' is not a readable model card ({exc}); "
                            f"delete the model (python -m sonic_model models --delete "
                            f"{folder.name}) and train it again") from None


def summary(name: str, card: dict, folder: Path) -> dict:
    """One listing row from a model's card: what `models`, the API and the app show."""
    own = card.get("own") or {}
    pooled = (card.get("validation") or {}).get("pooled") or {}
    files = card.get("files") or {}
    return {
        "name": name,
        "wells": [w.get("name") for w in own.get("wells", [])],
        "created": own.get("created"),
        "lowo": {t: {k: (pooled.get(t) or {}).get(k) for k in ("rmse", "bias", "coverage")}
                 for t in ("DTC", "DTS")},
        "size_bytes": int(sum(f.get("bytes", 0) for f in files.values())),
        "model_version": card.get("model_version"),
        "path": str(folder),
    }


def list_models() -> list[dict]:
    """One row per stored model: name, wells, created, pooled LOWO scores, size on disk.

    A model whose card cannot be read is listed with an "error" instead of hiding it: the
    user can still see it and delete it.
    """
    root = store_root()
    rows = [{"name": name, "error": shadow_message(name), "path": str(root / name)}
            for name in shadowed()]
    for name in _names(root):
        folder = root / name
        try:
            rows.append(summary(name, _read_card(folder), folder))
        except ArtifactError as exc:
            rows.append({"name": name, "error": str(exc), "path": str(folder)})
    return rows


def get_card(name: str) -> dict:
    """The card of a stored model (UnknownModelError if there is none)."""
    return _read_card(_existing(name))


def _existing(name: str) -> Path:
    folder = model_dir(name)
    if not (folder / CARD_NAME).is_file() or folder.is_symlink():
        names = model_names()
        have = f"the store has {', '.join(names)}" if names else "the store is empty"
        raise UnknownModelError(f"no model named {name!r} ({have}); train one "
                                f"with `python -m sonic_model train --wells DIR --name {name}`")
    return folder


def resolve(choice: str) -> tuple[Path, str]:
    """(model folder, ensemble name) for a picker choice naming one model: a bundled name
    ("contest", "north-sea", or the old "full"/"light") or a stored name. "auto" names no
    single folder: ``load`` it instead."""
    from sonic_model.model.choice import bundled_dir, canonical

    if choice == AUTO:
        raise InputValueError("'auto' picks a bundled model per well; load it with "
                              "store.load('auto')")
    if canonical(choice) in BUNDLED:
        return bundled_dir(choice), choice if choice in ENSEMBLE_NAMES else "full"
    return _existing(validate_name(choice)), "full"


def load(choice: str = AUTO):
    """The ensemble behind a choice, sha256-verified and cached per process; for "auto" a
    choice.Auto that predict() resolves per well."""
    from sonic_model.model.ensemble import load_ensemble

    if choice == AUTO:
        from sonic_model.model.choice import Auto

        return Auto()
    folder, ens = resolve(choice)
    return load_ensemble(ens, model_dir=folder)  # type: ignore[arg-type]


def check_writable() -> None:
    """StoreReadOnlyError when $SONIC_STORE_READ_ONLY is set: the doors check it first to disable
    their widgets; checked here too so no caller can write into a shared store by mistake."""
    from sonic_model.core.config import get_settings

    if get_settings().store_read_only:
        raise StoreReadOnlyError(f"the model store {store_root()} is read-only "
                                 "(SONIC_STORE_READ_ONLY is set): models can be used but not "
                                 "trained, replaced or deleted here; ask whoever runs this "
                                 "deployment, or train into your own store")


def delete_model(name: str) -> None:
    """Remove a stored model. Renamed out of sight first, so nobody loads half a folder."""
    check_writable()
    folder = _existing(name)
    trash = folder.with_name(f"{_TRASH_PREFIX}{name}-{uuid.uuid4().hex[:8]}")
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def _umask() -> int:
    """The process umask, read without os.umask (which sets it, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def ensure_free(name: str) -> Path:
    """The folder for a new model ``name``; ModelExistsError if the name is taken."""
    final = model_dir(name)
    if final.exists() or final.is_symlink():
        raise ModelExistsError(f"a model named {name!r} already exists in {final.parent}; choose "
                               f"another name, delete it first (python -m sonic_model models "
                               f"--delete {name}) or replace it (--overwrite)")
    return final


@contextmanager
def writing(name: str, overwrite: bool = False) -> Iterator[Path]:
    """A fresh temporary folder inside the store to write model ``name`` into.

    On a clean exit the folder is renamed to its name in one step (same file system, so the
    model appears whole or not at all); on an error it is removed and the old model, if any,
    stays. ModelExistsError up front if the name is taken and ``overwrite`` is False.
    """
    check_writable()
    final = ensure_free(name) if not overwrite else model_dir(name)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{name}-", dir=final.parent))
    try:
        yield tmp
        # mkdtemp makes the folder owner-only; a model folder gets the user's usual mode (so a
        # server running under another account of the same group can read it).
        os.chmod(tmp, 0o777 & ~_umask())
        trash = None
        if final.exists() or final.is_symlink():
            if not overwrite:  # appeared while we trained
                raise ModelExistsError(f"a model named {name!r} was saved while this one "
                                       "trained; choose another name")
            trash = final.with_name(f"{_TRASH_PREFIX}{name}-{uuid.uuid4().hex[:8]}")
            os.replace(final, trash)
        os.replace(tmp, final)
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
