"""`coursekit lint` end to end: the real CLI on small courses, the HTML report opened in
Chromium, the build reused when it is up to date, and the project's own course clean."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lint_support import in_a_thread, png, write

from builder.lint.run import lint

ROOT = Path(__file__).resolve().parents[2]
BULLETS = "\n\n".join(f"- point number {n}" for n in range(1, 25))

# One overflowing slide, one broken anchor, one missing picture: nothing else to report.
THREE = {
    "slides/deck.yml": "title: Three mistakes\ncontent:\n- - ch.md\n",
    "slides/ch.md": f"""# Three mistakes

- [back to the contents](#toc-part-1)

---

## Too long

{BULLETS}

---

## A link

- See [the details](#toc-detials)

---

## A picture

![the ring](images/ring.png)
""",
}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, env=env)


@pytest.fixture
def three(tmp_path: Path, chromium) -> Path:
    for rel, text in THREE.items():
        write(tmp_path, rel, text)
    return tmp_path


def test_three_mistakes_three_findings_at_their_lines_and_exit_1(three: Path):
    result = run_cli("lint", "--lang", "en", cwd=three)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if re.match(r"slides/\S+:\d+: ", line)]
    lines = THREE["slides/ch.md"].split("\n")
    at = {needle: next(n for n, t in enumerate(lines, 1) if needle in t)
          for needle in ("## Too long", "#toc-detials", "ring.png")}
    assert len(findings) == 3, result.stdout
    assert findings[0].startswith(f"slides/ch.md:{at['## Too long'] - 1}: content runs past the "
                                  "16:9 frame by ")
    assert findings[1] == (f"slides/ch.md:{at['#toc-detials']}: link to #toc-detials: "
                           "no slide of deck has that name or anchor")
    assert findings[2] == f"slides/ch.md:{at['ring.png']}: picture not found: slides/images/ring.png"
    assert result.stdout.splitlines()[-1].startswith("linted 1 page(s), ")
    assert "3 errors, 0 warnings, 0 notes; report: dist/lint.html" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_output_and_strict(three: Path):
    write(three, "slides/images/ring.png", png(40, 30))
    (three / "slides/ch.md").write_text(THREE["slides/ch.md"].replace(BULLETS, "- short now")
                                        .replace("#toc-detials", "#toc-three-mistakes")
                                        + "\n---\n\nclass: pci\n\n## A class\n")
    result = run_cli("lint", "--lang", "en", "--format", "json", cwd=three)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)  # stdout is JSON only; the closing line goes to stderr
    assert [(r["path"], r["severity"], r["check"]) for r in rows] == [
        ("slides/ch.md", "warning", "unstyled-class")]
    assert "1 warning" in result.stderr
    strict = run_cli("lint", "--lang", "en", "--strict", cwd=three)
    assert strict.returncode == 1
    assert re.search(r"^slides/ch.md:\d+: slide class 'pci' has no style rule", strict.stdout, re.M)


def test_the_report_shows_each_problem_slide_linked_to_the_deck(three: Path, browser):
    result = run_cli("lint", "--lang", "en", cwd=three)
    assert result.returncode == 1
    report = three / "dist" / "lint.html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(report.as_uri())
        problems = page.locator("section.problem")
        assert problems.count() == 3
        sizes = page.eval_on_selector_all(
            "section.problem img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert sizes == [[True, 480, 270]] * 3
        text = problems.nth(1).inner_text()
        assert "link to #toc-detials" in text and "slides/ch.md:" in text
        # A thumbnail is the slide as the room sees it: a white stage with dark text on it.
        white, dark = page.evaluate("""() => {
            const img = document.querySelector('section.problem img');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let white = 0, dark = 0;
            for (let i = 0; i < px.length; i += 4) {
                const sum = px[i] + px[i + 1] + px[i + 2];
                if (sum > 720) white++; else if (sum < 200) dark++;
            }
            return [white / (px.length / 4), dark / (px.length / 4)];
        }""")
        assert white > 0.5 and dark > 0.001
        problems.nth(1).locator("a").first.click()
        page.wait_for_function("() => document.querySelector('section.slide.current')")
        lines = THREE["slides/ch.md"].split("\n")
        link_slide = next(n for n, t in enumerate(lines, 1) if t == "## A link") - 1
        assert page.url.startswith((three / "dist" / "en" / "deck.html").as_uri() + "#")
        assert page.eval_on_selector("section.slide.current", "s => s.dataset.source") \
            == f"slides/ch.md:{link_slide}"
    finally:
        page.close()


def test_an_up_to_date_build_is_reused(three: Path):
    first = in_a_thread(lint, three, langs=("en",))
    assert first.built
    again = in_a_thread(lint, three, langs=("en",))
    assert not again.built
    assert again.diagnostics == first.diagnostics
    time.sleep(0.05)
    chapter = three / "slides" / "ch.md"
    chapter.write_text(chapter.read_text().replace("#toc-detials", "#toc-three-mistakes"))
    fixed = in_a_thread(lint, three, langs=("en",))
    assert fixed.built
    assert len(fixed.diagnostics) == 2


def test_the_project_course_is_clean(tmp_path: Path, chromium):
    result = in_a_thread(lint, ROOT, out=tmp_path / "dist")
    assert [str(d) for d in result.diagnostics] == []
    assert result.slides > 100 and len(result.pages) == 4


def test_version(tmp_path: Path):
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"coursekit \d+\.\d+\.\d+\S*\n", result.stdout)


def test_a_slide_whose_script_never_ends_is_given_up_not_waited_for(tmp_path: Path, chromium,
                                                                    monkeypatch):
    from builder.lint import run

    monkeypatch.setattr(run, "PAGE_TIMEOUT", 3.0)
    write(tmp_path, "slides/deck.yml", "title: Loop\ncontent:\n- ch.md\n")
    write(tmp_path, "slides/ch.md", "# Loop\n\n<script>for (;;) {}</script>\n")
    result = in_a_thread(lint, tmp_path, langs=("en",))
    assert [str(d) for d in result.diagnostics] == [
        "slides/deck.yml: deck.html (en) could not be measured in Chromium: gave up after 3 s"]


def test_a_deck_the_build_cannot_write_is_skipped_with_the_builds_reasons(tmp_path: Path, chromium):
    write(tmp_path, "slides/good.yml", "title: Good\ncontent:\n- - good.md\n")
    write(tmp_path, "slides/good.md", "# Good\n\n- [a link to nowhere](#nowhere)\n")
    write(tmp_path, "slides/broken.yml", "title: Broken\ncontent:\n- - good.md\n  - gone.md\n")
    result = run_cli("lint", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[:3] == [
        "slides/broken.yml: note: broken was not linted: the build could not write it "
        "(its errors say why)",
        "slides/broken.yml:4: chapter file not found: gone.md (looked for slides/gone.md)",
        "slides/good.md:3: link to #nowhere: no slide of good has that name or anchor",
    ]
    assert "linted 1 page(s), " in result.stdout
    assert "Traceback" not in result.stderr
