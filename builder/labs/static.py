"""`coursekit labs check`: every lab command and manifest checked without a cluster.

What breaks courses: a renamed YAML file, a typo in a command or a flag, a field Kubernetes
does not know, an API version a newer Kubernetes no longer serves, a lab directive nobody runs.
Each finding points at a file and line; manifest problems also name the lab line that uses them.
"""

from __future__ import annotations

import difflib
import glob
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from builder.config import Settings
from builder.labs import rules
from builder.labs.kubectl import KubectlGrammar
from builder.labs.schemas import Problem, Schemas, YamlError, format_path, load_yaml_documents
from builder.labs.shell import Command, ShellSyntaxError, commands
from builder.model import RUN_METHODS, Chapter, Deck, Lab, Step

# Programs a Kubernetes course calls; a word one typo away from one of them is an error.
COURSE_TOOLS = frozenset({
    "kubectl", "helm", "docker", "stern", "kind", "kustomize", "jq", "yq", "curl", "git",
    "minikube", "k3d", "kubeadm", "etcdctl", "crictl", "ctr", "skaffold", "tilt", "flux",
    "argocd", "istioctl", "linkerd", "velero", "kubeseal", "watch", "ssh", "wget", "openssl",
    "kubectx", "kubens", "k9s", "cfssl", "nerdctl", "podman", "terraform", "envsubst",
})
# Not typos of anything, however close they look.
KNOWN_PROGRAMS = COURSE_TOOLS | frozenset({
    "cd", "ls", "cat", "echo", "export", "sleep", "grep", "sed", "awk", "cut", "head", "tail",
    "sort", "uniq", "wc", "tee", "xargs", "mkdir", "rm", "cp", "mv", "touch", "chmod", "ln",
    "find", "diff", "base64", "sh", "bash", "env", "true", "false", "test", "[", "[[", "read",
    "for", "while", "until", "if", "do", "done", "then", "fi", "set", "unset", "source", ".",
    "alias", "printf", "pwd", "date", "nc", "ping", "dig", "nslookup", "host", "tr", "vi", "vim",
    "nano", "less", "more", "whoami", "hostname", "uname", "ps", "kill", "pkill", "time",
    "timeout", "make", "python3", "python", "pip", "tar", "unzip", "gzip", "htop", "top",
    "ip", "ss", "netstat", "iptables", "sudo", "exit", "clear", "history", "which", "type",
    "wait", "jobs", "fg", "bg", "seq", "yes", "shuf", "stat", "file", "du", "df", "free",
    "ab", "hey", "httping", "socat", "tmux", "screen", "apt", "apt-get", "brew", "go", "node",
})
# tmux key names a `key` step may send, besides ^X, C-x and M-x forms.
KEY_NAMES = frozenset({
    "Enter", "Escape", "Space", "Tab", "BTab", "BSpace", "Up", "Down", "Left", "Right", "Home",
    "End", "PageUp", "PageDown", "PgUp", "PgDn", "PPage", "NPage", "IC", "DC", "Insert", "Delete",
    *(f"F{n}" for n in range(1, 13)),
})
_KEY_RE = re.compile(r"^(\^[A-Za-z@\[\\\]^_?]|[CM]-.|[CM]-[A-Za-z0-9]+|[A-Za-z0-9])$")
_YAML_LANGS = frozenset({"yaml", "yml"})
_RUNS_COMMANDS = frozenset({"bash", "hide"})
_MANIFEST_EXTS = (".yaml", ".yml", ".json")


@dataclass(slots=True)
class Finding:
    path: str
    line: int
    message: str
    severity: str = "error"  # "error", "warning" or "note"
    labs: list[tuple[str, int]] = field(default_factory=list)  # (path, line) of labs concerned

    def __str__(self) -> str:
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {label}{self.message}"


@dataclass(slots=True)
class DocumentVerdict:
    """The checker's verdict on one manifest document a lab applies: what `kubectl apply
    --dry-run=server` is compared with (`coursekit labs check --verdicts`)."""

    file: str          # repository file, or the chapter holding a here-document
    index: int         # 1-based, among the non-empty documents of the file or here-document
    line: int
    kind: str
    name: str
    errors: list[str] = field(default_factory=list)
    here_document: str | None = None  # the whole here-document, when the manifest is one

    @property
    def verdict(self) -> str:
        return "reject" if self.errors else "accept"


@dataclass(slots=True)
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    labs: list[tuple[Chapter, Lab]] = field(default_factory=list)
    steps: int = 0
    commands: int = 0
    manifests: int = 0
    documents: int = 0
    fragments: int = 0
    verdicts: list[DocumentVerdict] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def summary(self) -> str:
        warnings = sum(f.severity == "warning" for f in self.findings)
        return (f"checked {len(self.labs)} labs, {self.steps} steps ({self.commands} commands), "
                f"{self.manifests} manifests ({self.documents} documents), "
                f"{self.fragments} YAML blocks on slides: "
                f"{len(self.errors)} error(s), {warnings} warning(s)")


@dataclass(slots=True)
class _Session:
    """What the chapter's shell has done so far: labs of a chapter run in one session."""

    running: bool = False  # a command was typed and may still be running
    copied: bool = False
    written: set[str] = field(default_factory=set)  # files created by earlier commands


class Checker:
    def __init__(self, repo: Path, settings: Settings, grammar: KubectlGrammar, schemas: Schemas,
                 decks: Iterable[Deck] = ()) -> None:
        self.repo = repo.resolve()
        self.settings = settings
        self.grammar = grammar
        self.schemas = schemas
        self.report = CheckReport()
        self._manifest_cache: dict[str, list[tuple[int, str, str]]] = {}
        self._reported: dict[str, Finding] = {}  # manifest findings, reported once
        self._prefixes = self._path_prefixes(decks)
        self._prefix_dir = settings.prefix.rsplit("/", 1)[-1]
        self._crds_loaded = False

    # -- the whole run ---------------------------------------------------------------------

    def check(self, chapters: list[Chapter]) -> CheckReport:
        self._load_crds()
        for chapter in chapters:
            session = _Session()
            for lab in chapter.labs:
                self.report.labs.append((chapter, lab))
                self._check_lab(lab, session)
            for block in chapter.code:
                if block.lang.lower() in _YAML_LANGS:
                    self._check_slide_yaml(block.text, block.path, block.line)
        self.report.findings.sort(key=lambda f: (f.path, f.line, f.message))
        return self.report

    def _add(self, path: str, line: int, message: str, severity: str = "error",
             lab: Lab | None = None) -> Finding:
        finding = Finding(path, line, message, severity, [(lab.path, lab.line)] if lab else [])
        self.report.findings.append(finding)
        return finding

    # -- labs ------------------------------------------------------------------------------

    def _check_lab(self, lab: Lab, session: _Session) -> None:
        runnable = [s for s in lab.steps if s.method in RUN_METHODS]
        if not lab.steps:
            self._add(lab.path, lab.line, f".{lab.macro}[ block has no step (no fenced command)",
                      lab=lab)
        elif not runnable:
            self._add(lab.path, lab.line, f".{lab.macro}[ block has nothing to run (only "
                      f"{', '.join(sorted({s.method for s in lab.steps}))} blocks)", "warning", lab)
        for step in lab.steps:
            self.report.steps += 1
            self._check_step(step, lab, session)

    def _check_step(self, step: Step, lab: Lab, session: _Session) -> None:
        method = step.method
        if method not in RUN_METHODS:
            self._check_unknown_method(step, lab)
            return
        if method in _RUNS_COMMANDS:
            if not step.data.strip():
                self._add(step.path, step.line, f"empty {method} step", lab=lab)
                return
            self._check_script(step, lab, session)
            session.running = method == "bash"
        elif method in ("wait", "longwait"):
            if not step.data.strip():
                self._add(step.path, step.line, f"{method} needs the text to wait for", lab=lab)
            if not session.running:
                self._add(step.path, step.line, f"{method} {step.data!r} has no running command "
                          "before it (nothing was typed since the last key or the start)", lab=lab)
        elif method == "key":
            self._check_key(step, lab)
            if step.data.strip() in ("^C", "^D", "C-c", "C-d"):
                session.running = False
        elif method == "copy":
            try:
                re.compile(step.data)
            except re.error as exc:
                self._add(step.path, step.line, f"copy: invalid regular expression: {exc}", lab=lab)
            session.copied = True
        elif method == "paste" and not session.copied:
            self._add(step.path, step.line, "paste with no copy before it", lab=lab)

    def _check_unknown_method(self, step: Step, lab: Lab) -> None:
        close = difflib.get_close_matches(step.method, sorted(RUN_METHODS), n=1, cutoff=0.75)
        if step.hidden:
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self._add(step.path, step.line, f"unknown lab directive {step.method!r}{hint}", lab=lab)
        elif close and not _is_language(step.method):
            self._add(step.path, step.line,
                      f"unknown lab directive {step.method!r} (did you mean {close[0]!r}?)", lab=lab)
        elif step.method.lower() in _YAML_LANGS:
            pass  # checked with the other YAML blocks of the slide
        elif not _is_language(step.method):
            self._add(step.path, step.line, f"unknown code language {step.method!r}: shown as "
                      "text and not run", "warning", lab)

    def _check_key(self, step: Step, lab: Lab) -> None:
        key = step.data.strip()
        if key in KEY_NAMES or _KEY_RE.match(key):
            return
        close = difflib.get_close_matches(key, sorted(KEY_NAMES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self._add(step.path, step.line, f"unknown key name {key!r}{hint}", lab=lab)

    # -- shell commands --------------------------------------------------------------------

    def _check_script(self, step: Step, lab: Lab, session: _Session) -> None:
        try:
            found = commands(step.data)
        except ShellSyntaxError as exc:
            self._add(step.path, step.line + exc.line, f"shell syntax error: {exc}", lab=lab)
            return
        for cmd in found:
            self.report.commands += 1
            line = step.line + cmd.line
            self._check_program(cmd, step, line, lab)
            self._check_paths(cmd, step, line, lab)
            if cmd.words[0] == "kubectl":
                self._check_kubectl(cmd, step, line, lab, session)
        for target in _written_files(step.data):
            session.written.add(target)

    def _check_program(self, cmd: Command, step: Step, line: int, lab: Lab) -> None:
        program = cmd.words[0]
        if ("/" in program or "$" in program or "=" in program or program in KNOWN_PROGRAMS
                or program in self.settings.tools):
            return
        near = [t for t in sorted(COURSE_TOOLS | set(self.settings.tools))
                if _typo_distance(program, t) <= (2 if len(t) >= 7 else 1)]
        if near and shutil.which(program) is None:
            self._add(step.path, line, f"unknown program {program!r} (did you mean {near[0]!r}?)",
                      lab=lab)

    def _check_kubectl(self, cmd: Command, step: Step, line: int, lab: Lab,
                       session: _Session) -> None:
        argv = cmd.words[1:]
        for message in self.grammar.check(argv, plugins=set(self.settings.kubectl_plugins)):
            self._add(step.path, line, f"kubectl: {message}", lab=lab)
        for value in _filenames(argv):
            self._check_manifest_arg(value, cmd, step, line, lab, session, recursive=_recursive(argv))

    def _check_paths(self, cmd: Command, step: Step, line: int, lab: Lab) -> None:
        for word in cmd.words[1:]:
            for candidate in re.findall(r"(?:~|\$HOME|\$\{HOME\})/[^\s'\"]+", word):
                rel = self._repo_path(candidate)
                if rel is None:
                    top = candidate.split("/", 2)[1]
                    if top != self._prefix_dir and difflib.SequenceMatcher(
                            None, top, self._prefix_dir).ratio() >= 0.8:
                        fixed = self.settings.prefix + candidate[len(candidate.split("/")[0]) + 1
                                                                  + len(top):]
                        self._add(step.path, line, f"path {candidate} does not start with "
                                  f"{self.settings.prefix}/ (did you mean {fixed}?)", lab=lab)
                    continue
                if any(ch in rel for ch in "*?[") or "$" in rel:
                    continue
                if not (self.repo / rel).exists():
                    self._add(step.path, line, f"file not found: {rel} (from {candidate})"
                              + _did_you_mean(self.repo, rel), lab=lab)

    def _repo_path(self, word: str) -> str | None:
        """The repository path a lab word means, or None if it is not inside the checkout."""
        for prefix, branch_follows in self._prefixes:
            if word == prefix.rstrip("/"):
                return "."
            if word.startswith(prefix):
                rest = word[len(prefix):].split("?")[0].split("#")[0]
                if branch_follows:  # raw URLs of the forge: <prefix><branch>/<path>
                    rest = rest.split("/", 1)[1] if "/" in rest else ""
                return rest or "."
        return None

    def _path_prefixes(self, decks: Iterable[Deck]) -> list[tuple[str, bool]]:
        """(prefix, whether a branch name follows it) for every spelling of the repository."""
        home_forms = [self.settings.prefix]
        if self.settings.prefix.startswith("~/"):
            rest = self.settings.prefix[2:]
            home_forms += [f"$HOME/{rest}", f"${{HOME}}/{rest}"]
        prefixes = [(p.rstrip("/") + "/", False) for p in home_forms]
        prefixes += [(u.rstrip("/") + "/", False) for u in self.settings.raw_urls]
        for deck in decks:
            repo = deck.strings.get("GITREPO", "").strip().strip("/")
            m = re.match(r"(?:https?://)?github\.com/([^/]+/[^/]+?)(?:\.git)?$", repo)
            if m:
                prefixes.append((f"https://raw.githubusercontent.com/{m.group(1)}/", True))
                prefixes.append((f"https://github.com/{m.group(1)}/raw/", True))
        return list(dict.fromkeys(prefixes))

    # -- manifests -------------------------------------------------------------------------

    def _check_manifest_arg(self, value: str, cmd: Command, step: Step, line: int, lab: Lab,
                            session: _Session, recursive: bool) -> None:
        if value == "-":
            if cmd.stdin is not None:
                self._check_documents(cmd.stdin, step.path, step.line + cmd.stdin_line, lab,
                                      what="here-document")
            return
        rel = self._repo_path(value)
        is_url = value.startswith(("http://", "https://"))
        if (rel is not None and is_url and not any(ch in rel for ch in "*?[")
                and not (self.repo / rel).exists()):
            self._add(step.path, line, f"file not found: {rel} (from {value})"
                      + _did_you_mean(self.repo, rel), lab=lab)
            return
        if rel is None:
            if is_url:
                self._add(step.path, line, f"remote manifest not checked: {value}", "note", lab)
            elif value not in session.written and "$" not in value:
                self._add(step.path, line, f"manifest outside the repository not checked: {value}",
                          "note", lab)
            return
        for manifest in self._expand(rel, recursive):
            self._check_manifest_file(manifest, step, line, lab)

    def _expand(self, rel: str, recursive: bool) -> list[str]:
        target = self.repo / rel
        if any(ch in rel for ch in "*?["):
            return sorted(Path(p).relative_to(self.repo).as_posix()
                          for p in glob.glob(str(target)) if p.endswith(_MANIFEST_EXTS))
        if target.is_dir():
            pattern = "**/*" if recursive else "*"
            return sorted(p.relative_to(self.repo).as_posix() for p in target.glob(pattern)
                          if p.is_file() and p.suffix in _MANIFEST_EXTS)
        return [rel]

    def _check_manifest_file(self, rel: str, step: Step, line: int, lab: Lab) -> None:
        path = self.repo / rel
        if not path.is_file():
            return  # already reported by the path check
        if rel not in self._manifest_cache:
            self._manifest_cache[rel] = self._manifest_problems(rel, path)
        for doc_line, message, severity in self._manifest_cache[rel]:
            key = f"{rel}:{doc_line}:{message}"
            finding = self._reported.get(key)
            if finding is None:
                finding = self._add(rel, doc_line, f"{message} (applied at {step.path}:{line})",
                                    severity, lab)
                self._reported[key] = finding
            elif (lab.path, lab.line) not in finding.labs:
                finding.labs.append((lab.path, lab.line))

    def _manifest_problems(self, rel: str, path: Path) -> list[tuple[int, str, str]]:
        self.report.manifests += 1
        try:
            docs = load_yaml_documents(path.read_text(encoding="utf-8"))
        except YamlError as exc:
            return [(exc.line, f"not valid YAML: {exc.message}", "error")]
        except UnicodeDecodeError:
            return [(1, "file is not UTF-8", "error")]
        out = []
        text = path.read_text(encoding="utf-8")
        for number, (doc_line, doc) in enumerate(docs, 1):
            self.report.documents += 1
            problems = self.schemas.validate(doc)
            found = [(field_line(text, doc_line, p.path), _doc_message(number, doc, p), _severity(p))
                     for p in problems]
            found += [(f.line or doc_line, f.message, f.severity)
                      for f in self._rules(doc, problems, text, doc_line, _doc_head(number, doc))]
            out += found
            errors = [message for _, message, severity in found if severity == "error"]
            self.report.verdicts.append(DocumentVerdict(rel, number, doc_line, *_kind_name(doc), errors))
        return out

    def _check_documents(self, text: str, path: str, first_line: int, lab: Lab | None,
                         what: str) -> None:
        try:
            docs = load_yaml_documents(text)
        except YamlError as exc:
            self._add(path, first_line + exc.line - 1, f"{what} is not valid YAML: {exc.message}",
                      lab=lab)
            return
        for number, (doc_line, doc) in enumerate(docs, 1):
            self.report.documents += 1
            problems = self.schemas.validate(doc)
            errors = []
            for problem in problems:
                at = field_line(text, doc_line, problem.path)
                self._add(path, first_line + at - 1, _doc_message(number, doc, problem),
                          _severity(problem), lab)
                errors += [_doc_message(number, doc, problem)] if _severity(problem) == "error" else []
            for finding in self._rules(doc, problems, text, doc_line, _doc_head(number, doc)):
                self._add(path, first_line + (finding.line or doc_line) - 1, finding.message,
                          finding.severity, lab)
                errors += [finding.message] if finding.is_error else []
            self.report.verdicts.append(DocumentVerdict(
                path, number, first_line + doc_line - 1, *_kind_name(doc), errors, here_document=text))

    def _check_slide_yaml(self, text: str, path: str, line: int) -> None:
        self.report.fragments += 1
        try:
            docs = load_yaml_documents(text)
        except YamlError as exc:
            self._add(path, line + exc.line - 1, f"YAML on this slide does not parse, not checked: "
                      f"{exc.message}", "warning")
            return
        for doc_line, doc in docs:
            if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
                self.report.documents += 1
                problems = self.schemas.validate(doc)
                for problem in problems:
                    at = line + field_line(text, doc_line, problem.path) - 1
                    self._add(path, at, _doc_message(None, doc, problem), _severity(problem))
                # Not applied as written: what the API server would reject is worth a warning here.
                for finding in self._rules(doc, problems, text, doc_line, _doc_head(None, doc)):
                    self._add(path, line + (finding.line or doc_line) - 1, finding.message,
                              "note" if finding.severity == "note" else "warning")
            elif isinstance(doc, dict) and doc:
                where, problems = self.schemas.validate_fragment(doc)
                for problem in problems:
                    at = line + field_line(text, doc_line, problem.path) - 1
                    place = f" (as part of a {where})" if where else ""
                    self._add(path, at, _field(problem) + problem.message + place,
                              _severity(problem))

    # -- semantic rules (builder.labs.rules): what the API server rejects beyond the schema -------

    def _rules(self, doc: object, problems: list[Problem], text: str, doc_line: int,
               head: str) -> list:
        """The rules' findings on a document whose kind and version the target serves; their
        lines are relative to `text`."""
        if not isinstance(doc, dict) or any(p.kind in _UNSERVED for p in problems):
            return []
        context = rules.ManifestContext(
            path="", line_of=lambda parts: field_line(text, doc_line, format_path(parts)),
            version=self.schemas.version, head=head, definitions=self.schemas.definitions)
        return rules.check_document(doc, context)

    def _load_crds(self) -> None:
        """Custom resources are checked against the repository's own CRDs."""
        if self._crds_loaded:
            return
        self._crds_loaded = True
        crds = []
        k8s = self.repo / "k8s"
        for path in sorted(k8s.rglob("*")) if k8s.is_dir() else []:
            if path.suffix not in (".yaml", ".yml") or not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if "CustomResourceDefinition" not in text:
                continue
            try:
                crds += [d for _, d in load_yaml_documents(text)
                         if isinstance(d, dict) and d.get("kind") == "CustomResourceDefinition"]
            except YamlError:
                continue
        if crds:
            self.schemas.add_crds(crds)


_PATH_PART = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def field_line(text: str, doc_line: int, field_path: str) -> int:
    """The 1-based line of `field_path` (as `spec.containers[0].image`) in the document that
    starts at `doc_line`, or the deepest part of it that exists; found only when reporting."""
    parts: list[str | int] = []
    for m in _PATH_PART.finditer(field_path):
        parts.append(m.group(1) if m.group(1) else int(m.group(2)) if m.group(2)
                     else json.loads(m.group(3)))
    try:
        nodes = yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        node = next((n for n in nodes if n is not None and n.start_mark.line + 1 == doc_line), None)
    except yaml.YAMLError:
        return doc_line
    line = doc_line
    for part in parts:
        if isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        elif isinstance(part, str) and isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        else:
            break
    return line


_UNSERVED = frozenset({"removed-api", "unknown-kind", "not-an-object", "unchecked"})


def _kind_name(doc: object) -> tuple[str, str]:
    if not isinstance(doc, dict):
        return "", ""
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return str(doc.get("kind", "")), str(meta.get("name") or "")


def _doc_head(number: int | None, doc: object) -> str:
    """`document 2 (Deployment web): `, the prefix of every finding about a document."""
    kind, name = _kind_name(doc)
    what = f"{kind or '?'}{' ' + name if name else ''}" if isinstance(doc, dict) else ""
    return f"document {number} ({what}): " if number is not None else (f"{what}: " if what else "")


def _doc_message(number: int | None, doc: object, problem: Problem) -> str:
    what = ""
    if isinstance(doc, dict):
        name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
        what = f"{doc.get('kind', '?')}{' ' + str(name) if name else ''}"
    head = f"document {number} ({what}): " if number is not None else (f"{what}: " if what else "")
    return head + _field(problem) + problem.message


def _field(problem: Problem) -> str:
    return f"{problem.path}: " if problem.path else ""


def _severity(problem: Problem) -> str:
    if problem.kind == "unchecked":
        return "note"
    if problem.kind == "deprecated-api":
        return "warning"
    return "error"


def _filenames(argv: list[str]) -> list[str]:
    """Values of -f/--filename (and -k, whose folder must exist too) in a kubectl command."""
    values = []
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word in ("-f", "--filename") and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif word.startswith("--filename="):
            values.append(word.split("=", 1)[1])
        elif word.startswith("-f") and not word.startswith("--") and len(word) > 2:
            values.append(word[2:].lstrip("="))
    return values


def _recursive(argv: list[str]) -> bool:
    return "-R" in argv or "--recursive" in argv or "--recursive=true" in argv


def _written_files(script: str) -> list[str]:
    """Files an earlier command creates (`cat > web.yaml <<EOF`, `tee x.yaml`), so that a later
    `kubectl apply -f web.yaml` is not reported as a file outside the repository."""
    return re.findall(r"(?:>|\btee\s+(?:-a\s+)?)\s*([\w./~$-]+\.(?:ya?ml|json))", script)


def _did_you_mean(repo: Path, rel: str) -> str:
    parent = (repo / rel).parent
    if not parent.is_dir():
        return ""
    names = [p.name for p in parent.iterdir()]
    close = difflib.get_close_matches(Path(rel).name, names, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {(Path(rel).parent / close[0]).as_posix()}?)"


def _typo_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count as one edit)."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 2:
        return 3
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _is_language(name: str) -> bool:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if name.lower() in ("", "text", "plain", "console", "shell-session", "terminal", "output"):
        return True
    try:
        get_lexer_by_name(name.lower())
    except ClassNotFound:
        return False
    return True
