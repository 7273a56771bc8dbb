"""Shell parsing of lab commands: the simple commands a checker sees."""

import pytest

from builder.labs.shell import ShellSyntaxError, commands


def words(script: str) -> list[list[str]]:
    return [c.words for c in commands(script)]


def test_pipes_lists_and_substitutions():
    assert words("export IP=$(kubectl get svc web -o name) && curl $IP | jq .; echo ok") == [
        ["export", "IP=$(kubectl get svc web -o name)"], ["kubectl", "get", "svc", "web", "-o", "name"],
        ["curl", "$IP"], ["jq", "."], ["echo", "ok"]]


def test_continuations_and_lines():
    found = commands("kubectl get pods \\\n  -o wide\nkubectl get nodes")
    assert [(c.words, c.line) for c in found] == [
        (["kubectl", "get", "pods", "-o", "wide"], 0), (["kubectl", "get", "nodes"], 2)]


def test_here_document_feeds_the_command_and_the_pipe():
    found = commands("cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF")
    assert found[1].words == ["kubectl", "apply", "-f", "-"]
    assert (found[1].stdin, found[1].stdin_line) == ("kind: Pod\n", 1)
    direct = commands("kubectl apply -f- <<EOF\napiVersion: v1\nkind: Pod\nEOF")
    assert direct[0].stdin == "apiVersion: v1\nkind: Pod\n"


def test_loops_and_assignments():
    assert words("until kubectl get pod x >/dev/null 2>&1; do sleep 1; done") == [
        ["kubectl", "get", "pod", "x"], ["sleep", "1"]]
    assert words("NS=foo kubectl get pods -n $NS") == [["kubectl", "get", "pods", "-n", "$NS"]]


def test_syntax_error_has_a_line():
    with pytest.raises(ShellSyntaxError) as err:
        commands('echo ok\necho "unclosed')
    assert "matching" in str(err.value)
