"""`labs check` measured against the real API server: `kubectl apply --dry-run=server`, per document.

`coursekit labs check --verdicts FILE` lists every manifest document the labs apply with the
checker's verdict (reject: at least one error; accept: none). `coursekit labs dry-run --verdicts
FILE --context NAME` sends each of those documents, alone, to the cluster of that context with
`kubectl apply --dry-run=server` (nothing is persisted) and sorts the answer:

- accepted: kubectl exits 0;
- rejected: the API server refused the object itself: `is invalid` (422, validation), `cannot be
  handled as` / `strict decoding error` (400, decoding), or kubectl could not read the YAML;
- inconclusive: an answer about the cluster rather than the object (a namespace or CRD that only
  an earlier lab step creates, an admission webhook, RBAC, a timeout): not a verdict.

A disagreement is a document the checker rejects and the server accepts (a false alarm), or
the reverse (a defect the checker missed). The report lists both directions, and the inconclusive
ones; any disagreement makes the command fail. The comparison itself (`classify`, `compare`,
`report`) is pure and tested on recorded kubectl output; only `ask_server` runs kubectl.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from builder.files import contained
from builder.yamltext import Loader

ACCEPT, REJECT, INCONCLUSIVE = "accept", "reject", "inconclusive"
_REJECTED = (
    re.compile(r"\bis invalid\b"),                      # 422 Unprocessable Entity: validation
    re.compile(r"cannot be handled as a"),              # 400: the object cannot be decoded
    re.compile(r"strict decoding error"),               # 400: unknown or duplicate fields
    re.compile(r"error converting YAML to JSON|error parsing .*: error converting"),  # kubectl's YAML reader
    re.compile(r"\(BadRequest\)"),
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One document: where it is, and what the checker said of it (from `labs check --verdicts`)."""

    file: str
    index: int
    line: int
    kind: str
    name: str
    verdict: str
    errors: tuple[str, ...] = ()
    here_document: str | None = None

    @property
    def key(self) -> str:
        return f"{self.file}#{self.index}"


@dataclass(frozen=True, slots=True)
class ServerAnswer:
    verdict: str  # accept, reject or inconclusive
    output: str


@dataclass(frozen=True, slots=True)
class Disagreement:
    document: Verdict
    server: ServerAnswer

    @property
    def direction(self) -> str:
        if self.document.verdict == REJECT:
            return "false alarm (checker rejects, API server accepts)"
        return "missed (API server rejects, checker accepts)"


def load_verdicts(path: Path) -> list[Verdict]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Verdict(r["file"], r["index"], r["line"], r["kind"], r["name"], r["verdict"],
                    tuple(r.get("errors", ())), r.get("here_document")) for r in rows]


def split_documents(text: str) -> list[str]:
    """The source text of each non-empty YAML document, in the order `load_yaml_documents` counts them."""
    loader = Loader(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
                continue
            documents.append(text[node.start_mark.index:node.end_mark.index].rstrip("\n") + "\n")
    finally:
        loader.dispose()
    return documents


def document_text(verdict: Verdict, repo: Path) -> str | None:
    source = verdict.here_document
    if source is None:
        path = contained(repo, verdict.file)  # the verdicts file is input too: nothing outside
        source = path.read_text(encoding="utf-8") if path is not None and path.is_file() else None
    if source is None:
        return None
    try:
        documents = split_documents(source)
    except yaml.YAMLError:
        return source if verdict.index == 1 else None  # kubectl will say what it thinks of it
    return documents[verdict.index - 1] if verdict.index <= len(documents) else None


def classify(returncode: int, output: str) -> ServerAnswer:
    """What kubectl's exit status and output say about the object."""
    if returncode == 0:
        return ServerAnswer(ACCEPT, output)
    if any(pattern.search(output) for pattern in _REJECTED):
        return ServerAnswer(REJECT, output)
    return ServerAnswer(INCONCLUSIVE, output)


def ask_server(text: str, kubectl: str, context: str, timeout: float = 60) -> ServerAnswer:
    """`kubectl apply --dry-run=server` on one document, in the given context only."""
    try:
        done = subprocess.run([kubectl, "--context", context, "apply", "--dry-run=server", "-f", "-"],
                              input=text, text=True, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ServerAnswer(INCONCLUSIVE, f"kubectl did not answer within {timeout:.0f} s")
    return classify(done.returncode, (done.stdout + done.stderr).strip())


def compare(verdicts: Iterable[Verdict], answers: dict[str, ServerAnswer]) -> list[Disagreement]:
    found = []
    for verdict in verdicts:
        answer = answers.get(verdict.key)
        if answer is not None and answer.verdict != INCONCLUSIVE and answer.verdict != verdict.verdict:
            found.append(Disagreement(verdict, answer))
    return found


def report(verdicts: list[Verdict], answers: dict[str, ServerAnswer],
           disagreements: list[Disagreement]) -> str:
    """A Markdown page: counts, each disagreement with both sides, then the inconclusive documents."""
    counted = [v for v in verdicts if v.key in answers]
    inconclusive = [v for v in counted if answers[v.key].verdict == INCONCLUSIVE]
    lines = ["# labs check against kubectl apply --dry-run=server", "",
             f"{len(counted)} documents; {len(counted) - len(inconclusive) - len(disagreements)} agree, "
             f"{len(disagreements)} disagree, {len(inconclusive)} inconclusive.", ""]
    for title, rows in (("False alarms (checker rejects, API server accepts)",
                         [d for d in disagreements if d.document.verdict == REJECT]),
                        ("Missed (API server rejects, checker accepts)",
                         [d for d in disagreements if d.document.verdict == ACCEPT])):
        lines += [f"## {title}: {len(rows)}", ""]
        for d in rows:
            lines += [f"### {d.document.file}:{d.document.line} document {d.document.index} "
                      f"({d.document.kind} {d.document.name})", "", "checker:", ""]
            lines += [f"- {e}" for e in d.document.errors] or ["- no error"]
            lines += ["", "API server:", "", "```", d.server.output or "(no output)", "```", ""]
    lines += [f"## Inconclusive: {len(inconclusive)}", ""]
    for v in inconclusive:
        last = answers[v.key].output.splitlines()[-1] if answers[v.key].output else ""
        lines.append(f"- {v.file}:{v.line} document {v.index} ({v.kind} {v.name}): {last}")
    return "\n".join(lines) + "\n"


def as_json(verdicts: list[Verdict], answers: dict[str, ServerAnswer],
            disagreements: list[Disagreement]) -> str:
    rows = [{**asdict(v), "server": answers[v.key].verdict if v.key in answers else None,
             "server_output": answers[v.key].output if v.key in answers else None} for v in verdicts]
    return json.dumps({"documents": rows, "disagreements": [d.document.key for d in disagreements]},
                      indent=2, ensure_ascii=False) + "\n"
