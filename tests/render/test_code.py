"""Code blocks: Pygments colours and remark's backtick highlights."""

from builder.markdown.highlight import split_highlights, strip_highlights
from builder.render.code import highlight


def test_split_highlights_removes_backticks_and_keeps_ranges():
    text, ranges = split_highlights("join=`X.X.X.X` and `Y`")
    assert text == "join=X.X.X.X and Y"
    assert [text[a:b] for a, b in ranges] == ["X.X.X.X", "Y"]


def test_unpaired_backtick_stays():
    assert strip_highlights("echo ` alone") == "echo ` alone"


def test_highlight_marks_span_across_lexer_tokens():
    html = highlight("consul agent -retry-join=`X.X.X.X` \\\n  -ui", "bash")
    assert "<mark>X.X.X.X</mark>" in html
    assert "`" not in html
    text = html.replace("<mark>", "").replace("</mark>", "")
    import re

    assert re.sub(r"<[^>]+>", "", text) == "consul agent -retry-join=X.X.X.X \\\n  -ui"


def test_html_is_escaped_and_unknown_languages_are_plain():
    assert highlight("a < b && `c`", "no-such-language") == "a &lt; b &amp;&amp; <mark>c</mark>"


def test_yaml_gets_colours():
    assert '<span class="nt">kind</span>' in highlight("kind: Pod", "yaml")
