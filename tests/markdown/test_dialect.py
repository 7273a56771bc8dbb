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


def test_fences_as_remark_reads_them():
    # four backticks closed by three: code up to the three, the fourth read into the language
    assert render_markdown("````bash\nls\n```\n\nafter") == (
        '<pre class="code" data-lang="`bash"><code>ls</code></pre>\n<p>after</p>\n')
    # nothing closes it: its lines are text
    assert render_markdown("```bash\nls -l") == "<p>```bash\nls -l</p>\n"
    # output pasted at column 0 inside a list item's fence stays in the fence
    out = render_markdown("- item\n  ```\nNAME  READY\npod   1/1\n  ```\n- next")
    assert out == ('<ul>\n<li>item<pre class="code"><code>NAME  READY\npod   1/1</code></pre>\n'
                   "</li>\n<li>next</li>\n</ul>\n")
    # closing marks after text on their line
    assert render_markdown("```\nfoo```\nbar") == '<pre class="code"><code>foo</code></pre>\n<p>bar</p>\n'
