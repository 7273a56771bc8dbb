"""`coursekit labs check` on the real course and on broken copies of it (real kubectl, real
schemas, real files; no cluster)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cache_home(tmp_path_factory) -> Path:
    """kubectl's grammar is learnt once per test session, into a private cache."""
    return tmp_path_factory.mktemp("cache")


def labs(*args: str, repo: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "builder", "labs", *args, "--repo", str(repo)],
                          text=True, capture_output=True, env=env, timeout=300, cwd=repo)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    repo = tmp_path / "course"
    for name in ("slides", "k8s"):
        shutil.copytree(ROOT / name, repo / name)
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().split("\n"), 1) if needle in line)


def test_the_course_passes(cache_home, tmp_path):
    junit = tmp_path / "labs.xml"
    result = labs("check", "--junit", str(junit), repo=ROOT, cache=cache_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": 0 errors, 0 warnings, 0 notes [" in result.stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests")) >= 4 and suite.get("failures") == "0"


def test_misspelt_statefulset_field(copy, cache_home):
    manifest = copy / "k8s" / "consul-1.yaml"
    edit(manifest, "serviceName:", "serviceNme:")
    result = labs("check", repo=copy, cache=cache_home)
    assert result.returncode == 1
    lab_line = line_of(copy / "slides/k8s/consul.md",
                       "kubectl apply -f ~/container.training/k8s/consul-1.yaml")
    hits = [line for line in result.stdout.splitlines() if "serviceNme" in line]
    assert hits and hits[0].startswith("k8s/consul-1.yaml:")
    assert "StatefulSet consul" in hits[0] and '"serviceName"' in hits[0]
    assert f"slides/k8s/consul.md:{lab_line}" in hits[0]


def test_kubectl_typo(copy, cache_home):
    chapter = copy / "slides/k8s/consul.md"
    edit(chapter, "kubectl apply -f ~/container.training/k8s/consul-1.yaml",
         "kubectl aply -f ~/container.training/k8s/consul-1.yaml")
    result = labs("check", repo=copy, cache=cache_home)
    assert result.returncode == 1
    line = line_of(chapter, "kubectl aply")
    assert f'slides/k8s/consul.md:{line}: kubectl: unknown command "aply"' in result.stdout
    assert '"apply"' in result.stdout


def test_missing_file(copy, cache_home):
    chapter = copy / "slides/k8s/consul.md"
    edit(chapter, "k8s/consul-2.yaml\n", "k8s/consul-9.yaml\n")
    result = labs("check", repo=copy, cache=cache_home)
    assert result.returncode == 1
    line = line_of(chapter, "consul-9.yaml")
    assert (f"slides/k8s/consul.md:{line}: file not found: k8s/consul-9.yaml "
            "(from ~/container.training/k8s/consul-9.yaml)") in result.stdout


def test_removed_api_version(copy, cache_home):
    manifest = copy / "k8s" / "consul-2.yaml"
    edit(manifest, "apiVersion: apps/v1\nkind: StatefulSet",
         "apiVersion: extensions/v1beta1\nkind: StatefulSet")
    result = labs("check", repo=copy, cache=cache_home)
    assert result.returncode == 1
    hits = [line for line in result.stdout.splitlines() if "extensions/v1beta1" in line]
    assert hits and hits[0].startswith("k8s/consul-2.yaml:")
    assert "removed" in hits[0] and "apps/v1" in hits[0]


def test_misspelt_affinity_fragment_on_a_slide(copy, cache_home):
    chapter = copy / "slides/k8s/consul.md"
    edit(chapter, "topologyKey: kubernetes.io/hostname", "topologyKy: kubernetes.io/hostname")
    result = labs("check", repo=copy, cache=cache_home)
    assert result.returncode == 1
    hits = [line for line in result.stdout.splitlines() if "topologyKy" in line]
    assert hits and hits[0].startswith("slides/k8s/consul.md:")
    assert "topologyKey" in hits[0]


def test_lab_mistakes(course, cache_home):
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", """\
        # Labs

        .lab[
        - nothing to run here
        ]

        .lab[
        ```wait Ready```
        <!--
        ```wiat Ready```
        ```key Escpe```
        -->
        ```bash
        kubeclt get pods
        ```
        ```bash
        cat ~/container-training/k8s/x.yaml
        ```
        ]
        """)
    result = labs("check", repo=course.root, cache=cache_home)
    assert result.returncode == 1
    out = result.stdout
    assert "slides/ch.md:3:" not in out  # a lab of prose alone is fine
    assert "slides/ch.md:10: unknown lab directive 'wiat' (did you mean 'wait'?)" in out
    assert "slides/ch.md:11: unknown key name 'Escpe' (did you mean 'Escape'?)" in out
    assert "slides/ch.md:14: unknown program 'kubeclt' (did you mean 'kubectl'?)" in out
    assert ("slides/ch.md:17: path ~/container-training/k8s/x.yaml does not start with "
            "~/container.training/ (did you mean ~/container.training/k8s/x.yaml?)") in out


def test_wait_needs_a_running_command(course, cache_home):
    course.write("slides/deck.yml", "content:\n- ch.md\n")
    course.write("slides/ch.md", ".lab[\n<!-- ```wait Ready``` -->\n```bash\nls\n```\n]\n")
    result = labs("check", repo=course.root, cache=cache_home)
    assert "slides/ch.md:2: wait 'Ready' has no running command before it" in result.stdout


def test_list_json_has_every_step(cache_home):
    result = labs("list", "--format", "json", repo=ROOT, cache=cache_home)
    assert result.returncode == 0
    steps = json.loads(result.stdout)
    assert {"file", "line", "method", "data", "hidden", "chapter"} <= set(steps[0])
    wait = next(s for s in steps if s["method"] == "wait")
    assert wait == {**wait, "data": "Synced node info", "hidden": True,
                    "chapter": "slides/k8s/consul.md"}
    members = [s for s in steps if s["data"] == "kubectl exec consul-0 -- consul members"]
    assert members and members[0]["file"] == "slides/k8s/consul.md"


def test_list_a_single_chapter_outside_the_repo(tmp_path, cache_home):
    chapter = tmp_path / "extra.md"
    chapter.write_text(".lab[\n```bash\necho `hello`\n```\n]\n")
    result = labs("list", str(chapter), repo=ROOT, cache=cache_home)
    assert result.returncode == 0
    assert f"{chapter.resolve()}:3: bash: echo hello" in result.stdout


def test_directories_globs_and_raw_urls_of_the_repo(course, cache_home):
    course.write("k8s/app/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    course.write("k8s/app/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetdata:\n  name: b\n")
    course.write("slides/deck.yml", "gitrepo: github.com/org/course\ncontent:\n- ch.md\n")
    course.write("slides/ch.md", """\
        .lab[
        ```bash
        kubectl apply -f ~/container.training/k8s/app/
        kubectl apply -f ~/container.training/k8s/app/*.yaml
        kubectl apply -f https://raw.githubusercontent.com/org/course/main/k8s/app/a.yaml
        kubectl apply -f https://raw.githubusercontent.com/org/course/main/k8s/app/c.yaml
        ```
        ]
        """)
    result = labs("check", repo=course.root, cache=cache_home)
    out = result.stdout
    assert 'k8s/app/b.yaml:3: document 1 (ConfigMap): metdata: unknown field "metdata"' in out
    assert sum("metdata" in line for line in out.splitlines()) == 1  # once, however many uses
    assert ("slides/ch.md:6: file not found: k8s/app/c.yaml (from https://raw.githubusercontent.com"
            "/org/course/main/k8s/app/c.yaml)") in out


def test_here_document_manifest_is_validated(course, cache_home):
    course.write("slides/deck.yml", "content:\n- ch.md\n")
    course.write("slides/ch.md", """\
        .lab[
        ```bash
        kubectl apply -f- <<EOF
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            imagee: nginx
        EOF
        ```
        ]
        """)
    result = labs("check", repo=course.root, cache=cache_home)
    assert result.returncode == 1
    assert ("slides/ch.md:11: document 1 (Pod web): spec.containers[0].imagee: unknown field"
            in result.stdout)


def test_unclosed_fence_is_a_warning_of_the_check(course, cache_home):
    """remark shows it (the fence runs to the end of its lab): a warning, not a failure."""
    course.write("slides/deck.yml", "content:\n- ch.md\n")
    course.write("slides/ch.md", ".lab[\n```bash\nls\n]\n---\nnext\n")
    result = labs("check", repo=course.root, cache=cache_home)
    assert result.returncode == 0
    assert "slides/ch.md:2: warning: code fence is never closed" in result.stdout
