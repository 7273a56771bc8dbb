"""Slide text through gettext: what is a message, how catalogs merge, how French renders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from builder.build import build
from builder.i18n.catalog import chapter_messages, placeholders, translatable
from builder.render.ui import UI, ui_strings

CHAPTER = """\
# Running `consul`

- Apply the [file](https://example.org/x.yaml) with `kubectl apply`
- .red[Careful] here

.lab[

- Start it:
  ```bash
  kubectl apply -f ~/container.training/k8s/consul-1.yaml
  ```

<!--
```wait Synced node info```
-->

]

| Column | Other |
| --- | --- |
| cell text | `code` |

???

Say hello to the room.

:EN:- An objective
:FR:- Un objectif
"""


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args, "--repo", str(repo)],
                          cwd=repo, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(course):
    course.write("slides/ch.md", CHAPTER)
    course.write("slides/deck.yml", "title: |\n  Two\n  lines\ncontent:\n- - ch.md\n")
    return course.root


def po(repo: Path) -> Path:
    return repo / "slides/locale/fr/ch.po"


def translate(path: Path, pairs: dict[str, str]) -> None:
    text = path.read_text()
    for msgid, msgstr in pairs.items():
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    path.write_text(text)


def test_messages_are_prose_never_code_or_directives(course):
    ch = course.chapter(CHAPTER)
    assert [(m.msgid, m.line) for m in chapter_messages(ch)] == [
        ("Running `consul`", 1),
        ("Apply the [file](https://example.org/x.yaml) with `kubectl apply`", 3),
        (".red[Careful] here", 4),
        ("Start it:", 8),
        ("Column", 19), ("Other", 19), ("cell text", 21),
        ("Say hello to the room.", 25),
    ]


def test_placeholders_and_what_is_translatable():
    assert placeholders("Run `ls` then [x](http://a) and @@CHAT@@ in .red[t]") == {
        "`ls`": 1, "](http://a)": 1, "@@CHAT@@": 1, ".red[": 1}
    assert not translatable("`kubectl get pods`")
    assert not translatable("@@TOC@@")
    assert translatable("Check `it`")


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_extract_update_keeps_translations_and_marks_changes_fuzzy(repo):
    assert cli(repo, "i18n", "extract").returncode == 0
    assert (repo / "slides/locale/templates/ch.pot").exists()
    assert cli(repo, "i18n", "update", "fr").returncode == 0
    translate(po(repo), {"Say hello to the room.": "Saluez la salle.",
                         "Start it:": "Démarrez-le :"})
    (repo / "slides/ch.md").write_text(CHAPTER.replace("Say hello to the room.",
                                                       "Say hello to the whole room."))
    assert cli(repo, "i18n", "update", "fr").returncode == 0
    catalog = read_po(po(repo).open("rb"))
    changed = catalog.get("Say hello to the whole room.")
    assert changed.fuzzy and changed.string == "Saluez la salle."
    kept = catalog.get("Start it:")
    assert not kept.fuzzy and kept.string == "Démarrez-le :"
    assert catalog.get("Say hello to the room.") is None


def test_french_build_uses_translations_and_falls_back_visibly(repo):
    cli(repo, "i18n", "update", "fr")
    translate(po(repo), {"Running `consul`": "Lancer `consul`",
                         ".red[Careful] here": ".red[Attention] ici"})
    build(repo, jobs=1)
    fr = (repo / "dist/fr/deck.html").read_text()
    en = (repo / "dist/en/deck.html").read_text()
    assert '<html lang="fr"' in fr and '<html lang="en"' in en
    assert "<h1>Lancer <code>consul</code></h1>" in fr
    assert '<span class="red">Attention</span> ici' in fr
    assert "kubectl apply -f ~/container.training/k8s/consul-1.yaml" in re.sub("<[^>]+>", "", fr)
    assert "Apply the" in fr  # not translated: English shown...
    assert re.search(r'<section class="slide untranslated"', fr)  # ...and the slide marked
    assert 'id="toc-running-consul"' in fr  # anchors stay the same across languages
    assert '<a href="#toc-running-consul">Lancer consul</a>' in fr  # the contents, in French
    assert 'class="slide untranslated' not in en


def test_fuzzy_translation_is_not_used(repo):
    cli(repo, "i18n", "update", "fr")
    translate(po(repo), {"Say hello to the room.": "Saluez la salle."})
    text = po(repo).read_text().replace('msgid "Say hello', '#, fuzzy\nmsgid "Say hello')
    po(repo).write_text(text)
    build(repo, jobs=1)
    assert "Say hello to the room." in (repo / "dist/fr/deck.html").read_text()


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_a_translation_that_drops_a_placeholder_is_an_error(repo):
    cli(repo, "i18n", "update", "fr")
    path = po(repo)
    translate(path, {"Running `consul`": "Lancer consul"})
    line = next(n for n, text in enumerate(path.read_text().split("\n"), 1)
                if text == 'msgid "Running `consul`"')
    result = cli(repo, "build")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"slides/locale/fr/ch.po:{line}: translation drops `consul` "
                                     "(code, links, @@ directives and macros must stay exactly as "
                                     "in the English text)")


def test_interface_words_are_all_translated_to_french():
    french = ui_strings("fr")
    untranslated = [k for k, v in UI.items() if french[k] == v and re.search(r"[a-z]{3}", v)]
    assert untranslated == []
