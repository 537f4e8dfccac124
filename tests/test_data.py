"""sonic_model.io.contest: finding the contest data, loading it, and fetch-data.

fetch-data is tested against our own HTTP server on 127.0.0.1 serving the published archive
from ../shared/pdda2020 (and broken variants of it made in memory); nothing else is contacted.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sonic_model.core import config
from sonic_model.core.errors import DataNotFoundError, FetchError, SonicModelError
from sonic_model.io import contest

from support import cli, cli_env, free_port, unavailable

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
ARCHIVE = PROJECT_DIR.parent / "shared" / "pdda2020" / "Data3_1_2020.zip"


def sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------- local server

class ArchiveServer:
    """Routes -> (status, body, announced length or None, delay seconds)."""

    def __init__(self, archive: bytes):
        self.archive = archive
        flipped = bytearray(archive)
        for i in range(len(flipped) // 2, len(flipped) // 2 + 64):
            flipped[i] ^= 0xFF
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            real = {n: zf.read(n) for n in zf.namelist()}
        self.variants = {
            "not_a_zip": b"<html>this is a login page, not a zip</html>\n" * 50,
            "evil": make_zip({"train.csv": b"a\n", "test.csv": b"a\n", "../evil.csv": b"x\n"}),
            "absolute": make_zip({"/tmp/evil.csv": b"x\n", "train.csv": b"a\n"}),
            "wrong_files": make_zip({"train.csv": b"CAL,GR\n1,2\n", "test.csv": b"CAL\n1\n"}),
            "no_test": make_zip({"train.csv": real["train.csv"]}),
            # A re-zip with a leading folder, as GitHub's "download ZIP" produces.
            "nested": make_zip({f"Data3_1_2020/{n}": b for n, b in real.items()}),
        }
        half = len(archive) // 2
        self.routes = {
            "/Data3_1_2020.zip": (200, archive, None, 0.0),
            "/corrupt.zip": (200, bytes(flipped), None, 0.0),
            "/truncated.zip": (200, archive[:half], None, 0.0),
            # Announces the full length, sends half, closes: the client sees IncompleteRead.
            "/cut.zip": (200, archive[:half], len(archive), 0.0),
            "/slow.zip": (200, archive, None, 3.0),
            **{f"/{k}.zip": (200, v, None, 0.0) for k, v in self.variants.items()},
        }
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                owner.hits.append(self.path)
                route = owner.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                status, body, announced, delay = route
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(announced or len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if announced:
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def archive_bytes() -> bytes:
    if not ARCHIVE.is_file():
        unavailable(f"{ARCHIVE} missing: fetch-data tests serve the published archive from there")
    return ARCHIVE.read_bytes()


@pytest.fixture(scope="module")
def server(archive_bytes):
    with ArchiveServer(archive_bytes) as srv:
        yield srv


@pytest.fixture
def dest(tmp_path) -> Path:
    return tmp_path / "dest" / "pdda2020"


@pytest.fixture(autouse=True)
def _no_url_override(monkeypatch):
    monkeypatch.delenv(contest.URL_ENV, raising=False)


# --------------------------------------------------------------------------- fetch_data

def test_constants_match_the_data_readme(contest_dir):
    readme = (contest_dir / "README.md").read_text(encoding="utf-8")
    urls = set(re.findall(r"https://\S+/Data3_1_2020\.zip", readme))
    assert urls == {contest.ARCHIVE_URL}
    hashes = dict(re.findall(r"^\|\s*([\w.]+)\s*\|.*\|\s*([0-9a-f]{64})\s*\|\s*$", readme,
                             re.M))
    assert hashes == {**contest.FILE_SHA256, "Data3_1_2020.zip": contest.ARCHIVE_SHA256}


def test_published_archive_hash_matches_the_constant(archive_bytes):
    assert sha(archive_bytes) == contest.ARCHIVE_SHA256


def test_fetch_downloads_verifies_and_unpacks(server, dest):
    seen = []
    got = contest.fetch_data(dest, url=server.url("/Data3_1_2020.zip"),
                          progress=lambda done, total: seen.append((done, total)))
    assert got == dest.resolve()
    assert leftovers(dest) == ["sample_submission.csv", "test.csv", "train.csv"]
    for name, expected in contest.FILE_SHA256.items():
        assert sha((dest / name).read_bytes()) == expected
    assert seen[0] == (0, len(server.archive))
    assert seen[-1] == (len(server.archive), len(server.archive))
    # What fetch wrote is what find_data_dir accepts.
    assert contest.find_data_dir(dest) == dest.resolve()


def test_fetch_is_idempotent(server, dest):
    url = server.url("/Data3_1_2020.zip")
    contest.fetch_data(dest, url=url)
    before = len(server.hits)
    mtime = (dest / "train.csv").stat().st_mtime_ns
    assert contest.fetch_data(dest, url=url) == dest.resolve()
    assert len(server.hits) == before, "a verified copy must not be downloaded again"
    assert (dest / "train.csv").stat().st_mtime_ns == mtime


def test_fetch_replaces_a_damaged_copy(server, dest):
    url = server.url("/Data3_1_2020.zip")
    contest.fetch_data(dest, url=url)
    (dest / "train.csv").write_bytes(b"CAL\n1\n")
    before = len(server.hits)
    contest.fetch_data(dest, url=url)
    assert len(server.hits) == before + 1
    assert sha((dest / "train.csv").read_bytes()) == contest.FILE_SHA256["train.csv"]


def test_fetch_uses_the_url_from_the_environment(server, dest, monkeypatch):
    monkeypatch.setenv(contest.URL_ENV, server.url("/Data3_1_2020.zip"))
    before = len(server.hits)
    contest.fetch_data(dest)
    assert server.hits[before:] == ["/Data3_1_2020.zip"]
    assert (dest / "train.csv").is_file()


def test_fetch_accepts_an_archive_with_one_leading_folder(server, dest):
    contest.fetch_data(dest, url=server.url("/nested.zip"), sha256=sha(server.variants["nested"]))
    assert sha((dest / "test.csv").read_bytes()) == contest.FILE_SHA256["test.csv"]


@pytest.mark.parametrize("path, match", [
    ("/corrupt.zip", r"sha256 [0-9a-f]{64}, expected 1424b1dc"),
    ("/truncated.zip", r"sha256 [0-9a-f]{64}, expected 1424b1dc.*corrupt"),
    ("/cut.zip", r"could not download .*/cut\.zip: connection broken"),
    ("/missing.zip", r"could not download .*/missing\.zip: HTTP 404.*put train\.csv and test\.csv in"),
], ids=["bytes-flipped", "truncated", "connection-cut", "http-404"])
def test_bad_download_raises_and_leaves_nothing(server, dest, path, match):
    with pytest.raises(FetchError, match=match):
        contest.fetch_data(dest, url=server.url(path))
    assert not dest.exists(), "a failed fetch must not leave the folder it created"
    assert not dest.parent.exists()


def test_failure_keeps_an_existing_folder_and_its_files(server, dest):
    dest.mkdir(parents=True)
    (dest / "notes.txt").write_text("mine")
    with pytest.raises(FetchError):
        contest.fetch_data(dest, url=server.url("/corrupt.zip"))
    assert leftovers(dest) == ["notes.txt"]


@pytest.mark.parametrize("variant, match", [
    ("not_a_zip", r"not a readable zip file"),
    ("evil", r"unsafe member names \['\.\./evil\.csv'\]"),
    ("absolute", r"unsafe member names \['/tmp/evil\.csv'\]"),
    ("wrong_files", r"train\.csv from the archive at .* has sha256 [0-9a-f]{64}, expected d3e5e6ed"),
    ("no_test", r"lacks test\.csv"),
], ids=["not-a-zip", "dotdot-member", "absolute-member", "wrong-content", "member-missing"])
def test_bad_archive_with_matching_hash_is_refused(server, dest, variant, match):
    # The archive-level hash is made to match, so the unpacking checks are what must say no.
    blob = server.variants[variant]
    with pytest.raises(FetchError, match=match):
        contest.fetch_data(dest, url=server.url(f"/{variant}.zip"), sha256=sha(blob))
    assert not dest.exists()
    assert not (dest.parent.parent / "evil.csv").exists()


def test_unreachable_server_gives_one_clear_line(dest):
    url = f"http://127.0.0.1:{free_port()}/Data3_1_2020.zip"
    with pytest.raises(FetchError, match=r"could not download .*: .*refused.*check your connection") as info:
        contest.fetch_data(dest, url=url, timeout=5)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, SonicModelError) and isinstance(info.value, OSError)
    assert not dest.exists()


def test_slow_server_times_out(server, dest):
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        contest.fetch_data(dest, url=server.url("/slow.zip"), timeout=0.5)
    assert time.monotonic() - t0 < 2.5
    assert not dest.exists()


def test_malformed_url_is_a_fetch_error(dest):
    with pytest.raises(FetchError, match=r"could not download nowhere"):
        contest.fetch_data(dest, url="nowhere")


# --------------------------------------------------------------------------- the CLI door

def test_cli_fetch_data(server, dest):
    proc = cli("fetch-data", "--dest", dest, env={contest.URL_ENV: server.url("/Data3_1_2020.zip")})
    assert proc.returncode == 0, proc.stderr
    for name, expected in contest.FILE_SHA256.items():
        assert sha((dest / name).read_bytes()) == expected


def test_cli_fetch_data_failure_exits_2_with_one_line(server, dest):
    proc = cli("fetch-data", "--dest", dest, env={contest.URL_ENV: server.url("/missing.zip")})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "404" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not dest.exists()


# --------------------------------------------------------------------------- find_data_dir

def fake_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.csv").write_text("CAL,DTC\n8.5,-999\n")
    (folder / "test.csv").write_text("CAL\n8.5\n")
    return folder


@pytest.fixture
def places(tmp_path, monkeypatch, settings_env):
    """Every place find_data_dir looks, redirected into tmp_path, all empty."""
    p = {
        "explicit": tmp_path / "explicit",
        "env": tmp_path / "env",
        "cwd": tmp_path / "cwd" / "data" / "pdda2020",
        "shared": tmp_path / "proj" / "shared" / "pdda2020",
        "user": tmp_path / "xdg" / "sonicpredict" / "pdda2020",
    }
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setattr(config, "PROJECT_DIR", tmp_path / "proj" / "main")
    settings_env(SONIC_DATA_DIR=None, XDG_DATA_HOME=tmp_path / "xdg")
    return p


def test_find_data_dir_search_order(places, settings_env):
    for folder in places.values():
        fake_data(folder)
    settings_env(SONIC_DATA_DIR=places["env"])
    assert contest.find_data_dir(places["explicit"]) == places["explicit"]
    assert contest.find_data_dir() == places["env"]
    settings_env(SONIC_DATA_DIR=None)
    order = ["cwd", "shared", "user"]
    for i, name in enumerate(order):
        assert contest.find_data_dir() == places[name], name
        for f in (places[name] / "train.csv", places[name] / "test.csv"):
            f.unlink()
    with pytest.raises(DataNotFoundError) as info:
        contest.find_data_dir()
    message = str(info.value)
    for name in order:
        assert str(places[name]) in message
    assert "python -m sonic_model fetch-data" in message
    assert isinstance(info.value, FileNotFoundError)


def test_default_fetch_dest_is_searched(places):
    assert contest.default_fetch_dest() == places["user"]
    fake_data(places["user"])
    assert contest.find_data_dir() == places["user"]


def test_a_folder_without_test_csv_does_not_count(places):
    fake_data(places["cwd"])
    (places["cwd"] / "test.csv").unlink()
    fake_data(places["shared"])
    assert contest.find_data_dir() == places["shared"]


def test_explicit_dir_without_data_is_an_error_not_a_fallback(places):
    fake_data(places["shared"])
    places["explicit"].mkdir()
    with pytest.raises(DataNotFoundError, match=r"explicit' \(given with --data\) does not hold"):
        contest.find_data_dir(places["explicit"])


def test_env_dir_without_data_is_an_error_not_a_fallback(places, settings_env):
    fake_data(places["shared"])
    settings_env(SONIC_DATA_DIR=places["env"])
    with pytest.raises(DataNotFoundError, match=r"from \$SONIC_DATA_DIR.*fetch-data"):
        contest.find_data_dir()


def test_load_reads_the_csv_as_is_and_strips_header_whitespace(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "train.csv").write_bytes(b" CAL ,GR , DTC\r\n-999,41.5,128.1\r\n8.5,-999,-999\r\n")
    (folder / "test.csv").write_bytes(b"CAL,GR\n8.5,50\n")
    train = contest.load_train(folder)
    assert list(train.columns) == ["CAL", "GR", "DTC"]
    assert train["CAL"].tolist() == [-999, 8.5], "-999 is left for the cleaning step"
    assert contest.load_test(folder).shape == (1, 2)
    assert contest.train_csv(folder) == folder / "train.csv"
    assert contest.test_csv(folder) == folder / "test.csv"


def test_load_from_a_folder_without_the_file_says_what_to_do(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"is not an existing file; run `python -m sonic_model fetch-data`"):
        contest.load_train(tmp_path)


def test_contest_files_load(contest_dir):
    train = contest.load_train(contest_dir)
    test = contest.load_test(contest_dir)
    assert train.shape == (30143, 9)
    assert list(train.columns) == ["CAL", "CNC", "GR", "HRD", "HRM", "PE", "ZDEN", "DTC", "DTS"]
    assert test.shape == (11088, 7)
    assert (train == -999).any().any(), "sentinels are not replaced at load time"


def test_data_module_imports_no_third_party_packages():
    code = ("import sys, sonic_model.io.contest; "
            "bad = {'pandas', 'numpy', 'streamlit', 'sklearn'} & set(sys.modules); "
            "print(sorted(bad)); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=60, env=cli_env())
    assert proc.returncode == 0, f"importing sonic_model.io.contest loaded {proc.stdout.strip()} {proc.stderr}"
