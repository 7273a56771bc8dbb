"""@@INCLUDE: included lines keep their own file and line."""

import pytest

from builder.diagnostics import CourseError
from builder.markdown.source import load_source


def test_include_inlines_the_file_and_keeps_origins(course):
    course.write("k8s/app.yaml", "kind: Pod\nmetadata:\n  name: web\n")
    src = load_source("before\n```yaml\n@@INCLUDE[k8s/app.yaml]\n```\nafter", "slides/c.md", 1,
                      course.root)
    assert src.lines == ["before", "```yaml", "kind: Pod", "metadata:", "  name: web", "```",
                         "after"]
    assert src.origins[2] == ("k8s/app.yaml", 1)
    assert src.origins[4] == ("k8s/app.yaml", 3)
    assert src.origins[6] == ("slides/c.md", 5)
    assert src.includes == ["k8s/app.yaml"]


def test_indented_include_indents_the_file(course):
    course.write("k8s/a.yaml", "a: 1\nb: 2\n")
    src = load_source("- item\n  @@INCLUDE[k8s/a.yaml]", "c.md", 1, course.root)
    assert src.lines == ["- item", "  a: 1", "  b: 2"]


def test_missing_include_names_the_chapter_line(course):
    with pytest.raises(CourseError) as err:
        load_source("one\ntwo\n@@INCLUDE[k8s/missing.yaml]", "slides/c.md", 1, course.root)
    assert str(err.value) == "slides/c.md:3: @@INCLUDE file not found: k8s/missing.yaml"


def test_include_cycle_is_an_error(course):
    course.write("a.md", "@@INCLUDE[b.md]\n")
    course.write("b.md", "@@INCLUDE[a.md]\n")
    with pytest.raises(CourseError, match="includes itself"):
        load_source("@@INCLUDE[a.md]", "c.md", 1, course.root)


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_includes_that_multiply_past_the_cap_name_their_chain(course):
    """7 levels of 8 includes would be millions of lines: the expansion stops at the cap, and
    the error names the chain of includes that led there."""
    for level in range(1, 8):
        course.write(f"inc/l{level}.md", f"@@INCLUDE[inc/l{level + 1}.md]\n" * 8)
    course.write("inc/l8.md", "".join(f"line {n}\n" for n in range(8)))
    with pytest.raises(CourseError) as err:
        load_source("# Title\n@@INCLUDE[inc/l1.md]\n", "slides/c.md", 1, course.root)
    assert (err.value.path, err.value.line) == ("slides/c.md", 2)
    assert "includes make the chapter longer than 200,000 lines" in err.value.message
    assert ("slides/c.md:2 @@INCLUDE[inc/l1.md] -> inc/l1.md:1 @@INCLUDE[inc/l2.md] -> "
            "inc/l2.md:1 @@INCLUDE[inc/l3.md]") in err.value.message


def test_a_file_included_many_times_within_the_cap_is_fine(course):
    course.write("k8s/app.yaml", "kind: Pod\n")
    src = load_source("@@INCLUDE[k8s/app.yaml]\n" * 1000, "slides/c.md", 1, course.root)
    assert src.lines.count("kind: Pod") == 1000
