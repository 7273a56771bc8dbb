"""`labs check` reads nothing outside the repository (issue 13): every spelling of a path that
leads out (`~/container.training/..`, `$HOME/...`, a raw URL with `..`, a link, a folder that
links out, a glob) is an error at the lab line, worded the same whether or not the outside file
exists, and nothing of the outside file is printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.cli import main

SECRET = "topsecretname"
SECRET_YAML = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {SECRET.upper()}\nbogus: 1\n"


@pytest.fixture
def repo(tmp_path: Path, course, monkeypatch, kubectl_cache) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(kubectl_cache))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(SECRET_YAML)
    course.root = tmp_path / "course"
    course.write("slides/d.yml", "title: T\ngitrepo: github.com/org/course\ncontent:\n- ch.md\n")
    course.write("k8s/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n")
    monkeypatch.chdir(course.root)
    return course.root


def check(course, capsys, *commands: str) -> list[str]:
    body = "\n".join(commands)
    course.write("slides/ch.md", f".lab[\n\n```bash\n{body}\n```\n\n]\n")
    main(["labs", "check"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert SECRET not in text.lower()
    return [line for line in text.splitlines() if not line.startswith("checked ")]


SPELLINGS = [
    "kubectl apply -f ~/container.training/../outside/{name}",
    "kubectl apply -f $HOME/container.training/../outside/{name}",
    "kubectl apply -f ${{HOME}}/container.training/../outside/{name}",
    "kubectl apply -f https://raw.githubusercontent.com/org/course/main/../outside/{name}",
    "kubectl apply -f https://github.com/org/course/raw/main/../outside/{name}",
    "cat ~/container.training/../outside/{name}",
    "kubectl create configmap x --from-file=~/container.training/../outside/{name}",
    "cd ~/container.training/..\nkubectl apply -f outside/{name}",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_path_out_of_the_repository_is_refused_at_its_line(repo, course, capsys, spelling):
    found = {}
    for name in ("secret.yaml", "missing.yaml"):
        lines = check(course, capsys, spelling.format(name=name))
        found[name] = [line.replace(name, "NAME") for line in lines]
    assert found["secret.yaml"] == found["missing.yaml"]  # the check is no probe of the machine
    command_line = 4 + spelling.count("\n")
    assert [line for line in found["secret.yaml"] if "outside the repository" in line], found
    assert all(re.match(rf"slides/ch\.md:{command_line}: ", line) for line in found["secret.yaml"]), found


def test_a_manifest_that_links_out_of_the_repository_is_not_read(repo, course, capsys, tmp_path):
    for name in ("secret.yaml", "missing.yaml"):
        (repo / "k8s" / f"link-{name}").symlink_to(tmp_path / "outside" / name)
    found = check(course, capsys, "kubectl apply -f ~/container.training/k8s/link-secret.yaml",
                  "kubectl apply -f ~/container.training/k8s/link-missing.yaml")
    assert found == [
        "slides/ch.md:4: ~/container.training/k8s/link-secret.yaml: outside the repository",
        "slides/ch.md:5: ~/container.training/k8s/link-missing.yaml: outside the repository"]


def test_a_folder_that_links_out_is_not_listed(repo, course, capsys, tmp_path):
    (repo / "k8s" / "out").symlink_to(tmp_path / "outside")
    found = check(course, capsys, "kubectl apply -R -f ~/container.training/k8s/out",
                  "kubectl apply -f ~/container.training/k8s/out/",
                  "kubectl apply -f ~/container.training/k8s/out/*.yaml",
                  "kubectl apply -f '~/container.training/../outside/*.yaml'")
    assert [line.split(": ", 1)[0] for line in found] == [
        "slides/ch.md:4", "slides/ch.md:5", "slides/ch.md:6", "slides/ch.md:7"], found
    assert all(line.endswith("outside the repository") for line in found), found


def test_a_link_out_inside_an_applied_folder_is_refused(repo, course, capsys, tmp_path):
    course.write("k8s/app/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    (repo / "k8s" / "app" / "b.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    (repo / "k8s" / "app" / "c.yaml").symlink_to(tmp_path / "outside" / "missing.yaml")
    found = check(course, capsys, "kubectl apply -f ~/container.training/k8s/app/")
    assert found == [
        "slides/ch.md:4: k8s/app/b.yaml (in ~/container.training/k8s/app/): outside the repository",
        "slides/ch.md:4: k8s/app/c.yaml (in ~/container.training/k8s/app/): outside the repository"]


def test_files_inside_are_still_checked(repo, course, capsys):
    assert check(course, capsys, "kubectl apply -f ~/container.training/k8s/ok.yaml",
                 "kubectl apply -f ~/container.training/k8s/../k8s/ok.yaml") == []
