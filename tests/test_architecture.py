"""The layers stay one-way: the import contracts in pyproject.toml hold (import-linter)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (pip install -e '.[test]')"
    # PYTHONPATH: check this checkout, not whichever one the editable install points at.
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_installed_under_one_name() -> None:
    """Each layer is a subpackage of xinfang; no generic top-level names are importable from the package."""
    import xinfang.classifier
    import xinfang.core
    import xinfang.intake
    import xinfang.matching
    import xinfang.models
    import xinfang.web

    for module in (xinfang.core, xinfang.models, xinfang.classifier, xinfang.matching, xinfang.intake,
                   xinfang.web):
        assert module.__name__.startswith("xinfang.")
