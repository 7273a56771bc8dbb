"""The layer contract (pyproject.toml, import-linter): imports in builder/ go down only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"),
                           "--no-cache"], cwd=root, env=env, text=True, capture_output=True,
                          timeout=300)


def scratch_copy(tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    shutil.copytree(ROOT / "builder", root / "builder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_package_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path):
    root = scratch_copy(tmp_path)
    assert lint_imports(root).returncode == 0  # the copy as it is keeps the contract
    model = root / "builder" / "model.py"
    model.write_text(model.read_text() + "\nfrom builder.render import html  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "builder.model -> builder.render.html" in result.stdout


def test_siblings_of_a_layer_stay_independent(tmp_path: Path):
    root = scratch_copy(tmp_path)
    targets = root / "builder" / "labs" / "targets.py"
    targets.write_text(targets.read_text() + "\nfrom builder.i18n import catalog  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "builder.labs.targets -> builder.i18n.catalog" in result.stdout


def test_lint_sits_above_the_build(tmp_path: Path):
    root = scratch_copy(tmp_path)
    build = root / "builder" / "build.py"
    build.write_text(build.read_text() + "\nfrom builder.lint import run  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "builder.build -> builder.lint.run" in result.stdout
