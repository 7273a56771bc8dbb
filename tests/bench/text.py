"""The Markdown of the realistic benchmark course: chapters written from their plans (kinds
of slides, `--` steps, classes, notes, pictures) with the constructs real chapters use
(headings, nested bullets, inline code and links, macros, code with highlighted spans, labs
with hidden steps, tables, pictures, diagrams, `@@LINK`, `@@INCLUDE`, outline tags), and
deck manifests in parts, with inline Markdown and commented-out entries.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from tests.bench import k8s_manifests as k8s

if TYPE_CHECKING:
    from tests.bench.k8s_manifests import Manifest
    from tests.bench.realistic import ChapterPlan, DeckSpec, Shape, SlidePlan


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NOUNS = _words("""pod node service deployment container image volume cluster label selector
    namespace replica rollout probe secret configuration network policy ingress storage scheduler
    kubelet controller quorum leader member daemon job registry manifest endpoint certificate
    token request limit taint toleration operator resource annotation application workload
    request response load balancer proxy database queue message worker process file directory
    machine developer team""")
VERBS = _words("""creates runs schedules exposes restarts watches updates scales deletes mounts
    checks routes stores builds pulls pushes needs uses sends receives starts stops keeps replaces
    shows lists finds""")
ADJECTIVES = _words("""new running healthy stateful persistent default public internal ready
    pending failed rolling local remote small large simple complex whole single other same
    different""")
DETERMINERS = _words("the a our each every this that some all any")
PREPOSITIONS = _words("on in with for from to behind before after across without")
CODES = ("kubectl get pods", "app=web", "replicas", "ClusterIP", "NodePort", "kube-system",
         "docker run", "spec.template", "/var/lib/kubelet", "ReadWriteOnce", "restartPolicy",
         "--dry-run=client", "ENTRYPOINT", "CMD", "docker-compose.yml", "8080", "localhost")
LINKS = ("https://kubernetes.io/docs/concepts/", "https://docs.docker.com/engine/",
         "https://github.com/kubernetes/kubernetes/issues/", "https://12factor.net/",
         "https://landscape.cncf.io/")


class Writer:
    """Sentences, bullets and headings from one seeded random source."""

    def __init__(self, rng: random.Random, words: tuple[int, int]) -> None:
        self.rng = rng
        self.words = words

    def sentence(self, low: int | None = None, high: int | None = None, marks: bool = True) -> str:
        rng = self.rng
        n = rng.randint(low or self.words[0], high or self.words[1])
        out = []
        while len(out) < n:
            out += [rng.choice(DETERMINERS), rng.choice(ADJECTIVES) if rng.random() < 0.4 else "",
                    rng.choice(NOUNS), rng.choice(VERBS), rng.choice(DETERMINERS),
                    rng.choice(NOUNS)]
            if rng.random() < 0.5:
                out += [rng.choice(PREPOSITIONS), rng.choice(NOUNS)]
            out = [w for w in out if w]
        out = out[:n]
        if marks:
            roll = rng.random()
            at = rng.randrange(len(out))
            if roll < 0.35:
                out[at] = f"`{rng.choice(CODES)}`"
            elif roll < 0.45:
                out[at] = f"*{out[at]}*"
            elif roll < 0.52:
                out[at] = f"[{out[at]}]({rng.choice(LINKS)}{rng.randrange(1000)})"
            elif roll < 0.55:
                out[at] = f".red[{out[at]}]"
            elif roll < 0.58:
                out[at] = f"**{out[at]}**"
        text = " ".join(out)
        return text[0].upper() + text[1:]

    def heading(self) -> str:
        return self.sentence(2, 6, marks=self.rng.random() < 0.2).rstrip(".")

    def bullets(self, low: int = 2, high: int = 5) -> list[str]:
        """Bullets as separate blocks, so `--` steps can fall between them."""
        blocks = []
        for _ in range(self.rng.randint(low, high)):
            item = f"- {self.sentence()}"
            roll = self.rng.random()
            if roll < 0.15:
                aside = self.sentence(4, 9)
                item += f"\n\n  ({aside[0].lower()}{aside[1:]})"
            elif roll < 0.27:
                item += "".join(f"\n\n  - {self.sentence(3, 8)}" for _ in range(self.rng.randint(2, 3)))
            blocks.append(item)
        return blocks

    def paragraph(self) -> str:
        return " ".join(f"{self.sentence()}." for _ in range(self.rng.randint(2, 4)))


# --------------------------------------------------------------------------- code

def _commands(w: Writer, manifests: list[Manifest]) -> list[tuple[str, str]]:
    """(instruction, command) pairs a lab strings together; each is valid for kubectl 1.32."""
    rng = w.rng
    m = rng.choice(manifests)
    app = m.app
    kinds = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset"}
    resource = kinds.get(m.kind, "deployment")
    choices = [
        ("Apply the manifest", f"kubectl apply -f ~/container.training/{m.path}"),
        ("Check what we created", f"kubectl get {resource},services -o wide"),
        ("Look at the pods", f"kubectl get pods -l app={app}"),
        ("Wait for the rollout to finish", f"kubectl rollout status {resource}/{app}"),
        ("Scale it up", f"kubectl scale {resource} {app} --replicas={rng.randint(2, 10)}"),
        ("Check the logs", f"kubectl logs {resource}/{app} --tail {rng.choice((10, 20, 100))}"),
        ("Describe the pods", f"kubectl describe pods -l app={app}"),
        ("Create a deployment", f"kubectl create deployment {app} --image=nginx:1.27"),
        ("Expose it", f"kubectl expose deployment {app} --port=80"),
        ("Look at the nodes", "kubectl get nodes -o wide"),
        ("List recent events", "kubectl get events --sort-by=.metadata.creationTimestamp"),
        ("Update the image", f"kubectl set image deployment/{app} {app}=nginx:1.27-alpine"),
        ("Clean up", f"kubectl delete -f ~/container.training/{m.path}"),
        ("Run a shell in a pod", f"kubectl exec {app}-0 -- hostname"),
        ("Find the port", f"kubectl get service {app} -o jsonpath={{.spec.ports[0].nodePort}}"),
        ("Send a request", f"curl localhost:{rng.choice((8080, 8000, 3000))}/"),
        ("Label a node", f"kubectl label node node{rng.randint(1, 3)} disk=ssd --overwrite"),
    ]
    return choices


def lab_block(w: Writer, manifests: list[Manifest]) -> str:
    rng = w.rng
    name = ".exercise[" if rng.random() < 0.08 else ".lab["
    steps = []
    choices = _commands(w, manifests)
    for instruction, command in rng.sample(choices, rng.randint(1, 3)):
        if rng.random() < 0.1 and "--replicas=" in command:  # a highlighted span
            command = command.replace("--replicas=", "--replicas=`", 1) + "`"
        steps.append(f"- {instruction}:\n  ```bash\n  {command}\n  ```")
    roll = rng.random()
    if roll < 0.25:  # a command that keeps running, stopped once its output shows something
        app = rng.choice(manifests).app
        steps.append(f"- Watch the pods come up:\n  ```bash\n  kubectl get pods -l app={app} -w\n"
                     "  ```\n\n<!--\n```wait Running```\n```key ^C```\n-->")
    elif roll < 0.33:
        steps.append("- Forward a port to the service:\n  ```bash\n"
                     f"  kubectl port-forward service/{rng.choice(manifests).app} 8080:80\n"
                     "  ```\n\n<!--\n```wait Forwarding```\n```key ^C```\n-->")
    elif roll < 0.38:
        steps.append("- Create a ConfigMap from a here-document:\n  ```bash\n"
                     "  kubectl apply -f- <<EOF\n  apiVersion: v1\n  kind: ConfigMap\n"
                     f"  metadata:\n    name: settings-{rng.randrange(1000)}\n  data:\n"
                     "    mode: demo\n  EOF\n  ```")
    elif roll < 0.43:
        steps.append("- Deploy the whole application:\n  ```bash\n"
                     "  kubectl apply -f ~/container.training/k8s/dockercoins/\n  ```")
    return f"{name}\n\n" + "\n\n".join(steps) + "\n\n]"


def code_block(w: Writer, family: str, manifests: list[Manifest]) -> str:
    rng = w.rng
    roll = rng.random()
    if roll < 0.3:
        template = rng.choice(list(k8s.TEMPLATES.values()))
        text = template(rng.choice(k8s.APPS), rng)
        if rng.random() < 0.5:  # the first object only
            text = text.split("---\n")[0]
        return f"```yaml\n{text}```"
    if roll < 0.45 and family == "swarm":
        services = "".join(f"  {s}:\n    image: dockercoins/{s}:v0.1\n    ports:\n"
                           f"    - \"{8000 + n}:80\"\n" for n, s in enumerate(("rng", "hasher", "webui")))
        return f"```yaml\nversion: \"3\"\n\nservices:\n{services}```"
    if roll < 0.6:
        lines = "\n".join(cmd for _, cmd in rng.sample(_commands(w, manifests), rng.randint(1, 4)))
        if rng.random() < 0.3:
            lines += "\nkubectl get pods --selector=app=`web`"
        return f"```bash\n{lines}\n```"
    if roll < 0.75:  # output shown to trainees
        rows = "\n".join(f"{rng.choice(k8s.APPS)}-{rng.randrange(16**5):05x}-{rng.randrange(16**5):05x}"
                         f"   1/1     Running   {rng.randint(0, 3)}          {rng.randint(1, 59)}m"
                         for _ in range(rng.randint(3, 8)))
        return f"```\nNAME                          READY   STATUS    RESTARTS   AGE\n{rows}\n```"
    if roll < 0.85:
        return ("```dockerfile\nFROM python:3.12-alpine\nWORKDIR /src\nCOPY requirements.txt .\n"
                "RUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\n"
                f"CMD [\"python\", \"{rng.choice(k8s.APPS)}.py\"]\n```")
    if roll < 0.93:
        return (f"```json\n{{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n"
                f"  \"status\": \"Failure\",\n  \"message\": \"pods \\\"{rng.choice(k8s.APPS)}\\\" "
                f"is forbidden\",\n  \"reason\": \"Forbidden\",\n  \"code\": 403\n}}\n```")
    return (f"```python\nimport redis\n\nr = redis.Redis(\"{rng.choice(k8s.APPS)}\")\n"
            f"while True:\n    r.incr(\"hashes\")\n    print(r.get(\"hashes\"))\n```")


def table(w: Writer) -> str:
    rng = w.rng
    columns = rng.randint(2, 4)
    head = "| " + " | ".join(w.sentence(1, 2, marks=False) for _ in range(columns)) + " |"
    rule = "|" + "|".join(" --- " for _ in range(columns)) + "|"
    rows = ["| " + " | ".join(w.sentence(1, 5) for _ in range(columns)) + " |"
            for _ in range(rng.randint(3, 8))]
    return "\n".join([head, rule, *rows])


def diagram(w: Writer, how: str) -> str:
    rng = w.rng
    nodes = rng.sample(k8s.APPS, 5)
    if how == "fence":
        edges = "\n".join(f"  {a}[{a}] --> {b}[{b}]" for a, b in zip(nodes, nodes[1:], strict=False))
        return f"```mermaid\ngraph LR\n{edges}\n```"
    messages = "\n".join(f"  {a}->>{b}: {w.sentence(2, 4, marks=False)}"
                         for a, b in zip(nodes, nodes[1:], strict=False))
    return f'<pre class="mermaid">\nsequenceDiagram\n{messages}\n</pre>'


# --------------------------------------------------------------------------- slides

def slide_text(plan: SlidePlan, w: Writer, family: str, manifests: list[Manifest],
               first: bool, title: str) -> str:
    rng = w.rng
    props = []
    classes = [c for c in (plan.cls,) if c]
    blocks: list[str] = []
    if plan.kind == "title":
        blocks = [f"# {title}", *w.bullets(2, 4)]
    elif plan.kind == "picture":
        alt = w.sentence(2, 5, marks=False).rstrip(".")
        if rng.random() < 0.6:
            classes.insert(0, "pic")
            blocks = [f"![{alt}]({plan.picture})"]
        else:
            blocks = [f"## {w.heading()}", *w.bullets(1, 2), f".center[![{alt}]({plan.picture})]"]
    else:
        heading = w.heading()
        if plan.cls == "extra-details":
            heading = f"Extra details: {heading[0].lower()}{heading[1:]}"
        level = "#" if rng.random() < 0.04 else "##"
        blocks = [f"{level} {heading}"]
        if plan.kind == "bullets":
            blocks += w.bullets()
        elif plan.kind == "prose":
            if rng.random() < 0.3:
                blocks.append(f"*{w.sentence()}*")
            blocks += [w.paragraph() for _ in range(rng.randint(2, 3))]
        elif plan.kind == "code":
            blocks += w.bullets(1, 3)
            if rng.random() < 0.04:
                blocks.append(f"```yaml\n@@INCLUDE[{rng.choice(manifests[:20]).path}]\n```")
            else:
                blocks.append(code_block(w, family, manifests))
            if rng.random() < 0.2:
                blocks.append(f"- {w.sentence()} (see @@LINK[{rng.choice(manifests).path}])")
        elif plan.kind == "lab":
            blocks += w.bullets(1, 2)
            blocks.append(lab_block(w, manifests))
            if rng.random() < 0.4:
                blocks.append(f"- {w.sentence()}")
        elif plan.kind == "table":
            blocks += w.bullets(1, 2)
            blocks.append(table(w))
        elif plan.kind == "callout":
            blocks += w.bullets(2, 4)
            macro = rng.choice(("warning", "footnote", "blackbelt", "small"))
            blocks.append(f".{macro}[{w.sentence()}]")
        elif plan.kind == "diagram":
            blocks += w.bullets(1, 2)
            blocks.append(diagram(w, plan.diagram))
    while len(blocks) < plan.increments + 2:
        blocks.append(f"- {w.sentence()}")
    # `--` steps fall between blocks after the heading.
    cuts = set(rng.sample(range(2, len(blocks)), plan.increments)) if plan.increments else set()
    body = []
    for n, block in enumerate(blocks):
        if n in cuts:
            body.append("--")
            if classes:  # each step is a slide to remark: real courses repeat the classes on it
                body.append(f"class: {', '.join(classes)}")
        body.append(block)
    if classes:
        props.append(f"class: {', '.join(classes)}")
    if first is False and rng.random() < 0.03:
        props.append(f"name: {heading_slug(w)}")
    text = "\n\n".join(props + body)
    if plan.notes:
        text += "\n\n???\n\n" + "\n\n".join(w.sentence() + "." for _ in range(rng.randint(1, 3)))
    return text


def heading_slug(w: Writer) -> str:
    return "-".join(w.rng.sample(NOUNS, 2)) + f"-{w.rng.randrange(10_000)}"


_SHARED = {
    "title": "class: title, self-paced\n\n@@TITLE@@\n\n.nav[*Self-paced version*]\n\n---\n\n"
             "class: title, in-person\n\n@@TITLE@@<br/></br>\n\n.footnote[\n**Be kind to the WiFi!**<br/>\n"
             "*Don't use your hotspot.*<br/>\n*Don't stream videos or download big files during the "
             "workshop.*<br/>\n]\n",
    "toc": "name: toc\n\n## Table of contents\n\n@@TOC@@\n",
    "thankyou": "class: title\n\nThank you!\n\nSlides: @@SLIDES@@\n",
}


def chapter_text(plan: ChapterPlan, rng: random.Random, shape: Shape,
                 manifests: list[Manifest]) -> str:
    name = plan.path.rsplit("/", 1)[1].removesuffix(".md")
    if plan.family == "shared" and name in _SHARED:
        return _SHARED[name]
    w = Writer(rng, shape.words_per_bullet)
    title = w.heading()
    slides = [slide_text(s, w, plan.family, manifests, n == 0, title)
              for n, s in enumerate(plan.slides)]
    if plan.family == "shared" and name == "logistics":
        slides[0] = "class: in-person\n\n## Logistics\n\n- Questions? Ask in @@CHAT@@\n\n" \
                    + "\n\n".join(w.bullets(2, 4))
    tags = []
    if rng.random() < 0.3:
        tags += [f":EN:{title}", f":FR:FR {title}"]
    items = [w.sentence(3, 7, marks=False) for _ in range(rng.randint(1, 3))]
    tags += [f":EN:- {item}" for item in items] + [f":FR:- FR {item}" for item in items]
    last = slides[-1]
    slides[-1] = last + ("\n\n" if "\n???\n" in last else "\n\n???\n\n") + "\n".join(tags)
    return "\n\n---\n\n".join(slides) + "\n"


def manifest_text(spec: DeckSpec, chapters: list[ChapterPlan], rng: random.Random) -> str:
    """The deck manifest: shared opening sections, parts of 5 to 12 chapters, a closing one."""
    prefix = chapters[0].path.split("shared/")[0]
    shared = {c.path.removeprefix(prefix) for c in chapters if c.family == "shared"}
    head = [f"{prefix}shared/{n}.md" for n in ("title", "logistics", "about-slides", "toc")
            if f"shared/{n}.md" in shared]
    tail = [f"{prefix}shared/thankyou.md"] if "shared/thankyou.md" in shared else []
    body = [c.path for c in chapters if c.path not in head and c.path not in tail]
    lines = ["title: |", *(f"  {line}" for line in spec.title.split("\n")), "",
             '#chat: "[Slack](https://dockercommunity.slack.com/messages/C7GKACWDV)"',
             'chat: "[Matrix](https://matrix.to/#/#realistic-course:matrix.org)"',
             "gitrepo: github.com/coursekit/realistic-course",
             f"slides: https://realistic-course.example.org/{spec.stem}/",
             f'slidenumberprefix: "{spec.stem} — "', "", "exclude:",
             *(f"- {e}" for e in spec.exclude), "", "content:"]
    if rng.random() < 0.3 and head:  # a custom title slide written inline
        lines += ["- |", "  class: title", "", f"  {spec.title.split(chr(10))[0].replace(':', ' —')},",
                  "  the realistic edition", "", "  .nav[*Benchmark course*]"]
        head = head[1:]
    lines += [f"- {p}" for p in head]
    while body:
        size = rng.randint(5, 12)
        part, body = body[:size], body[size:]
        lines.append(f"- - {part[0]}")
        lines += [f"  - {p}" for p in part[1:]]
        if rng.random() < 0.4:
            lines.append(f"  #- {part[0].rsplit('/', 1)[0]}/old-{rng.randrange(100)}.md")
    lines += [f"- {p}" for p in tail]
    return "\n".join(lines) + "\n"
