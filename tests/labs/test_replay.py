"""`coursekit labs run --cluster none`: the session engine for real (bash on a pty, real
processes), through the real CLI. No cluster exists here, and no test pretends one ran."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builder.labs.directives import key_bytes

ENGINE = """\
# Engine

.lab[

- Start a slow talker:
  ```bash
  (sleep 1; echo "server ready"; sleep 600)
  ```

<!--
```wait server ready```
```key ^C```
-->

- Export a variable:
  ```bash
  export GREETING=hello
  ```

- Print a value:
  ```bash
  echo "token=$((6*7))abc"
  ```

<!-- ```copy token=(\\w+)``` -->

- Use the variable (the highlighted word is typed without its backticks):
  ```bash
  echo "$GREETING `world`"
  ```

<!-- ```hide echo hidden-step > $HOME/hidden.txt``` -->

]

---

## Second lab, same shell

.lab[

- A here-document:
  ```bash
  cat <<EOF | tee notes.txt
  greeting is $GREETING
  EOF
  ```

- A continued line:
  ```bash
  grep -c \\
    greeting notes.txt
  ```

<!--
```keys echo pasted-```
```paste```
```key Enter```
```check```
-->

- See what the hidden step did:
  ```bash
  cat $HOME/hidden.txt
  ```

- Open the dashboard at http://localhost:8500

<!-- ```open http://localhost:8500``` -->

]
"""

FAILING = """\
# Failing

.lab[

- Fine:
  ```bash
  echo one
  ```

- Broken:
  ```bash
  ls /no/such/folder
  ```

- Never typed:
  ```bash
  echo never-typed
  ```

]

---

.lab[

- Not run either:
  ```bash
  echo later
  ```

]
"""


def run_labs(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", "labs", "run", "--repo", str(repo),
                           *args], cwd=repo, text=True, capture_output=True, timeout=180,
                          env={**os.environ, **(env or {})})


def write_course(course, chapter: str) -> Path:
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", chapter)
    return course.root


def system_out(junit: Path) -> list[tuple[str, str, str]]:
    suite = ET.parse(junit).getroot().find("testsuite")
    out = []
    for case in suite.findall("testcase"):
        status = ("failed" if case.find("failure") is not None else
                  "skipped" if case.find("skipped") is not None else "passed")
        text = case.findtext("system-out") or ""
        out.append((case.get("name"), status, text))
    return out


@pytest.mark.slow
def test_engine_semantics_in_one_shell(course, tmp_path):
    repo = write_course(course, ENGINE)
    junit, html = tmp_path / "run.xml", tmp_path / "run.html"
    result = run_labs(repo, "--cluster", "none", "--step-timeout", "30", "--junit", str(junit),
                      "--report", str(html))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ran 1 chapter(s) without a cluster: 15 steps passed, 0 failed, 1 skipped" in result.stdout
    (first, s1, out1), (second, s2, out2) = system_out(junit)
    assert (first, s1, second, s2) == ("slides/ch.md:3", "passed", "slides/ch.md:40", "passed")
    assert "server ready" in out1  # waited for, then stopped with ^C
    assert "hello world" in out1  # exported in one step, used in a later one
    assert "greeting is hello" in out2  # here-document, in the second lab: same shell
    assert "\n1\n" in out2 + "\n"  # grep -c over a continued line
    assert "pasted-42abc" in out2  # copy kept 42abc, paste typed it
    assert "hidden-step" in out2  # the hide step ran
    report = html.read_text()
    assert 'href="' in report and "#src:slides/ch.md:" in report and "server ready" in report


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_failing_step_is_reported_at_its_line_and_stops_the_chapter(course, tmp_path):
    repo = write_course(course, FAILING)
    junit = tmp_path / "run.xml"
    result = run_labs(repo, "--cluster", "none", "--junit", str(junit))
    assert result.returncode == 1
    assert "slides/ch.md:12: bash step failed: exited with status 2" in result.stderr
    assert "typed: ls /no/such/folder" in result.stderr
    assert "No such file or directory" in result.stderr  # the last lines of output
    assert "never-typed" not in result.stdout + result.stderr
    cases = system_out(junit)
    assert [(name, status) for name, status, _ in cases] == [
        ("slides/ch.md:3", "failed"), ("slides/ch.md:24", "skipped")]


@pytest.mark.slow
def test_hung_step_is_stopped_with_its_children(course):
    repo = write_course(course, """\
        .lab[
        ```bash
        bash -c 'sleep 7771 & sleep 7772'
        ```
        ```bash
        echo after
        ```
        ]
        """)
    result = run_labs(repo, "--cluster", "none", "--step-timeout", "2")
    assert result.returncode == 1
    assert "slides/ch.md:3: bash step failed: timed out after 2 s" in result.stderr
    left = subprocess.run(["pgrep", "-f", "sleep 777[12]"], capture_output=True, text=True)
    assert left.stdout == "", f"processes left behind: {left.stdout}"


def test_missing_programs_fail_before_anything_runs(course):
    repo = write_course(course, ".lab[\n```bash\nstern-not-installed consul\n```\n]\n")
    result = run_labs(repo, "--cluster", "none")
    assert result.returncode == 1
    assert result.stderr.strip() == ("labs: programs the labs call are not installed: "
                                     "stern-not-installed (used by slides/ch.md)")


@pytest.fixture
def fake_cluster(tmp_path):
    """A kubeconfig whose only cluster is a listener on loopback that records connections:
    a test can then prove that nothing tried to reach a cluster."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append("connection")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(f"""\
apiVersion: v1
kind: Config
clusters:
- name: real
  cluster:
    server: https://127.0.0.1:{port}
    insecure-skip-tls-verify: true
contexts:
- name: real
  context:
    cluster: real
    user: me
current-context: real
users:
- name: me
  user:
    token: secret
""")
    yield {"KUBECONFIG": str(kubeconfig)}, hits
    stop.set()
    thread.join()
    server.close()


@pytest.mark.kubectl  # the context is looked up with `kubectl config view`
def test_current_cluster_needs_a_named_context(course, fake_cluster):
    env, hits = fake_cluster
    repo = write_course(course, ".lab[\n```bash\nkubectl get pods\n```\n]\n")
    result = run_labs(repo, "--cluster", "current", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == ("--cluster: --cluster current needs --context NAME: "
                                     "labs only run on a cluster you name")
    result = run_labs(repo, "--cluster", "current", "--context", "nope", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == ("--context: context 'nope' not found in your kubeconfig "
                                     "(see `kubectl config get-contexts`)")
    assert hits == []


@pytest.mark.parametrize(("name", "sent"), [
    ("^C", "\x03"), ("^D", "\x04"), ("C-c", "\x03"), ("Enter", "\r"), ("Escape", "\x1b"),
    ("Space", " "), ("Up", "\x1b[A"), ("M-x", "\x1bx"), ("q", "q")])
def test_key_names(name, sent):
    assert key_bytes(name) == sent


def test_unknown_key_name():
    assert key_bytes("Escpe") is None


WATCHES = """\
.lab[

- Watch two things; each is stopped in turn:
  ```bash
  (echo "first watch"; sleep 600)
  (echo "second watch"; sleep 600)
  ```

<!--
```wait first watch```
```keys ^C```
```wait second watch```
```keys ^C```
-->

- Watch three things; only the first is stopped, then a command is typed:
  ```bash
  (echo "watching pods"; sleep 600)
  (echo "watching replicasets"; sleep 600)
  ```

<!--
```wait watching pods```
```keys ^C```
-->

- A watch stopped at once:
  ```bash
  (echo "watching services"; sleep 600)
  ```

<!-- ```keys ^C``` -->

- Then, at the prompt:
  ```bash
  echo "after the watches"
  ```

]
"""


@pytest.mark.slow
def test_successive_watches_are_typed_line_by_line_and_stopped_in_turn(course, tmp_path):
    """A step of several long-running lines is typed as a trainee types it: a line at the prompt,
    the next when the prompt comes back, so `keys ^C` stops one watch and the next one runs."""
    repo = write_course(course, WATCHES)
    junit = tmp_path / "run.xml"
    result = run_labs(repo, "--cluster", "none", "--step-timeout", "20", "--wait-timeout", "20",
                      "--junit", str(junit))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 steps passed, 0 failed, 0 skipped, 0 not run" in result.stdout
    [(_name, status, out)] = system_out(junit)
    assert status == "passed"
    printed = out.splitlines()  # what the commands printed, beside what was typed
    assert {"first watch", "second watch", "after the watches"} <= set(printed)
    # ^C drops the lines typed ahead, as a terminal does, when nothing later waits for them
    assert "watching replicasets" not in printed
