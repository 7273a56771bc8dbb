"""Where kubectl's grammar is kept between runs: one JSON file per kubectl version.

Learning the grammar costs seconds of kubectl runs; reading it back costs milliseconds. The
version of a kubectl binary is itself remembered by the binary's path, size and modification
time, so a warm check does not even start kubectl to ask it. When it must be learnt, it can be
learnt in a process of its own (`GrammarLoader`) while the caller does something else: `labs
check` compiles the chapters meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from builder.files import write_atomic
from builder.labs.kubectl.grammar import KubectlGrammar
from builder.labs.kubectl.learn import FORMAT, learn
from builder.labs.kubectl.run import client_version, find_kubectl


def cache_dir_of(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return cache_dir
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coursekit"


def cache_file(cache_dir: Path | None, version: str, what: str = "") -> Path:
    """Where the grammar (or, with `what`, another fact) of one kubectl version is kept."""
    safe = re.sub(r"[^\w.+-]", "_", version)
    return cache_dir_of(cache_dir) / f"kubectl-{safe}{'-' + what if what else ''}.json"


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict) -> None:
    """Atomically, so that parallel checks never read half a cache; a read-only cache only costs
    learning again next time."""
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps(data, separators=(",", ":")))


def _read_grammar(path: Path, version: str) -> dict | None:
    data = read_json(path)
    if data is None or data.get("format") != FORMAT or data.get("version") != version:
        return None
    return data


def kubectl_version(kubectl: str, cache_dir: Path | None = None) -> str:
    """kubectl's own version, remembered by its binary's identity (path, size, mtime)."""
    try:
        real = os.path.realpath(kubectl)
        st = os.stat(real)
    except OSError:
        return client_version(kubectl)  # says what is wrong with it
    identity = f"{real}:{st.st_size}:{st.st_mtime_ns}"
    known_path = cache_dir_of(cache_dir) / "kubectl-versions.json"
    known = read_json(known_path) or {}
    version = known.get(identity)
    if not isinstance(version, str):
        version = client_version(kubectl)
        known = {k: v for k, v in known.items() if not k.startswith(real + ":")}
        write_json(known_path, {**known, identity: version})
    return version


def load_grammar(kubectl: str | None = None, cache_dir: Path | None = None,
                 version: str | None = None) -> KubectlGrammar:
    """The grammar of this kubectl: read from the cache, else learnt from kubectl and cached.

    Given `version`, kubectl is not even looked for, so a cached grammar loads without kubectl.
    """
    if version is None:
        kubectl = kubectl or find_kubectl()
        version = kubectl_version(kubectl, cache_dir)
    path = cache_file(cache_dir, version)
    data = _read_grammar(path, version)
    if data is None:
        data = learn(kubectl or find_kubectl(), version)
        write_json(path, data)
    return KubectlGrammar(data)


class GrammarLoader:
    """The grammar of this kubectl, read from the cache or learnt in the background: `start`
    before other work, `grammar()` when it is needed (it waits, then loads as `load_grammar`)."""

    def __init__(self, kubectl: str, cache_dir: Path | None = None) -> None:
        self.kubectl = kubectl
        self.cache_dir = cache_dir
        self.version = kubectl_version(kubectl, cache_dir)
        self._learner: subprocess.Popen[bytes] | None = None

    def start(self) -> GrammarLoader:
        path = cache_file(self.cache_dir, self.version)
        if _read_grammar(path, self.version) is None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                learner = [sys.executable, "-m", "builder.labs.kubectl.learn"]
                self._learner = subprocess.Popen([*learner, self.kubectl, self.version, str(path)],
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL)
        return self

    def grammar(self) -> KubectlGrammar:
        """Once the learner is done; what it could not learn is learnt here, with its error."""
        if self._learner is not None:
            self._learner.wait()
            self._learner = None
        return load_grammar(self.kubectl, self.cache_dir, self.version)

    def stop(self) -> None:
        """The caller gave up: the learner goes too (its kubectl runs end within a second)."""
        if self._learner is not None:
            self._learner.terminate()
            self._learner.wait()
            self._learner = None
