"""A real dev server on an ephemeral loopback port, over a tiny real course."""

from __future__ import annotations

import pytest
from livesite import CHAPTER_A, CHAPTER_B, Events

from builder.serve.app import Serve


@pytest.fixture
def site(course):
    course.write("slides/a.md", CHAPTER_A)
    course.write("slides/b.md", CHAPTER_B)
    course.write("slides/both.yml", "title: Both\ncontent:\n- - a.md\n- - b.md\n")
    course.write("slides/beta.yml", "title: Beta\ncontent:\n- - b.md\n")
    lines: list[str] = []
    app = Serve(course.root, course.root / "dist", port=0, log=lines.append)
    app.start()
    app.lines = lines
    yield app
    app.stop()


@pytest.fixture
def events(site):
    client = Events(site.server.server_address[1])
    yield client
    client.close()
