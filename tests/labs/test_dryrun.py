"""The dry-run comparison: kubectl's answers sorted, compared with the checker's verdicts, reported.

No cluster runs here. The server's answers below are recorded in the shapes kubectl prints them
(422 validation, 400 decoding, 404 namespace); the real kubectl is run only against a kubeconfig
whose server does not answer, to show the command asks the named context and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.labs import dryrun
from builder.yamltext import load_documents


def load_yaml_documents(text: str) -> list[tuple[int, object]]:
    """(first line, data) of each document, through the one YAML loader."""
    documents, error = load_documents(text)
    assert error is None, error
    return [(d.line, d.data) for d in documents]

ROOT = Path(__file__).resolve().parents[2]

INVALID = ('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
           'map[string]string{"app":"frontend"}: `selector` does not match template `labels`')
UNDECODABLE = ('Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be '
               "handled as a Pod: quantities must match the regular expression "
               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
STRICT = ('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be '
          'handled as a Deployment: strict decoding error: unknown field "spec.replica"')
NO_NAMESPACE = 'Error from server (NotFound): error when creating "STDIN": namespaces "shop" not found'
NO_CRD = ('error: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind '
          '"Certificate" in version "cert-manager.io/v1"\nensure CRDs are installed first')


def verdict(index: int, verdict: str, file: str = "k8s/app.yaml") -> dryrun.Verdict:
    return dryrun.Verdict(file, index, index * 10, "Deployment", f"d{index}", verdict,
                          ("spec.x: Invalid value",) if verdict == "reject" else ())


def test_kubectl_answers_are_sorted():
    assert dryrun.classify(0, "deployment.apps/web created (server dry run)").verdict == "accept"
    assert dryrun.classify(1, INVALID).verdict == "reject"
    assert dryrun.classify(1, UNDECODABLE).verdict == "reject"
    assert dryrun.classify(1, STRICT).verdict == "reject"
    assert dryrun.classify(1, NO_NAMESPACE).verdict == "inconclusive"
    assert dryrun.classify(1, NO_CRD).verdict == "inconclusive"
    refused = "The connection to the server 127.0.0.1:1 was refused"
    assert dryrun.classify(1, refused).verdict == "inconclusive"


def test_disagreements_in_both_directions_are_reported():
    verdicts = [verdict(1, "reject"), verdict(2, "accept"), verdict(3, "reject"), verdict(4, "accept"),
                verdict(5, "accept")]
    answers = {
        "k8s/app.yaml#1": dryrun.ServerAnswer("accept", "deployment.apps/d1 created (server dry run)"),
        "k8s/app.yaml#2": dryrun.ServerAnswer("reject", INVALID),
        "k8s/app.yaml#3": dryrun.ServerAnswer("reject", INVALID),
        "k8s/app.yaml#4": dryrun.ServerAnswer("accept", "ok"),
        "k8s/app.yaml#5": dryrun.ServerAnswer("inconclusive", NO_NAMESPACE),
    }
    found = dryrun.compare(verdicts, answers)
    directions = [(d.document.index, d.direction.split(" (")[0]) for d in found]
    assert directions == [(1, "false alarm"), (2, "missed")]
    page = dryrun.report(verdicts, answers, found)
    assert "5 documents; 2 agree, 2 disagree, 1 inconclusive." in page
    assert "## False alarms (checker rejects, API server accepts): 1" in page
    assert "## Missed (API server rejects, checker accepts): 1" in page
    assert "k8s/app.yaml:20 document 2 (Deployment d2)" in page and "`selector` does not match" in page
    assert '- k8s/app.yaml:50 document 5 (Deployment d5): Error from server (NotFound)' in page


def test_each_document_is_sent_alone_as_written(tmp_path):
    text = (ROOT / "k8s" / "consul-3.yaml").read_text(encoding="utf-8")
    parts = dryrun.split_documents("---\n# empty first\n---\n" + text)
    assert len(parts) == len(load_yaml_documents(text)) == 5
    assert [load_yaml_documents(p)[0][1] for p in parts] == [d for _, d in load_yaml_documents(text)]
    assert parts[4].startswith("apiVersion: apps/v1\nkind: StatefulSet")
    here = dryrun.Verdict("slides/ch.md", 2, 12, "Service", "web", "accept",
                          here_document="kind: A\n---\nkind: B\nmetadata: {name: b}\n")
    assert dryrun.document_text(here, tmp_path) == "kind: B\nmetadata: {name: b}\n"


@pytest.mark.kubectl
def test_dry_run_asks_only_the_named_context(tmp_path):
    """The real kubectl, a kubeconfig whose server refuses connections: every answer is inconclusive,
    none is invented, and the exit status is 0 (no disagreement)."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
        "users:\n- name: u\n  user: {token: x}\n"
        "contexts:\n- name: nowhere\n  context: {cluster: c, user: u}\n"
        "current-context: nowhere\n")
    verdicts = tmp_path / "verdicts.json"
    verdicts.write_text(json.dumps([
        {"file": "k8s/consul-1.yaml", "index": 4, "line": 27, "kind": "Service", "name": "consul",
         "verdict": "accept", "errors": []}]))
    env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
    report = tmp_path / "dry-run.md"
    result = subprocess.run([sys.executable, "-m", "builder", "labs", "dry-run", "--repo", str(ROOT),
                             "--verdicts", str(verdicts), "--context", "nowhere", "--report", str(report),
                             "--json", str(tmp_path / "dry-run.json")],
                            text=True, capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 documents; 0 agree, 0 disagree, 1 inconclusive." in result.stdout
    assert "k8s/consul-1.yaml:27 document 4 (Service consul)" in report.read_text()
    rows = json.loads((tmp_path / "dry-run.json").read_text())["documents"]
    assert rows[0]["server"] == "inconclusive" and "127.0.0.1:1" in rows[0]["server_output"]
