"""The Consul course in French, built through the translation workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<aside class="notes".*?</aside>', "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_french_deck_is_french_except_commands_and_code(built_course):
    html = (built_course / "fr" / "kube-consul.html").read_text()
    assert '<html lang="fr"' in html
    assert "<title>D&#233;ployer Consul sur Kubernetes</title>" in html  # the page is ASCII
    text = visible_text(html)
    assert "Retour au sommaire" in text and "Partie suivante" in text  # interface
    assert "Voici un bon cas d'usage pour les stateful sets !" in text  # slides
    assert "Here is a good use-case" not in text
    assert "kubectl exec consul-0 -- consul members" in text  # commands unchanged
    assert "topologyKey: kubernetes.io/hostname" in text  # code unchanged
    assert 'class="slide untranslated' not in html  # every slide translated


def test_outlines_in_both_languages(built_course):
    fr = (built_course / "fr" / "kube-consul-outline.html").read_text()
    en = (built_course / "en" / "kube-consul-outline.html").read_text()
    assert "<li>Exemple : lancer un cluster Consul</li>" in fr
    assert "<li>Example: deploying a Consul cluster</li>" in en
    markdown = (built_course / "fr" / "kube-consul-outline.md").read_text()
    assert "- Exemple : lancer un cluster Consul" in markdown


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_a_changed_english_sentence_goes_fuzzy_and_shows_in_english(tmp_path):
    repo = tmp_path / "course"
    for name in ("slides", "k8s"):
        shutil.copytree(ROOT / name, repo / name)
    chapter = repo / "slides/k8s/consul.md"
    old = "Here is a good use-case for Stateful sets!"
    new = "Here is a really good use-case for Stateful sets!"
    chapter.write_text(chapter.read_text().replace(old, new))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "builder", *args, "--repo", str(repo)],
                              cwd=repo, capture_output=True, text=True, timeout=120)

    assert run("i18n", "update", "fr").returncode == 0
    po = (repo / "slides/locale/fr/k8s/consul.po").read_text()
    entry = next(block for block in po.split("\n\n") if f'msgid "{new}"' in block)
    assert "#, fuzzy" in entry and "Voici un bon cas d'usage" in entry
    assert run("build", "-q").returncode == 0
    html = (repo / "dist/fr/kube-consul.html").read_text()
    assert new in html and "Voici un bon cas" not in visible_text(html)
    slide = re.search(r'<section class="slide untranslated"[^>]*data-source="slides/k8s/consul.md:1"',
                      html)
    assert slide, "the slide with the untranslated sentence is marked"
    marker = re.search(r"--ck-untranslated: (\"[^\"]+\")", html).group(1)
    assert marker == '"Pas encore traduit : affich\\0000e9 en anglais"'  # the discreet mark's words
    status = run("i18n", "status")
    assert re.search(r"slides/k8s/consul.md\s+\d+/\d+ .*1 fuzzy", status.stdout)
