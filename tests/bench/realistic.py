"""A synthetic course shaped like a real one (issue 15), for benchmarks that must see what a
real course costs: 330 chapters and 3.2 MB of Markdown, 300 pictures (30 MB of PNG, JPEG and
SVG, a few of them big), 12 decks of 280 to 2,400 content slides in families that share
chapters (a half-day deck is a subset of the full-day one), code on about 30% of slides,
tables, diagrams in 10 chapters, and about 800 labs applying manifests under k8s/.

`realistic_course()` is the entry point for every bench script: it generates the course
deterministically (same seed, same bytes) into bench-out/realistic/, or reuses what an
earlier run generated when nothing that feeds the generator has changed. `scale=k` makes a
course k times as large (k copies of the shape, each with its own text, chapters, decks and
picture paths), to show how cost grows.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import random
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench import pictures as pics  # noqa: E402
from tests.bench.k8s_manifests import write_manifests  # noqa: E402

OUT = ROOT / "bench-out" / "realistic"


@dataclass(frozen=True, slots=True)
class DeckSpec:
    stem: str
    title: str
    family: str  # whose chapters it draws from, in that family's order of priority
    slides: int  # content slides it should have (generated title and contents slides aside)
    exclude: tuple[str, ...] = ("self-paced",)


@dataclass(frozen=True, slots=True)
class Shape:
    """What the course is made of. REALISTIC is the real course's shape; tests use a small one."""

    chapters: int = 330
    words_per_bullet: tuple[int, int] = (5, 12)  # steers the Markdown's size
    pictures: int = 300
    picture_bytes: int = 30_000_000
    labs: int = 800  # in chapters that decks use (the ones `labs check` checks)
    code_share: float = 0.30  # of source slides, labs included
    tables: float = 0.025  # of source slides
    diagram_chapters: int = 10
    decks: tuple[DeckSpec, ...] = (
        DeckSpec("kube-selfpaced", "Deploying and Scaling Microservices\nwith Kubernetes", "kube",
                 2400, ("in-person",)),
        DeckSpec("kube-twodays", "Kubernetes in two days", "kube", 1700),
        DeckSpec("kube-fullday", "Kubernetes in one day", "kube", 950),
        DeckSpec("kube-halfday", "Kubernetes: the essentials", "kube", 280),
        DeckSpec("kadm-twodays", "Kubernetes administration\nin two days", "kadm", 2000),
        DeckSpec("kadm-fullday", "Kubernetes administration", "kadm", 640),
        DeckSpec("swarm-selfpaced", "Container orchestration\nwith Swarm", "swarm", 1400,
                 ("in-person",)),
        DeckSpec("swarm-fullday", "Swarm in one day", "swarm", 780),
        DeckSpec("swarm-halfday", "Swarm: the essentials", "swarm", 340),
        DeckSpec("intro-selfpaced", "Introduction to containers", "intro", 1150, ("in-person",)),
        DeckSpec("intro-fullday", "Containers in one day", "intro", 520),
        DeckSpec("advanced", "Advanced Kubernetes\noperators, security, storage", "advanced", 420),
    )
    # Share of chapters per family; `drafts` are chapters no deck uses (commented out).
    families: tuple[tuple[str, float], ...] = (
        ("kube", 0.35), ("kadm", 0.21), ("swarm", 0.20), ("intro", 0.17), ("drafts", 0.04))
    shared: int = 10  # shared/*.md: title, logistics, contents, prerequisites, thanks...
    median_slides: int = 20  # source slides per chapter (lognormal around it)
    manifests: int = 120  # files under k8s/
    translated: float = 0.9  # share of messages the French catalogs translate
    seed: int = 15


REALISTIC = Shape()

TINY = Shape(chapters=40, pictures=12, picture_bytes=400_000, labs=30, diagram_chapters=2,
             median_slides=6, manifests=12, shared=6,
             decks=(DeckSpec("kube-selfpaced", "Kubernetes", "kube", 70, ("in-person",)),
                    DeckSpec("kube-halfday", "Kubernetes: the essentials", "kube", 25),
                    DeckSpec("kadm-fullday", "Kubernetes administration", "kadm", 40),
                    DeckSpec("swarm-fullday", "Swarm", "swarm", 40),
                    DeckSpec("intro-fullday", "Containers", "intro", 35),
                    DeckSpec("advanced", "Advanced Kubernetes", "advanced", 20)))


@dataclass(slots=True)
class Course:
    """A generated course and the figures that describe it (kept in course.json)."""

    repo: Path
    biggest: str  # the stem of the biggest deck (the 2,400-slide one)
    chapters: int = 0
    markdown_bytes: int = 0
    source_slides: int = 0
    code_slides: int = 0
    table_slides: int = 0
    diagram_chapters: int = 0
    labs: int = 0  # labs in chapters that decks use
    pictures: dict[str, list[int]] = field(default_factory=dict)  # kind -> [count, bytes]
    decks: dict[str, int] = field(default_factory=dict)  # stem -> content slides planned
    manifests: int = 0

    def describe(self) -> str:
        count = sum(c for c, _ in self.pictures.values())
        size = sum(b for _, b in self.pictures.values())
        kinds = ", ".join(f"{c} {k.upper()}" for k, (c, _) in sorted(self.pictures.items()))
        sizes = sorted(self.decks.values())
        return (f"{self.chapters} chapters, {self.markdown_bytes / 1e6:.2f} MB of Markdown, "
                f"{self.source_slides:,} source slides; {count} pictures, {size / 1e6:.1f} MB "
                f"({kinds}); {len(self.decks)} decks of {sizes[0]:,} to {sizes[-1]:,} content "
                f"slides; code on {self.code_slides / self.source_slides:.0%} of slides, "
                f"{self.table_slides} tables, diagrams in {self.diagram_chapters} chapters; "
                f"{self.labs} labs in decks; {self.manifests} manifests under k8s/")


# --------------------------------------------------------------------------- the cache

def _sources_digest() -> str:
    """This generator's code and coursekit's i18n code (it writes the French catalogs), read
    once at import: the key then names the code that actually runs, even if a file is edited
    while a bench is under way."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for source in [here / "realistic.py", here / "pictures.py", here / "k8s_manifests.py",
                   here / "text.py", *sorted((ROOT / "builder" / "i18n").glob("*.py"))]:
        digest.update(source.read_bytes())
    return digest.hexdigest()


_SOURCES = _sources_digest()


def _inputs_key(shape: Shape, scale: int) -> str:
    """Everything the generated bytes depend on: the code, the shape and Pillow (it encodes
    the pictures)."""
    from PIL import __version__ as pillow

    return hashlib.sha256(json.dumps([asdict(shape), scale, pillow, _SOURCES]).encode()).hexdigest()


def realistic_course(scale: int = 1, shape: Shape = REALISTIC, out: Path | None = None,
                     log=print) -> Course:
    """The course, generated into OUT/course-x<scale>, or reused from an earlier run when its
    inputs are unchanged. A half-written course (an interrupted run) is never reused: it is
    generated under a temporary name and renamed into place when complete."""
    target = (out or OUT) / f"course-x{scale}"
    key = _inputs_key(shape, scale)
    stamp = target / ".generated"
    if stamp.is_file() and stamp.read_text() == key and (target / "course.json").is_file():
        return _load(target)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log(f"generating the realistic course x{scale} into {target} ...")
    course = generate(partial, shape, scale)
    (partial / "course.json").write_text(json.dumps(asdict(course) | {"repo": ""}, indent=1))
    (partial / ".generated").write_text(key)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return _load(target)


def _load(target: Path) -> Course:
    data = json.loads((target / "course.json").read_text())
    data["repo"] = target
    return Course(**data)


# --------------------------------------------------------------------------- planning

@dataclass(slots=True)
class SlidePlan:
    kind: str = "bullets"  # title, bullets, prose, code, lab, table, picture, diagram, callout
    increments: int = 0  # `--` steps: each one is one more content slide
    cls: str = ""  # extra-details, in-person, self-paced
    notes: bool = False
    picture: str = ""
    diagram: str = ""  # fence or pre


@dataclass(slots=True)
class ChapterPlan:
    path: str  # relative to slides/
    family: str
    slides: list[SlidePlan]

    def content_slides(self, exclude: tuple[str, ...]) -> int:
        return sum(1 + s.increments for s in self.slides if s.cls not in exclude)


_TOPICS = {
    "kube": "k8s", "kadm": "k8s", "swarm": "swarm", "intro": "containers", "drafts": "k8s",
}


def _plan_chapters(shape: Shape, rng: random.Random, prefix: str) -> list[ChapterPlan]:
    plans = []
    shared_names = ["title", "logistics", "about-slides", "toc", "prereqs", "connecting",
                    "sampleapp", "composedown", "links", "thankyou", "chat-room", "hastyconclusions"]
    for n in range(shape.shared):
        name = shared_names[n] if n < len(shared_names) else f"shared-{n}"
        count = {"title": 2, "toc": 1, "thankyou": 1}.get(name, rng.randint(3, 12))
        slides = [SlidePlan() for _ in range(count)]
        if name == "title":  # one title slide per edition (text.py writes these chapters)
            slides[0].cls, slides[1].cls = "self-paced", "in-person"
        elif name == "logistics":
            slides[0].cls = "in-person"
        plans.append(ChapterPlan(f"{prefix}shared/{name}.md", "shared", slides))
    left = shape.chapters - shape.shared
    counts = [round(left * share) for _, share in shape.families]
    counts[0] += left - sum(counts)
    for (family, _), count in zip(shape.families, counts, strict=True):
        for n in range(count):
            size = max(2, min(90, round(rng.lognormvariate(0, 0.55) * shape.median_slides)))
            slides = [SlidePlan(kind="title")]
            for _ in range(size - 1):
                roll = rng.random()
                steps = 0 if roll < 0.91 else 1 if roll < 0.98 else 2
                roll = rng.random()
                cls = ("extra-details" if roll < 0.07 else "in-person" if roll < 0.09
                       else "self-paced" if roll < 0.11 else "")
                slides.append(SlidePlan(increments=steps, cls=cls, notes=rng.random() < 0.15))
            folder = _TOPICS[family] if family != "kadm" else "k8s"
            plans.append(ChapterPlan(f"{prefix}{folder}/{family}-{n:03d}.md", family, slides))
    return plans


def _plan_decks(shape: Shape, chapters: list[ChapterPlan], rng: random.Random
                ) -> dict[str, list[ChapterPlan]]:
    """Each family's chapters in an order of priority; a deck takes the shortest prefix of its
    family's order that reaches its size, so a smaller deck of a family is a subset of a bigger
    one, and `kadm` and `advanced` decks borrow `kube` chapters as real ones do."""
    by_family: dict[str, list[ChapterPlan]] = {}
    for chapter in chapters:
        by_family.setdefault(chapter.family, []).append(chapter)
    order = {f: rng.sample(cs, len(cs)) for f, cs in by_family.items() if f != "shared"}
    borrowed = order["kube"][len(order["kube"]) * 3 // 4:]
    kadm = order["kadm"] + borrowed
    order["kadm"] = rng.sample(kadm, len(kadm))
    advanced = borrowed + by_family["kadm"][-len(borrowed):]
    order["advanced"] = rng.sample(advanced, len(advanced))
    position = {id(c): n for n, c in enumerate(chapters)}
    shared = by_family["shared"]
    decks = {}
    for spec in shape.decks:
        picked: list[ChapterPlan] = []
        total = sum(c.content_slides(spec.exclude) for c in shared)
        for chapter in order[spec.family]:
            if total >= spec.slides:
                break
            picked.append(chapter)
            total += chapter.content_slides(spec.exclude)
        picked.sort(key=lambda c: position[id(c)])
        decks[spec.stem] = shared + picked
    return decks


EDITIONS = ("in-person", "self-paced")  # classes that some decks exclude


def _assign_kinds(shape: Shape, chapters: list[ChapterPlan], used: set[str],
                  rng: random.Random) -> list[SlidePlan]:
    """Exact quotas: labs and pictures on slides every deck that uses their chapter shows (so
    `labs check` sees `shape.labs` labs and builds copy nearly every picture), then code,
    tables and diagrams. Returns the picture slides, the ones with a picture of their own
    first."""
    eligible = [s for c in chapters if c.family != "shared" for s in c.slides if s.kind != "title"]
    in_decks = [s for c in chapters if c.family != "shared" and c.path in used
                for s in c.slides if s.kind != "title"]
    always = [s for s in in_decks if s.cls not in EDITIONS]
    labs = rng.sample(always, min(shape.labs, len(always)))
    taken = set(map(id, labs))
    # Introductions to containers and Swarm are the most illustrated (weighted sampling
    # without replacement: the largest random()**(1/weight) win).
    family = {id(s): c.family for c in chapters for s in c.slides}
    free = [s for s in always if id(s) not in taken]
    keys = {id(s): rng.random() ** (1 / (2 if family[id(s)] in ("intro", "swarm") else 1))
            for s in free}
    own = sorted(free, key=lambda s: keys[id(s)], reverse=True)[: shape.pictures * 19 // 20]
    taken |= set(map(id, own))
    in_deck_ids = set(map(id, in_decks))
    unused = [s for s in eligible if id(s) not in in_deck_ids]
    drafts_labs = rng.sample(unused, min(len(unused),
                                         round(len(unused) * shape.labs / max(1, len(in_decks)))))
    taken |= set(map(id, drafts_labs))
    for s in labs + drafts_labs:
        s.kind = "lab"
    for s in own:
        s.kind = "picture"
    rest = [s for s in eligible if id(s) not in taken]
    total = sum(len(c.slides) for c in chapters)
    code = max(0, round(total * shape.code_share) - len(labs) - len(drafts_labs))
    tables = round(total * shape.tables)
    shared_pictures = shape.pictures // 30  # a few pictures shown on two slides
    picked = rng.sample(rest, min(len(rest), code + tables + shared_pictures))
    for s in picked[:code]:
        s.kind = "code"
    for s in picked[code : code + tables]:
        s.kind = "table"
    for s in picked[code + tables :]:
        s.kind = "picture"
    for s in rest:
        if s.kind == "bullets":
            roll = rng.random()
            s.kind = "prose" if roll < 0.15 else "callout" if roll < 0.22 else "bullets"
    diagram_candidates = [c for c in chapters if c.path in used and c.family in ("kube", "kadm")
                          and sum(s.kind == "bullets" for s in c.slides) >= 2]
    for chapter in rng.sample(diagram_candidates, min(shape.diagram_chapters,
                                                      len(diagram_candidates))):
        plain = [s for s in chapter.slides if s.kind == "bullets"]
        for s, how in zip(rng.sample(plain, 2), ("fence", "pre"), strict=True):
            s.kind, s.diagram = "diagram", how
    return own + picked[code + tables :]


def _assign_pictures(slides: list[SlidePlan], names: list[str], rng: random.Random) -> None:
    referenced = names[: len(names) * 19 // 20]  # a few pictures are left over, as in real life
    for n, s in enumerate(slides):
        s.picture = referenced[n] if n < len(referenced) else rng.choice(referenced)


# --------------------------------------------------------------------------- writing

def generate(root: Path, shape: Shape = REALISTIC, scale: int = 1) -> Course:
    from tests.bench.text import chapter_text, manifest_text

    (root / "slides").mkdir(parents=True)
    course = Course(repo=root, biggest=max(shape.decks, key=lambda d: d.slides).stem)
    rng = random.Random(shape.seed)
    pictures = []
    kinds = ["png"] * 55 + ["jpg"] * 35 + ["svg"] * 10
    for n, size in enumerate(pics.picture_sizes(shape.pictures, shape.picture_bytes, rng)):
        kind = rng.choice(kinds) if size < 700_000 else rng.choice(("png", "jpg"))
        stem = f"{rng.choice(pics._LABELS).replace(' ', '-')}-{n:03d}"
        pictures.append(pics.write_picture(root / "slides" / "images" / f"{stem}.{kind}", kind,
                                           size, rng))
    manifest_names = write_manifests(root / "k8s", shape.manifests, random.Random(shape.seed))
    course.manifests = len(list((root / "k8s").rglob("*.yaml")))
    for replica in range(scale):
        prefix = f"r{replica}/" if replica else ""
        rng = random.Random(f"{shape.seed}-{replica}")
        names = [p.name for p in pictures]
        if replica:  # the same pictures under this copy's own paths: bytes to copy, no bytes to make
            for p in pictures:
                link = root / "slides" / "images" / prefix / Path(p.name).name
                link.parent.mkdir(parents=True, exist_ok=True)
                os.link(root / "slides" / p.name, link)
            names = [f"images/{prefix}{Path(n).name}" for n in names]
        plans = _plan_chapters(shape, rng, prefix)
        decks = _plan_decks(shape, plans, rng)
        used = {c.path for cs in decks.values() for c in cs}
        picture_slides = _assign_kinds(shape, plans, used, rng)
        _assign_pictures(picture_slides, rng.sample(names, len(names)), rng)
        for plan in plans:
            text = chapter_text(plan, rng, shape, manifest_names)
            path = root / "slides" / plan.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            course.chapters += 1
            course.markdown_bytes += len(text.encode())
            course.source_slides += len(plan.slides)
            course.code_slides += sum(s.kind in ("code", "lab") for s in plan.slides)
            course.table_slides += sum(s.kind == "table" for s in plan.slides)
            course.diagram_chapters += any(s.kind == "diagram" for s in plan.slides)
            if plan.path in used:
                course.labs += sum(s.kind == "lab" for s in plan.slides)
        for spec in shape.decks:
            stem = f"r{replica}-{spec.stem}" if replica else spec.stem
            (root / "slides" / f"{stem}.yml").write_text(
                manifest_text(spec, decks[spec.stem], rng), encoding="utf-8")
            course.decks[stem] = sum(c.content_slides(spec.exclude) for c in decks[spec.stem])
    for p in pictures:
        count, size = course.pictures.get(p.kind, [0, 0])
        course.pictures[p.kind] = [count + scale, size + p.size * scale]
    translate(root, shape.translated)
    return course


_EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def translate(repo: Path, share: float) -> None:
    """French catalogs made by coursekit's own `i18n update`, then filled in: most messages
    translated (the English kept behind a marker, so placeholders survive), the rest left
    for the English fallback, as in a course whose translation lags a little."""
    import io

    from babel.messages.pofile import read_po, write_po

    from builder.i18n.workflow import update

    for po, _, _ in update(repo, "fr")[0]:
        with po.open("rb") as stream:
            catalog = read_po(stream, locale="fr")
        catalog.creation_date = catalog.revision_date = _EPOCH  # same bytes on every run
        for message in catalog:
            if message.id and int(hashlib.md5(str(message.id).encode()).hexdigest()[:4], 16) \
                    < share * 0x10000:
                message.string = "FR " + message.id if isinstance(message.id, str) else message.id
        buffer = io.BytesIO()
        write_po(buffer, catalog)
        po.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    made = realistic_course(scale)
    print(made.repo)
    print(made.describe())
