"""Where labs run: a throwaway kind cluster, a context the user named, or no cluster at all.

Every run has its own HOME (where `~/container.training` links to the repository) and its own
KUBECONFIG, so a lab can never reach a cluster the user did not name: with `none` the kubeconfig
does not exist, with `current` it holds only the named context, with `kind` only the new cluster.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from builder.diagnostics import CourseError
from builder.labs.kubectl.run import find_kubectl

NODE_READY_SECONDS = 300
KIND_CONFIG = "kind-cluster.yaml"  # one control plane and three workers (consul-2 needs three)


def _kubectl() -> str:
    try:
        return find_kubectl()
    except CourseError:
        return "kubectl"


def kind_config() -> Path:
    """The node configuration shipped with coursekit (also used by the CI workflow)."""
    return Path(str(resources.files("builder.labs").joinpath(KIND_CONFIG)))


def lab_path() -> str:
    """PATH for the labs: the user's, plus the folder of the kubectl coursekit uses (the
    pinned wheel's, when none is installed system-wide)."""
    path = os.environ.get("PATH", os.defpath)
    if shutil.which("kubectl", path=path) is None:
        with contextlib.suppress(CourseError):
            path = f"{Path(find_kubectl()).parent}{os.pathsep}{path}"
    return path


def _run(args: list[str], env: dict[str, str] | None = None, timeout: float = 600,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    if args[0] == "kubectl":
        args = [_kubectl(), *args[1:]]
    try:
        result = subprocess.run(args, env=env, text=True, capture_output=True, timeout=timeout)
    except FileNotFoundError:
        raise CourseError("--cluster", None, f"{Path(args[0]).name} is not installed") from None
    except subprocess.TimeoutExpired:
        raise CourseError("--cluster", None, f"`{' '.join(args)}` took more than {timeout:g} s") from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise CourseError("--cluster", None, f"`{' '.join(args[:4])} ...` failed: "
                          f"{detail[-1] if detail else 'exit status ' + str(result.returncode)}")
    return result


@dataclass
class Target:
    """The run's private world: HOME, KUBECONFIG, and the cluster behind it (if any)."""

    mode: str  # "none", "kind" or "current"
    repo: Path
    prefix: str = "~/container.training"
    context: str | None = None
    reuse: str | None = None
    keep: bool = False
    name: str = ""  # kind cluster name, or the context
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="coursekit-labs-")))
    created: bool = False

    @property
    def home(self) -> Path:
        return self.workdir / "home"

    @property
    def kubeconfig(self) -> Path:
        return self.workdir / "kubeconfig"

    # -- set up and tear down --------------------------------------------------------------

    def check(self) -> None:
        """Everything that can fail without creating anything: run before the preflight."""
        if self.mode == "current":
            self._current()
        elif self.mode == "kind" and shutil.which("kind") is None:
            raise CourseError("--cluster", None, "kind is not installed (https://kind.sigs.k8s.io); "
                              "it also needs a running Docker engine")
        elif self.mode not in ("none", "kind"):
            raise CourseError("--cluster", None, f"unknown cluster mode {self.mode!r}")

    def open(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        link = self.home / self.prefix.removeprefix("~/").removeprefix("$HOME/")
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(self.repo.resolve(), target_is_directory=True)
        if self.mode == "kind":
            self._kind()
        # none: the kubeconfig file does not exist, kubectl reaches nothing;
        # current: check() already wrote the named context into the run's kubeconfig.

    def _current(self) -> None:
        if not self.context:
            raise CourseError("--cluster", None, "--cluster current needs --context NAME: "
                              "labs only run on a cluster you name")
        # Only the named context is copied; nothing contacts the cluster here.
        result = _run(["kubectl", "config", "view", "--minify", "--flatten", "--raw",
                       "--context", self.context], check=False)
        if result.returncode != 0 or "clusters:" not in result.stdout:
            raise CourseError("--context", None, f"context {self.context!r} not found in your "
                              "kubeconfig (see `kubectl config get-contexts`)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.kubeconfig.write_text(result.stdout)
        self.kubeconfig.chmod(0o600)
        self.name = self.context

    def _kind(self) -> None:
        env = self.env()
        if self.reuse:
            clusters = _run(["kind", "get", "clusters"]).stdout.split()
            if self.reuse not in clusters:
                raise CourseError("--reuse", None, f"no kind cluster named {self.reuse!r} "
                                  f"(have: {', '.join(clusters) or 'none'})")
            self.name = self.reuse
            self.kubeconfig.write_text(_run(["kind", "get", "kubeconfig", "--name", self.name]).stdout)
        else:
            self.name = f"coursekit-{secrets.token_hex(3)}"
            _run(["kind", "create", "cluster", "--name", self.name, "--config", str(kind_config()),
                  "--kubeconfig", str(self.kubeconfig)], env=env, timeout=900)
            self.created = True
        _run(["kubectl", "wait", "--for=condition=Ready", "nodes", "--all",
              f"--timeout={NODE_READY_SECONDS}s"], env=env, timeout=NODE_READY_SECONDS + 30)

    def close(self) -> None:
        if self.created and not self.keep:
            _run(["kind", "delete", "cluster", "--name", self.name], check=False, timeout=300)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- per chapter -----------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update(HOME=str(self.home), KUBECONFIG=str(self.kubeconfig), TERM="xterm-256color",
                   LANG=env.get("LANG", "C.UTF-8"), PATH=lab_path())
        return env

    def enter(self, chapter_path: str, index: int) -> str | None:
        """A fresh namespace for the chapter, made the default of the run's kubeconfig."""
        if self.mode == "none":
            return None
        stem = re.sub(r"[^a-z0-9]+", "-", Path(chapter_path).stem.lower()).strip("-")[:40] or "lab"
        namespace = f"ck-{index:02d}-{stem}"
        env = self.env()
        _run(["kubectl", "create", "namespace", namespace], env=env, timeout=120)
        _run(["kubectl", "config", "set-context", "--current", f"--namespace={namespace}"], env=env)
        return namespace

    def leave(self, namespace: str | None) -> None:
        if namespace is None or self.keep:
            return
        _run(["kubectl", "delete", "namespace", namespace, "--wait=false"], env=self.env(),
             check=False, timeout=120)

    def diagnostics(self, namespace: str | None) -> str:
        """What a trainer looks at first when a lab fails on a cluster."""
        if namespace is None:
            return ""
        env = self.env()
        parts = []
        for title, args in (("pods", ["get", "pods", "-o", "wide"]),
                            ("events", ["get", "events", "--sort-by=.lastTimestamp"])):
            result = _run(["kubectl", "-n", namespace, *args], env=env, check=False, timeout=60)
            lines = (result.stdout or result.stderr).strip().splitlines()[-30:]
            parts.append(f"--- {title} in namespace {namespace} ---\n" + "\n".join(lines))
        return "\n".join(parts)
