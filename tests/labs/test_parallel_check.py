"""`labs check` of a big course checks its chapters side by side, in worker processes: it says
exactly what one process says, and keeps what the workers learnt from kubectl.

Real CLI, real kubectl (behind a wrapper that logs each run), real files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.labs.check import PARALLEL_MIN

pytestmark = pytest.mark.kubectl

CHAPTERS = PARALLEL_MIN + 6

# One lab per chapter; a few chapters hold a defect of each kind the checks report.
LABS = {
    3: "kubectl aply -f pod.yaml",  # unknown command
    7: "kubectl get pods --wide",  # unknown flag
    11: "kubectl apply -f ~/container.training/k8s/bad.yaml",  # a manifest's finding
    17: "kubectl scale deployment web --replicas=3 --record",  # a flag kubectl hides: a warning
    23: "kubectll get pods",  # a typo of a program
    26: "kubectl apply -f ~/container.training/k8s/bad.yaml",  # the same file, a later lab
}
BAD = """\
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containerz:
  - name: web
    image: nginx
"""


def chapter(n: int) -> str:
    command = LABS.get(n, f"kubectl get pods -l chapter={n}")
    return f"# Chapter {n}\n\n.lab[\n\n- Run:\n  ```bash\n  {command}\n  ```\n\n]\n"


@pytest.fixture
def repo(course) -> Path:
    names = [f"c{n:02d}.md" for n in range(CHAPTERS)]
    course.write("slides/deck.yml", "content:\n- - " + "\n  - ".join(names) + "\n")
    for n, name in enumerate(names):
        course.write(f"slides/{name}", chapter(n))
    course.write("k8s/bad.yaml", BAD)
    return course.root


@pytest.fixture
def logged_kubectl(tmp_path: Path) -> tuple[Path, Path]:
    """A kubectl that logs its arguments, a line per run, then runs the real one."""
    real = subprocess.run(["sh", "-c", "command -v kubectl"], capture_output=True, text=True).stdout.strip()
    if not real:
        pytest.skip("no kubectl on PATH")
    log = tmp_path / "kubectl.log"
    wrapper = tmp_path / "bin" / "kubectl"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, log


def check(repo: Path, cache: Path, *args: str, tmp: Path | None = None) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    result = subprocess.run([sys.executable, "-m", "builder", "labs", "check", *args, "--repo", str(repo)],
                            cwd=repo, text=True, capture_output=True, timeout=300, env=env)
    assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
    return result.stdout


def test_workers_say_what_one_process_says(repo, tmp_path):
    cache = tmp_path / "cache"
    alone = check(repo, cache, "--jobs", "1", "--no-cache")
    side_by_side = check(repo, cache, "--jobs", "2", "--no-cache")
    assert side_by_side == alone
    for n, what in ((3, 'unknown command "aply"'), (7, "--wide"), (23, "kubectll"), (17, "--record")):
        assert f"slides/c{n:02d}.md:7: " in alone and what in alone
    # The manifest's finding is reported once, naming both labs that apply the file.
    (finding,) = [line for line in alone.splitlines() if line.startswith("k8s/bad.yaml:")]
    assert "containerz" in finding
    # What the workers kept is what a check in one process says.
    assert check(repo, cache, "--jobs", "2") == alone


def test_what_a_worker_learnt_from_kubectl_is_kept(repo, tmp_path, logged_kubectl):
    kubectl, log = logged_kubectl
    cache = tmp_path / "cache"
    first = check(repo, cache, "--jobs", "2", "--kubectl", str(kubectl))
    assert "--record" in first
    asked = log.read_text().splitlines()
    assert any("--record" in line for line in asked)  # a hidden flag: asked during the check
    log.write_text("")
    again = check(repo, cache, "--jobs", "2", "--no-cache", "--kubectl", str(kubectl))
    assert again == first
    assert not any("--record" in line or "--help" in line for line in log.read_text().splitlines())


def test_workers_learn_what_a_warm_cache_lacks(repo, tmp_path):
    """kubectl's cache already holds what another course used: the commands this one adds are
    learnt by the workers (threads of their own, after the fork), and kept."""
    cache = tmp_path / "cache"
    other = tmp_path / "other"
    (other / "slides").mkdir(parents=True)
    (other / "slides" / "deck.yml").write_text("content:\n- - a.md\n")
    (other / "slides" / "a.md").write_text(chapter(0))
    check_other = subprocess.run([sys.executable, "-m", "builder", "labs", "check", "--repo", str(other)],
                                 env={**os.environ, "XDG_CACHE_HOME": str(cache)}, capture_output=True,
                                 text=True, timeout=300)
    assert check_other.returncode == 0, check_other.stdout + check_other.stderr
    (facts,) = [p for p in (cache / "coursekit").glob("kubectl-v*.json") if p.name != "kubectl-versions.json"]
    assert "scale" not in json.loads(facts.read_text())["helps"]
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    side_by_side = check(repo, cache, "--jobs", "2", tmp=temporary)
    assert "scale" in json.loads(facts.read_text())["helps"]  # learnt by a worker, kept
    assert list(temporary.iterdir()) == []  # the workers' kubectl homes are gone with them
    assert side_by_side == check(repo, tmp_path / "fresh", "--jobs", "1", "--no-cache")
    assert check(repo, cache, "--jobs", "2", "--no-cache") == side_by_side
