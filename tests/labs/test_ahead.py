"""The kubectl lines a course seems to type, guessed from its chapter files before they compile:
what `labs check` learns ahead on a first check with a kubectl (`builder.labs.ahead`)."""

from __future__ import annotations

from pathlib import Path

from builder.config import Settings
from builder.labs.ahead import kubectl_lines


def test_the_first_words_after_kubectl_of_the_decks_chapters(course) -> None:
    course.write("slides/deck.yml", "content:\n- one.md\n- ../outside.md\n")
    course.write("slides/one.md", """
        # Labs

        Use `kubectl get` to list things.

        .lab[

        ```bash
        kubectl -n web get pods -o wide | grep web
        kubectl create deployment web --image=nginx && kubectl rollout status deploy/web
        ```

        ]
        """)
    course.write("slides/unused.md", "```bash\nkubectl drain node1\n```\n")
    (course.root.parent / "outside.md").write_text("kubectl delete everything\n")
    found = kubectl_lines(course.root, [], Settings())
    assert sorted(found) == [("create", "deployment", "web"), ("rollout", "status", "deploy/web"),
                             ("web", "get", "pods", "wide")]  # not the prose's `kubectl get`


def test_chapters_named_on_the_command_line_only(course) -> None:
    course.write("slides/deck.yml", "content:\n- one.md\n")
    course.write("slides/one.md", ".lab[\n\n```bash\nkubectl get pods\n```\n\n]\n")
    course.write("slides/two.md",
                 ".exercise[\n\n- ```bash\n  kubectl scale deploy web --replicas=2\n  ```\n]\n")
    found = kubectl_lines(course.root, [course.root / "slides/two.md"], Settings())
    assert found == [("scale", "deploy", "web")]


def test_a_course_without_decks_guesses_nothing(tmp_path: Path) -> None:
    assert kubectl_lines(tmp_path, [], Settings()) == []
