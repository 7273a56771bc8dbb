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

__all__ = ["cache_dir_of", "cache_file", "kubectl_version", "load_grammar"]


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
