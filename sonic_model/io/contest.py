"""Where the PDDA 2020 contest data lives, how to load it, and how to fetch it on a fresh machine.

Only the standard library at module level: ``fetch-data`` and ``info`` must not pay for pandas.
The data is never shipped with the project (CC BY-NC-SA, see ../shared/pdda2020/README.md);
it is found at run time or downloaded from the contest's public repository.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from http.client import HTTPException
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sonic_model.core import config
from sonic_model.core.digest import sha256_file
from sonic_model.core.errors import DataNotFoundError, FetchError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ARCHIVE_URL", "ARCHIVE_SHA256", "FILE_SHA256", "TRAIN_FILE", "TEST_FILE",
    "default_fetch_dest", "candidate_dirs", "find_data_dir", "train_csv", "test_csv",
    "load_train", "load_test", "fetch_data",
]

ARCHIVE_URL = "https://github.com/pddasig/Machine-Learning-Competition-2020/raw/master/Data3_1_2020.zip"
ARCHIVE_SHA256 = "1424b1dcfc5eef9db06467137c668e2635df39485b030f87afc4bdf3091a6d82"

TRAIN_FILE = "train.csv"
TEST_FILE = "test.csv"
SUBMISSION_FILE = "sample_submission.csv"

# From ../shared/pdda2020/README.md. Checked after unpacking so that a re-packed archive with the
# right overall hash cannot exist, and so that an existing copy can be trusted without a download.
FILE_SHA256 = {
    TRAIN_FILE: "d3e5e6ed45e80e8a453bce0486007ad03a1d335fc76f315aef6125309baea2e2",
    TEST_FILE: "9b839a695d519f256491154ec3c9ab21df708a8573ee1d6579938c436bbd8e40",
}
# Files a data directory must hold to count; sample_submission.csv is extracted but optional.
REQUIRED_FILES = (TRAIN_FILE, TEST_FILE)

# The real archive is ~1 MB and unpacks to ~2.7 MB. The caps stop a wrong URL or a hostile
# server from filling the disk before the sha256 check gets a chance to say no.
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 256 * 1024 * 1024

# Test hook (and an escape hatch for mirrors): replaces ARCHIVE_URL when fetch_data gets no url.
# Read here rather than in config.Settings because only fetch-data ever needs it.
URL_ENV = "SONIC_DATA_URL"

_CHUNK = 64 * 1024

Progress = Callable[[int, "int | None"], None]


# --------------------------------------------------------------------------- finding the data

def default_fetch_dest() -> Path:
    """The per-user directory ``fetch-data`` writes to when no ``--dest`` is given."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        # The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "sonicpredict" / "pdda2020"


def _has_data(directory: Path) -> bool:
    return all((directory / name).is_file() for name in REQUIRED_FILES)


def candidate_dirs() -> list[tuple[str, Path]]:
    """The default search path after ``--data`` and ``$SONIC_DATA_DIR``, as (label, dir) pairs."""
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for label, path in (
        ("./data/pdda2020", Path.cwd() / "data" / "pdda2020"),
        ("<project>/data/pdda2020", config.PROJECT_DIR / "data" / "pdda2020"),
        ("<project>/../shared/pdda2020", config.PROJECT_DIR.parent / "shared" / "pdda2020"),
        ("fetch-data's default destination", default_fetch_dest()),
    ):
        key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append((label, key))
    return found


def find_data_dir(explicit: Path | str | None = None) -> Path:
    """Return the contest data directory (one holding train.csv and test.csv).

    Order: ``explicit`` (the CLI's ``--data``), ``$SONIC_DATA_DIR``, ``./data/pdda2020``,
    ``<project>/../shared/pdda2020``, then ``default_fetch_dest()``. An explicit directory or
    ``$SONIC_DATA_DIR`` that lacks the files is an error rather than a reason to search on: a user
    who names a directory should never be handed different data without being told.
    """
    hint = "run `python -m sonic_model fetch-data` to download the public archive"
    missing = ", ".join(REQUIRED_FILES)
    if explicit is not None:
        path = Path(explicit).expanduser()
        if _has_data(path):
            return path.resolve()
        raise DataNotFoundError(
            f"'{path}' (given with --data) does not hold {missing}; point --data at the folder "
            f"that does, or {hint} (e.g. with --dest '{path}')")
    env_dir = config.get_settings().data_dir
    if env_dir is not None:
        if _has_data(env_dir):
            return env_dir.resolve()
        raise DataNotFoundError(
            f"'{env_dir}' (from $SONIC_DATA_DIR) does not hold {missing}; fix or unset "
            f"SONIC_DATA_DIR, or {hint} (e.g. with --dest '{env_dir}')")
    looked = []
    for label, path in candidate_dirs():
        if _has_data(path):
            return path
        looked.append(f"{path} ({label})")
    raise DataNotFoundError(
        f"contest data not found: no folder holding {missing} among " + "; ".join(looked)
        + f". Set SONIC_DATA_DIR or pass --data DIR, or {hint}.")


def train_csv(data_dir: Path | str | None = None) -> Path:
    """Path of Well #1's training file (found with ``find_data_dir`` when no dir is given)."""
    return (find_data_dir() if data_dir is None else Path(data_dir)) / TRAIN_FILE


def test_csv(data_dir: Path | str | None = None) -> Path:
    """Path of Well #2's input file (found with ``find_data_dir`` when no dir is given)."""
    return (find_data_dir() if data_dir is None else Path(data_dir)) / TEST_FILE


# Keep pytest from collecting the helper above when a test module imports it by name.
test_csv.__test__ = False  # type: ignore[attr-defined]


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise DataNotFoundError(
            f"'{path}' is not an existing file; run `python -m sonic_model fetch-data` "
            f"or point --data / SONIC_DATA_DIR at the folder holding {', '.join(REQUIRED_FILES)}")
    frame = pd.read_csv(path)
    # The contest files have CRLF line ends; be tolerant of stray spaces/CRs in the header too.
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def load_train(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Well #1 as published (30,143 rows). -999 sentinels are left for the cleaning step."""
    return _read_csv(train_csv(data_dir))


def load_test(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Well #2 inputs as published (11,088 rows). -999 sentinels are left for cleaning."""
    return _read_csv(test_csv(data_dir))


# --------------------------------------------------------------------------- fetching the data

def _verified(dest: Path) -> bool:
    try:
        return all(sha256_file(dest / name) == sha for name, sha in FILE_SHA256.items())
    except OSError:
        return False


def _safe_member(name: str) -> bool:
    # Zip names use '/', but a hostile archive may use '\' or a drive letter to escape on Windows.
    if not name or "\\" in name or ":" in name:
        return False
    parts = PurePosixPath(name).parts
    return not (name.startswith("/") or ".." in parts)


def _download(url: str, target: Path, expected: str, timeout: float,
              progress: Progress | None, dest: Path) -> None:
    """Stream ``url`` into ``target``, verifying its sha256. Raises FetchError."""
    hint = (f"check your connection or download it by hand and put "
            f"{' and '.join(REQUIRED_FILES)} in {dest}")
    done = 0
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "sonicpredict-fetch-data"})
        with urllib.request.urlopen(request, timeout=timeout) as response, open(target, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_ARCHIVE_BYTES:
                raise FetchError(f"could not download {url}: the server announces {total:,} bytes, "
                                 f"more than the {MAX_ARCHIVE_BYTES:,} a contest archive can be")
            if progress:
                progress(0, total)
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > MAX_ARCHIVE_BYTES:
                    raise FetchError(f"could not download {url}: more than {MAX_ARCHIVE_BYTES:,} "
                                     f"bytes, far larger than the contest archive; wrong address?")
                out.write(chunk)
                if progress:
                    progress(done, total)
            if total is not None and done < total:
                # http.client returns a short read, not IncompleteRead, when reading in chunks.
                raise FetchError(f"could not download {url}: connection broken after {done:,} of "
                                 f"{total:,} bytes; {hint}")
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"could not download {url}: HTTP {exc.code} {exc.reason}; {hint}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            reason = f"timed out after {timeout:g} s"
        raise FetchError(f"could not download {url}: {reason}; {hint}") from exc
    except (TimeoutError, socket.timeout) as exc:
        raise FetchError(f"could not download {url}: timed out after {timeout:g} s; {hint}") from exc
    except (HTTPException, ConnectionError) as exc:
        # IncompleteRead (connection closed before Content-Length bytes), resets, bad status lines.
        what = type(exc).__name__
        raise FetchError(f"could not download {url}: connection broken after {done:,} bytes "
                         f"({what}); {hint}") from exc
    except ValueError as exc:  # "unknown url type" and friends
        raise FetchError(f"could not download {url}: {exc}; {hint}") from exc
    except OSError as exc:  # writing the temp file: disk full, permissions...
        raise FetchError(f"could not write the download into {dest}: {exc}") from exc

    got = sha256_file(target)
    if got != expected:
        raise FetchError(
            f"the archive from {url} has sha256 {got}, expected {expected} ({done:,} bytes "
            f"received): the download is corrupt or the file changed upstream; nothing was "
            f"written to {dest}")


def _unpack(archive: Path, into: Path, url: str) -> None:
    """Extract the contest files of ``archive`` flat into ``into`` and verify them."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            unsafe = [i.filename for i in infos if not _safe_member(i.filename)]
            if unsafe:
                raise FetchError(f"the archive from {url} has unsafe member names "
                                 f"{unsafe[:3]} (absolute or '..' paths); refusing to unpack it")
            # The published archive is flat, but accept one leading folder (GitHub-style re-zips).
            by_name = {PurePosixPath(i.filename).name: i for i in infos if not i.is_dir()}
            wanted = [n for n in (*REQUIRED_FILES, SUBMISSION_FILE) if n in by_name]
            missing = [n for n in REQUIRED_FILES if n not in by_name]
            if missing:
                raise FetchError(f"the archive from {url} lacks {', '.join(missing)} "
                                 f"(it has {sorted(by_name)[:6]})")
            for name in wanted:
                info = by_name[name]
                if info.file_size > MAX_MEMBER_BYTES:
                    raise FetchError(f"{name} in the archive from {url} claims "
                                     f"{info.file_size:,} bytes; refusing to unpack it")
                with zf.open(info) as src, open(into / name, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
    except FetchError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise FetchError(f"the archive from {url} is not a readable zip file: {exc}") from exc
    except OSError as exc:
        raise FetchError(f"could not unpack the archive from {url} into {into.parent}: {exc}") from exc

    for name, expected in FILE_SHA256.items():
        got = sha256_file(into / name)
        if got != expected:
            raise FetchError(f"{name} from the archive at {url} has sha256 {got}, expected "
                             f"{expected}; this is not the published PDDA 2020 data")


def fetch_data(dest: Path | str | None = None, url: str | None = None,
               sha256: str = ARCHIVE_SHA256, timeout: float = 60,
               progress: Progress | None = None) -> Path:
    """Download, verify and unpack the public PDDA 2020 archive into ``dest``; return ``dest``.

    ``dest`` defaults to ``default_fetch_dest()`` (which ``find_data_dir`` searches), ``url`` to
    ``$SONIC_DATA_URL`` or ``ARCHIVE_URL``. Idempotent: when ``dest`` already holds train.csv and
    test.csv with the published sha256, nothing is downloaded. The archive goes to a temporary
    file inside ``dest`` and is checked against ``sha256`` before anything is unpacked; files land
    by atomic rename, so a failure (raised as ``FetchError``, one line, naming the cause) leaves
    ``dest`` as it was. ``progress(done_bytes, total_bytes_or_None)`` is called while downloading.
    """
    dest = (default_fetch_dest() if dest is None else Path(dest)).expanduser().resolve()
    url = url or os.environ.get(URL_ENV, "").strip() or ARCHIVE_URL
    expected = sha256.strip().lower()

    if _verified(dest):
        return dest

    created: list[Path] = []  # folders we made, removed again if we fail
    try:
        for parent in reversed([dest, *dest.parents]):
            if not parent.exists():
                parent.mkdir()
                created.append(parent)
    except OSError as exc:
        _remove_created(created)
        raise FetchError(f"could not create {dest}: {exc}") from exc

    ok = False
    tmp_zip: Path | None = None
    tmp_dir: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=".fetch-", suffix=".zip.part", dir=dest)
        os.close(fd)
        tmp_zip = Path(name)
        _download(url, tmp_zip, expected, timeout, progress, dest)
        tmp_dir = Path(tempfile.mkdtemp(prefix=".fetch-", dir=dest))
        _unpack(tmp_zip, tmp_dir, url)
        # train.csv last: a reader that sees it sees test.csv already in place.
        for file_name in (SUBMISSION_FILE, TEST_FILE, TRAIN_FILE):
            if (tmp_dir / file_name).exists():
                os.replace(tmp_dir / file_name, dest / file_name)
        ok = True
    except OSError as exc:
        if isinstance(exc, FetchError):
            raise
        raise FetchError(f"could not write the contest data into {dest}: {exc}") from exc
    finally:
        if tmp_zip is not None:
            tmp_zip.unlink(missing_ok=True)
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        if not ok:
            _remove_created(created)
    return dest


def _remove_created(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()  # only if still empty: never delete anything we did not make
        except OSError:
            break
