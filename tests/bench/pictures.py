"""Real, valid pictures of a chosen size for the realistic benchmark course: PNG screenshots,
JPEG photos and SVG diagrams, generated from a seeded random source so that the same seed
always gives the same bytes (with the same Pillow).

What costs a builder and a browser is the bytes to copy and the pixels to decode, so each
picture has realistic dimensions and lands within a few percent of the byte size asked for:
PNG and JPEG sizes are steered by how much of the picture is detail (noise compresses badly,
flat or smooth areas compress well).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

KINDS = ("png", "jpg", "svg")


@dataclass(frozen=True, slots=True)
class Picture:
    name: str  # relative to slides/, e.g. images/k8s-arch-012.png
    kind: str  # png, jpg or svg
    size: int  # bytes on disk
    width: int
    height: int


def dimensions(target: int, kind: str, rng: random.Random) -> tuple[int, int]:
    """Pixel dimensions a picture of this many bytes typically has: icons and logos are
    small, screenshots about a screen, photos and big diagrams larger."""
    if target < 40_000:
        choices = [(240, 180), (320, 240), (400, 300), (512, 512)]
    elif target < 300_000:
        choices = [(800, 600), (1024, 768), (1280, 720)]
    elif target < 1_000_000:
        choices = [(1280, 960), (1600, 900), (1920, 1080)]
    else:
        choices = [(1920, 1080), (2400, 1600), (3000, 2000)]
    width, height = rng.choice(choices)
    if kind == "png":  # a noise area of 3 bytes per pixel must fit in 80% of the picture
        while width * height * 3 * 0.8 < target:
            width, height = width * 5 // 4, height * 5 // 4
    return width, height


def _background(width: int, height: int, rng: random.Random) -> Image.Image:
    """A smooth picture: a coarse random grid blown up with bilinear filtering (sky, walls,
    out-of-focus areas), which every codec compresses well."""
    coarse = Image.frombytes("RGB", (8, 6), rng.randbytes(8 * 6 * 3))
    return coarse.resize((width, height), Image.Resampling.BILINEAR)


def _noise(width: int, height: int, rng: random.Random) -> Image.Image:
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def png_bytes(width: int, height: int, target: int, rng: random.Random) -> bytes:
    """A screenshot-like PNG: flat background and a band of incompressible detail whose area
    is what makes the size (about 3 bytes per pixel of it)."""
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    area = max(0, target - 2_000) // 3
    band_height = min(height, max(1, area // width))
    band_width = min(width, max(1, area // band_height))
    top = rng.randrange(0, height - band_height + 1)
    image.paste(_noise(band_width, band_height, rng), (0, top))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def jpeg_bytes(width: int, height: int, target: int, rng: random.Random) -> bytes:
    """A photo-like JPEG: a smooth scene whose lower rows are textured; the number of
    textured rows is steered (size grows about linearly with it) to within 5% of the target."""
    background = _background(width, height, rng)
    texture = _noise(width, height, rng)

    def encode(rows: int) -> bytes:
        image = background.copy()
        if rows:
            image.paste(texture.crop((0, 0, width, rows)), (0, height - rows))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        return out.getvalue()

    base = len(encode(0))
    rows = height // 3
    data = encode(rows)
    for _ in range(5):
        if abs(len(data) - target) <= target * 0.05:
            break
        per_row = max(1.0, (len(data) - base) / rows)
        wanted = max(1, min(height, round((target - base) / per_row)))
        if wanted == rows:
            break
        rows = wanted
        data = encode(rows)
    return data


_SVG_BOX = ('<g><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="#{fill:06x}" '
            'stroke="#333" stroke-width="2"/><text x="{tx}" y="{ty}" font-family="sans-serif" '
            'font-size="14" text-anchor="middle">{label}</text></g>')
_SVG_ARROW = '<path d="M{x1} {y1} C {cx} {y1}, {cx} {y2}, {x2} {y2}" fill="none" stroke="#555"/>'
_LABELS = ("pod", "node", "kubelet", "etcd", "API server", "scheduler", "service", "ingress",
           "proxy", "volume", "registry", "controller", "DNS", "worker", "redis", "hasher")


def svg_text(width: int, height: int, target: int, rng: random.Random, title: str) -> str:
    """An architecture diagram: labelled boxes joined by curves, as many as the size needs."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">', f"<title>{title}</title>"]
    size = sum(len(p) for p in parts) + 6
    while size < target:
        x, y = rng.randrange(width - 120), rng.randrange(height - 50)
        box = _SVG_BOX.format(x=x, y=y, w=110, h=40, fill=rng.randrange(0x1000000), tx=x + 55,
                              ty=y + 25, label=rng.choice(_LABELS))
        arrow = _SVG_ARROW.format(x1=x + 110, y1=y + 20, x2=rng.randrange(width),
                                  y2=rng.randrange(height), cx=rng.randrange(width))
        parts += [box, arrow]
        size += len(box) + len(arrow)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_picture(path: Path, kind: str, target: int, rng: random.Random) -> Picture:
    """Write one picture of about `target` bytes; returns what was written."""
    width, height = dimensions(target, kind, rng)
    if kind == "png":
        data = png_bytes(width, height, target, rng)
    elif kind == "jpg":
        data = jpeg_bytes(width, height, target, rng)
    elif kind == "svg":
        data = svg_text(width, height, target, rng, path.stem).encode()
    else:
        raise ValueError(f"unknown picture kind {kind!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Picture(f"images/{path.name}", kind, len(data), width, height)


def picture_sizes(count: int, total: int, rng: random.Random) -> list[int]:
    """`count` sizes adding up to about `total`, shaped like a real course's pictures: about
    half the bytes are a few big photos and screenshots (250 KB to 2 MB), the rest many small
    icons, logos and diagrams. The order is shuffled."""
    large = [round(250_000 * 8 ** rng.random()) for _ in range(max(1, count * 7 // 100))]
    rest = total - sum(large)
    raw = [rng.lognormvariate(0.0, 1.0) for _ in range(count - len(large))]
    scale = max(rest, 0) / sum(raw)
    sizes = large + [min(240_000, max(3_000, round(r * scale))) for r in raw]
    rng.shuffle(sizes)
    return sizes
