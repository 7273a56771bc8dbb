"""kubectl's grammar for a run: its facts kept per kubectl version (`store`), learnt from kubectl
when missing (`facts`).

Learning a command costs kubectl runs; reading it back costs microseconds. The version of a
kubectl binary is itself remembered by the binary's path, size and modification time, so a warm
check does not even start kubectl to ask it (`builder.labs.ahead` loads the grammar for `labs
check`, learning ahead what its course seems to use).
"""

from __future__ import annotations

import os
from pathlib import Path

from builder.labs.kubectl.facts import KubectlFacts
from builder.labs.kubectl.grammar import KubectlGrammar
from builder.labs.kubectl.run import client_version, find_kubectl
from builder.labs.kubectl.store import cache_dir_of, cache_file, read_json, write_json

__all__ = ["cache_dir_of", "cache_file", "known_version", "kubectl_version", "load_grammar"]
VERSIONS = "kubectl-versions.json"


def _identity(kubectl: str) -> tuple[str, str] | None:
    """The binary's real path, and its path, size and modification time: what its version is
    remembered by."""
    try:
        real = os.path.realpath(kubectl)
        st = os.stat(real)
    except OSError:
        return None
    return real, f"{real}:{st.st_size}:{st.st_mtime_ns}"


def known_version(kubectl: str, cache_dir: Path | None = None) -> str | None:
    """kubectl's version as remembered for this very binary, without running it; None if it is not."""
    identity = _identity(kubectl)
    version = (read_json(cache_dir_of(cache_dir) / VERSIONS) or {}).get(identity[1]) if identity else None
    return version if isinstance(version, str) else None


def kubectl_version(kubectl: str, cache_dir: Path | None = None) -> str:
    """kubectl's own version, remembered by its binary's identity (path, size, mtime)."""
    version = known_version(kubectl, cache_dir)
    if version is not None:
        return version
    version = client_version(kubectl)  # says what is wrong with kubectl, if anything
    identity = _identity(kubectl)
    if identity is not None:
        real, key = identity
        known_path = cache_dir_of(cache_dir) / VERSIONS
        known = {k: v for k, v in (read_json(known_path) or {}).items() if not k.startswith(real + ":")}
        write_json(known_path, {**known, key: version})
    return version


def load_grammar(kubectl: str | None = None, cache_dir: Path | None = None,
                 version: str | None = None) -> KubectlGrammar:
    """The whole grammar of this kubectl, every command learnt (from the cache, else from kubectl)
    and cached: for callers that look at all of it. `labs check` learns only what it uses.

    Given `version`, kubectl is not even looked for, so a cached grammar loads without kubectl.
    """
    if version is None:
        kubectl = kubectl or find_kubectl()
        version = kubectl_version(kubectl, cache_dir)
    facts = KubectlFacts(kubectl, version, cache_file(cache_dir, version))
    try:
        grammar = KubectlGrammar(facts)
        grammar.learn_all()
        facts.save()
    finally:
        facts.close()
    return grammar
