"""Course settings from coursekit.toml or [tool.coursekit]."""

import pytest

from builder.config import DEFAULT_PREFIX, load_settings
from builder.diagnostics import CourseError


def test_defaults_without_any_file(tmp_path):
    s = load_settings(tmp_path)
    assert (s.prefix, s.kubernetes, s.tools) == (DEFAULT_PREFIX, None, ())


def test_pyproject_table(course):
    course.write("pyproject.toml", '[tool.coursekit]\nprefix = "~/training/"\nkubernetes = "1.30"\n'
                                   'tools = ["kubectx"]\nkubectl-plugins = ["ctx"]\n')
    s = load_settings(course.root)
    assert (s.prefix, s.kubernetes, s.tools, s.kubectl_plugins) == (
        "~/training", "1.30", ("kubectx",), ("ctx",))


def test_coursekit_toml_wins(course):
    course.write("pyproject.toml", '[tool.coursekit]\nprefix = "~/a"\n')
    course.write("coursekit.toml", '[coursekit]\nprefix = "~/b"\n')
    assert load_settings(course.root).prefix == "~/b"


@pytest.mark.parametrize(("text", "line", "message"), [
    ('[coursekit]\n\nprefx = "~/x"\n', 3, "unknown coursekit setting 'prefx'"),
    ('[coursekit]\ntools = "kubectx"\n', 2, "coursekit setting 'tools' must be a list of strings"),
    ('[coursekit]\nkubernetes = "v1.30.2"\n', 2, "kubernetes must look like 1.33, not 'v1.30.2'"),
])
def test_bad_settings(course, text, line, message):
    course.write("coursekit.toml", text)
    with pytest.raises(CourseError) as err:
        load_settings(course.root)
    assert (err.value.path, err.value.line) == ("coursekit.toml", line)
    assert err.value.message.startswith(message)
