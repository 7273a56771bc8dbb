"""A course reads nothing outside its repository (issue 13): every path it names is refused at
the line that names it, the same way whether or not the outside file exists, and nothing of it
reaches dist/. Each case runs the real command in-process, on a tiny course in tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.cli import main

SECRET = "TOP-SECRET-LINE"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the course, holding a secret; the course lives in tmp_path/course."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# {SECRET}\n")
    (folder / "secret.png").write_bytes(b"\x89PNG" + SECRET.encode())
    return folder


@pytest.fixture
def repo(tmp_path: Path, course, monkeypatch) -> Path:
    root = tmp_path / "course"
    course.root = root
    course.write("slides/d.yml", "title: T\ncontent:\n- ch.md\n")
    monkeypatch.chdir(root)  # findings are shown relative to where the user is
    return root


def build(repo: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["build", "--repo", str(repo), "--lang", "en", "--jobs", "1", *args])
    out = capsys.readouterr()
    return code, re.sub(r"\d+\.\d+ s\)", "N s)", out.out + out.err)


def dist_text(repo: Path) -> str:
    found = [p.read_bytes().decode("utf-8", "replace") for p in (repo / "dist").rglob("*") if p.is_file()]
    return "\n".join(found)


@pytest.mark.parametrize("target", ["{outside}/secret.md", "{outside}/missing.md",
                                    "../outside/secret.md", "../outside/missing.md",
                                    "slides/../../outside/secret.md", "/etc/passwd"])
def test_an_include_outside_the_repository_is_refused(repo, outside, course, capsys, target):
    target = target.format(outside=outside)
    course.write("slides/ch.md", f"# Title\n\n@@INCLUDE[{target}]\n")
    code, out = build(repo, capsys)
    assert code == 1
    assert f"slides/ch.md:3: @@INCLUDE[{target}]: outside the repository" in out
    assert SECRET not in out and "root:" not in out and not (repo / "dist/en/d.html").exists()


def test_an_include_refusal_says_nothing_of_the_outside_file(repo, outside, course, capsys):
    """Existing or not, a file outside reads the same: the build is no probe of the machine."""
    messages = []
    for name in ("secret.md", "missing.md"):
        course.write("slides/ch.md", f"@@INCLUDE[../outside/{name}]\n")
        messages.append(build(repo, capsys)[1].replace(name, "NAME"))
    assert messages[0] == messages[1]


def test_an_include_through_a_link_out_of_the_repository_is_refused(repo, outside, course, capsys):
    (repo / "k8s").mkdir()
    (repo / "k8s" / "link.yaml").symlink_to(outside / "secret.md")
    (repo / "k8s" / "folder").symlink_to(outside)
    for target in ("k8s/link.yaml", "k8s/folder/secret.md"):
        course.write("slides/ch.md", f"# T\n\n@@INCLUDE[{target}]\n")
        code, out = build(repo, capsys)
        assert code == 1 and SECRET not in out
        assert f"slides/ch.md:3: @@INCLUDE[{target}]: outside the repository" in out


@pytest.mark.parametrize("entry", ["{outside}/secret.md", "../../outside/secret.md",
                                   "../../outside/missing.md"])
def test_a_manifest_entry_outside_the_repository_is_refused(repo, outside, course, capsys, entry):
    entry = entry.format(outside=outside)
    course.write("slides/d.yml", f"title: T\ncontent:\n- {entry}\n")
    code, out = build(repo, capsys)
    assert code == 1 and SECRET not in out
    assert f"slides/d.yml:3: chapter outside the repository: {entry}" in out


def test_a_deck_manifest_that_links_out_of_the_repository_is_not_read(repo, outside, capsys):
    (outside / "deck.yml").write_text(f"title: {SECRET}\ncontent:\n- ../../outside/secret.md\n")
    (repo / "slides" / "d.yml").unlink()
    (repo / "slides" / "d.yml").symlink_to(outside / "deck.yml")
    code, out = build(repo, capsys)
    assert code == 1 and SECRET not in out
    assert "slides/d.yml:1: deck manifest outside the repository" in out


def test_a_settings_file_that_links_out_of_the_repository_is_not_read(repo, outside, course, capsys):
    (outside / "pyproject.toml").write_text(f"[tool.coursekit]\n{SECRET} = 1\n")
    course.write("slides/ch.md", "# T\n")
    (repo / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    code, out = build(repo, capsys)
    assert code == 1 and SECRET not in out
    assert "pyproject.toml:1: settings file outside the repository" in out


@pytest.mark.parametrize("target", ["secret.png", "missing.png"])
def test_a_picture_that_links_out_of_the_repository_is_refused(repo, outside, course, capsys, target):
    (repo / "slides" / "images").mkdir(parents=True)
    (repo / "slides" / "images" / "pic.png").symlink_to(outside / target)
    course.write("slides/ch.md", "# T\n\n![a picture](images/pic.png)\n")
    code, out = build(repo, capsys)
    assert code == 1
    assert "slides/ch.md:3: picture slides/images/pic.png: outside the repository" in out
    assert "not found" not in out  # a dangling link reads as any other link out
    assert not (repo / "dist" / "en" / "images").exists() and SECRET not in dist_text(repo)


def test_a_folder_that_links_out_of_slides_holds_no_pictures(repo, outside, course, capsys):
    (repo / "slides" / "images").symlink_to(outside)
    course.write("slides/ch.md", "# T\n\n![a picture](images/secret.png)\n")
    code, out = build(repo, capsys)
    assert code == 1
    assert "slides/ch.md:3: picture slides/images/secret.png: outside the repository" in out
    assert SECRET not in dist_text(repo)


def test_a_picture_that_links_inside_the_repository_is_copied(repo, course, capsys):
    course.write("art/logo.png", "png")
    (repo / "slides" / "images").mkdir(parents=True)
    (repo / "slides" / "images" / "logo.png").symlink_to(repo / "art" / "logo.png")
    course.write("slides/ch.md", "# T\n\n![logo](images/logo.png)\n")
    code, out = build(repo, capsys)
    assert code == 0, out
    assert (repo / "dist/en/images/logo.png").read_text() == "png"


def test_a_shared_folder_named_in_the_settings_may_be_read(repo, outside, course, capsys):
    """Courses that share chapters with a sibling checkout say so, explicitly."""
    course.write("slides/d.yml", "title: T\ncontent:\n- ../../outside/secret.md\n- ch.md\n")
    course.write("slides/ch.md", "# Here\n\n@@INCLUDE[../outside/secret.md]\n")
    code, out = build(repo, capsys)
    assert code == 1 and "outside the repository" in out
    course.write("coursekit.toml", 'shared-folders = ["../outside"]\n')
    code, out = build(repo, capsys)
    assert code == 0, out
    assert SECRET in (repo / "dist/en/d.html").read_text()


def test_a_chapter_replaced_by_a_link_out_is_refused_on_the_next_reading(repo, outside, course, capsys):
    """A long-lived process (serve) reads the course again after each edit: a chapter that was
    inside, then replaced by a link out of the repository, is judged as it is now."""
    course.write("slides/ch.md", "# Inside\n")
    code, _ = build(repo, capsys)
    assert code == 0
    (repo / "slides" / "ch.md").unlink()
    (repo / "slides" / "ch.md").symlink_to(outside / "secret.md")
    code, out = build(repo, capsys)
    assert code == 1
    assert "slides/d.yml:3:" in out and "outside the repository" in out, out
    assert SECRET not in out and SECRET not in dist_text(repo)
