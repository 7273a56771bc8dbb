"""A synthetic course shaped like real ones, for benchmarks: chapters with labs, increments,
macros, code and notes, shared by many decks."""

from __future__ import annotations

import random
from pathlib import Path

_VOCABULARY = ("pod node service deployment container image volume cluster label selector "
               "namespace replica rollout probe secret config network policy ingress storage "
               "scheduler kubelet controller quorum leader member stateful daemon job")
WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random, n: int = 8) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[rng.randrange(n)] = f"`{rng.choice(WORDS)}`"
    if rng.random() < 0.2:
        words[rng.randrange(n)] = f".red[{rng.choice(WORDS)}]"
    return " ".join(words).capitalize()


def _slide(rng: random.Random, ch: int, n: int) -> str:
    kind = rng.random()
    lines = []
    if rng.random() < 0.08:
        lines += ["class: extra-details", ""]
    lines += [f"## {_sentence(rng, 4)} {ch}.{n}", ""]
    if kind < 0.25:
        lines += [f"- {_sentence(rng)}", "", ".lab[", "", f"- {_sentence(rng, 6)}:", "  ```bash",
                  f"  kubectl apply -f ~/container.training/k8s/app-{ch}.yaml", "  ```", "",
                  f"- {_sentence(rng, 5)}:", "  ```bash", "  kubectl get pods -w", "  ```", "",
                  "<!--", "```wait Running```", "```key ^C```", "-->", "",
                  "- Check:", "  ```bash", f"  kubectl describe deploy app-{ch} | grep `Replicas`",
                  "  ```", "", "]"]
    elif kind < 0.45:
        lines += [f"- {_sentence(rng)}", "", "```yaml", "apiVersion: apps/v1",
                  "kind: Deployment", "metadata:", f"  name: app-{ch}", "spec:",
                  "  replicas: 3", "  selector:", "    matchLabels:", f"      app: app-{ch}",
                  "```"]
    else:
        for _ in range(rng.randint(3, 5)):
            lines += [f"- {_sentence(rng)}", ""]
            if rng.random() < 0.3:
                lines += ["--", ""]
        if rng.random() < 0.3:
            lines += [f".footnote[{_sentence(rng, 6)}]"]
    if rng.random() < 0.2:
        lines += ["", "???", "", _sentence(rng, 12)]
    while lines and lines[-1] in ("", "--"):
        lines.pop()
    return "\n".join(lines)


def make_course(root: Path, chapters: int = 300, slides_per_chapter: int = 27,
                decks: int = 15, seed: int = 7) -> Path:
    rng = random.Random(seed)
    (root / "slides" / "synth").mkdir(parents=True, exist_ok=True)
    names = []
    for c in range(chapters):
        slides = [f"# Chapter {c}: {_sentence(rng, 3)}\n\n- {_sentence(rng)}"]
        slides += [_slide(rng, c, n) for n in range(slides_per_chapter - 1)]
        slides[-1] += (f"\n\n???\n\n:EN:Module {c}\n:EN:- {_sentence(rng, 5)}\n"
                       f":FR:Module {c}\n:FR:- {_sentence(rng, 5)}")
        name = f"synth/ch{c:03d}.md"
        (root / "slides" / name).write_text("\n---\n".join(slides) + "\n")
        names.append(name)
    (root / "slides" / "shared.md").write_text(
        "class: title\n\n@@TITLE@@\n---\nname: toc\n\n## Contents\n\n@@TOC@@\n")
    for d in range(decks):
        picked = rng.sample(names, 60)
        parts = [picked[i : i + 12] for i in range(0, 60, 12)]
        body = "\n".join("- - " + "\n  - ".join(p) for p in parts)
        (root / "slides" / f"deck{d:02d}.yml").write_text(
            f"title: |\n  Synthetic deck {d}\n  for benchmarks\nexclude: [in-person]\n"
            f"content:\n- shared.md\n{body}\n")
    return root
