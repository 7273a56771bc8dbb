"""Deck assembly: @@ strings in text and attributes, LINK, counting, excluded slides."""

import re

from builder.build import build


def deck_html(course, chapter: str, manifest: str = "") -> str:
    course.write("slides/ch.md", chapter)
    course.write("slides/deck.yml", manifest or "content:\n- - ch.md\n")
    build(course.root, jobs=1)
    return (course.root / "dist" / "en" / "deck.html").read_text()


def test_link_points_at_the_forge(course):
    course.write("k8s/app.yaml", "kind: Pod\n")
    html = deck_html(course, "See @@LINK[k8s/app.yaml]",
                     "gitrepo: github.com/org/course\ncontent:\n- ch.md\n")
    assert ('<a href="https://github.com/org/course/tree/main/k8s/app.yaml">'
            "<code>k8s/app.yaml</code></a>") in html


def test_strings_in_links_are_plain_and_in_text_are_markdown(course):
    html = deck_html(course, "[slides](@@SLIDES@@) and @@CHAT@@",
                     'slides: https://s.example.org/?a=1&b=2\nchat: "*chat*"\ncontent:\n- ch.md\n')
    assert '<a href="https://s.example.org/?a=1&amp;b=2">slides</a> and <em>chat</em>' in html


def test_slide_number_prefix_reaches_the_counter(course):
    html = deck_html(course, "one", 'slidenumberprefix: "k8s — "\ncontent:\n- ch.md\n')
    assert 'data-prefix="k8s &#8212; "' in html  # the page is ASCII: other characters as references


def test_excluded_and_hidden_slides_leave_no_section(course):
    html = deck_html(course, "one\n---\nclass: in-person\n\ntwo\n---\nexclude: true\n\nthree",
                     "exclude: [in-person]\ncontent:\n- ch.md\n")
    sources = re.findall(r'<section [^>]*data-source="([^"]+)"', html)
    assert sources == ["slides/ch.md:1"]


def test_count_false_is_marked(course):
    html = deck_html(course, "one\n---\ncount: false\n\ntwo", "content:\n- ch.md\n")
    assert len(re.findall(r'<section [^>]*data-count="false"', html)) == 1


def test_toc_placeholder_lists_parts_and_titles(course):
    course.write("slides/toc.md", "## Contents\n\n@@TOC@@\n")
    course.write("slides/b.md", "# Second chapter\n")
    html = deck_html(course, "# First chapter\n",
                     "content:\n- toc.md\n- - ch.md\n- - b.md\n")
    toc = re.search(r'<div class="toc">.*?</div></div>', html, re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', toc) == [
        "toc-part-1", "toc-first-chapter", "toc-part-2", "toc-second-chapter"]
    assert "@@TOC@@" not in html


def test_the_title_may_hold_html_entities_as_the_course_builder_passes_it_raw(course):
    html = deck_html(course, "@@TITLE@@", 'title: "Docker, cr&eacute;er\\n& <b>administrer</b>"\n'
                                         "content:\n- ch.md\n")
    assert "<title>Docker, cr&#233;er &amp; &lt;b&gt;administrer&lt;/b&gt;</title>" in html
    assert "<p>Docker, cr&#233;er<br/>&amp; <b>administrer</b></p>" in html


def test_each_step_is_excluded_on_its_own_as_in_remark(course):
    """remark reads each `--` step as a slide: a deck's `exclude` drops a step alone, the steps
    after it going on without it; the step after a dropped first step continues the last slide
    shown. Class lines on top of a step are properties, not text."""
    html = deck_html(course, "\n".join([
        "Before", "---",
        "class: in-person", "", "Dropped first step", "", "--", "", "Continues Before", "---",
        "Kept", "", "--", "", "class: extra-details", "", "Dropped step", "", "--", "",
        "Goes on without it"]), "exclude: [in-person, extra-details]\ncontent:\n- ch.md\n")
    shown = re.findall(r'<section class="([^"]*)"[^>]*data-source="([^"]+)"[^>]*>(.*?)</section>',
                       html, re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _, _, body in shown]
    assert texts == ["Before", "Before Continues Before", "Kept", "Kept Goes on without it"]
    assert "class:" not in html.split("<section", 1)[1]


def test_a_slide_name_or_class_cannot_leave_its_section_attributes(course):
    html = deck_html(course, 'name: a"><script>alert(1)</script>\nclass: b"<i>, c&d\n\none\n---\n'
                             "two", "content:\n- ch.md\n")
    assert "<script>alert(1)" not in html and "<i>" not in html
    assert 'id="a&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'class="slide b&#34;&lt;i&gt; c&amp;d"' in html
