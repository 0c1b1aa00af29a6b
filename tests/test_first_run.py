"""The newcomer's first command: scripts/demo.sh (setup.sh, then `xinfang demo`), and its --check mode.

The full `xinfang demo --check` (training, worker, OCR of the sample letters, the web server) takes about
a minute and a half; .ci/run runs it as the README's first command, so here only its failure path runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

PACKAGES = ("tesseract-ocr", "tesseract-ocr-chi-sim", "redis-server", "fonts-noto-cjk", "fonts-arphic-ukai")


def _checkout_with_installed_venv(tmp_path: Path, stamp: str) -> Path:
    """A copy of the scripts with a .venv that setup.sh considers installed (so nothing is installed)."""
    for package in PACKAGES:
        found = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in found.stdout:
            pytest.skip(f"{package} is not installed: setup.sh would install it")
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "scripts", root / "scripts")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)
    time.sleep(0.01)
    (root / ".venv" / stamp).touch()
    newer = time.time() + 5
    os.utime(root / ".venv" / stamp, (newer, newer))
    return root


def test_setup_without_test_flag_runs_to_the_end(tmp_path):
    """It used to exit 1 at once, silently: `stamp=...$([ $want_test = 1 ] && echo -test)` under set -e."""
    root = _checkout_with_installed_venv(tmp_path, ".xinfang-installed")
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installing Python packages" not in result.stdout


def test_setup_after_a_test_install_does_not_reinstall_the_runtime(tmp_path):
    root = _checkout_with_installed_venv(tmp_path, ".xinfang-installed-test")
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installing Python packages" not in result.stdout


def test_demo_check_fails_clearly_and_fast_when_a_service_is_missing(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    env = dict(os.environ, REDIS_URL=dead_redis, PYTHONPATH=str(ROOT), XINFANG_DATA_DIR=str(tmp_path / "var"))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "xinfang", "demo", "--check", "--timeout", "120"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode != 0
    assert "demo check FAILED" in result.stderr and dead_redis in result.stderr, result.stderr
    assert time.monotonic() - started < 60
    assert not (tmp_path / "var").exists(), "the check must not touch the configured data directory"


def test_ci_runs_the_first_command_check():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/demo.sh --check" in ci and ci.index("demo.sh --check") < ci.index("scripts/test.sh")
