"""The CI workflows (labs replayed on kind, the course published on GitHub Pages): linted here,
since they only run on GitHub."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "labs.yml"
PAGES = ROOT / ".github" / "workflows" / "pages.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("actionlint", path=str(BIN)) or "actionlint"
    return subprocess.run([exe, str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path):
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow: Path):
    exe = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
    result = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(workflow)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "labs.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace("needs: check", "needs: chek"))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "chek" in result.stdout


def test_kind_job_replays_the_labs_on_the_shipped_node_config():
    flow = yaml.safe_load(WORKFLOW.read_text())
    kind = flow["jobs"]["kind"]
    steps = {s.get("uses", s.get("name")): s for s in kind["steps"]}
    create = steps["helm/kind-action@v1"]["with"]
    config = yaml.safe_load((ROOT / create["config"]).read_text())
    assert [n["role"] for n in config["nodes"]] == ["control-plane", "worker", "worker", "worker"]
    runs = "\n".join(s.get("run", "") for s in kind["steps"])
    assert f"make labs-kind KIND_CLUSTER={create['cluster_name']}" in runs
    assert "stern" in runs
    assert any(s.get("if") == "failure()" and "kind export logs" in s.get("run", "")
               for s in kind["steps"])
    uploads = [s for s in kind["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert "dist/labs-kind.xml" in uploads[0]["with"]["path"]
    assert "dist/labs-kind.html" in uploads[0]["with"]["path"]
    assert kind["strategy"]["matrix"]["shard"]
    check_runs = [s.get("run") for s in flow["jobs"]["check"]["steps"]]
    assert "make test" in check_runs and "make labs" in check_runs


def test_kind_job_compares_labs_check_with_the_api_server():
    """Before the replay, every applied manifest goes to kubectl apply --dry-run=server; the report of
    disagreements is uploaded, and a disagreement fails the job without skipping the replay."""
    kind = yaml.safe_load(WORKFLOW.read_text())["jobs"]["kind"]
    names = [s.get("name", s.get("uses")) for s in kind["steps"]]
    dry = next(s for s in kind["steps"] if s.get("id") == "dry-run")
    assert names.index(dry["name"]) < names.index("Replay the labs")
    # the checker targets the cluster's own release, read from the cluster
    assert 'labs check -q --k8s-version "$server" --verdicts dist/verdicts.json' in dry["run"]
    assert "kubectl version -o json --context kind-coursekit" in dry["run"]
    assert "labs dry-run --verdicts dist/verdicts.json --context kind-coursekit" in dry["run"]
    assert "|| true" not in dry["run"]  # the comparison's exit status fails the job
    replay = next(s for s in kind["steps"] if s.get("name") == "Replay the labs")
    assert "cancelled()" in replay["if"]
    uploads = [s for s in kind["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert any("dist/dry-run.md" in u["with"]["path"] for u in uploads)


def test_the_dry_run_reads_the_release_as_labs_check_takes_it():
    """The one-liner that turns `kubectl version -o json` into `--k8s-version X.Y`, run on what
    kubectl prints (a `+` in the minor version, as some providers report it, is dropped)."""
    dry = next(s for s in yaml.safe_load(WORKFLOW.read_text())["jobs"]["kind"]["steps"]
               if s.get("id") == "dry-run")
    code = dry["run"].split("python3 -c '", 1)[1].split("'", 1)[0]
    for minor, expected in (("33", "1.33"), ("33+", "1.33")):
        answer = json.dumps({"clientVersion": {"major": "1", "minor": "32"},
                             "serverVersion": {"major": "1", "minor": minor}})
        run = subprocess.run([sys.executable, "-c", code], input=answer, text=True,
                             capture_output=True, check=True)
        assert run.stdout.strip() == expected


def _runs(job: dict) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def test_pages_job_builds_strictly_lints_and_deploys_dist_from_main_only():
    flow = yaml.safe_load(PAGES.read_text())
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = _runs(build)
    strict = runs.index(".venv/bin/coursekit build --strict")
    lint = runs.index(".venv/bin/coursekit lint")
    assert strict < lint < runs.index(".venv/bin/coursekit pdf")
    upload = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert [s["with"]["path"] for s in upload] == ["dist/"]
    assert build["steps"].index(upload[0]) == len(build["steps"]) - 1  # only what passed is published
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert flow["permissions"] == {"contents": "read"}  # write access only where it deploys


def test_actionlint_catches_a_broken_pages_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "pages.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(PAGES.read_text().replace("steps.deployment.outputs", "steps.deploy.outputs"))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "deploy" in result.stdout
