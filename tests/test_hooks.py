"""`.pre-commit-hooks.yaml`: validated by pre-commit itself, and each hook run by pre-commit on a
small course repository (with the coursekit of this checkout, so no install from the network)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(ROOT), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    return subprocess.run([str(BIN / "pre-commit"), *args], cwd=cwd, text=True, capture_output=True,
                          timeout=600, env=env)


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                            GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org"))


def test_pre_commit_accepts_the_hooks_file(tmp_path: Path):
    result = pre_commit("validate-manifest", str(HOOKS), cwd=ROOT, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_rejects_a_broken_hooks_file(tmp_path: Path):
    broken = tmp_path / "hooks.yaml"
    broken.write_text(HOOKS.read_text().replace("language: python", "language: pyhton", 1))
    result = pre_commit("validate-manifest", str(broken), cwd=ROOT, home=tmp_path)
    assert result.returncode == 1
    assert "pyhton" in result.stdout + result.stderr


def test_the_hooks_offer_labs_check_and_a_strict_build():
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text())}
    assert hooks["coursekit-labs-check"]["entry"].startswith("coursekit labs check")
    assert hooks["coursekit-build"]["entry"].startswith("coursekit build --strict")
    assert all(h["pass_filenames"] is False for h in hooks.values())  # whole-course checks


@pytest.fixture
def hook_repo(tmp_path: Path) -> Path:
    """The hooks file as a repository pre-commit can try, its hooks run with this checkout's
    coursekit (language: system) instead of a fresh pip install of it."""
    repo = tmp_path / "hooks"
    repo.mkdir()
    (repo / ".pre-commit-hooks.yaml").write_text(
        HOOKS.read_text().replace("language: python", "language: system"))
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "hooks", cwd=repo)
    return repo


@pytest.fixture
def course_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "course"
    (repo / "slides").mkdir(parents=True)
    (repo / "slides" / "deck.yml").write_text("title: Hooks\ncontent:\n- - ch.md\n")
    (repo / "slides" / "ch.md").write_text(
        "# Pods\n\n.lab[\n\n- List them:\n  ```bash\n  kubectl get pods\n  ```\n\n]\n")
    (repo / ".gitignore").write_text("dist/\n")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "course", cwd=repo)
    return repo


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("git"), reason="pre-commit needs git")
@pytest.mark.parametrize("hook", [pytest.param("coursekit-labs-check", marks=pytest.mark.kubectl),
                                  "coursekit-build"])
def test_each_hook_passes_a_good_course_and_stops_a_broken_one(hook: str, hook_repo: Path,
                                                               course_repo: Path, tmp_path: Path):
    home = tmp_path / "pre-commit-home"
    good = pre_commit("try-repo", str(hook_repo), hook, "--all-files", cwd=course_repo, home=home)
    assert good.returncode == 0, good.stdout + good.stderr
    name = {h["id"]: h["name"] for h in yaml.safe_load(HOOKS.read_text())}[hook]
    assert re.search(rf"^{re.escape(name)}\.+Passed$", good.stdout, re.M), good.stdout
    chapter = course_repo / "slides" / "ch.md"
    if hook == "coursekit-build":
        chapter.write_text(chapter.read_text() + "\n---\n\n.lab[\n\n- never closed\n")
        expected = "slides/ch.md:"
    else:
        chapter.write_text(chapter.read_text().replace("kubectl get", "kubeclt get"))
        expected = "kubeclt"
    git("add", "-A", cwd=course_repo)
    bad = pre_commit("try-repo", str(hook_repo), hook, "--all-files", cwd=course_repo, home=home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and expected in bad.stdout
