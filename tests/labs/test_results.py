"""`labs check` keeps each chapter's result between runs: what did not change is not checked
again, and whatever changed (a chapter, a manifest, a program installed since) is.

Real CLI, real kubectl grammar, real files; every warm run is compared with `--no-cache`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.labs.results import cache_file, repository_state

pytestmark = pytest.mark.kubectl  # `labs check` asks kubectl its version

DECK = "content:\n- - a.md\n  - b.md\n"
CHAPTER_A = """\
# A

.lab[

- Deploy:
  ```bash
  kubectl apply -f ~/container.training/k8s/web.yaml
  ```

]
"""
CHAPTER_B = """\
# B

.lab[

- Look:
  ```bash
  kubectl get pods
  ```

]
"""
WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
"""


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def repo(course) -> Path:
    course.write("slides/deck.yml", DECK)
    course.write("slides/a.md", CHAPTER_A)
    course.write("slides/b.md", CHAPTER_B)
    course.write("k8s/web.yaml", WEB)
    return course.root


def check(repo: Path, cache: Path, *args: str, path: str | None = None) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    if path is not None:
        env["PATH"] = path
    result = subprocess.run([sys.executable, "-m", "builder", "labs", "check", *args, "--repo", str(repo)],
                            cwd=repo, text=True, capture_output=True, timeout=300, env=env)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    return result.stdout


def kept(cache: Path, repo: Path) -> Path:
    return cache_file(cache / "coursekit" / "labs", repo)


def test_a_warm_check_says_what_a_fresh_one_says_and_reuses_unchanged_chapters(repo, cache_home):
    first = check(repo, cache_home)
    assert first == check(repo, cache_home) == check(repo, cache_home, "--no-cache")
    assert ": 0 errors, 0 warnings, 0 notes [" in first
    # What a kept result says is what the next check says: plant a finding in chapter b's result.
    path = kept(cache_home, repo)
    data = json.loads(path.read_text())
    planted = ["slides/b.md", 7, "error", "planted in the kept result", [], "test"]
    data["chapters"]["slides/b.md:1"]["result"]["diagnostics"].append(planted)
    path.write_text(json.dumps(data))
    assert "slides/b.md:7: planted in the kept result" in check(repo, cache_home)
    # Editing the chapter drops its kept result.
    (repo / "slides/b.md").write_text(CHAPTER_B.replace("kubectl get pods", "kubectl get pods -o wide"))
    assert "planted" not in check(repo, cache_home)


def test_an_edited_chapter_is_checked_again(repo, cache_home):
    check(repo, cache_home)
    (repo / "slides/b.md").write_text(CHAPTER_B.replace("kubectl get pods", "kubectl aply -f x.yaml"))
    warm = check(repo, cache_home)
    assert 'slides/b.md:7: kubectl: unknown command "aply"' in warm
    assert warm == check(repo, cache_home, "--no-cache")


def test_an_edited_manifest_is_checked_again(repo, cache_home):
    assert ": 0 errors" in check(repo, cache_home)
    (repo / "k8s/web.yaml").write_text(WEB.replace("replicas: 1", "replicaz: 1"))
    warm = check(repo, cache_home)
    assert "k8s/web.yaml:6: " in warm and "replicaz" in warm
    assert warm == check(repo, cache_home, "--no-cache")


def test_a_file_changed_again_within_the_clock_tick_still_changes_the_state(tmp_path):
    """Two writes of the same size can get the same modification time (the kernel's clock is
    coarse): a file written in the last seconds counts by its content."""
    manifest = tmp_path / "k8s" / "web.yaml"
    manifest.parent.mkdir()
    manifest.write_text(WEB)
    before = repository_state(tmp_path, set())
    times = manifest.stat()
    manifest.write_text(WEB.replace("replicas: 1", "replicaz: 1"))
    os.utime(manifest, ns=(times.st_atime_ns, times.st_mtime_ns))  # the same tick
    assert manifest.stat().st_mtime_ns == times.st_mtime_ns and manifest.stat().st_size == times.st_size
    assert repository_state(tmp_path, set()) != before


def test_a_program_installed_since_is_no_longer_a_typo(repo, cache_home, tmp_path_factory):
    (repo / "slides/b.md").write_text(CHAPTER_B.replace("kubectl get pods", "kubectll get pods"))
    bin_dir = tmp_path_factory.mktemp("bin")  # outside the repository
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    assert "unknown program 'kubectll'" in check(repo, cache_home, path=path)
    program = bin_dir / "kubectll"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert "kubectll" not in check(repo, cache_home, path=path)


def test_a_damaged_cache_is_ignored_and_rewritten(repo, cache_home):
    (repo / "slides/b.md").write_text(CHAPTER_B.replace("kubectl get pods", "kubectl aply"))
    fresh = check(repo, cache_home, "--no-cache")
    check(repo, cache_home)
    path = kept(cache_home, repo)
    for damage in ("{not json", json.dumps({"key": "x", "chapters": []}), "[]",
                   path.read_text().replace('"diagnostics":[', '"diagnostics":[7,')):
        path.write_text(damage)
        assert check(repo, cache_home) == fresh
