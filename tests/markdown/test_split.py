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


def test_fences_that_remark_reads_otherwise_than_meant_are_warnings():
    lines = ["ok", "---", "````bash", "kubectl get pods", "```", "---", "```bash", "ls", "---", "x"]
    found = []
    slides = split_slides(SourceLines(lines, [("c.md", i + 1) for i in range(len(lines))]), found)
    assert len(slides) == 4  # remark splits slides first
    assert [(d.path, d.line, d.severity) for d in found] == [("c.md", 3, "warning"),
                                                              ("c.md", 7, "warning")]
    assert found[0].message == ('code fence opened with ```` is closed by the ``` of line 5: remark '
                                'shows it as code up to there, its language read as "`bash" '
                                "(close it with ````)")
    assert found[1].message.startswith(
        "code fence is never closed: it ends with its slide, where remark shows its lines as text")


def test_separators_inside_a_closed_macro_are_content_as_in_remark():
    slides, lines = _split(".lab[\n- a\n--\n- b\n---\n- c\n]\n---\nnext")
    assert len(slides) == 2 and len(slides[0].increments) == 1
    assert _visible(slides[0], lines)[2:5] == ["--", "- b", "---"]


def test_a_macro_that_nothing_balances_does_not_hide_separators():
    slides, _ = _split(".lab[\n- a\n---\n- b")
    assert len(slides) == 2


def test_remark_counts_every_bracket_of_a_macro_even_in_code():
    # `]` in a fence closes the macro for remark: the `---` after it separates again
    slides, _ = _split(".lab[\n```\nx ] y\n```\n---\nz\n]")
    assert len(slides) == 2
    # an escaped macro is no macro, but its balanced text is still one piece
    slides, _ = _split("\\.lab[ a\n---\nb ]")
    assert len(slides) == 1


def test_a_code_span_hides_separators_up_to_the_next_backtick():
    slides, _ = _split("a ` b\n---\nc ` d\n---\ne")
    assert len(slides) == 2


def test_a_fence_whose_opener_has_several_words_is_no_fence_to_remark():
    # not a fence: its third backtick opens a code span that the next backtick closes
    slides, lines = _split("```wait Synced node info\n---\n```\n---\nthree")
    assert len(slides) == 2 and _visible(slides[1], lines) == ["three"]
    slides, _ = _split("```wait Synced node info\n---\nno backtick\n---\nthree")
    assert len(slides) == 3


def test_macros_on_lines_indented_as_code_are_not_macros():
    slides, _ = _split("- a\n    - b .red[x\n---\n]")
    assert len(slides) == 2


def test_a_step_line_with_text_right_around_it_is_a_warning():
    lines = ["- a", "--", "- b", "", "--", "", "- c", "???", "notes", "--", "- d", "--",
             "class: x", "- e"]
    found = []
    split_slides(SourceLines(lines, [("c.md", i + 1) for i in range(len(lines))]), found)
    assert [(d.line, d.check) for d in found] == [(2, "glued-step"), (10, "glued-step")]


def test_thousands_of_fences_that_nothing_closes_split_in_one_pass():
    """Each unclosed opener once read every line after it: 20,000 of them took 24 s."""
    lines = ["```a"] * 20_000 + ["---", "next"]
    src = SourceLines(lines, [("c.md", n) for n in range(1, len(lines) + 1)])
    found: list = []
    slides = split_slides(src, found)
    assert len(slides) == 2 and len(found) == 20_000  # each opener is warned at its line
