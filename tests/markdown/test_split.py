"""Slide structure: separators, increments, notes, properties (FORMAT.md section 3)."""

from builder.markdown.source import SourceLines
from builder.markdown.split import split_slides


def _split(text: str):
    lines = text.split("\n")
    return split_slides(SourceLines(lines, [("c.md", i + 1) for i in range(len(lines))])), lines


def _visible(raw, lines, inc=0):
    return [lines[i] for i in raw.increments[inc].visible]


def test_dash_lines_separate_slides_and_increments():
    slides, lines = _split("one\n---\ntwo\n--\nthree\n---\nfour")
    assert len(slides) == 3
    assert [len(s.increments) for s in slides] == [1, 2, 1]
    assert _visible(slides[1], lines, 1) == ["three"]
    assert slides[1].increments[1].start == 4  # index of "three"


def test_separators_inside_code_fences_are_content():
    text = "```yaml\na: 1\n---\nb: 2\n--\n```\n---\nnext"
    slides, lines = _split(text)
    assert len(slides) == 2
    assert _visible(slides[0], lines) == ["```yaml", "a: 1", "---", "b: 2", "--", "```"]


def test_tilde_and_longer_fences_need_a_matching_close():
    text = "````md\n```\n---\n````\n---\n~~~\n---\n~~~"
    slides, _ = _split(text)
    assert len(slides) == 2


def test_one_line_fence_does_not_open_a_block():
    slides, _ = _split("<!-- ```wait Ready``` -->\n---\nnext")
    assert len(slides) == 2


def test_separator_needs_the_whole_line():
    slides, _ = _split("a --- b\n---x\n ---\n-- x")
    assert len(slides) == 1 and len(slides[0].increments) == 1


def test_notes_after_question_marks_until_next_slide():
    slides, lines = _split("shown\n???\nsecret\n---\nnext")
    assert _visible(slides[0], lines) == ["shown"]
    assert [lines[i] for i in slides[0].increments[0].notes] == ["secret"]
    assert slides[1].increments[0].notes == []


def test_properties_only_at_the_top():
    slides, lines = _split("class: title, in-person\nname: intro\n\n# Hello\nnot: a property")
    assert slides[0].properties == {"class": "title, in-person", "name": "intro"}
    assert _visible(slides[0], lines) == ["# Hello", "not: a property"]
    assert slides[0].property_lines == {"class": 0, "name": 1}


def test_unclosed_fence_runs_to_the_end_of_its_slide_with_a_warning():
    lines = ["ok", "---", "````bash", "kubectl get pods", "```", "---", "more", "---", "last"]
    found = []
    slides = split_slides(SourceLines(lines, [("c.md", i + 1) for i in range(len(lines))]), found)
    assert len(slides) == 4  # remark splits slides first: the fence ends with its slide
    assert [(d.path, d.line, d.severity) for d in found] == [("c.md", 3, "warning")]
    assert "never closed" in found[0].message and "````" in found[0].message


def test_thousands_of_fences_that_nothing_closes_split_in_one_pass():
    """Each unclosed opener once read every line after it: 20,000 of them took 24 s."""
    lines = ["```a"] * 20_000 + ["---", "next"]
    src = SourceLines(lines, [("c.md", n) for n in range(1, len(lines) + 1)])
    found: list = []
    slides = split_slides(src, found)
    assert len(slides) == 2 and len(found) == 1
