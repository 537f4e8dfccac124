"""A real, non-editable install: build the wheel, install it into a fresh virtualenv, and run
the CLI from another folder. The artifacts must come from the installed package data, not from
the checkout (the issue: `pip install .` then predict found no models)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _copy_sources(dest: Path) -> Path:
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in the checkout,
    # under the feet of tests running beside this one.
    src = dest / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PROJECT_DIR / "sonic_model", src / "sonic_model", ignore=ignore)
    shutil.copytree(PROJECT_DIR / "assets" / "models", src / "assets" / "models", ignore=ignore)
    for name in ("pyproject.toml", "requirements.txt"):
        shutil.copy2(PROJECT_DIR / name, src / name)
    return src


@pytest.fixture(scope="module")
def installed(tmp_path_factory, model_dir) -> Path:
    """Python of a fresh venv holding only the wheel; third-party packages are reused from
    this environment's site-packages through a .pth file (no network, no --deps)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = _copy_sources(tmp)
    # --no-build-isolation: the build backend (setuptools, requirements-dev.txt) is already here.
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp / "dist")], check=True,
                   timeout=300)
    wheel = next((tmp / "dist").glob("sonicpredict-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], check=True,
                             capture_output=True, text=True).stdout.strip()
    Path(purelib, "reuse-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: the reused site-packages may hold this project's editable install
    # (.ci/run makes one), which pip would otherwise take as "already satisfied".
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--ignore-installed", "-q", str(wheel)], check=True, timeout=300)
    return python


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SONIC_MODEL_DIR")}
    return env


def test_installed_package_has_every_module_and_its_artifacts(installed, tmp_path):
    code = ("import pathlib, sonic_model, sonic_model.core.config as c; "
            "root = pathlib.Path(sonic_model.__file__).parent; "
            "print(root); print(c.get_settings().model_dir); "
            "print(*sorted(str(p.relative_to(root)) for p in root.rglob('*.py')), sep=',')")
    out = subprocess.run([str(installed), "-c", code], cwd=tmp_path, env=_clean_env(),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    root, model_dir, modules = Path(out[0]), Path(out[1]), set(out[2].split(","))
    assert installed.parent.parent in root.parents          # the wheel's copy, not the checkout
    assert model_dir == root / "models" / "contest"
    for bundled in ("contest", "north-sea"):          # both bundled models, every file
        shipped = {p.name for p in (root / "models" / bundled).iterdir()}
        assert {p.name for p in (PROJECT_DIR / "assets" / "models" / bundled).iterdir()
                if p.is_file()} <= shipped
    source = {str(p.relative_to(PROJECT_DIR / "sonic_model"))
              for p in (PROJECT_DIR / "sonic_model").rglob("*.py")}
    assert source == modules, f"not in the wheel: {source - modules}"


def test_installed_cli_predicts_from_another_folder(installed, contest_dir, tmp_path):
    proc = subprocess.run([str(installed), "-m", "sonic_model", "predict",
                           str(contest_dir / "test.csv"), "-o", "well2.csv"], cwd=tmp_path,
                          env=_clean_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = pd.read_csv(tmp_path / "well2.csv")
    assert len(result) == 11088 and result["DTC_PRED"].notna().all()
