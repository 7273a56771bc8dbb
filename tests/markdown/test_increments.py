"""`--` increments: each shows what the earlier ones showed, plus its own part."""

from builder.render.html import render_chapter


def increments_html(course, text: str) -> list[str]:
    ch = course.chapter(text)
    return render_chapter(ch).slides[0].increments


def test_list_items_revealed_one_by_one_in_one_list(course):
    one, two = increments_html(course, "- a\n--\n- b")
    assert one == "<ul>\n<li>a</li>\n</ul>\n"
    assert two == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"


def test_paragraph_continued_after_the_step(course):
    one, two = increments_html(course, "text\n--\nmore text")
    assert one == "<p>text</p>\n"
    assert two == "<p>text\nmore text</p>\n"


def test_a_step_line_inside_a_closed_macro_is_content_as_in_remark(course):
    (only,) = increments_html(course, ".lab[\n\n- a\n\n--\n\n- b\n\n]")
    assert only.startswith('<div class="lab">') and "<li>a</li>" in only and "<li>b</li>" in only


def test_three_steps_with_code(course):
    steps = increments_html(course, "## T\n--\n```bash\nls\n```\n--\nend")
    assert len(steps) == 3
    assert steps[0] == "<h2>T</h2>\n"
    assert steps[1].startswith("<h2>T</h2>\n<pre") and "end" not in steps[1]
    assert steps[2].endswith("<p>end</p>\n")
