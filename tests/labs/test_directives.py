"""One table of directives and key names: whatever `labs check` accepts, `labs run` replays.

Every directive and every key name of the table goes through both tools, for real: the checker
(real kubectl grammar, real schemas) and the runner (a real bash on a pseudo-terminal).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builder.labs.directives import DIRECTIVES, KEY_FORMS, KEY_NAMES, REPLAYS, key_bytes
from builder.labs.session import BashSession

# A program that reads the terminal raw, so that any key (^C, ^D, ^Z included) is just a byte
# to it, until it reads STOP; then it puts the terminal back and exits 0.
RAW_READER = """\
import os, termios, tty
old = termios.tcgetattr(0)
tty.setraw(0)
os.write(1, b"raw reader ready\\r\\n")
seen = b""
while b"STOP" not in seen:
    seen += os.read(0, 1024)
termios.tcsetattr(0, termios.TCSADRAIN, old)
print("read", len(seen), "bytes")
"""

# Each directive used as a lab writes it, in an order that makes sense to a shell.
EXAMPLES = [
    ("bash", "```bash\necho token=abc123\n```"),
    ("copy", "<!-- ```copy token=(\\w+)``` -->"),
    ("copypaste", "<!-- ```copypaste tok.n=\\w+``` -->"),
    ("keys", "<!-- ```keys echo pasted-``` -->"),
    ("paste", "<!-- ```paste``` -->"),
    ("key", "<!-- ```key Enter``` -->"),
    ("check", "<!-- ```check``` -->"),
    ("hide", "<!-- ```hide echo hidden-step``` -->"),
    ("wait", "```bash\n(sleep 0.3; echo server up; sleep 60)\n```\n"
             "<!--\n```wait server up```\n```key ^C```\n-->"),
    ("longwait", "```bash\n(sleep 0.3; echo slow server up; sleep 60)\n```\n"
                 "<!--\n```longwait slow server up```\n```key ^C```\n-->"),
    ("open", "<!-- ```open http://localhost:8500/``` -->"),
    ("tmux", "<!-- ```tmux split-window -h``` -->"),
    ("", "```\nthe output, shown to trainees and never typed\n```"),
]


# A step's lines typed one by one, the way the checker reads them: watches stopped in turn by a
# stop key, lines a stop key drops when nothing later needs them, a watch stopped at once.
WATCHES = """\
- Two watches, each stopped in turn:
  ```bash
  (echo "first watch"; sleep 600)
  (echo "second watch"; sleep 600)
  ```

<!--
```wait first watch```
```keys ^C```
```wait second watch```
```key C-c```
-->

- Three watches, the first stopped; a command is typed next:
  ```bash
  (echo "pods"; sleep 600)
  (echo "replicasets"; sleep 600)
  (echo "deployments"; sleep 600)
  ```

<!--
```wait pods```
```keys ^C```
-->

- A watch stopped at once:
  ```bash
  (echo watching; sleep 600)
  ```

<!-- ```key ^C``` -->

- At the prompt again:
  ```bash
  echo "prompt is back"
  ```
"""


def every_key() -> list[str]:
    return [*KEY_NAMES, *KEY_FORMS]


def chapter() -> str:
    # as courses write it, a `[` in code is balanced after it: remark counts every bracket
    keys = "\n".join(f"```key {name}```" + (" ]" if "[" in name else "") for name in every_key())
    directives = "\n\n".join(text for _name, text in EXAMPLES)
    return textwrap.dedent("""\
        # Every directive and key

        .lab[

        - Every directive:

        {directives}

        ]

        ---

        .lab[

        - A program that reads raw keys:
          ```bash
          cat > raw.py <<'EOF'
        {reader}  EOF
          ```

          ```bash
          python3 raw.py
          ```

        <!--
        ```wait raw reader ready```
        {keys}
        ```keys STOP```
        ```check```
        -->

        ]

        ---

        .lab[

        {watches}
        ]
        """).format(directives=directives, reader=textwrap.indent(RAW_READER, "  "), keys=keys,
                    watches=WATCHES)


def coursekit(repo: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "builder", "labs", *args, "--repo", str(repo)],
                          cwd=repo, text=True, capture_output=True, timeout=300, env=env)


def test_every_directive_has_an_example_and_a_replay():
    assert {name for name, _text in EXAMPLES} == {*DIRECTIVES, ""}
    assert set(BashSession._replays) == REPLAYS


def test_every_key_form_of_the_table_has_bytes():
    assert all(key_bytes(name) for name in every_key())
    assert key_bytes("C-Up") == "\x1b[1;5A" and key_bytes("^[") == "\x1b" and key_bytes("S-Tab") == "\x1b[Z"


@pytest.mark.kubectl  # `labs check` asks kubectl its version
def test_what_the_check_accepts_the_runner_replays(course, tmp_path):
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", chapter())
    checked = coursekit(course.root, "check", cache=tmp_path / "cache")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert " 0 errors, 0 warnings" in checked.stdout
    ran = coursekit(course.root, "run", "--cluster", "none", "--step-timeout", "30", cache=tmp_path / "cache")
    assert "Traceback" not in ran.stderr
    assert ran.returncode == 0, ran.stdout + ran.stderr
    checked_steps = int(checked.stdout.split(" steps (")[0].rsplit(" ", 1)[1])
    assert checked_steps > len(every_key()) + len(EXAMPLES)
    # every step the check accepted replays; open, tmux and the block with no info string are
    # recorded as skipped, by design
    assert f" {checked_steps - 3} steps passed, 0 failed, 3 skipped, 0 not run" in ran.stdout


@pytest.mark.kubectl  # `labs check` asks kubectl its version
def test_keys_that_once_crashed_the_runner_are_replayed(course, tmp_path):
    keys = "\n".join(f"```key {name}```" for name in ("C-Up", "M-Enter", "F12", "escape"))
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", f".lab[\n```bash\necho ready\n```\n<!--\n{keys}\n-->\n]\n")
    assert coursekit(course.root, "check", cache=tmp_path / "cache").returncode == 0
    ran = coursekit(course.root, "run", "--cluster", "none", cache=tmp_path / "cache")
    assert "Traceback" not in ran.stderr
    assert ran.returncode == 0 and "5 steps passed, 0 failed" in ran.stdout, ran.stdout + ran.stderr


@pytest.mark.kubectl  # `labs check` asks kubectl its version
def test_a_key_the_check_refuses_fails_its_step_in_the_runner(course, tmp_path):
    course.write("slides/deck.yml", "content:\n- - ch.md\n")
    course.write("slides/ch.md", ".lab[\n```bash\necho ready\n```\n<!-- ```key C-Esc``` -->\n]\n")
    checked = coursekit(course.root, "check", cache=tmp_path / "cache")
    assert "slides/ch.md:5: unknown key name 'C-Esc'" in checked.stdout
    ran = coursekit(course.root, "run", "--cluster", "none", cache=tmp_path / "cache")
    assert ran.returncode == 1 and "Traceback" not in ran.stderr
    assert "slides/ch.md:5: key step failed: unknown key name 'C-Esc'" in ran.stderr
