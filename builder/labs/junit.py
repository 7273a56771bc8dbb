"""JUnit XML for CI dashboards: one test case per lab, failures carrying path:line.

JUnit has no warnings: a case's warnings (processes a lab left running, ...) go to its
`system-err`, which dashboards show beside the case without failing it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from builder.files import write_atomic


@dataclass(slots=True)
class Case:
    chapter: str
    name: str  # "path:line" of the lab
    failures: list[str] = field(default_factory=list)  # "path:line: message" lines
    skipped: str | None = None
    seconds: float = 0.0
    output: str = ""
    warnings: list[str] = field(default_factory=list)  # "path:line: warning: message" lines


def write_junit(path: Path, suite: str, cases: list[Case]) -> None:
    root = ET.Element("testsuites")
    tests = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)),
                          failures=str(sum(bool(c.failures) for c in cases)),
                          skipped=str(sum(c.skipped is not None for c in cases)),
                          time=f"{sum(c.seconds for c in cases):.3f}")
    for case in cases:
        el = ET.SubElement(tests, "testcase", classname=case.chapter, name=case.name,
                           time=f"{case.seconds:.3f}")
        if case.failures:
            failure = ET.SubElement(el, "failure", message=case.failures[0])
            failure.text = "\n".join(case.failures)
        elif case.skipped is not None:
            ET.SubElement(el, "skipped", message=case.skipped)
        if case.output:
            ET.SubElement(el, "system-out").text = case.output
        if case.warnings:
            ET.SubElement(el, "system-err").text = "\n".join(case.warnings)
    ET.indent(root)
    write_atomic(path, ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")
