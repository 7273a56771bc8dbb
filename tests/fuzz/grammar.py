"""A grammar of hostile and careless courses, as Hypothesis strategies.

A generated course is a set of files (chapters, deck manifests, Kubernetes manifests, pictures,
settings) and symbolic links, some of which lead out of the repository to a sibling folder that
holds secrets. Every construct of the format is mixed with its malformed variants: slides, `--`,
`???`, properties, macros inline, block, nested and unclosed, fences of every length and info
string (unclosed too), HTML comments with hidden steps, includes (outside, cyclic, missing,
through links), pictures (links out, dangling), outline tags, YAML with aliases, duplicate keys
and control characters, manifests with odd entries, and lab steps that apply manifests through
every spelling of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

SECRET = "FUZZ-SECRET-0451"
OUTSIDE = "../outside"  # the sibling folder of secrets, seen from the repository root

# -- small pieces ------------------------------------------------------------------------------

CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028",
                           "\ufeff", "\ud800", "\r", "\t", "\r\n"])
WORDS = st.sampled_from(["pod", "Deployment", "kubectl", "é", "日本", "x" * 80, "[", "]", "`", "\\",
                         "*", "_", "<b>", "&amp;", "@@", ":", "#", "|", "-", "<!--", "-->", "$HOME",
                         "~/container.training", "http://x.test/a.png", ".", "..", "a.b.c", "{{ x }}"])
word = st.one_of(WORDS, st.text(alphabet="abcXYZ019 .-_[]`()!*#:@/\\~<>$&", min_size=1, max_size=12),
                 CONTROL)
MACRO_NAMES = st.sampled_from(["lab", "exercise", "exercice", "red", "footnote", "small.red", "warning",
                               "nav", "a", "column-half", "x" * 40, "b-c.d_e"])
INCLUDE_TARGETS = st.sampled_from([
    "shared/part.md", "shared/missing.md", "shared/loop-a.md", "slides/ch0.md", "k8s/app.yaml",
    f"{OUTSIDE}/secret.md", f"{OUTSIDE}/missing.md", "../../../../etc/hostname", "/etc/passwd",
    "links/secret.md", "links/dangling.md", "links/out-dir/secret.md", "slides/../k8s/app.yaml",
    "shared/big.md", "", " ", "shared/part.md]extra", "a\x00b"])
PICTURES = st.sampled_from([
    "images/ok.png", "images/missing.png", "images/link-out.png", "images/dangling.png",
    "images/inside-link.png", "out-images/secret.png", "../images/x.png", "/etc/hostname",
    "https://example.test/p.png", "//example.test/p.png", "data:image/png;base64,AAAA", "#frag",
    "images/ok.png?x=1#y", "file:///etc/passwd", ""])
PATHS = st.sampled_from([
    "~/container.training/k8s/app.yaml", "~/container.training/k8s/", "~/container.training/k8s/*.yaml",
    "~/container.training/k8s/missing.yaml", "~/container.training/../outside/secret.yaml",
    "~/container.training/../../../etc/passwd", "$HOME/container.training/k8s/app.yaml",
    "$HOME/container.training/../outside/secret.yaml", "${HOME}/container.training/k8s/broken.yaml",
    "https://raw.githubusercontent.com/org/course/main/k8s/app.yaml",
    "https://raw.githubusercontent.com/org/course/main/../../outside/secret.yaml",
    "https://github.com/org/course/raw/main/k8s/../../outside/secret.yaml",
    "~/container.training/links/secret.yaml", "~/container.training/links/out-dir",
    "~/container.training/links/out-dir/*.yaml", "~/container.training/k8s/crd.yaml",
    "~/container-training/k8s/app.yaml", "/etc/passwd", "app.yaml", "-", "~/container.training/k8s/ctl.yaml",
    "'~/container.training/../outside/*.yaml'", "~/container.training/k8s/aliases.yaml"])


def joined(parts: st.SearchStrategy[list[str]], sep: str = "") -> st.SearchStrategy[str]:
    return parts.map(sep.join)


inline_text = joined(st.lists(word, max_size=6), " ")


@st.composite
def inline(draw, depth: int = 0) -> str:
    """A run of inline Markdown: text, macros (nested, unclosed), code spans, links, pictures."""
    kind = draw(st.integers(0, 9))
    if kind == 0 and depth < 3:
        close = draw(st.sampled_from(["]", "]", "", "]]", "`]`"]))
        return f".{draw(MACRO_NAMES)}[{draw(inline(depth + 1))}{close}"
    if kind == 1:
        ticks = "`" * draw(st.integers(1, 3))
        return f"{ticks}{draw(inline_text)}{draw(st.sampled_from([ticks, '', '`']))}"
    if kind == 2:
        return f"![{draw(inline_text)}]({draw(PICTURES)})"
    if kind == 3:
        return f"[{draw(inline_text)}]({draw(st.sampled_from(['http://x.test', '#toc', '', '(', 'a b']))})"
    if kind == 4:
        return draw(st.sampled_from(["@@TOC@@", "@@CHAT@@", "@@GITREPO@@", "@@SLIDES@@",
                                     "@@LINK[k8s/app.yaml]", "@@LINK[../outside/secret.md]",
                                     "@@UNKNOWN@@", "@@LINK["]))
    if kind == 5:
        return draw(st.sampled_from([".a[" * 40, "[" * 30, "![" * 20, ".a[`[`" * 10, "a.b" * 30, "]" * 10]))
    return draw(inline_text)


def fence(info: str, body: str, ticks: int = 3, char: str = "`", closed: bool = True) -> str:
    marker = char * ticks
    return f"{marker}{info}\n{body}\n{marker if closed else ''}"


BASH = st.one_of(
    PATHS.map(lambda p: f"kubectl apply -f {p}"),
    PATHS.map(lambda p: f"kubectl apply -R -f {p}"),
    PATHS.map(lambda p: f"cat {p}"),
    PATHS.map(lambda p: f"kubectl create configmap x --from-file={p}"),
    st.sampled_from(["cd ~/container.training/..", "cd ~/container.training/k8s", "cd /tmp", "cd -",
                     "kubectl get pods -w", "kubectl get pods --bogus-flag", "kubeclt get pods",
                     "kubectl exec consul-0 consul members", "echo `hello`", "stern consul",
                     "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                     "data: &a {k: *a}\nEOF", "kubectl apply -f - <<EOF\na: \x01\nEOF",
                     "kubectl apply -f - <<EOF\n- &a [*a]\nEOF", "echo $(", "if then fi", "cat <<EOF",
                     "kubectl apply -f <EXTERNAL-IP>", "vim app.yaml", "kubectl apply -f app.yaml"]),
)
STEP_INFO = st.sampled_from(["bash", "bash", "", "yaml", "wait Running", "longwait Ready", "key ^C",
                             "key Bogus", "keys hello", "copy [a-z]+", "copy (", "paste", "check",
                             "hide ls", "open http://x", "tmux split-window", "unknown",
                             "bash extra words", "wait"])
YAML_BLOCK = st.sampled_from([
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n"
    "    image: nginx",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \x01", "a: \x01", "a: &a [*a]", "a: 1\na: 2",
    "spec:\n  replicas: 3", "- &a [*a, *a]", "kind: Pod\napiVersion: apps/v1beta1\nmetadata: {name: x}",
    "a: b: c", "{", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 99999",
    "...", "? [a]\n: b", "a: !!binary AAAA", "a: !custom x", "x: &x\n  y: *x"])


@st.composite
def step(draw) -> str:
    """A fenced step: a shell command, a directive, YAML, in every fence length and state."""
    info = draw(STEP_INFO)
    body = draw(BASH) if info.startswith("bash") or info == "" else draw(st.one_of(YAML_BLOCK, inline_text))
    if draw(st.integers(0, 5)) == 0:  # a one-line fence
        return f"```{info} {body.splitlines()[0] if body else ''}```"
    ticks = draw(st.sampled_from([3, 3, 3, 4, 5]))
    char = draw(st.sampled_from(["`", "`", "~"]))
    closed = draw(st.integers(0, 6)) > 0
    text = fence(info, body, ticks, char, closed)
    if draw(st.integers(0, 4)) == 0:
        text = f"<!--\n{text}\n-->"
    return text


@st.composite
def block(draw, depth: int = 0) -> str:
    """A block of a slide: paragraphs, lists, fences, labs, comments, includes, tags, tables."""
    kind = draw(st.integers(0, 13))
    if kind == 0 and depth < 3:
        name = draw(MACRO_NAMES)
        inner = "\n\n".join(draw(st.lists(block(depth + 1), max_size=3)))
        close = draw(st.sampled_from(["]", "]", "]", "", "] trailing", "  ]"]))
        return f".{name}[\n\n{inner}\n\n{close}"
    if kind == 1:
        return "\n\n".join(f"- {draw(inline())}\n  {draw(step())}" for _ in range(draw(st.integers(1, 3))))
    if kind == 2:
        return draw(step())
    if kind == 3:
        return f"@@INCLUDE[{draw(INCLUDE_TARGETS)}]" if draw(st.booleans()) else \
            f"- item\n  @@INCLUDE[{draw(INCLUDE_TARGETS)}] and @@INCLUDE[{draw(INCLUDE_TARGETS)}]"
    if kind == 4:
        return draw(st.sampled_from(["<!-- a comment -->", "<!--\n```wait Synced```\n```key ^C```\n-->",
                                     "<!-- unclosed comment", "-->", "<div>\n.lab[\n</div>",
                                     '<img src="images/link-out.png">',
                                     '<pre class="mermaid">graph TD;A</pre>']))
    if kind == 5:
        return fence(draw(st.sampled_from(["yaml", "mermaid", "", "bash"])), draw(YAML_BLOCK),
                     draw(st.sampled_from([3, 4])), closed=draw(st.booleans()))
    if kind == 6:
        return f"{'#' * draw(st.integers(1, 3))} {draw(inline())}"
    if kind == 7:
        return "| a | b |\n|---|---|\n| " + draw(inline()) + " | x |"
    if kind == 8:
        return draw(st.sampled_from(["--", "---", "???", "----", " ---", "--- ", "???\n???"]))
    return draw(inline())


@st.composite
def slide(draw) -> str:
    props = draw(st.lists(st.sampled_from([
        "class: title", "class: in-person, extra-details", "name: intro", "layout: true", "layout: false",
        "exclude: true", "Note: hidden", "clas: typo", "background-image: url(images/link-out.png)",
        "template: intro", "count: false", "name:", ": empty", "class: self-paced"]), max_size=2))
    body = "\n\n".join(draw(st.lists(block(), max_size=5)))
    notes = ""
    if draw(st.booleans()):
        tags = draw(st.lists(st.sampled_from([":EN:Module", ":EN:- item", ":FR:- élément", ":FR:Module",
                                              ":EN:", ":FR:", ":DE:- x", ":EN:- .a[x]"]), max_size=4))
        notes = "\n???\n\n" + "\n".join(tags) + "\n" + draw(inline_text)
    return "\n".join(props) + ("\n\n" if props else "") + body + notes


@st.composite
def chapter(draw) -> str:
    slides = draw(st.lists(slide(), min_size=1, max_size=4))
    separators = draw(st.lists(st.sampled_from(["\n---\n", "\n--\n", "\n---\n", "\n\n"]),
                               min_size=len(slides), max_size=len(slides)))
    text = "".join(s + sep for s, sep in zip(slides, separators, strict=True))
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text


# -- manifests ---------------------------------------------------------------------------------

ENTRIES = st.sampled_from([
    "ch0.md", "ch1.md", "ch2.md", "missing.md", "../outside-ch.md", f"../{OUTSIDE}/secret.md",
    "/etc/passwd", "../../../etc/hostname", "link-out.md", "link-dangling.md", "ch0.md",
    "'inline: |'", "k8s/../ch1.md", "", "~", "[ch1.md, [ch2.md]]", "{a: b}", "'# Inline\\n\\nHello'",
    "&x ch1.md", "*x", "!!binary AAAA", "ch1.md # comment", "ch\x01.md", "ch1.md\x00"])


@st.composite
def deck_manifest(draw) -> str:
    lines = []
    if draw(st.integers(0, 6)):
        lines.append(draw(st.sampled_from(["title: Deck", "title: |\n  Two\n  lines", "title: [a]",
                                           "title: &t T", "title: \x01", "title:"])))
    for key in draw(st.lists(st.sampled_from(["chat: c", "gitrepo: github.com/org/course",
                                              "exclude: self-paced", "exclude: [in-person, *t]",
                                              "slidenumberprefix: x", "titel: x", "chapters: [ch1.md]",
                                              "zip: z", "exclude: {a: b}"]),
                             max_size=3)):
        lines.append(key)
    key = draw(st.sampled_from(["content", "content", "chapters", "contents"]))
    style = draw(st.integers(0, 5))
    if style == 0:
        lines.append(f"{key}: &a [ch1.md, *a]")
    elif style == 1:
        lines.append(f"{key}: {draw(st.sampled_from(['ch1.md', '[]', '~', '{a: 1}', '&c [ch1.md]']))}")
    else:
        lines.append(f"{key}:")
        for entry in draw(st.lists(ENTRIES, min_size=1, max_size=5)):
            indent = draw(st.sampled_from(["- ", "- - ", "  - ", "#- "]))
            lines.append(indent + entry)
        if draw(st.booleans()):
            lines.append("- |\n  # Inline slide\n\n  " + draw(inline()).replace("\n", "\n  "))
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 8)) == 0:
        text = draw(st.sampled_from(["", "- a\n- b\n", "{", "\x01", "services: {}\n",
                                     "---\na: 1\n---\nb: 2\n"]))
    return text


K8S = st.sampled_from([
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n"
    "    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: c}\n    spec:\n"
    "      containers:\n      - name: w\n        image: x\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \x01\n",
    "a: &a [*a]\n", "a: 1\na: 2\n", "{", "- 1\n- 2\n", "---\n---\n", "\x01: 1\n", "kind: Pod\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i, bogus: 1}]}\n",
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.x.io\n"
    "spec:\n  group: x.io\n  names: {kind: W, plural: ws}\n  scope: Namespaced\n  versions:\n  - name: v1\n"
    "    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object}\n",
    "a0: &a0 [x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
    "a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: not-base64!\n"])


# Files every course has, beside the drawn ones: includes that loop, includes that multiply past
# the cap on a chapter's size (8 x 8 x 8 x 500 lines), pictures.
FIXED: dict[str, str | bytes] = {
    "shared/loop-a.md": "@@INCLUDE[shared/loop-b.md]\n", "shared/loop-b.md": "@@INCLUDE[shared/loop-a.md]\n",
    **{f"shared/big{'' if n == 1 else n}.md": f"@@INCLUDE[shared/big{n + 1}.md]\n" * 8 for n in range(1, 4)},
    "shared/big4.md": "x\n" * 500, "slides/images/ok.png": b"\x89PNG\r\n",
    "art/inside.png": b"\x89PNG inside",
}


@dataclass
class CourseFiles:
    """What to write: files by path (str or bytes) and symbolic links by path -> target (both
    relative to the repository root: the harness makes the targets absolute)."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


@st.composite
def course(draw) -> CourseFiles:
    found = CourseFiles()
    for n in range(draw(st.integers(1, 3))):
        found.files[f"slides/ch{n}.md"] = draw(chapter())
    for n in range(draw(st.integers(1, 2))):
        found.files[f"slides/deck{n}.yml"] = draw(deck_manifest())
    found.files["shared/part.md"] = draw(chapter())
    found.files["k8s/app.yaml"] = draw(K8S)
    found.files["k8s/broken.yaml"] = draw(K8S)
    found.files["k8s/aliases.yaml"] = draw(K8S)
    found.files["k8s/crd.yaml"] = draw(K8S)
    found.files["k8s/ctl.yaml"] = draw(K8S)
    if draw(st.booleans()):
        found.files["slides/bad.md"] = b"# Not UTF-8 \xff\xfe\n"
    if draw(st.integers(0, 3)) == 0:
        found.files["coursekit.toml"] = draw(st.sampled_from([
            'lab-macros = ["lab", "exercise"]\n', "prefix = 1\n", "tool = 'x'\n", "[coursekit]\nbogus = 1\n",
            "{", 'shared-folders = ["../outside"]\n', 'raw-urls = ["https://x.test/raw/"]\n']))
    links = {
        "links/secret.md": f"{OUTSIDE}/secret.md", "links/dangling.md": f"{OUTSIDE}/missing.md",
        "links/out-dir": OUTSIDE, "links/secret.yaml": f"{OUTSIDE}/secret.yaml",
        "slides/images/link-out.png": f"{OUTSIDE}/secret.png",
        "slides/images/dangling.png": f"{OUTSIDE}/none.png",
        "slides/images/inside-link.png": "art/inside.png", "slides/out-images": OUTSIDE,
        "slides/link-out.md": f"{OUTSIDE}/secret.md", "slides/link-dangling.md": f"{OUTSIDE}/missing.md",
        "k8s/link-out.yaml": f"{OUTSIDE}/secret.yaml", "k8s/loop.yaml": "k8s/loop.yaml",
        "slides/deck-link.yml": f"{OUTSIDE}/deck.yml", "pyproject.toml": f"{OUTSIDE}/pyproject.toml",
    }
    for name, target in links.items():
        if draw(st.integers(0, 2)) == 0:
            found.links[name] = target
    return found
