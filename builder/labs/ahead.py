"""kubectl's grammar for `labs check`: the commands a course seems to type, learnt ahead.

On a first check with a kubectl, the lines its course seems to type are guessed from the chapter
files before they compile (`kubectl_lines`), and their commands learnt from kubectl into the
cache by a process of its own while the chapters compile. The grammar then reads them back, and
learns what the guess missed when the check reaches it. A process, not threads: compiling forks
workers, and a fork must not copy a thread that is starting kubectl.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

from builder.config import Settings, load_settings
from builder.diagnostics import CourseError
from builder.files import contained
from builder.labs.kubectl.cache import known_version, kubectl_version
from builder.labs.kubectl.facts import KubectlFacts
from builder.labs.kubectl.grammar import KubectlGrammar
from builder.labs.kubectl.store import cache_dir_of, cache_file

KUBECTL = re.compile(r"\bkubectl[ \t]+([^\n|;&<>`$(){}\\]*)")
CLOSER = re.compile(r"^[ \t]*\][ \t]*$", re.M)
WORDS = 6  # the command is among a line's first words
MAX_BYTES = 4 << 20  # a file larger than a chapter is not read for a guess


def kubectl_lines(repo: Path, targets: list[Path], settings: Settings) -> list[tuple[str, ...]]:
    """The first words after `kubectl`, flags left out, of each line that seems to run it in the
    labs of the chapters `labs check` reads (those of the decks named, or of all decks). Only a
    guess: no finding ever comes from here."""
    from builder.course.decks import load_decks  # here: the learner starts before it loads

    manifests = [t for t in targets if t.suffix in (".yml", ".yaml") and t.exists()]
    files = [t for t in targets if t.suffix not in (".yml", ".yaml")]
    decks = load_decks(repo, manifests if targets else None, settings.shared_folders)
    texts = [e.inline for d in decks.decks for e in d.entries if e.inline is not None]
    paths = {e.path for d in decks.decks for e in d.entries if e.inline is None} | set(map(str, files))
    for rel in sorted(paths):
        path = contained(repo, rel, settings.shared_folders)
        if path is not None and os.path.isfile(path) and os.path.getsize(path) <= MAX_BYTES:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    macros = "|".join(map(re.escape, settings.lab_macros))
    opener = re.compile(rf"\.(?:{macros})\[")
    return list({tuple(word for word in m.group(1).split() if not word.startswith("-"))[:WORDS]
                 for text in texts for lab in _labs(text, opener) for m in KUBECTL.finditer(lab)})


def _labs(text: str, opener: re.Pattern[str]) -> list[str]:
    """The text of each lab macro, roughly: from its opening to the first line that is a lone `]`
    (what the check reads: slides only show the rest)."""
    found = []
    for start in opener.finditer(text):
        end = CLOSER.search(text, start.end())
        found.append(text[start.end():end.start() if end else len(text)])
    return found


class GrammarLoader:
    """kubectl's grammar for one check of the course at `repo`: `start` before compiling,
    `grammar()` after, `save()` after the check to keep what it learnt, `stop()` in the end."""

    def __init__(self, kubectl: str, repo: Path, targets: list[Path], settings: Settings,
                 cache_dir: Path | None = None) -> None:
        self.kubectl = kubectl
        self.repo, self.targets, self.settings = repo, targets, settings
        self.cache_dir = cache_dir_of(cache_dir)
        self.facts: KubectlFacts | None = None
        self._learner: subprocess.Popen[bytes] | None = None

    def start(self) -> GrammarLoader:
        """A kubectl new to the cache (even its version, which the learner then asks): the learner
        starts. Else what the cache lacks is learnt when the check needs it, the guessed lines'
        commands with the first of it (`KubectlFacts.defer`)."""
        version = known_version(self.kubectl, self.cache_dir)
        if version is not None:
            facts = self.facts = self._facts(version)
            if facts.started:
                facts.defer(lambda: kubectl_lines(self.repo, self.targets, self.settings))
                return self
        with contextlib.suppress(OSError):
            learner = [sys.executable, "-m", "builder.labs.ahead", self.kubectl, str(self.cache_dir),
                       str(self.repo), *map(str, self.targets)]
            self._learner = subprocess.Popen(learner, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def grammar(self) -> KubectlGrammar:
        """Once the learner is done, from what it kept; what it could not learn is learnt here, with
        kubectl's error if it fails again."""
        if self._learner is not None:
            self._learner.wait()
            self._learner = None
            if self.facts is not None:
                self.facts.close()
            self.facts = None
        if self.facts is None:
            self.facts = self._facts(kubectl_version(self.kubectl, self.cache_dir))
        return KubectlGrammar(self.facts)

    def _facts(self, version: str) -> KubectlFacts:
        return KubectlFacts(self.kubectl, version, cache_file(self.cache_dir, version))

    def save(self) -> None:
        if self.facts is not None:
            self.facts.save()

    def stop(self) -> None:
        """The check is over or gave up: the learner goes too (its kubectl runs end within a second)."""
        if self._learner is not None:
            self._learner.terminate()
            self._learner.wait()
            self._learner = None
        if self.facts is not None:
            self.facts.close()


def main(argv: list[str]) -> int:
    """`python -m builder.labs.ahead KUBECTL CACHE_DIR REPO [TARGET...]`: the learner."""
    kubectl, folder, repo, *targets = argv
    try:
        version = kubectl_version(kubectl, Path(folder))
    except CourseError:
        return 1  # the check asks again, and says what went wrong
    facts = KubectlFacts(kubectl, version, cache_file(Path(folder), version))
    try:
        facts.start()  # while the chapters are read
        try:
            lines = kubectl_lines(Path(repo), [Path(t) for t in targets], load_settings(Path(repo)))
        except (CourseError, OSError, ValueError):
            lines = []  # the check says what is wrong with the course: learn what every check needs
        facts.prefetch(lines)
    except CourseError:
        return 1  # the check learns again in its own process, and says what went wrong
    finally:
        facts.save()
        facts.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
