"""`.name[...]` macros: inline, block, nested, brackets in code left alone."""

import re

from builder.render.html import render_markdown


def html(text: str, autoclose: bool = False, diagnostics: list | None = None,
         labs: frozenset[str] = frozenset()) -> str:
    env = {"where": lambda i: ("c.md", i + 1), "autoclose": autoclose, "labs": labs}
    if diagnostics is not None:
        env["diagnostics"] = diagnostics
    return render_markdown(text, env)


def test_inline_macro_is_a_span():
    assert html("Say .red[hello] now") == '<p>Say <span class="red">hello</span> now</p>\n'


def test_inline_macros_nest_and_keep_markdown():
    out = html(".footnote[see .small[*this*]]")
    assert out == ('<p><span class="footnote">see <span class="small"><em>this</em>'
                   "</span></span></p>\n")


def test_dotted_names_give_several_classes():
    assert '<span class="small red">x</span>' in html(".small.red[x]")


def test_block_macro_holds_lists_and_fences():
    out = html(".lab[\n\n- Run it:\n  ```bash\n  echo ]\n  ```\n\n]\n\nafter")
    assert out.startswith('<div class="lab">\n<ul>')
    assert "echo ]" in re.sub(r"<[^>]+>", "", out)
    assert out.rstrip().endswith("</div>\n<p>after</p>")


def test_brackets_in_code_spans_do_not_close():
    out = html(".warning[use `a[0]` and `]` here]")
    assert '<span class="warning">use <code>a[0]</code> and <code>]</code> here</span>' in out


def test_links_and_images_inside_macros():
    out = html(".center[![logo](images/logo.png)]")
    assert ('<span class="center"><img src="images/logo.png" alt="logo" loading="lazy" '
            'decoding="async" /></span>') in out


def test_block_macro_closing_after_text():
    out = html(".footnote[first line\nsecond line]")
    assert out == '<div class="footnote">\n<p>first line\nsecond line</p>\n</div>\n'


def test_block_macro_interrupts_a_paragraph():
    out = html("Intro text\n.lab[\n- step\n]")
    assert out.startswith("<p>Intro text</p>\n<div class=\"lab\">")


def test_nested_block_macros():
    out = html(".lab[\n.small[\n- a\n]\n]")
    assert out == '<div class="lab">\n<div class="small">\n<ul>\n<li>a</li>\n</ul>\n</div>\n</div>\n'


def test_words_with_dots_are_not_macros():
    assert "<span" not in html("items.first[0] and file.yaml")


def test_unclosed_block_macro_is_text_as_in_remark_with_a_warning():
    found = []
    out = html("text\n\n.lab[\n- a\n", diagnostics=found)
    assert out == "<p>text</p>\n<p>.lab[</p>\n<ul>\n<li>a</li>\n</ul>\n"
    assert [(d.line, d.severity) for d in found] == [(3, "warning")]
    assert found[0].message.startswith("macro .lab[ is never closed (missing `]`): remark shows it")


def test_unclosed_macro_in_an_earlier_increment_closes_at_its_end():
    assert html(".lab[\n- a\n", autoclose=True) == '<div class="lab">\n<ul>\n<li>a</li>\n</ul>\n</div>\n'


def test_a_lab_macro_of_another_name_is_styled_as_a_lab():
    out = html(".exercise[\n- a\n]", labs=frozenset({"lab", "exercise"}))
    assert out.startswith('<div class="exercise lab">')
    assert html(".exercise[\n- a\n]").startswith('<div class="exercise">')
