"""Helpers shared by test modules (imported as `support`; tests/ is on sys.path under pytest).

The one place for the scaffolding tests share: the CI guard (`unavailable`, `require`), the CLI
in a subprocess (`cli`, `cli_argv`), a running API server (`api_server`), and the FORCE 2020
wells (`force_well`). conftest.py turns the ones that need setup and teardown into fixtures.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str):
    """Skip on a workstation that lacks a dependency; fail under CI=true, where a skip would
    hide a broken install (the contest data, the artifacts and Chromium are all provided)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)   # also when called at a module's top


def require(module: str) -> ModuleType:
    """The module imported, or `unavailable` (skip locally, fail under CI=true): what
    pytest.importorskip would do without hiding a broken CI install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        unavailable(f"{module} cannot be imported ({exc}); pip install -r requirements-dev.txt")


# ----------------------------------------------------------------------------- the CLI

def cli_env(env: dict | None = None) -> dict:
    """This process's environment with the checkout first on PYTHONPATH, plus `env`: the CLI
    runs this checkout's code whether or not the package was pip-installed."""
    path = os.pathsep.join(p for p in (str(PROJECT_DIR), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **(env or {})}


def cli_argv(*args) -> list[str]:
    """The command line of ``python -m sonic_model ARGS`` (for tests that need Popen)."""
    return [sys.executable, "-m", "sonic_model", *map(str, args)]


def cli(*args, env: dict | None = None, cwd: Path | str = PROJECT_DIR, timeout: float = 600,
        **kwargs) -> subprocess.CompletedProcess:
    """``python -m sonic_model ARGS`` in a fresh process (text output captured); `env` is added
    to this process's environment (cli_env), `cwd` defaults to the checkout."""
    return subprocess.run(cli_argv(*args), capture_output=True, text=True, env=cli_env(env),
                          cwd=cwd, timeout=timeout, **kwargs)


# ----------------------------------------------------------------------------- servers

def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a server started by a test; kill it if it does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


API_APP = "sonic_model.serving.api:app"


@contextlib.contextmanager
def api_server(env: dict | None = None, timeout: float = 120):
    """uvicorn serving the API on a free 127.0.0.1 port, in its own process with `env` added
    (cli_env); yields a Server once /healthz answers, stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", API_APP, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=PROJECT_DIR, env=cli_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(f"{url}/healthz", proc, timeout)
        yield Server(url, proc.pid)
    finally:
        stop(proc)


def wait_until_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Poll `url` until it answers 200; fail the test (with the server's output when it was
    piped) if the server process exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            command = " ".join(map(str, proc.args[1:4]))
            pytest.fail(f"{command} exited with {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


# ----------------------------------------------------------------------------- FORCE wells

def force_folder() -> Path:
    """The FORCE 2020 wells folder (sonic_model.io.force.force_dir: $SONIC_FORCE_DIR, else
    ../shared/force2020), or `unavailable`."""
    from sonic_model.io.force import force_dir

    folder = force_dir()
    if folder is None:
        unavailable("FORCE 2020 wells not found (../shared/force2020 or $SONIC_FORCE_DIR)")
    return folder


def force_well(stem: str) -> Path:
    """One FORCE 2020 well's LAS file by name (e.g. "16_2-16"), or `unavailable`."""
    path = force_folder() / f"{stem}.las"
    if not path.is_file():
        unavailable(f"FORCE 2020 well {path} unavailable")
    return path


def force_las(stem: str):
    """One FORCE 2020 well as a lasio.LASFile, parsed once per session (~0.5 s each): the
    helpers that cut test wells from it read it and never change it."""
    return _parsed_las(force_well(stem))


@functools.lru_cache(maxsize=None)
def _parsed_las(path: Path):
    import lasio

    return lasio.read(path)
