"""`coursekit build` end to end: the real CLI, real files, the real course."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from builder.build import build
from builder.course import chapters as compile_module

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir()))
def test_bad_input_gives_one_clear_error_and_keeps_dist(case: str, tmp_path: Path):
    """Each case fails with --strict at its path:line (args.txt: the arguments, when the case
    needs more than the course), leaving the previous deck as it was."""
    repo = tmp_path / case
    shutil.copytree(BAD / case, repo)
    expected = (repo / "expected-error.txt").read_text().strip()
    args = (repo / "args.txt").read_text().split() if (repo / "args.txt").exists() else []
    old = repo / "dist" / "en" / "deck.html"
    old.parent.mkdir(parents=True)
    old.write_text("previous good build")

    result = run_cli("build", "--strict", *args, cwd=repo)

    assert result.returncode == 1
    assert result.stderr.strip() == expected
    assert "Traceback" not in result.stderr
    assert old.read_text() == "previous good build"
    assert sorted(p.name for p in old.parent.iterdir()) == ["deck.html"]


@pytest.mark.parametrize("case", sorted(p.parent.name for p in BAD.glob("*/expected-warning.txt")))
def test_what_remark_tolerates_is_a_warning_and_the_deck_is_built(case: str, tmp_path: Path):
    repo = tmp_path / case
    shutil.copytree(BAD / case, repo)
    result = run_cli("build", "--lang", "en", cwd=repo)
    assert result.returncode == 0
    assert result.stderr.strip() == (repo / "expected-warning.txt").read_text().strip()
    assert "<section" in (repo / "dist" / "en" / "deck.html").read_text()


def test_errors_name_paths_relative_to_where_the_user_runs(tmp_path: Path):
    repo = tmp_path / "course"
    shutil.copytree(BAD / "missing-chapter", repo)
    result = run_cli("build", "--repo", "course", cwd=tmp_path)
    assert result.stderr.startswith("course/slides/deck.yml:4: chapter file not found")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("build", "--repo", str(ROOT), "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the course itself builds without warnings
    return out


def sections(html: str) -> list[str]:
    return re.findall(r"<section [^>]*>", html)


def text_of(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", fragment))


def test_every_manifest_becomes_a_deck(built: Path):
    for lang in ("en", "fr"):
        decks = sorted(p.name for p in (built / lang).glob("*.html") if "-outline" not in p.name)
        assert decks == sorted(p.stem + ".html" for p in (ROOT / "slides").glob("*.yml"))


def test_consul_deck_shows_the_chapter_and_its_labs(built: Path):
    html = (built / "en" / "kube-consul.html").read_text()
    consul = [m for m in re.finditer(r'<section [^>]*data-source="slides/k8s/consul.md:\d+"[^>]*>'
                                     r"(.*?)</section>", html, re.S)]
    assert consul, "no slide comes from slides/k8s/consul.md"
    body = "".join(m.group(1) for m in consul)
    assert body.count('<div class="lab">') == 2
    assert "kubectl exec consul-0 -- consul members" in text_of(body)
    assert "<mark>X.X.X.X</mark>" in body and "`X.X.X.X`" not in body
    assert ":EN:" not in html and ":FR:" not in html


def test_notes_stay_in_the_file_hidden(tmp_path: Path):
    repo = tmp_path
    (repo / "slides").mkdir()
    (repo / "slides" / "deck.yml").write_text("title: T\ncontent:\n- ch.md\n")
    (repo / "slides" / "ch.md").write_text("Visible\n\n???\n\nSay this *out loud*.\n")
    build(repo)
    html = (repo / "dist" / "en" / "deck.html").read_text()
    assert "<aside class=\"notes\" hidden>\n<p>Say this <em>out loud</em>.</p>" in html


def test_slides_are_counted_like_remark(built: Path):
    html = (built / "en" / "kube-consul.html").read_text()
    authored = [s for s in sections(html) if "data-source" in s]
    # Each `---` starts a slide and each `--` adds one (consul.md has neither inside a fence).
    source = (ROOT / "slides" / "k8s" / "consul.md").read_text().split("\n")
    expected = 1 + source.count("---") + source.count("--")
    from_consul = [s for s in authored if "slides/k8s/consul.md:" in s]
    assert len(from_consul) == expected == 18
    for s in sections(html):
        assert ("data-source=" in s) != ("data-generated=" in s)


def test_generated_toc_and_title_slides(built: Path):
    html = (built / "en" / "kube-consul.html").read_text()
    heads = sections(html)
    assert sum('data-generated="toc"' in s for s in heads) == 2  # two parts
    titles = [s for s in heads if 'data-generated="title"' in s]
    assert [re.search(r'id="([^"]+)"', s).group(1) for s in titles] == [
        "toc-pre-requirements", "toc-running-a-consul-cluster", "toc-persistent-consul-cluster"]
    # the title slide comes right before the slide holding the `# ` title
    i = next(n for n, s in enumerate(heads) if 'id="toc-running-a-consul-cluster"' in s)
    assert 'data-source="slides/k8s/consul.md:1"' in heads[i + 1]
    toc = re.search(r'<div class="toc">.*?</div></div>', html, re.S).group(0)
    assert '<a href="#toc-running-a-consul-cluster">Running a Consul cluster</a>' in toc


def test_excluded_classes_are_dropped_per_deck(built: Path):
    selfpaced = (built / "en" / "consul-selfpaced.html").read_text()
    inperson = (built / "en" / "kube-consul.html").read_text()
    assert not any(re.search(r'class="[^"]*\bin-person\b', s) for s in sections(selfpaced))
    assert not any(re.search(r'class="[^"]*\bself-paced\b', s) for s in sections(inperson))
    assert any(re.search(r'class="[^"]*\bin-person\b', s) for s in sections(inperson))


def test_deck_strings_and_title(built: Path):
    html = (built / "en" / "kube-consul.html").read_text()
    assert "<title>Deploying Consul on Kubernetes</title>" in html
    assert "Deploying Consul<br/>on Kubernetes" in html
    assert '<a href="https://matrix.to/#/#consul-course:matrix.org">Matrix</a>' in html
    assert "@@" not in re.sub(r"<!--.*?-->", "", html, flags=re.S)


def test_self_contained_no_external_resources(built: Path):
    html = (built / "en" / "kube-consul.html").read_text()
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)
    assert "<style>" in html and "<script>" in html


def test_images_are_copied_beside_the_deck(built: Path):
    assert (built / "en" / "images" / "consul-ring.svg").read_bytes() == (
        ROOT / "slides" / "images" / "consul-ring.svg").read_bytes()


def test_each_chapter_is_compiled_once_however_many_decks(tmp_path: Path, monkeypatch):
    repo = tmp_path
    (repo / "slides").mkdir()
    (repo / "slides" / "shared.md").write_text("# Shared\n")
    for n in range(3):
        (repo / "slides" / f"deck{n}.yml").write_text("content:\n- - shared.md\n- - shared.md\n")
    calls = []
    real = compile_module.parse_chapter
    monkeypatch.setattr(compile_module, "parse_chapter",
                        lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    report = build(repo, jobs=1)
    assert calls == ["slides/shared.md"]  # parsed once, rendered once per language
    assert len(report.outputs) == 3 * 2


def test_a_chapter_used_twice_keeps_unique_ids(tmp_path: Path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "deck.yml").write_text("content:\n- - a.md\n- - a.md\n")
    (tmp_path / "slides" / "a.md").write_text("name: intro\n\n# Intro\n---\nSecond\n")
    build(tmp_path)
    html = (tmp_path / "dist" / "en" / "deck.html").read_text()
    ids = re.findall(r'<section [^>]*id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert "intro" in ids and "toc-intro" in ids and "toc-intro-2" in ids


def test_missing_image_is_a_warning_with_its_line(tmp_path: Path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "deck.yml").write_text("content:\n- a.md\n")
    (tmp_path / "slides" / "a.md").write_text("Hello\n\n![x](images/none.png)\n")
    result = run_cli("build", "-q", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == "slides/a.md:3: warning: image not found: slides/images/none.png"


def test_pictures_in_raw_html_are_copied_and_checked_like_markdown_ones(tmp_path: Path):
    """`<img src=...>` in a chapter shows a picture as `![](...)` does: it is copied beside the
    deck (not a 404), and a missing one is a warning; one inside a comment is not shown."""
    (tmp_path / "slides" / "images").mkdir(parents=True)
    (tmp_path / "slides" / "images" / "raw.png").write_bytes(b"\x89PNG raw")
    (tmp_path / "slides" / "images" / "inline.png").write_bytes(b"\x89PNG inline")
    (tmp_path / "slides" / "deck.yml").write_text("content:\n- a.md\n")
    (tmp_path / "slides" / "a.md").write_text(
        '<img src="images/raw.png" alt="a block">\n\n'
        "Text with <IMG SRC='images/inline.png'> in it\n\n"
        '<!-- <img src="images/commented.png"> -->\n\n'
        "<img src=images/gone.png>\n")
    result = run_cli("build", "-q", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist" / "en" / "images" / "raw.png").read_bytes() == b"\x89PNG raw"
    assert (tmp_path / "dist" / "en" / "images" / "inline.png").is_file()
    assert result.stderr.strip() == "slides/a.md:7: warning: image not found: slides/images/gone.png"


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
@pytest.mark.parametrize("line", [".a[" * 50_000, "x.a[`[`" * 20_000, "a.b" * 50_000,
                                  "-.a-" * 50_000 + "[", ".a[.b[" * 25_000 + "]" * 100])
def test_a_line_of_many_unclosed_macros_builds(course, capsys, line: str):
    """Scanning macros is linear in the line's length (8,000 unclosed `.a[` once took 15 s: each
    rescanned the rest of the line). No timing here: the suite would hang if it regressed."""
    from builder.cli import main

    course.write("slides/d.yml", "title: T\ncontent:\n- ch.md\n")
    course.write("slides/ch.md", f"# Many macros\n\n{line}\n\n---\n\n.b[\n" + ".a[\n" * 20_000)
    code = main(["build", "--repo", str(course.root), "--lang", "en", "--jobs", "1", "-q"])
    assert code == 0
    assert "Many macros" in (course.root / "dist/en/d.html").read_text()



def _piped(cwd: Path, *args: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    with subprocess.Popen([sys.executable, "-m", "builder", *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env) as process:
        out, _ = process.communicate(timeout=300)
    return process.returncode, out.splitlines()


def test_every_line_of_a_build_reaches_a_pipe_when_the_process_ends_at_once(tmp_path: Path):
    """`build` ends its process without freeing the course (`cli.command`): what it prints
    still arrives whole through a pipe, as CI reads it, exit status included."""
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "deck.yml").write_text("content:\n- a.md\n")
    missing = [f"![p{n}](images/none-{n}.png)" for n in range(3000)]  # 3,000 warnings, ~200 KB
    (tmp_path / "slides" / "a.md").write_text("Hello\n\n" + "\n\n".join(missing) + "\n")
    code, lines = _piped(tmp_path, "build", "--lang", "en", "--strict")
    assert code == 1
    warnings = [line for line in lines if "image not found: slides/images/none-" in line]
    assert len(warnings) == 3000 and warnings[-1].startswith("slides/a.md:6001: ")
    assert any(line.startswith("built 0 of 1 deck") for line in lines)  # stdout: block-buffered


@pytest.mark.kubectl
def test_every_line_of_a_lab_check_reaches_a_pipe_when_the_process_ends_at_once(tmp_path: Path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "deck.yml").write_text("content:\n- a.md\n")
    labs = [f".lab[\n\n- Run:\n  ```bash\n  kubectll get pods {n}\n  ```\n\n]" for n in range(1500)]
    (tmp_path / "slides" / "a.md").write_text("# Labs\n\n" + "\n\n".join(labs) + "\n")
    code, lines = _piped(tmp_path, "labs", "check")
    assert code == 1
    assert sum("unknown program 'kubectll'" in line for line in lines) == 1500
    assert lines[-1].startswith("checked 1500 labs")
