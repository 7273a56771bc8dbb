"""`coursekit labs run` leaves nothing behind and stays small, whatever a chapter does: real bash
sessions (`--cluster none`), real processes checked with `ps`, real output floods, the run's
peak memory measured by the kernel."""

from __future__ import annotations

import html
import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builder.labs.reaper import own_cgroup

pytestmark = pytest.mark.slow  # real bash sessions and grace periods

# The run's peak resident memory, as the kernel counts it, printed by a wrapper process whose
# only child is the run (ru_maxrss of the children of a fresh process, in KiB on Linux).
MEASURE = """\
import json, resource, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                     errors="surrogateescape")
out, err = p.communicate()
print(json.dumps({"rc": p.returncode, "out": out, "err": err, "pid": p.pid,
                  "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
MEMORY_BOUND_MIB = 80  # coursekit alone is about 40 MiB; a flood of output must not add to it


def write_course(root: Path, chapter: str) -> Path:
    (root / "slides").mkdir(parents=True, exist_ok=True)
    (root / "slides" / "deck.yml").write_text("content:\n- - ch.md\n")
    (root / "slides" / "ch.md").write_text(textwrap.dedent(chapter))
    return root


def labs_run(repo: Path, *args: str, containment: str | None = None) -> dict:
    env = dict(os.environ)
    if containment:
        env["COURSEKIT_CONTAINMENT"] = containment
    argv = [sys.executable, "-m", "builder", "labs", "run", "--repo", str(repo), "--cluster", "none",
            *args]
    result = subprocess.run([sys.executable, "-c", MEASURE, *argv], cwd=repo, env=env, text=True,
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def running(tag: str) -> list[str]:
    """Processes whose command line carries `tag`, from the real process table."""
    table = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, check=True)
    return [line.strip() for line in table.stdout.splitlines() if tag in line]


@pytest.fixture
def tag():
    """A sleep duration no other test or helper uses, so `ps` sees only this test's processes."""
    value = f"99{secrets.randbelow(10**6):06d}"
    yield value
    for line in running(value):  # a failing test must not leave them either
        os.kill(int(line.split()[0]), signal.SIGKILL)


LAUNCHES = {
    "background": "sleep {t}1 &",  # a background job
    "double-fork": "(sleep {t}2 &)",  # its parent is gone at once
    "nohup": "nohup sleep {t}3 >/dev/null 2>&1 &",  # immune to the terminal's hangup
    "setsid": "setsid sleep {t}4 >/dev/null 2>&1 &",  # a session of its own
    "setsid-double-fork": "(setsid sleep {t}5 >/dev/null 2>&1 &)",  # both
}
# The process group (the last resort) holds what stays in the session; a new session leaves it,
# and only a cgroup or a subreaper still holds those.
CASES = [(mechanism, how) for mechanism in ("cgroup", "subreaper", "group") for how in LAUNCHES
         if not (mechanism == "group" and how.startswith("setsid"))]


@pytest.mark.parametrize(("containment", "how"), CASES)
def test_every_process_a_chapter_started_is_gone_with_a_warning(tmp_path, tag, containment, how):
    command = LAUNCHES[how].format(t=tag)
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        echo before
        ```
        ```bash
        {command}
        until pgrep -f "sleep {tag}" >/dev/null; do sleep 0.05; done
        ```
        ```bash
        echo after
        ```
        ]
        """)
    run = labs_run(repo, containment=containment)
    assert run["rc"] == 0, run["err"]  # the steps themselves passed
    assert running(tag) == [], f"left behind: {running(tag)}"
    started = f"sleep {tag}"
    warnings = [line for line in run["err"].splitlines() if ": warning: " in line]
    assert len(warnings) == 1, run["err"]
    assert warnings[0].startswith("slides/ch.md:6: warning: ")  # the step that started it
    assert "still ran when the chapter ended, so killed: " in warnings[0] and started in warnings[0]
    cgroups = own_cgroup()  # the run's cgroup (when it made one) is gone too
    assert cgroups is None or not list(cgroups.glob(f"coursekit-labs-{run['pid']}-*"))


def test_the_leftover_warning_reaches_the_junit_file_and_the_html_report(tmp_path, tag):
    """CI shows the JUnit file and the report page, not stderr: the warning must be there too,
    on the lab of the step that started the process."""
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        echo first lab
        ```
        ]

        ---

        .lab[
        ```bash
        sleep {tag}8 &
        ```
        ]
        """)
    junit, page = tmp_path / "run.xml", tmp_path / "run.html"
    run = labs_run(repo, "--junit", str(junit), "--report", str(page))
    assert run["rc"] == 0, run["err"]
    [warning] = [line for line in run["err"].splitlines() if ": warning: " in line]
    assert warning.startswith("slides/ch.md:11: warning: ") and f"sleep {tag}8" in warning
    assert "1 warning" in run["out"].splitlines()[-1]  # the summary line counts it
    suite = ET.parse(junit).getroot().find("testsuite")
    first, second = suite.findall("testcase")
    assert first.findtext("system-err") is None
    assert second.find("failure") is None  # a warning fails nothing
    assert warning in second.findtext("system-err")
    report = page.read_text()
    assert html.escape(warning, quote=False) in report and "1 warning" in report


def test_the_strongest_mechanism_here_is_a_cgroup_when_one_can_be_written(tmp_path, tag):
    """On this machine (root, cgroup v2 writable) the default is the cgroup: a process that both
    left the session and double-forked is still found."""
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        (setsid bash -c 'sleep {tag}6 & sleep {tag}7 & exit' >/dev/null 2>&1 &)
        until [ "$(pgrep -fc "^sleep {tag}[67]")" = 2 ]; do sleep 0.05; done
        ```
        ]
        """)
    run = labs_run(repo)
    assert running(tag) == []
    assert f"sleep {tag}6" in run["err"] and f"sleep {tag}7" in run["err"]


def test_a_chapter_that_leaves_nothing_gets_no_warning(tmp_path):
    repo = write_course(tmp_path, """\
        .lab[
        ```bash
        sleep 0.1 & wait
        ```
        ]
        """)
    run = labs_run(repo)
    assert run["rc"] == 0 and "warning" not in run["err"], run["err"]


@pytest.mark.parametrize("flood", [
    "head -c 100000000 /dev/zero",  # 100 MB of NUL bytes on one line
    "yes | head -c 100000000",  # 50 million short lines
])
def test_a_flooding_step_gives_a_bounded_report_and_bounded_memory(tmp_path, flood):
    # `: '['` balances the `]` of the escape sequence: remark counts every bracket of a lab
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        {flood}; : '['; printf 'bell\\a, escape\\033]0;title\\a and a bidi override \\u202e here\\n'; false
        ```
        ]
        """)
    run = labs_run(repo, "--step-timeout", "240")
    assert run["rc"] == 1
    err = run["err"]
    assert "slides/ch.md:3: bash step failed: exited with status 1" in err
    tail = err.split("--- last 40 lines of output ---\n", 1)[1].splitlines()
    assert 0 < len(tail) <= 40
    assert len(err) < 20_000, f"{len(err)} characters of report"
    assert all(len(line) <= 200 for line in tail), max(map(len, tail))
    assert not any(ch < " " and ch not in "\n\t" for ch in err), "raw control characters in the report"
    assert "\u202e" not in err and "\\u202e" in err
    assert "bell\\x07" in err
    if "zero" in flood:
        assert "\\x00\\x00" in err
    assert run["rss_kib"] < MEMORY_BOUND_MIB * 1024, f"peak RSS {run['rss_kib'] // 1024} MiB"


def test_a_background_job_flooding_the_terminal_is_reported_and_memory_stays_bounded(tmp_path, tag):
    """`yes` in the background writes to the terminal while later steps run, and after them."""
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        (exec -a yes-{tag} yes {tag} &)
        ```
        ```bash
        sleep 8
        ```
        ]
        """)
    run = labs_run(repo)
    assert run["rc"] == 0, run["err"][-2000:]
    assert running(f"yes-{tag}") == []
    assert f"slides/ch.md:3: warning: a process first seen after this step still ran when the " \
           f"chapter ended, so killed: yes-{tag} {tag}" in run["err"]
    assert run["rss_kib"] < MEMORY_BOUND_MIB * 1024, f"peak RSS {run['rss_kib'] // 1024} MiB"


def test_a_run_cancelled_with_sigterm_still_ends_what_it_started(tmp_path, tag):
    """CI cancels a job with SIGTERM: the chapter's processes go with the run."""
    repo = write_course(tmp_path, f"""\
        .lab[
        ```bash
        (sleep {tag}8 &)
        ```
        ```bash
        sleep {tag}9
        ```
        ]
        """)
    run = subprocess.Popen([sys.executable, "-m", "builder", "labs", "run", "--repo", str(repo),
                            "--cluster", "none"], cwd=repo, text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # until the second step runs
            if running(f"sleep {tag}9"):
                break
            time.sleep(0.1)
        assert running(f"sleep {tag}8") and running(f"sleep {tag}9")
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode != 0
    assert running(tag) == [], f"left behind: {running(tag)}"
    assert f"sleep {tag}8" in err and "Traceback" not in err
