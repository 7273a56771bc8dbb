"""remark's Markdown where it is not CommonMark and courses rely on it (builder/markdown/dialect.py)."""

from builder.render.html import render_markdown


def test_a_number_and_parenthesis_starts_no_list():
    out = render_markdown("Steps:\n\n1) Prepare the machine\n2) Start it\n\n1. a real list")
    assert out == ("<p>Steps:</p>\n<p>1) Prepare the machine\n2) Start it</p>\n"
                   "<ol>\n<li>a real list</li>\n</ol>\n")


def test_a_line_starting_with_an_inline_tag_is_text_so_macros_after_it_work():
    out = render_markdown(".footnote[<br/>\n.red[*]If you customize it\n<br/>\nkeep **it**]")
    assert out == ('<div class="footnote">\n<p><br/>\n<span class="red">*</span>If you customize it'
                   "\n<br/>\nkeep <strong>it</strong></p>\n</div>\n")
    # block tags still start HTML blocks
    assert render_markdown("<div>\n*raw*\n</div>\n") == "<div>\n*raw*\n</div>\n"
