"""What several benchmark scripts share: a best-of timing loop and a real uvicorn API server.

The scripts run as ``.venv/bin/python benchmarks/bench_x.py``, so this folder is ``sys.path[0]``
and they import this module as ``_common`` (each also puts the folder on sys.path itself, so an
import from elsewhere finds it too).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def best_of(fn, repeat: int = 5) -> float:
    """The shortest wall time of ``repeat`` calls of ``fn()``, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_api(env: dict[str, str] | None = None, *, name: str = "API server",
              announce: bool = False) -> tuple[subprocess.Popen, str]:
    """``uvicorn sonic_model.serving.api:app`` on a free 127.0.0.1 port (``env`` added to this
    process's environment), once it answers /healthz; the process and its base URL. Exits the
    script, naming the server as ``name``, if it dies or does not answer within 180 s. With
    ``announce``, prints how long it took and the /healthz answer."""
    import requests

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sonic_model.serving.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_DIR, env={**os.environ, "PYTHONPATH": str(PROJECT_DIR), **(env or {})})
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 180:
        if proc.poll() is not None:
            sys.exit(f"{name} exited with {proc.returncode}")
        try:
            health = requests.get(f"{url}/healthz", timeout=2)
            if health.status_code == 200:
                if announce:
                    print(f"server up in {time.perf_counter() - t0:.1f} s "
                          f"(ensembles loaded at start-up): {health.json()}")
                return proc, url
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit(f"{name} did not answer /healthz within 180 s")
