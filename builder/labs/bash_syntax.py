"""bash itself as the reference grammar, for the scripts the Python shell parser cannot read.

bashlex is a port of bash's grammar, not bash: where it fails, `bash -n` (which reads and parses
a script without running any of it) decides. A script bash accepts is fine, whatever bashlex
thought; one bash refuses is reported with bash's own words and line.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

TIMEOUT = 10
_LINE = re.compile(r"^(?:bash: )?(?:line (\d+): )?(.*)$")


@dataclass(frozen=True, slots=True)
class BashVerdict:
    ok: bool
    line: int = 0  # 0-based line of the script where bash stopped
    message: str = ""


def bash_parses(script: str) -> BashVerdict:
    """Whether bash reads `script` without a syntax error (`bash -n`: nothing is run)."""
    try:
        done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True,
                              timeout=TIMEOUT, check=False, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired):
        return BashVerdict(True)  # no verdict: say nothing rather than guess
    if done.returncode == 0:
        return BashVerdict(True)
    first = next((line for line in done.stderr.splitlines() if line.strip()), "syntax error")
    m = _LINE.match(first.strip())
    line = int(m.group(1)) - 1 if m and m.group(1) else 0
    return BashVerdict(False, max(line, 0), (m.group(2) if m else first).strip())
