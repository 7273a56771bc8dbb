"""The one YAML loader: documents with their lines, values as kubectl reads them, errors worded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.diagnostics import CourseError
from builder.yamltext import Duplicate, YamlError, compose, load_documents

ROOT = Path(__file__).resolve().parents[1]


def data(text: str) -> list[tuple[int, object]]:
    documents, error = load_documents(text)
    assert error is None, error
    return [(d.line, d.data) for d in documents]


def test_documents_come_with_their_first_line():
    text = ("# a comment\n---\napiVersion: v1\nkind: Namespace\n---\n---\n# empty\n---\n"
            "\napiVersion: v1\nkind: Pod\n")
    assert data(text) == [(3, {"apiVersion": "v1", "kind": "Namespace"}),
                          (10, {"apiVersion": "v1", "kind": "Pod"})]


def test_repository_documents_start_where_their_apiversion_is():
    text = (ROOT / "k8s" / "consul-1.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    rbac = "apiVersion: rbac.authorization.k8s.io/v1"
    assert [lines[line - 1] for line, _ in data(text)] == [
        "apiVersion: v1", rbac, rbac, "apiVersion: v1", "apiVersion: apps/v1"]


def test_values_are_read_as_kubectl_reads_them():
    assert data("date: 2024-01-31\nsign: =\n") == [(1, {"date": "2024-01-31", "sign": "="})]


def test_a_field_path_has_a_line():
    (doc,), _ = load_documents("kind: Pod\nspec:\n  containers:\n  - name: web\n    image: nginx\n")
    assert doc.line_of("spec.containers[0].image") == 5
    assert doc.line_of(("spec", "containers", 0)) == 4
    assert doc.line_of("spec.containers[0].nothing.here") == 4  # the deepest part that exists


def test_a_syntax_error_keeps_the_documents_before_it():
    documents, error = load_documents("apiVersion: v1\nkind: Pod\n---\nmetadata:\n  name: [web\n")
    assert [d.data for d in documents] == [{"apiVersion": "v1", "kind": "Pod"}]
    assert isinstance(error, YamlError) and error.line == 6
    course_error = error.at("k8s/pod.yaml")
    assert isinstance(course_error, CourseError) and str(course_error).startswith("k8s/pod.yaml:6: ")
    assert str(error.at("slides/ch.md", first_line=10)).startswith("slides/ch.md:15: ")


def test_duplicate_keys_are_recorded_and_reading_goes_on():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n---\nkind: Service\nkind: Pod\n"
    documents, error = load_documents(text)
    assert error is None
    assert [d.duplicates for d in documents] == [[Duplicate("name", 5, 4)], [Duplicate("kind", 8, 7)]]
    assert documents[0].data["metadata"] == {"name": "b"}  # the last one wins, as in PyYAML


def test_compose_words_errors_with_their_line():
    assert compose("title: x\n").value[0][0].value == "title"
    with pytest.raises(YamlError) as caught:
        compose("title: x\ncontent: [a\n")
    assert caught.value.line == 3 and "flow sequence" in caught.value.message


def test_a_billion_laughs_is_refused_at_once():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    documents, error = load_documents("\n".join(lines) + "\n")
    assert documents == [] and error is not None and "excessive aliasing" in error.message


def test_a_document_that_contains_itself_is_refused():
    _documents, error = load_documents("a: &a [1, *a]\n")
    assert error is not None and "excessive aliasing" in error.message


def test_shared_aliases_are_fine():
    (doc,), error = load_documents("a: &x {b: 1}\nc: *x\nd: [*x, *x]\n")
    assert error is None and doc.data["d"] == [{"b": 1}, {"b": 1}]


def test_a_control_character_is_reported_at_its_own_line():
    documents, error = load_documents("apiVersion: v1\nkind: ConfigMap\ndata:\n  é: \"é\x01\"\n")
    assert error is not None and error.line == 4 and "control characters" in error.message
    with pytest.raises(YamlError) as err:
        compose("title: T\n\ncontent:\n- \x02\n")
    assert err.value.line == 4
