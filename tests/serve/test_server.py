"""`coursekit serve` for real: HTTP on loopback, watchdog on real files, SSE to a real client."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from livesite import CHAPTER_A, Events, get, write

from builder.serve.state import TEMPLATE_DIRS


def test_binds_loopback_and_serves_decks_with_the_live_script(site):
    assert site.server.server_address[0] == "127.0.0.1"
    status, body = get(site, "/en/both.html")
    assert status == 200 and "first slide of alpha" in body
    assert 'new EventSource("/events")' in body
    on_disk = (site.workspace.out / "en" / "both.html").read_text()
    assert "EventSource" not in on_disk  # only the served page carries it
    index = get(site, "/")[1]
    assert 'href="en/both.html"' in index and 'href="en/beta.html"' in index


def test_nothing_outside_the_build_folder(site, course):
    (course.root / "secret.txt").write_text("secret")
    os.symlink(course.root / "secret.txt", site.workspace.out / "en" / "link.txt")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/en/%2e%2e/%2e%2e/secret.txt",
                 "/en/..%2f..%2fsecret.txt", f"/{course.root}/secret.txt", "//etc/passwd",
                 "/en/link.txt", "/%00", "/en\\..\\..\\secret.txt"):
        status, body = get(site, path)
        assert status == 404, path
        assert "secret" not in body


def test_chapter_save_rebuilds_only_the_decks_using_it(site, events, course):
    beta_before = (site.workspace.out / "en" / "beta.html").stat().st_mtime_ns
    write(course.root / "slides/a.md", CHAPTER_A.replace("original", "edited"))
    event, data = events.next()
    assert (event, data) == ("reload", {"decks": ["/en/both.html"]})
    assert "edited" in get(site, "/en/both.html")[1]
    assert (site.workspace.out / "en" / "beta.html").stat().st_mtime_ns == beta_before
    assert any("rebuilt /en/both.html (slides/a.md) in" in line for line in site.lines)


def test_manifest_save_rebuilds_its_deck(site, events, course):
    write(course.root / "slides/beta.yml", "title: Beta renamed\ncontent:\n- - b.md\n")
    assert events.next() == ("reload", {"decks": ["/en/beta.html"]})
    assert "<title>Beta renamed</title>" in get(site, "/en/beta.html")[1]


def test_template_change_rebuilds_everything(site):
    outcome = site.rebuild({TEMPLATE_DIRS[1] / "deck.css"})
    assert sorted(outcome.decks) == ["/en/beta.html", "/en/both.html"]


def test_broken_chapter_shows_its_line_keeps_the_last_good_deck_then_recovers(site, events, course):
    good = get(site, "/en/both.html")[1]
    write(course.root / "slides/a.md", CHAPTER_A + "\n@@INCLUDE[k8s/missing.yaml]\n")
    event, data = events.next()
    assert event == "builderror"
    assert data["errors"][0]["where"] == "slides/a.md:15"
    assert "@@INCLUDE file not found" in data["errors"][0]["message"]
    assert get(site, "/en/both.html")[1] == good
    # a page opened now learns about the error as soon as it connects
    late = Events(site.server.server_address[1])
    assert late.next()[0] == "builderror"
    late.close()
    write(course.root / "slides/a.md", CHAPTER_A.replace("original", "fixed"))
    assert events.next() == ("reload", {"decks": ["/en/both.html"]})
    assert "fixed" in get(site, "/en/both.html")[1]
    assert site.workspace.errors == []


def test_a_broken_chapter_stops_only_the_decks_that_use_it(site, events, course):
    write(course.root / "slides/a.md", CHAPTER_A + "\n@@INCLUDE[k8s/missing.yaml]\n")
    assert events.next()[0] == "builderror"
    both = get(site, "/en/both.html")[1]
    write(course.root / "slides/b.md", "# Beta\n\n- beta edited\n")
    event, data = events.next()
    assert event == "builderror" and data["errors"][0]["where"] == "slides/a.md:15"
    assert events.next() == ("reload", {"decks": ["/en/beta.html"], "broken": True})
    assert "beta edited" in get(site, "/en/beta.html")[1]
    assert get(site, "/en/both.html")[1] == both  # uses a.md: its last good output stays


def test_warnings_reach_the_pages_discreetly(site, events, course):
    write(course.root / "slides/a.md", CHAPTER_A + "\n.lab[\n- never closed\n")
    event, data = events.next()
    assert event == "reload" and data["decks"] == ["/en/both.html"]
    assert [w["where"] for w in data["warnings"]] == ["slides/a.md:15"]
    assert site.workspace.errors == []
    late = Events(site.server.server_address[1])  # a page opened now learns them on connecting
    event, data = late.next()
    late.close()
    assert event == "warnings" and "never closed" in data["warnings"][0]["message"]


def test_deleted_chapter_is_an_error_not_a_crash(site, events, course):
    (course.root / "slides/b.md").unlink()
    event, data = events.next()
    assert event == "builderror" and "b.md" in data["errors"][0]["where"]
    write(course.root / "slides/b.md", "# Beta\n\n- back again\n")
    assert events.next()[0] == "reload"
    assert "back again" in get(site, "/en/beta.html")[1]


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_editor_save_patterns_cause_one_rebuild(site, events, course):
    target = course.root / "slides/a.md"
    # vim: a probe file, a swap file, a backup, then the write; others: temp file + rename
    (course.root / "slides/4913").write_text("")
    (course.root / "slides/4913").unlink()
    (course.root / "slides/.a.md.swp").write_text("swap")
    (course.root / "slides/a.md~").write_text(CHAPTER_A)
    tmp = course.root / "slides/.a.md.tmp123"
    tmp.write_text(CHAPTER_A.replace("original", "renamed in"))
    os.replace(tmp, target)
    got = events.drain(wait=1.0)
    assert got == [("reload", {"decks": ["/en/both.html"]})]
    assert "renamed in" in get(site, "/en/both.html")[1]


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_a_thousand_saves_leave_it_running_and_correct(site, events, course):
    target = course.root / "slides/a.md"
    for n in range(1000):
        write(target, CHAPTER_A.replace("original", f"save number {n}"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if "save number 999" in get(site, "/en/both.html")[1]:
            break
        time.sleep(0.1)
    body = get(site, "/en/both.html")[1]
    assert "save number 999" in body and "save number 998" not in body
    assert site.workspace.errors == []
    assert site.server.hub.clients == 1  # the SSE client is still connected


def test_cli_refuses_a_busy_port(site, course):
    port = site.server.server_address[1]
    result = subprocess.run([sys.executable, "-m", "builder", "serve", "--repo", str(course.root),
                             "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"--port: cannot listen on 127.0.0.1:{port}")


def test_translation_save_rebuilds_the_french_deck(course, tmp_path):
    from builder.serve.app import Serve

    course.write("slides/a.md", "# Alpha\n\n- hello there\n")
    course.write("slides/deck.yml", "content:\n- - a.md\n")
    po = course.root / "slides/locale/fr/a.po"
    po.parent.mkdir(parents=True)
    app = Serve(course.root, course.root / "dist", port=0, langs=("en", "fr"), log=[].append)
    app.start()
    try:
        client = Events(app.server.server_address[1])
        write(po, 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "hello there"\nmsgstr "bonjour"\n')
        assert client.next() == ("reload", {"decks": ["/fr/deck.html"]})  # French only
        assert "<li>bonjour</li>" in get(app, "/fr/deck.html")[1]
        assert "<li>hello there</li>" in get(app, "/en/deck.html")[1]
        client.close()
    finally:
        app.stop()
