"""`coursekit labs check` reports the rules' findings with the file, the line and the applying lab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

BROKEN = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
      - name: web_server
        image: nginx
        imagePullPolicy: Sometimes
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
"""


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def labs(*args: str, repo: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "builder", "labs", *args, "--repo", str(repo)],
                          text=True, capture_output=True, env=env, timeout=300, cwd=repo)


def course(root: Path) -> Path:
    (root / "k8s").mkdir(parents=True)
    (root / "slides").mkdir()
    (root / "k8s" / "web.yaml").write_text(BROKEN)
    (root / "slides" / "deck.yml").write_text("content:\n- ch.md\n")
    (root / "slides" / "ch.md").write_text(
        "# Web\n\n.lab[\n```bash\nkubectl apply -f ~/container.training/k8s/web.yaml\n```\n]\n\n"
        ".lab[\n```bash\nkubectl apply -f- <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
        "spec:\n  ports:\n  - port: 80\n  - port: 443\nEOF\n```\n]\n")
    return root


def test_rule_findings_name_the_file_line_and_lab(tmp_path, cache_home):
    repo = course(tmp_path / "course")
    verdicts = tmp_path / "verdicts.json"
    result = labs("check", "--verdicts", str(verdicts), repo=repo, cache=cache_home)
    assert result.returncode == 1
    out = result.stdout
    assert ('k8s/web.yaml:10: document 1 (Deployment web): spec.template.metadata.labels: Invalid value: '
            'map[string]string{"app":"frontend"}: `selector` does not match template `labels` '
            "(applied at slides/ch.md:5)") in out
    assert 'k8s/web.yaml:13: document 1 (Deployment web): spec.template.spec.containers[0].name: ' \
           'Invalid value: ' \
           '"web_server"' in out
    assert 'k8s/web.yaml:15: document 1 (Deployment web): ' \
           'spec.template.spec.containers[0].imagePullPolicy: ' \
           'Unsupported value: "Sometimes"' in out
    assert "slides/ch.md:18: document 1 (Service web): spec.ports[0].name: Required value" in out
    rows = json.loads(verdicts.read_text())
    by_doc = {(r["file"], r["index"]): r for r in rows}
    deployment = by_doc[("k8s/web.yaml", 1)]
    assert deployment["verdict"] == "reject" and len(deployment["errors"]) == 3
    assert by_doc[("k8s/web.yaml", 2)]["verdict"] == "accept"
    service = by_doc[("slides/ch.md", 1)]
    assert service["verdict"] == "reject" and service["line"] == 12
    assert "kind: Service" in service["here_document"]


def test_the_course_checks_clean_with_the_rules(cache_home):
    result = labs("check", repo=ROOT, cache=cache_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 errors, 0 warnings" in result.stdout
